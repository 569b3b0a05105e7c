"""The grid workers' evaluation (网格员考核): one row per grid-worker unit, over its grid.

A grid worker is a unit of the grid-worker type; its grid is the unit's home grid (one worker
per grid in the field's practice; workers sharing a grid share its reports and
verifications). Over the period ``[start, end)`` seen at ``now`` ("in the period" as in
:mod:`dispatch.domain.evaluation`):

- ``reports``: incidents reported in the period from a grid worker's patrol (source
  ``grid_worker``) in the grid;
- ``verification_on_time_rate``: of the incidents of the grid verified on site (核查, passed)
  in the period, those verified at or before their verification deadline;
- ``work_order_response_rate``: of the work orders (incidents the unit was sent to, dispatched
  in the period and settled: acknowledged by ``now`` or past the acknowledgement deadline),
  those acknowledged at or before the deadline (the evaluation's response rule);
- ``patrol_coverage``: the share of the grid passed in the period (:mod:`dispatch.domain.patrol`).

The score is the weighted mean of the three rates present (:data:`WEIGHTS`); a worker with
none of them has no score and ranks last. Pure: no I/O. Formulas in docs/KPI.md "Posts".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry

from dispatch.domain.patrol import TrackPoint, coverage
from dispatch.domain.patrol_raster import Visits, raster_coverage
from dispatch.domain.state import Incident

GRID_WORKER_SOURCE = "grid_worker"

WEIGHTS: dict[str, float] = {
    "verification_on_time_rate": 0.35,
    "work_order_response_rate": 0.35,
    "patrol_coverage": 0.30,
}
INDICATORS = ("reports", *WEIGHTS)


@dataclass(frozen=True, slots=True)
class GridWorker:
    unit_id: str
    name: str
    grid: str


@dataclass(slots=True)
class WorkerCounts:
    reports: int = 0
    verifications: int = 0
    verified_on_time: int = 0
    work_orders: int = 0
    orders_on_time: int = 0
    patrol_points: int = 0
    patrol_coverage: float | None = None


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass(frozen=True, slots=True)
class WorkerRow:
    worker: GridWorker
    counts: WorkerCounts
    score: float | None
    rank: int

    @property
    def code(self) -> str:
        return self.worker.unit_id

    def indicators(self) -> dict[str, float | None]:
        c = self.counts
        return {"reports": float(c.reports),
                "verification_on_time_rate": _rate(c.verified_on_time, c.verifications),
                "work_order_response_rate": _rate(c.orders_on_time, c.work_orders),
                "patrol_coverage": c.patrol_coverage}

    def as_dict(self) -> dict[str, object]:
        c = self.counts
        ind = self.indicators()
        ind["reports"] = c.reports
        return {"code": self.code, "name": self.worker.name, "grid": self.worker.grid, **ind,
                "score": self.score, "rank": self.rank, "verifications": c.verifications,
                "verified_on_time": c.verified_on_time, "work_orders": c.work_orders,
                "orders_on_time": c.orders_on_time, "patrol_points": c.patrol_points}


def score(indicators: Mapping[str, float | None]) -> float | None:
    """Σ w·r / Σ w over the rates present (:data:`WEIGHTS`); None if none is."""
    total = weight = 0.0
    for name, w in WEIGHTS.items():
        r = indicators.get(name)
        if r is not None:
            total += w * r
            weight += w
    return total / weight if weight else None


def _in(t: float | None, start: float, end: float, at: float) -> bool:
    return t is not None and start <= t < end and t <= at


def is_report(inc: Incident, grid: str, start: float, end: float, at: float) -> bool:
    return inc.source == GRID_WORKER_SOURCE and inc.grid == grid \
        and _in(inc.reported_at, start, end, at)


def verification(inc: Incident, grid: str, start: float, end: float, at: float
                 ) -> bool | None:
    """None: not a verification of the grid in the period; else whether it was on time."""
    if inc.grid != grid or not _in(inc.verified_at, start, end, at):
        return None
    assert inc.verified_at is not None
    return inc.verify_due is None or inc.verified_at <= inc.verify_due


def work_order(inc: Incident, unit_id: str, start: float, end: float, at: float
               ) -> bool | None:
    """None: not a settled work order of the unit dispatched in the period; else whether it
    was acknowledged on time."""
    if unit_id not in inc.sent_units or not _in(inc.dispatched_at, start, end, at):
        return None
    acked, due = inc.acknowledged_at, inc.ack_due
    if acked is not None and acked > at:
        acked = None
    if acked is None and (due is None or due > at):
        return None  # not settled yet
    return acked is not None and (due is None or acked <= due)


def evaluate_grid_workers(workers: Sequence[GridWorker], incidents: Iterable[Incident],
                          start: float, end: float, *, now: float | None = None,
                          tracks: Mapping[str, Sequence[TrackPoint]] | None = None,
                          grids: Mapping[str, BaseGeometry] | None = None,
                          visits: Mapping[str, Visits] | None = None) -> list[WorkerRow]:
    """One row per worker, ranked like the evaluation (score descending, unscored last, ties
    by unit id). ``tracks``: each unit's position reports in the period; ``grids``: the
    grid polygons (coverage is None for a worker whose grid has no polygon given).
    ``visits`` instead of ``tracks``: each unit's visited cells in the period (seen at
    ``now``), the coverage taken on the raster (:mod:`dispatch.domain.patrol_raster`)."""
    if not end > start:
        raise ValueError("the period's end must come after its start")
    at = end if now is None else now
    counts = {w.unit_id: WorkerCounts() for w in workers}
    by_grid: dict[str, list[GridWorker]] = {}
    for w in workers:
        by_grid.setdefault(w.grid, []).append(w)
    for inc in incidents:
        for w in by_grid.get(inc.grid, ()):
            c = counts[w.unit_id]
            if is_report(inc, w.grid, start, end, at):
                c.reports += 1
            v = verification(inc, w.grid, start, end, at)
            if v is not None:
                c.verifications += 1
                c.verified_on_time += v
        for uid in inc.sent_units:
            c2 = counts.get(uid)
            if c2 is None:
                continue
            o = work_order(inc, uid, start, end, at)
            if o is not None:
                c2.work_orders += 1
                c2.orders_on_time += o
    tracks = tracks or {}
    for w in workers:
        c = counts[w.unit_id]
        poly = None if grids is None else grids.get(w.grid)
        if visits is not None:
            seen = visits.get(w.unit_id) or Visits()
            c.patrol_points = seen.points
            if poly is not None:
                c.patrol_coverage = raster_coverage(seen.cells, poly)
            continue
        pts = [p for p in tracks.get(w.unit_id, ()) if _in(p[0], start, end, at)]
        c.patrol_points = len(pts)
        if poly is not None:
            c.patrol_coverage = coverage(pts, poly)
    scored = []
    for w in workers:
        probe = WorkerRow(w, counts[w.unit_id], None, 0)
        scored.append((w, score(probe.indicators())))
    scored.sort(key=lambda r: (r[1] is None, -(r[1] or 0.0), r[0].unit_id))
    return [WorkerRow(w, counts[w.unit_id], s, i) for i, (w, s) in enumerate(scored, start=1)]
