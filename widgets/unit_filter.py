"""The unit board's filter: by availability, department, unit type and a search text; a group
row shows when a unit under it does (recursive filtering), and rows sort by the board's sort
role. The map follows the same filter (:meth:`UnitFilterProxy.accepts_unit`)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Signal,
)

from dispatch.domain.state import UnitState
from dispatch.domain.status import ASSIGNABLE_UNIT_STATUSES, ENGAGED_UNIT_STATUSES, UnitStatus
from widgets.unit_cells import SORT_ROLE
from widgets.unit_model import UnitTreeModel

Index = QModelIndex | QPersistentModelIndex

AVAILABILITY_MODES = ("all", "available", "engaged", "unavailable")


class UnitFilterProxy(QSortFilterProxyModel):
    """Filters unit rows (groups show when a unit under them does) and sorts by SortRole."""

    sig_filter_changed = Signal()
    """A filter setting changed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.availability = "all"
        self.departments: frozenset[str] = frozenset()
        self.unit_types: frozenset[str] = frozenset()
        self.search = ""
        self.setRecursiveFilteringEnabled(True)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def unit_model(self) -> UnitTreeModel:
        model = self.sourceModel()
        assert isinstance(model, UnitTreeModel)
        return model

    def _changed(self) -> None:
        self.beginFilterChange()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.sig_filter_changed.emit()

    def set_availability(self, mode: str) -> None:
        """``all``, ``available`` (assignable), ``engaged`` (on an incident), ``unavailable``
        (off duty or out of service)."""
        if mode not in AVAILABILITY_MODES:
            raise ValueError(f"unknown availability filter {mode!r}; expected one of "
                             f"{', '.join(AVAILABILITY_MODES)}")
        self.availability = mode
        self._changed()

    def set_departments(self, codes: Iterable[str], unit_types: Iterable[str] | None = None
                        ) -> None:
        """Only units of these departments (none: all); ``unit_types`` given: and of these
        types, in the same change."""
        self.departments = frozenset(codes)
        if unit_types is not None:
            self.unit_types = frozenset(unit_types)
        self._changed()

    def set_unit_types(self, codes: Iterable[str]) -> None:
        self.unit_types = frozenset(codes)
        self._changed()

    def set_search(self, text: str) -> None:
        self.search = text.strip().lower()
        self._changed()

    @property
    def active(self) -> bool:
        return (self.availability != "all" or bool(self.departments) or bool(self.unit_types)
                or bool(self.search))

    def accepts_unit(self, u: UnitState) -> bool:
        if self.departments and u.department not in self.departments:
            return False
        if self.unit_types and u.unit_type not in self.unit_types:
            return False
        mode = self.availability
        if mode == "available" and u.status not in ASSIGNABLE_UNIT_STATUSES:
            return False
        if mode == "engaged" and u.status not in ENGAGED_UNIT_STATUSES:
            return False
        if mode == "unavailable" and u.status not in (UnitStatus.OFF_DUTY,
                                                      UnitStatus.OUT_OF_SERVICE):
            return False
        s = self.search
        return not s or s in u.id.lower() or s in u.name.lower() or s in u.incident_id.lower()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.active:  # every row shows (the model holds the mirror's units only)
            return True
        model = self.unit_model()
        index = model.index(source_row, 0, source_parent)
        uid = model.unit_id_of(index)
        if uid is None:
            # A group: shown by itself only when nothing is filtered; otherwise recursive
            # filtering shows it when one of its units is accepted.
            group = model.group_of(index)
            if group is not None and self.departments and group.kind == "department" \
                    and group.code not in self.departments:
                return False
            if group is not None and self.unit_types and group.kind == "type" \
                    and group.code not in self.unit_types:
                return False
            return not self.active
        u = model.console.state.units.get(uid)
        return u is not None and self.accepts_unit(u)
