"""A recorder of an item model's structural signals, for model tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex


class Recorder:
    """Counts a model's structural signals and records dataChanged ranges."""

    def __init__(self, model: QAbstractItemModel) -> None:
        self.changed: list[tuple[int, int, int, int, Any, list[int]]] = []
        self.resets = 0
        self.inserted: list[tuple[Any, int, int]] = []
        self.layout = 0
        model.dataChanged.connect(self._changed)
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(lambda p, a, b: self.inserted.append((p, a, b)))
        model.layoutChanged.connect(self._layout)

    def _changed(self, tl: QModelIndex, br: QModelIndex,
                 roles: Sequence[int] = ()) -> None:
        self.changed.append((tl.row(), br.row(), tl.column(), br.column(),
                             tl.parent().internalId() if tl.parent().isValid() else None,
                             list(roles)))

    def _reset(self) -> None:
        self.resets += 1

    def _layout(self) -> None:
        self.layout += 1

    def clear(self) -> None:
        self.changed.clear()
        self.inserted.clear()
        self.resets = self.layout = 0
