"""MapView: the live city map widget (a QWebEngineView on the folium-built page).

Data goes in as plain rows and dicts; nothing here knows the dispatch domain. The view is the
one place callers talk to; behind it:

- :mod:`maps.page` builds the static page (Leaflet, our glue, no data) and :mod:`maps.scheme`
  serves it offline;
- :class:`maps.layers.MapLayers` keeps what the page shows besides the markers (regions and
  their shading, parts, tracks, layer visibility, selection, scope and view) and writes the
  calls that show it;
- :class:`maps.markers.MarkerFeed` keeps the unit and incident markers and what the page has
  not been told yet (changes coalesce per id);
- :class:`maps.live.LiveLink` sends all of it to the page: calls made before the page is ready
  only update the state, which is pushed in one go once it is (and again after a renderer
  crash); marker changes go a few times a second, timed by what the page has drawn;
- :class:`maps.bridge.MapBridge` carries the page's clicks back over QWebChannel;
- :class:`maps.display.Display` is the system the page draws in (its base layer's: WGS84, or
  GCJ-02 for Amap/Tencent tiles); everything goes in and comes back through it, and a switch
  to a base in another system sends everything again.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget
from shapely.geometry.base import BaseGeometry

from dispatch.adapters.feed_timing import MAP_FLUSH_MS
from dispatch.domain.crs import Crs
from maps.bridge import BRIDGE_NAME, MapBridge
from maps.display import Display
from maps.js import js as to_js
from maps.layers import LAYER_NAMES, MapLayers
from maps.live import JsCallback, LiveLink
from maps.markers import MarkerFeed
from maps.page import PageOptions
from maps.rows import IncidentRow, UnitRow
from maps.scheme import scheme_handler
from maps.tiles import OFFLINE_KINDS, TileSource, base_names, crs_of
from maps.unit_details import DetailRow
from maps.web_page import MapPage, page_html, page_texts

log = logging.getLogger(__name__)

DEFAULT_FLUSH_MS = MAP_FLUSH_MS
_VIEW_KEYS = itertools.count(1)  # each view's data lives under gridline://map/data/v<n>/


class MapView(QWebEngineView):
    """The live map. See the module docstring for how data flows in and out."""

    sig_ready = Signal()
    """The page is up and the current state has been pushed to it."""
    sig_incident_clicked = Signal(str)
    """An incident marker was clicked (incident id)."""
    sig_unit_clicked = Signal(str)
    """A unit marker was clicked (unit id)."""
    sig_part_clicked = Signal(str)
    """A part marker was clicked (part id; only while the parts layer is shown)."""
    sig_region_clicked = Signal(str)
    """A click fell inside a region of the current level (region code)."""
    sig_map_clicked = Signal(float, float)
    """A click hit no unit or incident (lat, lon); also follows ``sig_region_clicked``."""
    sig_map_context = Signal(float, float)
    """A right click on the map (lat, lon): offer what can be done at that point."""
    sig_new_incident_requested = Signal(float, float)
    """A Ctrl+click on the map (lat, lon): a new incident at that point."""
    sig_painted = Signal(str, float)
    """The page drew everything queued before :meth:`after_paint` (token, milliseconds)."""
    sig_base_changed = Signal(str)
    """The page shows another base layer (its name): switched by hand or by
    :meth:`set_base_layer`."""
    sig_base_opacity_changed = Signal(float)
    """The base layer's opacity was set with the page's slider."""
    sig_overlay_toggled = Signal(str, bool)
    """An overlay was shown or hidden with the page's switcher (an annotation source's name,
    or ``regions|labels|units|incidents``)."""

    def __init__(self, parent: QWidget | None = None, *, options: PageOptions | None = None,
                 profile: QWebEngineProfile | None = None,
                 flush_interval_ms: int = DEFAULT_FLUSH_MS) -> None:
        super().__init__(parent)
        if flush_interval_ms <= 0:
            raise ValueError(f"flush_interval_ms must be > 0, got {flush_interval_ms}")
        self._options = options or PageOptions()
        if not self._options.texts:
            self._options = dataclasses.replace(self._options, texts=page_texts())
        self._sources = self._options.sources()
        profile = profile or QWebEngineProfile.defaultProfile()
        handler = self._handler = scheme_handler(profile)
        for src in self._sources:
            if src.kind in OFFLINE_KINDS:
                handler.add_tile_source(src)
        self._url = QUrl(handler.add_page(self._options.page_name(), page_html(self._options)))

        self._page = MapPage(profile, self)
        self.setPage(self._page)
        self._bridge = MapBridge(self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject(BRIDGE_NAME, self._bridge)
        self._page.setWebChannel(self._channel)
        self._bridge.sig_incident_clicked.connect(self.sig_incident_clicked)
        self._bridge.sig_unit_clicked.connect(self.sig_unit_clicked)
        self._bridge.sig_part_clicked.connect(self.sig_part_clicked)
        self._bridge.sig_region_clicked.connect(self.sig_region_clicked)
        self._bridge.sig_map_clicked.connect(self._on_map_clicked)
        self._bridge.sig_map_context.connect(self._on_map_context)
        self._bridge.sig_new_incident.connect(self._on_new_incident)
        self._bridge.sig_base_changed.connect(self._on_base_changed)
        self._bridge.sig_base_opacity.connect(self._on_base_opacity)
        self._bridge.sig_overlay_toggled.connect(self._on_overlay_toggled)

        self._display = Display(self._options.initial_crs())
        data_key = f"v{next(_VIEW_KEYS)}"
        self._layers = MapLayers(self._display, data_key)
        self._markers = MarkerFeed(self._display)
        self._shown_base = self._options.initial_base()
        self._live = LiveLink(self._page, self._bridge, self._url, self._markers, self._layers,
                              flush_interval_ms, self, publish=handler.set_data,
                              forget=handler.drop_data)
        self.destroyed.connect(lambda *_: handler.drop_data(data_key))
        self._live.sig_ready.connect(self.sig_ready)
        self._live.sig_painted.connect(self.sig_painted)

        self.load(self._url)

    # ------------------------------------------------------------------ state

    @property
    def is_ready(self) -> bool:
        return self._live.is_ready

    @property
    def page_url(self) -> QUrl:
        return QUrl(self._url)

    @property
    def bridge(self) -> MapBridge:
        return self._bridge

    @property
    def live(self) -> LiveLink:
        """The link every call to the page goes through."""
        return self._live

    def pending_changes(self) -> int:
        """Unit and incident changes waiting for the next flush."""
        return self._markers.pending()

    def unit_rows(self) -> dict[str, UnitRow]:
        """The units on the map: id → ``(id, lat, lon, status)``."""
        return self._markers.unit_rows()

    def unit_details(self, unit_id: str) -> DetailRow | None:
        """``(id, name, department, unit_type, status_since, incident)`` of a unit."""
        return self._markers.unit_details(unit_id)

    @property
    def hidden_units(self) -> frozenset[str]:
        """The units the console's filter hides (not drawn)."""
        return self._markers.hidden_units

    @property
    def unit_colouring(self) -> str:
        """How units are coloured: ``status`` or ``department``."""
        return self._layers.unit_colouring

    def incident_rows(self) -> dict[str, IncidentRow]:
        """The incidents on the map: id → ``(id, lat, lon, priority, overdue, label)``."""
        return self._markers.incident_rows()

    @property
    def choropleth(self) -> tuple[dict[str, float], str | None] | None:
        """The shading shown: (values by region code, mode), None before any."""
        return self._layers.choropleth

    @property
    def last_flush_paint_ms(self) -> float | None:
        """How long the page took to apply and draw the last flush (ms), once known."""
        return self._live.last_flush_paint_ms

    # ------------------------------------------------------------------ layers

    def set_regions(self, level: str, feature_collection: Mapping[str, Any]) -> None:
        """Show the polygons of one level (``district|street|community|grid``).

        Features need ``properties.code``; ``properties.name`` is drawn as the label when
        zoomed in far enough; an optional ``properties.center`` ``[lat, lon]`` places it.
        """
        self._live.call(self._layers.set_regions(level, feature_collection))

    def set_choropleth(self, values: Mapping[str, float], mode: str | None) -> None:
        """Fill regions by a count per region code; ``mode`` is ``open``/``overdue``, None clears."""
        call = self._layers.set_choropleth(values, mode)
        if call is not None:
            self._live.call(call)

    def set_parts(self, rows: Iterable[Sequence[Any]]) -> None:
        """Replace the parts layer: rows ``(id, type, lat, lon, extra)``."""
        self._live.call(self._layers.set_parts(rows))

    def set_tracks(self, tracks: Mapping[str, Sequence[Sequence[Any]]]) -> None:
        """Draw unit paths (replay): unit id → ``[(lat, lon), …]``, one polyline each with its
        start and end marked; replaces the tracks shown before (``{}`` clears them)."""
        self._live.call(self._layers.set_tracks(tracks))

    def fit_tracks(self) -> None:
        """Zoom to the unit paths shown (nothing happens when there are none)."""
        self._live.call("GL.fitTracks()")

    @property
    def tracks(self) -> dict[str, list[list[float]]]:
        """The unit paths shown (see :meth:`set_tracks`)."""
        return self._layers.tracks

    def set_unit_colouring(self, mode: str) -> None:
        """Colour the units by ``status`` or by ``department``."""
        self._live.call(self._layers.set_unit_colouring(mode))

    def set_department_colours(self, colours: Mapping[str, str]) -> None:
        """Each department's colour: code → ``#rrggbb`` (others are grey)."""
        self._live.call(self._layers.set_department_colours(colours))

    def set_texts(self, texts: Mapping[str, Any]) -> None:
        """What the page's legend and tooltips say, in the console's language (see
        :meth:`maps.layers.MapLayers.set_texts`)."""
        self._live.call(self._layers.set_texts(texts))

    def set_clock(self, now: float) -> None:
        """The console's time (a unit's time in status is counted to it)."""
        call = self._layers.set_clock(now)
        if call is not None:
            self._live.call(call)

    def select(self, kind: str | None, item_id: str | None = None, pan: bool = True) -> None:
        """Highlight an ``incident``, ``unit``, ``region`` or ``part`` (and pan to it); None
        clears."""
        self._live.call(self._layers.select(kind, item_id, pan))

    def set_layer_visible(self, name: str, visible: bool) -> None:
        """Show or hide ``regions|labels|parts|units|incidents|tiles``."""
        self._live.call(self._layers.set_layer_visible(name, visible))

    # ------------------------------------------------------------------ base layers

    @property
    def tile_sources(self) -> tuple[TileSource, ...]:
        return self._sources

    def base_layers(self) -> list[str]:
        """The base layers the page offers: ``basemap``, each base source, ``none``."""
        return base_names(self._sources)

    @property
    def base_layer(self) -> str:
        """The base layer shown (as last reported by the page, or asked for)."""
        return self._shown_base

    @property
    def display_crs(self) -> Crs:
        """The system everything is drawn in: the base layer's."""
        return self._display.crs

    def set_basemap(self, feature_collection: Mapping[str, Any]) -> None:
        """The offline basemap's roads and places (:func:`maps.basemap.basemap_features`)."""
        self._live.call(self._layers.set_basemap(feature_collection))

    def set_base_layer(self, name: str) -> None:
        """Show the base layer ``name`` (see :meth:`base_layers`); everything is sent again
        when it draws in another system."""
        if name not in self.base_layers():
            raise ValueError(f"unknown base layer {name!r}; expected one of "
                             f"{self.base_layers()}")
        self._live.call(self._layers.set_base(name))
        self._use_base(name)

    def set_base_opacity(self, value: float) -> None:
        self._live.call(self._layers.set_base_opacity(value))

    def set_overlay(self, name: str, on: bool) -> None:
        """Show or hide an overlay source (an annotation layer)."""
        if not any(s.overlay and s.name == name for s in self._sources):
            raise ValueError(f"unknown overlay {name!r}")
        self._live.call(self._layers.set_overlay(name, on))

    def _use_base(self, name: str) -> None:
        if name == self._shown_base:
            return
        self._shown_base = name
        crs = crs_of(self._sources, name)
        if crs is not self._display.crs:
            self._display.crs = crs
            self._live.resend()
        self.sig_base_changed.emit(name)

    def _on_base_changed(self, name: str) -> None:
        if name not in self.base_layers():
            log.warning("the map page shows an unknown base layer %r", name)
            return
        self._layers.set_base(name)  # kept for a reload (the page shows it already)
        self._use_base(name)

    def _on_base_opacity(self, value: float) -> None:
        self._layers.set_base_opacity(value)
        self.sig_base_opacity_changed.emit(value)

    def _on_overlay_toggled(self, name: str, on: bool) -> None:
        if name in LAYER_NAMES:
            if self._layers.visible(name) == on:
                return
            self._layers.set_layer_visible(name, on)
        elif any(s.overlay and s.name == name for s in self._sources):
            self._layers.set_overlay(name, on)
        else:
            return
        self.sig_overlay_toggled.emit(name, on)

    def _on_map_context(self, lat: float, lon: float) -> None:
        self.sig_map_context.emit(*self._display.back(lat, lon))

    def _on_new_incident(self, lat: float, lon: float) -> None:
        self.sig_new_incident_requested.emit(*self._display.back(lat, lon))

    def _on_map_clicked(self, lat: float, lon: float) -> None:
        wlat, wlon = self._display.back(lat, lon)
        self.sig_map_clicked.emit(wlat, wlon)

    # ------------------------------------------------------------------ the view

    @property
    def theme(self) -> str:
        """The page's theme (``light`` or ``dark``)."""
        return self._options.theme

    def set_theme(self, theme: str) -> None:
        """Show the page built in ``theme`` instead (ValueError for an unknown one, nothing
        changed): it loads, everything shown is pushed to it again, and it keeps the view
        (centre and zoom) and the base layer shown."""
        if theme == self._options.theme:
            return
        options = dataclasses.replace(self._options, theme=theme, base=self._shown_base)
        url = QUrl(self._handler.add_page(options.page_name(), page_html(options)))
        self._options, self._url = options, url
        if not self._live.is_ready:
            self._live.load(url)
            return

        def reload(view: Any) -> None:  # GL.viewState() of the page shown so far, as JSON
            after = None
            try:
                got = json.loads(view)
                state = {"lat": float(got["lat"]), "lon": float(got["lon"]),
                         "zoom": float(got["zoom"]), "auto": bool(got["auto"])}
                after = f"GL.setViewState({to_js(state)})"
            except (TypeError, ValueError, KeyError):
                log.warning("the map's view could not be read; the new page fits the city")
            self._live.load(url, after)

        self._live.run("JSON.stringify(GL.viewState())", reload)

    def refit_city(self) -> None:
        """:meth:`fit_city`, unless the view was placed since the last fit (a place found, an
        incident focused, the operator's own move): for fits nobody asked for just now."""
        self._live.call("GL.refitCity()")

    def fit_city(self) -> None:
        """Zoom to the whole city (the regions' bounds)."""
        self._live.call(self._layers.fit_city())

    def set_read_only(self, read_only: bool = True) -> None:
        """A display map (the wall screen): no dragging, zooming or keyboard, no zoom control,
        legend or mouse cursor; only these methods move it (in fine zoom steps)."""
        self._live.call(self._layers.set_read_only(read_only))

    @property
    def read_only(self) -> bool:
        return self._layers.read_only

    def show_scope(self, geometry: BaseGeometry, *, colour: str | None = None,
                   tolerance: float = 0.00002) -> None:
        """Outline a region (a shapely polygon or multipolygon in lon/lat), dim the rest of
        the world and fit the view to it; drawn ``tolerance`` degrees simplified."""
        self._live.call(self._layers.show_scope(geometry, colour=colour, tolerance=tolerance))

    def clear_scope(self) -> None:
        """No scope: nothing dimmed, the view on the whole city."""
        self._live.call(self._layers.clear_scope())

    @property
    def has_scope(self) -> bool:
        return self._layers.has_scope

    def focus_incident(self, lat: float, lon: float, zoom_in: float = 1.5) -> None:
        """Centre on a point ``zoom_in`` levels closer than the scope's view (the same view
        each time, from wherever the map was); :meth:`show_scope` and :meth:`clear_scope` end
        it."""
        self._live.call(self._layers.focus(lat, lon, zoom_in))

    def show_place(self, lon: float, lat: float, label: str,
                   line: Sequence[Sequence[Any]] | None = None, zoom: int = 17,
                   pan: bool = True) -> None:
        """Hold a place found by a search on the map until the next one or
        :meth:`clear_place`: a pulsing ring at ``lon``/``lat`` labelled ``label``, and a
        road's centre ``line`` (``(lon, lat)`` points); the view moves there (a point at
        ``zoom``, a line fitted) unless ``pan`` is False."""
        self._live.call(self._layers.place.show(lon, lat, label, line, zoom, pan))

    def clear_place(self) -> None:
        """No place held (Escape)."""
        self._live.call(self._layers.place.clear())

    @property
    def place(self) -> Any:
        """The place held (:class:`maps.place.Place`), or None."""
        return self._layers.place.place

    # ------------------------------------------------------------------ markers

    def update_units(self, upsert_rows: Iterable[Sequence[Any]],
                     removed_ids: Iterable[str] = ()) -> None:
        """Queue unit changes: rows ``(id, lat, lon, status)``; flushed a few times a second.
        Rows equal to what the map already holds are skipped before anything else."""
        self._markers.update_units(upsert_rows, removed_ids)
        self._live.schedule_flush()

    def update_unit_columns(self, ids: Sequence[str], lat: Any, lon: Any,
                            statuses: Sequence[str], removed_ids: Iterable[str] = ()) -> int:
        """Queue many units at once (a replay jump): ``ids[k]`` at ``(lat[k], lon[k])`` in
        ``statuses[k]``, checked and compared a column at a time; returns how many changed.
        Give the ids as a tuple, the same object while the units stay the same: it is then
        neither checked nor indexed again."""
        changed = self._markers.update_unit_columns(ids, lat, lon, statuses, removed_ids)
        self._live.schedule_flush()
        return changed

    def update_unit_details(self, rows: Iterable[Sequence[Any]]) -> None:
        """Queue what the tooltip and colours need of units: rows ``(id, name, department,
        unit_type, status_since, incident)``; unchanged rows are skipped."""
        self._markers.update_unit_details(rows)
        self._live.schedule_flush()

    def filter_units(self, hidden_ids: Iterable[str]) -> None:
        """Hide exactly these units (the console's unit filter); every other unit is drawn."""
        if self._markers.hide_only_units(hidden_ids):
            self._live.schedule_flush()

    def set_units_hidden(self, hide: Iterable[str], show: Iterable[str] = ()) -> None:
        """Hide some units and show others (units that changed under a filter)."""
        if self._markers.set_units_hidden(hide, show):
            self._live.schedule_flush()

    def update_incidents(self, upsert_rows: Iterable[Sequence[Any]],
                         removed_ids: Iterable[str] = ()) -> None:
        """Queue incident changes: rows ``(id, lat, lon, priority, overdue, label)``."""
        self._markers.update_incidents(upsert_rows, removed_ids)
        self._live.schedule_flush()

    def flush(self, draw_now: bool = False) -> None:
        """Send the coalesced unit/incident changes now (the timer does it on its own);
        ``draw_now``: the page draws a bulk change within the call rather than at its next
        frame (a replay jump: the page's frames wait for this event loop, busy a while yet)."""
        self._live.flush(draw_now)

    # ------------------------------------------------------------------ scripts

    def evaluate(self, js: str, callback: JsCallback | None = None) -> None:
        """Run JavaScript on the page (after pending updates); queued until the page is ready."""
        self._live.evaluate(js, callback)

    def evaluate_json(self, js: str, callback: JsCallback) -> None:
        """Run a JavaScript expression and pass its value, decoded from JSON, to ``callback``.

        PySide6 hands JavaScript objects back from runJavaScript as an empty string, so
        objects and arrays travel as JSON text (``JSON.stringify``) and are decoded here.
        """
        def decode(text: Any) -> None:
            callback(json.loads(text) if isinstance(text, str) and text else None)

        self.evaluate(f"JSON.stringify({js})", decode)

    def after_paint(self, token: str) -> None:
        """Emit ``sig_painted(token, ms)`` once everything sent so far has been drawn."""
        self.evaluate(f"GL.afterPaint({to_js(token)})")
