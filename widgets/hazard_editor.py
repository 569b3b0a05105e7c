"""The hazard editor (Tools → Hazards…, shift leads and admins): the hazards the server holds
in a table, the one being edited in a form (kind, name, note; a point with a radius, or a
grid); saved or removed with a command, the server's answer shown under it.

The point is typed, or taken from the map: while the editor is open, :meth:`HazardEditor.
set_point` (the main window routes a map click to it) fills it in. The table is a thin model
(:class:`HazardTableModel`) over the console's hazards, as last read from the server.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain import commands as cmd
from dispatch.domain.hazards import KINDS, MAX_RADIUS_M, MIN_RADIUS_M
from dispatch.domain.state import Hazard
from widgets import theme
from widgets.console_model import ConsoleModel
from widgets.hazard_list import kind_name
from widgets.rows import ListTableModel

translate = QCoreApplication.translate
Index = QModelIndex | QPersistentModelIndex


class HazardTableModel(ListTableModel):
    """The console's hazards by id, one row each."""

    CONTEXT = "Hazards"
    HEADERS = (QT_TRANSLATE_NOOP("Hazards", "Kind"), QT_TRANSLATE_NOOP("Hazards", "Name"),
               QT_TRANSLATE_NOOP("Hazards", "Where"), QT_TRANSLATE_NOOP("Hazards", "Note"))

    def __init__(self, console: ConsoleModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.console = console
        self.hazards: list[Hazard] = []
        console.sig_hazards_changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self.hazards = [h for _id, h in sorted(self.console.hazards.items())]
        self.endResetModel()

    def items(self) -> list[Hazard]:
        return self.hazards

    def row_of(self, hazard_id: str) -> int:
        return next((i for i, h in enumerate(self.hazards) if h.id == hazard_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        h = self.item_at(index)
        if h is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (kind_name(h.kind), h.name, self.where(h), h.text)[index.column()]
        if role == Qt.ItemDataRole.UserRole:
            return h.id
        return None

    def where(self, h: Hazard) -> str:
        if h.is_point:
            return translate("Hazards", "%1 m around %2, %3").replace(
                "%1", f"{h.radius_m:.0f}").replace("%2", f"{h.lon:.5f}").replace(
                "%3", f"{h.lat:.5f}")
        region = self.console.city.regions.get(h.grid)
        return translate("Hazards", "grid %1").replace(
            "%1", f"{h.grid} {region.name}" if region is not None else h.grid)


class HazardEditor(QDialog):
    """Edit the hazards; every save or removal is a command the server checks."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.setWindowTitle(translate("Hazards", "Hazards at places"))
        self.resize(900, 640)
        self._contexts: set[str] = set()
        self.hazard_id = ""  # the hazard being edited ("" = a new one)
        self.model = HazardTableModel(console, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.clicked.connect(lambda i: self.load(self.model.hazards[i.row()]))

        self.kind = QComboBox()
        for k in KINDS:
            self.kind.addItem(kind_name(k), k)
        self.name = QLineEdit()
        self.name.setPlaceholderText(translate("Hazards", "e.g. Jinji Lake gas station"))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(translate("Hazards", "what a dispatcher should know"))
        self.text.setMaximumHeight(70)
        self.at_point = QRadioButton(translate("Hazards", "Point and radius"))
        self.at_grid = QRadioButton(translate("Hazards", "Whole grid"))
        self.at_point.setChecked(True)
        self.lon = QDoubleSpinBox()
        self.lat = QDoubleSpinBox()
        for spin, lo, hi in ((self.lon, 73.0, 136.0), (self.lat, 3.0, 54.0)):
            spin.setDecimals(6)
            spin.setRange(lo, hi)
        x0, y0, x1, y1 = console.city.bounds
        self.lon.setValue((x0 + x1) / 2)
        self.lat.setValue((y0 + y1) / 2)
        self.radius = QDoubleSpinBox()
        self.radius.setDecimals(0)
        self.radius.setRange(0, 100_000)  # the server says what is out of range
        self.radius.setSuffix(" m")
        self.lon.setPrefix(translate("Hazards", "lon "))
        self.lat.setPrefix(translate("Hazards", "lat "))
        self.radius.setPrefix(translate("Hazards", "radius "))
        self.radius.setValue(150)
        self.grid = QLineEdit()
        self.grid.setPlaceholderText(translate("Hazards", "15-digit grid code"))
        self.point_hint = QLabel(translate(
            "Hazards", "Click the map to take its point, or type it."))
        self.point_hint.setStyleSheet(f"color: {theme.MUTED};")
        self.at_point.toggled.connect(self._enable)

        point_row = QHBoxLayout()
        for w in (self.lon, self.lat, self.radius):
            point_row.addWidget(w)
        form = QFormLayout()
        form.addRow(translate("Hazards", "Kind"), self.kind)
        form.addRow(translate("Hazards", "Name"), self.name)
        form.addRow(translate("Hazards", "Note"), self.text)
        form.addRow(self.at_point, point_row)
        form.addRow("", self.point_hint)
        form.addRow(self.at_grid, self.grid)

        self.new = QPushButton(translate("Hazards", "New hazard"))
        self.new.clicked.connect(self.start_new)
        self.save = QPushButton(translate("Hazards", "Save hazard"))
        self.save.clicked.connect(self.save_hazard)
        self.remove = QPushButton(translate("Hazards", "Remove hazard"))
        self.remove.clicked.connect(self.remove_hazard)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for b in (self.new, self.remove, self.save):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 3)
        lay.addLayout(form)
        lay.addLayout(buttons)
        console.sig_command_finished.connect(self._on_finished)
        console.request_hazards()
        self.start_new()

    # -------------------------------------------------------------------------- editing

    def _enable(self) -> None:
        point = self.at_point.isChecked()
        for w in (self.lon, self.lat, self.radius, self.point_hint):
            w.setEnabled(point)
        self.grid.setEnabled(not point)

    def start_new(self) -> None:
        """An empty form for a new hazard."""
        self.hazard_id = ""
        self.table.clearSelection()
        self.name.clear()
        self.text.clear()
        self.grid.clear()
        self.remove.setEnabled(False)
        self.status.clear()
        self._enable()

    def load(self, h: Hazard) -> None:
        """Edit ``h``: its fields in the form."""
        self.hazard_id = h.id
        self.kind.setCurrentIndex(max(0, self.kind.findData(h.kind)))
        self.name.setText(h.name)
        self.text.setPlainText(h.text)
        self.lon.setValue(h.lon)
        self.lat.setValue(h.lat)
        if h.is_point:
            self.radius.setValue(h.radius_m)
            self.at_point.setChecked(True)
            self.grid.clear()
        else:
            self.grid.setText(h.grid)
            self.at_grid.setChecked(True)
        self.remove.setEnabled(True)
        self.status.clear()
        self._enable()
        row = self.model.row_of(h.id)
        if row >= 0:
            self.table.selectRow(row)

    def set_point(self, lon: float, lat: float) -> None:
        """A point taken from the map: the hazard's point (its grid shown as a hint)."""
        self.at_point.setChecked(True)
        self.lon.setValue(lon)
        self.lat.setValue(lat)
        grid = self.console.city.locate(lon, lat)
        self.grid.setText(grid or "")
        self._enable()

    def command(self) -> cmd.SetHazard:
        """The ``set_hazard`` the form holds (the server checks every part of it)."""
        hid = self.hazard_id or f"HZ-{uuid.uuid4().hex[:8]}"
        kind, name = str(self.kind.currentData()), self.name.text().strip()
        text = self.text.toPlainText().strip()
        if self.at_grid.isChecked():
            return cmd.SetHazard(hid, kind, name, text, grid=self.grid.text().strip())
        return cmd.SetHazard(hid, kind, name, text, self.lon.value(), self.lat.value(),
                             self.radius.value())

    # -------------------------------------------------------------------------- sending

    def save_hazard(self) -> str:
        """Send the form's hazard; returns the request's context ("" if refused here)."""
        c = self.command()
        if not c.name:
            self._show(translate("Hazards", "A hazard needs a name."), theme.ERROR)
            return ""
        if c.grid == "" and c.radius_m is not None \
                and not MIN_RADIUS_M <= c.radius_m <= MAX_RADIUS_M:
            self._show(translate("Hazards", "The radius is from %1 to %2 metres.")
                       .replace("%1", f"{MIN_RADIUS_M:g}").replace("%2", f"{MAX_RADIUS_M:g}"),
                       theme.ERROR)
            return ""
        self.hazard_id = c.hazard_id
        return self._send(c)

    def remove_hazard(self) -> str:
        if not self.hazard_id:
            return ""
        return self._send(cmd.RemoveHazard(self.hazard_id))

    def _send(self, command: cmd.SetHazard | cmd.RemoveHazard) -> str:
        context = self.console.new_context("hazards")
        self._contexts.add(context)
        self._show(translate("Hazards", "Sending…"), theme.PENDING)
        self._removing = isinstance(command, cmd.RemoveHazard)
        return self.console.request(command, None, context)  # the answer may come at once

    def _on_finished(self, context: str, ok: bool, message: str) -> None:
        if context not in self._contexts:
            return
        self._contexts.discard(context)
        if not ok:
            self._show(message, theme.ERROR)
            return
        if self._removing:
            self.start_new()
            self._show(translate("Hazards", "Removed on the server"), theme.SUCCESS)
        else:
            self.remove.setEnabled(True)
            self._show(translate("Hazards", "Saved on the server"), theme.SUCCESS)

    def _show(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")
