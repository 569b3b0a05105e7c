"""The shift lead's replay: a window of history shown with the same panels as the dispatcher's
console (map, incident queue, unit board, incident detail, KPIs), all at the instant of the
timeline scrubber, rebuilt by the server's own projection (:mod:`dispatch.services.replay`). Plus the
selected incident's timeline chart, the paths of its units on the map, bookmarks with notes,
and the shift report (PDF, CSV).

Replay never sends a command: its console acts with the read-only wall role, and any request
that still comes up is answered "refused" here without reaching a server.

    python main.py --replay                                   the last day, local server
    python main.py --replay --from 2026-11-02T08:00 --to 2026-11-02T20:00
    python main.py --replay --incident E000123 --db gridline.sqlite
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QToolBar,
    QWidget,
)

from console.map_sync import MapSync
from console.place_search import PlaceSearch
from console.replay_map import LEVELS, ReplayMapBar, replay_map_view, unit_colouring
from console.replay_selection import ReplaySelection
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.roles import Actor, Role
from dispatch.domain.state import DispatchState
from dispatch.services.console_state import OpenDues
from dispatch.services.replay import IncidentTimeline, Replayer, changed_between
from maps.tiles import TileSource
from widgets import labels, theme
from widgets.actions import REPLAY_SHORTCUTS
from widgets.bookmark_table import BookmarkTable
from widgets.console_model import ConsoleModel
from widgets.detail_panel import IncidentDetail
from widgets.incident_model import IncidentTableModel
from widgets.incident_timeline import IncidentTimelineChart
from widgets.kpi_strip import KpiStrip
from widgets.queue_panel import QueuePanel
from widgets.timeline_scrubber import TimelineScrubber
from widgets.unit_board import UnitBoard

log = logging.getLogger("gridline.replay")
# Saved window layouts of another version are not restored.
LAYOUT_VERSION = 2
# While playing, the timeline chart's cursor moves at most this often (seconds).
CHART_FRAME_S = 0.25
# A jump changing at least this many map markers sends them to the page at once, so that the
# page draws them while the other panels update.
SEND_AT_ONCE = 500


@contextmanager
def _collector_spared() -> Iterator[None]:
    """Keep the cyclic garbage collector off the history held in memory while a jump runs.

    A replay holds states of a whole city (checkpoints, the state shown: hundreds of thousands
    of records); a full collection walks every one of them, 0.3 s and more in the middle of a
    jump, and the records a jump creates trigger one every few jumps, and young collections by
    the hundred. The collector is paused during the jump, then ``gc.freeze`` moves what is
    alive out of its sight. Records and states hold no reference cycles, so reference counting
    still frees them when a checkpoint or an old state is dropped."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was:
            gc.enable()


