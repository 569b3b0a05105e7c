"""Keeps the map in step with the console: regions of the chosen level with a choropleth of
open or overdue incidents, units by status, open incidents by priority with an overdue halo,
parts; selection both ways. Only what changed goes to the page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from shapely.geometry import mapping

from dispatch.city.model import City, Level
from dispatch.timelimits import is_overdue
from maps.view import MapView
from widgets.console_model import ConsoleModel

LEVEL_PREFIX = {"district": 6, "street": 9, "community": 12, "grid": 15}


def region_features(city: City, level: str) -> dict[str, Any]:
    """The polygons of one level as a GeoJSON FeatureCollection with code, name and centre."""
    lv = Level.parse(level)
    feats = []
    for r in sorted(city.at_level(lv), key=lambda r: r.code):
        c = r.geometry.representative_point()
        feats.append({"type": "Feature", "geometry": mapping(r.geometry),
                      "properties": {"code": r.code, "name": r.name, "center": [c.y, c.x]}})
    return {"type": "FeatureCollection", "features": feats}


class MapSync(QObject):
    """Wires a :class:`ConsoleModel` to a :class:`MapView`."""

    sig_region_clicked = Signal(str)
    """A region of the current level was clicked (its code)."""

    sig_point_clicked = Signal(float, float)
    """An empty spot of the map was clicked (lon, lat): e.g. to take a hotline report there."""

    def __init__(self, console: ConsoleModel, view: MapView, *, level: str = "grid",
                 choropleth: str | None = "open", show_parts: bool = False) -> None:
        super().__init__(view)
        self.console, self.view = console, view
        self.level = level
        self.choropleth = choropleth
        self._features: dict[str, dict[str, Any]] = {}
        self._parts_loaded = False
        # Fetches the city's parts when the console was given a city without them.
        self.load_parts: Callable[[], dict[str, Any]] | None = None
        self._shown_units: set[str] = set()
        self._shown_incidents: set[str] = set()
        console.sig_incidents_changed.connect(self._on_incidents)
        console.sig_units_changed.connect(self._on_units)
        console.sig_reset.connect(self.refresh_all)
        console.sig_incident_selected.connect(self._on_selected)
        view.sig_incident_clicked.connect(lambda iid: console.select_incident(iid, "map"))
        view.sig_region_clicked.connect(self.sig_region_clicked)
        view.sig_map_clicked.connect(lambda lat, lon: self.sig_point_clicked.emit(lon, lat))
        self._choropleth_timer = QTimer(self)
        self._choropleth_timer.setInterval(2000)
        self._choropleth_timer.timeout.connect(self._tick)
        self._ticks = 0
        self._choropleth_timer.start()
        self.set_level(level)
        self.set_parts_visible(show_parts)
        self.refresh_all()
        view.fit_city()

    # -------------------------------------------------------------------------- levels

    def set_level(self, level: str) -> None:
        self.level = level
        fc = self._features.get(level)
        if fc is None:
            fc = self._features[level] = region_features(self.console.city, level)
        self.view.set_regions(level, fc)
        self.update_choropleth()

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
                    else:
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
        self.update_choropleth()
        self._ticks += 1
        if self._ticks % 5 == 0:  # clocks run out without any record changing: overdue halos
            self._on_incidents([i.id for i in self.console.state.incidents.values()
                                if i.is_open])

    def update_choropleth(self) -> None:
        if self.choropleth is None:
            self.view.set_choropleth({}, None)
            return
        n = LEVEL_PREFIX[self.level]
        now = self.console.now()
        counts: Counter[str] = Counter()
        for inc in self.console.state.incidents.values():
            if inc.is_open and (self.choropleth == "open" or is_overdue(inc, now)):
                counts[inc.grid[:n]] += 1
        self.view.set_choropleth(dict(counts), self.choropleth)

    def refresh_all(self) -> None:
        state = self.console.state
        self._on_units(set(state.units) | self._shown_units)
        self._on_incidents(set(state.incidents) | self._shown_incidents)
        self.update_choropleth()

    def _on_units(self, ids: Iterable[str]) -> None:
        units = self.console.state.units
        rows, gone = [], []
        for uid in ids:
            u = units.get(uid)
            if u is None:
                gone.append(uid)
            else:
                rows.append((u.id, u.lat, u.lon, u.status.value))
        self._shown_units.difference_update(gone)
        self._shown_units.update(r[0] for r in rows)
        self.view.update_units(rows, gone)

    def _on_incidents(self, ids: Iterable[str]) -> None:
        incs = self.console.state.incidents
        now = self.console.now()
        rows, gone = [], []
        for iid in ids:
            inc = incs.get(iid)
            if inc is None or not inc.is_open:
                gone.append(iid)
            else:
                label = f"{inc.id} {self.console.class_name(inc.class_code)}"
                rows.append((inc.id, inc.lat, inc.lon, inc.priority, is_overdue(inc, now),
                             label))
        self._shown_incidents.difference_update(gone)
        self._shown_incidents.update(r[0] for r in rows)
        self.view.update_incidents(rows, gone)

    def _on_selected(self, iid: str, origin: str) -> None:
        if not iid:
            self.view.select(None)
        elif iid in self._shown_incidents:
            self.view.select("incident", iid, pan=origin != "map")
