"""Record bodies of the state feed: the fast writers say exactly what the generic ones say."""

from __future__ import annotations

import dataclasses

import orjson

from dispatch.adapters.protocol.records import dumps, unit_body, unit_from_dict, unit_to_dict
from dispatch.domain.state import UnitState, UnitStatus


def test_unit_body_is_the_generic_dict_of_every_field() -> None:
    u = UnitState("U-fire-7", "fire", "engine", "消防7", "320508001001001", 120.61234567,
                  31.3123456, UnitStatus.ON_SCENE, 1_700_000_000.125, "E000042", 17)
    body = unit_body(u)
    assert body == dumps(unit_to_dict(u))
    assert list(orjson.loads(body)) == [f.name for f in dataclasses.fields(UnitState)]
    assert unit_from_dict(orjson.loads(body)) == u
