"""Performance evaluation (绩效评价): the indicators of a period per grid, community, street,
district or department, and the ranking within the level. Pure: no I/O, no clock.

The period is ``[start, end)`` looked at ``now`` (``end`` by default): only what has happened
by ``now`` counts. The closure, on-time closure and mean time indicators are those of
:mod:`dispatch.domain.kpi` (same window semantics); the citizen's-loop indicators are defined
here. Every formula, and the ranking score, is written in docs/KPI.md "Evaluation".

The posts (岗位) are levels too: ``dispatcher`` groups the incidents by the operator who
dispatched them (or registered them, before a dispatch) with the same indicators; the grid
workers' own indicators are in :mod:`dispatch.domain.evaluation_posts`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from dispatch.domain.deadlines import CITIZEN_SOURCES
from dispatch.domain.kpi import GroupBy, Kpi, compute_kpis, group_key
from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.status import CloseReason, IncidentStatus


class Level(StrEnum):
    """What the evaluation groups by (a region level by the grid code's prefix, the lead
    department, or a post: the dispatcher, the grid worker)."""

    GRID = "grid"
    COMMUNITY = "community"
    STREET = "street"
    DISTRICT = "district"
    DEPARTMENT = "department"
    DISPATCHER = "dispatcher"    # post: the operator who dispatched (or registered) it
    GRID_WORKER = "grid_worker"  # post: dispatch.domain.evaluation_posts


def dispatcher_of(inc: Incident) -> str:
    """The dispatcher an incident counts for: who dispatched it last, else who registered
    it, else ``-`` (nobody yet, or an incident from before operators were recorded)."""
    return inc.dispatched_by or inc.registered_by or "-"


SATISFIED = frozenset({"satisfied", "basically_satisfied"})

# The ranking score: a weighted mean of the indicators a group has (higher is better; the urge
# and reopen rates count as 1 - rate). Weights sum to 1; see docs/KPI.md.
WEIGHTS: dict[str, float] = {
    "closure_rate": 0.20,
    "on_time_closure_rate": 0.20,
    "response_rate": 0.15,
    "resolution_rate": 0.15,
    "satisfaction_rate": 0.20,
    "urge_rate": 0.05,
    "reopen_rate": 0.05,
}
LOWER_IS_BETTER = frozenset({"urge_rate", "reopen_rate"})

RATES = tuple(WEIGHTS)
INDICATORS = (*RATES, "whistle_on_time_rate", "mean_response_s", "mean_handling_s")
"""Every indicator of a row. ``whistle_on_time_rate`` (吹哨报到) is reported but not weighted in
the score."""


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass(slots=True)
class Counts:
    """The citizen's-loop counts of one group (the numerators and denominators)."""

    dispatched: int = 0       # dispatched in the period, acknowledged or past the deadline
    responded_on_time: int = 0  # of those, acknowledged by their acknowledgement deadline
    closed: int = 0           # closed (not as duplicates) in the period
    resolved: int = 0         # of those, closed as fixed and never reopened
    citizen_reported: int = 0  # citizen's cases reported in the period
    urged: int = 0            # of those, urged at least once
    called_back: int = 0      # called back in the period
    satisfied: int = 0        # of those, satisfied or basically satisfied
    reopened: int = 0         # of those, reopened at least once (重办)
    whistle_due: int = 0      # summoned departments whose arrival was due in the period
    whistle_on_time: int = 0  # of those, reported on site by their due time (吹哨报到)


@dataclass(frozen=True, slots=True)
class EvaluationRow:
    code: str  # region code prefix, or department code ("-": none yet)
    kpi: Kpi
    counts: Counts
    score: float | None
    rank: int

    def indicators(self) -> dict[str, float | None]:
        k, c = self.kpi, self.counts
        return {
            "closure_rate": k.closure_rate,
            "on_time_closure_rate": k.on_time_rate,
            "response_rate": _rate(c.responded_on_time, c.dispatched),
            "resolution_rate": _rate(c.resolved, c.closed),
            "satisfaction_rate": _rate(c.satisfied, c.called_back),
            "urge_rate": _rate(c.urged, c.citizen_reported),
            "reopen_rate": _rate(c.reopened, c.called_back),
            "whistle_on_time_rate": _rate(c.whistle_on_time, c.whistle_due),
            "mean_response_s": k.mean_response_s,
            "mean_handling_s": k.mean_handling_s,
        }

    def as_dict(self) -> dict[str, object]:
        k, c = self.kpi, self.counts
        return {"code": self.code, **self.indicators(), "score": self.score, "rank": self.rank,
                "due": k.due, "closed": k.closed, "closed_on_time": k.closed_on_time,
                "dispatched": c.dispatched, "responded_on_time": c.responded_on_time,
                "closed_in_period": c.closed, "resolved": c.resolved,
                "citizen_reported": c.citizen_reported, "urged": c.urged,
                "called_back": c.called_back, "satisfied": c.satisfied,
                "reopened": c.reopened, "whistle_due": c.whistle_due,
                "whistle_on_time": c.whistle_on_time}


