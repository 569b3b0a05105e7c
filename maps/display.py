"""The coordinate system the map page draws in, and the one place points cross into it.

Everything the map keeps is WGS84 (as the store). When the page's base layer draws in GCJ-02
(Amap or Tencent tiles), every point written into a call to the page (regions, units,
incidents, parts, tracks, the scope, a focus) goes through :class:`Display` on its way out,
and every point the page reports (a click) comes back through :meth:`Display.back`. A WGS84
display hands back the very objects it was given: nothing is copied or computed then.

Single points use :func:`dispatch.domain.crs.to_display` / ``from_display``; columns and
polygons (a replay jump's 26,000 units, a city's grids) use :func:`wgs_to_gcj_arrays`, the
same formula over numpy arrays (the tests hold the two to 1e-9 degrees). Nothing here knows Qt.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from prcoords import GCJ_A as _A
from prcoords import GCJ_EE as _EE

from dispatch.domain.crs import Crs, from_display, to_display

# prcoords' "in China" box (its sanity_in_china_p; the constants above are its own).
_LAT_MIN, _LAT_MAX, _LON_MIN, _LON_MAX = 0.8293, 55.8271, 72.004, 137.8347


def wgs_to_gcj_arrays(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 → GCJ-02 for arrays of points (new arrays); points outside China unchanged."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    x, y = lon - 105.0, lat - 35.0
    pi = math.pi
    d_lat = (-100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
             + (2 * np.sin(x * 6 * pi) + 2 * np.sin(x * 2 * pi) + 2 * np.sin(y * pi)
                + 4 * np.sin(y / 3 * pi) + 16 * np.sin(y / 12 * pi)
                + 32 * np.sin(y / 30 * pi)) * 20 / 3)
    d_lon = (300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
             + (2 * np.sin(x * 6 * pi) + 2 * np.sin(x * 2 * pi) + 2 * np.sin(x * pi)
                + 4 * np.sin(x / 3 * pi) + 15 * np.sin(x / 12 * pi)
                + 30 * np.sin(x / 30 * pi)) * 20 / 3)
    rad = np.radians(lat)
    magic = 1 - _EE * np.sin(rad) ** 2
    lat_arc = np.radians(_A * (1 - _EE) / magic ** 1.5)
    lon_arc = np.radians(_A * np.cos(rad) / np.sqrt(magic))
    inside = (lat >= _LAT_MIN) & (lat <= _LAT_MAX) & (lon >= _LON_MIN) & (lon <= _LON_MAX)
    return (np.where(inside, lon + d_lon / lon_arc, lon),
            np.where(inside, lat + d_lat / lat_arc, lat))


def _walk(value: Any, visit: Callable[[list[Any]], list[Any]]) -> Any:
    """GeoJSON coordinates with each run of positions (a ring or a line, ``[[lon, lat, …],
    …]``; a lone position for a point) replaced by ``visit(run)``."""
    if not value:
        return value
    if isinstance(value[0], (int, float)):
        return visit([value])[0]
    if value[0] and isinstance(value[0][0], (int, float)):
        return visit(value)
    return [_walk(v, visit) for v in value]


class Display:
    """The system the page draws in (see the module docstring); ``crs`` may change."""

    def __init__(self, crs: Crs = Crs.WGS84) -> None:
        self.crs = crs

    @property
    def shifted(self) -> bool:
        return self.crs is not Crs.WGS84

    # ------------------------------------------------------------------ into the page

    def point(self, lat: float, lon: float) -> tuple[float, float]:
        """A stored point as the page draws it (lat, lon)."""
        if not self.shifted:
            return lat, lon
        x, y = to_display(self.crs, lon, lat)
        return y, x

    def columns(self, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Columns of latitudes and longitudes as the page draws them."""
        if not self.shifted or not len(lat):
            return lat, lon
        x, y = wgs_to_gcj_arrays(lon, lat)
        return y, x

    def latlngs(self, points: Sequence[Sequence[float]]) -> list[list[float]]:
        """``[[lat, lon], …]`` as the page draws them."""
        if not self.shifted or not points:
            return points if isinstance(points, list) else [list(p) for p in points]
        arr = np.asarray(points, dtype=np.float64)
        lat, lon = self.columns(arr[:, 0], arr[:, 1])
        return np.column_stack([lat, lon]).tolist()

    def rows(self, rows: Sequence[Sequence[Any]], lat_at: int) -> list[Any]:
        """Rows (tuples or lists) with a latitude at ``lat_at`` and its longitude next to it,
        as the page draws them."""
        if not self.shifted or not rows:
            return rows if isinstance(rows, list) else list(rows)
        lat, lon = self.columns(np.fromiter((r[lat_at] for r in rows), float, len(rows)),
                                np.fromiter((r[lat_at + 1] for r in rows), float, len(rows)))
        out = []
        for r, la, lo in zip(rows, lat.tolist(), lon.tolist(), strict=True):
            row = list(r)
            row[lat_at], row[lat_at + 1] = la, lo
            out.append(type(r)(row) if isinstance(r, tuple) else row)
        return out

    def feature_collection(self, fc: Mapping[str, Any]) -> Mapping[str, Any]:
        """A GeoJSON FeatureCollection (positions ``[lon, lat]``; a ``properties.center``
        ``[lat, lon]`` too) as the page draws it."""
        if not self.shifted:
            return fc
        runs: list[list[Any]] = []

        def collect(run: list[Any]) -> list[Any]:
            runs.append(run)
            return run

        features = fc.get("features") or []
        for f in features:
            _walk((f.get("geometry") or {}).get("coordinates") or [], collect)
        if not runs:
            return fc
        flat = [p for run in runs for p in run]
        lon, lat = wgs_to_gcj_arrays(np.fromiter((p[0] for p in flat), float, len(flat)),
                                     np.fromiter((p[1] for p in flat), float, len(flat)))
        moved = np.column_stack([lon, lat]).tolist()
        if any(len(p) > 2 for p in flat):  # keep a third value (height) where there is one
            moved = [[*m, *p[2:]] for m, p in zip(moved, flat, strict=True)]
        starts = iter(np.cumsum([0] + [len(run) for run in runs]).tolist())
        next(starts)
        at = 0

        def replace(run: list[Any]) -> list[Any]:
            nonlocal at
            end = next(starts)
            shifted, at = moved[at:end], end
            return shifted

        out = []
        for f in features:
            geometry = f.get("geometry")
            if geometry:
                geometry = {**geometry, "coordinates": _walk(geometry.get("coordinates") or [],
                                                             replace)}
            props = f.get("properties")
            center = props.get("center") if isinstance(props, Mapping) else None
            if isinstance(center, (list, tuple)) and len(center) == 2:
                props = {**props, "center": list(self.point(center[0], center[1]))}
            out.append({**f, "geometry": geometry, "properties": props})
        return {**fc, "features": out}

    # ------------------------------------------------------------------ out of the page

    def back(self, lat: float, lon: float) -> tuple[float, float]:
        """A point the page reports (lat, lon) as the WGS84 point it stands for."""
        if not self.shifted:
            return lat, lon
        x, y = from_display(self.crs, lon, lat)
        return y, x
