"""Escalate to the next level up, with departments to add."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import QLabel, QListView, QListWidget, QListWidgetItem, QWidget

from dispatch.domain import commands as cmd
from dispatch.domain.commands import Command
from widgets import labels
from widgets.action_forms.base import ActionForm, FormError, required_text
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class EscalateForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        inc = self.incident
        self.next_level = inc.level.next_up
        text = (f"{labels.level(inc.level)} → {labels.level(self.next_level)}"
                if self.next_level is not None
                else translate("ActionForm", "already at city level"))
        self.form.addRow(translate("ActionForm", "Level"), QLabel(text))
        self.reason = self.line(translate("ActionForm", "Reason"), "")
        self.departments = QListWidget()
        self.departments.setFlow(QListView.Flow.LeftToRight)
        self.departments.setWrapping(True)
        self.departments.setResizeMode(QListView.ResizeMode.Adjust)
        self.departments.setMaximumHeight(100)
        self.departments.setUniformItemSizes(True)
        self.departments.setGridSize(QSize(200, 20))
        self.departments.setTextElideMode(Qt.TextElideMode.ElideRight)
        for code in sorted(console.catalogue.departments):
            if code in inc.departments:
                continue
            item = QListWidgetItem(console.department_name(code))
            item.setToolTip(console.department_name(code))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.departments.addItem(item)
        self.form.addRow(translate("ActionForm", "Add departments"), self.departments)

    def added(self) -> tuple[str, ...]:
        out = []
        for i in range(self.departments.count()):
            item = self.departments.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(out)

    def set_added(self, codes: set[str]) -> None:
        for i in range(self.departments.count()):
            item = self.departments.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def build(self) -> Command:
        if self.next_level is None:
            raise FormError(
                translate("ActionForm", "The incident is already handled at city level"))
        return cmd.Escalate(self.incident_id, self.next_level.name.lower(),
                            required_text(self.reason, translate("ActionForm", "Reason")),
                            self.added())
