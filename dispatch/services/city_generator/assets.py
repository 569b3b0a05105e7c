"""Units and parts placed in the grids.

Units: the requested number is split over the catalogue's unit types by ``fleet_weight``;
a grid-worker type (code ``grid_worker`` or name 网格员) gets at least one unit per grid.
Unit ids are ``U-<department>-<n>``, n counting from 1 per department; part ids
``P-<part type>-<n>``. Units and parts lie inside their grid, never on a border.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.ops import polylabel

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import Part, Unit
from dispatch.services.city_generator.district_shape import Node
from dispatch.services.city_generator.lattice import DIGITS
from dispatch.services.city_generator.mesh import Mesh
from dispatch.services.city_generator.names import Names
from dispatch.services.city_generator.part_attributes import attribute_value, organisations
from dispatch.services.city_generator.specs import DISTRICTS

# Relative frequency of part types, matched on the part type code (first match wins).
_PART_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("light", 30), ("lamp", 30), ("manhole", 25), ("cover", 25), ("bin", 18), ("trash", 18),
    ("garbage", 18), ("camera", 12), ("cctv", 12), ("hydrant", 7), ("sign", 8), ("tree", 10),
)
_PART_STATES = ("intact", "damaged", "missing", "occupied")
_PART_STATE_P = (0.94, 0.035, 0.01, 0.015)
_TRIES = 8  # random points drawn in a cut cell before taking its most inland point
_INSIDE_DEG = 1e-6  # a point in a cut cell keeps this far (about 10 cm) from its border


def is_grid_worker(code: str, name_zh: str) -> bool:
    return code == "grid_worker" or name_zh == "网格员"


def _part_weight(code: str) -> float:
    for word, weight in _PART_WEIGHTS:
        if word in code.lower():
            return weight
    return 3.0


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    s = float(sum(weights))
    if total <= 0 or s <= 0:
        return [0] * len(weights)
    exact = [total * w / s for w in weights]
    out = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


class GridPoints:
    """Random interior points of grids: in one of the grid's cells, picked by area, away
    from the cell's border (a cut cell: inside it by at least about 10 cm, else its most
    inland point)."""

    def __init__(self, mesh: Mesh, grid_nodes: list[Node]) -> None:
        self.mesh = mesh
        self.flat = np.array([c for nd in grid_nodes for c in nd.cells], dtype=np.int64)
        self.counts = np.array([len(nd.cells) for nd in grid_nodes], dtype=np.int64)
        self.first = np.concatenate([[0], np.cumsum(self.counts)[:-1]])
        self.ends = np.cumsum(mesh.weight[self.flat])
        stops = self.ends[self.first + self.counts - 1]
        self.starts = np.concatenate([[0.0], stops[:-1]])
        self.areas = stops - self.starts

    def points(self, grid_idx: np.ndarray,
               rng: np.random.Generator) -> tuple[list[float], list[float]]:
        """A random interior point of each grid in ``grid_idx`` (lists of lon, lat)."""
        mesh = self.mesh
        at = self.starts[grid_idx] + rng.random(len(grid_idx)) * self.areas[grid_idx]
        pick = np.clip(np.searchsorted(self.ends, at, side="right"), self.first[grid_idx],
                       self.first[grid_idx] + self.counts[grid_idx] - 1)
        cells = self.flat[pick]
        lon, lat = _in_corners(mesh, cells, rng)
        cut = np.flatnonzero(~mesh.whole[cells])
        for _ in range(_TRIES):
            if not len(cut):
                break
            polys = mesh.polygons[cells[cut]]
            pts = shapely.points(lon[cut], lat[cut])
            ok = shapely.contains_properly(polys, pts) & ~shapely.dwithin(
                shapely.boundary(polys), pts, _INSIDE_DEG)
            cut = cut[~ok]
            lon[cut], lat[cut] = _in_corners(mesh, cells[cut], rng)
        for i in cut.tolist():  # a sliver: its most inland point
            p = polylabel(mesh.polygons[cells[i]], _INSIDE_DEG / 10)
            lon[i], lat[i] = round(p.x, DIGITS), round(p.y, DIGITS)
        return lon.tolist(), lat.tolist()


def _in_corners(mesh: Mesh, cells: np.ndarray,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random point well inside each cell's lattice quadrilateral, rounded."""
    lon, lat = mesh.corner_lon[cells], mesh.corner_lat[cells]
    u = rng.uniform(0.12, 0.88, size=len(cells))
    v = rng.uniform(0.12, 0.88, size=len(cells))
    w = np.stack([(1 - u) * (1 - v), u * (1 - v), u * v, (1 - u) * v], axis=1)
    return (np.round((lon * w).sum(axis=1), DIGITS), np.round((lat * w).sum(axis=1), DIGITS))


