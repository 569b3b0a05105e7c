"""The offline basemap's data: a city's roads and named places as one GeoJSON
FeatureCollection, which ``assets/basemap.js`` draws as a light map (roads by class and zoom,
road names along them, place names thinned by zoom) when no tiles are configured.

The entries come from the gazetteer (anything with ``name``, ``kind``, ``lon``, ``lat`` and
``polyline`` will do, see :class:`GazetteerEntry`); only what a basemap needs is kept: roads
(kind ``road`` with a polyline), and the places ``compound``, ``poi``, ``community``,
``street`` and ``district``. Until a gazetteer exists the console gives the regions' own
names (:class:`Place`). Nothing here knows Qt or the dispatch domain.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

PLACE_KINDS = ("district", "street", "community", "compound", "poi")
"""Place kinds the basemap labels, from the widest (shown first, at city zoom) down."""
ROAD_CLASSES = ("main", "secondary", "lane")
MAX_ROAD_POINTS = 5000
_COORD_DIGITS = 6  # ~0.1 m

# A road's class from its name when the entry does not say (Chinese road names end in what
# they are: 大道 an avenue, 路/街 a road or street, 巷/弄 a lane).
_MAIN_ENDINGS = ("大道", "高速", "快速路", "高架", "环路", "公路", "国道", "省道")
_LANE_ENDINGS = ("巷", "弄", "里", "坊", "胡同", "支路", "便道", "小路")


class GazetteerEntry(Protocol):
    """What the basemap reads of a gazetteer entry."""

    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def lon(self) -> float: ...

    @property
    def lat(self) -> float: ...

    @property
    def polyline(self) -> Sequence[Sequence[float]] | None:
        """A road's line as ``[(lon, lat), …]``; None for a place."""


@dataclass(frozen=True, slots=True)
class Place:
    """A named point (or a road with its line) for the basemap."""

    name: str
    kind: str
    lon: float
    lat: float
    polyline: Sequence[Sequence[float]] | None = None
    road_class: str | None = None


# The gazetteer's own road categories (the server's ``basemap`` query) in the basemap's classes.
_GAZETTEER_CLASSES = {"arterial": "main", "road": "secondary", "lane": "lane"}


def places_from_wire(rows: Iterable[Mapping[str, Any]]) -> list[Place]:
    """The ``basemap`` query's rows (roads: ``name``, ``class``, ``line``; places: ``kind``,
    ``name``, ``lon``, ``lat``) as :class:`Place`; a malformed row is left out."""
    out: list[Place] = []
    for r in rows:
        try:
            kind, name = str(r["kind"]), str(r.get("name") or "")
            if kind == "road":
                line, given = r["line"], str(r.get("class"))
                out.append(Place(name, kind, float(line[0][0]), float(line[0][1]), line,
                                 _GAZETTEER_CLASSES.get(given, given)))
            else:
                out.append(Place(name, kind, float(r["lon"]), float(r["lat"])))
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    return out


def road_class(name: str, given: str | None = None) -> str:
    """``main``, ``secondary`` or ``lane``: the entry's own class if it has one, else from
    the road's name."""
    if given in ROAD_CLASSES:
        return given
    if name.endswith(_MAIN_ENDINGS):
        return "main"
    if name.endswith(_LANE_ENDINGS):
        return "lane"
    return "secondary"


def _finite_point(lon: Any, lat: Any) -> tuple[float, float] | None:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
        return None
    return round(x, _COORD_DIGITS), round(y, _COORD_DIGITS)


def _line(points: Sequence[Sequence[float]]) -> list[list[float]] | None:
    out: list[list[float]] = []
    for p in points[:MAX_ROAD_POINTS]:
        if len(p) < 2:
            return None
        q = _finite_point(p[0], p[1])
        if q is None:
            return None
        if not out or out[-1] != list(q):
            out.append(list(q))
    return out if len(out) >= 2 else None


def basemap_features(entries: Iterable[GazetteerEntry]) -> dict[str, Any]:
    """Roads (LineString: ``name``, ``class``) and places (Point: ``name``, ``kind``) as a
    FeatureCollection; entries of other kinds (buildings, parts, grids), nameless places,
    roads without a line and bad coordinates are left out."""
    roads: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    seen: set[tuple[str, str, float, float]] = set()
    for e in entries:
        kind, name = str(e.kind), str(e.name or "").strip()
        if kind == "road":
            line = _line(e.polyline) if e.polyline else None
            if line is None:
                continue
            cls = road_class(name, getattr(e, "road_class", None))
            roads.append({"type": "Feature",
                          "geometry": {"type": "LineString", "coordinates": line},
                          "properties": {"name": name, "class": cls}})
        elif kind in PLACE_KINDS and name:
            p = _finite_point(e.lon, e.lat)
            if p is None or (kind, name, *p) in seen:
                continue
            seen.add((kind, name, *p))
            places.append({"type": "Feature",
                           "geometry": {"type": "Point", "coordinates": list(p)},
                           "properties": {"name": name, "kind": kind}})
    # Places widest first: the page places labels in this order.
    places.sort(key=lambda f: PLACE_KINDS.index(f["properties"]["kind"]))
    return {"type": "FeatureCollection", "features": roads + places}


def validate_basemap(fc: Mapping[str, Any]) -> None:
    """A basemap FeatureCollection: LineStrings with a road ``class``, Points with a place
    ``kind``, each with a ``name`` string; ValueError naming the first bad feature."""
    if not isinstance(fc, Mapping) or fc.get("type") != "FeatureCollection":
        raise ValueError("basemap must be a GeoJSON FeatureCollection dict")
    features = fc.get("features")
    if not isinstance(features, list):
        raise ValueError("basemap: FeatureCollection.features must be a list")
    for i, f in enumerate(features):
        geometry = f.get("geometry") if isinstance(f, Mapping) else None
        props = f.get("properties") if isinstance(f, Mapping) else None
        if not isinstance(geometry, Mapping) or not isinstance(props, Mapping):
            raise ValueError(f"basemap feature {i}: needs a geometry and properties")
        if not isinstance(props.get("name", ""), str):
            raise ValueError(f"basemap feature {i}: properties.name must be a string")
        gtype = geometry.get("type")
        if gtype == "LineString":
            if props.get("class") not in ROAD_CLASSES:
                raise ValueError(f"basemap feature {i}: a road's properties.class must be one "
                                 f"of {list(ROAD_CLASSES)}, got {props.get('class')!r}")
        elif gtype == "Point":
            if props.get("kind") not in PLACE_KINDS:
                raise ValueError(f"basemap feature {i}: a place's properties.kind must be one "
                                 f"of {list(PLACE_KINDS)}, got {props.get('kind')!r}")
        else:
            raise ValueError(f"basemap feature {i}: geometry must be a LineString (road) or "
                             f"a Point (place), got {gtype!r}")
