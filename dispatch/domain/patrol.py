"""Patrol coverage (巡查覆盖率): the share of a grid's area a grid worker passed in a period.

A patrol track is the worker's position reports in time order. Consecutive reports at most
:data:`MAX_GAP_S` apart are joined by a straight segment (the worker walked between them);
a report with no neighbour that close stands alone. The track is buffered by
:data:`BUFFER_M` metres (what a worker on foot sees either side of the way) and intersected
with the grid's polygon: coverage = area(buffer ∩ grid) / area(grid), from 0 to 1.

Distances are taken in a local plane around the grid (an equirectangular projection at the
grid's centre: at a grid's size, ~100 m to a few km, its error is far below a metre). Pure:
no I/O. Formula in docs/KPI.md "Posts".
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import shapely
from shapely import affinity
from shapely.geometry import GeometryCollection, LineString, box
from shapely.geometry.base import BaseGeometry

BUFFER_M = 30.0
MAX_GAP_S = 300.0  # reports further apart in time are not joined (the phone was off)
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0

TrackPoint = tuple[float, float, float]
"""(ts, lon, lat) of one position report."""


def to_metres(geom: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    kx = M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    return affinity.affine_transform(geom, [kx, 0.0, 0.0, M_PER_DEG_LAT,
                                            -kx * lon0, -M_PER_DEG_LAT * lat0])


def track_geometry(points: Sequence[TrackPoint], max_gap_s: float = MAX_GAP_S
                   ) -> BaseGeometry | None:
    """The track of some reports (lon/lat): segments between reports at most ``max_gap_s``
    apart, points for the rest, as one collection; None when there is no report."""
    if not points:
        return None
    pts = sorted(points)
    runs: list[list[tuple[float, float]]] = []
    run: list[tuple[float, float]] = [(pts[0][1], pts[0][2])]
    for (t0, _x0, _y0), (t1, x1, y1) in itertools.pairwise(pts):
        if t1 - t0 <= max_gap_s:
            run.append((x1, y1))
        else:
            runs.append(run)
            run = [(x1, y1)]
    runs.append(run)
    lines = [r for r in runs if len(set(r)) > 1]
    dots = [r[0] for r in runs if len(set(r)) == 1]
    parts: list[BaseGeometry] = [LineString(r) for r in lines]
    if dots:
        parts.extend(shapely.points(dots).tolist())  # one call for all the lone reports
    return GeometryCollection(parts)


def coverage(points: Sequence[TrackPoint], grid: BaseGeometry, *, buffer_m: float = BUFFER_M,
             max_gap_s: float = MAX_GAP_S) -> float:
    """The share (0…1) of ``grid`` (a lon/lat polygon) within ``buffer_m`` of the track of
    ``points``; 0.0 without reports or for an empty grid."""
    track = track_geometry(points, max_gap_s)
    if track is None or grid.is_empty:
        return 0.0
    c = grid.centroid
    area = to_metres(grid, c.x, c.y)
    if area.area <= 0:
        return 0.0
    # Only the track within buffer_m of the grid's bounds can reach the grid: clip it first
    # (exact, and a month of reports mostly lies elsewhere), then simplify by a tenth of a
    # metre (a phone's jitter adds vertices, not area).
    x0, y0, x1, y1 = area.bounds
    reach = box(x0 - buffer_m, y0 - buffer_m, x1 + buffer_m, y1 + buffer_m)
    parts = shapely.intersection(shapely.get_parts(to_metres(track, c.x, c.y)), reach)
    parts = parts[~shapely.is_empty(parts)]
    if not len(parts):
        return 0.0
    # each part buffered on its own, then one union: GEOS does that ~7× faster than the
    # buffer of the whole multi-geometry, for the same area
    passed = shapely.union_all(shapely.buffer(shapely.simplify(parts, 0.1), buffer_m))
    return min(1.0, passed.intersection(area).area / area.area)
