"""Dispatch: the ranked recommendations, units ticked (several departments for a joint
dispatch)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from dispatch.domain import commands as cmd
from dispatch.domain.commands import Command
from widgets import labels, theme
from widgets.action_forms.base import ActionForm, FormError
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class AssignForm(ActionForm):
    """Ranked recommendations; tick units (several departments for a joint dispatch)."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("ActionForm", "Unit"),
        QT_TRANSLATE_NOOP("ActionForm", "Department"),
        QT_TRANSLATE_NOOP("ActionForm", "Status"),
        QT_TRANSLATE_NOOP("ActionForm", "Distance"),
        QT_TRANSLATE_NOOP("ActionForm", "Capable"),
    )

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        inc = self.incident
        self.reinforce = bool(inc.lead_department)
        self.lead = QComboBox()
        default_lead = inc.lead_department or console.catalogue.lead_department_of(
            inc.class_code)
        for code in sorted(console.catalogue.departments):
            self.lead.addItem(console.department_name(code), code)
        self.lead.setCurrentIndex(max(0, self.lead.findData(default_lead)))
        self.lead.setEnabled(not self.reinforce)
        if self.reinforce:
            self.lead.setToolTip(
                translate("ActionForm", "Return the incident to change its lead department"))
        self.form.addRow(translate("ActionForm", "Lead"), self.lead)
        self.all_departments = QCheckBox(translate("ActionForm", "Show units of every department"))
        self.all_departments.toggled.connect(self.refresh)
        self.form.addRow("", self.all_departments)
        self.units = QTreeWidget()
        self.units.setRootIsDecorated(False)
        self.units.setUniformRowHeights(True)
        self.units.setAlternatingRowColors(True)
        self.units.setHeaderLabels([QCoreApplication.translate("ActionForm", str(c))
                                    for c in self.COLUMNS])
        self.units.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.units.setMinimumHeight(180)
        header = self.units.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 130)
        self.units.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.units.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.units.itemChanged.connect(lambda *_: self._update_assist())
        self.units.itemActivated.connect(self._toggle)
        self.form.addRow(self.units)
        self.assist = QLabel()
        self.assist.setWordWrap(True)
        self.assist.setStyleSheet(f"color: {theme.MUTED};")
        self.form.addRow(translate("ActionForm", "Joint"), self.assist)
        self.lead.currentIndexChanged.connect(lambda _i: self._update_assist())
        self.focus_widget = self.units
        self.refresh()

    def _toggle(self, item: QTreeWidgetItem, _column: int) -> None:
        checked = item.checkState(0) == Qt.CheckState.Checked
        item.setCheckState(0, Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def refresh(self) -> None:
        """Refill the recommendations (keeps the ticks of units still listed)."""
        c = self.console
        ticked = set(self.checked_units())
        depts = list(c.catalogue.departments) if self.all_departments.isChecked() else None
        self.units.blockSignals(True)
        self.units.clear()
        for r in c.recommend(self.incident_id, departments=depts, limit=40):
            item = QTreeWidgetItem([
                r.name, c.department_name(r.department), labels.unit_status(r.status),
                labels.distance(r.distance_m), "✓" if r.capable else ""])
            item.setToolTip(0, f"{r.name} ({r.unit_id}) · {c.unit_type_name(r.unit_type)}")
            item.setToolTip(1, c.department_name(r.department))
            item.setData(0, Qt.ItemDataRole.UserRole, r.unit_id)
            item.setData(1, Qt.ItemDataRole.UserRole, r.department)
            item.setCheckState(0, Qt.CheckState.Checked if r.unit_id in ticked
                               else Qt.CheckState.Unchecked)
            item.setForeground(2, theme.colour(theme.UNIT_STATUS_COLOURS[r.status]))
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignCenter)
            self.units.addTopLevelItem(item)
        self.units.blockSignals(False)
        self._update_assist()

    def rows(self) -> list[QTreeWidgetItem]:
        items = (self.units.topLevelItem(i) for i in range(self.units.topLevelItemCount()))
        return [item for item in items if item is not None]

    def checked_units(self) -> list[str]:
        return [str(item.data(0, Qt.ItemDataRole.UserRole)) for item in self.rows()
                if item.checkState(0) == Qt.CheckState.Checked]

    def set_checked(self, unit_ids: set[str]) -> None:
        for item in self.rows():
            uid = str(item.data(0, Qt.ItemDataRole.UserRole))
            item.setCheckState(0, Qt.CheckState.Checked if uid in unit_ids
                               else Qt.CheckState.Unchecked)

    def assist_departments(self) -> tuple[str, ...]:
        lead = str(self.lead.currentData())
        out: list[str] = []
        for item in self.rows():
            dept = str(item.data(1, Qt.ItemDataRole.UserRole))
            if item.checkState(0) == Qt.CheckState.Checked and dept != lead and dept not in out:
                out.append(dept)
        return tuple(out)

    def _update_assist(self) -> None:
        names = [self.console.department_name(d) for d in self.assist_departments()]
        self.assist.setText(", ".join(names) if names
                            else translate("ActionForm", "lead department only"))

    def build(self) -> Command:
        units = tuple(self.checked_units())
        if self.reinforce and not units:
            raise FormError(translate("ActionForm", "Tick at least one unit to send"))
        lead = "" if self.reinforce else str(self.lead.currentData())
        return cmd.AssignUnits(self.incident_id, units, lead, self.assist_departments())
