"""Coordinate systems, made explicit.

Gridline stores and computes in WGS84 longitude/latitude (EPSG:4326; CGCS2000, China's
national datum, agrees with it to well within a metre). Chinese web map tiles from Amap,
Tencent and other domestic providers are drawn in GCJ-02, the obfuscated system the state
requires of them: a WGS84 point drawn on such tiles lands 100–700 m off its street (about
500 m in Suzhou). So a map whose basemap draws in GCJ-02 shifts every marker and polygon into
GCJ-02 before drawing, and every click back into WGS84 before using it.

The transform is ``prcoords`` (public domain; the forward formula plus an iterative inverse
accurate to far below a centimetre).
"""

from __future__ import annotations

from enum import StrEnum

from prcoords import Coords, gcj_wgs_bored, sanity_in_china_p, wgs_gcj


class Crs(StrEnum):
    """The system a tile source draws in (and a map then displays in)."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"


def wgs_to_gcj(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → GCJ-02; outside China the point is returned unchanged."""
    p = Coords(lat, lon)
    if not sanity_in_china_p(p):
        return lon, lat
    c = wgs_gcj(p, False)
    return c.lon, c.lat


def gcj_to_wgs(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → WGS84 (iterative inverse); outside China unchanged."""
    p = Coords(lat, lon)
    if not sanity_in_china_p(p):
        return lon, lat
    c = gcj_wgs_bored(p, False)
    return c.lon, c.lat


def to_display(crs: Crs, lon: float, lat: float) -> tuple[float, float]:
    """A stored WGS84 point as drawn on a map in ``crs``."""
    return wgs_to_gcj(lon, lat) if crs is Crs.GCJ02 else (lon, lat)


def from_display(crs: Crs, lon: float, lat: float) -> tuple[float, float]:
    """A point picked on a map in ``crs`` as the WGS84 point it stands for."""
    return gcj_to_wgs(lon, lat) if crs is Crs.GCJ02 else (lon, lat)
