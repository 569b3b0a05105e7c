"""The reporter's evaluation: a score from 1 to 5 and a comment."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QWidget

from dispatch.domain import commands as cmd
from dispatch.domain.commands import Command
from widgets.action_forms.base import ActionForm, FormError
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class EvaluateForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.scores = QButtonGroup(self)
        row = QHBoxLayout()
        row.setSpacing(2)
        for n in range(1, 6):
            b = QRadioButton(str(n))
            self.scores.addButton(b, n)
            row.addWidget(b)
        row.addStretch(1)
        self.form.addRow(translate("ActionForm", "Score (1–5)"), row)
        self.comment = self.line(translate("ActionForm", "Comment"),
                                 translate("ActionForm", "optional"))
        self.focus_widget = self.scores.button(5)

    def build(self) -> Command:
        score = self.scores.checkedId()
        if score < 1:
            raise FormError(translate("ActionForm", "Pick a score from 1 to 5"))
        return cmd.Evaluate(self.incident_id, score, self.comment.text().strip())