class ReplayWindow(ReplaySelection, QMainWindow):
    """The replay of one window of history (see the module docstring)."""

    def __init__(self, replayer: Replayer, catalogue: Catalogue, city: City, *,
                 source: str = "", operator: str = "replay", settings: QSettings | None = None,
                 language: str = "en", level: str = "grid", theme: str = "light",
                 tile_sources: Sequence[TileSource] | None = None,
                 places: PlaceSearch | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.replayer = replayer
        self.source = source
        self.settings = settings
        self.position = 0
        self.instant = replayer.start_ts
        self.refused = 0
        self._dues = OpenDues()  # time limits of the open incidents
        self.selected_unit = ""
        self.timeline: IncidentTimeline | None = None
        actor = Actor(operator or "replay", Role.WALL, "", "replay")
        self.console = ConsoleModel(replayer.state_at(0), catalogue, city, actor, now=self.now,
                                    language=language, parent=self)
        self.console.sig_command_requested.connect(self._refuse)
        self.setWindowTitle(self.tr("Gridline replay — {0}").replace("{0}", city.name))
        self.resize(1920, 1080)

        # The dispatcher's map: theme, tiles, last choices, unit colours, the server's basemap.
        self.map = replay_map_view(self, settings, theme=theme, tile_sources=tile_sources)
        self.map_sync = MapSync(self.console, self.map, level=level if level in LEVELS
                                else "grid", choropleth="open",
                                unit_colouring=unit_colouring(settings))
        self.map_sync.send_at_once = SEND_AT_ONCE
        self.places = places  # the server's basemap query (None: a replay read from a database)
        if places is not None:
            self.map_sync.load_basemap(places.basemap)
        table = IncidentTableModel(self.console, self)
        self.queue = QueuePanel(self.console, table=table)
        # Playing at 64×, every countdown of a city changes every second: refresh the rows on
        # screen only (the replay itself signals incidents whose clocks ran out).
        table.set_tick_rows(self.queue.source_rows_on_screen)
        self.units = UnitBoard(self.console)
        self.detail = IncidentDetail(self.console)
        self.kpis = KpiStrip(self.console, delay_ms=4000)  # seeks refresh it at once
        self.chart = IncidentTimelineChart(self.console)
        self.scrubber = TimelineScrubber(self, tz=self.console.tz)
        self.scrubber.set_timeline(replayer.source.times(), replayer.start_ts, replayer.end_ts)
        self.show_tracks = True

        self.setCentralWidget(self.map)
        # The timeline chart spans the whole width under the map and the side panels.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.queue_scroll = QScrollArea(self)
        self.queue_scroll.setWidgetResizable(True)
        self.queue_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.queue_scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue_scroll.setWidget(self.queue)
        self.queue_dock = self._dock("queue", self.tr("Incident queue"), self.queue_scroll,
                                     Qt.DockWidgetArea.LeftDockWidgetArea)
        self.bookmarks = BookmarkTable(self.scrubber, self.console.tz, self)
        self.bookmarks_dock = self._dock("bookmarks", self.tr("Bookmarks"), self.bookmarks,
                                         Qt.DockWidgetArea.LeftDockWidgetArea)
        self.detail_dock = self._dock("detail", self.tr("Incident"), self.detail,
                                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.units_dock = self._dock("units", self.tr("Units"), self.units,
                                     Qt.DockWidgetArea.RightDockWidgetArea)
        self.chart_dock = self._dock("timeline", self.tr("Incident timeline"), self.chart,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.resizeDocks([self.queue_dock, self.detail_dock], [600, 420],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.queue_dock, self.bookmarks_dock], [520, 110],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.detail_dock, self.units_dock], [420, 220],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.chart_dock], [270], Qt.Orientation.Vertical)
        self._build_toolbars()
        self._build_menus()
        self._build_status()

        self.scrubber.sig_moved.connect(self.go_to)
        self.bookmarks.sig_bookmark_added.connect(self._on_bookmark_added)
        self.scrubber.sig_playing_changed.connect(lambda _p: self._update_status())
        self.console.sig_incident_selected.connect(self._on_incident_selected)
        self.units.sig_unit_selected.connect(self._on_unit_selected)
        self.map.sig_unit_clicked.connect(self._on_unit_selected)
        self.chart.sig_marker_clicked.connect(lambda p: self.scrubber.set_position(p, emit=True))
        self.queue.sig_activated.connect(lambda _iid: self.detail_dock.raise_())
        self.units.keep_proxy_lean()  # a seek changes thousands of units
        self.map_sync.follow_unit_filter(self.units.proxy)
        self._dues.index(self.state)
        self._chart_moved = 0.0
        self._shown = False
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(300)
        self._fit_timer.timeout.connect(self.map.fit_city)
        self._restore()
        self._update_status()
        gc.freeze()  # what was loaded lives as long as the window: see _collector_spared

    # ---------------------------------------------------------------------------- build

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea
              ) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"replay-dock-{name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_toolbars(self) -> None:
        top = QToolBar(self.tr("Indicators"), self)
        top.setObjectName("replay-toolbar-kpis")
        top.setMovable(False)
        self.banner = QLabel(self.tr("REPLAY · read-only"))
        self.banner.setStyleSheet(
            f"QLabel {{ color: white; background: {theme.WARNING}; font-weight: 700; "
            "padding: 6px 12px; border-radius: 3px; }")
        self.banner.setToolTip(self.tr(
            "Recorded history: nothing is ever sent and the live state never changes"))
        top.addWidget(self.banner)
        top.addWidget(self.kpis)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, top)
        self.addToolBarBreak()
        self.map_bar = ReplayMapBar(self, self.map_sync, self.settings)
        self.tracks_action = self.map_bar.tracks_action
        self.fit_tracks_action = self.map_bar.fit_tracks_action
        self.level_box, self.shade_box = self.map_bar.level_box, self.map_bar.shade_box
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.map_bar)
        bottom = QToolBar(self.tr("Timeline"), self)
        bottom.setObjectName("replay-toolbar-scrubber")
        bottom.setMovable(False)
        bottom.addWidget(self.scrubber)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bottom)

    def _build_menus(self) -> None:
        m = self.menuBar().addMenu(self.tr("&File"))
        self.export_pdf_action = m.addAction(self.tr("Export shift report (PDF)…"))
        self.export_pdf_action.setShortcut(QKeySequence(REPLAY_SHORTCUTS["export_pdf"]))
        self.export_pdf_action.triggered.connect(lambda: self.ask_export("pdf"))
        self.export_csv_action = m.addAction(self.tr("Export shift report (CSV)…"))
        self.export_csv_action.setShortcut(QKeySequence(REPLAY_SHORTCUTS["export_csv"]))
        self.export_csv_action.triggered.connect(lambda: self.ask_export("csv"))
        m.addSeparator()
        close = m.addAction(self.tr("&Close"))
        close.setShortcut(QKeySequence.StandardKey.Close)
        close.triggered.connect(self.close)
        r = self.menuBar().addMenu(self.tr("&Replay"))
        acts = self.scrubber.actions_by_key()
        for key in ("play", "prev", "next", "prev_incident", "next_incident", "start", "end"):
            r.addAction(acts[key])
        r.addSeparator()
        for key in ("slower", "faster", "bookmark"):
            r.addAction(acts[key])
        self.addActions(list(acts.values()))  # their shortcuts work anywhere in the window
        v = self.menuBar().addMenu(self.tr("&View"))
        for dock in (self.queue_dock, self.detail_dock, self.units_dock, self.bookmarks_dock,
                     self.chart_dock):
            v.addAction(dock.toggleViewAction())
        v.addAction(self.tracks_action)

    def _build_status(self) -> None:
        sb = self.statusBar()
        r = self.replayer
        tz = self.console.tz
        self.window_label = QLabel(self.tr("Window {0} — {1} · {2} events").replace(
            "{0}", labels.full_time(r.start_ts, tz)).replace(
            "{1}", labels.full_time(r.end_ts, tz)).replace("{2}", f"{len(r):,}"))
        self.seq_label = QLabel()
        self.source_label = QLabel(self.source)
        sb.addWidget(self.window_label)
        sb.addPermanentWidget(self.seq_label)
        sb.addPermanentWidget(self.source_label)

    # -------------------------------------------------------------------------- moving

    @property
    def state(self) -> DispatchState:
        """The state shown (the console's)."""
        return self.console.state

    def now(self) -> float:
        """The replay's instant: the console's clock (time limits, KPIs of the day)."""
        return self.instant

    def go_to(self, position: int, instant: float | None = None) -> None:
        """Show the state at ``position`` (every panel) and the instant ``instant``."""
        r = self.replayer
        position = max(0, min(len(r), position))
        before = self.instant
        self.instant = r.ts_at(position) if instant is None else instant
        if position == self.position:
            self._step(set(), set(), before)
        elif position > self.position and position - self.position <= 2 * r.spacing:
            incidents, units = r.advance(self.state, self.position, position)
            self.position = position
            self._step(incidents, units, before)
        else:
            with _collector_spared():
                self._jump(position, before)
        if self.scrubber.position != position:
            self.scrubber.set_position(position, instant=self.instant)
        now = time.monotonic()
        if not self.scrubber.playing or now - self._chart_moved >= CHART_FRAME_S:
            self._chart_moved = now  # the chart redraws whole: a few times a second is enough
            self.chart.set_instant(self.instant)
        self._update_status()

    def _step(self, incidents: set[str], units: set[str], before: float) -> None:
        """Playing on: the records ``advance`` changed, and the clocks that ran out."""
        if incidents:
            self._dues.index(self.state, incidents)
        incidents |= self._dues.between(before, self.instant)
        self.console.apply_changes(incidents, units)

    def _jump(self, position: int, before: float) -> None:
        """A seek: the state at ``position`` replaces the one shown (or the one shown plays on
        to it, when that applies fewer events than rebuilding it); every view is told which
        records differ (row-level, as when playing on), then the debounced figures follow at
        once (each panel, on :attr:`ConsoleModel.sig_state_replaced`). The map goes first:
        its page draws in another process while the panels here update."""
        r = self.replayer
        if self.position < position <= self.position + r.rebuild_cost(position):
            new = self.state  # played on in place
            incidents, units = r.advance(new, self.position, position)
        else:
            new = r.state_at(position)
            incidents, units = changed_between(self.state, new)
        self.position = position
        self._dues.index(new, incidents)
        incidents |= self._dues.between(before, self.instant)
        self.console.replace_state(new, (incidents, units))

    def go_to_time(self, ts: float) -> None:
        self.scrubber.seek_time(ts)

    def _update_status(self) -> None:
        r = self.replayer
        seq = r.seq_at(self.position)
        self.seq_label.setText(self.tr("event #{0} · {1} incidents · {2} units").replace(
            "{0}", f"{seq:,}").replace("{1}", f"{len(self.state.incidents):,}").replace(
            "{2}", f"{len(self.state.units):,}"))

    def _on_bookmark_added(self, _index: int) -> None:
        self.bookmarks_dock.show()
        self.bookmarks_dock.raise_()

    # --------------------------------------------------------------------------- report

    def export_report(self, path: Path | str, fmt: str | None = None) -> Path:
        """Write the shift report of the window (``pdf`` or ``csv``, by default from the
        file's suffix) with the bookmarks; returns the path."""
        from dispatch.services.report.csv_file import write_csv
        from dispatch.services.report.names import names_for
        from dispatch.services.report.pdf import write_pdf

        out = Path(path)
        kind = (fmt or out.suffix.lstrip(".")).lower()
        if kind not in ("pdf", "csv"):
            raise ValueError(f"export as pdf or csv, not {kind!r}")
        report = self.replayer.shift_report(bookmarks=self.scrubber.bookmarks)
        names = names_for(self.console.catalogue, self.console.city,
                          "zh" if self.console.language == "zh" else "en")
        photos = self.console.photos.media_dir() if self.console.photos is not None else None
        return write_pdf(report, out, names, media_dir=photos) if kind == "pdf" else \
            write_csv(report, out, names)

    def ask_export(self, kind: str) -> None:
        tz = self.console.tz
        stem = f"shift-{labels.local(self.replayer.start_ts, tz):%Y%m%d-%H%M}"
        flt = self.tr("PDF files (*.pdf)") if kind == "pdf" else self.tr("CSV files (*.csv)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export shift report"),
                                              f"{stem}.{kind}", flt)
        if not path:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            out = self.export_report(path, kind)
        except (OSError, ValueError) as exc:
            self.statusBar().showMessage(self.tr("Could not export: {0}").replace("{0}", str(exc)),
                                         10_000)
        else:
            self.statusBar().showMessage(self.tr("Shift report saved to {0}").replace(
                "{0}", str(out)), 10_000)
        finally:
            QApplication.restoreOverrideCursor()

    # -------------------------------------------------------------------------- guards

    def _refuse(self, command: object, _expected: object, context: str) -> None:
        """Replay never sends commands: refuse every request at once."""
        self.refused += 1
        message = self.tr("Replay is read-only: nothing was sent to the server")
        log.info("refused %s in replay", type(command).__name__)
        self.statusBar().showMessage(message, 6000)
        self.console.command_finished(context, False, message)

    # --------------------------------------------------------------------------- state

    def showEvent(self, event: object) -> None:
        super().showEvent(event)  # type: ignore[arg-type]
        if not self._shown:
            # The page sizes itself once the window is laid out: fit the city after that.
            self._shown = True
            self._fit_timer.start()

    def _restore(self) -> None:
        if self.settings is None:
            return
        geo = self.settings.value("replay/geometry")
        state = self.settings.value("replay/state")
        if isinstance(geo, QByteArray):
            self.restoreGeometry(geo)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.scrubber.pause()
        if self.places is not None:
            self.places.stop()
        if self.settings is not None:
            self.settings.setValue("replay/geometry", self.saveGeometry())
            self.settings.setValue("replay/state", self.saveState(LAYOUT_VERSION))
        super().closeEvent(event)
