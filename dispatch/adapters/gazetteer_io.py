"""Read and write a gazetteer as CSV or GeoJSON (see docs/GAZETTEER.md).

CSV
---
UTF-8 (a byte-order mark is accepted), comma-separated, one header row, one entry per row:

============  ================================================================================
column        meaning
============  ================================================================================
``id``        required, unique
``name``      required
``kind``      required: district, street, community, road, compound, poi, grid, building,
              address or part
``lon``       the entry's point, WGS84 degrees; a road's may be left empty (the middle of its
``lat``       line is used); required otherwise
``grid``      the 15-digit code of the grid the point lies in; empty: found by locating the
              point in the city
``aliases``   other names, separated by ``|``
``category``  what a POI or part is (school, hospital, streetlight…), free text
``from``      a road's house-number ranges: the numbers at the start and the end of its line,
``to``        and which numbers the range holds (``odd`` on the left, ``even`` on the right,
``parity``    ``all``; default all); several ranges separated by ``|``, in the same order
              in the three columns (``1|2``, ``199|200``, ``odd|even``)
``line``      a road's centre line: ``lon lat`` pairs separated by ``;``
============  ================================================================================

Only ``id``, ``name`` and ``kind`` must be in the header; other columns may be left out, and
any column not listed here is an error (a misspelt ``lng`` would otherwise be ignored).

GeoJSON
-------
A ``FeatureCollection`` of ``Point`` features (any kind) and ``LineString`` features (roads:
the centre line), with the properties ``id``, ``name``, ``kind``, ``grid``, ``aliases`` (a
list of strings), ``category`` and ``ranges`` (a list of ``{"from", "to", "parity"}``). A
LineString feature's point is in its ``lon``/``lat`` properties, else the line's middle.

Import is all or nothing: :func:`read_gazetteer` (or :func:`parse_csv`, :func:`parse_geojson`)
returns a new :class:`~dispatch.domain.gazetteer.Gazetteer` or raises
:class:`GazetteerImportError` listing every bad row by its line number (CSV; the header is
line 1) or feature index (GeoJSON). Rows are validated with pydantic; with a city given, a
row's grid must be a grid of the city, and a row without a grid gets the grid its point lies
in (``City.locate``), or is refused if the point is outside the city.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from dispatch.domain.city.codes import validate_code
from dispatch.domain.city.model import City, Level
from dispatch.domain.gazetteer.model import Entry, Gazetteer, HouseRange, Kind, Point
from dispatch.domain.gazetteer.numbers import point_along
from dispatch.domain.jsonlimits import JsonLimitError, JsonLimits, check_items, read_limited

COLUMNS = ("id", "name", "kind", "lon", "lat", "grid", "aliases", "category", "from", "to",
           "parity", "line")
REQUIRED = ("id", "name", "kind")
LIMITS = JsonLimits(max_bytes=512 << 20, max_depth=16, max_items=5_000_000)
_MAX_LISTED = 20


class GazetteerImportError(ValueError):
    """A gazetteer file with problems; ``problems`` is every (where, message), where is
    ``line 5`` or ``feature 3`` (or empty for the file as a whole)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        shown = [f"{w}: {m}" if w else m for w, m in problems[:_MAX_LISTED]]
        more = len(problems) - len(shown)
        super().__init__(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in the "
                         f"gazetteer file, nothing imported:\n  " + "\n  ".join(shown)
                         + (f"\n  … and {more} more" if more > 0 else ""))


