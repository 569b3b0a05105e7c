"""What the map page shows besides the unit and incident markers: the region polygons and
their shading, the parts, unit tracks, which layers are visible, the selection, and the view
(the whole city, a scope outlined with the rest dimmed, a focused point, read-only or not).

:class:`MapLayers` keeps all of it. Each setter checks its input (ValueError before anything is
kept), keeps it and returns the ``GL`` call of ``assets/gridline.js`` that shows it, or None
when the page shows it already; :meth:`MapLayers.replay_calls` gives the calls that show it all
again on a freshly loaded page. Nothing here talks to the page or knows Qt: the map view sends
the calls through its live link (:class:`maps.live.LiveLink`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from shapely.geometry.base import BaseGeometry

from maps.js import js, js_parsed
from maps.place import PlaceMark
from maps.rows import PartRow, coords, row_id, validate_feature_collection, validate_part_row

REGION_LEVELS = frozenset({"district", "street", "community", "grid"})
CHOROPLETH_MODES = frozenset({"open", "overdue"})
SELECT_KINDS = frozenset({"incident", "unit", "region"})
LAYER_NAMES = frozenset({"regions", "labels", "parts", "units", "incidents", "tiles"})
MAX_FOCUS_ZOOM = 18  # focus() zooms in no closer


class MapLayers:
    """The page's layers and view apart from the markers (see the module docstring)."""

    def __init__(self) -> None:
        self._regions: tuple[str, Mapping[str, Any]] | None = None
        self._choropleth: tuple[dict[str, float], str | None] | None = None
        self._parts: list[PartRow] | None = None
        self._layers: dict[str, bool] = {}
        self._selection: tuple[str, str] | None = None
        self._tracks: dict[str, list[list[float]]] = {}
        self._fit_requested = False
        self._read_only = False
        # The scope shown (see show_scope): rings of [lat, lon], bounds, outline colour.
        self._scope: tuple[list[list[list[float]]], list[list[float]], str | None] | None = None
        self._scope_set = False  # show_scope or clear_scope was called
        self._focus: tuple[float, float, float] | None = None  # lat, lon, zoom in
        self.place = PlaceMark()  # the place a search found (maps/place.py)

    # ---------------------------------------------------------------------- reading

    @property
    def choropleth(self) -> tuple[dict[str, float], str | None] | None:
        """The shading shown: (values by region code, mode), None before any."""
        return self._choropleth

    @property
    def tracks(self) -> dict[str, list[list[float]]]:
        """The unit paths shown (see :meth:`set_tracks`)."""
        return dict(self._tracks)

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def has_scope(self) -> bool:
        return self._scope is not None

    # ---------------------------------------------------------------- regions, parts

    def set_regions(self, level: str, feature_collection: Mapping[str, Any]) -> str:
        """The polygons of one level (``district|street|community|grid``); a region selected
        before is no longer."""
        if level not in REGION_LEVELS:
            raise ValueError(f"unknown region level {level!r}; expected one of "
                             f"{sorted(REGION_LEVELS)}")
        validate_feature_collection(feature_collection)
        self._regions = (level, feature_collection)
        if self._selection is not None and self._selection[0] == "region":
            self._selection = None
        return f"GL.setRegions({js(level)},{js_parsed(feature_collection)})"

    def set_choropleth(self, values: Mapping[str, float], mode: str | None) -> str | None:
        """Regions filled by a count per region code; ``mode`` ``open``/``overdue``, None
        clears. None when the page shows these values already."""
        if mode is not None and mode not in CHOROPLETH_MODES:
            raise ValueError(f"unknown choropleth mode {mode!r}; expected one of "
                             f"{sorted(CHOROPLETH_MODES)} or None")
        clean: dict[str, float] = {}
        for code, value in values.items():
            v = float(value)
            if not math.isfinite(v) or v < 0:
                raise ValueError(f"choropleth value for {code!r} must be a finite number >= 0, "
                                 f"got {value!r}")
            clean[str(code)] = v
        if self._choropleth == (clean, mode):
            return None  # the page shows these already
        self._choropleth = (clean, mode)
        return f"GL.setChoropleth({js(clean)},{js(mode)})"

    def set_parts(self, rows: Iterable[Sequence[Any]]) -> str:
        """The parts layer: rows ``(id, type, lat, lon, extra)``."""
        self._parts = [validate_part_row(r) for r in rows]
        return f"GL.setParts({js_parsed(self._parts)})"

    def set_tracks(self, tracks: Mapping[str, Sequence[Sequence[Any]]]) -> str:
        """Unit paths: unit id → ``[(lat, lon), …]``, replacing those shown before."""
        clean: dict[str, list[list[float]]] = {}
        for uid, points in tracks.items():
            row_id("track", uid)
            line = []
            for pt in points:
                if len(pt) != 2:
                    raise ValueError(f"track {uid!r}: points must be (lat, lon), got {pt!r}")
                line.append(list(coords("track", uid, pt[0], pt[1])))
            clean[uid] = line
        self._tracks = clean
        return f"GL.setTracks({js_parsed(clean)})"

    # ------------------------------------------------------------ visibility, selection

    def select(self, kind: str | None, item_id: str | None = None, pan: bool = True) -> str:
        """Highlight an ``incident``, ``unit`` or ``region`` (and pan to it); None clears."""
        if kind is None:
            self._selection = None
            return "GL.select(null,null,false)"
        if kind not in SELECT_KINDS:
            raise ValueError(f"unknown selection kind {kind!r}; expected one of "
                             f"{sorted(SELECT_KINDS)} or None")
        sid = row_id(kind, item_id)
        self._selection = (kind, sid)
        return f"GL.select({js(kind)},{js(sid)},{js(bool(pan))})"

    def set_layer_visible(self, name: str, visible: bool) -> str:
        """Show or hide ``regions|labels|parts|units|incidents|tiles``."""
        if name not in LAYER_NAMES:
            raise ValueError(f"unknown map layer {name!r}; expected one of {sorted(LAYER_NAMES)}")
        self._layers[name] = bool(visible)
        return f"GL.setLayerVisible({js(name)},{js(bool(visible))})"

    # --------------------------------------------------------------------------- view

    def fit_city(self) -> str:
        """The whole city in view (the regions' bounds)."""
        self._fit_requested = True
        return "GL.fitCity()"

    def set_read_only(self, read_only: bool = True) -> str:
        """A display map or not (see :meth:`maps.view.MapView.set_read_only`)."""
        self._read_only = bool(read_only)
        return f"GL.setReadOnly({js(self._read_only)})"

    def show_scope(self, geometry: BaseGeometry, *, colour: str | None = None,
                   tolerance: float = 0.00002) -> str:
        """A region outlined (a shapely polygon or multipolygon in lon/lat, ``tolerance``
        degrees simplified), the rest of the world dimmed, the view fitted to it; ends a
        focus."""
        shape = geometry.simplify(tolerance, preserve_topology=True)
        polygons = getattr(shape, "geoms", [shape])
        rings = [[[round(y, 6), round(x, 6)] for x, y in p.exterior.coords] for p in polygons]
        if not rings or any(len(r) < 4 for r in rings):
            raise ValueError("show_scope: the geometry has no polygon to outline")
        for ring in rings:
            for lat, lon in ring:
                coords("scope", "outline", lat, lon)
        x0, y0, x1, y1 = geometry.bounds
        self._scope = (rings, [[y0, x0], [y1, x1]], colour)
        self._scope_set = True
        self._focus = None
        return self._scope_call()

    def clear_scope(self) -> str:
        """No scope: nothing dimmed, the view on the whole city; ends a focus."""
        self._scope = None
        self._scope_set = True
        self._focus = None
        return self._scope_call()

    def focus(self, lat: float, lon: float, zoom_in: float = 1.5) -> str:
        """Centred on a point ``zoom_in`` levels closer than the scope's view."""
        flat, flon = coords("focus", "point", lat, lon)
        self._focus = (flat, flon, float(zoom_in))
        return self._focus_call()

    def _scope_call(self) -> str:
        if self._scope is None:
            return "GL.showScope(null,null,null)"
        rings, bounds, colour = self._scope
        return f"GL.showScope({js_parsed(rings)},{js(bounds)},{js(colour)})"

    def _focus_call(self) -> str:
        assert self._focus is not None
        lat, lon, zoom_in = self._focus
        return f"GL.focus({lat:.6f},{lon:.6f},{js(zoom_in)},{MAX_FOCUS_ZOOM})"

    # ------------------------------------------------------------------------- replay

    def replay_calls(self) -> tuple[list[str], list[str]]:
        """The calls that show everything kept on a freshly loaded page: those to make before
        the markers are added (shading, regions, parts) and those after (tracks, visibility,
        the view, the selection, read-only, scope and focus)."""
        before: list[str] = []
        if self._choropleth is not None:
            values, mode = self._choropleth
            before.append(f"GL.setChoropleth({js(values)},{js(mode)})")
        if self._regions is not None:
            level, fc = self._regions
            before.append(f"GL.setRegions({js(level)},{js_parsed(fc)})")
        if self._parts is not None:
            before.append(f"GL.setParts({js_parsed(self._parts)})")
        after: list[str] = []
        if self._tracks:
            after.append(f"GL.setTracks({js_parsed(self._tracks)})")
        for name, visible in self._layers.items():
            after.append(f"GL.setLayerVisible({js(name)},{js(visible)})")
        if self._fit_requested:
            after.append("GL.fitCity()")
        if self._selection is not None:
            kind, sid = self._selection
            after.append(f"GL.select({js(kind)},{js(sid)},false)")
        if self._read_only:
            after.append("GL.setReadOnly(true)")
        if self._scope_set:
            after.append(self._scope_call())
        if self._focus is not None:
            after.append(self._focus_call())
        if self.place.place is not None:
            after.append(self.place.call())
        return before, after
