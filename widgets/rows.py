"""Row helpers shared by the item models, and the boilerplate of a keyed table model."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

Index = QModelIndex | QPersistentModelIndex


def row_runs(rows: list[int], limit: int | None = None) -> list[tuple[int, int]]:
    """Runs of consecutive numbers of a sorted list, as (first, last) pairs: one
    ``beginRemoveRows``/``beginInsertRows`` per run instead of one per row. With ``limit``,
    more runs than that become one run from the first row to the last (a replay seek's
    thousands of scattered rows get one ``dataChanged`` over their span)."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            if len(runs) == limit:
                return [(rows[0], rows[-1])]
            runs.append((row, row))
    return runs


class ListTableModel(QAbstractTableModel):
    """The boilerplate of a flat table model over a list the subclass holds (:meth:`items`):
    row and column counts, and headers ``HEADERS`` translated in the ``CONTEXT`` translation
    context (mark them with ``QT_TRANSLATE_NOOP``), one per column. :meth:`item_at` is the row
    of a valid index (None otherwise); a subclass says what the cells show (``data``)."""

    CONTEXT = ""
    HEADERS: tuple[Any, ...] = ()

    def items(self) -> Sequence[Any]:
        raise NotImplementedError

    def item_at(self, index: Index) -> Any:
        items = self.items()
        return items[index.row()] if index.isValid() and 0 <= index.row() < len(items) \
            else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.HEADERS)):
            return QCoreApplication.translate(self.CONTEXT, str(self.HEADERS[section]))
        return None


class KeyedRowsModel(ListTableModel):
    """A :class:`ListTableModel` over rows kept in key order: :meth:`set_rows` updating in
    place (rows whose key is gone removed, new ones inserted, changed ones one ``dataChanged``
    each) and :meth:`row_of` a key. A subclass says what a
    row's key is (:meth:`key`) and what its cells show (``data``)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def items(self) -> Sequence[Any]:
        return self._rows

    def key(self, row: Any) -> str:
        raise NotImplementedError

    def set_rows(self, new: Iterable[Any]) -> None:
        """Show ``new`` (any order; kept in key order)."""
        fresh = sorted(new, key=self.key)
        keep = {self.key(r) for r in fresh}
        for row in range(len(self._rows) - 1, -1, -1):
            if self.key(self._rows[row]) not in keep:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        last = len(self.HEADERS) - 1
        for item in fresh:
            k = self.key(item)
            keys = [self.key(r) for r in self._rows]
            row = bisect_left(keys, k)
            if row < len(keys) and keys[row] == k:
                if self._rows[row] != item:
                    self._rows[row] = item
                    self.dataChanged.emit(self.index(row, 0), self.index(row, last))
                continue
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, item)
            self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self.endResetModel()

    def row_of(self, key: str) -> int | None:
        keys = [self.key(r) for r in self._rows]
        row = bisect_left(keys, key)
        return row if row < len(keys) and keys[row] == key else None