class EntryRow(BaseModel):
    """One row or feature, as read; :meth:`entry` makes the entry."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str
    name: str
    kind: Kind
    lon: float | None = None
    lat: float | None = None
    grid: str | None = None
    aliases: tuple[str, ...] = ()
    category: str = ""
    ranges: tuple[HouseRange, ...] = ()
    line: tuple[Point, ...] = ()

    @field_validator("id", "name")
    @classmethod
    def _not_empty(cls, v: str) -> str:
        if not v:
            raise ValueError("must not be empty")
        return v

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v: object) -> object:
        return Kind.parse(v) if isinstance(v, str) else v

    @field_validator("lon")
    @classmethod
    def _lon(cls, v: float | None) -> float | None:
        if v is not None and not -180 <= v <= 180:
            raise ValueError(f"longitude {v} is outside -180..180")
        return v

    @field_validator("lat")
    @classmethod
    def _lat(cls, v: float | None) -> float | None:
        if v is not None and not -90 <= v <= 90:
            raise ValueError(f"latitude {v} is outside -90..90")
        return v

    @field_validator("grid", mode="before")
    @classmethod
    def _grid(cls, v: object) -> object:
        if isinstance(v, str):
            v = v.strip()
            return validate_code(v, Level.GRID) if v else None
        return v

    @field_validator("line")
    @classmethod
    def _line(cls, v: tuple[Point, ...]) -> tuple[Point, ...]:
        if v and len(v) < 2:
            raise ValueError("a line needs at least two points")
        for x, y in v:
            if not (-180 <= x <= 180 and -90 <= y <= 90):
                raise ValueError(f"line point {x} {y} is outside lon -180..180, lat -90..90")
        return v

    @model_validator(mode="after")
    def _point(self) -> EntryRow:
        if (self.lon is None) != (self.lat is None):
            raise ValueError("lon and lat must both be given or both be empty")
        if self.lon is None and not self.line:
            raise ValueError("a point (lon, lat) is required, or a line for a road")
        if self.ranges and not self.line:
            raise ValueError("house-number ranges need a line")
        if (self.line or self.ranges) and self.kind != Kind.ROAD:
            raise ValueError(f"only roads have a line and house numbers, not a {self.kind}")
        return self

    def entry(self, city: City | None) -> Entry:
        """The entry; ValueError if its grid cannot be found or is not the city's."""
        lon, lat = (self.lon, self.lat) if self.lon is not None and self.lat is not None \
            else point_along(self.line, 0.5)
        grid = self.grid
        if grid is None:
            if city is None:
                raise ValueError("no grid, and no city to locate the point in")
            grid = city.locate(lon, lat)
            if grid is None:
                raise ValueError(f"the point {lon} {lat} is outside every grid of the city")
        elif city is not None:
            region = city.regions.get(grid)
            if region is None or region.level != Level.GRID:
                raise ValueError(f"grid {grid} is not a grid of the city")
        return Entry(self.id, self.name, self.kind, lon, lat, grid, self.aliases,
                     self.category, self.line, self.ranges)


# -- reading -----------------------------------------------------------------------------------


def read_gazetteer(path: str | Path, city: City | None = None) -> Gazetteer:
    """Read a ``.csv`` or a ``.geojson``/``.json`` file (see the module docstring)."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        return parse_csv(p.read_text(encoding="utf-8-sig"), city)
    if p.suffix.lower() in (".geojson", ".json"):
        try:
            raw = read_limited(p, LIMITS)
        except JsonLimitError as e:
            raise GazetteerImportError([("", str(e))]) from None
        return parse_geojson(raw, city)
    raise GazetteerImportError([("", f"{p.name}: expected a .csv, .geojson or .json file")])


def parse_csv(text: str, city: City | None = None) -> Gazetteer:
    """A gazetteer from CSV text (see the module docstring)."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    header = next(reader, None)
    if header is None:
        raise GazetteerImportError([("", "the file is empty: no header row")])
    header = [h.strip().lower() for h in header]
    problems: list[tuple[str, str]] = []
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    dup = sorted({h for h in header if header.count(h) > 1})
    for what, cols in (("unknown", unknown), ("missing", missing), ("repeated", dup)):
        if cols:
            problems.append(("line 1", f"{what} column{'s' if len(cols) > 1 else ''} "
                                       f"{', '.join(cols)}; the columns are "
                                       f"{', '.join(COLUMNS)}"))
    if problems:
        raise GazetteerImportError(problems)
    rows: list[tuple[str, Mapping[str, Any]]] = []
    for values in reader:
        where = f"line {reader.line_num}"
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append((where, f"{len(values)} values for {len(header)} columns"))
            continue
        try:
            rows.append((where, _csv_fields(dict(zip(header, values, strict=True)))))
        except ValueError as e:
            problems.append((where, str(e)))
    return _build(rows, city, problems)


