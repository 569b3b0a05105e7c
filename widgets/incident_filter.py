"""Filtering and sorting the incident table for the queue.

Facets: status (a set), priority (a set), major class (a set), department (lead or assisting,
or the class's lead before dispatch), region (a code prefix: district, street, community,
grid), overdue only, open only (on by default), and a free-text search over the id,
description, grid name and code, class names in both languages and the reporter.
:meth:`IncidentFilterProxy.counts` gives, for each facet value, how many incidents would show
if that value were picked with every other filter as it is (the numbers of a filter bar).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from dispatch.state import Incident
from dispatch.timelimits import is_overdue
from widgets import labels
from widgets.console_model import ConsoleModel
from widgets.incident_model import SORT_ROLE, Column, IncidentTableModel

Index = QModelIndex | QPersistentModelIndex

# Sorting by the time left is sorting by the due time, which the per-second countdown refresh
# never changes: the countdown column sorts through the due column, so the refresh of the
# countdown cells never re-sorts the queue.
SORT_THROUGH = {Column.COUNTDOWN: Column.DUE}

# Failure bits: which facet rejects a row.
_STATUS, _PRIORITY, _MAJOR, _DEPARTMENT, _REGION, _OVERDUE, _OPEN, _SEARCH = (
    1 << i for i in range(8))


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


class IncidentFilterProxy(QSortFilterProxyModel):
    """The queue's view of the incident table."""

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
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        super().sort(SORT_THROUGH.get(Column(column), column) if column >= 0 else column, order)

    def incident_model(self) -> IncidentTableModel:
        model = self.sourceModel()
        assert isinstance(model, IncidentTableModel)
        return model

    # ------------------------------------------------------------------------ settings

    def _changed(self) -> None:
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
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
        try:
            return (self.console.catalogue.lead_department_of(inc.class_code),)
        except KeyError:
            return ()

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

    def failures(self, inc: Incident, now: float) -> int:
        """Bit mask of the facets that reject ``inc`` (0: it shows)."""
        bad = 0
        if self.statuses and inc.status.value not in self.statuses:
            bad |= _STATUS
        if self.priorities and inc.priority not in self.priorities:
            bad |= _PRIORITY
        if self.majors and labels.major_of(self.console.catalogue, inc.class_code) \
                not in self.majors:
            bad |= _MAJOR
        if self.departments and not self.departments.intersection(self.departments_of(inc)):
            bad |= _DEPARTMENT
        if self.region and not inc.grid.startswith(self.region):
            bad |= _REGION
        if self.overdue_only and not (inc.is_open and is_overdue(inc, now)):
            bad |= _OVERDUE
        if self.open_only and not inc.is_open:
            bad |= _OPEN
        if self._needle and self._needle not in self._haystack(inc):
            bad |= _SEARCH
        return bad

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if source_parent.isValid():
            return False
        inc = self.incident_model().incident_at(source_row)
        return inc is not None and self.failures(inc, self.console.now()) == 0

    # -------------------------------------------------------------------------- counts

    def counts(self) -> FilterCounts:
        """How many incidents each facet value would show, the others held as they are."""
        out = FilterCounts()
        now = self.console.now()
        cat = self.console.catalogue
        for inc in self.console.state.incidents.values():
            out.total += 1
            bad = self.failures(inc, now)
            if bad == 0:
                out.shown += 1
            if bad & ~_STATUS == 0:
                out.base["status"] += 1
                out.status[inc.status.value] += 1
            if bad & ~_PRIORITY == 0:
                out.base["priority"] += 1
                out.priority[str(inc.priority)] += 1
            if bad & ~_MAJOR == 0:
                out.base["major"] += 1
                out.major[labels.major_of(cat, inc.class_code)] += 1
            if bad & ~_DEPARTMENT == 0:
                out.base["department"] += 1
                for d in self.departments_of(inc):
                    out.department[d] += 1
            if bad & ~_REGION == 0:
                out.base["region"] += 1
                out.region[inc.grid[:6]] += 1
                out.region[inc.grid[:9]] += 1
                out.region[inc.grid[:12]] += 1
            if bad & ~_OVERDUE == 0 and inc.is_open and is_overdue(inc, now):
                out.overdue += 1
            if bad & ~_OPEN == 0 and inc.is_open:
                out.open += 1
        return out

    def id_at(self, proxy_row: int) -> str:
        src = self.mapToSource(self.index(proxy_row, 0))
        return self.incident_model().id_at(src.row())

    def proxy_index_of(self, incident_id: str) -> QModelIndex:
        return self.mapFromSource(self.incident_model().index_of(incident_id))
