"""Checking a city file's features one by one: properties, geometries, coordinates.

A :class:`FeatureReader` collects the regions, units and parts that pass and a problem for
everything else, so a file's problems are all reported at once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from dispatch.adapters.geojson_io.problems import ImportProblem
from dispatch.domain.city.codes import level_of
from dispatch.domain.city.model import Level, Part, Region, Unit

KINDS = ("region", "unit", "part")
AREA_KINDS = ("urban", "rural")
PART_STATES = ("intact", "damaged", "missing", "occupied")
_LON_LAT_CRS = {
    "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "crs84", "ogc:crs84",
    "epsg:4326", "urn:ogc:def:crs:epsg::4326", "urn:ogc:def:crs:epsg:4326",
    "urn:ogc:def:crs:epsg:6.6:4326", "http://www.opengis.net/def/crs/epsg/0/4326",
    "http://www.opengis.net/def/crs/ogc/1.3/crs84",
}


@dataclass(slots=True)
class RegionRow:
    index: int
    region: Region


class FeatureReader:
    """The features that passed their own checks, and the problems found so far."""

    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []
        self.regions: list[RegionRow] = []
        self.raw_geoms: list[tuple[int, str, Any]] = []
        self.units: list[tuple[int, Unit]] = []
        self.parts: list[tuple[int, Part]] = []
        # codes of regions rejected for their own problems: not reported again as missing
        # parents or home grids of other features
        self.rejected: set[str] = set()
        self.city_features = 0  # features that say they are the city, valid or not

    def problem(self, message: str, index: int | None = None, code: str | None = None) -> None:
        self.problems.append(ImportProblem(message, index, code))

    def check_crs(self, crs: object) -> None:
        if crs is None:
            return
        name: object = None
        if isinstance(crs, Mapping):
            props = crs.get("properties")
            if isinstance(props, Mapping):
                name = props.get("name")
                if name is None and props.get("code") is not None:
                    name = f"EPSG:{props.get('code')}"
        if isinstance(name, str) and name.strip().lower() in _LON_LAT_CRS:
            return
        shown = name if isinstance(name, str) else json.dumps(crs, ensure_ascii=False)
        self.problem(f"unsupported CRS {shown}: coordinates must be lon/lat "
                     f"(CRS84 / EPSG:4326)")

    # -- features -----------------------------------------------------------------------------

    def feature(self, i: int, f: object) -> None:
        if not isinstance(f, Mapping) or f.get("type") != "Feature":
            self.problem("not a GeoJSON Feature", i)
            return
        props = f.get("properties")
        if not isinstance(props, Mapping):
            self.problem("missing properties", i)
            return
        kind = props.get("kind", "region")
        if kind is None:
            kind = "region"
        if kind == "region":
            self.region(i, props, f.get("geometry"))
        elif kind == "unit":
            self.unit(i, props, f.get("geometry"))
        elif kind == "part":
            self.part(i, props, f.get("geometry"))
        else:
            ref = props.get("code", props.get("id"))
            self.problem(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}", i,
                         ref if isinstance(ref, str) else None)

    def required_str(self, i: int, props: Mapping[str, Any], key: str,
                     ref: str | None) -> str | None:
        if key not in props or props[key] is None:
            self.problem(f"missing property {key!r}", i, ref)
            return None
        v = props[key]
        if not isinstance(v, str) or not v.strip():
            self.problem(f"property {key!r} must be a non-empty string, got {v!r}", i, ref)
            return None
        return v

    def optional_str(self, i: int, props: Mapping[str, Any], key: str,
                     ref: str | None) -> str | None:
        v = props.get(key)
        if v is not None and not isinstance(v, str):
            self.problem(f"property {key!r} must be a string or null, got {v!r}", i, ref)
            return None
        return v

    def region(self, i: int, props: Mapping[str, Any], geometry: object) -> None:
        raw_code = props.get("code")
        ref = raw_code if isinstance(raw_code, str) else None
        ok = len(self.problems)
        code = self.required_str(i, props, "code", ref)
        name = self.required_str(i, props, "name", ref)
        level_name = self.required_str(i, props, "level", ref)
        level: Level | None = None
        if level_name is not None:
            try:
                level = Level.parse(level_name)
            except ValueError as e:
                self.problem(str(e), i, ref)
        if "parent" not in props:
            self.problem("missing property 'parent' (null for the city)", i, ref)
        parent = props.get("parent")
        if parent is not None and not isinstance(parent, str):
            self.problem(f"property 'parent' must be a code string or null, got {parent!r}",
                         i, ref)
            parent = None
        if code is not None and level is not None:
            try:
                actual = level_of(code)
            except ValueError as e:
                self.problem(str(e), i, ref)
            else:
                if actual != level:
                    self.problem(f"code {code} is a {actual.name.lower()} code (by its length) "
                                 f"but level is {level.name.lower()!r}", i, ref)
        if level == Level.CITY:
            self.city_features += 1
        if level == Level.CITY and parent is not None:
            self.problem(f"a city has no parent; got parent {parent!r}", i, ref)
        if level is not None and level != Level.CITY and "parent" in props and parent is None:
            self.problem(f"a {level.name.lower()} needs a parent code", i, ref)
        area_kind = props.get("area_kind")
        if area_kind is None:
            area_kind = "urban"
        elif area_kind not in AREA_KINDS:
            self.problem(f"area_kind must be 'urban' or 'rural', got {area_kind!r}", i, ref)
        worker_id = self.optional_str(i, props, "worker_id", ref)
        worker_name = self.optional_str(i, props, "worker_name", ref)
        geom = self.region_geometry(i, geometry, ref)
        if len(self.problems) != ok or code is None or name is None or level is None:
            if ref is not None:
                self.rejected.add(ref)
            return
        assert geom is not None
        self.regions.append(RegionRow(i, Region(code, name, level, parent, geom,
                                                 area_kind=area_kind, worker_id=worker_id,
                                                 worker_name=worker_name)))

    def region_geometry(self, i: int, geometry: object, ref: str | None) -> BaseGeometry | None:
        if geometry is None:
            self.problem("missing geometry", i, ref)
            return None
        if not isinstance(geometry, Mapping):
            self.problem("geometry must be a GeoJSON object", i, ref)
            return None
        gtype = geometry.get("type")
        if gtype not in ("Polygon", "MultiPolygon"):
            self.problem(f"geometry must be a Polygon or MultiPolygon, got {gtype!r}", i, ref)
            return None
        try:
            geom = shape(geometry)
        except Exception as e:  # shapely raises several types for malformed coordinates  # noqa: BLE001
            self.problem(f"malformed {gtype} coordinates: {e}", i, ref)
            return None
        self.raw_geoms.append((i, ref or "", geom))
        return geom

    def check_geometries(self) -> None:
        """Empty, out-of-range and invalid geometries, vectorised over all regions."""
        if not self.raw_geoms:
            return
        geoms = np.array([g for _, _, g in self.raw_geoms], dtype=object)
        empty = shapely.is_empty(geoms)
        bounds = shapely.bounds(geoms)
        valid = shapely.is_valid(geoms)
        bad: set[int] = set()
        for k, (i, ref, g) in enumerate(self.raw_geoms):
            minx, miny, maxx, maxy = bounds[k]
            if empty[k]:
                self.problem("empty geometry", i, ref or None)
            elif not all(math.isfinite(v) for v in bounds[k]):
                self.problem("geometry has non-finite coordinates", i, ref or None)
            elif minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
                self.problem(f"coordinates outside the lon/lat range (x {minx:g}..{maxx:g}, "
                             f"y {miny:g}..{maxy:g}): the file must be in CRS84 / EPSG:4326",
                             i, ref or None)
            elif not valid[k]:
                self.problem(f"invalid geometry: {explain_validity(g)}", i, ref or None)
            else:
                continue
            bad.add(i)
            if ref:
                self.rejected.add(ref)
        self.regions = [row for row in self.regions if row.index not in bad]

    def point(self, i: int, geometry: object, ref: str | None) -> tuple[float, float] | None:
        if not isinstance(geometry, Mapping) or geometry.get("type") != "Point":
            got = geometry.get("type") if isinstance(geometry, Mapping) else geometry
            self.problem(f"geometry must be a Point, got {got!r}", i, ref)
            return None
        c = geometry.get("coordinates")
        if (not isinstance(c, list | tuple) or len(c) not in (2, 3)
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in c)):
            self.problem(f"malformed Point coordinates {c!r}", i, ref)
            return None
        lon, lat = float(c[0]), float(c[1])
        if not (math.isfinite(lon) and math.isfinite(lat)
                and -180 <= lon <= 180 and -90 <= lat <= 90):
            self.problem(f"point ({lon:g}, {lat:g}) is outside the lon/lat range: the file "
                         f"must be in CRS84 / EPSG:4326", i, ref)
            return None
        return lon, lat

    def unit(self, i: int, props: Mapping[str, Any], geometry: object) -> None:
        raw = props.get("id")
        ref = raw if isinstance(raw, str) else None
        ok = len(self.problems)
        vals = {k: self.required_str(i, props, k, ref)
                for k in ("id", "department", "unit_type", "name", "home_grid")}
        pos = self.point(i, geometry, ref)
        if len(self.problems) != ok or pos is None:
            return
        self.units.append((i, Unit(vals["id"] or "", vals["department"] or "",
                                   vals["unit_type"] or "", vals["name"] or "",
                                   vals["home_grid"] or "", pos[0], pos[1])))

    def part(self, i: int, props: Mapping[str, Any], geometry: object) -> None:
        raw = props.get("id")
        ref = raw if isinstance(raw, str) else None
        ok = len(self.problems)
        vals = {k: self.required_str(i, props, k, ref)
                for k in ("id", "part_type", "grid", "owner_department")}
        state = props.get("state")
        if state is None:
            state = "intact"
        elif state not in PART_STATES:
            self.problem(f"state must be one of {', '.join(PART_STATES)}, got {state!r}", i, ref)
        attributes = props.get("attributes")
        if attributes is None:
            attributes = {}
        elif not isinstance(attributes, Mapping):
            self.problem(f"attributes must be an object, got {attributes!r}", i, ref)
        owner_unit = self.optional_str(i, props, "owner_unit", ref)
        maintainer = self.optional_str(i, props, "maintainer", ref)
        pos = self.point(i, geometry, ref)
        if len(self.problems) != ok or pos is None:
            return
        self.parts.append((i, Part(vals["id"] or "", vals["part_type"] or "", vals["grid"] or "",
                                   pos[0], pos[1], vals["owner_department"] or "", state,
                                   dict(attributes), owner_unit or "", maintainer or "")))
