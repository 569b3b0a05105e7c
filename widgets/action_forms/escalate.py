"""Escalate to the next level up, with departments to add; a shift lead may pick a level
further up for an urgent or high incident (越级)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QWidget,
)

from dispatch.domain import commands as cmd
from dispatch.domain.commands import Command
from dispatch.domain.handlers import SKIP_PRIORITIES
from dispatch.domain.roles import Permission
from dispatch.domain.status import EscalationLevel
from widgets import labels
from widgets.action_forms.base import ActionForm, FormError, required_text
from widgets.action_forms.department_checklist import DepartmentChecklist
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class EscalateForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        inc = self.incident
        self.next_level = inc.level.next_up
        self.level_choice: QComboBox | None = None
        may_skip = (console.actor.may(Permission.SKIP_LEVELS)
                    and inc.priority in SKIP_PRIORITIES)
        if self.next_level is not None and may_skip and self.next_level.next_up is not None:
            box = QComboBox()
            for lv in sorted((lv for lv in EscalationLevel if lv < inc.level), reverse=True):
                skip = "" if lv == self.next_level else \
                    translate("ActionForm", " (skipping levels)")
                box.addItem(f"{labels.level(inc.level)} → {labels.level(lv)}{skip}", int(lv))
            box.setToolTip(translate("ActionForm", "A shift lead may escalate an urgent or "
                                     "high incident several levels at once, with a reason"))
            self.level_choice = box
            self.form.addRow(translate("ActionForm", "Level"), box)
        else:
            text = (f"{labels.level(inc.level)} → {labels.level(self.next_level)}"
                    if self.next_level is not None
                    else translate("ActionForm", "already at city level"))
            self.form.addRow(translate("ActionForm", "Level"), QLabel(text))
        self.reason = self.line(translate("ActionForm", "Reason"), "")
        self.departments = DepartmentChecklist(console, inc.departments, height=100,
                                               cell_width=200)
        self.form.addRow(translate("ActionForm", "Add departments"), self.departments)

    def added(self) -> tuple[str, ...]:
        return self.departments.checked()

    def set_added(self, codes: set[str]) -> None:
        self.departments.set_checked(codes)

    def target(self) -> EscalationLevel | None:
        """The level chosen (the next one up unless a shift lead picked one further)."""
        if self.level_choice is not None:
            return EscalationLevel(int(self.level_choice.currentData()))
        return self.next_level

    def choose_level(self, level: EscalationLevel) -> None:
        if self.level_choice is not None:
            self.level_choice.setCurrentIndex(self.level_choice.findData(int(level)))

    def build(self) -> Command:
        target = self.target()
        if target is None:
            raise FormError(
                translate("ActionForm", "The incident is already handled at city level"))
        return cmd.Escalate(self.incident_id, target.name.lower(),
                            required_text(self.reason, translate("ActionForm", "Reason")),
                            self.added())