def score(indicators: dict[str, float | None]) -> float | None:
    """The ranking score: Σ w·r / Σ w over the rates the group has; None (not ranked on
    merit) for a group with nothing due in the period (no closure rate)."""
    if indicators.get("closure_rate") is None:
        return None
    total = weight = 0.0
    for name, w in WEIGHTS.items():
        r = indicators.get(name)
        if r is None:
            continue
        total += w * ((1.0 - r) if name in LOWER_IS_BETTER else r)
        weight += w
    return total / weight if weight else None


def _in(t: float | None, start: float, end: float, at: float) -> bool:
    return t is not None and start <= t < end and t <= at


def _count(c: Counts, inc: Incident, start: float, end: float, at: float) -> None:
    if _in(inc.dispatched_at, start, end, at):
        acked, ack_due = inc.acknowledged_at, inc.ack_due
        if acked is not None and acked > at:
            acked = None
        # counted once settled: acknowledged, or its acknowledgement deadline passed by now
        if acked is not None or (ack_due is not None and ack_due <= at):
            c.dispatched += 1
            if acked is not None and (ack_due is None or acked <= ack_due):
                c.responded_on_time += 1
    if inc.status == IncidentStatus.CLOSED and inc.close_reason != CloseReason.DUPLICATE.value \
            and _in(inc.closed_at, start, end, at):
        c.closed += 1
        if inc.close_reason == CloseReason.FIXED.value and inc.reopen_count == 0:
            c.resolved += 1
    if inc.source in CITIZEN_SOURCES and _in(inc.reported_at, start, end, at):
        c.citizen_reported += 1
        if inc.urges:
            c.urged += 1
    if inc.callback_result and _in(inc.called_back_at, start, end, at):
        c.called_back += 1
        if inc.callback_result in SATISFIED:
            c.satisfied += 1
        if inc.reopen_count:
            c.reopened += 1


def _count_whistle(counts: dict[str, Counts], inc: Incident, group: str, by_department: bool,
                   start: float, end: float, at: float) -> None:
    """吹哨报到: each summoned department whose arrival was due in the period counts for the
    department (at the department level) or for the incident's region."""
    for s in inc.summoned:
        if not _in(s.due, start, end, at):
            continue
        g = s.department if by_department else group
        c = counts.get(g)
        if c is None:
            c = counts[g] = Counts()
        c.whistle_due += 1
        if s.arrived_at is not None and s.arrived_at <= s.due and s.arrived_at <= at:
            c.whistle_on_time += 1


def level_key(level: Level) -> Callable[[Incident], str]:
    """The group an incident counts in at ``level`` (not for grid workers: their rows are
    :func:`dispatch.domain.evaluation_posts.evaluate_grid_workers`)."""
    if level == Level.DISPATCHER:
        return dispatcher_of
    if level == Level.GRID_WORKER:
        raise ValueError("grid workers are evaluated by evaluation_posts")
    return group_key(GroupBy(level.value))


def evaluate(incidents: Iterable[Incident], start: float, end: float, level: Level, *,
             now: float | None = None) -> list[EvaluationRow]:
    """The evaluation rows of ``[start, end)`` at ``now`` for ``level``, ranked: by score
    descending, a group without a score last, ties by code; ranks 1, 2, 3… in that order.
    Only groups with something counted in the period appear."""
    if not end > start:
        raise ValueError("the period's end must come after its start")
    at = end if now is None else now
    key = level_key(level)
    items = {inc.id: inc for inc in incidents}
    kpis = compute_kpis(DispatchState(incidents=items), start, end, now=now, key=key)
    counts: dict[str, Counts] = {}
    for inc in items.values():
        g = key(inc)
        c = counts.get(g)
        if c is None:
            c = counts[g] = Counts()
        _count(c, inc, start, end, at)
        if inc.summoned:
            _count_whistle(counts, inc, g, level == Level.DEPARTMENT, start, end, at)
    rows: list[tuple[str, Kpi, Counts, float | None]] = []
    for g, c in counts.items():
        k = kpis.get(g) or Kpi()
        if not (k.due or k.reported or c.dispatched or c.closed or c.called_back or c.whistle_due
                or k.mean_response_s is not None or k.mean_handling_s is not None):
            continue
        probe = EvaluationRow(g, k, c, None, 0)
        rows.append((g, k, c, score(probe.indicators())))
    rows.sort(key=lambda r: (r[3] is None, -(r[3] or 0.0), r[0]))
    return [EvaluationRow(g, k, c, s, i) for i, (g, k, c, s) in enumerate(rows, start=1)]
