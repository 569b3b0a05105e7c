"""What the map page shows besides the unit and incident markers: the region polygons and
their shading, the parts, unit tracks, which layers are visible, the selection, the view
(the whole city, a scope outlined with the rest dimmed, a focused point, read-only or not),
the base layers (the drawn basemap's roads and names, which base, its opacity, overlays), and
what the page draws the markers with: how units are coloured (by status or department, the
departments' colours), the texts of its legend and tooltips, and the console's clock.

:class:`MapLayers` keeps all of it. Each setter checks its input (ValueError before anything is
kept), keeps it and returns the ``GL`` call of ``assets/gridline.js`` that shows it, or None
when the page shows it already; :meth:`MapLayers.replay_calls` gives the calls that show it all
again on a freshly loaded page. Nothing here talks to the page or knows Qt: the map view sends
the calls through its live link (:class:`maps.live.LiveLink`).

Everything is kept in WGS84; the calls carry it as the page draws it, through
:class:`maps.display.Display` (shifted when the base layer draws in GCJ-02).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from shapely.geometry.base import BaseGeometry

from maps.basemap import validate_basemap
from maps.display import Display
from maps.js import js, js_parsed
from maps.place import PlaceMark
from maps.rows import PartRow, coords, row_id, validate_feature_collection, validate_part_row

REGION_LEVELS = frozenset({"district", "street", "community", "grid"})
CHOROPLETH_MODES = frozenset({"open", "overdue"})
SELECT_KINDS = frozenset({"incident", "unit", "region", "part"})
LAYER_NAMES = frozenset({"regions", "labels", "parts", "units", "incidents", "tiles"})
MAX_FOCUS_ZOOM = 18  # focus() zooms in no closer
UNIT_COLOURINGS = frozenset({"status", "department"})
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _texts(value: Any, where: str = "texts") -> dict[str, Any]:
    """A dict of strings or of such dicts (what the page's legend and tooltips say)."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{where} must be a dict, got {type(value).__name__}")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise ValueError(f"{where}: keys must be strings, got {key!r}")
        if isinstance(item, Mapping):
            out[key] = _texts(item, f"{where}.{key}")
        elif isinstance(item, str):
            out[key] = item
        else:
            raise ValueError(f"{where}.{key} must be a string or a dict, got {item!r}")
    return out


class MapLayers:
    """The page's layers and view apart from the markers (see the module docstring)."""

    def __init__(self, display: Display | None = None, data_key: str = "map") -> None:
        self.display = display or Display()
        # The big data of the calls (the regions, the basemap) as JSON the page fetches by
        # name (``GL.data(<data_key>/<name>)``) instead of as script text: the page's V8 keeps
        # the source of every script it ran, so a FeatureCollection sent as a literal stayed
        # in its heap ~3 times over, once per call. The view serves these (see payloads).
        self.data_key = data_key
        self._payloads: dict[str, bytes] = {}
        # The regions shown (level, their FeatureCollection as compact JSON in UTF-8) and the
        # drawn basemap's data likewise: kept only to show them again on a reloaded page, as
        # text (a city's grids are 3.6 MB of JSON against ~17 MB as dicts, lists and floats).
        self._regions: tuple[str, bytes] | None = None
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
        # The base layers: the drawn basemap's data, the base chosen (None: the page's own
        # first), its opacity, and the overlay sources switched on or off.
        self._basemap: bytes | None = None
        self._base: str | None = None
        self._base_opacity: float | None = None
        self._overlays: dict[str, bool] = {}
        self._colouring = "status"
        self._colouring_set = False
        self._department_colours: dict[str, str] | None = None
        self._texts: dict[str, Any] | None = None
        self._clock: float | None = None
        self.place = PlaceMark()  # the place a search found (maps/place.py)

    # ---------------------------------------------------------------------- reading

    @property
    def payloads(self) -> dict[str, bytes]:
        """What the calls given so far fetch: ``<data_key>/<name>`` → JSON (UTF-8)."""
        return dict(self._payloads)

    def _data(self, name: str, body: bytes) -> str:
        """The expression that gives the page ``body`` (JSON), kept as ``name``."""
        path = f"{self.data_key}/{name}"
        self._payloads[path] = body
        return f"GL.data({js(path)})"

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

    @property
    def unit_colouring(self) -> str:
        """How units are coloured: ``status`` or ``department``."""
        return self._colouring

    # ------------------------------------------------------- how markers are drawn

    def set_unit_colouring(self, mode: str) -> str:
        """Units coloured by ``status`` or by ``department``."""
        if mode not in UNIT_COLOURINGS:
            raise ValueError(f"unknown unit colouring {mode!r}; expected one of "
                             f"{sorted(UNIT_COLOURINGS)}")
        self._colouring = mode
        self._colouring_set = True
        return f"GL.setUnitColouring({js(mode)})"

    def set_department_colours(self, colours: Mapping[str, str]) -> str:
        """Each department's colour (code → ``#rrggbb``)."""
        clean = {}
        for code, colour in colours.items():
            if not isinstance(code, str) or not isinstance(colour, str) \
                    or not _COLOUR.fullmatch(colour):
                raise ValueError(f"department colour for {code!r} must be #rrggbb, "
                                 f"got {colour!r}")
            clean[code] = colour.lower()
        self._department_colours = clean
        return f"GL.setDepartmentColours({js(clean)})"

    def set_texts(self, texts: Mapping[str, Any]) -> str:
        """What the legend and tooltips say, in the console's language: names by code
        (``departments``, ``unit_types``, ``statuses``, ``priorities``, ``part_types``,
        ``part_states``, ``choropleth``) and phrases (see ``GL.setTexts``)."""
        self._texts = _texts(texts)
        return f"GL.setTexts({js(self._texts)})"

    def set_clock(self, now: float) -> str | None:
        """The console's time (seconds; a replay's instant): a unit's time in status is
        counted to it. None when the page has it already."""
        value = float(now)
        if not math.isfinite(value):
            raise ValueError(f"clock must be a finite number, got {now!r}")
        if value == self._clock:
            return None
        self._clock = value
        return f"GL.setClock({js(value)})"

    # ---------------------------------------------------------------- regions, parts

    def set_regions(self, level: str, feature_collection: Mapping[str, Any]) -> str:
        """The polygons of one level (``district|street|community|grid``); a region selected
        before is no longer."""
        if level not in REGION_LEVELS:
            raise ValueError(f"unknown region level {level!r}; expected one of "
                             f"{sorted(REGION_LEVELS)}")
        validate_feature_collection(feature_collection)
        text = js(feature_collection)  # ValueError (a NaN) before anything is kept
        self._regions = (level, text.encode())
        if self._selection is not None and self._selection[0] == "region":
            self._selection = None
        return self._regions_call(feature_collection)

    def _regions_call(self, given: Mapping[str, Any] | None = None) -> str:
        """``GL.setRegions`` of the regions kept (``given``: the very FeatureCollection they
        were kept from, to spare decoding it again)."""
        assert self._regions is not None
        level, text = self._regions
        if self.display.shifted:
            fc = given if given is not None else json.loads(text)
            text = js(self.display.feature_collection(fc)).encode()
        return f"GL.setRegions({js(level)},{self._data('regions', text)})"

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
        return self._parts_call()

    def _parts_call(self) -> str:
        return f"GL.setParts({js_parsed(self.display.rows(self._parts or [], 2))})"

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
        return self._tracks_call()

    def _tracks_call(self) -> str:
        shown = {uid: self.display.latlngs(line) for uid, line in self._tracks.items()}
        return f"GL.setTracks({js_parsed(shown)})"

    # ------------------------------------------------------------ visibility, selection

    def select(self, kind: str | None, item_id: str | None = None, pan: bool = True) -> str:
        """Highlight an ``incident``, ``unit``, ``region`` or ``part`` (and pan to it); None
        clears."""
        if kind is None:
            self._selection = None
            return "GL.select(null,null,false)"
        if kind not in SELECT_KINDS:
            raise ValueError(f"unknown selection kind {kind!r}; expected one of "
                             f"{sorted(SELECT_KINDS)} or None")
        sid = row_id(kind, item_id)
        self._selection = (kind, sid)
        return f"GL.select({js(kind)},{js(sid)},{js(bool(pan))})"

    def visible(self, name: str) -> bool:
        """Whether a layer is shown (all are until hidden)."""
        return self._layers.get(name, True)

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
        shown = [self.display.latlngs(r) for r in rings]
        return (f"GL.showScope({js_parsed(shown)},{js(self.display.latlngs(bounds))},"
                f"{js(colour)})")

    def _focus_call(self) -> str:
        assert self._focus is not None
        lat, lon = self.display.point(self._focus[0], self._focus[1])
        return f"GL.focus({lat:.6f},{lon:.6f},{js(self._focus[2])},{MAX_FOCUS_ZOOM})"

    # ------------------------------------------------------------------- base layers

    @property
    def base(self) -> str | None:
        """The base layer chosen (None: the page's own first)."""
        return self._base

    @property
    def base_opacity(self) -> float | None:
        return self._base_opacity

    def set_basemap(self, feature_collection: Mapping[str, Any]) -> str:
        """The drawn basemap's roads and places (:func:`maps.basemap.basemap_features`).
        Drawn in WGS84 as the base layer it is, never shifted."""
        validate_basemap(feature_collection)
        self._basemap = js(feature_collection).encode()
        return f"GLBase.setData({self._data('basemap', self._basemap)})"

    def set_base(self, name: str) -> str:
        """Show the base layer ``name`` (the caller knows it is one of the page's)."""
        self._base = name
        return f"GLBase.setBase({js(name)})"

    def set_base_opacity(self, value: float) -> str:
        v = float(value)
        if not (math.isfinite(v) and 0.0 <= v <= 1.0):
            raise ValueError(f"base opacity must be within 0..1, got {value!r}")
        self._base_opacity = v
        return f"GLBase.setOpacity({js(v)},false)"

    def set_overlay(self, name: str, on: bool) -> str:
        """Show or hide an overlay source (an annotation layer)."""
        self._overlays[name] = bool(on)
        return f"GLBase.setOverlay({js(name)},{js(bool(on))})"

    # ------------------------------------------------------------------------- replay

    def replay_calls(self, view: bool = True) -> tuple[list[str], list[str]]:
        """The calls that show everything kept on a freshly loaded page: those to make before
        the markers are added (base layers, shading, regions, parts) and those after (tracks,
        visibility, the view, the selection, read-only, scope and focus). ``view=False``: the
        page keeps its data's view (the display's system changed), so no fitting to the city
        and no focus; a scope is drawn again (and fitted)."""
        before: list[str] = []
        if view and self._basemap is not None:
            before.append(f"GLBase.setData({self._data('basemap', self._basemap)})")
        if self._base is not None:
            before.append(f"GLBase.setBase({js(self._base)})")
        if self._base_opacity is not None:
            before.append(f"GLBase.setOpacity({js(self._base_opacity)},false)")
        for name, on in self._overlays.items():
            before.append(f"GLBase.setOverlay({js(name)},{js(on)})")
        if self._texts is not None:
            before.append(f"GL.setTexts({js(self._texts)})")
        if self._department_colours is not None:
            before.append(f"GL.setDepartmentColours({js(self._department_colours)})")
        if self._colouring_set:
            before.append(f"GL.setUnitColouring({js(self._colouring)})")
        if self._clock is not None:
            before.append(f"GL.setClock({js(self._clock)})")
        if self._choropleth is not None:
            values, mode = self._choropleth
            before.append(f"GL.setChoropleth({js(values)},{js(mode)})")
        if self._regions is not None:
            before.append(self._regions_call())
        if self._parts is not None:
            before.append(self._parts_call())
        after: list[str] = []
        if self._tracks:
            after.append(self._tracks_call())
        for name, visible in self._layers.items():
            after.append(f"GL.setLayerVisible({js(name)},{js(visible)})")
        if view and self._fit_requested:
            after.append("GL.fitCity()")
        if self._selection is not None:
            kind, sid = self._selection
            after.append(f"GL.select({js(kind)},{js(sid)},false)")
        if self._read_only:
            after.append("GL.setReadOnly(true)")
        if self._scope_set and (view or self._scope is not None):
            after.append(self._scope_call())
        if view and self._focus is not None:
            after.append(self._focus_call())
        if self.place.place is not None:
            after.append(self.place.call())
        return before, after