def _csv_fields(raw: dict[str, str]) -> dict[str, Any]:
    """A CSV row's cells as :class:`EntryRow` fields (empty cells left out)."""
    out: dict[str, Any] = {k: v for k, v in raw.items()
                           if k in ("id", "name", "kind", "grid", "category")}
    for key in ("lon", "lat"):
        if raw.get(key, "").strip():
            out[key] = raw[key]
    if raw.get("aliases", "").strip():
        out["aliases"] = tuple(a.strip() for a in raw["aliases"].split("|") if a.strip())
    if raw.get("line", "").strip():
        out["line"] = tuple(_pair(p) for p in raw["line"].split(";") if p.strip())
    starts, ends, parities = (raw.get(k, "").strip() for k in ("from", "to", "parity"))
    if starts or ends:
        firsts, lasts = starts.split("|"), ends.split("|")
        kinds = parities.split("|") if parities else ["all"] * len(firsts)
        if not len(firsts) == len(lasts) == len(kinds):
            raise ValueError(f"from, to and parity give {len(firsts)}, {len(lasts)} and "
                             f"{len(kinds)} ranges; they must give the same number")
        out["ranges"] = tuple({"first": _int(a, "from"), "last": _int(b, "to"),
                               "parity": c.strip() or "all"}
                              for a, b, c in zip(firsts, lasts, kinds, strict=True))
    elif parities:
        raise ValueError("parity given without from and to")
    return out


def _pair(text: str) -> tuple[str, str]:
    parts = text.split()
    if len(parts) != 2:
        raise ValueError(f"line point {text.strip()!r} is not 'lon lat'")
    return (parts[0], parts[1])


def _int(text: str, column: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{column}: {text.strip()!r} is not a whole number") from None


def parse_geojson(data: str | bytes | Mapping[str, Any], city: City | None = None) -> Gazetteer:
    """A gazetteer from a GeoJSON FeatureCollection (see the module docstring)."""
    try:
        doc = json.loads(data) if isinstance(data, (str, bytes)) else data
    except json.JSONDecodeError as e:
        raise GazetteerImportError([("", f"not JSON: {e}")]) from None
    if not isinstance(doc, Mapping) or doc.get("type") != "FeatureCollection" \
            or not isinstance(doc.get("features"), list):
        raise GazetteerImportError([("", "expected a GeoJSON FeatureCollection")])
    features = doc["features"]
    try:
        check_items(len(features), LIMITS.max_items, "features")
    except JsonLimitError as e:
        raise GazetteerImportError([("", str(e))]) from None
    rows: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[tuple[str, str]] = []
    for i, f in enumerate(features):
        where = f"feature {i}"
        try:
            rows.append((where, _feature_fields(f)))
        except ValueError as e:
            problems.append((where, str(e)))
    return _build(rows, city, problems)


def _feature_fields(f: object) -> dict[str, Any]:
    if not isinstance(f, Mapping) or f.get("type") != "Feature":
        raise ValueError("not a GeoJSON Feature")
    props = f.get("properties")
    geom = f.get("geometry")
    if not isinstance(props, Mapping):
        raise ValueError("no properties")
    if not isinstance(geom, Mapping) or geom.get("type") not in ("Point", "LineString"):
        raise ValueError("the geometry must be a Point or a LineString")
    out = {k: v for k, v in props.items() if k != "ranges"}
    coords = geom.get("coordinates")
    if not isinstance(coords, list):
        raise ValueError("the geometry has no coordinates")
    if geom["type"] == "Point":
        if len(coords) < 2:
            raise ValueError("a Point needs lon and lat")
        out["lon"], out["lat"] = coords[0], coords[1]
    else:
        out["line"] = tuple(tuple(c[:2]) if isinstance(c, list) else c for c in coords)
    ranges = props.get("ranges")
    if ranges is not None:
        if not isinstance(ranges, list) or not all(isinstance(r, Mapping) for r in ranges):
            raise ValueError("ranges must be a list of {from, to, parity}")
        out["ranges"] = tuple({"first": r.get("from"), "last": r.get("to"),
                               "parity": r.get("parity", "all")} for r in ranges)
    return out


def _build(rows: Iterable[tuple[str, Mapping[str, Any]]], city: City | None,
           problems: list[tuple[str, str]]) -> Gazetteer:
    entries: list[Entry] = []
    first_at: dict[str, str] = {}
    for where, fields in rows:
        raw_id = fields.get("id")
        key = raw_id.strip() if isinstance(raw_id, str) else raw_id
        if isinstance(key, str) and key:
            if key in first_at:
                problems.append((where, f"id {key!r} is already used on {first_at[key]}"))
                continue
            first_at[key] = where
        try:
            entries.append(EntryRow.model_validate(fields).entry(city))
        except ValidationError as e:
            problems.extend((where, _pydantic_message(err)) for err in e.errors())
        except ValueError as e:
            problems.append((where, str(e)))
    if problems:
        problems.sort(key=lambda wm: int(wm[0].rpartition(" ")[2] or 0))  # in file order
        raise GazetteerImportError(problems)
    return Gazetteer(tuple(entries))


def _pydantic_message(err: Mapping[str, Any]) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ()) if not isinstance(p, int))
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    if loc == "ranges":
        loc = "from/to/parity"
    return f"{loc}: {msg}" if loc else msg


