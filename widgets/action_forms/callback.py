"""The call-back (回访) of a closed citizen's case: the result, a note, and for an unsatisfied
citizen the choice to reopen the case (重办) with the reason; and the repeat call (催办)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QHBoxLayout, QRadioButton, QWidget

from dispatch.domain import commands as cmd
from dispatch.domain.citizen_loop import CallbackResult
from dispatch.domain.commands import Command
from widgets import labels
from widgets.action_forms.base import ActionForm, FormError, required_text
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class CallbackForm(ActionForm):
    """Three results; "reopen" is enabled only for unsatisfied, the reason only with it."""

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.results = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        row = QHBoxLayout()
        row.setSpacing(8)
        for i, r in enumerate(CallbackResult):
            b = QRadioButton(labels.callback_result(r.value))
            self.results.addButton(b, i)
            self.buttons[r.value] = b
            row.addWidget(b)
        row.addStretch(1)
        self.form.addRow(translate("ActionForm", "Citizen's answer"), row)
        self.note = self.line(translate("ActionForm", "Note"), translate("ActionForm", "optional"))
        self.reopen = QCheckBox(translate("ActionForm", "Reopen the case (重办)"))
        self.reopen.setEnabled(False)
        self.form.addRow("", self.reopen)
        self.reason = self.line(translate("ActionForm", "Reason"),
                                translate("ActionForm", "why it is handled again"))
        self.reason.setEnabled(False)
        self.results.idToggled.connect(lambda _i, _on: self._sync())
        self.reopen.toggled.connect(lambda _on: self._sync())
        self.focus_widget = self.buttons[CallbackResult.SATISFIED.value]

    def result(self) -> str:
        for value, b in self.buttons.items():
            if b.isChecked():
                return value
        return ""

    def _sync(self) -> None:
        unsatisfied = self.result() == CallbackResult.UNSATISFIED.value
        self.reopen.setEnabled(unsatisfied)
        if not unsatisfied:
            self.reopen.setChecked(False)
        self.reason.setEnabled(self.reopen.isChecked())

    def build(self) -> Command:
        result = self.result()
        if not result:
            raise FormError(translate("ActionForm", "Pick the citizen's answer"))
        reopen = self.reopen.isChecked()
        reason = required_text(self.reason, translate("ActionForm", "Reason")) if reopen else ""
        return cmd.Callback(self.incident_id, result, self.note.text().strip(), reopen, reason)


class UrgeForm(ActionForm):
    """A repeat call about an open case: what the citizen said, and the number if new."""

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.note = self.line(translate("ActionForm", "Note"),
                              translate("ActionForm", "what the citizen said"))
        self.phone = self.line(translate("ActionForm", "Phone"),
                               translate("ActionForm", "optional"))

    def build(self) -> Command:
        return cmd.Urge(self.incident_id, self.note.text().strip(), self.phone.text().strip())
