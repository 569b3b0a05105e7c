"""Register a reported incident: as reported, or with another class or priority."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QWidget

from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Priority
from dispatch.domain.commands import Command
from widgets import labels
from widgets.action_forms.base import ActionForm, FormError
from widgets.class_picker import ClassPicker
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class RegisterForm(ActionForm):
    """Register as reported, or with another class / priority."""

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        inc = self.incident
        self.picker = ClassPicker(console.catalogue, console.language)
        self.picker.setMinimumHeight(170)
        self.picker.set_code(inc.class_code)
        self.form.addRow(translate("ActionForm", "Class"), self.picker)
        self.priority = QComboBox()
        self.priority.addItem(translate("ActionForm", "As the class says"), "")
        for p in Priority:
            self.priority.addItem(labels.priority(p.value), p.value)
        self.form.addRow(translate("ActionForm", "Priority"), self.priority)
        self.focus_widget = self.picker.search

    def build(self) -> Command:
        inc = self.incident
        code = self.picker.code
        if not code:
            raise FormError(translate("ActionForm", "Pick an event class"))
        priority = str(self.priority.currentData() or "")
        return cmd.RegisterIncident(inc.id, "" if code == inc.class_code else code, priority)