# -- writing -----------------------------------------------------------------------------------


def dumps_csv(gazetteer: Gazetteer) -> str:
    """The gazetteer as CSV text with every column (see the module docstring)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for e in gazetteer:
        w.writerow([e.id, e.name, e.kind.value, repr(e.lon), repr(e.lat), e.grid,
                    "|".join(e.aliases), e.category,
                    "|".join(str(r.first) for r in e.ranges),
                    "|".join(str(r.last) for r in e.ranges),
                    "|".join(r.parity for r in e.ranges),
                    ";".join(f"{x!r} {y!r}" for x, y in e.line)])
    return out.getvalue()


def export_geojson(gazetteer: Gazetteer) -> dict[str, Any]:
    """The gazetteer as a GeoJSON FeatureCollection (roads with a line as LineStrings)."""
    features = []
    for e in gazetteer:
        props: dict[str, Any] = {"id": e.id, "name": e.name, "kind": e.kind.value,
                                 "grid": e.grid}
        if e.aliases:
            props["aliases"] = list(e.aliases)
        if e.category:
            props["category"] = e.category
        if e.ranges:
            props["ranges"] = [{"from": r.first, "to": r.last, "parity": r.parity}
                               for r in e.ranges]
        geom: dict[str, Any]
        if e.line:
            props["lon"], props["lat"] = e.lon, e.lat
            geom = {"type": "LineString", "coordinates": [list(p) for p in e.line]}
        else:
            geom = {"type": "Point", "coordinates": [e.lon, e.lat]}
        features.append({"type": "Feature", "geometry": geom, "properties": props})
    return {"type": "FeatureCollection", "features": features}


def dumps_geojson(gazetteer: Gazetteer) -> str:
    return json.dumps(export_geojson(gazetteer), ensure_ascii=False, separators=(",", ":"))


def write_gazetteer(gazetteer: Gazetteer, path: str | Path) -> None:
    """Write ``.csv`` or ``.geojson``/``.json`` by the file's suffix."""
    p = Path(path)
    if p.suffix.lower() == ".csv":
        p.write_text(dumps_csv(gazetteer), encoding="utf-8")
    elif p.suffix.lower() in (".geojson", ".json"):
        p.write_text(dumps_geojson(gazetteer), encoding="utf-8")
    else:
        raise ValueError(f"{p.name}: expected a .csv, .geojson or .json file")


__all__ = ["COLUMNS", "EntryRow", "GazetteerImportError", "dumps_csv",
           "dumps_geojson", "export_geojson", "parse_csv", "parse_geojson", "read_gazetteer",
           "write_gazetteer"]
