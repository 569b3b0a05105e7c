"""MapView: the live city map widget (a QWebEngineView on the folium-built page).

Data goes in as plain rows and dicts; nothing here knows the dispatch domain.

- The view keeps the current map state (regions, choropleth, parts, every unit and incident,
  layer visibility, selection). Calls made before the page is ready only update that state;
  once the page reports ready, the whole state is pushed in one go. After a renderer crash the
  page reloads and the state is pushed again.
- Unit and incident updates are coalesced per id (latest row wins, a removal cancels a pending
  upsert) and flushed by a timer a few times a second, in one ``runJavaScript`` call that
  carries only what changed since the last flush. A timed flush waits until the page has
  drawn the previous one (software rendering can take longer to draw 26,000 markers than the
  flush period), so a slow page gets fewer, larger batches instead of a growing backlog.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, ClassVar

import orjson
from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget
from shapely.geometry.base import BaseGeometry

from dispatch.adapters.feed_timing import MAP_FLUSH_MS
from maps import unit_columns
from maps.bridge import BRIDGE_NAME, MapBridge
from maps.page import PageOptions, build_page
from maps.scheme import SCHEME, scheme_handler
from maps.unit_columns import UnitColumns, valid_text

log = logging.getLogger(__name__)

UNIT_STATUSES = frozenset(unit_columns.UNIT_STATUSES)
PRIORITIES = frozenset({"urgent", "high", "normal", "low"})
REGION_LEVELS = frozenset({"district", "street", "community", "grid"})
CHOROPLETH_MODES = frozenset({"open", "overdue"})
SELECT_KINDS = frozenset({"incident", "unit", "region"})
LAYER_NAMES = frozenset({"regions", "labels", "parts", "units", "incidents", "tiles"})
DEFAULT_FLUSH_MS = MAP_FLUSH_MS
MAX_FOCUS_ZOOM = 18  # focus_incident() zooms in no closer
# A timed flush waits for the page to draw the previous one, but never longer than this
# (a hidden page may not draw at all).
FLUSH_PAINT_WAIT_S = 2.0
_FLUSH_TOKEN = "gridline:flush"

UnitRow = tuple[str, float, float, str]
IncidentRow = tuple[str, float, float, str, bool, str]
PartRow = tuple[str, str, float, float, dict[str, Any]]
JsCallback = Callable[[Any], None]


def _js(value: Any) -> str:
    """A JavaScript expression for a JSON-serialisable value."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _js_rows(value: Any) -> str:
    """A JavaScript expression for marker rows or columns already validated (finite numbers,
    strings, numpy arrays): orjson writes the same compact JSON as :func:`_js`, several times
    faster."""
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()


def _js_parsed(value: Any) -> str:
    """Same value, as ``JSON.parse("...")`` (V8 parses big JSON faster than big literals)."""
    return f"JSON.parse({_js(_js(value))})"


def _coords(what: str, row_id: str, lat: Any, lon: Any) -> tuple[float, float]:
    try:
        flat, flon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {row_id!r}: lat/lon must be numbers, got {lat!r}, {lon!r}") from None
    if not (math.isfinite(flat) and math.isfinite(flon) and -90.0 <= flat <= 90.0
            and -180.0 <= flon <= 180.0):
        raise ValueError(f"{what} {row_id!r}: ({lat!r}, {lon!r}) is not a valid lat, lon")
    return flat, flon


def _row_id(what: str, value: Any) -> str:
    if not isinstance(value, str) or not value or not valid_text(value):
        raise ValueError(f"{what} id must be a non-empty string of valid text, got {value!r}")
    return value


def validate_unit_row(row: Sequence[Any]) -> UnitRow:
    """``(id, lat, lon, status)`` with a known status; ValueError otherwise."""
    if len(row) != 4:
        raise ValueError(f"unit row must be (id, lat, lon, status), got {row!r}")
    uid = _row_id("unit", row[0])
    lat, lon = _coords("unit", uid, row[1], row[2])
    if not isinstance(row[3], str) or row[3] not in UNIT_STATUSES:
        raise ValueError(f"unit {uid!r}: unknown status {row[3]!r}; "
                         f"expected one of {sorted(UNIT_STATUSES)}")
    return (uid, lat, lon, str(row[3]))


