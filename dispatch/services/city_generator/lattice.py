"""The lattice the city is drawn on: small jittered cells that share their corners.

A square lattice of cells (about 70 m in the centre) is jittered (every vertex moves by up to
20 % of a cell) and stretched radially so cells grow to about 150 m at the edge. Cell
``a * width + b`` has corner (a, b); corners are rounded to 1e-7 degree (about 1 cm), so
neighbouring cells share exactly the same border and any union of cells tiles with the rest.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from dispatch.services.city_generator.specs import CENTRE_LAT, CENTRE_LON, SizeSpec

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(CENTRE_LAT))
DIGITS = 7  # coordinates rounded to 1e-7 degree
_JITTER = 0.2  # fraction of a cell each lattice vertex may move
_STRETCH = 0.5  # radial stretch: cell size factor is 1 + 2 * _STRETCH * r / _STRETCH_REF_M
_STRETCH_REF_M = 7_000.0


class Lattice:
    """Jittered, radially stretched lattice; cell ``a * width + b`` has corner (a, b)."""

    def __init__(self, spec: SizeSpec, rng: np.random.Generator) -> None:
        self.radius = math.sqrt(spec.cells / math.pi)  # in cells
        n = math.ceil(self.radius * 1.4) + 2
        self.n = n
        self.width = w = 2 * n
        idx = np.arange(w + 1, dtype=np.float64) - n
        jit = rng.uniform(-_JITTER, _JITTER, size=(w + 1, w + 1, 2))
        vx = (idx[:, None] + jit[..., 0]) * spec.cell_m
        vy = (idx[None, :] + jit[..., 1]) * spec.cell_m
        stretch = 1.0 + _STRETCH * np.hypot(vx, vy) / _STRETCH_REF_M
        self.lon = np.round(CENTRE_LON + vx * stretch / M_PER_DEG_LON, DIGITS)
        self.lat = np.round(CENTRE_LAT + vy * stretch / M_PER_DEG_LAT, DIGITS)
        a, b = np.divmod(np.arange(w * w), w)
        self.cx = a - n + 0.5  # cell centres in lattice units
        self.cy = b - n + 0.5
        self._centres: tuple[np.ndarray, np.ndarray] | None = None

    def footprint(self, spec: SizeSpec, rng: np.random.Generator) -> list[int]:
        """Cell ids inside the city outline (largest 4-connected blob), ascending."""
        theta = np.arctan2(self.cy, self.cx)
        r = np.hypot(self.cx, self.cy)
        phases = rng.uniform(0, 2 * math.pi, size=3)
        wobble = (1 + 0.10 * np.sin(2 * theta + phases[0]) + 0.07 * np.sin(3 * theta + phases[1])
                  + 0.04 * np.sin(5 * theta + phases[2]))
        if spec.lake:  # Lake Tai, south-west
            d = np.angle(np.exp(1j * (theta - math.radians(225))))
            wobble = wobble * (1 - 0.28 * np.exp(-(d / 0.45) ** 2))
        # scale the outline so the blob has about spec.cells cells
        ratio = r / wobble
        scale = float(np.sort(ratio)[min(spec.cells, ratio.size) - 1])
        inside = np.flatnonzero(ratio <= scale)
        comp = largest_component([int(c) for c in inside], self.width)
        return sorted(comp)

    def corners(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lon, lat) arrays of shape (n, 4): corners counter-clockwise from bottom-left."""
        a, b = np.divmod(cells, self.width)
        ai = np.stack([a, a + 1, a + 1, a], axis=1)
        bi = np.stack([b, b, b + 1, b + 1], axis=1)
        return self.lon[ai, bi], self.lat[ai, bi]


    def quads(self, cells: np.ndarray) -> np.ndarray:
        """The cells' polygons (closed rings counter-clockwise from the bottom-left corner)."""
        lon, la = self.corners(cells)
        ring = np.stack([lon, la], axis=2)
        ring = np.concatenate([ring, ring[:, :1, :]], axis=1)
        return shapely.polygons(ring)

    def outline(self, cells: list[int]) -> BaseGeometry:
        """The polygon the cells cover together (a Polygon when they are connected)."""
        return shapely.coverage_union_all(self.quads(np.asarray(cells)))

    def cells_within(self, polygon: BaseGeometry) -> list[int]:
        """The cells whose centre (the mean of their corners) lies inside ``polygon``,
        ascending; for a polygon that is a union of cells, exactly those cells."""
        if self._centres is None:
            lon, la = self.corners(np.arange(self.width * self.width))
            self._centres = (lon.mean(axis=1), la.mean(axis=1))
        x, y = self._centres
        minx, miny, maxx, maxy = polygon.bounds
        near = np.flatnonzero((x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
        inside = shapely.contains_xy(polygon, x[near], y[near])
        return [int(c) for c in near[inside]]


def neighbours(c: int, width: int) -> tuple[int, int, int, int]:
    return (c - width, c - 1, c + 1, c + width)


def largest_component(cells: list[int], width: int) -> list[int]:
    member = set(cells)
    seen: set[int] = set()
    best: list[int] = []
    for start in cells:
        if start in seen:
            continue
        comp = [start]
        seen.add(start)
        i = 0
        while i < len(comp):
            for nb in neighbours(comp[i], width):
                if nb in member and nb not in seen:
                    seen.add(nb)
                    comp.append(nb)
            i += 1
        if len(comp) > len(best):
            best = comp
    return best
