"""吹哨报到: blow the whistle (the departments to summon, checked in a list, and the reason; the
arrival limit is shown) and report a summoned department on site (which one, a note)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from dispatch.domain import commands as cmd
from dispatch.domain.commands import Command
from dispatch.domain.deadlines import ARRIVAL_LIMIT
from dispatch.domain.whistle import arrival_state, waiting
from widgets import labels
from widgets.action_forms.base import ActionForm, FormError, required_text
from widgets.action_forms.department_checklist import DepartmentChecklist
from widgets.console_model import ConsoleModel
from widgets.whistle_view import clock_text, state_text

translate = QCoreApplication.translate


class WhistleForm(ActionForm):
    """The departments not yet summoned, each with a check box; the reason."""

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        inc = self.incident
        summoned = {s.department for s in inc.summoned}
        self.departments = DepartmentChecklist(console, summoned, height=110, cell_width=180)
        self.form.addRow(translate("ActionForm", "Summon"), self.departments)
        self.reason = self.line(translate("ActionForm", "Reason"),
                                translate("ActionForm", "why the departments are summoned"))
        hint = QLabel(translate("ActionForm", "Each must report on site (报到) within the "
                                "centre's arrival limit, %1 unless its deadline profile says")
                      .replace("%1", labels.time_limit(ARRIVAL_LIMIT)))
        hint.setWordWrap(True)
        self.form.addRow("", hint)
        self.focus_widget = self.departments

    def checked(self) -> tuple[str, ...]:
        return self.departments.checked()

    def set_checked(self, codes: set[str]) -> None:
        self.departments.set_checked(codes)

    def build(self) -> Command:
        depts = self.checked()
        if not depts:
            raise FormError(translate("ActionForm", "Check at least one department to summon"))
        return cmd.Whistle(self.incident_id, depts,
                           required_text(self.reason, translate("ActionForm", "Reason")))


class ArrivalForm(ActionForm):
    """A summoned department not yet on site (with its clock), and a note."""

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        now = console.now()
        self.department = QComboBox()
        for s in waiting(self.incident):
            self.department.addItem(f"{console.department_name(s.department)} · "
                                    f"{clock_text(s, now)}", s.department)
            self.department.setItemData(self.department.count() - 1,
                                        state_text(arrival_state(s, now)),
                                        Qt.ItemDataRole.ToolTipRole)
        self.form.addRow(translate("ActionForm", "Department"), self.department)
        self.note = self.line(translate("ActionForm", "Note"), translate("ActionForm", "optional"))
        self.focus_widget = self.department

    def build(self) -> Command:
        dept = self.department.currentData()
        if not dept:
            raise FormError(translate("ActionForm", "Every summoned department is on site"))
        return cmd.ReportArrival(self.incident_id, str(dept), self.note.text().strip())
