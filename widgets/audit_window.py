"""The audit trail window of shift leads and administrators: filters (operator, workstation,
incident, action, from/to), the lines found, newest first, and an export as CSV.

The window does not talk to the server itself: it is given ``fetch(filters) → AuditRead``
(the console's :class:`~dispatch.adapters.client.commands.CommandClient.audit` behind a session) and
``run(fn, on_done)``, which calls ``fn`` off the GUI thread and ``on_done(result, error)`` on
it; the GUI never waits for the server. Who may read the audit is the server's decision: a
refusal is shown as the server words it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch.adapters.client.commands import AuditRead
from widgets.audit_model import ACTIONS, AuditTableModel, Column, action_label

translate = QCoreApplication.translate

Fetch = Callable[[dict[str, Any]], AuditRead]
Runner = Callable[[Callable[[], Any], Callable[[Any, "BaseException | None"], None]], None]

MAX_ROWS = 50_000
"""Lines shown at most; beyond, the window asks for narrower filters."""
DEFAULT_SPAN_S = 24 * 3600
"""The "from" filter starts this long before the window opens."""


class AuditWindow(QWidget):
    """Filters, the table of audit lines and the CSV export (see the module docstring)."""

    sig_loaded = Signal(int)
    """A fetch finished and the table shows this many lines."""

    sig_failed = Signal(str)
    """A fetch failed; the message says why (also shown in the window)."""

    def __init__(self, fetch: Fetch, run: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("audit-window")
        self._fetch, self._run = fetch, run
        self.loading = False
        self.truncated = False
        self.setWindowTitle(translate("AuditWindow", "Audit trail"))
        self.resize(1280, 720)

        self.operator = QLineEdit()
        self.operator.setPlaceholderText(translate("AuditWindow", "any operator"))
        self.workstation = QLineEdit()
        self.workstation.setPlaceholderText(translate("AuditWindow", "any workstation"))
        self.incident = QLineEdit()
        self.incident.setPlaceholderText(translate("AuditWindow", "any incident"))
        self.action = QComboBox()
        self.action.setEditable(True)
        self.action.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.action.addItem(translate("AuditWindow", "All actions"), "")
        for code in ACTIONS:
            self.action.addItem(action_label(code), code)
        self.action.setToolTip(translate("AuditWindow", "Pick an action or type its code"))
        now = QDateTime.currentDateTime()
        self.use_since = QCheckBox(translate("AuditWindow", "From"))
        self.use_since.setChecked(True)
        self.since = self._date_edit(now.addSecs(-DEFAULT_SPAN_S))
        self.use_until = QCheckBox(translate("AuditWindow", "To"))
        self.until = self._date_edit(now)
        self.until.setEnabled(False)
        self.use_since.toggled.connect(self.since.setEnabled)
        self.use_until.toggled.connect(self.until.setEnabled)

        self.refresh_button = QPushButton(translate("AuditWindow", "Refresh"))
        self.refresh_button.setDefault(True)
        self.refresh_button.setToolTip(translate("AuditWindow", "Read the audit trail again "
                                                               "with these filters (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(translate("AuditWindow", "Export CSV…"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.ask_export)
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = AuditTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)

        grid = QGridLayout()
        for col, (label, field) in enumerate((
                (translate("AuditWindow", "Operator"), self.operator),
                (translate("AuditWindow", "Workstation"), self.workstation),
                (translate("AuditWindow", "Incident"), self.incident),
                (translate("AuditWindow", "Action"), self.action))):
            caption = QLabel(label)
            caption.setBuddy(field)
            grid.addWidget(caption, 0, 2 * col)
            grid.addWidget(field, 0, 2 * col + 1)
            grid.setColumnStretch(2 * col + 1, 1)
        grid.addWidget(self.use_since, 1, 0)
        grid.addWidget(self.since, 1, 1)
        grid.addWidget(self.use_until, 1, 2)
        grid.addWidget(self.until, 1, 3)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.export_button)
        grid.addLayout(buttons, 1, 4, 1, 4)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        for field in (self.operator, self.workstation, self.incident):
            field.returnPressed.connect(self.refresh)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)

    @staticmethod
    def _date_edit(value: QDateTime) -> QDateTimeEdit:
        edit = QDateTimeEdit(value)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        return edit

    # ------------------------------------------------------------------------ filters

    def filters(self) -> dict[str, Any]:
        """The ``audit`` query's filters as the fields say (empty fields left out)."""
        out: dict[str, Any] = {}
        for name, field in (("operator", self.operator), ("workstation", self.workstation),
                            ("incident_id", self.incident)):
            text = field.text().strip()
            if text:
                out[name] = text
        action = self._action_code()
        if action:
            out["action"] = action
        if self.use_since.isChecked():
            out["since_ts"] = float(self.since.dateTime().toSecsSinceEpoch())
        if self.use_until.isChecked():
            # the minute shown, to its last second
            out["until_ts"] = float(self.until.dateTime().toSecsSinceEpoch() + 59)
        return out

    def _action_code(self) -> str:
        text = self.action.currentText().strip()
        index = self.action.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            return str(self.action.itemData(index) or "")
        return text

    def set_filters(self, *, operator: str = "", workstation: str = "", incident: str = "",
                    action: str = "", since: QDateTime | None = None,
                    until: QDateTime | None = None) -> None:
        """Fill the filter fields (an empty or None value clears that filter)."""
        self.operator.setText(operator)
        self.workstation.setText(workstation)
        self.incident.setText(incident)
        index = self.action.findData(action)
        if index >= 0:
            self.action.setCurrentIndex(index)
        else:
            self.action.setEditText(action)
        self.use_since.setChecked(since is not None)
        if since is not None:
            self.since.setDateTime(since)
        self.use_until.setChecked(until is not None)
        if until is not None:
            self.until.setDateTime(until)

    # -------------------------------------------------------------------------- fetch

    def refresh(self) -> None:
        """Read the audit with the filters, off the GUI thread; the table follows."""
        if self.loading:
            return
        self.loading = True
        self.refresh_button.setEnabled(False)
        self.status.setText(translate("AuditWindow", "Reading the audit trail…"))
        filters, fetch = self.filters(), self._fetch
        self._run(lambda: fetch(filters), self._on_fetched)

    def _on_fetched(self, result: Any, error: BaseException | None) -> None:
        self.loading = False
        self.refresh_button.setEnabled(True)
        if error is not None:
            message = getattr(error, "message", None) or str(error) or type(error).__name__
            self.status.setText(translate("AuditWindow", "Could not read the audit trail: %1")
                                .replace("%1", message))
            self.sig_failed.emit(message)
            return
        assert isinstance(result, AuditRead)
        self.model.set_rows(result.rows)
        self.truncated = result.truncated
        self.export_button.setEnabled(self.model.rowCount() > 0)
        self._fit_columns()
        n = self.model.rowCount()
        text = translate("AuditWindow", "%1 lines").replace("%1", f"{n:,}")
        if result.truncated:
            text += translate("AuditWindow", " — only the oldest %1 are shown; narrow the "
                                             "filters to see the rest").replace("%1", f"{n:,}")
        self.status.setText(text)
        self.sig_loaded.emit(n)

    def _fit_columns(self) -> None:
        view = self.view
        for col in Column:
            if col is not Column.DETAIL:
                view.resizeColumnToContents(col)
                view.setColumnWidth(col, min(view.columnWidth(col) + 12, 320))

    # ------------------------------------------------------------------------- export

    def export_csv(self, path: Path | str) -> int:
        """Write the lines shown to ``path`` (CSV, UTF-8 with BOM); the number written."""
        n = self.model.write_csv(path)
        self.status.setText(translate("AuditWindow", "%1 lines exported to %2")
                            .replace("%1", f"{n:,}").replace("%2", str(path)))
        return n

    def ask_export(self) -> None:
        name = QDateTime.currentDateTime().toString("'audit-'yyyyMMdd-HHmm'.csv'")
        path, _ = QFileDialog.getSaveFileName(
            self, translate("AuditWindow", "Export the audit trail"), name,
            translate("AuditWindow", "CSV files (*.csv)"))
        if not path:
            return
        try:
            self.export_csv(path)
        except OSError as exc:
            self.status.setText(translate("AuditWindow", "Could not write %1: %2")
                                .replace("%1", path).replace("%2", exc.strerror or str(exc)))
