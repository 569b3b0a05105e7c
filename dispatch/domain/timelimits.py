"""Time limits at any instant: which clock runs for an incident, when it is due, whether it is
near due or overdue. Everything derives from the incident's recorded deadlines and ``now``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter

from dispatch.domain.state import Incident
from dispatch.domain.status import WORKING_STATUSES, IncidentStatus

S = IncidentStatus


class ClockState(StrEnum):
    OK = "ok"
    NEAR_DUE = "near_due"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class Clock:
    stage: str  # dispatch, acknowledge, handle, verify
    started: float
    due: float

    def remaining(self, now: float) -> float:
        return self.due - now

    def state(self, now: float, near_due_fraction: float = 0.8) -> ClockState:
        if now >= self.due:
            return ClockState.OVERDUE
        span = self.due - self.started
        if span > 0 and (now - self.started) >= near_due_fraction * span:
            return ClockState.NEAR_DUE
        return ClockState.OK


# The clock that runs in each status: (stage, when it started, when it is due). It runs when
# both instants are known; the handling clock counts from dispatch (or the report, for an
# incident the grid handled itself).
_CLOCKS: dict[IncidentStatus, tuple[str, Callable[[Incident], float | None],
                                    Callable[[Incident], float | None]]] = {
    S.REPORTED: ("dispatch", attrgetter("reported_at"), attrgetter("dispatch_due")),
    S.REGISTERED: ("dispatch", attrgetter("reported_at"), attrgetter("dispatch_due")),
    S.DISPATCHED: ("acknowledge", attrgetter("dispatched_at"), attrgetter("ack_due")),
    S.ACKNOWLEDGED: ("handle", lambda i: i.dispatched_at or i.reported_at,
                     attrgetter("handle_due")),
    S.HANDLING: ("handle", lambda i: i.dispatched_at or i.reported_at,
                 attrgetter("handle_due")),
    S.RESPONDED: ("verify", attrgetter("responded_at"), attrgetter("verify_due")),
}


def running_clock(inc: Incident) -> Clock | None:
    """The clock that runs in the incident's current status (None when none runs)."""
    rule = _CLOCKS.get(inc.status)
    if rule is None:
        return None
    stage, started_of, due_of = rule
    started, due = started_of(inc), due_of(inc)
    return None if started is None or due is None else Clock(stage, started, due)


def clock_state(inc: Incident, now: float, near_due_fraction: float = 0.8) -> ClockState | None:
    c = running_clock(inc)
    return None if c is None else c.state(now, near_due_fraction)


def is_overdue(inc: Incident, now: float) -> bool:
    """Overdue now: the running clock has passed, or the handling limit has (while working)."""
    c = running_clock(inc)
    if c is not None and now >= c.due:
        return True
    return (inc.status in WORKING_STATUSES
            and inc.handle_due is not None and now >= inc.handle_due)


def clock_dues(inc: Incident) -> tuple[float, float]:
    """``(due, overdue from)`` at once, without building a :class:`Clock` (a replay seek asks
    for thousands): when the running clock is due (``inf`` when none runs), as
    ``running_clock(inc).due``; and :func:`overdue_from`."""
    rule = _CLOCKS.get(inc.status)
    if rule is None:
        return math.inf, math.inf
    _stage, started_of, due_of = rule
    due = due_of(inc)
    if due is None or started_of(inc) is None:
        due = math.inf
    handle = inc.handle_due
    if handle is not None and handle < due and inc.status in WORKING_STATUSES:
        return due, handle  # working: the handling limit counts too
    return due, due


def overdue_from(inc: Incident) -> float:
    """The instant from which the incident, as it is, counts as overdue (``inf``: never):
    ``inc.is_open and is_overdue(inc, now)`` is ``now >= overdue_from(inc)``."""
    return clock_dues(inc)[1]


class DueIndex:
    """Instants by id, sorted, to find the ids whose instant falls between two others: which
    incidents turned overdue (or back, when time runs backwards in a replay) between two
    looks at the clock. Infinite instants (never) are not kept."""

    def __init__(self, items: Iterable[tuple[float, str]] = ()) -> None:
        self._dues = sorted((t, iid) for t, iid in items if t != math.inf)

    def add(self, t: float, iid: str) -> None:
        if t != math.inf:
            bisect.insort(self._dues, (t, iid))

    def remove(self, t: float, iid: str) -> None:
        dues = self._dues
        k = bisect.bisect_left(dues, (t, iid))
        if k < len(dues) and dues[k] == (t, iid):
            del dues[k]

    def between(self, a: float, b: float) -> list[str]:
        """Ids with an instant in (min(a, b), max(a, b)]."""
        lo, hi = (a, b) if a <= b else (b, a)
        dues = self._dues
        i = bisect.bisect_right(dues, (lo, "\uffff"))
        j = bisect.bisect_right(dues, (hi, "\uffff"))
        return [iid for _t, iid in dues[i:j]]


def handled_on_time(inc: Incident) -> bool | None:
    """For an incident the department responded to: was the (last) response within the
    handling limit, extensions included? None if it never reached a response."""
    if inc.responded_at is None or inc.handle_due is None:
        return None
    return inc.responded_at <= inc.handle_due
