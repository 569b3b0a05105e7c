"""A wrapping list of departments with a check box each (the departments an escalation adds,
the departments a whistle summons)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from widgets.console_model import ConsoleModel


class DepartmentChecklist(QListWidget):
    """The catalogue's departments but ``leave_out``, by code, all unchecked."""

    def __init__(self, console: ConsoleModel, leave_out: Iterable[str], *, height: int,
                 cell_width: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMaximumHeight(height)
        self.setGridSize(QSize(cell_width, 20))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        skip = set(leave_out)
        for code in sorted(console.catalogue.departments):
            if code in skip:
                continue
            item = QListWidgetItem(console.department_name(code))
            item.setToolTip(console.department_name(code))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(Qt.CheckState.Unchecked)
            # each item as wide as its grid cell: a uniform size taken from one item elided
            # every longer name to its first character
            item.setSizeHint(QSize(cell_width - 4, 20))
            self.addItem(item)

    def checked(self) -> tuple[str, ...]:
        """The codes checked, in the list's order."""
        return tuple(str(self.item(i).data(Qt.ItemDataRole.UserRole))
                     for i in range(self.count())
                     if self.item(i).checkState() == Qt.CheckState.Checked)

    def set_checked(self, codes: set[str]) -> None:
        for i in range(self.count()):
            item = self.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
