"""The intake form's place history: past incidents near the point being taken (possible
duplicates, repeat callers), as a table the operator can open a row of or mark the new report
as a duplicate of.

:class:`HistoryModel` is a thin table model over a list of
:class:`~dispatch.domain.location_history.PastIncident`; :class:`PlaceHistoryPanel` shows it with
its two buttons. The lookup itself is :func:`dispatch.domain.location_history.location_history`
over the console's :meth:`~widgets.console_model.ConsoleModel.point_index`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain.location_history import PastIncident
from widgets import labels, theme
from widgets.console_model import ConsoleModel
from widgets.rows import ListTableModel

translate = QCoreApplication.translate
Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("id", "when", "distance", "class", "status", "flags")
ID_ROLE = Qt.ItemDataRole.UserRole + 1


class HistoryModel(ListTableModel):
    """Rows: past incidents of the place, as :func:`location_history` ordered them."""

    CONTEXT = "HistoryModel"
    HEADERS = (QT_TRANSLATE_NOOP("HistoryModel", "Incident"),
               QT_TRANSLATE_NOOP("HistoryModel", "Reported"),
               QT_TRANSLATE_NOOP("HistoryModel", "Distance"),
               QT_TRANSLATE_NOOP("HistoryModel", "Class"),
               QT_TRANSLATE_NOOP("HistoryModel", "Status"),
               QT_TRANSLATE_NOOP("HistoryModel", "Why"))

    def __init__(self, console: ConsoleModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.console = console
        self.rows: list[PastIncident] = []

    def set_rows(self, rows: Sequence[PastIncident]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def items(self) -> list[PastIncident]:
        return self.rows

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        inc = row.incident
        col = COLUMNS[index.column()]
        if role == ID_ROLE:
            return inc.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "id":
                return inc.id
            if col == "when":
                return labels.clock_time(inc.reported_at, self.console.tz, self.console.now())
            if col == "distance":
                return labels.distance(row.distance_m)
            if col == "class":
                return self.console.class_name(inc.class_code)
            if col == "status":
                return labels.incident_status(inc.status)
            return flags_text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return inc.description
        if role == Qt.ItemDataRole.ForegroundRole and col == "flags" and (
                row.possible_duplicate or row.repeat_caller):
            return QBrush(QColor(theme.WARNING))
        return None


def flags_text(row: PastIncident) -> str:
    """Why a past incident is listed: possible duplicate, repeat caller, same address."""
    words = []
    if row.possible_duplicate:
        words.append(translate("HistoryModel", "possible duplicate"))
    if row.repeat_caller:
        words.append(translate("HistoryModel", "repeat caller"))
    if row.same_address:
        words.append(translate("HistoryModel", "same address"))
    return ", ".join(words) or translate("HistoryModel", "nearby")


class PlaceHistoryPanel(QWidget):
    """The table of past incidents and what can be done with a row."""

    sig_open = Signal(str)
    """Show this past incident (its id) in the console."""

    sig_duplicate_chosen = Signal(str)
    """The report being taken duplicates this incident (its id; "" = it does not)."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(console, self)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600;")
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setMinimumHeight(110)
        self.view.doubleClicked.connect(lambda _i: self.open_selected())
        self.open_button = QPushButton(translate("PlaceHistoryPanel", "Open"))
        self.open_button.setAutoDefault(False)
        self.open_button.setToolTip(translate("PlaceHistoryPanel",
                                              "Show the incident in the console"))
        self.open_button.clicked.connect(self.open_selected)
        self.duplicate_button = QPushButton(translate("PlaceHistoryPanel", "Same problem"))
        self.duplicate_button.setAutoDefault(False)
        self.duplicate_button.setCheckable(True)
        self.duplicate_button.setToolTip(translate(
            "PlaceHistoryPanel", "File the call as a duplicate of the selected incident"))
        self.duplicate_button.clicked.connect(self._toggle_duplicate)
        self.duplicate_of = ""
        buttons = QHBoxLayout()
        buttons.addWidget(self.title, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.duplicate_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(buttons)
        lay.addWidget(self.view, 1)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        self.set_rows([], radius_m=0, days=0)

    def set_rows(self, rows: Sequence[PastIncident], *, radius_m: float, days: float) -> None:
        ids = {r.incident.id for r in rows}
        if self.duplicate_of and self.duplicate_of not in ids:
            self.choose_duplicate("")
        self.model.set_rows(rows)
        if rows:
            self.title.setText(translate(
                "PlaceHistoryPanel", "%1 incidents within %2 m in the last %3 days")
                .replace("%1", str(len(rows))).replace("%2", f"{radius_m:.0f}")
                .replace("%3", f"{days:g}"))
        else:
            self.title.setText(translate("PlaceHistoryPanel", "No incident here lately"))
        self._enable()

    def ids(self) -> list[str]:
        return [r.incident.id for r in self.model.rows]

    def selected_id(self) -> str:
        rows = self.view.selectionModel().selectedRows()
        return str(self.model.data(rows[0], ID_ROLE)) if rows else ""

    def select(self, incident_id: str) -> bool:
        for row, past in enumerate(self.model.rows):
            if past.incident.id == incident_id:
                self.view.selectRow(row)
                return True
        return False

    def open_selected(self) -> None:
        iid = self.selected_id()
        if iid:
            self.sig_open.emit(iid)

    def choose_duplicate(self, incident_id: str) -> None:
        self.duplicate_of = incident_id
        self.duplicate_button.setChecked(bool(incident_id))
        self.duplicate_button.setText(
            translate("PlaceHistoryPanel", "Duplicate of %1").replace("%1", incident_id)
            if incident_id else translate("PlaceHistoryPanel", "Same problem"))
        self.sig_duplicate_chosen.emit(incident_id)
        self._enable()

    def _toggle_duplicate(self) -> None:
        self.choose_duplicate("" if self.duplicate_of else self.selected_id())

    def _enable(self) -> None:
        chosen = bool(self.selected_id())
        self.open_button.setEnabled(chosen)
        self.duplicate_button.setEnabled(chosen or bool(self.duplicate_of))
