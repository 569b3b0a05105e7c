"""One district's lattice: small jittered cells that share their corners.

A square lattice of cells of about ``cell_m`` metres covers the district's bounding box with a
margin of one cell; every vertex moves by up to 20 % of a cell, so borders are not ruler
straight. Cell ``a * height + b`` has corner (a, b) (``a`` counts west to east, ``b`` south
to north); corners are rounded to 1e-7 degree (about 1 cm), so neighbouring cells share
exactly the same border and any union of cells tiles with the rest.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

M_PER_DEG_LAT = 110_574.0
DIGITS = 7  # coordinates rounded to 1e-7 degree
_JITTER = 0.2  # fraction of a cell each lattice vertex may move


def m_per_deg_lon(lat: float) -> float:
    return 111_320.0 * math.cos(math.radians(lat))


class Lattice:
    """Jittered square lattice over ``bounds`` (lon/lat) with cells of about ``cell_m`` m."""

    def __init__(self, bounds: tuple[float, float, float, float], cell_m: float,
                 rng: np.random.Generator) -> None:
        minx, miny, maxx, maxy = bounds
        self.dx = cell_m / m_per_deg_lon((miny + maxy) / 2)
        self.dy = cell_m / M_PER_DEG_LAT
        self.x0, self.y0 = minx - self.dx, miny - self.dy
        self.width = math.ceil((maxx - self.x0) / self.dx) + 1
        self.height = math.ceil((maxy - self.y0) / self.dy) + 1
        jit = rng.uniform(-_JITTER, _JITTER, size=(self.width + 1, self.height + 1, 2))
        ia = np.arange(self.width + 1, dtype=np.float64)[:, None]
        ib = np.arange(self.height + 1, dtype=np.float64)[None, :]
        self.lon = np.round(self.x0 + (ia + jit[..., 0]) * self.dx, DIGITS)
        self.lat = np.round(self.y0 + (ib + jit[..., 1]) * self.dy, DIGITS)

    @property
    def size(self) -> int:
        return self.width * self.height

    def corners(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lon, lat) arrays of shape (n, 4): corners counter-clockwise from bottom-left."""
        a, b = np.divmod(np.asarray(cells, dtype=np.int64), self.height)
        ai = np.stack([a, a + 1, a + 1, a], axis=1)
        bi = np.stack([b, b, b + 1, b + 1], axis=1)
        return self.lon[ai, bi], self.lat[ai, bi]

    def rings(self, cells: np.ndarray) -> np.ndarray:
        """The cells' closed rings, shape (n, 5, 2), counter-clockwise from bottom-left."""
        lon, la = self.corners(cells)
        ring = np.stack([lon, la], axis=2)
        return np.concatenate([ring, ring[:, :1, :]], axis=1)

    def quads(self, cells: np.ndarray) -> np.ndarray:
        """The cells' polygons."""
        return shapely.polygons(self.rings(cells))

    def units(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points in lattice units (one cell = 1, origin at the corner of cell 0)."""
        return (np.asarray(lon) - self.x0) / self.dx, (np.asarray(lat) - self.y0) / self.dy

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The cell covering each point, −1 off the lattice (on a shared border: the first
        candidate in a fixed order). A corner moves by less than a cell, so only the 3 × 3
        cells around the unjittered one can hold the point."""
        u, v = self.units(lon, lat)
        a0, b0 = np.floor(u).astype(np.int64), np.floor(v).astype(np.int64)
        out = np.full(len(a0), -1, dtype=np.int64)
        for da in (-1, 0, 1):
            for db in (-1, 0, 1):
                a, b = a0 + da, b0 + db
                ok = (out < 0) & (a >= 0) & (a < self.width) & (b >= 0) & (b < self.height)
                idx = np.flatnonzero(ok)
                cells = a[idx] * self.height + b[idx]
                hit = shapely.intersects_xy(self.quads(cells), np.asarray(lon)[idx],
                                            np.asarray(lat)[idx])
                out[idx[hit]] = cells[hit]
        return out
