"""The replay window's map: the same map as the dispatcher's console, on history.

- :func:`replay_map_view`: the page in the console's theme, on the tile sources of this run
  (``--tiles``, else the ``map/tiles`` setting), with the base layer, opacity and overlays
  chosen last (:mod:`console.map_settings`), remembered as they change.
- :class:`ReplayMapBar`: the map's toolbar: region level, shading, units coloured by
  department or by status (the ``map/unit_colours`` setting the main window keeps too), unit
  tracks, zoom to the tracks, the whole city.

The offline basemap's roads and named places come from the server's ``basemap`` query, asked
off the GUI thread as the main window does (:meth:`console.map_sync.MapSync.load_basemap`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from console.map_settings import configured_sources, map_options, page_theme, remember_choices
from console.map_sync import MapSync
from console.map_units import UNIT_COLOURINGS
from console.place_search import PlaceSearch
from dispatch.adapters.client.commands import ClientCurve, CommandClient
from maps.tiles import TileSource
from maps.view import MapView
from widgets.actions import REPLAY_SHORTCUTS

LEVELS = ("district", "street", "community", "grid")
UNIT_COLOURS_KEY = "map/unit_colours"


def _tr(text: str) -> str:
    # The words of the replay window's own context (they were its toolbar's before).
    return QCoreApplication.translate("ReplayWindow", text)


def replay_map_view(parent: QWidget, settings: QSettings | None, *, theme: str = "light",
                    tile_sources: Sequence[TileSource] | None = None) -> MapView:
    """The replay's map page: the console's theme, tiles and last choices (see above)."""
    view = MapView(parent, options=map_options(
        settings, theme=page_theme(theme), sources=configured_sources(settings, tile_sources)))
    if settings is not None:
        remember_choices(view, settings)
    return view


def server_places(command: str, curve: ClientCurve | None, user: str, password: str,
                  workstation: str) -> PlaceSearch:
    """The server's place queries (the basemap's among them) for a replay read from it, over
    a worker thread with a client of its own, logged in as the replay was."""

    def make_client() -> CommandClient:
        c = CommandClient(command, curve=curve, timeout_s=5.0, retries=2)
        c.login(user, password, workstation)
        return c

    return PlaceSearch(make_client)


def unit_colouring(settings: QSettings | None) -> str:
    """How the units were coloured last (by department unless the settings say otherwise)."""
    mode = "department" if settings is None else str(
        settings.value(UNIT_COLOURS_KEY, "department"))
    return mode if mode in UNIT_COLOURINGS else "department"


class ReplayMapBar(QToolBar):
    """The replay's map toolbar (see the module docstring); ``window`` gives
    ``set_tracks_visible(bool)``."""

    def __init__(self, window: Any, map_sync: MapSync, settings: QSettings | None) -> None:
        super().__init__(_tr("Map"), window)
        self.setObjectName("replay-toolbar-map")
        self.map_sync, self.settings = map_sync, settings
        view = map_sync.view
        self.addWidget(QLabel(_tr("Level ")))
        self.level_box = QComboBox()
        for lv, text in zip(LEVELS, (_tr("District"), _tr("Street"), _tr("Community"),
                                     _tr("Grid")), strict=True):
            self.level_box.addItem(text, lv)
        self.level_box.setCurrentIndex(LEVELS.index(map_sync.level))
        self.level_box.currentIndexChanged.connect(
            lambda _i: map_sync.set_level(self.level_box.currentData()))
        self.addWidget(self.level_box)
        self.addWidget(QLabel(_tr(" Shade ")))
        self.shade_box = QComboBox()
        for mode, text in ((None, _tr("None")), ("open", _tr("Open incidents")),
                           ("overdue", _tr("Overdue incidents"))):
            self.shade_box.addItem(text, mode)
        self.shade_box.setCurrentIndex(1)
        self.shade_box.currentIndexChanged.connect(
            lambda _i: map_sync.set_choropleth_mode(self.shade_box.currentData()))
        self.addWidget(self.shade_box)
        self.addWidget(QLabel(_tr(" Units ")))
        self.unit_colour_box = QComboBox()
        self.unit_colour_box.setToolTip(_tr("Colour the units on the map"))
        for mode, text in (("department", _tr("by department")), ("status", _tr("by status"))):
            self.unit_colour_box.addItem(text, mode)
        self.unit_colour_box.setCurrentIndex(UNIT_COLOURINGS.index(map_sync.unit_colouring))
        self.unit_colour_box.currentIndexChanged.connect(
            lambda _i: self.set_unit_colouring(self.unit_colour_box.currentData()))
        self.addWidget(self.unit_colour_box)
        self.tracks_action = QAction(_tr("Unit tracks"), window)
        self.tracks_action.setCheckable(True)
        self.tracks_action.setChecked(True)
        self.tracks_action.setToolTip(_tr(
            "Paths over the window of the selected incident's units, or of the selected unit"))
        self.tracks_action.toggled.connect(window.set_tracks_visible)
        self.addAction(self.tracks_action)
        self.fit_tracks_action = QAction(_tr("Zoom to tracks"), window)
        self.fit_tracks_action.setShortcut(QKeySequence(REPLAY_SHORTCUTS["fit_tracks"]))
        self.fit_tracks_action.triggered.connect(view.fit_tracks)
        self.addAction(self.fit_tracks_action)
        fit = QAction(_tr("Whole city"), window)
        fit.setShortcut(QKeySequence(REPLAY_SHORTCUTS["fit_city"]))
        fit.triggered.connect(view.fit_city)
        self.addAction(fit)

    def set_unit_colouring(self, mode: str) -> None:
        """Units on the map coloured by ``department`` or ``status`` (remembered)."""
        self.map_sync.set_unit_colouring(mode)
        if self.unit_colour_box.currentData() != mode:
            self.unit_colour_box.setCurrentIndex(UNIT_COLOURINGS.index(mode))
        if self.settings is not None:
            self.settings.setValue(UNIT_COLOURS_KEY, mode)
