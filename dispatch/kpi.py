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

from dispatch.state import DispatchState, Incident
from dispatch.status import CloseReason, IncidentStatus
from dispatch.timelimits import handled_on_time, is_overdue


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


def _in(t: float | None, start: float, end: float) -> bool:
    return t is not None and start <= t < end


def compute_kpis(state: DispatchState, start: float, end: float,
                 group_by: GroupBy = GroupBy.DISTRICT) -> dict[str, Kpi]:
    key = group_key(group_by)
    out: dict[str, Kpi] = {}
    for inc in state.incidents.values():
        k = out.get(key(inc))
        if k is None:
            k = out[key(inc)] = Kpi()
        if _in(inc.reported_at, start, end):
            k.reported += 1
            k.escalations += inc.escalations
        closed = inc.status == IncidentStatus.CLOSED and inc.close_reason != \
            CloseReason.DUPLICATE.value
        if _in(inc.handle_due, start, end):
            k.due += 1
            if closed and inc.closed_at is not None and inc.closed_at < end:
                k.closed += 1
                if handled_on_time(inc):
                    k.closed_on_time += 1
        if closed and _in(inc.closed_at, start, end):
            k.closed_in_period += 1
            if inc.rework_count:
                k.reworked_closed += 1
        if _in(inc.acknowledged_at, start, end) and inc.dispatched_at is not None:
            k._response.append(inc.acknowledged_at - inc.dispatched_at)  # type: ignore[operator]
        if _in(inc.responded_at, start, end) and inc.dispatched_at is not None:
            k._handling.append(inc.responded_at - inc.dispatched_at)  # type: ignore[operator]
        if inc.status.is_open and inc.reported_at < end:
            k.open += 1
            if is_overdue(inc, end):
                k.overdue += 1
    return out
