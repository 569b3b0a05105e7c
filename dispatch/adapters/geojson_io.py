"""Read and write a city as GeoJSON (RFC 7946, lon/lat).

File layout
-----------
One ``FeatureCollection``; every feature has a ``kind`` property:

``"region"`` (the default when ``kind`` is absent)
    A Polygon or MultiPolygon with properties ``code``, ``name``, ``level`` (``city``,
    ``district``, ``street``, ``community`` or ``grid``) and ``parent`` (the parent's code;
    null for the city), and optionally ``area_kind`` (``urban`` or ``rural``, default
    ``urban``), ``worker_id`` and ``worker_name`` (the grid worker). The file must hold
    exactly one city; every other region's parent must be in the file, one level up, and its
    code must start with the parent's code (a district with the city's first four digits).
``"unit"``
    A Point (the unit's base) with ``id``, ``department``, ``unit_type``, ``name`` and
    ``home_grid`` (a grid in the file).
``"part"``
    A Point with ``id``, ``part_type``, ``grid`` (a grid in the file), ``owner_department``,
    ``state`` (``intact``, ``damaged``, ``missing`` or ``occupied``, default ``intact``) and
    ``attributes`` (an object, default ``{}``).

Units and parts are optional: a file of regions only is a valid city. A ``crs`` member is
allowed only if it names CRS84 / EPSG:4326; coordinates must lie within lon −180..180 and
lat −90..90.

Import is all or nothing: :func:`import_geojson` returns a new :class:`City` or raises
:class:`CityImportError` listing every problem found, each naming the feature (its index in
``features`` and its code or id).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from dispatch.domain.city.codes import level_of, scope_prefix
from dispatch.domain.city.model import City, Level, Part, Region, Unit
from dispatch.domain.jsonlimits import (
    JsonLimitError,
    JsonLimits,
    check_depth,
    check_items,
    check_size,
    read_limited,
)

KINDS = ("region", "unit", "part")
AREA_KINDS = ("urban", "rural")
PART_STATES = ("intact", "damaged", "missing", "occupied")
_LON_LAT_CRS = {
    "urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "crs84", "ogc:crs84",
    "epsg:4326", "urn:ogc:def:crs:epsg::4326", "urn:ogc:def:crs:epsg:4326",
    "urn:ogc:def:crs:epsg:6.6:4326", "http://www.opengis.net/def/crs/epsg/0/4326",
    "http://www.opengis.net/def/crs/ogc/1.3/crs84",
}
_MAX_LISTED = 20


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One thing wrong with a city file; ``index`` is None for the file as a whole."""

    message: str
    index: int | None = None
    code: str | None = None  # the feature's code (regions) or id (units, parts), if readable

    def __str__(self) -> str:
        if self.index is None:
            return self.message
        where = f"feature {self.index}" + (f" ({self.code})" if self.code else "")
        return f"{where}: {self.message}"


