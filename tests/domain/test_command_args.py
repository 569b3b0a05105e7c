"""Command arguments from the wire: position rows (the one shape with a fast path) are checked
exactly as strictly as any other fixed tuple, and the error names the row and item."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.adapters.protocol.messages import build_command
from dispatch.domain.errors import InvalidCommand


def test_good_rows_become_tuples_of_floats() -> None:
    c = build_command("positions", {"rows": [["U-1", 120, 31.5], ["U-2", 120.25, 31]]})
    assert c.rows == (("U-1", 120.0, 31.5), ("U-2", 120.25, 31.0))
    assert all(type(v) is float for row in c.rows for v in row[1:])


@pytest.mark.parametrize(("row", "message"), [
    (["U-1", 120.0], "rows[1] must have 3 items"),
    (["U-1", 120.0, 31.0, 0], "rows[1] must have 3 items"),
    ({"id": "U-1"}, "rows[1] must be a list"),
    ([1, 120.0, 31.0], "rows[1][0] must be text"),
    (["U-1", True, 31.0], "rows[1][1] must be a number"),
    (["U-1", 120.0, "31"], "rows[1][2] must be a number"),
    (["U-1", 120.0, None], "rows[1][2] must be a number"),
    (["U-1", float("inf"), 31.0], "rows[1][1] must be a finite number"),
    (["U-1", 120.0, float("nan")], "rows[1][2] must be a finite number"),
])
def test_bad_rows_are_named(row: Any, message: str) -> None:
    with pytest.raises(InvalidCommand, match=message.replace("[", r"\[").replace("]", r"\]")):
        build_command("positions", {"rows": [["U-0", 120.0, 31.0], row]})
