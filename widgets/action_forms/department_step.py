"""Acknowledge (签收), start handling or respond (反馈) for one department of a joint incident:
which department (those that may take the step now, lead first; the first is chosen), and
for a response the result."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from dispatch.domain import commands as cmd
from dispatch.domain import joint
from dispatch.domain.commands import Command
from widgets import labels
from widgets.action_forms.base import ActionForm, FormError, required_text
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate

DEPARTMENT_STEPS = ("acknowledge", "handle", "respond")
"""The actions a department takes for itself on a joint incident."""


class DepartmentStepForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str, step: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.step = step
        self.department = QComboBox()
        tasks = joint.tasks_of(self.incident)
        allowed = joint.STEP_FROM[step]
        for t in tasks:
            if t.state in allowed:
                self.department.addItem(f"{console.department_name(t.department)} · "
                                        f"{labels.task_role(t.role)} · "
                                        f"{labels.task_state(t.state)}", t.department)
        if self.department.count() > 1:
            # for the incident as a whole: every department that may take the step now
            self.department.addItem(translate("ActionForm", "All of them"), "")
        self.form.addRow(translate("ActionForm", "Department"), self.department)
        self.focus_widget = self.department
        self.text: QLineEdit | None = None
        if step == "respond":
            self.text = self.line(translate("ActionForm", "Result"))
            self.focus_widget = self.text

    def chosen(self) -> str:
        """The department code chosen ("" for all of them)."""
        return str(self.department.currentData() or "")

    def choose(self, department: str) -> None:
        i = self.department.findData(department)
        if i >= 0:
            self.department.setCurrentIndex(i)

    def build(self) -> Command:
        if self.department.count() == 0:
            raise FormError(translate("ActionForm", "No department can take this step now"))
        dept = self.chosen()
        if self.step == "acknowledge":
            return cmd.Acknowledge(self.incident_id, dept)
        if self.step == "handle":
            return cmd.StartHandling(self.incident_id, dept)
        assert self.text is not None
        return cmd.Respond(self.incident_id,
                           required_text(self.text, translate("ActionForm", "Result")), dept)
