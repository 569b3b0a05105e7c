"""DueIndex: which ids' instants fall between two looks at the clock."""

from __future__ import annotations

import math
from typing import Any

from dispatch.domain.timelimits import DueIndex


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


def test_clock_dues_agree_with_running_clock_and_is_overdue() -> None:
    """clock_dues is the fast path of running_clock(inc).due and overdue_from: checked for
    every status, with each deadline (or start) missing in turn, at instants around them."""
    import dataclasses

    from dispatch.domain.state import Incident
    from dispatch.domain.status import OPEN_STATUSES, IncidentStatus
    from dispatch.domain.timelimits import clock_dues, is_overdue, running_clock

    t0 = 1_793_721_600.0
    full = Incident(id="E1", source="hotline", class_code="0101", priority="urgent",
                    lon=116.4, lat=39.9, grid="110101001001001", description="井盖缺失",
                    reporter="12345", reported_at=t0, dispatch_due=t0 + 900,
                    dispatched_at=t0 + 600, ack_due=t0 + 1500, handle_due=t0 + 1200,
                    responded_at=t0 + 2000, verify_due=t0 + 3000)
    for status in IncidentStatus:
        for gone in ((), ("ack_due",), ("dispatched_at",), ("handle_due",), ("verify_due",),
                     ("responded_at",)):
            cleared: dict[str, Any] = dict.fromkeys(gone)
            inc = dataclasses.replace(full, status=status, **cleared)
            clock = running_clock(inc)
            due, overdue_at = clock_dues(inc)
            assert due == (clock.due if clock is not None else math.inf), (status, gone)
            for t in (t0, t0 + 899, t0 + 900, t0 + 1200, t0 + 1500, t0 + 3000, t0 + 9999):
                want = inc.status in OPEN_STATUSES and is_overdue(inc, t)
                assert (t >= overdue_at) == want, (status, gone, t)
