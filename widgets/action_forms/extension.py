"""Ask for more time, and decide on a request for it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QSpinBox, QWidget

from dispatch.domain import commands as cmd
from dispatch.domain.commands import Command
from widgets import labels
from widgets.action_forms.base import ActionForm, required_text
from widgets.action_forms.text import TextForm
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class DecideExtensionForm(TextForm):
    def __init__(self, console: ConsoleModel, incident_id: str, approved: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, translate("ActionForm", "Note"),
                         lambda i, t: cmd.DecideExtension(i, approved, t), required=False,
                         placeholder=translate("ActionForm", "optional"), parent=parent)
        minutes = self.incident.extension_minutes
        self.form.insertRow(0, translate("ActionForm", "Requested"),
                            QLabel(labels.duration(minutes * 60.0)))


class ExtensionForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.minutes = QSpinBox()
        self.minutes.setRange(15, 30 * 24 * 60)
        self.minutes.setSingleStep(30)
        self.minutes.setValue(240)
        self.minutes.setSuffix(" " + translate("ActionForm", "min"))
        self.form.addRow(translate("ActionForm", "Extend by"), self.minutes)
        self.reason = self.line(translate("ActionForm", "Reason"), "")
        self.focus_widget = self.minutes

    def build(self) -> Command:
        return cmd.RequestExtension(self.incident_id, self.minutes.value(),
                                    required_text(self.reason, translate("ActionForm", "Reason")))
