"""Filtering and sorting the incident table for the queue.

What passes is :class:`~widgets.incident_facets.IncidentFacets`'s to say (the filter's settings
and the test against them); :meth:`IncidentFilterProxy.counts` gives, for each facet value, how
many incidents would show if that value were picked with every other filter as it is (the
numbers of a filter bar, kept by :class:`~widgets.filter_counts.FilterCounter`).

The proxy filters and sorts in Python rather than in ``QSortFilterProxyModel``, whose sort asks
the source model for two ``SORT_ROLE`` values per comparison: re-sorting the 4,000 open
incidents of a city after a replay seek took over half a second in those calls. Here the sort
keys are kept per incident and recomputed only for the rows the table reports changed
(:attr:`~widgets.incident_model.IncidentTableModel.sig_rows_changed`, once per batch); a few
changed rows are removed, inserted or moved with row-level signals, a bulk change (a seek)
re-sorts once under one layout change.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from itertools import chain
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from dispatch.domain.state import Incident
from widgets.console_model import ConsoleModel
from widgets.filter_counts import FilterCounter, FilterCounts
from widgets.incident_cells import CLOCK_ROLE, Column
from widgets.incident_facets import IncidentFacets
from widgets.incident_model import IncidentTableModel

Index = QModelIndex | QPersistentModelIndex

# Sorting by the time left is sorting by the due time, which the per-second countdown refresh
# never changes: the countdown column sorts through the due column, so the refresh of the
# countdown cells never re-sorts the queue.
SORT_THROUGH = {Column.COUNTDOWN: Column.DUE}

# At most this many rows removed, inserted or moved in one batch get row-level signals; more
# are re-sorted at once under one layout change.
FINE_GRAINED_ROWS = 32
_COLUMNS = len(Column)


class IncidentFilterProxy(QAbstractProxyModel):
    """The queue's view of the incident table: filtered and sorted (see the module docstring).
    Rows are kept by incident id; ``sort`` and ``sortColumn`` behave as in
    ``QSortFilterProxyModel`` (the countdown column sorts through the due time)."""

    sig_filter_changed = Signal()
    """A filter setting changed (the filter bar refreshes its counts)."""

    def __init__(self, console: ConsoleModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.console = console
        # The settings: read them there, change them with the set_* methods here (which
        # re-filter and tell the filter bar).
        self.facets = IncidentFacets(console)
        self._model: IncidentTableModel | None = None
        self._sort_column = -1  # the source column sorted by (after SORT_THROUGH)
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._order: list[str] = []  # ids shown, in display order
        self._keys: dict[str, tuple[Any, ...]] = {}  # id → sort key of the rows shown
        self._pos: dict[str, int] | None = {}  # id → row shown (None: to be rebuilt)
        self._counts = FilterCounter(console, self.facets)
        console.sig_incidents_changed.connect(self._counts.changed)
        console.sig_reset.connect(self._counts.invalidate)

    def incident_model(self) -> IncidentTableModel:
        model = self._model
        assert model is not None, "the proxy has no incident table yet"
        return model

    # ------------------------------------------------------------------------- source

    def setSourceModel(self, model: QAbstractItemModel) -> None:
        if not isinstance(model, IncidentTableModel):
            raise TypeError("IncidentFilterProxy filters an IncidentTableModel")
        old = self._model
        if old is not None:
            for signal, slot in self._connections(old):
                signal.disconnect(slot)
        self.beginResetModel()
        super().setSourceModel(model)
        self._model = model
        for signal, slot in self._connections(model):
            signal.connect(slot)
        self._rebuild()
        self.endResetModel()

    def _connections(self, model: IncidentTableModel) -> list[tuple[Any, Any]]:
        return [(model.sig_rows_changed, self._on_rows_changed),
                (model.dataChanged, self._on_data_changed),
                (model.rowsAboutToBeRemoved, self._on_rows_about_to_be_removed),
                (model.rowsRemoved, self._on_rows_removed),
                (model.modelAboutToBeReset, self.beginResetModel),
                (model.modelReset, self._on_reset),
                (model.layoutChanged, self._on_source_layout_changed),
                (model.headerDataChanged, self.headerDataChanged)]

    def _on_reset(self) -> None:
        self._rebuild()
        self.endResetModel()

    def _on_rows_changed(self, rows: list[int]) -> None:
        self._update(self.incident_model().ids_at(rows))

    def _on_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex,
                         roles: list[int] | None = None) -> None:
        """Changed records come with :attr:`IncidentTableModel.sig_rows_changed` (all roles);
        here only the countdown tick and row flashes arrive: passed on, and re-filtered when
        the overdue filter is on (time passing makes incidents overdue)."""
        if not roles or (not self._order and not self.facets.overdue_only):
            return
        model = self.incident_model()
        ids = [model.id_at(r) for r in range(top_left.row(), bottom_right.row() + 1)]
        if self.facets.overdue_only and CLOCK_ROLE in roles:
            self._update(ids, roles)
            return
        pos = self._positions()
        rows = [p for iid in ids if (p := pos.get(iid)) is not None]
        if rows:
            self.dataChanged.emit(self.createIndex(min(rows), top_left.column()),
                                  self.createIndex(max(rows), bottom_right.column()), roles)

    def _on_rows_about_to_be_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        model = self.incident_model()
        pos = self._positions()
        gone = [iid for r in range(first, last + 1) if (iid := model.id_at(r)) in pos]
        if gone:
            self._apply(removed=gone, inserted=[], moved=[])

    def _on_rows_removed(self, parent: QModelIndex, first: int, last: int) -> None:
        if self._sort_column < 0:  # keyed by source row: the rows below moved up
            self._relayout(self._rebuild)

    def _on_source_layout_changed(self, *_args: Any) -> None:
        self._relayout(self._rebuild)

    # -------------------------------------------------------------------- the mapping

    def _positions(self) -> dict[str, int]:
        pos = self._pos
        if pos is None:
            pos = self._pos = {iid: i for i, iid in enumerate(self._order)}
        return pos

    def _key(self, iid: str, inc: Incident) -> tuple[Any, ...]:
        col = self._sort_column
        model = self.incident_model()
        if col < 0:
            return (model.row_of(iid),)
        return (model.cells.sort_value(inc, col), iid)

    def _rebuild(self) -> None:
        """Filter and sort every row afresh (no signals)."""
        model = self._model
        if model is None:
            self._order, self._keys, self._pos = [], {}, {}
            return
        incidents = self.console.state.incidents
        now = self.console.now()
        keys: dict[str, tuple[Any, ...]] = {}
        for iid in model.ids():
            inc = incidents.get(iid)
            if inc is not None and self.facets.failures(inc, now) == 0:
                keys[iid] = self._key(iid, inc)
        self._keys = keys
        self._order = sorted(keys, key=keys.__getitem__, reverse=self._descending)
        self._pos = None

    @property
    def _descending(self) -> bool:
        return self._sort_order == Qt.SortOrder.DescendingOrder

    def _bisect(self, key: tuple[Any, ...]) -> int:
        """Where a row with ``key`` goes in the display order."""
        order, keys = self._order, self._keys
        if not self._descending:
            return bisect.bisect_left(order, key, key=keys.__getitem__)
        lo, hi = 0, len(order)
        while lo < hi:
            mid = (lo + hi) // 2
            if keys[order[mid]] > key:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _update(self, ids: Iterable[str], roles: list[int] | None = None) -> None:
        """Re-filter and re-sort the rows of ``ids`` (records changed or time passed)."""
        incidents = self.console.state.incidents
        now = self.console.now()
        pos = self._positions()
        keys = self._keys
        removed: list[str] = []
        inserted: list[tuple[str, tuple[Any, ...]]] = []
        moved: list[tuple[str, tuple[Any, ...]]] = []
        kept: list[str] = []
        # (a replay seek re-filters 12,000 rows)
        failures, key_of = self.facets.failures, self._key
        row_of = self.incident_model().row_of
        for iid in dict.fromkeys(ids):
            inc = incidents.get(iid)
            ok = inc is not None and failures(inc, now) == 0 and row_of(iid) is not None
            if iid in pos:
                if not ok:
                    removed.append(iid)
                    continue
                key = key_of(iid, inc)  # type: ignore[arg-type]
                if key != keys[iid]:
                    moved.append((iid, key))
                else:
                    kept.append(iid)
            elif ok:
                inserted.append((iid, key_of(iid, inc)))  # type: ignore[arg-type]
        if removed or inserted or moved:
            self._apply(removed, inserted, moved)
        pos = self._positions()
        rows = [pos[iid] for iid in chain((iid for iid, _k in moved), kept)]
        if rows:
            self.dataChanged.emit(self.createIndex(min(rows), 0),
                                  self.createIndex(max(rows), _COLUMNS - 1), roles or [])

    def _apply(self, removed: list[str], inserted: list[tuple[str, tuple[Any, ...]]],
               moved: list[tuple[str, tuple[Any, ...]]]) -> None:
        """Remove, insert and move rows: row by row when few, else at once."""
        if len(removed) + len(inserted) + len(moved) > FINE_GRAINED_ROWS:
            def change() -> None:
                keys = self._keys
                for iid in removed:
                    del keys[iid]
                for iid, key in (*inserted, *moved):
                    keys[iid] = key
                self._order = sorted(keys, key=keys.__getitem__, reverse=self._descending)
                self._pos = None

            self._relayout(change)
            return
        keys = self._keys
        for iid in sorted(removed, key=self._positions().__getitem__, reverse=True):
            row = self._positions()[iid]
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._order[row]
            del keys[iid]
            self._pos = None
            self.endRemoveRows()
        for iid, key in moved:
            row = self._positions()[iid]
            del self._order[row]
            keys[iid] = key
            target = self._bisect(key)
            self._order.insert(row, iid)
            if target == row:
                continue  # still in its place
            dest = target if target < row else target + 1
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), dest)
            del self._order[row]
            self._order.insert(target, iid)
            self._pos = None
            self.endMoveRows()
        for iid, key in inserted:
            row = self._bisect(key)
            self.beginInsertRows(QModelIndex(), row, row)
            keys[iid] = key
            self._order.insert(row, iid)
            self._pos = None
            self.endInsertRows()

    def _relayout(self, change: Any) -> None:
        """Run ``change()`` (which rewrites the order) under one layout change, keeping the
        persistent indexes (selection, current row) on their incidents."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        order = self._order
        held = [(order[p.row()] if 0 <= p.row() < len(order) else None, p.column())
                for p in persistent]
        change()
        pos = self._positions()
        self.changePersistentIndexList(persistent, [
            self.createIndex(pos[iid], col) if iid is not None and iid in pos
            else QModelIndex() for iid, col in held])
        self.layoutChanged.emit()

    # ------------------------------------------------------------ QAbstractProxyModel

    def index(self, row: int, column: int,
              parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
              ) -> QModelIndex:
        if parent.isValid() or not 0 <= row < len(self._order) or not 0 <= column < _COLUMNS:
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(  # type: ignore[override]
            self, index: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
    ) -> QModelIndex:
        return QModelIndex()

    def sibling(self, row: int, column: int,
                index: QModelIndex | QPersistentModelIndex) -> QModelIndex:
        return self.index(row, column)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
                 ) -> int:
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self,
                    parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
                    ) -> int:
        return 0 if parent.isValid() else _COLUMNS

    def hasChildren(self,
                    parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
                    ) -> bool:
        return not parent.isValid() and bool(self._order)

    def mapToSource(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:
        model = self._model
        if model is None or not index.isValid() or not 0 <= index.row() < len(self._order):
            return QModelIndex()
        row = model.row_of(self._order[index.row()])
        return QModelIndex() if row is None else model.index(row, index.column())

    def mapFromSource(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:
        model = self._model
        if model is None or not index.isValid() or not 0 <= index.row() < model.rowCount():
            return QModelIndex()
        row = self._positions().get(model.id_at(index.row()))
        return QModelIndex() if row is None else self.createIndex(row, index.column())

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        model = self._model
        if model is None or not index.isValid() or not 0 <= index.row() < len(self._order):
            return None
        row = model.row_of(self._order[index.row()])
        return None if row is None else model.data_at(row, index.column(), role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            return None if self._model is None else self._model.headerData(section, orientation,
                                                                            role)
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._order):
            return str(section + 1)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        col = SORT_THROUGH.get(Column(column), column) if 0 <= column < len(Column) else -1
        if (col, order) == (self._sort_column, self._sort_order):
            return
        self._sort_column, self._sort_order = int(col), order
        self._relayout(self._rebuild)

    def sortColumn(self) -> int:
        return self._sort_column

    def sortOrder(self) -> Qt.SortOrder:
        return self._sort_order

    # ------------------------------------------------------------------------ settings

    def _changed(self) -> None:
        self._counts.invalidate()
        self._relayout(self._rebuild)
        self.sig_filter_changed.emit()

    def set_statuses(self, values: Iterable[str]) -> None:
        self.facets.set_statuses(values)
        self._changed()

    def set_priorities(self, values: Iterable[str]) -> None:
        self.facets.set_priorities(values)
        self._changed()

    def set_majors(self, values: Iterable[str]) -> None:
        self.facets.set_majors(values)
        self._changed()

    def set_departments(self, values: Iterable[str]) -> None:
        self.facets.set_departments(values)
        self._changed()

    def set_region(self, prefix: str) -> None:
        self.facets.set_region(prefix)
        self._changed()

    def set_overdue_only(self, on: bool) -> None:
        self.facets.set_overdue_only(on)
        self._changed()

    def set_open_only(self, on: bool) -> None:
        self.facets.set_open_only(on)
        self._changed()

    def set_callback_only(self, on: bool) -> None:
        self.facets.set_callback_only(on)
        self._changed()

    def set_search(self, text: str) -> None:
        self.facets.set_search(text)
        self._changed()

    def clear_filters(self) -> None:
        """Back to the default view: every open incident."""
        self.facets.clear()
        self._changed()

    # -------------------------------------------------------------------------- counts

    def counts(self) -> FilterCounts:
        """How many incidents each facet value would show, the others held as they are."""
        return self._counts.get()

    def id_at(self, proxy_row: int) -> str:
        return self._order[proxy_row]

    def proxy_index_of(self, incident_id: str) -> QModelIndex:
        row = self._positions().get(incident_id)
        return QModelIndex() if row is None else self.createIndex(row, 0)