class CityImportError(ValueError):
    """The file is not a valid city; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems: tuple[ImportProblem, ...] = tuple(problems)
        lines = [str(p) for p in self.problems[:_MAX_LISTED]]
        if len(self.problems) > _MAX_LISTED:
            lines.append(f"... and {len(self.problems) - _MAX_LISTED} more")
        n = len(self.problems)
        super().__init__(f"invalid city file ({n} problem{'s' if n != 1 else ''}):\n  "
                         + "\n  ".join(lines))


# --------------------------------------------------------------------------------------------
# export


def export_geojson(city: City, *, assets: bool = True) -> dict[str, Any]:
    """The city as a GeoJSON FeatureCollection (regions by level and code, then units and
    parts unless ``assets`` is False)."""
    features: list[dict[str, Any]] = []
    for r in sorted(city.regions.values(), key=lambda r: (r.level, r.code)):
        props: dict[str, Any] = {"kind": "region", "code": r.code, "name": r.name,
                                 "level": r.level.name.lower(), "parent": r.parent,
                                 "area_kind": r.area_kind}
        if r.worker_id is not None or r.worker_name is not None:
            props["worker_id"] = r.worker_id
            props["worker_name"] = r.worker_name
        features.append({"type": "Feature", "properties": props,
                         "geometry": mapping(r.geometry)})
    if assets:
        for u in city.units.values():
            features.append({"type": "Feature", "geometry": _point(u.lon, u.lat), "properties": {
                "kind": "unit", "id": u.id, "department": u.department,
                "unit_type": u.unit_type, "name": u.name, "home_grid": u.home_grid}})
        for p in city.parts.values():
            features.append({"type": "Feature", "geometry": _point(p.lon, p.lat), "properties": {
                "kind": "part", "id": p.id, "part_type": p.part_type, "grid": p.grid,
                "owner_department": p.owner_department, "state": p.state,
                "attributes": dict(p.attributes)}})
    return {"type": "FeatureCollection", "features": features}


def dumps_geojson(city: City, *, assets: bool = True, indent: int | None = None) -> str:
    """The GeoJSON text of :func:`export_geojson` (UTF-8 names kept as is)."""
    seps = (",", ":") if indent is None else (",", ": ")
    return json.dumps(export_geojson(city, assets=assets), ensure_ascii=False, indent=indent,
                      separators=seps)


def save_geojson(city: City, path: str | Path, *, assets: bool = True,
                 indent: int | None = None) -> None:
    """Write the city to ``path`` as UTF-8 GeoJSON."""
    Path(path).write_text(dumps_geojson(city, assets=assets, indent=indent) + "\n",
                          encoding="utf-8")


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


# --------------------------------------------------------------------------------------------
# import


GEOJSON_LIMITS = JsonLimits(max_bytes=256 << 20, max_depth=32, max_items=1_000_000)
"""Default limits on a city file: 256 MiB (a Suzhou-scale city is 24 MB), 32 levels of
nesting (a MultiPolygon feature needs 7), a million features (75,000 at Suzhou scale)."""


def load_geojson(path: str | Path, *, limits: JsonLimits = GEOJSON_LIMITS) -> City:
    """Read a city file (see the module docstring); CityImportError if it is not valid or
    exceeds ``limits`` (the size is checked before reading, the depth before parsing)."""
    try:
        raw = read_limited(path, limits)
    except JsonLimitError as e:
        raise CityImportError([ImportProblem(str(e))]) from None
    return import_geojson(raw, limits=limits)


def import_geojson(data: Mapping[str, Any] | str | bytes, *,
                   limits: JsonLimits = GEOJSON_LIMITS) -> City:
    """Build a City from a GeoJSON FeatureCollection (parsed, or its JSON text).

    Raises CityImportError listing every problem; nothing is imported unless the whole file
    is valid. JSON text is checked against ``limits`` (size and nesting depth) before it is
    parsed; the feature count is checked in every case.
    """
    if isinstance(data, str | bytes | bytearray):
        try:
            check_size(len(data), limits.max_bytes, "the city GeoJSON")
            check_depth(data, limits.max_depth, "the city GeoJSON")
            data = json.loads(data)
        except JsonLimitError as e:
            raise CityImportError([ImportProblem(str(e))]) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise CityImportError([ImportProblem(f"not valid JSON: {e}")]) from None
    features = data.get("features") if isinstance(data, Mapping) else None
    if isinstance(features, list):
        try:
            check_items(len(features), limits.max_items, "the city GeoJSON")
        except JsonLimitError as e:
            raise CityImportError([ImportProblem(str(e))]) from None
    return _Importer().run(data)


@dataclass(slots=True)
class _RegionRow:
    index: int
    region: Region


class _Importer:
    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []
        self.regions: list[_RegionRow] = []
        self.raw_geoms: list[tuple[int, str, Any]] = []
        self.units: list[tuple[int, Unit]] = []
        self.parts: list[tuple[int, Part]] = []
        # codes of regions rejected for their own problems: not reported again as missing
        # parents or home grids of other features
        self.rejected: set[str] = set()
        self.city_features = 0  # features that say they are the city, valid or not

    def problem(self, message: str, index: int | None = None, code: str | None = None) -> None:
        self.problems.append(ImportProblem(message, index, code))

    def run(self, data: object) -> City:
        if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
            got = data.get("type") if isinstance(data, Mapping) else type(data).__name__
            raise CityImportError([ImportProblem(
                f"not a GeoJSON FeatureCollection (type is {got!r})")])
        features = data.get("features")
        if not isinstance(features, list):
            raise CityImportError([ImportProblem("the FeatureCollection has no 'features' list")])
        self.check_crs(data.get("crs"))
        for i, f in enumerate(features):
            self.feature(i, f)
        self.check_geometries()
        city = self.assemble()
        if self.problems:
            raise CityImportError(self.problems)
        assert city is not None
        return city

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
        self.regions.append(_RegionRow(i, Region(code, name, level, parent, geom,
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
        pos = self.point(i, geometry, ref)
        if len(self.problems) != ok or pos is None:
            return
        self.parts.append((i, Part(vals["id"] or "", vals["part_type"] or "", vals["grid"] or "",
                                   pos[0], pos[1], vals["owner_department"] or "", state,
                                   dict(attributes))))

    # -- cross-feature checks -----------------------------------------------------------------

    def assemble(self) -> City | None:
        regions: dict[str, Region] = {}
        first: dict[str, int] = {}
        for row in self.regions:
            r = row.region
            if r.code in regions:
                self.problem(f"duplicate code {r.code}; first used by feature {first[r.code]}",
                             row.index, r.code)
                continue
            regions[r.code] = r
            first[r.code] = row.index
        cities = [r for r in regions.values() if r.level == Level.CITY]
        if self.city_features == 0:
            self.problem("no city: exactly one feature must have level 'city'")
        for r in cities[1:]:
            self.problem(f"a second city; the file already has city {cities[0].code}",
                         first[r.code], r.code)
        for code, r in regions.items():
            if r.parent is None or r.level == Level.CITY:
                continue
            parent = regions.get(r.parent)
            if parent is None and r.parent in self.rejected:
                continue
            if parent is None:
                self.problem(f"parent {r.parent} is not in the file", first[code], code)
                continue
            want = Level(r.level - 1)
            if parent.level != want:
                self.problem(f"parent {r.parent} is a {parent.level.name.lower()}; a "
                             f"{r.level.name.lower()}'s parent must be a {want.name.lower()}",
                             first[code], code)
            elif not code.startswith(scope_prefix(r.parent)):
                self.problem(f"code {code} does not start with {scope_prefix(r.parent)}, the "
                             f"prefix of its city {r.parent}" if parent.level == Level.CITY
                             else f"code {code} does not start with its parent's code "
                             f"{r.parent}", first[code], code)
        units: dict[str, Unit] = {}
        for i, u in self.units:
            if u.id in units:
                self.problem(f"duplicate unit id {u.id}", i, u.id)
            elif u.home_grid in self.rejected:
                continue
            elif u.home_grid not in regions or regions[u.home_grid].level != Level.GRID:
                self.problem(f"home grid {u.home_grid} is not a grid in the file", i, u.id)
            else:
                units[u.id] = u
        parts: dict[str, Part] = {}
        for i, p in self.parts:
            if p.id in parts:
                self.problem(f"duplicate part id {p.id}", i, p.id)
            elif p.grid in self.rejected:
                continue
            elif p.grid not in regions or regions[p.grid].level != Level.GRID:
                self.problem(f"grid {p.grid} is not a grid in the file", i, p.id)
            else:
                parts[p.id] = p
        if self.problems or not cities:
            return None
        city = cities[0]
        return City(city.code, city.name, regions, units=units, parts=parts)
