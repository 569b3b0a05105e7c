"""What every action form shares: the base widget, the error for input it can tell is
incomplete, and the check for a required field."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from dispatch.domain.commands import Command
from dispatch.domain.state import Incident
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class FormError(ValueError):
    """Input the form can tell is incomplete; ``message`` is shown next to the form."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ActionForm(QWidget):
    """Base of the action forms."""

    sig_submit = Signal()
    """The operator pressed Enter in a field: submit the form."""

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.incident_id = incident_id
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setSpacing(4)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.focus_widget: QWidget | None = None

    @property
    def incident(self) -> Incident:
        inc = self.console.incident(self.incident_id)
        if inc is None:
            raise FormError(translate("ActionForm", "The incident is no longer in the mirror"))
        return inc

    def line(self, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.returnPressed.connect(self.sig_submit.emit)
        self.form.addRow(label, edit)
        if self.focus_widget is None:
            self.focus_widget = edit
        return edit

    def build(self) -> Command:
        raise NotImplementedError


def required_text(edit: QLineEdit, what: str) -> str:
    text = edit.text().strip()
    if not text:
        edit.setFocus()
        raise FormError(translate("ActionForm", "%1 is required").replace("%1", what))
    return text
