"""Release one unit of the incident."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QWidget

from dispatch.domain import commands as cmd
from dispatch.domain.commands import Command
from widgets.action_forms.base import ActionForm, FormError
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class ReleaseForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.unit = QComboBox()
        for uid in self.incident.units:
            self.unit.addItem(f"{console.unit_name(uid)} ({uid})", uid)
        self.form.addRow(translate("ActionForm", "Unit"), self.unit)
        self.focus_widget = self.unit

    def build(self) -> Command:
        uid = self.unit.currentData()
        if not uid:
            raise FormError(translate("ActionForm", "No unit to release"))
        return cmd.ReleaseUnit(self.incident_id, str(uid))
