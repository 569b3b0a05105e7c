"""The one-line forms: a reason, a result or a note, and the command made of it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from dispatch.domain.commands import Command
from widgets.action_forms.base import ActionForm, required_text
from widgets.console_model import ConsoleModel


class TextForm(ActionForm):
    """One line of text (reason, result, note) → a command."""

    def __init__(self, console: ConsoleModel, incident_id: str, label: str,
                 make: Callable[[str, str], Command], *, required: bool = True,
                 placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.label = label
        self.make = make
        self.required = required
        self.text = self.line(label, placeholder)

    def build(self) -> Command:
        text = (required_text(self.text, self.label) if self.required
                else self.text.text().strip())
        return self.make(self.incident_id, text)
