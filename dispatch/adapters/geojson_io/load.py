"""Reading a city file: size and depth limits, then the features' checks; all or nothing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dispatch.adapters.geojson_io.assemble import assemble
from dispatch.adapters.geojson_io.features import FeatureReader
from dispatch.adapters.geojson_io.problems import CityImportError, ImportProblem
from dispatch.domain.city.model import City
from dispatch.domain.jsonlimits import (
    JsonLimitError,
    JsonLimits,
    check_depth,
    check_items,
    check_size,
    read_limited,
)

GEOJSON_LIMITS = JsonLimits(max_bytes=256 << 20, max_depth=32, max_items=1_000_000)
"""Default limits on a city file: 256 MiB (a Suzhou-scale city is 24 MB), 32 levels of
nesting (a MultiPolygon feature needs 7), a million features (75,000 at Suzhou scale)."""


def load_geojson(path: str | Path, *, limits: JsonLimits = GEOJSON_LIMITS) -> City:
    """Read a city file (see the package docstring); CityImportError if it is not valid or
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
    return _read(data)


def _read(data: object) -> City:
    reader = FeatureReader()
    if not isinstance(data, Mapping) or data.get("type") != "FeatureCollection":
        got = data.get("type") if isinstance(data, Mapping) else type(data).__name__
        raise CityImportError([ImportProblem(
            f"not a GeoJSON FeatureCollection (type is {got!r})")])
    features = data.get("features")
    if not isinstance(features, list):
        raise CityImportError([ImportProblem("the FeatureCollection has no 'features' list")])
    reader.check_crs(data.get("crs"))
    for i, f in enumerate(features):
        reader.feature(i, f)
    reader.check_geometries()
    city = assemble(reader)
    if reader.problems:
        raise CityImportError(reader.problems)
    assert city is not None
    return city