def _clean_unit_row(r: Any) -> bool:
    """Already a valid unit row in its final form (a tuple of the right types): a replay jump
    sends 26,000 of them, and the checks below cost a few microseconds each."""
    return (type(r) is tuple and len(r) == 4 and type(r[0]) is str and r[0] != ""
            and r[0].isascii() and type(r[1]) is float and type(r[2]) is float and -90.0 <= r[1] <= 90.0
            and -180.0 <= r[2] <= 180.0 and isinstance(r[3], str) and r[3] in UNIT_STATUSES)


def _clean_incident_row(r: Any) -> bool:
    """Already a valid incident row in its final form (see :func:`_clean_unit_row`)."""
    return (type(r) is tuple and len(r) == 6 and type(r[0]) is str and r[0] != ""
            and r[0].isascii() and type(r[1]) is float and type(r[2]) is float and -90.0 <= r[1] <= 90.0
            and -180.0 <= r[2] <= 180.0 and isinstance(r[3], str) and r[3] in PRIORITIES
            and type(r[4]) is bool and type(r[5]) is str)


def _changed_rows(held: Mapping[str, Any] | UnitColumns, rows: Iterable[Sequence[Any]],
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
    iid = _row_id("incident", row[0])
    lat, lon = _coords("incident", iid, row[1], row[2])
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
    pid = _row_id("part", row[0])
    if not isinstance(row[1], str) or not row[1]:
        raise ValueError(f"part {pid!r}: type must be a non-empty string, got {row[1]!r}")
    lat, lon = _coords("part", pid, row[2], row[3])
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


@lru_cache(maxsize=8)
def _page_html(options: PageOptions) -> str:
    return build_page(options)


class _MapPage(QWebEnginePage):
    """Stays on the map page (no navigation away) and logs the page's console."""

    _LEVELS: ClassVar[dict[Any, int]] = {
        QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.DEBUG,
        QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.WARNING,
        QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.ERROR,
    }

    def acceptNavigationRequest(self, url: QUrl | str, nav_type: Any,
                                is_main_frame: bool) -> bool:
        return QUrl(url).scheme() == SCHEME

    def javaScriptConsoleMessage(self, level: Any, message: str,
                                 line: int, source: str) -> None:
        log.log(self._LEVELS.get(level, logging.INFO), "map page: %s (%s:%d)", message, source,
                line)


class MapView(QWebEngineView):
    """The live map. See the module docstring for how data flows in and out."""

    sig_ready = Signal()
    """The page is up and the current state has been pushed to it."""
    sig_incident_clicked = Signal(str)
    """An incident marker was clicked (incident id)."""
    sig_unit_clicked = Signal(str)
    """A unit marker was clicked (unit id)."""
    sig_region_clicked = Signal(str)
    """A click fell inside a region of the current level (region code)."""
    sig_map_clicked = Signal(float, float)
    """A click hit no unit or incident (lat, lon); also follows ``sig_region_clicked``."""
    sig_painted = Signal(str, float)
    """The page drew everything queued before :meth:`after_paint` (token, milliseconds)."""

    def __init__(self, parent: QWidget | None = None, *, options: PageOptions | None = None,
                 profile: QWebEngineProfile | None = None,
                 flush_interval_ms: int = DEFAULT_FLUSH_MS) -> None:
        super().__init__(parent)
        if flush_interval_ms <= 0:
            raise ValueError(f"flush_interval_ms must be > 0, got {flush_interval_ms}")
        self._options = options or PageOptions()
        profile = profile or QWebEngineProfile.defaultProfile()
        handler = scheme_handler(profile)
        self._url = QUrl(handler.add_page(self._options.page_name(), _page_html(self._options)))

        self._page = _MapPage(profile, self)
        self.setPage(self._page)
        self._bridge = MapBridge(self)
        self._channel = QWebChannel(self._page)
        self._channel.registerObject(BRIDGE_NAME, self._bridge)
        self._page.setWebChannel(self._channel)
        self._bridge.sig_ready.connect(self._on_page_ready)
        self._bridge.sig_incident_clicked.connect(self.sig_incident_clicked)
        self._bridge.sig_unit_clicked.connect(self.sig_unit_clicked)
        self._bridge.sig_region_clicked.connect(self.sig_region_clicked)
        self._bridge.sig_map_clicked.connect(self.sig_map_clicked)
        self._bridge.sig_painted.connect(self._on_painted)
        self._page.loadStarted.connect(self._on_load_started)
        self._page.loadFinished.connect(self._on_load_finished)
        self._page.renderProcessTerminated.connect(self._on_renderer_gone)

        self._ready = False
        # Current state, replayed in full whenever the page (re)becomes ready.
        self._regions: tuple[str, Mapping[str, Any]] | None = None
        self._choropleth: tuple[dict[str, float], str | None] | None = None
        self._parts: list[PartRow] | None = None
        self._units = UnitColumns()  # also what the page has not been told yet
        self._incidents: dict[str, IncidentRow] = {}
        self._layers: dict[str, bool] = {}
        self._selection: tuple[str, str] | None = None
        self._tracks: dict[str, list[list[float]]] = {}
        self._fit_requested = False
        self._read_only = False
        # The scope shown (see show_scope): rings of [lat, lon], bounds, outline colour.
        self._scope: tuple[list[list[list[float]]], list[list[float]], str | None] | None = None
        self._scope_set = False  # show_scope or clear_scope was called
        self._focus: tuple[float, float, float] | None = None  # lat, lon, zoom in
        self._evaluations: list[tuple[str, JsCallback | None]] = []
        # Incident changes since the last flush: id → latest row, or None for a removal.
        self._dirty_incidents: dict[str, IncidentRow | None] = {}
        # When the last flush was sent and not yet drawn (monotonic seconds), else None.
        self._flush_in_flight: float | None = None
        self._last_flush_paint_ms: float | None = None

        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(flush_interval_ms)
        self._flush_timer.timeout.connect(self._on_flush_timer)

        self.load(self._url)

    # ------------------------------------------------------------------ state

    @property
    def is_ready(self) -> bool:
        return self._ready

    @property
    def page_url(self) -> QUrl:
        return QUrl(self._url)

    @property
    def bridge(self) -> MapBridge:
        return self._bridge

    def pending_changes(self) -> int:
        """Unit and incident changes waiting for the next flush."""
        return self._units.pending() + len(self._dirty_incidents)

    def unit_rows(self) -> dict[str, UnitRow]:
        """The units on the map: id → ``(id, lat, lon, status)``."""
        return self._units.rows()

    def incident_rows(self) -> dict[str, IncidentRow]:
        """The incidents on the map: id → ``(id, lat, lon, priority, overdue, label)``."""
        return dict(self._incidents)

    @property
    def choropleth(self) -> tuple[dict[str, float], str | None] | None:
        """The shading shown: (values by region code, mode), None before any."""
        return self._choropleth

    @property
    def last_flush_paint_ms(self) -> float | None:
        """How long the page took to apply and draw the last flush (ms), once known."""
        return self._last_flush_paint_ms

    # ------------------------------------------------------------------ public API

    def set_regions(self, level: str, feature_collection: Mapping[str, Any]) -> None:
        """Show the polygons of one level (``district|street|community|grid``).

        Features need ``properties.code``; ``properties.name`` is drawn as the label when
        zoomed in far enough; an optional ``properties.center`` ``[lat, lon]`` places it.
        """
        if level not in REGION_LEVELS:
            raise ValueError(f"unknown region level {level!r}; expected one of "
                             f"{sorted(REGION_LEVELS)}")
        validate_feature_collection(feature_collection)
        self._regions = (level, feature_collection)
        if self._selection is not None and self._selection[0] == "region":
            self._selection = None
        self._call(f"GL.setRegions({_js(level)},{_js_parsed(feature_collection)})")

    def set_choropleth(self, values: Mapping[str, float], mode: str | None) -> None:
        """Fill regions by a count per region code; ``mode`` is ``open``/``overdue``, None clears."""
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
            return  # the page shows these already
        self._choropleth = (clean, mode)
        self._call(f"GL.setChoropleth({_js(clean)},{_js(mode)})")

    def update_units(self, upsert_rows: Iterable[Sequence[Any]],
                     removed_ids: Iterable[str] = ()) -> None:
        """Queue unit changes: rows ``(id, lat, lon, status)``; flushed a few times a second.
        Rows equal to what the map already holds are skipped before anything else."""
        rows = _changed_rows(self._units, upsert_rows, _clean_unit_row, validate_unit_row)
        removed = [_row_id("unit", r) for r in removed_ids]
        self._units.upsert(rows)
        self._units.remove(removed)
        self._schedule_flush()

    def update_unit_columns(self, ids: Sequence[str], lat: Any, lon: Any,
                            statuses: Sequence[str], removed_ids: Iterable[str] = ()) -> int:
        """Queue many units at once (a replay jump): ``ids[k]`` at ``(lat[k], lon[k])`` in
        ``statuses[k]``, checked and compared a column at a time; returns how many changed.
        Give the ids as a tuple, the same object while the units stay the same: it is then
        neither checked nor indexed again."""
        removed = [_row_id("unit", r) for r in removed_ids]
        changed = self._units.update_columns(ids, lat, lon, statuses)
        self._units.remove(removed)
        self._schedule_flush()
        return changed + len(removed)

    def update_incidents(self, upsert_rows: Iterable[Sequence[Any]],
                         removed_ids: Iterable[str] = ()) -> None:
        """Queue incident changes: rows ``(id, lat, lon, priority, overdue, label)``."""
        rows = _changed_rows(self._incidents, upsert_rows, _clean_incident_row,
                             validate_incident_row)
        if not valid_text("".join([r[5] for r in rows])):  # one pass for a jump's 12,000
            bad = next(r for r in rows if not valid_text(r[5]))
            raise ValueError(f"incident {bad[0]!r}: label {bad[5]!r} is not valid text")
        self._queue(self._incidents, self._dirty_incidents, rows,
                    [_row_id("incident", r) for r in removed_ids])

    def _queue(self, held: dict[str, Any], dirty: dict[str, Any], rows: list[Any],
               removed: list[str]) -> None:
        for row in rows:
            held[row[0]] = row
            dirty[row[0]] = row
        for rid in removed:
            if held.pop(rid, None) is not None or rid in dirty:
                dirty[rid] = None
        self._schedule_flush()

    def set_parts(self, rows: Iterable[Sequence[Any]]) -> None:
        """Replace the parts layer: rows ``(id, type, lat, lon, extra)``."""
        self._parts = [validate_part_row(r) for r in rows]
        self._call(f"GL.setParts({_js_parsed(self._parts)})")

    def set_tracks(self, tracks: Mapping[str, Sequence[Sequence[Any]]]) -> None:
        """Draw unit paths (replay): unit id → ``[(lat, lon), …]``, one polyline each with its
        start and end marked; replaces the tracks shown before (``{}`` clears them)."""
        clean: dict[str, list[list[float]]] = {}
        for uid, points in tracks.items():
            _row_id("track", uid)
            line = []
            for pt in points:
                if len(pt) != 2:
                    raise ValueError(f"track {uid!r}: points must be (lat, lon), got {pt!r}")
                line.append(list(_coords("track", uid, pt[0], pt[1])))
            clean[uid] = line
        self._tracks = clean
        self._call(f"GL.setTracks({_js_parsed(clean)})")

    def fit_tracks(self) -> None:
        """Zoom to the unit paths shown (nothing happens when there are none)."""
        self._call("GL.fitTracks()")

    @property
    def tracks(self) -> dict[str, list[list[float]]]:
        """The unit paths shown (see :meth:`set_tracks`)."""
        return dict(self._tracks)

    def select(self, kind: str | None, item_id: str | None = None, pan: bool = True) -> None:
        """Highlight an ``incident``, ``unit`` or ``region`` (and pan to it); None clears."""
        if kind is None:
            self._selection = None
            self._call("GL.select(null,null,false)")
            return
        if kind not in SELECT_KINDS:
            raise ValueError(f"unknown selection kind {kind!r}; expected one of "
                             f"{sorted(SELECT_KINDS)} or None")
        sid = _row_id(kind, item_id)
        self._selection = (kind, sid)
        self._call(f"GL.select({_js(kind)},{_js(sid)},{_js(bool(pan))})")

    def set_layer_visible(self, name: str, visible: bool) -> None:
        """Show or hide ``regions|labels|parts|units|incidents|tiles``."""
        if name not in LAYER_NAMES:
            raise ValueError(f"unknown map layer {name!r}; expected one of {sorted(LAYER_NAMES)}")
        self._layers[name] = bool(visible)
        self._call(f"GL.setLayerVisible({_js(name)},{_js(bool(visible))})")

    def fit_city(self) -> None:
        """Zoom to the whole city (the regions' bounds)."""
        self._fit_requested = True
        self._call("GL.fitCity()")

    def set_read_only(self, read_only: bool = True) -> None:
        """A display map (the wall screen): no dragging, zooming or keyboard, no zoom control,
        legend or mouse cursor; only these methods move it (in fine zoom steps)."""
        self._read_only = bool(read_only)
        self._call(f"GL.setReadOnly({_js(self._read_only)})")

    @property
    def read_only(self) -> bool:
        return self._read_only

    def show_scope(self, geometry: BaseGeometry, *, colour: str | None = None,
                   tolerance: float = 0.00002) -> None:
        """Outline a region (a shapely polygon or multipolygon in lon/lat), dim the rest of
        the world and fit the view to it; drawn ``tolerance`` degrees simplified."""
        shape = geometry.simplify(tolerance, preserve_topology=True)
        polygons = getattr(shape, "geoms", [shape])
        rings = [[[round(y, 6), round(x, 6)] for x, y in p.exterior.coords] for p in polygons]
        if not rings or any(len(r) < 4 for r in rings):
            raise ValueError("show_scope: the geometry has no polygon to outline")
        for ring in rings:
            for lat, lon in ring:
                _coords("scope", "outline", lat, lon)
        x0, y0, x1, y1 = geometry.bounds
        self._scope = (rings, [[y0, x0], [y1, x1]], colour)
        self._scope_set = True
        self._focus = None
        self._call(self._scope_call())

    def clear_scope(self) -> None:
        """No scope: nothing dimmed, the view on the whole city."""
        self._scope = None
        self._scope_set = True
        self._focus = None
        self._call(self._scope_call())

    @property
    def has_scope(self) -> bool:
        return self._scope is not None

    def focus_incident(self, lat: float, lon: float, zoom_in: float = 1.5) -> None:
        """Centre on a point ``zoom_in`` levels closer than the scope's view (the same view
        each time, from wherever the map was); :meth:`show_scope` and :meth:`clear_scope` end
        it."""
        flat, flon = _coords("focus", "point", lat, lon)
        self._focus = (flat, flon, float(zoom_in))
        self._call(self._focus_call())

    def _scope_call(self) -> str:
        if self._scope is None:
            return "GL.showScope(null,null,null)"
        rings, bounds, colour = self._scope
        return f"GL.showScope({_js_parsed(rings)},{_js(bounds)},{_js(colour)})"

    def _focus_call(self) -> str:
        assert self._focus is not None
        lat, lon, zoom_in = self._focus
        return f"GL.focus({lat:.6f},{lon:.6f},{_js(zoom_in)},{MAX_FOCUS_ZOOM})"

    def evaluate(self, js: str, callback: JsCallback | None = None) -> None:
        """Run JavaScript on the page (after pending updates); queued until the page is ready."""
        if not self._ready:
            self._evaluations.append((js, callback))
            return
        self.flush()
        self._run(js, callback)

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
        self.evaluate(f"GL.afterPaint({_js(token)})")

    def flush(self, draw_now: bool = False) -> None:
        """Send the coalesced unit/incident changes now (the timer does it on its own);
        ``draw_now``: the page draws a bulk change within the call rather than at its next
        frame (a replay jump: the page's frames wait for this event loop, busy a while yet)."""
        self._flush_timer.stop()
        if not self._ready:
            return
        units = self._units.changes()
        if units is None and not self._dirty_incidents:
            return
        parts: list[str] = []
        if units is not None:
            parts.append(f"GL.applyUnitColumns({_js_rows(units)});")
        if self._dirty_incidents:
            parts.append(f"GL.applyIncidents({_js_rows(self._delta(self._dirty_incidents))});")
        # All of it written out: only now is it counted as sent (the page's unit order follows
        # what it was sent, so nothing may count as sent that a failed call did not carry).
        if units is not None:
            self._units.sent(units)
        self._dirty_incidents = {}
        body = self._guarded(''.join(parts))
        if draw_now:
            body = f"GL.drawNow=true;try{{{body}}}finally{{GL.drawNow=false}}"
        self._run(f"(function(){{var t0=performance.now();{body}"
                  f"GL.lastFlushMs=performance.now()-t0;"
                  f"GL.afterPaint({_js(_FLUSH_TOKEN)},t0)}})()")
        self._flush_in_flight = time.monotonic()

    # ------------------------------------------------------------------ internals

    @staticmethod
    def _delta(dirty: Mapping[str, Sequence[Any] | None]) -> dict[str, list[Any]]:
        upsert = [row for row in dirty.values() if row is not None]
        remove = [key for key, row in dirty.items() if row is None]
        return {"upsert": upsert, "remove": remove}

    @staticmethod
    def _guarded(js: str) -> str:
        return f"try{{{js}}}catch(e){{console.error('gridline: '+e+'\\n'+e.stack)}}"

    def _run(self, js: str, callback: JsCallback | None = None) -> None:
        if callback is None:
            self._page.runJavaScript(js, 0)
        else:
            self._page.runJavaScript(js, 0, callback)

    def _call(self, js: str) -> None:
        """A state-changing call: sent now (after pending deltas) or replayed when ready."""
        if not self._ready:
            return
        self.flush()
        self._run(self._guarded(js))

    def _schedule_flush(self) -> None:
        if self._ready and not self._flush_timer.isActive():
            self._flush_timer.start()

    def _on_flush_timer(self) -> None:
        sent = self._flush_in_flight
        if sent is not None and time.monotonic() - sent < FLUSH_PAINT_WAIT_S:
            self._flush_timer.start()  # the previous flush is still being drawn: look again
            return
        self.flush()

    def _on_painted(self, token: str, elapsed_ms: float) -> None:
        if token != _FLUSH_TOKEN:
            self.sig_painted.emit(token, elapsed_ms)
            return
        self._flush_in_flight = None
        self._last_flush_paint_ms = elapsed_ms
        if self._units.pending() or self._dirty_incidents:
            self._schedule_flush()

    def _replay_state(self) -> None:
        """Push the whole current state to a freshly loaded page."""
        self._dirty_incidents = {}
        calls: list[str] = []
        if self._choropleth is not None:
            values, mode = self._choropleth
            calls.append(f"GL.setChoropleth({_js(values)},{_js(mode)})")
        if self._regions is not None:
            level, fc = self._regions
            calls.append(f"GL.setRegions({_js(level)},{_js_parsed(fc)})")
        if self._parts is not None:
            calls.append(f"GL.setParts({_js_parsed(self._parts)})")
        everything = self._units.everything() if self._units.ids else None
        if everything is not None:
            calls.append(f"GL.applyUnitColumns({_js_rows(everything)})")
        if self._incidents:
            calls.append(
                f"GL.applyIncidents({_js_rows({'upsert': list(self._incidents.values())})})")
        if self._tracks:
            calls.append(f"GL.setTracks({_js_parsed(self._tracks)})")
        for name, visible in self._layers.items():
            calls.append(f"GL.setLayerVisible({_js(name)},{_js(visible)})")
        if self._fit_requested:
            calls.append("GL.fitCity()")
        if self._selection is not None:
            kind, sid = self._selection
            calls.append(f"GL.select({_js(kind)},{_js(sid)},false)")
        if self._read_only:
            calls.append("GL.setReadOnly(true)")
        if self._scope_set:
            calls.append(self._scope_call())
        if self._focus is not None:
            calls.append(self._focus_call())
        if everything is not None:
            self._units.sent(everything)
        for call in calls:
            self._run(self._guarded(call))

    def _on_page_ready(self) -> None:
        self._ready = True
        self._replay_state()
        evaluations, self._evaluations = self._evaluations, []
        for js, callback in evaluations:
            self._run(js, callback)
        log.debug("map page ready: %s", self._url.toString())
        self.sig_ready.emit()

    def _on_load_started(self) -> None:
        # A (re)load drops the page's state: hold calls until it is ready, then replay.
        self._ready = False
        self._flush_in_flight = None
        self._flush_timer.stop()

    def _on_load_finished(self, ok: bool) -> None:
        if not ok:
            log.error("map page failed to load: %s", self._url.toString())

    def _on_renderer_gone(self, status: QWebEnginePage.RenderProcessTerminationStatus,
                          exit_code: int) -> None:
        self._on_load_started()
        if status == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus:
            return  # the page is going away with us
        log.error("map renderer terminated (%s, exit code %d); reloading", status.name,
                  exit_code)
        QTimer.singleShot(500, self, self._reload_page)

    def _reload_page(self) -> None:
        self.load(self._url)
