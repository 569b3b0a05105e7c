"""KPIs per grid / community / street / district / department / city for a period.

A KPI is computed for a window ``[start, end)`` at an instant ``now`` (the instant of the state;
``end`` by default, for a window that has ended). A window may end after ``now`` ("today":
midnight to midnight, looked at during the day): then only what has happened by ``now`` counts.
Below, "by ``t``" means within the window and at or before ``now``:

- *settles at*: an incident's handling deadline, or its closure if it was closed (not as a
  duplicate) before the deadline: the instant at which it is due to be counted as closed or
  not. Each incident settles once, so it is due in exactly one window;
- *due*: incidents that settle by ``t`` — an incident closed today counts today even
  when its deadline is tomorrow, and a deadline later today does not count until it passes;
- *closed*: of those, closed by ``t`` (closure rate = closed / due);
- *closed on time*: closed, and the department's last response came before the handling
  deadline, extensions included (on-time closure rate = closed on time / due);
- *rework rate*: incidents closed by ``t`` that were sent back at least once /
  incidents closed then;
- *mean response*: dispatch → acknowledgement, over acknowledgements by ``t``;
- *mean handling*: dispatch → response, over responses by ``t``;
- *escalations*: escalation steps of incidents reported by ``t``;
- *overdue*: open incidents overdue at ``now``: their clock ran out at or before ``now`` and
  before ``end`` (never one that will only be overdue later in the window);
- *open*: open incidents reported by ``t``.

"Open" and "overdue" read the incidents as they are in the state: for a window that ended
before ``now``, pass the state as of its end (as the replay does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.status import OPEN_STATUSES, CloseReason, IncidentStatus
from dispatch.domain.timelimits import handled_on_time, overdue_from


class GroupBy(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"
    DEPARTMENT = "department"


_PREFIX = {GroupBy.DISTRICT: 6, GroupBy.STREET: 9, GroupBy.COMMUNITY: 12, GroupBy.GRID: 15}


def group_key(group_by: GroupBy) -> Callable[[Incident], str]:
    if group_by == GroupBy.CITY:
        return lambda inc: ""
    if group_by == GroupBy.DEPARTMENT:
        return lambda inc: inc.lead_department or "-"
    n = _PREFIX[group_by]
    return lambda inc: inc.grid[:n]


@dataclass(slots=True)
class Kpi:
    reported: int = 0
    due: int = 0
    closed: int = 0
    closed_on_time: int = 0
    closed_in_period: int = 0
    reworked_closed: int = 0
    escalations: int = 0
    overdue: int = 0
    open: int = 0
    _response: list[float] = field(default_factory=list, repr=False)
    _handling: list[float] = field(default_factory=list, repr=False)

    @property
    def closure_rate(self) -> float | None:
        return self.closed / self.due if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.due if self.due else None

    @property
    def rework_rate(self) -> float | None:
        return self.reworked_closed / self.closed_in_period if self.closed_in_period else None

    @property
    def mean_response_s(self) -> float | None:
        return sum(self._response) / len(self._response) if self._response else None

    @property
    def mean_handling_s(self) -> float | None:
        return sum(self._handling) / len(self._handling) if self._handling else None

    def as_dict(self) -> dict[str, float | int | None]:
        return {"reported": self.reported, "due": self.due, "closed": self.closed,
                "closed_on_time": self.closed_on_time, "closure_rate": self.closure_rate,
                "on_time_rate": self.on_time_rate, "rework_rate": self.rework_rate,
                "mean_response_s": self.mean_response_s,
                "mean_handling_s": self.mean_handling_s, "escalations": self.escalations,
                "overdue": self.overdue, "open": self.open}


def settles_at(inc: Incident) -> float | None:
    """When the incident is due to be counted (see the module): its handling deadline, or its
    closure before it (a duplicate does not settle by closing); None if neither."""
    due = inc.handle_due
    closed_at = inc.closed_at
    if inc.status == IncidentStatus.CLOSED and closed_at is not None \
            and inc.close_reason != CloseReason.DUPLICATE.value:
        return closed_at if due is None else min(due, closed_at)
    return due


def compute_kpis(state: DispatchState, start: float, end: float,
                 group_by: GroupBy = GroupBy.DISTRICT, *, now: float | None = None,
                 key: Callable[[Incident], str] | None = None) -> dict[str, Kpi]:
    """The KPIs of ``[start, end)`` at ``now`` (``end`` if None) per group, over every incident
    of the state (one pass; a replay seek or the wall asks for it over thousands of
    incidents). ``key``, if given, groups instead of ``group_by`` (e.g. by operator)."""
    # "by now" includes the instant itself: what was reported this very second counts
    at = end if now is None else now
    if key is None:
        key = group_key(group_by)
    out: dict[str, Kpi] = {}
    closed_status, duplicate = IncidentStatus.CLOSED, CloseReason.DUPLICATE.value
    for inc in state.incidents.values():
        g = key(inc)
        k = out.get(g)
        if k is None:
            k = out[g] = Kpi()
        t = inc.reported_at
        if start <= t < end and t <= at:
            k.reported += 1
            k.escalations += inc.escalations
        status, closed_at, dispatched_at = inc.status, inc.closed_at, inc.dispatched_at
        closed = status == closed_status and inc.close_reason != duplicate \
            and closed_at is not None and closed_at < end and closed_at <= at
        settles = settles_at(inc)
        if settles is not None and start <= settles < end and settles <= at:
            k.due += 1
            if closed:
                k.closed += 1
                if handled_on_time(inc):
                    k.closed_on_time += 1
        if closed and closed_at is not None and start <= closed_at:
            k.closed_in_period += 1
            if inc.rework_count:
                k.reworked_closed += 1
        if dispatched_at is not None:
            acked = inc.acknowledged_at
            if acked is not None and start <= acked < end and acked <= at:
                k._response.append(acked - dispatched_at)
            responded = inc.responded_at
            if responded is not None and start <= responded < end and responded <= at:
                k._handling.append(responded - dispatched_at)
        if status in OPEN_STATUSES and inc.reported_at < end and inc.reported_at <= at:
            k.open += 1
            t = overdue_from(inc)  # is_overdue(inc, x) is x >= t, for an open incident
            if t <= at and t < end:
                k.overdue += 1
    return out
