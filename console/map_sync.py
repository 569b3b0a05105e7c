"""Keeps the map in step with the console: regions of the chosen level with a choropleth of
open or overdue incidents, units by department or status (filtered like the unit board, see
:mod:`console.map_units`), open incidents by priority with an overdue halo, parts, the offline
basemap's names; selection both ways. Only what changed goes to the page."""

from __future__ import annotations

import logging
import operator
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from shapely.geometry import mapping

from console.map_units import MapUnits, UnitFilter
from console.place_search import BasemapDone
from dispatch.domain.city.model import City, Level
from dispatch.domain.status import OPEN_STATUSES
from dispatch.domain.timelimits import DueIndex, overdue_from
from dispatch.entrypoints.tuning import trim_c_heap
from maps.basemap import GazetteerEntry, Place, basemap_features, places_from_wire
from maps.view import MapView
from widgets.console_model import ConsoleModel

log = logging.getLogger("gridline.console")
LEVEL_PREFIX = {"district": 6, "street": 9, "community": 12, "grid": 15}
# The regions whose names the offline basemap shows until the city has a gazetteer.
BASEMAP_LEVELS = ("district", "street", "community")
_UNIT_ROW = operator.attrgetter("id", "lat", "lon", "status")
_LAT, _LON, _STATUS = (operator.attrgetter(a) for a in ("lat", "lon", "status"))
# A batch of at least this many units (a replay jump moves every unit of the city) goes to the
# map as columns of every unit in a fixed order instead of as one row per unit.
COLUMNS_FROM = 2048


def region_features(city: City, level: str) -> dict[str, Any]:
    """The polygons of one level as a GeoJSON FeatureCollection with code, name and centre."""
    lv = Level.parse(level)
    feats = []
    for r in sorted(city.at_level(lv), key=lambda r: r.code):
        c = r.geometry.representative_point()
        feats.append({"type": "Feature", "geometry": mapping(r.geometry),
                      "properties": {"code": r.code, "name": r.name, "center": [c.y, c.x]}})
    return {"type": "FeatureCollection", "features": feats}


def region_places(city: City) -> list[Place]:
    """The district, street and community names at a point inside each, for the offline
    basemap (a city without a gazetteer of roads and places still shows its names)."""
    places = []
    for level in BASEMAP_LEVELS:
        for r in sorted(city.at_level(Level.parse(level)), key=lambda r: r.code):
            if r.name:
                c = r.geometry.representative_point()
                places.append(Place(r.name, level, c.x, c.y))
    return places


