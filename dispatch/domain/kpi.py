"""KPIs per grid / community / street / district / department / city for a period.

Definitions (for the period ``[start, end)``, from the state as of ``end``):

- *due*: incidents whose handling deadline falls in the period;
- *closed*: of those, closed before ``end`` (closure rate = closed / due);
- *closed on time*: closed, and the department's last response came before the handling
  deadline, extensions included (on-time closure rate = closed on time / due);
- *rework rate*: incidents closed in the period that were sent back at least once / incidents
  closed in the period;
- *mean response*: dispatch → acknowledgement, over acknowledgements in the period;
- *mean handling*: dispatch → response, over responses in the period;
- *escalations*: escalation steps of incidents reported in the period;
- *overdue*: open incidents overdue at ``end``.
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


def compute_kpis(state: DispatchState, start: float, end: float,
                 group_by: GroupBy = GroupBy.DISTRICT) -> dict[str, Kpi]:
    """The KPIs of ``[start, end)`` per group, over every incident of the state (one pass;
    a replay seek or the wall asks for it over thousands of incidents)."""
    key = group_key(group_by)
    out: dict[str, Kpi] = {}
    closed_status, duplicate = IncidentStatus.CLOSED, CloseReason.DUPLICATE.value
    for inc in state.incidents.values():
        g = key(inc)
        k = out.get(g)
        if k is None:
            k = out[g] = Kpi()
        if start <= inc.reported_at < end:
            k.reported += 1
            k.escalations += inc.escalations
        status, closed_at, dispatched_at = inc.status, inc.closed_at, inc.dispatched_at
        closed = status == closed_status and inc.close_reason != duplicate
        t = inc.handle_due
        if t is not None and start <= t < end:
            k.due += 1
            if closed and closed_at is not None and closed_at < end:
                k.closed += 1
                if handled_on_time(inc):
                    k.closed_on_time += 1
        if closed and closed_at is not None and start <= closed_at < end:
            k.closed_in_period += 1
            if inc.rework_count:
                k.reworked_closed += 1
        if dispatched_at is not None:
            t = inc.acknowledged_at
            if t is not None and start <= t < end:
                k._response.append(t - dispatched_at)
            t = inc.responded_at
            if t is not None and start <= t < end:
                k._handling.append(t - dispatched_at)
        if status in OPEN_STATUSES and inc.reported_at < end:
            k.open += 1
            if end >= overdue_from(inc):  # is_overdue, for an open incident
                k.overdue += 1
    return out
