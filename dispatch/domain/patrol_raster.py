"""Patrol coverage on a raster: the cells a grid worker passed, kept per unit and day.

The exact coverage (:mod:`dispatch.domain.patrol`) buffers a period's whole track per grid:
at city scale (thousands of workers, a month of reports) that is a minute of GEOS. Here the
earth is cut into cells of about :data:`CELL_M` × :data:`CELL_M` metres (rows of constant
latitude :data:`CELL_M` m high; along a row, cells :data:`CELL_M` m wide at the row's
centre latitude). A cell is **visited** when its centre lies within :data:`BUFFER_M` of the
track (the same track: reports at most :data:`MAX_GAP_S` apart joined by a segment), and

    coverage ≈ min(1, CELL_M² · |visited cells with their centre inside the grid| / area)

— the exact area sampled at the cell centres. The visited cells of a period are the union of
those of its days, so a day's cells can be stored once (:class:`Visits`,
:mod:`dispatch.domain.patrol_days`) and a month is a union of sets; a day's track is that
day's reports only (a segment is never drawn across local midnight). Error bound: only
cells crossed by the boundary of ``buffer ∩ grid`` can be counted wrongly, so the error in
area is at most the area of the band of half-width CELL_M·√2 along that boundary (in
practice a few hundredths at most for a 100 m grid: docs/KPI.md "Posts"). Pure: no I/O.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from dispatch.domain.patrol import (
    BUFFER_M,
    M_PER_DEG_LAT,
    M_PER_DEG_LON_EQUATOR,
    MAX_GAP_S,
    to_metres,
)

CELL_M = 10.0
_J_OFF = 1 << 20  # rows: |lat| ≤ 90° is < 2^20 rows of 10 m
_I_OFF = 1 << 22  # columns: |lon| ≤ 180° is < 2^22 columns of 10 m
_SHIFT = 23
FORMAT = f"cells1:{CELL_M:g}m:{BUFFER_M:g}m:{MAX_GAP_S:g}s"
"""What a stored set of cells means (cell size, buffer, gap): another one is rebuilt."""

Cells = NDArray[np.int64]
EMPTY: Cells = np.empty(0, dtype=np.int64)


@dataclass(slots=True)
class Visits:
    """What a unit's reports of a period leave: their number and the sorted, distinct
    codes of the cells visited."""

    points: int = 0
    cells: Cells = field(default_factory=lambda: EMPTY)


def distinct(codes: NDArray[np.int64]) -> Cells:
    """The sorted distinct values of ``codes`` (a sort and a mask: for millions of cells
    several times faster than ``np.unique``'s hashing)."""
    if not len(codes):
        return EMPTY
    a = np.sort(codes)
    return a[np.r_[True, a[1:] != a[:-1]]]


def _codes(j: NDArray[np.int64], i: NDArray[np.int64]) -> Cells:
    return ((j + _J_OFF) << _SHIFT) | (i + _I_OFF)


def _row_scale(j: NDArray[np.int64]) -> NDArray[np.float64]:
    """Metres per degree of longitude at the centre latitude of rows ``j``."""
    lat = (j + 0.5) * CELL_M / M_PER_DEG_LAT
    return np.asarray(M_PER_DEG_LON_EQUATOR * np.cos(np.radians(lat)), dtype=np.float64)


def segment_cells(ax: NDArray[np.float64], ay: NDArray[np.float64],
                  bx: NDArray[np.float64], by: NDArray[np.float64], *,
                  radius: float = BUFFER_M, owners: NDArray[np.int64] | None = None
                  ) -> tuple[Cells, NDArray[np.int64]]:
    """Codes (with repeats) of the cells whose centre lies within ``radius`` metres of one of
    the segments ``(ax, ay)–(bx, by)`` (lon/lat; a point when both ends are equal), and the
    ``owners`` entry (default 0) of the segment each came from. Vectorised over segments
    with the same number of candidate rows (a lone report: 7)."""
    if owners is None:
        owners = np.zeros(len(ax), dtype=np.int64)
    if not len(ax):
        return EMPTY, EMPTY
    dot = (ax == bx) & (ay == by)
    if dot.any():  # lone reports (most of them): row by row, no candidate box
        pc, po = _point_cells(ax[dot], ay[dot], owners[dot], radius)
        if dot.all():
            return pc, po
        keep = ~dot
        sc, so = segment_cells(ax[keep], ay[keep], bx[keep], by[keep], radius=radius,
                               owners=owners[keep])
        return np.concatenate([pc, sc]), np.concatenate([po, so])
    ya, yb = ay * M_PER_DEG_LAT, by * M_PER_DEG_LAT
    j0 = np.floor((np.minimum(ya, yb) - radius) / CELL_M).astype(np.int64)
    j1 = np.floor((np.maximum(ya, yb) + radius) / CELL_M).astype(np.int64)
    out: list[Cells] = []
    who: list[NDArray[np.int64]] = []
    # group by the number of rows (a lone report: 7; a walk: more), one array op per group
    for nrows in np.unique(j1 - j0 + 1):
        sel = (j1 - j0 + 1) == nrows
        rows = j0[sel, None] + np.arange(nrows)                           # (n, R)
        sx = _row_scale(rows)                                               # (n, R)
        xa, xb = ax[sel, None] * sx, bx[sel, None] * sx                     # (n, R)
        i0 = np.floor((np.minimum(xa, xb) - radius) / CELL_M).astype(np.int64)
        i1 = np.floor((np.maximum(xa, xb) + radius) / CELL_M).astype(np.int64)
        ncols = int((i1 - i0).max()) + 1
        cols = i0[..., None] + np.arange(ncols)                             # (n, R, C)
        cx = (cols + 0.5) * CELL_M
        cy = ((rows + 0.5) * CELL_M)[..., None]
        pax, pay = xa[..., None], ya[sel, None, None]
        dx, dy = xb[..., None] - pax, (yb[sel] - ya[sel])[:, None, None]
        ll = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(ll > 0, ((cx - pax) * dx + (cy - pay) * dy) / ll, 0.0)
        t = np.clip(t, 0.0, 1.0)
        ex, ey = cx - (pax + t * dx), cy - (pay + t * dy)
        hit = (ex * ex + ey * ey <= radius * radius) & (cols <= i1[..., None])
        rr = np.broadcast_to(rows[..., None], cols.shape)
        out.append(_codes(rr[hit], cols[hit]))
        who.append(np.broadcast_to(owners[sel, None, None], cols.shape)[hit])
    return np.concatenate(out), np.concatenate(who)


def _point_cells(x: NDArray[np.float64], y: NDArray[np.float64], owners: NDArray[np.int64],
                 radius: float) -> tuple[Cells, NDArray[np.int64]]:
    """:func:`segment_cells` of points: in each row within ``radius``, the run of cells whose
    centre lies within the chord's half-width of the point."""
    ym = y * M_PER_DEG_LAT
    j0 = np.floor((ym - radius) / CELL_M).astype(np.int64)
    rows = j0[:, None] + np.arange(int(2 * radius // CELL_M) + 2)           # (n, R)
    dy = (rows + 0.5) * CELL_M - ym[:, None]
    hw = np.sqrt(np.maximum(radius * radius - dy * dy, 0.0))
    xp = x[:, None] * _row_scale(rows)
    i0 = np.ceil((xp - hw) / CELL_M - 0.5).astype(np.int64)
    i1 = np.floor((xp + hw) / CELL_M - 0.5).astype(np.int64)
    n = np.where(np.abs(dy) <= radius, np.maximum(i1 - i0 + 1, 0), 0).ravel()
    total = int(n.sum())
    if not total:
        return EMPTY, EMPTY
    first = np.repeat(np.cumsum(n) - n, n)
    cols = np.repeat(i0.ravel(), n) + (np.arange(total) - first)
    who = np.repeat(np.broadcast_to(owners[:, None], rows.shape).ravel(), n)
    return _codes(np.repeat(rows.ravel(), n), cols), who


def track_segments(points: Sequence[tuple[float, float, float]],
                   max_gap_s: float = MAX_GAP_S) -> tuple[NDArray[np.float64], ...]:
    """``(ax, ay, bx, by)`` of a day's track: every report as a point, and a segment between
    consecutive reports (in time order) at most ``max_gap_s`` apart."""
    if not points:
        e = np.empty(0)
        return e, e, e, e
    p = np.asarray(sorted(points), dtype=np.float64)
    ts, x, y = p[:, 0], p[:, 1], p[:, 2]
    joined = np.flatnonzero(np.diff(ts) <= max_gap_s)
    ax = np.concatenate([x, x[joined]])
    ay = np.concatenate([y, y[joined]])
    bx = np.concatenate([x, x[joined + 1]])
    by = np.concatenate([y, y[joined + 1]])
    return ax, ay, bx, by


def track_cells(points: Sequence[tuple[float, float, float]],
                max_gap_s: float = MAX_GAP_S) -> Cells:
    """The sorted distinct cells visited by a track (``(ts, lon, lat)`` reports)."""
    return distinct(segment_cells(*track_segments(points, max_gap_s))[0])


def cell_centres(cells: Cells) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The lon/lat of the centres of ``cells``."""
    j = (cells >> _SHIFT) - _J_OFF
    i = (cells & ((1 << _SHIFT) - 1)) - _I_OFF
    lat = np.asarray((j + 0.5) * CELL_M / M_PER_DEG_LAT, dtype=np.float64)
    return (i + 0.5) * CELL_M / _row_scale(j), lat


def cell_of(lon: float, lat: float) -> int:
    """The code of the cell holding a point."""
    j = np.array([math.floor(lat * M_PER_DEG_LAT / CELL_M)], dtype=np.int64)
    return int(_codes(j, np.floor(lon * _row_scale(j) / CELL_M).astype(np.int64))[0])


@functools.lru_cache(maxsize=65_536)
def grid_area(grid: BaseGeometry) -> float:
    """(Remembered: a city's grids do not change.) A lon/lat polygon's area in m², in the
    local plane of :mod:`dispatch.domain.patrol`."""
    c = grid.centroid
    return float(to_metres(grid, c.x, c.y).area)


def raster_coverage(visited: Cells, grid: BaseGeometry) -> float:
    """The share (0…1) of ``grid`` (a lon/lat polygon) passed, on the raster: each visited
    cell whose centre lies inside the grid stands for its CELL_M² of the grid's area. A grid
    smaller than a cell is passed whole when the cell of its representative point was
    visited, else not at all; 0.0 for an empty grid or no visit."""
    if grid.is_empty or not len(visited):
        return 0.0
    area = grid_area(grid)
    if area < CELL_M * CELL_M:
        p = grid.representative_point()
        return 1.0 if cell_of(p.x, p.y) in set(visited.tolist()) else 0.0
    lon, lat = cell_centres(visited)
    x0, y0, x1, y1 = grid.bounds
    near = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    inside = int(np.count_nonzero(shapely.contains_xy(grid, lon[near], lat[near])))
    return min(1.0, inside * CELL_M * CELL_M / area)
