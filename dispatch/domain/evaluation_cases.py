"""Drill-through (穿透): the incidents behind one number of the evaluation.

For an indicator of a group, the cases of its denominator (for a mean: the cases averaged),
each with ``counted`` (in the numerator) and, for a mean, its ``value`` in seconds. The rules
are those of :mod:`dispatch.domain.evaluation` and :mod:`dispatch.domain.evaluation_posts`
(docs/KPI.md); a test checks that the counts agree with the rows. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dispatch.domain.deadlines import CITIZEN_SOURCES
from dispatch.domain.evaluation import SATISFIED
from dispatch.domain.evaluation_posts import (
    GridWorker,
    is_report,
    verification,
    work_order,
)
from dispatch.domain.kpi import settles_at
from dispatch.domain.state import Incident
from dispatch.domain.status import CloseReason, IncidentStatus
from dispatch.domain.timelimits import handled_on_time


@dataclass(frozen=True, slots=True)
class Case:
    incident: Incident
    counted: bool
    value: float | None = None


# A rule: (incident, start, end, at) -> None (not behind the number) or the case's
# (counted, value).
Rule = Callable[[Incident, float, float, float], "tuple[bool, float | None] | None"]


def _in(t: float | None, start: float, end: float, at: float) -> bool:
    return t is not None and start <= t < end and t <= at


def _closed(inc: Incident, end: float, at: float) -> bool:
    c = inc.closed_at
    return inc.status == IncidentStatus.CLOSED and inc.close_reason != CloseReason.DUPLICATE.value \
        and c is not None and c < end and c <= at


def _closure(on_time: bool) -> Rule:
    def rule(inc: Incident, start: float, end: float, at: float
             ) -> tuple[bool, float | None] | None:
        if not _in(settles_at(inc), start, end, at):
            return None
        closed = _closed(inc, end, at)
        return (closed and (bool(handled_on_time(inc)) if on_time else True)), None
    return rule


def _response(inc: Incident, start: float, end: float, at: float
              ) -> tuple[bool, float | None] | None:
    if not _in(inc.dispatched_at, start, end, at):
        return None
    acked, due = inc.acknowledged_at, inc.ack_due
    if acked is not None and acked > at:
        acked = None
    if acked is None and (due is None or due > at):
        return None
    return (acked is not None and (due is None or acked <= due)), None


def _resolution(inc: Incident, start: float, end: float, at: float
                ) -> tuple[bool, float | None] | None:
    if inc.status != IncidentStatus.CLOSED or inc.close_reason == CloseReason.DUPLICATE.value \
            or not _in(inc.closed_at, start, end, at):
        return None
    return (inc.close_reason == CloseReason.FIXED.value and inc.reopen_count == 0), None


def _called_back(counted: Callable[[Incident], bool]) -> Rule:
    def rule(inc: Incident, start: float, end: float, at: float
             ) -> tuple[bool, float | None] | None:
        if not inc.callback_result or not _in(inc.called_back_at, start, end, at):
            return None
        return counted(inc), None
    return rule


def _urge(inc: Incident, start: float, end: float, at: float
          ) -> tuple[bool, float | None] | None:
    if inc.source not in CITIZEN_SOURCES or not _in(inc.reported_at, start, end, at):
        return None
    return inc.urges > 0, None


def _mean(stop: Callable[[Incident], float | None]) -> Rule:
    def rule(inc: Incident, start: float, end: float, at: float
             ) -> tuple[bool, float | None] | None:
        t, d = stop(inc), inc.dispatched_at
        if d is None or not _in(t, start, end, at):
            return None
        assert t is not None
        return True, t - d
    return rule


RULES: dict[str, Rule] = {
    "closure_rate": _closure(False),
    "on_time_closure_rate": _closure(True),
    "response_rate": _response,
    "resolution_rate": _resolution,
    "satisfaction_rate": _called_back(lambda i: i.callback_result in SATISFIED),
    "urge_rate": _urge,
    "reopen_rate": _called_back(lambda i: i.reopen_count > 0),
    "mean_response_s": _mean(lambda i: i.acknowledged_at),
    "mean_handling_s": _mean(lambda i: i.responded_at),
}
"""The drill-through rule of each incident indicator (region, department, dispatcher)."""

WORKER_INDICATORS = ("reports", "verification_on_time_rate", "work_order_response_rate")

WHISTLE = "whistle_on_time_rate"  # its cases are the summoned departments (_whistle_cases)
CASE_INDICATORS = frozenset({*RULES, WHISTLE, *WORKER_INDICATORS})
"""Every indicator whose cases :func:`cases` or :func:`worker_cases` lists."""


def _whistle_cases(incidents: Iterable[Incident], key: Callable[[Incident], str], code: str,
                   by_department: bool, start: float, end: float, at: float) -> list[Case]:
    """吹哨报到: one case per summoned department due on site in the period (the indicator
    counts departments), for the summoned department (``by_department``) or the incident's
    group; counted when it arrived by its due time; ``value`` the arrival's seconds after the
    due time (negative: early; None: not arrived)."""
    out: list[Case] = []
    for inc in incidents:
        if not inc.summoned or (not by_department and key(inc) != code):
            continue
        for s in inc.summoned:
            if not _in(s.due, start, end, at) or (by_department and s.department != code):
                continue
            arrived = s.arrived_at if s.arrived_at is not None and s.arrived_at <= at else None
            out.append(Case(inc, arrived is not None and arrived <= s.due,
                            None if arrived is None else arrived - s.due))
    out.sort(key=lambda c: c.incident.id)
    return out


def cases(incidents: Iterable[Incident], key: Callable[[Incident], str], code: str,
          indicator: str, start: float, end: float, at: float, *,
          by_department: bool = False) -> list[Case]:
    """The cases behind ``indicator`` of group ``code`` (by ``key``; ``by_department``: the
    level is the department, whose whistle arrivals are the summoned departments'), by
    incident id."""
    if indicator == WHISTLE:
        return _whistle_cases(incidents, key, code, by_department, start, end, at)
    rule = RULES.get(indicator)
    if rule is None:
        raise KeyError(indicator)
    out: list[Case] = []
    for inc in incidents:
        if key(inc) != code:
            continue
        r = rule(inc, start, end, at)
        if r is not None:
            out.append(Case(inc, r[0], r[1]))
    out.sort(key=lambda c: c.incident.id)
    return out


def worker_cases(incidents: Iterable[Incident], worker: GridWorker, indicator: str,
                 start: float, end: float, at: float) -> list[Case]:
    """The cases behind a grid worker's ``reports``, ``verification_on_time_rate`` or
    ``work_order_response_rate`` (patrol coverage has tracks, not cases)."""
    if indicator not in WORKER_INDICATORS:
        raise KeyError(indicator)
    out: list[Case] = []
    for inc in incidents:
        if indicator == "reports":
            if is_report(inc, worker.grid, start, end, at):
                out.append(Case(inc, True))
            continue
        r = verification(inc, worker.grid, start, end, at) \
            if indicator == "verification_on_time_rate" \
            else work_order(inc, worker.unit_id, start, end, at)
        if r is not None:
            out.append(Case(inc, r))
    out.sort(key=lambda c: c.incident.id)
    return out
