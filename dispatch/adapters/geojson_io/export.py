"""Writing a city as GeoJSON: regions by level and code, then units and parts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shapely.geometry import mapping

from dispatch.domain.city.model import City, Part


def export_geojson(city: City, *, assets: bool = True,
                   parts_in: str | None = None) -> dict[str, Any]:
    """The city as a GeoJSON FeatureCollection (regions by level and code, then units and
    parts unless ``assets`` is False). ``parts_in``: the regions and the parts whose grid
    code starts with it ("" for all of them), no units."""
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
    if parts_in is not None:
        assets = False
        features.extend(_part(p) for p in city.parts.values() if p.grid.startswith(parts_in))
    if assets:
        for u in city.units.values():
            features.append({"type": "Feature", "geometry": _point(u.lon, u.lat), "properties": {
                "kind": "unit", "id": u.id, "department": u.department,
                "unit_type": u.unit_type, "name": u.name, "home_grid": u.home_grid}})
        features.extend(_part(p) for p in city.parts.values())
    return {"type": "FeatureCollection", "features": features}


def _part(p: Part) -> dict[str, Any]:
    return {"type": "Feature", "geometry": _point(p.lon, p.lat), "properties": {
        "kind": "part", "id": p.id, "part_type": p.part_type, "grid": p.grid,
        "owner_department": p.owner_department, "owner_unit": p.owner_unit,
        "maintainer": p.maintainer, "state": p.state, "attributes": dict(p.attributes)}}


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
