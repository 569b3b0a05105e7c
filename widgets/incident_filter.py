"""Filtering and sorting the incident table for the queue.

Facets: status (a set), priority (a set), major class (a set), department (lead or assisting,
or the class's lead before dispatch), region (a code prefix: district, street, community,
grid), overdue only, open only (on by default), and a free-text search over the id,
description, grid name and code, class names in both languages and the reporter.
:meth:`IncidentFilterProxy.counts` gives, for each facet value, how many incidents would show
if that value were picked with every other filter as it is (the numbers of a filter bar).

The proxy filters and sorts in Python rather than in ``QSortFilterProxyModel``, whose sort asks
the source model for two ``SORT_ROLE`` values per comparison: re-sorting the 4,000 open
incidents of a city after a replay seek took over half a second in those calls. Here the sort
keys are kept per incident and recomputed only for the rows the table reports changed
(:attr:`~widgets.incident_model.IncidentTableModel.sig_rows_changed`, once per batch); a few
changed rows are removed, inserted or moved with row-level signals, a bulk change (a seek)
re-sorts once under one layout change. The counts are kept the same way: per incident, from
facts cached by record version, updated for the incidents that changed and for those whose
time limit passed between two calls.
"""

from __future__ import annotations

import bisect
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.state import Incident
from dispatch.domain.status import OPEN_STATUSES, IncidentStatus
from dispatch.domain.timelimits import DueIndex, overdue_from
from widgets import labels
from widgets.console_model import ConsoleModel
from widgets.incident_cells import CLOCK_ROLE, Column
from widgets.incident_model import IncidentTableModel

Index = QModelIndex | QPersistentModelIndex

# Sorting by the time left is sorting by the due time, which the per-second countdown refresh
# never changes: the countdown column sorts through the due column, so the refresh of the
# countdown cells never re-sorts the queue.
SORT_THROUGH = {Column.COUNTDOWN: Column.DUE}

# Failure bits: which facet rejects a row.
_STATUS, _PRIORITY, _MAJOR, _DEPARTMENT, _REGION, _OVERDUE, _OPEN, _SEARCH = (
    1 << i for i in range(8))
# At most this many rows removed, inserted or moved in one batch get row-level signals; more
# are re-sorted at once under one layout change.
FINE_GRAINED_ROWS = 32
# Counts: above this share of the incidents changed, count them all afresh.
_RECOUNT_SHARE = 0.3
_COLUMNS = len(Column)
_GRID = operator.attrgetter("grid")
# Per status: (its value, open?): ``inc.status.value`` goes through the enum's descriptor.
_STATUS_FACTS: dict[Any, tuple[str, bool]] = {s: (s.value, s in OPEN_STATUSES)
                                              for s in IncidentStatus}


class _Facts(NamedTuple):
    """What the facets read of one incident at one version (a tuple: made for thousands of
    incidents at a time)."""

    version: int
    status: str
    priority: str
    major: str
    departments: tuple[str, ...]
    grid: str
    is_open: bool
    overdue_from: float


@dataclass(slots=True)
class FilterCounts:
    """Per facet value: rows that pass every filter but that facet's own."""

    status: Counter[str] = field(default_factory=Counter)
    priority: Counter[str] = field(default_factory=Counter)
    major: Counter[str] = field(default_factory=Counter)
    department: Counter[str] = field(default_factory=Counter)
    region: Counter[str] = field(default_factory=Counter)  # district/street/community prefixes
    # Per facet ("status", "priority", "major", "department", "region"): rows passing every
    # filter but that facet's own (the "all" entry of the facet).
    base: Counter[str] = field(default_factory=Counter)
    overdue: int = 0  # rows passing the other filters that are overdue
    open: int = 0  # rows passing the other filters that are open
    shown: int = 0  # rows passing everything
    total: int = 0  # rows in the model


# Facets counted by one field of the facts: (failure bit, name of the facet, of its counter
# in FilterCounts and of the field alike).
_FACETS: tuple[tuple[int, str], ...] = ((_STATUS, "status"), (_PRIORITY, "priority"),
                                        (_MAJOR, "major"))


