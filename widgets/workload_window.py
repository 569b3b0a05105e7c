"""The shift lead's workload window: per operator, the open incidents they hold, their actions
in the last hour and per hour over the shift, and their refused requests.

Events carry their operator but the console's feed does not (its records are incidents and
units), so the window reads the server: ``fetch(since_ts)`` returns the shift's events (the
``history`` query) and its ``refused`` audit lines; ``run(fn, on_done)`` calls ``fn`` off the
GUI thread and ``on_done(result, error)`` on it. It reads again every minute while shown, on
F5 and on the Refresh button, and says when it last did. Whether an incident is open comes from
the console's live mirror (``open_ids()``); picking an operator lists the incidents they hold
(each with ``describe(id)``), and activating one shows it in the console (``show_incident``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QItemSelection,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dispatch.services.workload import Workload, compute_workload
from widgets.table_window import beside, incident_list, sorted_table
from widgets.workload_model import OPERATOR_ROLE, RAW_ROLE, Column, WorkloadModel

translate = QCoreApplication.translate

Events = Sequence[Mapping[str, Any]]
Fetch = Callable[[float], tuple[Events, Events]]
Runner = Callable[[Callable[[], Any], Callable[[Any, "BaseException | None"], None]], None]

SHIFT_S = 8 * 3600
"""The shift shown at first starts this long before the window opens (whole hours)."""
REFRESH_MS = 60_000
"""Read again this often while the window is shown."""


class WorkloadWindow(QWidget):
    """The operators' table, the incidents of the one picked, and the refresh controls."""

    sig_loaded = Signal(int)
    """A read finished; the table shows this many operators."""

    sig_failed = Signal(str)
    """A read failed; the message says why (also shown in the window)."""

    def __init__(self, fetch: Fetch, run: Runner, *, now: Callable[[], float],
                 open_ids: Callable[[], Iterable[str]],
                 show_incident: Callable[[str], Any] | None = None,
                 describe: Callable[[str], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("workload-window")
        self._fetch, self._run, self._now = fetch, run, now
        self._open_ids, self._show_incident = open_ids, show_incident
        self._describe = describe
        self.loading = False
        self.workload: Workload | None = None
        self.setWindowTitle(translate("WorkloadWindow", "Workload"))
        self.resize(1100, 560)

        start = now() - SHIFT_S
        self.since = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(int(start - start % 3600)))
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd HH:mm")
        since_label = QLabel(translate("WorkloadWindow", "Shift from"))
        since_label.setBuddy(self.since)
        self.refresh_button = QPushButton(translate("WorkloadWindow", "Refresh"))
        self.refresh_button.setToolTip(translate("WorkloadWindow", "Read the shift's events "
                                                                   "again (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.help = QLabel(translate(
            "WorkloadWindow", "An operator holds an open incident when theirs is its last "
            "action. Position reports and the server's own events are not counted."))
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: palette(mid);")

        self.model = WorkloadModel(self)
        self.proxy, self.view = sorted_table(self.model, RAW_ROLE, Column.OPEN,
                                             Qt.SortOrder.DescendingOrder, whole_rows=True,
                                             parent=self)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        side, self.held_label, self.held = incident_list(
            translate("WorkloadWindow", "Pick an operator to list the open incidents they hold"),
            translate("WorkloadWindow", "Double-click or Enter: show the incident in the console"),
            self._on_held_activated)
        split = beside(self.view, side, (4, 1))

        top = QHBoxLayout()
        top.addWidget(since_label)
        top.addWidget(self.since)
        top.addWidget(self.refresh_button)
        top.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.help)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.timer.start()

    def hideEvent(self, event: Any) -> None:
        self.timer.stop()
        super().hideEvent(event)

    # ---------------------------------------------------------------------------- read

    def since_ts(self) -> float:
        return float(self.since.dateTime().toSecsSinceEpoch())

    def refresh(self) -> None:
        """Read the shift's events and refusals off the GUI thread; the table follows."""
        if self.loading:
            return
        since, now = self.since_ts(), self._now()
        if since > now:
            self.status.setText(translate("WorkloadWindow", "The shift cannot start in the "
                                                            "future"))
            return
        self.loading = True
        self.refresh_button.setEnabled(False)
        self.status.setText(translate("WorkloadWindow", "Reading the shift's events…"))
        open_now = frozenset(self._open_ids())
        fetch = self._fetch

        def work() -> Workload:
            events, refusals = fetch(since)
            return compute_workload(events, refusals, since_ts=since, now=now,
                                    is_open=open_now.__contains__)

        self._run(work, self._on_fetched)

    def _on_fetched(self, result: Any, error: BaseException | None) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        if error is not None:
            message = getattr(error, "message", None) or str(error) or type(error).__name__
            self.status.setText(translate("WorkloadWindow", "Could not read the shift: %1")
                                .replace("%1", message))
            self.sig_failed.emit(message)
            return
        assert isinstance(result, Workload)
        picked = self.picked_operator()
        self.workload = result
        self.model.set_workload(result)
        self.view.resizeColumnsToContents()
        if picked:
            self.pick(picked)
        self.status.setText(
            translate("WorkloadWindow", "Updated %1 · %2 actions by %3 operators")
            .replace("%1", QDateTime.currentDateTime().toString("HH:mm:ss"))
            .replace("%2", f"{result.events:,}").replace("%3", str(len(result.operators))))
        self.sig_loaded.emit(self.model.rowCount())

    # ----------------------------------------------------------------------- operators

    def picked_operator(self) -> str:
        rows = self.view.selectionModel().selectedRows()
        return str(rows[0].data(OPERATOR_ROLE)) if rows else ""

    def pick(self, operator: str) -> bool:
        """Select the operator's row (the list shows the incidents they hold)."""
        row = self.model.row_of(operator)
        if row is None:
            return False
        self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
        return True

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.held.clear()
        operator = self.picked_operator()
        row = self.model.row_of(operator) if operator else None
        if row is None:
            return
        load = self.model.load(row)
        self.held_label.setText(translate("WorkloadWindow", "Open incidents %1 holds: %2")
                                .replace("%1", operator).replace("%2", str(len(load.held))))
        for iid in load.held:
            about = self._describe(iid) if self._describe is not None else ""
            item = QListWidgetItem(f"{iid}  {about}" if about else iid)
            item.setData(Qt.ItemDataRole.UserRole, iid)
            self.held.addItem(item)

    def _on_held_activated(self, item: QListWidgetItem) -> None:
        if self._show_incident is not None:
            self._show_incident(str(item.data(Qt.ItemDataRole.UserRole)))
