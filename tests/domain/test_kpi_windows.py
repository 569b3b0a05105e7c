"""KPI windows at instants of one day: what is due, closed and overdue within a window that
ends now, ended before, or ends in the future (today, looked at during the day)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import LimitUnit, TimeLimit
from dispatch.domain.kpi import GroupBy, Kpi, compute_kpis, settles_at
from dispatch.domain.timelimits import is_overdue, overdue_from
from tests.domain.helpers import DISPATCHER, FIELD, free_units, report

TZ = ZoneInfo("Asia/Shanghai")


def city(engine: Any, start: float, end: float, now: float | None = None) -> Kpi:
    return compute_kpis(engine.state, start, end, GroupBy.CITY, now=now).get("", Kpi())


def dispatch_and_acknowledge(engine: Any, class_code: str | None = None) -> str:
    iid = report(engine, class_code=class_code)
    lead = engine.catalogue.lead_department_of(engine.state.incidents[iid].class_code)
    engine.execute(cmd.AssignUnits(iid, free_units(engine, lead)), DISPATCHER)
    engine.execute(cmd.Acknowledge(iid), FIELD)
    return iid


@pytest.fixture
def day(engine: Any, clock: Any) -> dict[str, Any]:
    """Two incidents of one day: ``closed`` is closed at 10:43, long before its deadline;
    ``late`` is open, its clock runs out later the same day."""
    local = datetime.fromtimestamp(clock(), TZ)
    midnight = datetime.combine(local.date(), time(0), tzinfo=TZ)
    closed = dispatch_and_acknowledge(engine)
    clock.advance(600)
    engine.execute(cmd.Respond(closed, "修好了"), FIELD)
    engine.execute(cmd.Verify(closed, True), FIELD)
    clock.advance(1200)
    engine.execute(cmd.CloseIncident(closed, "fixed"), DISPATCHER)
    units = {u.department for u in engine.state.units.values()}
    hours = next(m.code for m in sorted(engine.catalogue.minors.values(), key=lambda m: m.code)
                 if m.handling_limit == TimeLimit(2.0, LimitUnit.HOURS)
                 and m.lead_department in units)
    late = dispatch_and_acknowledge(engine, hours)
    return {"midnight": midnight.timestamp(),
            "next_midnight": (midnight + timedelta(days=1)).timestamp(),
            "closed": closed, "late": late, "closed_at": clock()}


def test_the_day_is_what_the_test_needs(engine: Any, day: dict[str, Any]) -> None:
    closed = engine.state.incidents[day["closed"]]
    late = engine.state.incidents[day["late"]]
    assert closed.closed_at == day["closed_at"]
    assert closed.handle_due is not None
    assert closed.handle_due > closed.closed_at  # closed before its deadline
    assert settles_at(closed) == closed.closed_at
    assert day["closed_at"] < overdue_from(late) < day["next_midnight"]


def test_due_and_overdue_at_instants_of_one_day(engine: Any, clock: Any,
                                                 day: dict[str, Any]) -> None:
    start, end = day["midnight"], day["next_midnight"]
    late = engine.state.incidents[day["late"]]
    turns = overdue_from(late)
    # before the closure: nothing due yet, nothing overdue, whatever the window's end
    for window_end in (day["closed_at"] - 60, end):
        k = city(engine, start, window_end, now=day["closed_at"] - 60)
        assert (k.due, k.closed, k.overdue) == (0, 0, 0)
        assert k.closure_rate is None
    # just after the closure, the window ending now and the whole day agree: the incident
    # closed today counts (its deadline is later)
    for window_end in (day["closed_at"] + 1, end):
        k = city(engine, start, window_end, now=day["closed_at"] + 1)
        assert (k.due, k.closed, k.overdue) == (1, 1, 0)
        assert k.closure_rate == 1.0
        assert k.on_time_rate == 1.0
    # a minute before the open incident's clock runs out: the whole day does not count it
    # as overdue yet (it will be before midnight, but it is not now)
    before = turns - 60
    assert not is_overdue(late, before)
    for window_end in (before + 1, end):
        k = city(engine, start, window_end, now=before)
        assert k.overdue == 0
        assert k.open == 1
    # a minute after: overdue in both
    after = turns + 60
    assert is_overdue(late, after)
    for window_end in (after + 1, end):
        assert city(engine, start, window_end, now=after).overdue == 1
    # a window that ended before the clock ran out never counts it as overdue
    assert city(engine, start, turns - 1, now=after).overdue == 0
    # the closed incident is due in one window only: not tomorrow, not in the hour after
    assert city(engine, end, end + 86400, now=end + 3600).due == 0
    assert city(engine, day["closed_at"] + 1, end, now=after).closed == 0
    # once the open incident's handling deadline has passed, it is due and not closed
    assert late.handle_due is not None
    assert late.handle_due < end
    k = city(engine, start, end, now=late.handle_due + 1)
    assert (k.due, k.closed) == (2, 1)
    assert k.closure_rate == 0.5
    assert city(engine, start, end, now=late.handle_due - 1).due == 1


def test_without_now_the_window_is_looked_at_from_its_end(engine: Any,
                                                          day: dict[str, Any]) -> None:
    start, end = day["midnight"], day["next_midnight"]
    assert city(engine, start, end) == city(engine, start, end, now=end)
    assert city(engine, start, end, now=end + 3600) == city(engine, start, end, now=end)
