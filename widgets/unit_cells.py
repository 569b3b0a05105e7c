"""The unit board's columns and what each of its cells shows: for a group row (a department
or a unit type) its name and how many of its units are available, for a unit row its name,
id, status, time in status (with a warning when too long), incident and home grid; with the
colours, fonts and tool tips that go with them.

Nothing here holds rows: :class:`~widgets.unit_model.UnitTreeModel` finds the group or unit of
an index and asks :class:`UnitCells` for the cell.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QFont

from dispatch.domain.state import UnitState
from dispatch.domain.status import UnitStatus
from widgets import labels, theme
from widgets.console_model import ConsoleModel
from widgets.unit_groups import Group

ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""Unit rows: the unit id; group rows: None."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""A raw value to sort by."""
KIND_ROLE = Qt.ItemDataRole.UserRole + 3
"""``"department"``, ``"type"`` or ``"unit"``."""
WARNING_ROLE = Qt.ItemDataRole.UserRole + 4
"""Unit rows: True when the unit has been in its status too long."""

# How long a unit may stay in a status before the board warns (seconds).
STATUS_WARNING_S: dict[UnitStatus, float] = {
    UnitStatus.DISPATCHED: 10 * 60,  # dispatched but not en route
    UnitStatus.EN_ROUTE: 30 * 60,
    UnitStatus.ON_SCENE: 2 * 3600,
    UnitStatus.BUSY: 4 * 3600,
    UnitStatus.RETURNING: 60 * 60,
}


class UnitColumn(IntEnum):
    """The board's columns, in order."""

    NAME = 0
    ID = 1
    STATUS = 2
    TIME = 3
    INCIDENT = 4
    HOME = 5


HEADERS = {
    UnitColumn.NAME: QT_TRANSLATE_NOOP("UnitTreeModel", "Unit"),
    UnitColumn.ID: QT_TRANSLATE_NOOP("UnitTreeModel", "ID"),
    UnitColumn.STATUS: QT_TRANSLATE_NOOP("UnitTreeModel", "Status"),
    UnitColumn.TIME: QT_TRANSLATE_NOOP("UnitTreeModel", "In status"),
    UnitColumn.INCIDENT: QT_TRANSLATE_NOOP("UnitTreeModel", "Incident"),
    UnitColumn.HOME: QT_TRANSLATE_NOOP("UnitTreeModel", "Home grid"),
}

_STATUS_RANK = {s: i for i, s in enumerate(UnitStatus)}
ROLES = frozenset({Qt.ItemDataRole.DisplayRole, ID_ROLE, SORT_ROLE, KIND_ROLE, WARNING_ROLE,
                   Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
                   Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole})
"""The roles the board answers (any other gives None)."""


class UnitCells:
    """The cells of the board's rows (see the module docstring)."""

    def __init__(self, console: ConsoleModel) -> None:
        self.console = console
        self._bold = QFont()
        self._bold.setBold(True)

    def group_data(self, g: Group, col: UnitColumn, role: int) -> Any:
        if role == KIND_ROLE:
            return g.kind
        if role == SORT_ROLE:
            return self.group_name(g) if col == UnitColumn.NAME else g.available
        if role == Qt.ItemDataRole.DisplayRole:
            if col == UnitColumn.NAME:
                return self.group_name(g)
            if col == UnitColumn.STATUS:
                return f"{g.available} / {g.size}"
            return None
        if role == Qt.ItemDataRole.FontRole and g.kind == "department" \
                and col == UnitColumn.NAME:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole and col == UnitColumn.STATUS:
            return theme.colour(theme.UNIT_STATUS_COLOURS[UnitStatus.AVAILABLE]
                                if g.available else theme.ERROR)
        if role == Qt.ItemDataRole.ToolTipRole and col in (UnitColumn.NAME, UnitColumn.STATUS):
            head = QCoreApplication.translate("UnitTreeModel", "%1 of %2 available") \
                .replace("%1", str(g.available)).replace("%2", str(g.size))
            return "\n".join([head, *(f"{labels.unit_status(s)}: {n}" for s, n in sorted(
                g.counts.items(), key=lambda x: _STATUS_RANK[x[0]]) if n)])
        return None

    def group_name(self, g: Group) -> str:
        if g.kind == "department":
            return self.console.department_name(g.code)
        return self.console.unit_type_name(g.code)

    def time_in_status(self, u: UnitState) -> float:
        return max(0.0, self.console.now() - u.status_since)

    def is_warning(self, u: UnitState) -> bool:
        limit = STATUS_WARNING_S.get(u.status)
        return limit is not None and self.time_in_status(u) > limit

    def unit_data(self, u: UnitState, col: UnitColumn, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if col == UnitColumn.NAME:
                return u.name
            if col == UnitColumn.ID:
                return u.id
            if col == UnitColumn.STATUS:
                return labels.unit_status(u.status)
            if col == UnitColumn.TIME:
                return labels.countdown(self.time_in_status(u))
            if col == UnitColumn.INCIDENT:
                return u.incident_id
            if col == UnitColumn.HOME:
                return self.console.grid_name(u.home_grid)
            return None
        if role == ID_ROLE:
            return u.id
        if role == KIND_ROLE:
            return "unit"
        if role == WARNING_ROLE:
            return self.is_warning(u)
        if role == SORT_ROLE:
            if col == UnitColumn.STATUS:
                return _STATUS_RANK[u.status]
            if col == UnitColumn.TIME:
                return u.status_since
            if col == UnitColumn.NAME:
                return u.name
            if col == UnitColumn.HOME:
                return u.home_grid
            if col == UnitColumn.INCIDENT:
                return u.incident_id
            return u.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == UnitColumn.STATUS:
                return theme.colour(theme.UNIT_STATUS_COLOURS[u.status])
            if col == UnitColumn.TIME and self.is_warning(u):
                return theme.colour(theme.ERROR)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if col == UnitColumn.STATUS:
                return theme.tint(theme.UNIT_STATUS_COLOURS[u.status], 34)
            if col == UnitColumn.TIME and self.is_warning(u):
                return theme.tint(theme.ERROR, 45)
            return None
        if role == Qt.ItemDataRole.FontRole and col == UnitColumn.TIME and self.is_warning(u):
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == UnitColumn.TIME:
                since = labels.full_time(u.status_since, self.console.tz)
                tip = QCoreApplication.translate("UnitTreeModel", "%1 since %2").replace(
                    "%1", labels.unit_status(u.status)).replace("%2", since)
                if self.is_warning(u):
                    tip += "\n" + QCoreApplication.translate(
                        "UnitTreeModel", "Longer than expected in this status")
                return tip
            if col == UnitColumn.HOME:
                return labels.grid_label(self.console.city, u.home_grid)
            if col == UnitColumn.NAME:
                return f"{u.name} · {self.console.unit_type_name(u.unit_type)} · " \
                       f"{self.console.department_name(u.department)}"
            return None
        return None

    # ------------------------------------------------------------------------ updates
