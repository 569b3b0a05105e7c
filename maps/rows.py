"""The rows the map takes, checked before anything of them is kept: units ``(id, lat, lon,
status)``, incidents ``(id, lat, lon, priority, overdue, label)``, parts ``(id, type, lat, lon,
extra)`` and region polygons (a GeoJSON FeatureCollection). Each check raises ValueError
naming the row; rows already in their final form (tuples of the right types) skip the
conversions. Nothing here knows Qt or the dispatch domain.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from maps import unit_columns
from maps.unit_columns import UnitColumns, valid_text

UNIT_STATUSES = frozenset(unit_columns.UNIT_STATUSES)
PRIORITIES = frozenset({"urgent", "high", "normal", "low"})

UnitRow = tuple[str, float, float, str]
IncidentRow = tuple[str, float, float, str, bool, str]
PartRow = tuple[str, str, float, float, dict[str, Any]]


def coords(what: str, item_id: str, lat: Any, lon: Any) -> tuple[float, float]:
    """``(lat, lon)`` as finite floats on Earth; ValueError naming ``what`` ``item_id``."""
    try:
        flat, flon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {item_id!r}: lat/lon must be numbers, got {lat!r}, {lon!r}") from None
    if not (math.isfinite(flat) and math.isfinite(flon) and -90.0 <= flat <= 90.0
            and -180.0 <= flon <= 180.0):
        raise ValueError(f"{what} {item_id!r}: ({lat!r}, {lon!r}) is not a valid lat, lon")
    return flat, flon


def row_id(what: str, value: Any) -> str:
    """``value`` if it is a non-empty string of valid text (an id); ValueError otherwise."""
    if not isinstance(value, str) or not value or not valid_text(value):
        raise ValueError(f"{what} id must be a non-empty string of valid text, got {value!r}")
    return value


def validate_unit_row(row: Sequence[Any]) -> UnitRow:
    """``(id, lat, lon, status)`` with a known status; ValueError otherwise."""
    if len(row) != 4:
        raise ValueError(f"unit row must be (id, lat, lon, status), got {row!r}")
    uid = row_id("unit", row[0])
    lat, lon = coords("unit", uid, row[1], row[2])
    if not isinstance(row[3], str) or row[3] not in UNIT_STATUSES:
        raise ValueError(f"unit {uid!r}: unknown status {row[3]!r}; "
                         f"expected one of {sorted(UNIT_STATUSES)}")
    return (uid, lat, lon, str(row[3]))


def clean_unit_row(r: Any) -> bool:
    """Already a valid unit row in its final form (a tuple of the right types): a replay jump
    sends 26,000 of them, and the checks below cost a few microseconds each."""
    return (type(r) is tuple and len(r) == 4 and type(r[0]) is str and r[0] != ""
            and r[0].isascii() and type(r[1]) is float and type(r[2]) is float and -90.0 <= r[1] <= 90.0
            and -180.0 <= r[2] <= 180.0 and isinstance(r[3], str) and r[3] in UNIT_STATUSES)


def clean_incident_row(r: Any) -> bool:
    """Already a valid incident row in its final form (see :func:`clean_unit_row`)."""
    return (type(r) is tuple and len(r) == 6 and type(r[0]) is str and r[0] != ""
            and r[0].isascii() and type(r[1]) is float and type(r[2]) is float and -90.0 <= r[1] <= 90.0
            and -180.0 <= r[2] <= 180.0 and isinstance(r[3], str) and r[3] in PRIORITIES
            and type(r[4]) is bool and type(r[5]) is str)


def changed_rows(held: Mapping[str, Any] | UnitColumns, rows: Iterable[Sequence[Any]],
                  clean: Callable[[Any], bool], validate: Callable[[Sequence[Any]], Any]
                  ) -> list[Any]:
    """The rows that differ from what ``held`` has, validated (ValueError before anything is
    kept); rows already in their final form skip the checks' conversions."""
    out = []
    for r in rows:
        if type(r) is tuple and type(r[0]) is str:
            if held.get(r[0]) == r:
                continue
            out.append(r if clean(r) else validate(r))
        else:
            row = validate(r)
            if held.get(row[0]) != row:
                out.append(row)
    return out


def validate_incident_row(row: Sequence[Any]) -> IncidentRow:
    """``(id, lat, lon, priority, overdue, label)``; ValueError otherwise."""
    if len(row) != 6:
        raise ValueError(f"incident row must be (id, lat, lon, priority, overdue, label), "
                         f"got {row!r}")
    iid = row_id("incident", row[0])
    lat, lon = coords("incident", iid, row[1], row[2])
    if not isinstance(row[3], str) or row[3] not in PRIORITIES:
        raise ValueError(f"incident {iid!r}: unknown priority {row[3]!r}; "
                         f"expected one of {sorted(PRIORITIES)}")
    label = "" if row[5] is None else str(row[5])
    if not valid_text(label):
        raise ValueError(f"incident {iid!r}: label {label!r} is not valid text")
    return (iid, lat, lon, str(row[3]), bool(row[4]), label)


def validate_part_row(row: Sequence[Any]) -> PartRow:
    """``(id, type, lat, lon, extra)``; camera extras: range_m, heading_deg, angle_deg."""
    if len(row) != 5:
        raise ValueError(f"part row must be (id, type, lat, lon, extra), got {row!r}")
    pid = row_id("part", row[0])
    if not isinstance(row[1], str) or not row[1]:
        raise ValueError(f"part {pid!r}: type must be a non-empty string, got {row[1]!r}")
    lat, lon = coords("part", pid, row[2], row[3])
    extra = {} if row[4] is None else row[4]
    if not isinstance(extra, Mapping):
        raise ValueError(f"part {pid!r}: extra must be a dict, got {type(extra).__name__}")
    return (pid, row[1], lat, lon, dict(extra))


def validate_feature_collection(fc: Mapping[str, Any]) -> None:
    """A GeoJSON FeatureCollection of (Multi)Polygons with a ``code`` property each."""
    if not isinstance(fc, Mapping) or fc.get("type") != "FeatureCollection":
        raise ValueError("regions must be a GeoJSON FeatureCollection dict")
    features = fc.get("features")
    if not isinstance(features, list):
        raise ValueError("FeatureCollection.features must be a list")
    for i, f in enumerate(features):
        geometry = f.get("geometry") if isinstance(f, Mapping) else None
        if not isinstance(geometry, Mapping) or geometry.get("type") not in ("Polygon",
                                                                              "MultiPolygon"):
            raise ValueError(f"feature {i}: geometry must be a Polygon or MultiPolygon")
        props = f.get("properties")
        if not isinstance(props, Mapping) or props.get("code") in (None, ""):
            raise ValueError(f"feature {i}: properties.code is required")
