"""The wall screen's picture, without its behaviour: the header (title, the region on show and
the pager, connection, clock), the stale-data banner, the KPI tiles, the map with the urgent
banner and a legend over it, and four panels (reported per hour, open today, most overdue,
department load); placed full screen on a monitor, with no mouse cursor.

:class:`~console.wall.WallWindow` fills it from the live state and moves it along.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from maps.page import PageOptions
from maps.view import MapView
from widgets import labels
from widgets.console_model import ConsoleModel
from widgets.wall_charts import HourlyChart, OpenChart
from widgets.wall_lists import DepartmentLoadList, OverdueList
from widgets.wall_panels import WallPanel, banner
from widgets.wall_ranking import RankingTiles
from widgets.wall_tiles import WALL, WallTiles, wall_font
from widgets.wall_whistles import WhistleList

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class WallScreen(QWidget):
    """The wall's widgets, laid out (see the module docstring)."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.setWindowTitle(translate("Wall", "Gridline wall — %1").replace(
            "%1", console.city.name))
        self.setObjectName("wall")
        self.setStyleSheet(f"QWidget#wall {{ background: {WALL.background}; }} "
                           f"QLabel {{ color: {WALL.text}; }}")
        self.setAutoFillBackground(True)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.resize(1920, 1080)
        self._cursor_overridden = False
        self._build()

    # ---------------------------------------------------------------------------- build

    def _build(self) -> None:
        c = self.console
        # header: what this is, which district is shown, connection, clock
        self.title = QLabel(translate("Wall", "%1 · City operations overview").replace(
            "%1", c.city.name))
        self.title.setFont(wall_font(36, bold=True))
        self.scope_label = QLabel()
        self.scope_label.setFont(wall_font(40, bold=True))
        self.scope_label.setStyleSheet(f"color: {WALL.accent};")
        self.scope_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pager = QLabel()
        self.pager.setFont(wall_font(24))
        self.pager.setStyleSheet(f"color: {WALL.muted};")
        self.connection = QLabel()
        self.connection.setFont(wall_font(26, bold=True))
        self.clock = QLabel()
        self.clock.setFont(wall_font(36, bold=True))
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header = QHBoxLayout()
        header.setContentsMargins(6, 0, 6, 0)
        header.setSpacing(24)
        scope_box = QHBoxLayout()
        scope_box.setSpacing(14)
        scope_box.addStretch(1)
        scope_box.addWidget(self.scope_label)
        scope_box.addWidget(self.pager, 0, Qt.AlignmentFlag.AlignBottom)
        scope_box.addStretch(1)
        header.addWidget(self.title, 5)
        header.addLayout(scope_box, 4)
        header.addWidget(self.connection)
        header.addWidget(self.clock)

        self.stale_banner = banner(WALL.stale_banner, "#000000", 38)
        self.tiles = WallTiles(value_px=60)
        self.tiles.setFixedHeight(178)

        # the map, with the urgent banner and a legend over it
        # No basemap: the city's grids on black are the wall's map.
        self.map = MapView(options=PageOptions(theme="dark", max_labels=0, base="none"))
        self.map.setCursor(Qt.CursorShape.BlankCursor)
        self.urgent_banner = banner(WALL.urgent_banner, "#ffffff", 30)
        self.legend = QLabel()
        self.legend.setFont(wall_font(20, bold=True))
        self.legend.setStyleSheet("background: rgba(4, 6, 10, 215); padding: 6px 12px; "
                                  "border-radius: 6px;")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        stack = QWidget()
        grid = QGridLayout(stack)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.map, 0, 0)
        grid.addWidget(self.urgent_banner, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.legend, 0, 0,
                       Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft)
        self.urgent_banner.raise_()
        self.legend.raise_()
        self.map_panel = WallPanel(stack)

        names = {code: labels.class_name(c.catalogue, code, c.language)
                 for code in c.catalogue.majors}
        self.hourly = HourlyChart(c.catalogue, names)
        self.hourly_panel = WallPanel(self.hourly)
        self.open_chart = OpenChart()
        self.open_panel = WallPanel(self.open_chart)
        self.overdue = OverdueList(c)
        self.overdue_panel = WallPanel(self.overdue)
        self.departments = DepartmentLoadList(c)
        self.departments_panel = WallPanel(self.departments)
        self.ranking = RankingTiles(c)
        self.ranking_panel = WallPanel(self.ranking)
        self.whistles = WhistleList(c)
        self.whistles_panel = WallPanel(self.whistles)

        middle = QVBoxLayout()
        middle.setSpacing(12)
        middle.addWidget(self.hourly_panel, 1)
        middle.addWidget(self.open_panel, 1)
        middle.addWidget(self.ranking_panel, 1)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(self.overdue_panel, 4)
        right.addWidget(self.whistles_panel, 3)
        right.addWidget(self.departments_panel, 4)
        body = QHBoxLayout()
        body.setSpacing(12)
        body.addWidget(self.map_panel, 35)
        body.addLayout(middle, 30)
        body.addLayout(right, 35)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 14)
        lay.setSpacing(12)
        lay.addLayout(header)
        lay.addWidget(self.stale_banner)
        lay.addWidget(self.tiles)
        lay.addLayout(body, 1)

    # ------------------------------------------------------------------------- screens

    def place_on_screen(self, index: int) -> None:
        """Cover monitor ``index`` of :func:`QGuiApplication.screens` (full screen when it is
        shown); an index that does not exist falls back to the primary monitor."""
        screens = QGuiApplication.screens()
        if not screens:
            return
        if not 0 <= index < len(screens):
            log.warning("no screen %d (there are %d); using the primary screen", index,
                        len(screens))
            screen = QGuiApplication.primaryScreen() or screens[0]
        else:
            screen = screens[index]
        self.setScreen(screen)
        if QGuiApplication.platformName() in ("offscreen", "minimal"):
            self.resize(1920, 1080)  # a rendering target, not a monitor
            return
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setGeometry(screen.geometry())
        self.setWindowState(Qt.WindowState.WindowFullScreen)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._cursor_overridden:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
            self._cursor_overridden = True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._cursor_overridden:
            QGuiApplication.restoreOverrideCursor()
            self._cursor_overridden = False
        super().closeEvent(event)
