"""The workload table: one row per operator (as :func:`dispatch.services.workload.compute_workload`
gives them), rows by operator name, with the raw figure of every cell for sorting."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from dispatch.services.workload import OperatorLoad, Workload
from widgets.rows import KeyedRowsModel

Index = QModelIndex | QPersistentModelIndex
translate = QCoreApplication.translate

RAW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The cell's raw value (numbers for the figures, the hourly counts as a tuple): sort by it."""
OPERATOR_ROLE = Qt.ItemDataRole.UserRole + 2
"""The row's operator name."""

BARS = "▁▂▃▄▅▆▇█"


class Column(IntEnum):
    OPERATOR = 0
    WORKSTATIONS = 1
    OPEN = 2
    LAST_HOUR = 3
    ACTIONS = 4
    PER_HOUR = 5
    REFUSALS = 6
    LAST_ACTION = 7


_HEADERS: tuple[Any, ...] = (
    QT_TRANSLATE_NOOP("WorkloadModel", "Operator"),
    QT_TRANSLATE_NOOP("WorkloadModel", "Workstations"),
    QT_TRANSLATE_NOOP("WorkloadModel", "Open incidents held"),
    QT_TRANSLATE_NOOP("WorkloadModel", "Actions, last hour"),
    QT_TRANSLATE_NOOP("WorkloadModel", "Actions, shift"),
    QT_TRANSLATE_NOOP("WorkloadModel", "Per hour"),
    QT_TRANSLATE_NOOP("WorkloadModel", "Refusals"),
    QT_TRANSLATE_NOOP("WorkloadModel", "Last action"),
)
_NUMBERS = {Column.OPEN, Column.LAST_HOUR, Column.ACTIONS, Column.REFUSALS}


def sparkline(counts: tuple[int, ...], top: int) -> str:
    """One bar character per hour, scaled to ``top`` (a blank-looking ▁ for none)."""
    if top <= 0:
        return BARS[0] * len(counts)
    return "".join(BARS[min(len(BARS) - 1, (c * (len(BARS) - 1) + top - 1) // top)]
                   for c in counts)


class WorkloadModel(KeyedRowsModel):
    """The operators of a :class:`Workload`, sorted by name; :meth:`set_workload` updates the
    rows in place (rows of operators gone are removed, new ones inserted)."""

    CONTEXT = "WorkloadModel"
    HEADERS = _HEADERS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[OperatorLoad] = []
        self._hours: tuple[float, ...] = ()
        self._top = 0

    def key(self, row: OperatorLoad) -> str:
        return row.operator

    # ------------------------------------------------------------------------ updates

    def set_workload(self, workload: Workload) -> None:
        new = list(workload.operators.values())
        self._hours = workload.hour_starts
        top = max((max(r.per_hour, default=0) for r in new), default=0)
        rescaled, self._top = top != self._top, top
        self.set_rows(new)
        if rescaled and self._rows:  # every sparkline is drawn to the new scale
            self.dataChanged.emit(self.index(0, Column.PER_HOUR),
                                  self.index(len(self._rows) - 1, Column.PER_HOUR))

    def load(self, row: int) -> OperatorLoad:
        return self._rows[row]

    # ------------------------------------------------------------------------ Qt model

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = Column(index.column())
        if role == OPERATOR_ROLE:
            return r.operator
        if role == RAW_ROLE:
            return self._raw(r, col)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(r, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _raw(r: OperatorLoad, col: Column) -> Any:
        return {Column.OPERATOR: r.operator, Column.WORKSTATIONS: " ".join(r.workstations),
                Column.OPEN: r.open_incidents, Column.LAST_HOUR: r.last_hour,
                Column.ACTIONS: r.actions, Column.PER_HOUR: max(r.per_hour, default=0),
                Column.REFUSALS: r.refusals,
                Column.LAST_ACTION: r.last_action_ts or 0.0}[col]

    def _text(self, r: OperatorLoad, col: Column) -> str:
        if col == Column.PER_HOUR:
            return sparkline(r.per_hour, self._top)
        if col == Column.LAST_ACTION:
            if r.last_action_ts is None:
                return ""
            return QDateTime.fromSecsSinceEpoch(int(r.last_action_ts)).toString("HH:mm:ss")
        if col == Column.WORKSTATIONS:
            return ", ".join(r.workstations)
        return str(self._raw(r, col))

    def _tip(self, r: OperatorLoad, col: Column) -> str | None:
        if col == Column.PER_HOUR:
            return "\n".join(
                translate("WorkloadModel", "%1: %2 actions")
                .replace("%1", QDateTime.fromSecsSinceEpoch(int(h)).toString("HH:mm"))
                .replace("%2", str(n))
                for h, n in zip(self._hours[-len(r.per_hour):], r.per_hour, strict=False))
        if col == Column.OPEN and r.held:
            return ", ".join(r.held)
        return None
