"""The replay's bookmarks as a table: the instant and an editable note per bookmark of a
:class:`~widgets.timeline_scrubber.TimelineScrubber`; double-clicking a time goes there."""

from __future__ import annotations

from datetime import timezone

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from widgets import labels
from widgets.timeline_scrubber import TimelineScrubber

translate = QCoreApplication.translate


class BookmarkTable(QTableWidget):
    """The scrubber's bookmarks, kept in step with it (see the module docstring)."""

    sig_bookmark_added = Signal(int)
    """(index) — a bookmark was added and its note is being edited."""

    def __init__(self, scrubber: TimelineScrubber, tz: timezone,
                 parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.scrubber = scrubber
        self.tz = tz
        self.setHorizontalHeaderLabels([translate("BookmarkTable", "Time"),
                                        translate("BookmarkTable", "Note")])
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.verticalHeader().hide()
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setToolTip(translate(
            "BookmarkTable", "Ctrl+B bookmarks the instant shown; double-click a time to go there"))
        self.itemChanged.connect(self._on_edited)
        self.cellDoubleClicked.connect(self._on_double_clicked)
        scrubber.sig_bookmark_added.connect(self._on_added)
        scrubber.sig_bookmarks_changed.connect(self.fill)

    def fill(self) -> None:
        """One row per bookmark of the scrubber, in time order."""
        self.blockSignals(True)
        self.setRowCount(len(self.scrubber.bookmarks))
        for i, b in enumerate(self.scrubber.bookmarks):
            when = QTableWidgetItem(labels.full_time(b.ts, self.tz))
            when.setFlags(when.flags() & ~Qt.ItemFlag.ItemIsEditable)
            when.setData(Qt.ItemDataRole.UserRole, b.position)
            self.setItem(i, 0, when)
            self.setItem(i, 1, QTableWidgetItem(b.note))
        self.blockSignals(False)

    def _on_added(self, index: int) -> None:
        self.fill()
        self.sig_bookmark_added.emit(index)
        self.setCurrentCell(index, 1)
        item = self.item(index, 1)
        if item is not None:
            self.editItem(item)

    def _on_edited(self, item: QTableWidgetItem) -> None:
        if item.column() == 1 and item.row() < len(self.scrubber.bookmarks):
            self.scrubber.set_bookmark_note(item.row(), item.text())

    def _on_double_clicked(self, row: int, column: int) -> None:
        if column == 0 and row < len(self.scrubber.bookmarks):
            b = self.scrubber.bookmarks[row]
            self.scrubber.set_position(b.position, emit=True, instant=b.ts)
