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

import argparse
import gc
import logging
import operator
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QFrame,
    QHeaderView,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QWidget,
)

from console.map_sync import MapSync
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.roles import Actor, Role
from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.status import OPEN_STATUSES
from dispatch.domain.timelimits import DueIndex
from dispatch.services.replay import (
    IncidentTimeline,
    Replayer,
    ReplayError,
    changed_between,
    city_zone,
    iter_history,
    parse_instant,
)
from maps.view import MapView
from widgets import labels, theme
from widgets.console_model import ConsoleModel
from widgets.detail_panel import IncidentDetail
from widgets.incident_model import IncidentTableModel
from widgets.incident_timeline import IncidentTimelineChart
from widgets.kpi_strip import KpiStrip
from widgets.queue_panel import QueuePanel
from widgets.timeline_scrubber import TimelineScrubber
from widgets.unit_board import UnitBoard

log = logging.getLogger("gridline.replay")
LEVELS = ("district", "street", "community", "grid")
# Saved window layouts of another version are not restored.
LAYOUT_VERSION = 2
# The time limits of an incident (any may be None).
_DUES = operator.attrgetter("dispatch_due", "ack_due", "handle_due", "verify_due")
# While playing, the timeline chart's cursor moves at most this often (seconds).
CHART_FRAME_S = 0.25
# A jump changing at least this many map markers sends them to the page at once, so that the
# page draws them while the other panels update.
SEND_AT_ONCE = 500


translate = QCoreApplication.translate


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


