"""Verify on site: passed, or failed and sent back with a note."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QWidget

from dispatch.domain import commands as cmd
from dispatch.domain.commands import Command
from widgets.action_forms.base import ActionForm, required_text
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class VerifyForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.passed = QRadioButton(translate("ActionForm", "Passed"))
        self.failed = QRadioButton(translate("ActionForm", "Failed: send back"))
        self.passed.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.passed)
        group.addButton(self.failed)
        row = QHBoxLayout()
        row.addWidget(self.passed)
        row.addWidget(self.failed)
        row.addStretch(1)
        self.form.addRow(translate("ActionForm", "On site"), row)
        self.note = self.line(translate("ActionForm", "Note"),
                              translate("ActionForm", "required when failed"))
        self.focus_widget = self.passed

    def build(self) -> Command:
        passed = self.passed.isChecked()
        note = self.note.text().strip() if passed else \
            required_text(self.note, translate("ActionForm", "Note"))
        return cmd.Verify(self.incident_id, passed, note)
