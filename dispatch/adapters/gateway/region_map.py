"""The region outlines of the phone app's map pick (``GET /api/v1/map``): the grids are the
map (no tiles from elsewhere). The city's regions come once from the server's ``city`` query
(under the gateway's own session) and are kept; a device gets those of its region scope (its
community or street and every grid in it), a city-wide device the districts and streets.
Coordinates are rounded to 6 decimals (~0.1 m)."""

from __future__ import annotations

import base64
import threading
import zlib
from collections.abc import Callable
from typing import Any

import orjson

from dispatch.adapters.gateway.errors import ApiError

CITY_WIDE_LEVELS = frozenset({"district", "street"})
MAX_FEATURES = 5000


def _round(coords: Any) -> Any:
    if isinstance(coords, list | tuple):
        if coords and isinstance(coords[0], int | float):
            return [round(float(c), 6) for c in coords]
        return [_round(c) for c in coords]
    return coords


def _points(coords: Any) -> list[tuple[float, float]]:
    if coords and isinstance(coords[0], int | float):
        return [(float(coords[0]), float(coords[1]))]
    out: list[tuple[float, float]] = []
    for c in coords:
        out.extend(_points(c))
    return out


class RegionMap:
    """Region outlines by scope, made once per scope from the city fetched once."""

    def __init__(self, fetch_city: Callable[[], dict[str, Any]]) -> None:
        self._fetch = fetch_city
        self._lock = threading.Lock()
        self._regions: list[dict[str, Any]] | None = None
        self._by_scope: dict[str, bytes] = {}

    def _load(self) -> list[dict[str, Any]]:
        if self._regions is None:
            result = self._fetch()
            raw = result.get("geojson_z")
            if not isinstance(raw, str):
                raise ApiError("unavailable", "the dispatch server sent no city outlines")
            geo = orjson.loads(zlib.decompress(base64.b64decode(raw)))
            self._regions = [
                {"type": "Feature", "geometry": {"type": f["geometry"]["type"],
                                                 "coordinates": _round(
                                                     f["geometry"]["coordinates"])},
                 "properties": {"code": f["properties"]["code"],
                                "name": f["properties"].get("name", ""),
                                "level": f["properties"].get("level", "")}}
                for f in geo.get("features", [])
                if f.get("properties", {}).get("kind") == "region" and f.get("geometry")]
        return self._regions

    def for_scope(self, scope: str) -> bytes:
        """The FeatureCollection (JSON) for a region scope ("" = city-wide), with ``bbox``."""
        with self._lock:
            cached = self._by_scope.get(scope)
            if cached is not None:
                return cached
            regions = self._load()
            if scope:
                chosen = [f for f in regions if f["properties"]["code"].startswith(scope)
                          and f["properties"]["level"] != "city"]
            else:
                chosen = [f for f in regions if f["properties"]["level"] in CITY_WIDE_LEVELS]
            chosen = chosen[:MAX_FEATURES]
            pts = [p for f in chosen for p in _points(f["geometry"]["coordinates"])]
            bbox = [min(x for x, _ in pts), min(y for _, y in pts), max(x for x, _ in pts),
                    max(y for _, y in pts)] if pts else None
            body = orjson.dumps({"type": "FeatureCollection", "bbox": bbox,
                                 "features": chosen})
            self._by_scope[scope] = body
            return body