class IncidentFilterProxy(QAbstractProxyModel):
    """The queue's view of the incident table: filtered and sorted (see the module docstring).
    Rows are kept by incident id; ``sort`` and ``sortColumn`` behave as in
    ``QSortFilterProxyModel`` (the countdown column sorts through the due time)."""

    sig_filter_changed = Signal()
    """A filter setting changed (the filter bar refreshes its counts)."""

    def __init__(self, console: ConsoleModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.statuses: frozenset[str] = frozenset()
        self.priorities: frozenset[str] = frozenset()
        self.majors: frozenset[str] = frozenset()
        self.departments: frozenset[str] = frozenset()
        self.region = ""
        self.overdue_only = False
        self.open_only = True
        self.search = ""
        self._needle = ""
        self._haystacks: dict[str, tuple[int, str, str]] = {}  # id → (version, language, text)
        self._facts: dict[str, _Facts] = {}
        # class code → (major, departments before dispatch), for the catalogue _classes_of
        self._classes: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._classes_of: Catalogue | None = None
        self._model: IncidentTableModel | None = None
        self._sort_column = -1  # the source column sorted by (after SORT_THROUGH)
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._order: list[str] = []  # ids shown, in display order
        self._keys: dict[str, tuple[Any, ...]] = {}  # id → sort key of the rows shown
        self._pos: dict[str, int] | None = {}  # id → row shown (None: to be rebuilt)
        self._counts = _Counts(self)
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
        if not roles or (not self._order and not self.overdue_only):
            return
        model = self.incident_model()
        ids = [model.id_at(r) for r in range(top_left.row(), bottom_right.row() + 1)]
        if self.overdue_only and CLOCK_ROLE in roles:
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
            if inc is not None and self.failures(inc, now) == 0:
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
        failures, key_of = self.failures, self._key  # (a replay seek re-filters 12,000 rows)
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
        self.statuses = frozenset(values)
        self._changed()

    def set_priorities(self, values: Iterable[str]) -> None:
        self.priorities = frozenset(values)
        self._changed()

    def set_majors(self, values: Iterable[str]) -> None:
        self.majors = frozenset(values)
        self._changed()

    def set_departments(self, values: Iterable[str]) -> None:
        self.departments = frozenset(values)
        self._changed()

    def set_region(self, prefix: str) -> None:
        self.region = prefix.strip()
        self._changed()

    def set_overdue_only(self, on: bool) -> None:
        self.overdue_only = bool(on)
        self._changed()

    def set_open_only(self, on: bool) -> None:
        self.open_only = bool(on)
        self._changed()

    def set_search(self, text: str) -> None:
        self.search = text
        self._needle = text.strip().lower()
        self._changed()

    def clear_filters(self) -> None:
        """Back to the default view: every open incident."""
        self.statuses = self.priorities = self.majors = self.departments = frozenset()
        self.region, self.overdue_only, self.open_only = "", False, True
        self.search = self._needle = ""
        self._changed()

    # ------------------------------------------------------------------------ filtering

    def departments_of(self, inc: Incident) -> tuple[str, ...]:
        if inc.lead_department:
            return inc.departments
        return self._class_facts(inc.class_code)[1]

    def _class_facts(self, code: str) -> tuple[str, tuple[str, ...]]:
        """(major class, departments before dispatch) of a class code, cached per code."""
        cat = self.console.catalogue
        if cat is not self._classes_of:
            self._classes, self._classes_of = {}, cat
        got = self._classes.get(code)
        if got is None:
            try:
                lead: tuple[str, ...] = (cat.lead_department_of(code),)
            except KeyError:
                lead = ()
            got = self._classes[code] = (labels.major_of(cat, code), lead)
        return got

    def _haystack(self, inc: Incident) -> str:
        lang = self.console.language
        got = self._haystacks.get(inc.id)
        if got is not None and got[0] == inc.version and got[1] == lang:
            return got[2]
        cat, city = self.console.catalogue, self.console.city
        parts = [inc.id, inc.description, inc.reporter, inc.grid, inc.external_ref,
                 labels.region_name(city, inc.grid)]
        for code in (inc.class_code, labels.major_of(cat, inc.class_code)):
            for language in ("zh", "en"):
                parts.append(labels.class_name(cat, code, language))
        minor = cat.minors.get(inc.class_code[:4])
        if minor is not None and len(inc.class_code) == 6:
            parts += [minor.name_zh, minor.name_en]
        text = "\n".join(parts).lower()
        self._haystacks[inc.id] = (inc.version, lang, text)
        return text

    def forget_others(self, incidents: dict[str, Incident]) -> None:
        """Drop what is cached about incidents not in ``incidents`` (gone from the mirror)."""
        if len(self._facts) > len(incidents):
            self._facts = {k: v for k, v in self._facts.items() if k in incidents}
        if len(self._haystacks) > len(incidents):
            self._haystacks = {k: v for k, v in self._haystacks.items() if k in incidents}

    def facts(self, inc: Incident) -> _Facts:
        """What the facets read of ``inc`` (cached by record version)."""
        got = self._facts.get(inc.id)
        if got is not None and got.version == inc.version:
            return got
        value, is_open = _STATUS_FACTS[inc.status]
        major, default = self._class_facts(inc.class_code)
        got = self._facts[inc.id] = _Facts(
            inc.version, value, inc.priority, major,
            inc.departments if inc.lead_department else default,
            inc.grid, is_open, overdue_from(inc))
        return got

    def failures(self, inc: Incident, now: float) -> int:
        """Bit mask of the facets that reject ``inc`` (0: it shows)."""
        return self.failures_of(self.facts(inc), inc, now)

    def failures_of(self, f: _Facts, inc: Incident, now: float) -> int:
        """:meth:`failures` from the facts of ``inc`` already taken (:meth:`facts`)."""
        bad = 0
        if self.statuses and f.status not in self.statuses:
            bad |= _STATUS
        if self.priorities and f.priority not in self.priorities:
            bad |= _PRIORITY
        if self.majors and f.major not in self.majors:
            bad |= _MAJOR
        if self.departments and not self.departments.intersection(f.departments):
            bad |= _DEPARTMENT
        if self.region and not f.grid.startswith(self.region):
            bad |= _REGION
        if self.overdue_only and not now >= f.overdue_from:
            bad |= _OVERDUE
        if self.open_only and not f.is_open:
            bad |= _OPEN
        if self._needle and self._needle not in self._haystack(inc):
            bad |= _SEARCH
        return bad

    # -------------------------------------------------------------------------- counts

    def counts(self) -> FilterCounts:
        """How many incidents each facet value would show, the others held as they are."""
        return self._counts.get()

    def id_at(self, proxy_row: int) -> str:
        return self._order[proxy_row]

    def proxy_index_of(self, incident_id: str) -> QModelIndex:
        row = self._positions().get(incident_id)
        return QModelIndex() if row is None else self.createIndex(row, 0)


class _Counts:
    """The filter bar's counts, kept per incident: each incident's share (which counters it
    adds one to) is remembered, so an update subtracts the old share and adds the new one for
    the incidents that changed, and for those whose time limit passed since the last call."""

    def __init__(self, proxy: IncidentFilterProxy) -> None:
        self.proxy = proxy
        self.out = FilterCounts()
        self._share: dict[str, tuple[_Facts, int, bool]] = {}  # id → (facts, failures, overdue)
        self._dues = DueIndex()  # when each incident turns overdue
        self._pending: set[str] = set()
        self._valid = False
        self._now = 0.0

    def changed(self, ids: set[str]) -> None:
        if self._valid:
            self._pending |= ids

    def invalidate(self) -> None:
        self._valid = False
        self._pending = set()

    def get(self) -> FilterCounts:
        incidents = self.proxy.console.state.incidents
        now = self.proxy.console.now()
        if self._valid:
            flipped = set(self._dues.between(self._now, now))
            todo = self._pending | flipped
            if len(todo) > _RECOUNT_SHARE * max(1, len(incidents)):
                self._valid = False
            else:
                self._update(todo, incidents, now)
        if not self._valid:
            self._recount(incidents, now)
        self._pending = set()
        self._now = now
        out = self.out
        return FilterCounts(+out.status, +out.priority, +out.major, +out.department,
                            +out.region, +out.base, out.overdue, out.open, out.shown, out.total)

    def _recount(self, incidents: dict[str, Incident], now: float) -> None:
        """Count every incident afresh. A facet's counters take the incidents failing no
        filter or that facet's alone, so they are counted by facet in C (``Counter``) rather
        than incident by incident."""
        proxy = self.proxy
        proxy.forget_others(incidents)
        facts, failures = proxy.facts, proxy.failures_of
        share: dict[str, tuple[_Facts, int, bool]] = {}
        dues: list[tuple[float, str]] = []  # (overdue from, id)
        passing: list[_Facts] = []
        only: dict[int, list[_Facts]] = {}  # failure bit → incidents failing that facet alone
        for iid, inc in incidents.items():
            f = facts(inc)
            bad = failures(f, inc, now)
            overdue_at = f.overdue_from
            share[iid] = (f, bad, now >= overdue_at)
            dues.append((overdue_at, iid))
            if bad == 0:
                passing.append(f)
            elif bad & (bad - 1) == 0:
                only.setdefault(bad, []).append(f)
        out = FilterCounts(total=len(incidents), shown=len(passing))

        def members(bit: int) -> list[_Facts]:
            return passing + only.get(bit, [])

        for bit, facet in _FACETS:
            them = members(bit)
            out.base[facet] = len(them)
            getattr(out, facet).update(map(operator.attrgetter(facet), them))
        them = members(_DEPARTMENT)
        out.base["department"] = len(them)
        out.department.update(chain.from_iterable(f.departments for f in them))
        them = members(_REGION)
        out.base["region"] = len(them)
        out.region.update(chain.from_iterable((g[:6], g[:9], g[:12])
                                              for g in map(_GRID, them)))
        out.overdue = sum(1 for f in members(_OVERDUE) if now >= f.overdue_from)
        out.open = sum(1 for f in members(_OPEN) if f.is_open)
        self.out, self._share, self._dues = out, share, DueIndex(dues)
        self._valid = True

    def _update(self, ids: set[str], incidents: dict[str, Incident], now: float) -> None:
        proxy = self.proxy
        dues = self._dues
        for iid in ids:
            old = self._share.get(iid)
            if old is not None:
                self._add(iid, *old, -1)
                dues.remove(old[0].overdue_from, iid)
            inc = incidents.get(iid)
            if inc is None:
                continue
            f = proxy.facts(inc)
            self._add(iid, f, proxy.failures_of(f, inc, now), now >= f.overdue_from, 1)
            dues.add(f.overdue_from, iid)

    def _add(self, iid: str, f: _Facts, bad: int, overdue: bool, n: int) -> None:
        """Add (``n`` = 1) or take back (``n`` = -1) one incident's share."""
        out = self.out
        if n > 0:
            self._share[iid] = (f, bad, overdue)
        else:
            del self._share[iid]
        out.total += n
        if bad == 0:
            out.shown += n
        if bad & ~_STATUS == 0:
            out.base["status"] += n
            out.status[f.status] += n
        if bad & ~_PRIORITY == 0:
            out.base["priority"] += n
            out.priority[f.priority] += n
        if bad & ~_MAJOR == 0:
            out.base["major"] += n
            out.major[f.major] += n
        if bad & ~_DEPARTMENT == 0:
            out.base["department"] += n
            for d in f.departments:
                out.department[d] += n
        if bad & ~_REGION == 0:
            out.base["region"] += n
            grid = f.grid
            out.region[grid[:6]] += n
            out.region[grid[:9]] += n
            out.region[grid[:12]] += n
        if overdue and bad & ~_OVERDUE == 0:
            out.overdue += n
        if f.is_open and bad & ~_OPEN == 0:
            out.open += n