class ReplayWindow(QMainWindow):
    """The replay of one window of history (see the module docstring)."""

    def __init__(self, replayer: Replayer, catalogue: Catalogue, city: City, *,
                 source: str = "", operator: str = "replay", settings: QSettings | None = None,
                 language: str = "en", level: str = "grid",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.replayer = replayer
        self.source = source
        self.settings = settings
        self.position = 0
        self.instant = replayer.start_ts
        self.state: DispatchState = replayer.state_at(0)
        self.refused = 0
        self._dues = DueIndex()  # time limits of the open incidents
        self._due_of: dict[str, tuple[float, ...]] = {}
        self.selected_unit = ""
        self.timeline: IncidentTimeline | None = None
        actor = Actor(operator or "replay", Role.WALL, "", "replay")
        self.console = ConsoleModel(self.state, catalogue, city, actor, now=self.now,
                                    language=language, parent=self)
        self.console.sig_command_requested.connect(self._refuse)
        self.setWindowTitle(self.tr("Gridline replay — {0}").replace("{0}", city.name))
        self.resize(1920, 1080)

        self.map = MapView(self)
        self.map_sync = MapSync(self.console, self.map, level=level if level in LEVELS
                                else "grid", choropleth="open")
        self.map_sync.send_at_once = SEND_AT_ONCE
        table = IncidentTableModel(self.console, self)
        self.queue = QueuePanel(self.console, table=table)
        # Playing at 64×, every countdown of a city changes every second: refresh the rows on
        # screen only (the replay itself signals incidents whose clocks ran out).
        table.set_tick_rows(self._queue_rows_on_screen)
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
        self.bookmarks = self._bookmark_table()
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
        self.scrubber.sig_bookmark_added.connect(self._on_bookmark_added)
        self.scrubber.sig_bookmarks_changed.connect(self._fill_bookmarks)
        self.scrubber.sig_playing_changed.connect(lambda _p: self._update_status())
        self.console.sig_incident_selected.connect(self._on_incident_selected)
        self.units.sig_unit_selected.connect(self._on_unit_selected)
        self.map.sig_unit_clicked.connect(self._on_unit_selected)
        self.chart.sig_marker_clicked.connect(lambda p: self.scrubber.set_position(p, emit=True))
        self.queue.sig_activated.connect(lambda _iid: self.detail_dock.raise_())
        # With no filter and no sort on the unit board, a change cannot show, hide or move a
        # row: the proxy need not re-check 26,000 rows when a seek changes thousands.
        self.units.proxy.sig_filter_changed.connect(self._tune_unit_proxy)
        self.units.view.header().sortIndicatorChanged.connect(
            lambda *_: self._tune_unit_proxy())
        self._tune_unit_proxy()
        self._index_dues()
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

    def _bookmark_table(self) -> QTableWidget:
        t = QTableWidget(0, 2, self)
        t.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Note")])
        t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)
        t.verticalHeader().hide()
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                          | QAbstractItemView.EditTrigger.EditKeyPressed
                          | QAbstractItemView.EditTrigger.AnyKeyPressed)
        t.itemChanged.connect(self._on_bookmark_edited)
        t.cellDoubleClicked.connect(self._on_bookmark_double_clicked)
        t.setToolTip(self.tr(
            "Ctrl+B bookmarks the instant shown; double-click a time to go there"))
        return t

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
        bar = QToolBar(self.tr("Map"), self)
        bar.setObjectName("replay-toolbar-map")
        bar.addWidget(QLabel(self.tr("Level ")))
        self.level_box = QComboBox()
        for lv, text in zip(LEVELS, (self.tr("District"), self.tr("Street"), self.tr("Community"),
                                     self.tr("Grid")), strict=True):
            self.level_box.addItem(text, lv)
        self.level_box.setCurrentIndex(LEVELS.index(self.map_sync.level))
        self.level_box.currentIndexChanged.connect(
            lambda _i: self.map_sync.set_level(self.level_box.currentData()))
        bar.addWidget(self.level_box)
        bar.addWidget(QLabel(self.tr(" Shade ")))
        self.shade_box = QComboBox()
        for mode, text in ((None, self.tr("None")), ("open", self.tr("Open incidents")),
                           ("overdue", self.tr("Overdue incidents"))):
            self.shade_box.addItem(text, mode)
        self.shade_box.setCurrentIndex(1)
        self.shade_box.currentIndexChanged.connect(
            lambda _i: self.map_sync.set_choropleth_mode(self.shade_box.currentData()))
        bar.addWidget(self.shade_box)
        self.tracks_action = QAction(self.tr("Unit tracks"), self)
        self.tracks_action.setCheckable(True)
        self.tracks_action.setChecked(True)
        self.tracks_action.setToolTip(self.tr(
            "Paths over the window of the selected incident's units, or of the selected unit"))
        self.tracks_action.toggled.connect(self.set_tracks_visible)
        bar.addAction(self.tracks_action)
        self.fit_tracks_action = QAction(self.tr("Zoom to tracks"), self)
        self.fit_tracks_action.setShortcut(QKeySequence("Ctrl+T"))
        self.fit_tracks_action.triggered.connect(self.map.fit_tracks)
        bar.addAction(self.fit_tracks_action)
        fit = QAction(self.tr("Whole city"), self)
        fit.setShortcut(QKeySequence("Ctrl+0"))
        fit.triggered.connect(self.map.fit_city)
        bar.addAction(fit)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        bottom = QToolBar(self.tr("Timeline"), self)
        bottom.setObjectName("replay-toolbar-scrubber")
        bottom.setMovable(False)
        bottom.addWidget(self.scrubber)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bottom)

    def _build_menus(self) -> None:
        m = self.menuBar().addMenu(self.tr("&File"))
        self.export_pdf_action = m.addAction(self.tr("Export shift report (PDF)…"))
        self.export_pdf_action.setShortcut(QKeySequence("Ctrl+P"))
        self.export_pdf_action.triggered.connect(lambda: self.ask_export("pdf"))
        self.export_csv_action = m.addAction(self.tr("Export shift report (CSV)…"))
        self.export_csv_action.setShortcut(QKeySequence("Ctrl+E"))
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
            self._index_dues(incidents)
        incidents |= self._clock_flips(before, self.instant)
        self.console.apply_changes(incidents, units)

    def _jump(self, position: int, before: float) -> None:
        """A seek: the state at ``position`` replaces the one shown (or the one shown plays on
        to it, when that applies fewer events than rebuilding it); every view is told which
        records differ (row-level, as when playing on), then the debounced figures follow at
        once. The map goes first: its page draws in another process while the panels here
        update."""
        r = self.replayer
        if self.position < position <= self.position + r.rebuild_cost(position):
            incidents, units = r.advance(self.state, self.position, position)
        else:
            new = r.state_at(position)
            incidents, units = changed_between(self.state, new)
            self.state = self.console.state = new
        self.position = position
        self._index_dues(incidents)
        incidents |= self._clock_flips(before, self.instant)
        self.queue.attention_enabled = False  # the past's urgent incidents are not news
        try:
            self.console.apply_changes((), units)
            self.console.apply_changes(incidents, ())
        finally:
            self.queue.attention_enabled = True
        self.map_sync.update_choropleth()  # counted from the incidents just drawn
        self.queue.table.prune()  # rows of incidents gone at this instant (now hidden)
        self.kpis.refresh()
        self.units.refresh_summary()
        self.queue.refresh_counts()

    def _clock_flips(self, a: float, b: float) -> set[str]:
        """Open incidents with a time limit between the instants ``a`` and ``b``."""
        return set(self._dues.between(a, b))

    def _index_dues(self, changed: Iterable[str] | None = None) -> None:
        """Keep the time limits of the open incidents sorted (all, or those ``changed``)."""
        incidents = self.state.incidents

        def dues_of(inc: Incident | None) -> tuple[float, ...]:
            if inc is None or inc.status not in OPEN_STATUSES:
                return ()
            return tuple({d for d in _DUES(inc) if d is not None})

        if changed is not None and not isinstance(changed, (set, frozenset, list, tuple)):
            changed = list(changed)
        if changed is None or len(changed) > max(64, len(self._due_of) // 4):
            self._due_of = {iid: got for iid, inc in incidents.items() if (got := dues_of(inc))}
            self._dues = DueIndex((d, iid) for iid, ds in self._due_of.items() for d in ds)
            return
        dues, due_of = self._dues, self._due_of
        for iid in changed:
            mine = dues_of(incidents.get(iid))
            old = due_of.pop(iid, ())
            if mine:
                due_of[iid] = mine
            if old == mine:
                continue
            for d in old:
                dues.remove(d, iid)
            for d in mine:
                dues.add(d, iid)

    def _queue_rows_on_screen(self) -> list[int]:
        """Source rows of the queue's table shown in its viewport."""
        view, proxy = self.queue.view, self.queue.proxy
        if not view.isVisible():
            return []
        top = view.rowAt(0)
        if top < 0:
            return []
        bottom = view.rowAt(view.viewport().height() - 1)
        bottom = proxy.rowCount() - 1 if bottom < 0 else bottom
        return [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(top, bottom + 1)]

    def _tune_unit_proxy(self) -> None:
        proxy = self.units.proxy
        sorted_ = self.units.view.isSortingEnabled() and proxy.sortColumn() >= 0
        want = proxy.active or sorted_
        if proxy.dynamicSortFilter() != want:
            proxy.setDynamicSortFilter(want)

    def go_to_time(self, ts: float) -> None:
        self.scrubber.seek_time(ts)

    def _update_status(self) -> None:
        r = self.replayer
        seq = r.seq_at(self.position)
        self.seq_label.setText(self.tr("event #{0} · {1} incidents · {2} units").replace(
            "{0}", f"{seq:,}").replace("{1}", f"{len(self.state.incidents):,}").replace(
            "{2}", f"{len(self.state.units):,}"))

    # ------------------------------------------------------------------------ selection

    def _on_incident_selected(self, incident_id: str, _origin: str) -> None:
        if not incident_id:
            self.scrubber.set_incident_positions([])
            self.chart.show_timeline(None)
            self.timeline = None
            self._draw_tracks()
            return
        try:
            self.timeline = self.replayer.incident_timeline(incident_id)
        except ReplayError:
            self.timeline = None
        self.chart.show_timeline(self.timeline)
        self.chart.set_instant(self.instant)
        self.chart_dock.show()
        self.scrubber.set_incident_positions(self.replayer.incident_positions(incident_id))
        self.selected_unit = ""
        self._draw_tracks()

    def _on_unit_selected(self, unit_id: str) -> None:
        self.selected_unit = unit_id
        self.map.select("unit", unit_id)
        self._draw_tracks()

    def set_tracks_visible(self, visible: bool) -> None:
        self.show_tracks = visible
        self._draw_tracks()

    def track_units(self) -> list[str]:
        """Units whose paths are drawn: the selected unit, else the selected incident's."""
        if self.selected_unit:
            return [self.selected_unit]
        return list(self.timeline.units) if self.timeline is not None else []

    def _draw_tracks(self) -> None:
        ids = self.track_units() if self.show_tracks else []
        if not ids:
            self.map.set_tracks({})
            return
        tracks = self.replayer.unit_tracks(ids)
        self.map.set_tracks({uid: [(lat, lon) for _t, lat, lon in pts]
                             for uid, pts in tracks.items() if pts})

    # ------------------------------------------------------------------------ bookmarks

    def _fill_bookmarks(self) -> None:
        t = self.bookmarks
        t.blockSignals(True)
        t.setRowCount(len(self.scrubber.bookmarks))
        for i, b in enumerate(self.scrubber.bookmarks):
            when = QTableWidgetItem(labels.full_time(b.ts, self.console.tz))
            when.setFlags(when.flags() & ~Qt.ItemFlag.ItemIsEditable)
            when.setData(Qt.ItemDataRole.UserRole, b.position)
            t.setItem(i, 0, when)
            t.setItem(i, 1, QTableWidgetItem(b.note))
        t.blockSignals(False)

    def _on_bookmark_added(self, index: int) -> None:
        self._fill_bookmarks()
        self.bookmarks_dock.show()
        self.bookmarks_dock.raise_()
        self.bookmarks.setCurrentCell(index, 1)
        item = self.bookmarks.item(index, 1)
        if item is not None:
            self.bookmarks.editItem(item)

    def _on_bookmark_edited(self, item: QTableWidgetItem) -> None:
        if item.column() == 1 and item.row() < len(self.scrubber.bookmarks):
            self.scrubber.set_bookmark_note(item.row(), item.text())

    def _on_bookmark_double_clicked(self, row: int, column: int) -> None:
        if column == 0 and row < len(self.scrubber.bookmarks):
            b = self.scrubber.bookmarks[row]
            self.scrubber.set_position(b.position, emit=True, instant=b.ts)

    # --------------------------------------------------------------------------- report

    def export_report(self, path: Path | str, fmt: str | None = None) -> Path:
        """Write the shift report of the window (``pdf`` or ``csv``, by default from the
        file's suffix) with the bookmarks; returns the path."""
        from dispatch.services.report import names_for, write_csv, write_pdf

        out = Path(path)
        kind = (fmt or out.suffix.lstrip(".")).lower()
        if kind not in ("pdf", "csv"):
            raise ValueError(f"export as pdf or csv, not {kind!r}")
        report = self.replayer.shift_report(bookmarks=self.scrubber.bookmarks)
        names = names_for(self.console.catalogue, self.console.city,
                          "zh" if self.console.language == "zh" else "en")
        return write_pdf(report, out, names) if kind == "pdf" else write_csv(report, out, names)

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

    def showcase(self) -> None:
        """Go to a busy instant and select an escalated incident there (screenshots)."""
        r = self.replayer
        if not len(r):
            return
        pos = int(len(r) * 0.6)
        self.scrubber.set_position(pos, emit=True)
        best = ""
        for inc in self.state.incidents.values():
            if inc.is_open and inc.escalations and inc.units:
                best = inc.id
                break
        if not best:
            best = next((i.id for i in self.state.incidents.values() if i.is_open and i.units),
                        "")
        if best:
            self.console.select_incident(best, "replay")
            self.scrubber.add_bookmark(self.tr("Handover: check this incident"))
            self._fit_timer.stop()
            self.map.fit_tracks()

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
        if self.settings is not None:
            self.settings.setValue("replay/geometry", self.saveGeometry())
            self.settings.setValue("replay/state", self.saveState(LAYOUT_VERSION))
        super().closeEvent(event)


# ------------------------------------------------------------------------------ loading


@dataclass(frozen=True, slots=True)
class ReplayWindowSpec:
    """What to replay: a time window, or the life of one incident (ISO texts as given)."""

    since: str | None = None
    until: str | None = None
    incident: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ReplayWindowSpec:
        spec = cls(getattr(args, "from_", None), getattr(args, "to", None),
                   getattr(args, "incident", None))
        if spec.incident and (spec.since or spec.until):
            raise ReplayError("give --incident or --from/--to, not both")
        return spec

    def bounds(self, catalogue: Catalogue) -> tuple[float | None, float | None]:
        tz = city_zone(catalogue.calendar.utc_offset_minutes)
        since = parse_instant(self.since, tz) if self.since else None
        until = parse_instant(self.until, tz) if self.until else None
        if since is not None and until is not None and until < since:
            raise ReplayError("--to is before --from")
        return since, until


def database_url(text: str) -> str:
    """A database URL, or a SQLite file path made into one (it must exist)."""
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    if not path.is_file():
        raise ReplayError(f"no database file at {path}")
    return f"sqlite:///{path}"


def load_from_store(url: str, spec: ReplayWindowSpec, catalogue: Catalogue,
                    progress: Callable[[int, int], None] | None = None
                    ) -> tuple[Replayer, City]:
    """Open a database straight (read-only: no migration, nothing written; a SQLite file is
    opened with ``mode=ro`` and keeps its journal mode)."""
    from dispatch.adapters.geojson_io import import_geojson
    from dispatch.adapters.store import EventStore

    store = EventStore(url, migrate=False, read_only=True)
    geo = store.load_city_geojson()
    if geo is None:
        store.close()
        raise ReplayError("the database holds no city; is it a Gridline database?")
    since, until = spec.bounds(catalogue)
    replayer = Replayer.from_store(store, since_ts=since, until_ts=until,
                                   incident_id=spec.incident)
    replayer.prepare(progress)
    return replayer, import_geojson(geo)


def load_from_server(query: Callable[..., dict[str, Any]], spec: ReplayWindowSpec,
                     catalogue: Catalogue, server_time: float,
                     progress: Callable[[int, int], None] | None = None) -> Replayer:
    """Page the server's history query: everything before the window folds into its start
    state, the window's events are kept."""
    since, until = spec.bounds(catalogue)
    if spec.incident:
        mine = list(iter_history(query, incident_id=spec.incident))
        if not mine:
            raise ReplayError(f"no incident {spec.incident!r} in the history")
        since, until = mine[0].ts, mine[-1].ts
    else:
        until = server_time if until is None else until
        since = until - 86400.0 if since is None else since
    replayer = Replayer.from_history(iter_history(query, until_ts=until), since_ts=since,
                                     until_ts=until, clamp_start=spec.since is None)
    replayer.prepare(progress)
    return replayer


def begin_replay(startup: Any) -> int | None:
    """The ``--replay`` branch of :class:`console.startup.Startup` (same fields and helpers):
    from ``--db`` straight, else from the embedded server or ``--connect``."""
    startup.replay = _ReplayStartup(startup)  # kept: its timer and callbacks need it
    return startup.replay.begin()  # type: ignore[no-any-return]


class _ReplayStartup:
    def __init__(self, startup: Any) -> None:
        self.s = startup
        self.args = startup.args
        from dispatch.adapters.catalogue_loader import default_catalogue

        self.catalogue = default_catalogue()

    def begin(self) -> int | None:
        try:
            self.spec = ReplayWindowSpec.from_args(self.args)
            self.spec.bounds(self.catalogue)
        except ReplayError as exc:
            print(f"gridline: {exc}", file=sys.stderr)
            return 2
        if self.args.db:
            try:
                url = database_url(self.args.db)
            except ReplayError as exc:
                print(f"gridline: {exc}", file=sys.stderr)
                return 2
            self.s.progress = self.s._progress(translate("ReplayWindow", "Reading the history…"))
            self._load(lambda: load_from_store(url, self.spec, self.catalogue),
                       source=translate("ReplayWindow", "database {0}").replace(
                           "{0}", url.split("@")[-1]),
                       operator=os.environ.get("USER", "replay"))
            return None
        if self.args.connect:
            return self._remote()
        return self._embedded()

    # -- server side

    def _embedded(self) -> int | None:
        self.s.start_embedded(simulator=False, on_ready=self._embedded_ready)
        return None

    def _embedded_ready(self, endpoints: Any) -> None:
        user, password, curve = self.s.demo_login("lead")
        self._history(endpoints.command, user, password, curve, embedded=True)

    def _remote(self) -> int | None:
        target = self.s.remote_target()
        if isinstance(target, int):
            return target
        endpoints, curve = target
        credentials = self.s.ask_credentials(endpoints.command)
        if credentials is None:
            return 1
        user, password = credentials
        self.s.progress = self.s._progress(translate("ReplayWindow", "Logging in…"))
        self._history(endpoints.command, user, password, curve, embedded=False)
        return None

    def _history(self, endpoint: str, user: str, password: str, curve: Any, *,
                 embedded: bool) -> None:
        from console.startup import load_city_from_db, load_city_from_server
        from dispatch.adapters.client.commands import CommandClient

        if self.s.progress is not None:
            self.s.progress.setLabelText(translate("ReplayWindow", "Reading the history…"))
        url = self.s.settings.database_url
        workstation = self.s.workstation

        def work() -> tuple[Replayer, City]:
            with CommandClient(endpoint, curve=curve, timeout_s=30.0, retries=2) as c:
                login = c.login(user, password, workstation)
                city = load_city_from_db(url) if embedded else load_city_from_server(c)
                replayer = load_from_server(c.query, self.spec, self.catalogue,
                                            login.server_time)
            return replayer, city

        source = translate("ReplayWindow", "server {0}").replace("{0}", endpoint)
        self._load(work, source=source, operator=user)

    # -- both

    def _load(self, work: Callable[[], tuple[Replayer, City]], *, source: str,
              operator: str) -> None:
        from console.background import run_in_background

        s = self.s

        def done(result: Any, error: BaseException | None) -> None:
            if error is not None:
                s.fail(translate("ReplayWindow", "Could not load the history: {0}").replace(
                    "{0}", str(error)))
                return
            if s.progress is not None and s.progress.wasCanceled():
                s.fail(translate("ReplayWindow", "Start-up cancelled."), code=1)
                return
            replayer, city = result
            self._open(replayer, city, source, operator)

        run_in_background(work, done)

    def _open(self, replayer: Replayer, city: City, source: str, operator: str) -> None:
        s = self.s
        # A screenshot shows the default layout, not the one saved last time.
        settings = None if self.args.screenshot is not None else s.qsettings
        s.window = ReplayWindow(replayer, self.catalogue, city, source=source,
                                operator=operator, settings=settings, language=s.language,
                                level=self.args.level or "grid")
        if s.progress is not None:
            s.progress.close()
            s.progress = None
        if self.args.screenshot is not None:
            s.window.map.sig_ready.connect(self._shot)
        s.window.show()

    def _shot(self) -> None:
        self.s.window.map.sig_ready.disconnect(self._shot)
        self.s.window.showcase()
        self.s._screenshot_soon()
