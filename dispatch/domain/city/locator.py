"""Point → region location with a shapely STRtree.

``Locator(city).locate(lon, lat)`` gives the code of the grid covering the point, or None
outside the city. A point on a border shared by several grids (an edge or a vertex) belongs
to the grid with the lowest code, so the answer never depends on tree or input order.
``locate_many`` does the same for arrays of points in one vectorised tree query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry.base import BaseGeometry

from dispatch.domain.city.levels import Level

_NONE = np.iinfo(np.int64).max


class _Area(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def geometry(self) -> BaseGeometry: ...


class Regions(Protocol):
    """What a locator reads of a city (:class:`dispatch.domain.city.model.City`, which builds
    its own locator: this module does not import the model)."""

    def at_level(self, level: Level) -> Iterable[_Area]: ...


class Locator:
    """Finds the region (a grid by default) that covers a lon/lat point."""

    def __init__(self, city: Regions, level: Level = Level.GRID) -> None:
        regions = sorted(city.at_level(level), key=lambda r: r.code)
        self.level = level
        self.codes: tuple[str, ...] = tuple(r.code for r in regions)
        self.geometries = np.array([r.geometry for r in regions], dtype=object)
        self.tree = STRtree(self.geometries)
        # codes by index, with None last so that index -1 (outside) maps to None
        self._lookup = np.array([*self.codes, None], dtype=object)

    def __len__(self) -> int:
        return len(self.codes)

    def locate(self, lon: float, lat: float) -> str | None:
        """Code of the region covering (lon, lat); the lowest code on a shared border; None
        if the point is outside every region."""
        hits = self.tree.query(shapely.points(lon, lat), predicate="intersects")
        return self.codes[int(hits.min())] if len(hits) else None

    def locate_indices(self, lons: Sequence[float] | np.ndarray,
                       lats: Sequence[float] | np.ndarray) -> np.ndarray:
        """Index into :attr:`codes` for each point (int64, −1 outside), vectorised."""
        x = np.asarray(lons, dtype=np.float64)
        y = np.asarray(lats, dtype=np.float64)
        if x.shape != y.shape or x.ndim != 1:
            raise ValueError(f"lons and lats must be 1-D and the same length, "
                             f"got shapes {x.shape} and {y.shape}")
        out = np.full(len(x), -1, dtype=np.int64)
        if not len(x) or not len(self.codes):
            return out
        point_idx, tree_idx = self.tree.query(shapely.points(x, y), predicate="intersects")
        out[point_idx] = tree_idx
        # a point on a shared border hits several regions: keep the lowest index (= code)
        many = np.flatnonzero(np.bincount(point_idx, minlength=len(x)) > 1)
        if len(many):
            sel = np.isin(point_idx, many)
            low = np.full(len(x), _NONE, dtype=np.int64)
            np.minimum.at(low, point_idx[sel], tree_idx[sel])
            out[many] = low[many]
        return out

    def locate_many(self, lons: Sequence[float] | np.ndarray,
                    lats: Sequence[float] | np.ndarray) -> list[str | None]:
        """:meth:`locate` for many points at once."""
        return self._lookup[self.locate_indices(lons, lats)].tolist()
