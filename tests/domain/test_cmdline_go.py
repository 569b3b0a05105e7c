"""The command line's ``go``: where the map should go, parsed without the server."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.domain.cmdline.completion import complete
from dispatch.domain.cmdline.goto import GoTo
from dispatch.domain.cmdline.line import CommandLineError
from dispatch.domain.cmdline.parser import parse

REGIONS = {"320508", "320508001", "320508001002", "320508001002003"}


@pytest.mark.parametrize(("line", "want"), [
    ("go 观前街 18号", GoTo("place", "观前街 18号")),
    ("goto   观前街   18号 ", GoTo("place", "观前街 18号")),
    ("go gqj", GoTo("place", "gqj")),
    ("go 320508001002003", GoTo("region", "320508001002003")),
    ("GO 320508", GoTo("region", "320508")),
    ("go E123", GoTo("incident", "E000123")),
    ("go 123", GoTo("incident", "E000123")),
    ("go .", GoTo("incident", "E000007")),
    ("go 320508999", GoTo("incident", "E320508999")),  # not a region of the city
])
def test_go_parses_to_where(line: str, want: GoTo) -> None:
    assert parse(line, selected="E000007", regions=REGIONS) == want


def test_go_needs_a_target() -> None:
    with pytest.raises(CommandLineError, match="missing place, region code or incident"):
        parse("go  ")


def test_go_completes_region_codes_and_incidents(engine: Any) -> None:
    assert complete("g", engine.state) == ["go", "goto"]
    assert complete("go 320508001", engine.state, regions=REGIONS) == [
        "320508001", "320508001002", "320508001002003"]
    assert complete("go 观前", engine.state, regions=REGIONS) == []  # places: the geocoder's
    assert complete("go 320508 x", engine.state, regions=REGIONS) == []
