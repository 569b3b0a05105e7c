"""DueIndex: which ids' instants fall between two looks at the clock."""

from __future__ import annotations

import math

from dispatch.timelimits import DueIndex


def test_between_is_half_open_and_either_way_round() -> None:
    idx = DueIndex([(10.0, "a"), (20.0, "b"), (20.0, "c"), (math.inf, "never")])
    assert idx.between(0.0, 10.0) == ["a"]
    assert idx.between(10.0, 20.0) == ["b", "c"]  # 10 itself was seen by the last look
    assert idx.between(20.0, 10.0) == ["b", "c"]  # a replay running backwards
    assert idx.between(20.0, 1e12) == []  # infinite instants are never kept


def test_add_and_remove_keep_it_sorted() -> None:
    idx = DueIndex()
    idx.add(30.0, "x")
    idx.add(5.0, "y")
    idx.add(math.inf, "z")
    assert idx.between(0.0, 100.0) == ["y", "x"]
    idx.remove(30.0, "x")
    idx.remove(99.0, "y")  # not held at that instant: nothing changes
    idx.remove(math.inf, "z")
    assert idx.between(0.0, 100.0) == ["y"]
