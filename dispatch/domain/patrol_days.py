"""A unit's patrol per local day (the read model's rows): the reports counted, the latest
report (to join the next one) and the cells visited (:mod:`dispatch.domain.patrol_raster`).

:func:`advance` adds position reports, in time order, to the days they fall on, vectorised
over all the units and days of a batch: one array pass, whatever their number. A report
joins the day's previous one (stored or in the batch) when at most ``MAX_GAP_S`` before it;
a day starts at local midnight (:data:`dispatch.domain.evaluation_period.CENTRE_TZ`) and a
segment never crosses it. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from dispatch.domain.evaluation_period import CENTRE_TZ
from dispatch.domain.patrol import MAX_GAP_S
from dispatch.domain.patrol_raster import EMPTY, Cells, Visits, distinct, segment_cells

Report = tuple[float, str, float, float]
"""(ts, unit_id, lon, lat) of one position report."""
DayKey = tuple[str, float]
"""(unit_id, day: the epoch of the local midnight starting it)."""
_OWNER_SHIFT = 45  # above the 44 bits of a cell code


@dataclass(slots=True)
class PatrolDay:
    unit_id: str
    day: float
    points: int
    last: tuple[float, float, float]  # (ts, lon, lat) of the day's latest report
    cells: Cells

    @property
    def key(self) -> DayKey:
        return self.unit_id, self.day

    def visits(self) -> Visits:
        return Visits(self.points, self.cells)


class DayOf:
    """The local day of instants (epoch of its midnight), remembering the last day seen:
    reports come in time order, so nearly every call is two comparisons."""

    def __init__(self) -> None:
        self._lo = self._hi = 0.0

    def __call__(self, ts: float) -> float:
        if not self._lo <= ts < self._hi:
            d = datetime.fromtimestamp(ts, CENTRE_TZ).date()
            self._lo = datetime(d.year, d.month, d.day, tzinfo=CENTRE_TZ).timestamp()
            n = d + timedelta(days=1)
            self._hi = datetime(n.year, n.month, n.day, tzinfo=CENTRE_TZ).timestamp()
        return self._lo

    def end_of(self, ts: float) -> float:
        """The epoch of the midnight ending the day of ``ts``."""
        self(ts)
        return self._hi


def day_keys(reports: Sequence[Report]) -> list[DayKey]:
    """The (unit, day) of each report."""
    day_of = DayOf()
    return [(uid, day_of(ts)) for ts, uid, _, _ in reports]


def advance(stored: Mapping[DayKey, PatrolDay], reports: Sequence[Report],
            max_gap_s: float = MAX_GAP_S) -> list[PatrolDay]:
    """The days ``reports`` (in time order) fall on, with them added to what ``stored`` holds
    for those days (absent: a day not seen yet)."""
    if not reports:
        return []
    keys = day_keys(reports)
    index: dict[DayKey, int] = {}
    owner = np.fromiter((index.setdefault(k, len(index)) for k in keys), dtype=np.int64,
                        count=len(keys))
    order = np.argsort(owner, kind="stable")  # each day's reports, in time order
    arr = np.array([(r[0], r[2], r[3]) for r in reports], dtype=np.float64)[order]
    own = owner[order]
    ts, x, y = arr[:, 0], arr[:, 1], arr[:, 2]
    # each day's stored latest report, just before its first new one
    first = np.flatnonzero(np.r_[True, own[1:] != own[:-1]])
    uniq = list(index)
    prev = [stored.get(k) for k in uniq]
    px = np.array([p.last[1] if p else np.nan for p in prev])
    py = np.array([p.last[2] if p else np.nan for p in prev])
    pt = np.array([p.last[0] if p else -np.inf for p in prev])
    same = np.r_[False, own[1:] == own[:-1]]
    gap_ok = np.r_[False, np.diff(ts) <= max_gap_s] & same
    j = np.flatnonzero(gap_ok)
    head = own[first]
    h_ok = ts[first] - pt[head] <= max_gap_s
    hf = first[h_ok]
    ax = np.concatenate([x, x[j - 1], px[own[hf]]])
    ay = np.concatenate([y, y[j - 1], py[own[hf]]])
    bx = np.concatenate([x, x[j], x[hf]])
    by = np.concatenate([y, y[j], y[hf]])
    seg_owner = np.concatenate([own, own[j], own[hf]])
    codes, which = segment_cells(ax, ay, bx, by, owners=seg_owner)
    olds = [p.cells for p in prev if p is not None and len(p.cells)]
    old_owner = [np.full(len(p.cells), k, dtype=np.int64) for k, p in enumerate(prev)
                 if p is not None and len(p.cells)]
    tagged = distinct(np.concatenate([(which << _OWNER_SHIFT) | codes,
                                       *((o << _OWNER_SHIFT) | c
                                         for o, c in zip(old_owner, olds, strict=True))]))
    tag_owner = tagged >> _OWNER_SHIFT
    cells = tagged & ((1 << _OWNER_SHIFT) - 1)
    bounds = np.searchsorted(tag_owner, np.arange(len(uniq) + 1))
    counts = np.bincount(own, minlength=len(uniq))
    last = np.r_[first[1:], len(own)] - 1
    out = []
    for k, (uid, day) in enumerate(uniq):
        p = prev[k]
        li = last[k]
        out.append(PatrolDay(uid, day, int(counts[k]) + (p.points if p else 0),
                             (float(ts[li]), float(x[li]), float(y[li])),
                             cells[bounds[k]:bounds[k + 1]].copy()))
    return out


def visits_by_unit(days: Sequence[PatrolDay]) -> dict[str, Visits]:
    """The visits of each unit over some days (their union)."""
    parts: dict[str, list[PatrolDay]] = {}
    for d in days:
        parts.setdefault(d.unit_id, []).append(d)
    out = {}
    for uid, ds in parts.items():
        cells = distinct(np.concatenate([d.cells for d in ds])) if len(ds) > 1 else ds[0].cells
        out[uid] = Visits(sum(d.points for d in ds), cells)
    return out


__all__ = ["EMPTY", "DayKey", "DayOf", "PatrolDay", "Report", "advance", "day_keys",
           "visits_by_unit"]
