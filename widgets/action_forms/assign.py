"""Dispatch: the departments that will be on the incident, the run card's plan and the units
ticked; what is sent is exactly what the form shows.

The departments list starts from what the incident will have: the lead, the class's default
assisting departments and the run card's (or, on a reinforcement, those already on it, which
cannot be taken off). Ticking a unit of a department not ticked ticks that department and says
so; unticking a department unticks its units and says so. The command carries
``exact_departments`` so the server adds nothing the form did not show
(:mod:`dispatch.domain.assign_departments`).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from dispatch.domain import commands as cmd
from dispatch.domain.assign_departments import class_departments
from dispatch.domain.commands import Command
from dispatch.domain.recommend import Recommendation
from dispatch.domain.runcards import PlanLine
from widgets import labels, theme
from widgets.action_forms.base import ActionForm, FormError
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate
CODE = Qt.ItemDataRole.UserRole


def _tree(columns: tuple[object, ...], min_height: int) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setHeaderLabels([translate("ActionForm", str(c)) for c in columns])
    tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    tree.setMinimumHeight(min_height)
    tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    tree.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    return tree


class AssignForm(ActionForm):
    """Departments, the run card's plan, ranked units; tick units and departments."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("ActionForm", "Unit"),
        QT_TRANSLATE_NOOP("ActionForm", "Department"),
        QT_TRANSLATE_NOOP("ActionForm", "Status"),
        QT_TRANSLATE_NOOP("ActionForm", "Distance"),
        QT_TRANSLATE_NOOP("ActionForm", "Capable"),
    )
    PLAN_COLUMNS = (
        QT_TRANSLATE_NOOP("ActionForm", "Run card"),
        QT_TRANSLATE_NOOP("ActionForm", "Found"),
    )

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        inc = self.incident
        self.reinforce = bool(inc.lead_department)
        self._touched = False  # the operator changed something: a new card must not undo it
        self._plan_units: list[Recommendation] = []
        self.lead = QComboBox()
        default_lead, default_assist = class_departments(console.catalogue, inc.class_code)
        default_lead = inc.lead_department or default_lead
        for code in sorted(console.catalogue.departments):
            self.lead.addItem(console.department_name(code), code)
        self.lead.setCurrentIndex(max(0, self.lead.findData(default_lead)))
        self.lead.setEnabled(not self.reinforce)
        if self.reinforce:
            self.lead.setToolTip(
                translate("ActionForm", "Return the incident to change its lead department"))
        self.form.addRow(translate("ActionForm", "Lead"), self.lead)

        self.departments = QListWidget()
        self.departments.setFlow(QListWidget.Flow.LeftToRight)
        self.departments.setWrapping(True)
        self.departments.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.departments.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.departments.setMaximumHeight(48)
        self.departments.itemChanged.connect(self._department_changed)
        self.add_department = QComboBox()
        self.add_department.activated.connect(self._add_chosen)
        self.form.addRow(translate("ActionForm", "Departments"), self.departments)
        self.form.addRow("", self.add_department)

        self.plan = _tree(self.PLAN_COLUMNS, 0)
        self.plan.setVisible(False)
        self.form.addRow(self.plan)

        self.all_departments = QCheckBox(translate("ActionForm", "Show units of every department"))
        self.all_departments.toggled.connect(self.refresh)
        self.form.addRow("", self.all_departments)
        self.units = _tree(self.COLUMNS, 180)
        self.units.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.units.header().resizeSection(1, 130)
        self.units.itemChanged.connect(self._unit_changed)
        self.units.itemActivated.connect(self._toggle)
        self.form.addRow(self.units)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {theme.WARNING};")
        self.note.setVisible(False)
        self.form.addRow(self.note)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.form.addRow(translate("ActionForm", "Sends"), self.summary)
        self.lead.currentIndexChanged.connect(self._lead_changed)
        self.focus_widget = self.units

        self._fill_departments(default_lead, inc.assist_departments if self.reinforce
                               else default_assist)
        self._apply_card()
        console.sig_run_cards_changed.connect(self._on_cards)
        console.request_run_cards()  # the card may have changed since the console read it

    # ------------------------------------------------------------------- departments

    def _dept_items(self) -> list[QListWidgetItem]:
        items = (self.departments.item(i) for i in range(self.departments.count()))
        return [item for item in items if item is not None]

    def _dept_item(self, code: str) -> QListWidgetItem | None:
        return next((i for i in self._dept_items() if i.data(CODE) == code), None)

    def _fill_departments(self, lead: str, assist: tuple[str, ...]) -> None:
        self.departments.blockSignals(True)
        self.departments.clear()
        for code in (lead, *assist):
            self._add_department_item(code)
        self.departments.blockSignals(False)
        self._mark_fixed()

    def _add_department_item(self, code: str, checked: bool = True) -> QListWidgetItem:
        item = self._dept_item(code)
        if item is None:
            item = QListWidgetItem(self.console.department_name(code))
            item.setData(CODE, code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            self.departments.addItem(item)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self._fill_add_choices()
        return item

    def _fixed(self) -> set[str]:
        """Departments that cannot be unticked: the lead, and those already on the incident."""
        inc = self.console.incident(self.incident_id)
        on = set(inc.departments) if inc is not None else set()
        return on | {str(self.lead.currentData())}

    def _mark_fixed(self) -> None:
        fixed, lead = self._fixed(), str(self.lead.currentData())
        self.departments.blockSignals(True)
        for item in self._dept_items():
            code = str(item.data(CODE))
            name = self.console.department_name(code)
            if code == lead:
                name = translate("ActionForm", "%1 (lead)").replace("%1", name)
            item.setText(name)
            flags = Qt.ItemFlag.ItemIsEnabled
            if code in fixed:
                item.setCheckState(Qt.CheckState.Checked)
            else:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
        self.departments.blockSignals(False)
        self._fill_add_choices()
        self._update_summary()

    def _fill_add_choices(self) -> None:
        listed = {i.data(CODE) for i in self._dept_items()}
        self.add_department.blockSignals(True)
        self.add_department.clear()
        self.add_department.addItem(translate("ActionForm", "Add a department…"), "")
        for code in sorted(self.console.catalogue.departments):
            if code not in listed:
                self.add_department.addItem(self.console.department_name(code), code)
        self.add_department.blockSignals(False)

    def _add_chosen(self, index: int) -> None:
        code = str(self.add_department.itemData(index) or "")
        if code:
            self._touched = True
            self.departments.blockSignals(True)
            self._add_department_item(code)
            self.departments.blockSignals(False)
            self.refresh()
        self.add_department.setCurrentIndex(0)

    def ticked_departments(self) -> tuple[str, ...]:
        """The departments ticked, lead first, in the order shown."""
        lead = str(self.lead.currentData())
        rest = [str(i.data(CODE)) for i in self._dept_items()
                if i.checkState() == Qt.CheckState.Checked and i.data(CODE) != lead]
        return (lead, *rest)

    def _department_changed(self, item: QListWidgetItem) -> None:
        self._touched = True
        code = str(item.data(CODE))
        if item.checkState() == Qt.CheckState.Unchecked:
            dropped = [r for r in self.rows() if r.data(1, CODE) == code
                       and r.checkState(0) == Qt.CheckState.Checked]
            self.units.blockSignals(True)
            for r in dropped:
                r.setCheckState(0, Qt.CheckState.Unchecked)
            self.units.blockSignals(False)
            if dropped:
                self._say(translate("ActionForm", "%1 unticked: so are its units (%2)")
                          .replace("%1", item.text()).replace("%2", str(len(dropped))))
        self.refresh()

    def _lead_changed(self, _index: int) -> None:
        self._touched = True
        self.departments.blockSignals(True)
        self._add_department_item(str(self.lead.currentData()))
        self.departments.blockSignals(False)
        self._mark_fixed()
        self.refresh()

    # ------------------------------------------------------------------------ run card

    def _on_cards(self) -> None:
        if not self._touched and not self.reinforce:
            self._apply_card()

    def _apply_card(self) -> None:
        """Show the incident's run card and tick its units (first dispatch only)."""
        self.plan.clear()
        self._plan_units = []
        card, lines = self.console.plan(self.incident_id) if not self.reinforce else (None, [])
        self.plan.setVisible(card is not None)
        if card is not None:
            self.departments.blockSignals(True)
            for dept in card.departments:
                self._add_department_item(dept)
            self.departments.blockSignals(False)
            for line in lines:
                self.plan.addTopLevelItem(self._plan_row(line))
                self._plan_units.extend(line.units)
            self.plan.setFixedHeight(self.plan.sizeHintForRow(0) * (len(lines) + 1) + 8)
            title = translate("ActionForm", "Run card %1").replace("%1", card.key)
            self.plan.headerItem().setText(0, title)
        self._mark_fixed()
        self.refresh()
        self.units.blockSignals(True)  # the plan's ticks are not the operator's
        self.set_checked({r.unit_id for r in self._plan_units})
        self.units.blockSignals(False)
        self._update_summary()

    def _plan_row(self, line: PlanLine) -> QTreeWidgetItem:
        c = self.console
        what = f"{c.department_name(line.department)} · {c.unit_type_name(line.unit_type)} " \
               f"×{line.count}"
        found = len(line.units)
        if not found:
            status = translate("ActionForm", "none available")
        elif line.short:
            status = translate("ActionForm", "%1 available").replace("%1", str(found))
        else:
            status = ", ".join(r.name for r in line.units)
        item = QTreeWidgetItem([what, status])
        item.setData(0, CODE, line.department)
        item.setData(1, CODE, line.short)
        item.setToolTip(1, ", ".join(r.name for r in line.units) or status)
        if line.short:
            item.setForeground(1, theme.colour(theme.ERROR if not found else theme.WARNING))
        return item

    def plan_rows(self) -> list[tuple[str, str]]:
        """(what the card asks, what was found) per line, as shown."""
        items = (self.plan.topLevelItem(i) for i in range(self.plan.topLevelItemCount()))
        return [(i.text(0), i.text(1)) for i in items if i is not None]

    # --------------------------------------------------------------------------- units

    def _toggle(self, item: QTreeWidgetItem, _column: int) -> None:
        checked = item.checkState(0) == Qt.CheckState.Checked
        item.setCheckState(0, Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def refresh(self) -> None:
        """Refill the units: the plan's, then the recommendations of the departments ticked
        (or of every department); ticks of units still listed are kept."""
        c = self.console
        ticked = set(self.checked_units())
        depts = list(c.catalogue.departments) if self.all_departments.isChecked() \
            else list(self.ticked_departments())
        recs = c.recommend(self.incident_id, departments=depts, limit=40)
        seen: set[str] = set()
        self.units.blockSignals(True)
        self.units.clear()
        for r in [*self._plan_units, *recs]:
            if r.unit_id in seen:
                continue
            seen.add(r.unit_id)
            self.units.addTopLevelItem(self._unit_row(r, r.unit_id in ticked))
        self.units.blockSignals(False)
        self._update_summary()

    def _unit_row(self, r: Recommendation, ticked: bool) -> QTreeWidgetItem:
        c = self.console
        item = QTreeWidgetItem([r.name, c.department_name(r.department),
                                labels.unit_status(r.status), labels.distance(r.distance_m),
                                "✓" if r.capable else ""])
        item.setToolTip(0, f"{r.name} ({r.unit_id}) · {c.unit_type_name(r.unit_type)}")
        item.setToolTip(1, c.department_name(r.department))
        item.setData(0, CODE, r.unit_id)
        item.setData(1, CODE, r.department)
        item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        item.setForeground(2, theme.colour(theme.UNIT_STATUS_COLOURS[r.status]))
        item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setTextAlignment(4, Qt.AlignmentFlag.AlignCenter)
        return item

    def _unit_changed(self, item: QTreeWidgetItem, _column: int) -> None:
        self._touched = True
        dept = str(item.data(1, CODE))
        if item.checkState(0) == Qt.CheckState.Checked and dept not in self.ticked_departments():
            self.departments.blockSignals(True)
            self._add_department_item(dept)
            self.departments.blockSignals(False)
            self._mark_fixed()
            self._say(translate("ActionForm", "%1 added: %2 is one of its units")
                      .replace("%1", self.console.department_name(dept))
                      .replace("%2", item.text(0)))
        self._update_summary()

    def rows(self) -> list[QTreeWidgetItem]:
        items = (self.units.topLevelItem(i) for i in range(self.units.topLevelItemCount()))
        return [item for item in items if item is not None]

    def checked_units(self) -> list[str]:
        return [str(item.data(0, CODE)) for item in self.rows()
                if item.checkState(0) == Qt.CheckState.Checked]

    def set_checked(self, unit_ids: set[str]) -> None:
        for item in self.rows():
            uid = str(item.data(0, CODE))
            item.setCheckState(0, Qt.CheckState.Checked if uid in unit_ids
                               else Qt.CheckState.Unchecked)

    # ------------------------------------------------------------------------- sending

    def assist_departments(self) -> tuple[str, ...]:
        """The assisting departments the command names (on a reinforcement: those added)."""
        ticked = self.ticked_departments()[1:]
        if self.reinforce:
            inc = self.console.incident(self.incident_id)
            on = set(inc.departments) if inc is not None else set()
            return tuple(d for d in ticked if d not in on)
        return ticked

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(True)

    def _update_summary(self) -> None:
        c = self.console
        lead, *assist = self.ticked_departments()
        names = [translate("ActionForm", "%1 (lead)").replace("%1", c.department_name(lead)),
                 *(c.department_name(d) for d in assist)]
        n = len(self.checked_units())
        self.summary.setText(", ".join(names) + " · " +
                             translate("ActionForm", "units: %1").replace("%1", str(n)))

    def build(self) -> Command:
        units = tuple(self.checked_units())
        assist = self.assist_departments()
        if self.reinforce and not units and not assist:
            raise FormError(translate("ActionForm", "Tick at least one unit to send"))
        lead = "" if self.reinforce else str(self.lead.currentData())
        return cmd.AssignUnits(self.incident_id, units, lead, assist, exact_departments=True)
