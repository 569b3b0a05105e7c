"""The parts a tool window built around a table shares (the workload view, the evaluation
panel): a sortable read-only table over a model, and beside it a list of incidents that an
operator activates to show one in the console."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QObject, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)


def sorted_table(model: QAbstractItemModel, sort_role: int, column: int,
                 order: Qt.SortOrder, *, whole_rows: bool, parent: QObject
                 ) -> tuple[QSortFilterProxyModel, QTableView]:
    """A proxy sorting ``model`` by ``sort_role`` and the table showing it, sorted by
    ``column``: one selection at a time (a row or a cell), alternating rows, no row numbers,
    columns the operator can resize."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(sort_role)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(column, order)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows if whole_rows
                              else QAbstractItemView.SelectionBehavior.SelectItems)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return proxy, view


def incident_list(caption: str, tooltip: str,
                  activated: Callable[[QListWidgetItem], None]
                  ) -> tuple[QWidget, QLabel, QListWidget]:
    """A caption over a list of incidents (``activated`` on double-click or Enter): the panel,
    its caption and its list."""
    label = QLabel(caption)
    label.setWordWrap(True)
    items = QListWidget()
    items.setToolTip(tooltip)
    items.itemActivated.connect(activated)
    side = QWidget()
    lay = QVBoxLayout(side)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(label)
    lay.addWidget(items, 1)
    return side, label, items


def beside(main: QWidget, side: QWidget, stretch: tuple[int, int]) -> QSplitter:
    """``main`` and ``side`` in a splitter, sharing its width by ``stretch``."""
    split = QSplitter()
    split.addWidget(main)
    split.addWidget(side)
    split.setStretchFactor(0, stretch[0])
    split.setStretchFactor(1, stretch[1])
    return split