def place_units(mesh: Mesh, grid_nodes: list[Node], catalogue: Catalogue, total: int,
                rng: np.random.Generator, names: Names) -> dict[str, Unit]:
    """Units by ``fleet_weight``; a grid-worker type gets at least one unit per grid."""
    types = sorted(catalogue.unit_types.values(), key=lambda t: t.code)
    counts = apportion(total, [max(t.fleet_weight, 0.0) for t in types])
    sampler = GridPoints(mesh, grid_nodes)
    gweight = np.array([1.0 if nd.rural else 2.5 for nd in grid_nodes])
    gweight /= gweight.sum()
    units: dict[str, Unit] = {}
    per_dept: dict[str, int] = {}
    per_name: dict[tuple[str, str], int] = {}
    for t, n in zip(types, counts, strict=True):
        worker = is_grid_worker(t.code, t.name_zh)
        if worker:
            extra = max(n - len(grid_nodes), 0)
            idx = np.concatenate([np.arange(len(grid_nodes)),
                                  rng.choice(len(grid_nodes), size=extra, p=gweight)])
        elif n:
            idx = rng.choice(len(grid_nodes), size=n, p=gweight)
        else:
            continue
        idx = np.sort(idx, kind="stable")
        lons, lats = sampler.points(idx, rng)
        for g, lo, la in zip(idx.tolist(), lons, lats, strict=True):
            grid = grid_nodes[g].code
            per_dept[t.department] = k = per_dept.get(t.department, 0) + 1
            short = DISTRICTS[grid[:6]].short
            per_name[(short, t.code)] = m = per_name.get((short, t.code), 0) + 1
            uid = f"U-{t.department}-{k}"
            name = names.person() if worker else f"{short}{t.name_zh}{m:03d}"
            units[uid] = Unit(uid, t.department, t.code, name, grid, lo, la)
    return units

def place_parts(mesh: Mesh, grid_nodes: list[Node], catalogue: Catalogue,
                parts_per_grid: float, rng: np.random.Generator,
                rnd: random.Random) -> dict[str, Part]:
    types = sorted(catalogue.part_types.values(), key=lambda t: t.code)
    if not types or not grid_nodes:
        return {}
    sampler = GridPoints(mesh, grid_nodes)
    mean = np.array([parts_per_grid * (0.6 if nd.rural else 1.0)
                     for nd in grid_nodes])
    per_grid = rng.poisson(mean)
    idx = np.repeat(np.arange(len(grid_nodes)), per_grid)
    p = np.array([_part_weight(t.code) for t in types])
    kind = rng.choice(len(types), size=len(idx), p=p / p.sum())
    state = rng.choice(len(_PART_STATES), size=len(idx), p=_PART_STATE_P)
    lons, lats = sampler.points(idx, rng)
    parts: dict[str, Part] = {}
    per_type = [0] * len(types)
    for g, ki, si, lo, la in zip(idx.tolist(), kind.tolist(), state.tolist(), lons, lats,
                                 strict=True):
        t = types[ki]
        per_type[ki] += 1
        pid = f"P-{t.code}-{per_type[ki]}"
        attrs = {a.name: attribute_value(a, t, rnd) for a in t.attributes}
        grid = grid_nodes[g].code
        parts[pid] = Part(pid, t.code, grid, lo, la, t.owner_department, _PART_STATES[si],
                          attrs, *organisations(t, catalogue, grid))
    return parts
