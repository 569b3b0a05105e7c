"""Release an assisting department of a joint incident (协办解除): which one, and why."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QWidget

from dispatch.domain import commands as cmd
from dispatch.domain import joint
from dispatch.domain.commands import Command
from dispatch.domain.status import TaskRole
from widgets import labels
from widgets.action_forms.base import ActionForm, FormError, required_text
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class ReleaseDepartmentForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.department = QComboBox()
        for t in joint.tasks_of(self.incident):
            if t.role == TaskRole.ASSIST and not t.is_done:
                self.department.addItem(f"{console.department_name(t.department)} · "
                                        f"{labels.task_state(t.state)}", t.department)
        self.form.addRow(translate("ActionForm", "Department"), self.department)
        self.reason = self.line(translate("ActionForm", "Reason"))
        self.focus_widget = self.department

    def build(self) -> Command:
        dept = self.department.currentData()
        if not dept:
            raise FormError(translate("ActionForm", "No assisting department to release"))
        return cmd.ReleaseDepartment(self.incident_id, str(dept),
                                     required_text(self.reason, translate("ActionForm", "Reason")))
