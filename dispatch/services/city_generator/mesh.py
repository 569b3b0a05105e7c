"""The cells of every district, cut to its real outline: one planar subdivision of the city.

Each district gets its own :class:`~.lattice.Lattice` with cells of ``sqrt(area / cells)``,
so a district with few cells on a large outline gets coarse cells. Cells well inside the
outline stay whole. The cells the outline crosses are cut: their edges (clipped to their
district) and every district's outline are noded together once, snapped to the 1e-7 degree
grid, and the faces of that arrangement inside such a cell are its pieces (a cell the
outline crosses twice may keep two pieces; each piece is a cell of its own here). Because
the whole city is noded at once, a piece has exactly the same border vertices as its
neighbours: whole cells, other pieces, and the cells across a district border. So any union
of cells tiles with the rest, and a district's cells cover its outline (to the 1e-7 snap).

Cells are numbered district by district, in lattice order; two cells are neighbours when
they share a stretch of border inside their district.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from dispatch.services.city_generator.lattice import (
    DIGITS,
    M_PER_DEG_LAT,
    Lattice,
    m_per_deg_lon,
)

_GRID = 10.0 ** -DIGITS  # the snap grid of the noding
_MARGIN = 1e-6  # a whole cell keeps this far (about 10 cm) from its outline
_OFFSET = 1_000.0  # lattice units between districts, so their random fields differ


@dataclass(frozen=True, slots=True)
class Mesh:
    """The cells of a city. Per cell: its polygon, district (index into the outlines it was
    built from), whether it is a whole lattice cell, the corners of its lattice cell, a
    point inside it (lon/lat, and in lattice units for distances), its area in lattice cells
    (``weight``) and its neighbours."""

    polygons: np.ndarray
    district: np.ndarray
    whole: np.ndarray
    corner_lon: np.ndarray
    corner_lat: np.ndarray
    x: np.ndarray
    y: np.ndarray
    ux: np.ndarray
    uy: np.ndarray
    weight: np.ndarray
    neighbours: list[list[int]]

    def __len__(self) -> int:
        return len(self.polygons)

    def district_cells(self, index: int) -> list[int]:
        """The cells of the ``index``-th outline, ascending."""
        return np.flatnonzero(self.district == index).tolist()

    def cells_within(self, polygon: BaseGeometry) -> list[int]:
        """The cells whose inner point lies inside ``polygon``, ascending; for a polygon that
        is a union of cells, exactly those cells."""
        minx, miny, maxx, maxy = polygon.bounds
        x, y = self.x, self.y
        near = np.flatnonzero((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
        inside = shapely.contains_xy(polygon, x[near], y[near])
        return near[inside].tolist()

    def outline(self, cells: Sequence[int]) -> BaseGeometry:
        """The polygon the cells cover together (a Polygon when they are connected)."""
        return shapely.coverage_union_all(self.polygons[np.asarray(cells, dtype=np.int64)])


def area_m2(geom: BaseGeometry) -> float:
    """Area in square metres (equirectangular at the geometry's mid latitude)."""
    miny, maxy = geom.bounds[1], geom.bounds[3]
    return float(geom.area) * M_PER_DEG_LAT * m_per_deg_lon((miny + maxy) / 2)


@dataclass(slots=True)
class _District:
    outline: BaseGeometry
    lattice: Lattice
    whole: np.ndarray  # bool per lattice cell: strictly inside the outline, kept whole
    cut: np.ndarray  # bool per lattice cell: touched by the outline's border, to be cut


def build_mesh(outlines: Sequence[BaseGeometry], cells: Sequence[int],
               rng: np.random.Generator) -> Mesh:
    """Lattices of about ``cells[i]`` cells on ``outlines[i]`` (a coverage: no gaps, no
    overlaps), cut to the outlines; see the module documentation."""
    districts: list[_District] = []
    lines: list[BaseGeometry] = []
    for outline, n in zip(outlines, cells, strict=True):
        lattice = Lattice(outline.bounds, math.sqrt(area_m2(outline) / max(n, 1)), rng)
        whole, cut = _classify(lattice, outline)
        edges = shapely.multilinestrings(shapely.linestrings(lattice.rings(np.flatnonzero(cut))))
        lines += [shapely.intersection(edges, outline), shapely.boundary(outline)]
        districts.append(_District(outline, lattice, whole, cut))
    if not districts:
        raise ValueError("a city needs at least one district outline")
    noded = shapely.union_all(lines, grid_size=_GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    fx, fy = shapely.get_coordinates(shapely.point_on_surface(faces)).T
    free = np.ones(len(faces), dtype=bool)

    parts: list[dict[str, np.ndarray]] = []
    pairs: list[np.ndarray] = []  # neighbours among whole cells
    bordering: list[np.ndarray] = []  # cells whose neighbours are found by their borders
    base = 0
    for i, d in enumerate(districts):
        mine = np.flatnonzero(free & shapely.contains_xy(d.outline, fx, fy))
        free[mine] = False
        cell = d.lattice.locate(fx[mine], fy[mine])
        keep = cell >= 0
        keep[keep] = d.cut[cell[keep]]  # faces over whole cells are the uncut middle
        mine, cell = mine[keep], cell[keep]
        whole = np.flatnonzero(d.whole)
        clon, clat = d.lattice.corners(whole)
        ids = np.concatenate([whole, cell])
        px = np.concatenate([clon.mean(axis=1), fx[mine]])
        py = np.concatenate([clat.mean(axis=1), fy[mine]])
        order = np.lexsort((py, px, ids))
        ids = ids[order]
        is_whole = np.concatenate([np.ones(len(whole), dtype=bool),
                                   np.zeros(len(mine), dtype=bool)])[order]
        lon, lat = d.lattice.corners(ids)
        ux, uy = d.lattice.units(px[order], py[order])
        polys = np.concatenate([d.lattice.quads(whole), faces[mine]])[order]
        parts.append({
            "polygons": polys, "district": np.full(len(ids), i, dtype=np.int64),
            "whole": is_whole, "corner_lon": lon, "corner_lat": lat,
            "x": px[order], "y": py[order], "ux": ux + i * _OFFSET, "uy": uy,
            "weight": shapely.area(polys) / (d.lattice.dx * d.lattice.dy)})
        index = np.full(d.lattice.size, -1, dtype=np.int64)
        index[ids[is_whole]] = base + np.flatnonzero(is_whole)
        whole_pairs, near_cut = _lattice_neighbours(d, index)
        pairs.append(whole_pairs)
        bordering += [index[near_cut], base + np.flatnonzero(~is_whole)]
        base += len(ids)
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    shared = np.concatenate(bordering)
    pairs.append(_shared_borders(cols["polygons"], cols["district"], shared))
    return Mesh(neighbours=_lists(np.concatenate(pairs), base), **cols)


def _classify(lattice: Lattice, outline: BaseGeometry) -> tuple[np.ndarray, np.ndarray]:
    """(whole, cut), a bool per lattice cell: whole cells lie inside the outline, at least
    ``_MARGIN`` from its border; cut cells touch that margin."""
    inner = outline.buffer(-_MARGIN)
    borders = [shapely.boundary(outline), shapely.boundary(inner)]
    near = np.unique(np.concatenate([_cells_along(lattice, b) for b in borders]))
    quads = lattice.quads(near)
    hit = np.zeros(len(near), dtype=bool)
    for border in borders:
        shapely.prepare(border)
        hit |= shapely.intersects(border, quads)
    cut = np.zeros(lattice.size, dtype=bool)
    cut[near[hit]] = True
    shapely.prepare(inner)
    inside = shapely.contains_xy(inner, lattice.lon, lattice.lat)  # per corner
    a, b = np.divmod(np.arange(lattice.size), lattice.height)
    whole = inside[a, b] & inside[a + 1, b] & inside[a + 1, b + 1] & inside[a, b + 1] & ~cut
    return whole, cut


def _cells_along(lattice: Lattice, line: BaseGeometry) -> np.ndarray:
    """Every cell that may touch ``line``: a corner moves by less than a cell, so the cells
    of each segment's box in lattice units, one more on every side."""
    xy, part = shapely.get_coordinates(shapely.get_parts(line), return_index=True)
    if len(xy) < 2:
        return np.zeros(0, dtype=np.int64)
    same = part[1:] == part[:-1]
    u, v = lattice.units(xy[:, 0], xy[:, 1])

    def span(t: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray]:
        t0, t1 = t[:-1][same], t[1:][same]
        lo = np.floor(np.minimum(t0, t1)).astype(np.int64) - 1
        hi = np.floor(np.maximum(t0, t1)).astype(np.int64) + 1
        return np.clip(lo, 0, top - 1), np.clip(hi, 0, top - 1)

    a0, a1 = span(u, lattice.width)
    b0, b1 = span(v, lattice.height)
    nb = b1 - b0 + 1
    n = (a1 - a0 + 1) * nb
    seg = np.repeat(np.arange(len(n)), n)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    return np.unique((a0[seg] + k // nb[seg]) * lattice.height + b0[seg] + k % nb[seg])


def _lattice_neighbours(d: _District, index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of neighbouring whole cells (mesh indices, from ``index``: lattice cell → mesh
    index of a whole cell, else −1), and the whole cells next to a cut cell (lattice ids)."""
    h = d.lattice.height
    c = np.arange(d.lattice.size)
    east = c[c + h < d.lattice.size]
    north = c[(c % h) < h - 1]
    pairs = [np.stack([index[east], index[east + h]], axis=1),
             np.stack([index[north], index[north + 1]], axis=1)]
    both = np.concatenate(pairs)
    both = both[(both >= 0).all(axis=1)]
    near_cut = np.zeros(d.lattice.size, dtype=bool)
    for lo, hi in ((east, east + h), (north, north + 1)):
        near_cut[lo[d.cut[hi]]] = True
        near_cut[hi[d.cut[lo]]] = True
    return both, np.flatnonzero(near_cut & d.whole)


def _shared_borders(polygons: np.ndarray, district: np.ndarray,
                    cells: np.ndarray) -> np.ndarray:
    """Pairs of ``cells`` of one district that share a border segment (the mesh is noded,
    so a shared stretch of border is the same segments on both sides)."""
    rings, ring_owner = shapely.get_rings(polygons[cells], return_index=True)
    xy, xy_ring = shapely.get_coordinates(rings, return_index=True)
    # every vertex lies on the 1e-7 grid: one integer per point
    grid = np.rint(xy / _GRID).astype(np.int64)
    point = (grid[:, 0] << 32) + grid[:, 1]
    same = xy_ring[1:] == xy_ring[:-1]
    p, q = point[:-1][same], point[1:][same]
    owner = cells[ring_owner[xy_ring[:-1][same]]]
    lo, hi = np.minimum(p, q), np.maximum(p, q)
    order = np.lexsort((hi, lo))
    lo, hi, owner = lo[order], hi[order], owner[order]
    twin = np.flatnonzero((lo[1:] == lo[:-1]) & (hi[1:] == hi[:-1]))
    a, b = owner[twin], owner[twin + 1]
    ok = (a != b) & (district[a] == district[b])
    return np.stack([a[ok], b[ok]], axis=1)


def _lists(pairs: np.ndarray, n: int) -> list[list[int]]:
    """Neighbour lists (ascending, no repeats) from pairs of neighbours, either way round."""
    code = np.sort(np.concatenate([pairs[:, 0] * n + pairs[:, 1],
                                   pairs[:, 1] * n + pairs[:, 0]]))
    code = code[np.concatenate([[True], code[1:] != code[:-1]])]
    ends = np.cumsum(np.bincount(code // n, minlength=n)).tolist()
    targets = (code % n).tolist()
    return [targets[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]
