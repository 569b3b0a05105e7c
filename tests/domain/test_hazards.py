"""Hazards at places: validation, permission, projection, snapshots, what applies where, and
the starting hazards seeded from the gazetteer."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest

from dispatch.adapters.store.snapshot_codec import decode_state, encode_state
from dispatch.domain import commands as cmd
from dispatch.domain.city.model import City
from dispatch.domain.errors import DispatchError, Forbidden, InvalidCommand, NotFound
from dispatch.domain.hazards import hazard_from_dict, hazard_to_dict, hazards_at
from dispatch.domain.projection import apply_all
from dispatch.domain.roles import Actor, Role
from dispatch.domain.state import DispatchState, Hazard
from dispatch.services.engine import DispatchEngine
from dispatch.services.gazetteer_generator import generate_gazetteer
from dispatch.services.hazard_seeds import seed_hazards
from tests.domain.helpers import DISPATCHER, LEAD, WALL, grid_point

ADMIN = Actor("admin", Role.ADMIN, workstation="ws-admin")


def unchanged(engine: DispatchEngine, fn: Callable[[], object]) -> DispatchError:
    before = pickle.dumps(engine.state)
    with pytest.raises(DispatchError) as info:
        fn()
    assert pickle.dumps(engine.state) == before
    return info.value


def gas(engine: DispatchEngine, hid: str = "HZ-A", radius: float = 150.0) -> cmd.SetHazard:
    lon, lat, _grid = grid_point(engine)
    return cmd.SetHazard(hid, "gas_station", "金鸡湖加油站", "禁止明火", lon, lat, radius)


def test_a_shift_lead_sets_replaces_and_removes_a_point_hazard(engine: DispatchEngine) -> None:
    lon, lat, grid = grid_point(engine)
    engine.execute(gas(engine), LEAD)
    h = engine.state.hazards["HZ-A"]
    assert h == Hazard("HZ-A", "gas_station", "金鸡湖加油站", "禁止明火", grid, lon, lat, 150.0)
    assert h.is_point
    engine.execute(gas(engine, radius=300.0), ADMIN)  # same id: replaced
    assert engine.state.hazards["HZ-A"].radius_m == 300.0
    engine.execute(cmd.RemoveHazard("HZ-A"), LEAD)
    assert "HZ-A" not in engine.state.hazards


def test_a_grid_hazard_holds_the_grid_and_its_centre(engine: DispatchEngine) -> None:
    _lon, _lat, grid = grid_point(engine, 3)
    engine.execute(cmd.SetHazard("HZ-G", "care_home", "夕阳红养老院", grid=grid), LEAD)
    h = engine.state.hazards["HZ-G"]
    assert (h.grid, h.radius_m, h.is_point) == (grid, 0.0, False)
    assert engine.locate(h.lon, h.lat) == grid


@pytest.mark.parametrize("actor", [DISPATCHER, WALL])
def test_other_roles_may_not_edit_hazards(engine: DispatchEngine, actor: Actor) -> None:
    err = unchanged(engine, lambda: engine.execute(gas(engine), actor))
    assert isinstance(err, Forbidden)
    assert "may not edit hazards" in err.message
    engine.execute(gas(engine), LEAD)
    err = unchanged(engine, lambda: engine.execute(cmd.RemoveHazard("HZ-A"), actor))
    assert isinstance(err, Forbidden)


def test_bad_hazards_are_refused_with_what_is_wrong(engine: DispatchEngine) -> None:
    lon, lat, grid = grid_point(engine)
    cases: list[tuple[cmd.SetHazard, type[DispatchError], str]] = [
        (cmd.SetHazard("HZ-1", "gas_station", "x", grid="320508999999999"), NotFound,
         "no grid '320508999999999'"),
        (cmd.SetHazard("HZ-1", "gas_station", "x", grid=grid[:12]), NotFound, "no grid"),
        (cmd.SetHazard("HZ-1", "gas_station", "x", "", lon, lat, 5.0), InvalidCommand,
         "radius 5.0 m is out of range: from 10 to 5000 metres"),
        (cmd.SetHazard("HZ-1", "gas_station", "x", "", lon, lat, 5001.0), InvalidCommand,
         "out of range"),
        (cmd.SetHazard("HZ-1", "gas_station", "x", "", 100.0, 20.0, 100.0), InvalidCommand,
         "is outside every grid"),
        (cmd.SetHazard("HZ-1", "gas_station", "   ", "", lon, lat, 100.0), InvalidCommand,
         "a hazard needs a name"),
        (cmd.SetHazard("HZ-1", "volcano", "x", "", lon, lat, 100.0), InvalidCommand,
         "unknown hazard kind 'volcano'"),
        (cmd.SetHazard("HZ-1", "gas_station", "x"), InvalidCommand,
         "needs a point (lon, lat) and a radius in metres, or a grid code"),
        (cmd.SetHazard("HZ-1", "gas_station", "x", "", lon, lat, 100.0, grid), InvalidCommand,
         "not both"),
        (cmd.SetHazard("HZ 1", "gas_station", "x", "", lon, lat, 100.0), InvalidCommand,
         "hazard id"),
        (cmd.SetHazard("HZ-1", "gas_station", "a\u202eb", "", lon, lat, 100.0), InvalidCommand,
         "name contains a bidirectional control"),
    ]
    for command, kind, words in cases:
        err = unchanged(engine, lambda c=command: engine.execute(c, LEAD))  # type: ignore[misc]
        assert isinstance(err, kind), (command, err)
        assert words in err.message, (command, err.message)
    err = unchanged(engine, lambda: engine.execute(cmd.RemoveHazard("HZ-none"), LEAD))
    assert isinstance(err, NotFound)
    assert "no hazard 'HZ-none'" in err.message


def test_a_scoped_editor_sets_hazards_only_in_its_region(engine: DispatchEngine,
                                                        demo_city: City) -> None:
    _lon, _lat, grid = grid_point(engine)
    other = next(g.code for g in demo_city.grids() if not g.code.startswith(grid[:9]))
    scoped = Actor("lead-x", Role.SHIFT_LEAD, scope=other[:9], workstation="ws-x")
    err = unchanged(engine, lambda: engine.execute(gas(engine), scoped))
    assert isinstance(err, Forbidden)
    engine.execute(gas(engine), LEAD)
    err = unchanged(engine, lambda: engine.execute(cmd.RemoveHazard("HZ-A"), scoped))
    assert isinstance(err, NotFound)  # out of scope: as if it did not exist


def test_events_replay_and_snapshots_give_the_same_hazards(engine: DispatchEngine) -> None:
    before = engine.state.copy()
    _lon, _lat, grid = grid_point(engine, 2)
    out = engine.execute(gas(engine), LEAD)
    out2 = engine.execute(cmd.SetHazard("HZ-G", "school", "实验小学", "上下学", grid=grid), LEAD)
    out3 = engine.execute(gas(engine, "HZ-B"), LEAD)
    out4 = engine.execute(cmd.RemoveHazard("HZ-B"), LEAD)
    events = [*out.events, *out2.events, *out3.events, *out4.events]
    assert [e.kind for e in events] == ["hazard.set"] * 3 + ["hazard.removed"]
    assert apply_all(before, events).hazards == engine.state.hazards
    assert set(engine.state.hazards) == {"HZ-A", "HZ-G"}
    back = decode_state(encode_state(engine.state))
    assert back.hazards == engine.state.hazards
    assert engine.state.copy().hazards == engine.state.hazards
    assert pickle.loads(pickle.dumps(engine.state)).hazards == engine.state.hazards
    assert decode_state(encode_state(DispatchState())).hazards == {}


def test_what_applies_at_a_position() -> None:
    point = Hazard("P", "gas_station", "站", "", "G1", 120.6, 31.3, 200.0)
    far = Hazard("F", "school", "校", "", "G2", 120.7, 31.3, 200.0)
    grid = Hazard("G", "care_home", "院", "", "G1", 120.61, 31.31)
    hits = hazards_at([point, far, grid], 120.6005, 31.3, "G1")  # ~48 m east of the station
    assert [h.hazard.id for h in hits] == ["G", "P"]
    assert 40 < hits[1].distance_m < 60
    assert [h.hazard.id for h in hazards_at([point, grid], 120.6005, 31.3, "G9")] == ["P"]
    assert hazards_at([point], 120.61, 31.3) == []  # ~950 m away
    assert hazard_from_dict(hazard_to_dict(point)) == point


def test_starting_hazards_come_from_the_gazetteer_deterministically(
        engine: DispatchEngine, demo_city: City) -> None:
    gaz = generate_gazetteer(demo_city, 1)
    seeds = seed_hazards(gaz)
    assert seeds == seed_hazards(generate_gazetteer(demo_city, 1))
    kinds = {c.kind for c in seeds}
    assert {"gas_station", "care_home", "school"} <= kinds
    assert any(c.grid for c in seeds)  # at least one grid hazard
    for c in seeds:  # every one is valid as the server checks it
        engine.execute(c, LEAD)
    assert len(engine.state.hazards) == len(seeds)