class MapSync(QObject):
    """Wires a :class:`ConsoleModel` to a :class:`MapView`."""

    sig_region_clicked = Signal(str)
    """A region of the current level was clicked (its code)."""

    sig_point_clicked = Signal(float, float)
    """An empty spot of the map was clicked (lon, lat): e.g. to take a hotline report there."""

    sig_part_clicked = Signal(str)
    """A city part was clicked (its id; the parts layer is shown): e.g. to open its card."""

    sig_parts_loaded = Signal()
    """The city's parts came from the server (asked when the Parts layer was first shown) and
    are on the map."""

    # the server's basemap rows, from any thread (see basemap_arrived)
    _sig_basemap_rows = Signal(object)

    def _on_state_replaced(self, *_args: object) -> None:
        """A bound slot (not a lambda): Qt drops the connection when this object goes."""
        self.view.set_clock(self.console.now())
        self.update_choropleth()

    def __init__(self, console: ConsoleModel, view: MapView, *, level: str = "grid",
                 choropleth: str | None = "open", show_parts: bool = False,
                 unit_colouring: str = "status") -> None:
        super().__init__(view)
        self.console, self.view = console, view
        self.level = level
        self.choropleth = choropleth
        self.units = MapUnits(console, view)
        self.units.set_colouring(unit_colouring)
        self._parts_loaded = False
        # Fetches the city's parts when the console was given a city without them.
        self.load_parts: Callable[[], dict[str, Any]] | None = None
        self._shown_units: set[str] = set()
        # The state's units in a fixed order (a tuple, so that the map reuses its checks and
        # indexes of them) and as a set to see when they are no longer the same.
        self._unit_order: tuple[str, ...] = ()
        self._unit_keys: frozenset[str] = frozenset()
        # Batches of at least this many markers go to the page at once rather than at the
        # view's next flush (a replay jump: the page draws while the other panels update).
        self.send_at_once: int | None = None
        self._class_names: dict[str, str] = {}  # class code → name in the console's language
        # Open incidents on the map: id → (grid, when it turns overdue), open ones per grid,
        # and (when, id) sorted, rebuilt after changes (see _tick).
        self._open: dict[str, tuple[str, float]] = {}
        self._open_grids: Counter[str] = Counter()
        self._dues: DueIndex | None = None
        self._ticked_at: float | None = None
        console.sig_incidents_changed.connect(self._on_incidents)
        console.sig_units_changed.connect(self._on_units)
        console.sig_reset.connect(self.refresh_all)
        # a seek: shade from the incidents just drawn, at once
        console.sig_state_replaced.connect(self._on_state_replaced)
        console.sig_incident_selected.connect(self._on_selected)
        view.sig_incident_clicked.connect(lambda iid: console.select_incident(iid, "map"))
        view.sig_region_clicked.connect(self.sig_region_clicked)
        view.sig_part_clicked.connect(self.sig_part_clicked)
        view.sig_map_clicked.connect(lambda lat, lon: self.sig_point_clicked.emit(lon, lat))
        self._choropleth_timer = QTimer(self)
        self._choropleth_timer.setInterval(2000)
        self._choropleth_timer.timeout.connect(self._tick)
        self._choropleth_timer.start()
        self._region_places = region_places(console.city)  # once: names under any basemap
        self.show_places(self._region_places)
        self._sig_basemap_rows.connect(self._on_basemap_rows)
        self.basemap_rows = 0  # the server's basemap rows drawn (0: the regions' names only)
        self._basemap_fetch: Callable[[BasemapDone], None] = lambda done: None
        self._basemap_tries = 0
        self._basemap_every_ms = 3000
        self.set_level(level)
        self.set_parts_visible(show_parts)
        self.refresh_all()
        view.fit_city()

    # -------------------------------------------------------------------------- levels

    def set_level(self, level: str) -> None:
        self.level = level
        # built again at each change of level (~0.1 s for a city's 8,000 grids) rather than
        # kept: the map keeps the level shown, as text
        self.view.set_regions(level, region_features(self.console.city, level))
        self.update_choropleth()

    def show_places(self, entries: Iterable[GazetteerEntry]) -> None:
        """The offline basemap's roads and names: a gazetteer's entries (until a city has
        one, the regions' names, see :func:`region_places`)."""
        self.view.set_basemap(basemap_features(entries))

    def load_basemap(self, fetch: Callable[[BasemapDone], None], *, tries: int = 40,
                     every_ms: int = 3000) -> None:
        """Draw the server's roads and named places (its ``basemap`` query) once they come:
        ``fetch(done)`` asks off the GUI thread and calls ``done(rows, error, later)`` from
        there. While the server answers ``unavailable`` (still reading its gazetteer) the
        question is asked again every ``every_ms``; until then, and for good on any other
        error, the regions' names stay."""
        self._basemap_fetch = fetch
        self._basemap_tries = tries
        self._basemap_every_ms = every_ms
        fetch(self.basemap_arrived)

    def basemap_arrived(self, rows: list[dict[str, Any]], error: str, later: bool) -> None:
        """The answer to :meth:`load_basemap`'s question, on the thread that got it: the
        FeatureCollection (tens of thousands of rows at city scale) is built there, the GUI
        thread only hands it to the page."""
        if error or not rows:
            self._sig_basemap_rows.emit((None, 0, later))
            return
        # the roads and places, and the regions' names the gazetteer may lack
        fc = basemap_features([*places_from_wire(rows), *self._region_places])
        self._sig_basemap_rows.emit((fc, len(rows), False))

    def _on_basemap_rows(self, answer: tuple[dict[str, Any] | None, int, bool]) -> None:
        fc, rows, later = answer
        if fc is None:
            self._basemap_tries -= 1
            if later and self._basemap_tries > 0:
                QTimer.singleShot(self._basemap_every_ms,
                                  lambda: self._basemap_fetch(self.basemap_arrived))
            return
        self.view.set_basemap(fc)
        self.basemap_rows = rows
        # The rows, places and features built for it (~30,000 at city scale) are garbage once
        # this slot returns and the signal lets go of them; they came after the start-up trim
        # (settle_after_first_snapshot), so give their pages back too (~28 MB at city scale).
        QTimer.singleShot(0, trim_c_heap)

    def set_unit_colouring(self, mode: str) -> None:
        """Colour the units by ``department`` or by ``status``."""
        self.units.set_colouring(mode)

    @property
    def unit_colouring(self) -> str:
        return self.view.unit_colouring

    def follow_unit_filter(self, unit_filter: UnitFilter) -> None:
        """The map shows only the units the board's filter shows, as it changes."""
        self.units.follow(unit_filter)

    def set_choropleth_mode(self, mode: str | None) -> None:
        self.choropleth = mode
        self.update_choropleth()

    def set_parts_visible(self, visible: bool) -> None:
        if visible and not self._parts_loaded:
            self._parts_loaded = True
            if not self.console.city.parts and self.load_parts is not None:
                from console.background import run_in_background

                def done(parts: Any, error: BaseException | None) -> None:
                    if error is None:
                        self.console.city.parts = parts
                        self.view.set_parts(self._part_rows())
                        self.sig_parts_loaded.emit()
                    else:
                        log.warning("the city's parts could not be fetched: %s", error)
                        self._parts_loaded = False

                run_in_background(self.load_parts, done)
            else:
                self.view.set_parts(self._part_rows())
        self.view.set_layer_visible("parts", visible)

    def _part_rows(self) -> list[tuple[str, str, float, float, dict[str, Any]]]:
        rows = []
        for p in self.console.city.parts.values():
            extra = {k: v for k, v in p.attributes.items()
                     if k in ("range_m", "angle_deg", "heading_deg")}
            extra["state"] = p.state
            rows.append((p.id, p.part_type, p.lat, p.lon, extra))
        return rows

    # ---------------------------------------------------------------------------- data

    def _tick(self) -> None:
        """Clocks run out without any record changing: redraw the overdue halos of the
        incidents whose time limit passed since the last tick, and the overdue shading."""
        now = self.console.now()
        self.view.set_clock(now)
        last, self._ticked_at = self._ticked_at, now
        flipped = self._overdue_between(last, now) if last is not None else []
        if flipped:
            self._on_incidents(flipped)
        self.update_choropleth()

    def _overdue_between(self, a: float, b: float) -> list[str]:
        """Open incidents shown whose time limit falls between the instants ``a`` and ``b``."""
        if self._dues is None:
            self._dues = DueIndex((t, iid) for iid, (_g, t) in self._open.items())
        return self._dues.between(a, b)

    def update_choropleth(self) -> None:
        """Shade the regions by their open (or overdue) incidents, counted from the incidents
        shown on the map (kept as they change), not from the whole state."""
        if self.choropleth is None:
            self.view.set_choropleth({}, None)
            return
        n = LEVEL_PREFIX[self.level]
        now = self.console.now()
        counts: Counter[str] = Counter()
        if self.choropleth == "open":
            for grid, k in self._open_grids.items():
                if k:
                    counts[grid[:n]] += k
        else:
            for grid, overdue_at in self._open.values():
                if now >= overdue_at:
                    counts[grid[:n]] += 1
        self.view.set_choropleth(dict(counts), self.choropleth)

    def refresh_all(self) -> None:
        state = self.console.state
        self.view.set_clock(self.console.now())
        self._on_units(set(state.units) | self._shown_units)
        self._on_incidents(set(state.incidents) | set(self._open))
        self.update_choropleth()

    def _on_units(self, ids: Collection[str]) -> None:
        units = self.console.state.units
        if len(ids) >= COLUMNS_FROM:
            self._units_as_columns(ids)
            return
        found = [u for uid in ids if (u := units.get(uid)) is not None]
        gone = [uid for uid in ids if uid not in units] if len(found) != len(ids) else []
        # (id, lat, lon, status): the status is a str enum, written as its value
        rows = list(map(_UNIT_ROW, found))
        self._shown_units.update(ids)
        self._shown_units.difference_update(gone)
        self.view.update_units(rows, gone)
        self.units.changed(found)
        self._maybe_send(len(rows) + len(gone))

    def _units_as_columns(self, ids: Collection[str]) -> None:
        """Every unit of the state, a column at a time (the map keeps those that changed),
        and the ids of ``ids`` no longer in the state removed."""
        units = self.console.state.units
        if units.keys() != self._unit_keys:
            self._unit_order = tuple(units)
            self._unit_keys = frozenset(self._unit_order)
        order, n = self._unit_order, len(self._unit_order)
        found = list(map(units.get, order))
        gone = [uid for uid in ids if uid not in units]
        changed = self.view.update_unit_columns(
            order, np.fromiter(map(_LAT, found), float, n), np.fromiter(map(_LON, found), float, n),
            list(map(_STATUS, found)), gone)
        self._shown_units.update(order)
        self._shown_units.difference_update(gone)
        self.units.changed([u for u in found if u is not None])
        self._maybe_send(changed)

    def _on_incidents(self, ids: Iterable[str]) -> None:
        incs = self.console.state.incidents
        now = self.console.now()
        rows, gone = [], []
        shown, grids = self._open, self._open_grids
        for iid in ids:
            inc = incs.get(iid)
            old = shown.pop(iid, None)
            if old is not None:
                grids[old[0]] -= 1
            if inc is None or inc.status not in OPEN_STATUSES:
                gone.append(iid)
            else:
                name = self._class_names.get(inc.class_code)
                if name is None:
                    name = self._class_names[inc.class_code] = self.console.class_name(
                        inc.class_code)
                overdue_at = overdue_from(inc)
                shown[iid] = (inc.grid, overdue_at)
                grids[inc.grid] += 1
                rows.append((inc.id, inc.lat, inc.lon, inc.priority, now >= overdue_at,
                             f"{inc.id} {name}"))
        self._dues = None
        self.view.update_incidents(rows, gone)
        self._maybe_send(len(rows) + len(gone))

    def _maybe_send(self, n: int) -> None:
        if self.send_at_once is not None and n >= self.send_at_once:
            self.view.flush(draw_now=True)

    def _on_selected(self, iid: str, origin: str) -> None:
        if not iid:
            self.view.select(None)
        elif iid in self._open:
            self.view.select("incident", iid, pan=origin != "map")
