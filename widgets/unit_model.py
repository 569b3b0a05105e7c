"""The unit board's model: a tree department → unit type → unit.

A unit's department and type never change, so the tree's shape only grows (a unit registers);
a status change is a ``dataChanged`` on the unit's row and on its two group rows (their counts).
Position reports change no column here and emit nothing. Time in status is computed when a
cell is drawn; the board repaints its viewport each second instead of signalling 26,000 rows.

Index scheme: every index carries, as its internal id, the id of its parent group (0 for the
departments at the top), so ``parent()`` is a dictionary lookup.

The tree itself (groups, counts, what each row shows) is :class:`~widgets.unit_groups.UnitGroups`,
without Qt; what each cell shows is :class:`~widgets.unit_cells.UnitCells`; the board's filter
is :class:`~widgets.unit_filter.UnitFilterProxy`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from dispatch.domain.state import UnitState
from widgets.console_model import ConsoleModel
from widgets.rows import row_runs
from widgets.unit_cells import (
    HEADERS,
    ID_ROLE,
    KIND_ROLE,
    ROLES,
    SORT_ROLE,
    WARNING_ROLE,
    UnitCells,
    UnitColumn,
)
from widgets.unit_groups import SHOWN, Group, UnitGroups

Index = QModelIndex | QPersistentModelIndex

# Above this many runs of changed rows in one type group, one dataChanged spans them all
# (each signal costs the board's proxy and tree view some fifty calls back into the model).
_SPAN_ABOVE = 8
# A batch of more units than this (and than a quarter of the board) is taken by a recount.
RECOUNT_ABOVE = 1000


class UnitTreeModel(QAbstractItemModel):
    """Units of the mirror grouped by department and unit type."""

    IdRole = ID_ROLE
    SortRole = SORT_ROLE
    KindRole = KIND_ROLE
    WarningRole = WARNING_ROLE

    def __init__(self, console: ConsoleModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.cells = UnitCells(console)
        self._tree = UnitGroups()
        self._tree.load(console.state.units.values())
        console.sig_units_changed.connect(self.on_units_changed)
        console.sig_reset.connect(self.reload)

    # ------------------------------------------------------------------------ structure

    def totals(self) -> tuple[int, int, int]:
        """(units, available, on an incident) over the board, kept as rows change."""
        return self._tree.totals()

    def reload(self) -> None:
        """Rebuild from the mirror (only after a full resync)."""
        self.beginResetModel()
        self._tree = UnitGroups()
        self._tree.load(self.console.state.units.values())
        self.endResetModel()

    def _group_index(self, g: Group, column: int = 0) -> QModelIndex:
        return self.createIndex(g.row, column, g.parent_gid)

    def unit_index(self, unit_id: str, column: int = 0) -> QModelIndex:
        pos = self._tree.unit_pos.get(unit_id)
        if pos is None:
            return QModelIndex()
        typ, row = pos
        return self.createIndex(row, column, typ.gid)

    def group_of(self, index: Index) -> Group | None:
        """The group an index stands for (None for a unit row)."""
        if not index.isValid():
            return None
        pid = index.internalId()
        if pid == 0:
            return self._tree.departments[index.row()]
        parent = self._tree.groups[pid]
        return parent.children[index.row()] if parent.kind == "department" else None

    def unit_id_of(self, index: Index) -> str | None:
        if not index.isValid():
            return None
        pid = index.internalId()
        if pid == 0:
            return None
        parent = self._tree.groups[pid]
        return parent.children[index.row()] if parent.kind == "type" else None

    # ------------------------------------------------------------- QAbstractItemModel

    def index(self, row: int, column: int,
              parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not 0 <= column < len(UnitColumn):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0) if 0 <= row < len(self._tree.departments) \
                else QModelIndex()
        group = self.group_of(parent)
        if group is None or not 0 <= row < len(group.children):
            return QModelIndex()
        return self.createIndex(row, column, group.gid)

    def parent(  # type: ignore[override]
            self, index: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        pid = index.internalId()
        if pid == 0:
            return QModelIndex()
        return self._group_index(self._tree.groups[pid])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._tree.departments)
        if parent.column() != 0:
            return 0
        group = self.group_of(parent)
        return 0 if group is None else len(group.children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(UnitColumn)

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(UnitColumn):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("UnitTreeModel", str(HEADERS[UnitColumn(section)]))
        return None

    # --------------------------------------------------------------------------- data

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ROLES or not index.isValid():
            return None  # a view asks for a dozen roles per cell it paints
        uid = self.unit_id_of(index)
        col = UnitColumn(index.column())
        if uid is None:
            group = self.group_of(index)
            return None if group is None else self.cells.group_data(group, col, role)
        u = self.console.state.units.get(uid)
        return None if u is None else self.cells.unit_data(u, col, role)

    # ------------------------------------------------------------------------ updates

    def on_units_changed(self, ids: set[str]) -> None:
        """New units are inserted; status/incident changes signal their rows and groups;
        units gone from the mirror (a replay going back before they registered) are removed.

        One batch gives one ``dataChanged`` per run of adjacent changed rows (one span per
        type group when many rows of it changed) over the columns that can change, one
        ``beginInsertRows`` per type group that gains units, and one ``dataChanged`` per group
        whose counts changed (its status column). A batch of more than :data:`RECOUNT_ABOVE`
        units and a quarter of the board is a recount instead (:meth:`_recount`).

        Rows come in name order within their type (new units at the end). A sorting proxy
        re-sorts a whole type group whenever a unit in it changes (with recursive filtering
        the group row itself is re-checked), so at city scale the board stays in this order.
        """
        units = self.console.state.units
        tree = self._tree
        unit_pos, shown_of = tree.unit_pos, tree.shown
        if not unit_pos and units:  # the first units (a replay's empty start): a load
            self.reload()
            return
        if not isinstance(ids, (set, frozenset)):
            ids = set(ids)
        if len(ids) > max(RECOUNT_ABOVE, len(unit_pos) // 4):
            self._recount(ids)
            return
        new: list[UnitState] = []
        gone: list[str] = []
        rows_by_type: dict[int, list[int]] = {}
        groups: dict[int, Group] = {}
        unit_of, shown_by_id = units.get, shown_of.get
        for uid in ids:
            u, shown = unit_of(uid), shown_by_id(uid)
            if u is None:
                if shown is not None:
                    gone.append(uid)
                continue
            if shown is None:
                new.append(u)
                continue
            now_shown = SHOWN(u)
            if now_shown == shown:
                continue
            typ, row, dept = tree.restate(uid, shown, now_shown)
            if dept is not None:
                groups[typ.gid] = typ
                groups[dept.gid] = dept
            rows_by_type.setdefault(typ.gid, []).append(row)
        first, last = UnitColumn.STATUS, UnitColumn.INCIDENT
        for gid, rows in rows_by_type.items():
            rows.sort()
            for top, bottom in row_runs(rows, _SPAN_ABOVE):
                self.dataChanged.emit(self.createIndex(top, first, gid),
                                      self.createIndex(bottom, last, gid))
        if gone:
            self._remove(gone, groups)
        if new:
            self._insert(new, groups)
        for g in sorted(groups.values(), key=lambda g: g.kind == "department"):
            self.dataChanged.emit(self._group_index(g, UnitColumn.STATUS),
                                  self._group_index(g, UnitColumn.STATUS))

    def _recount(self, ids: set[str]) -> None:
        """A batch that touches much of the board (a replay jump reports every unit that
        moved: 26,000, half of them with a row that shows something else): units new or gone
        are inserted or removed, then every row's shown values, the groups' counts and the
        engaged total are taken afresh from the mirror by C-level maps, and each type group
        signals all its rows at once (a view draws the rows on screen only). Per month-window
        seek, with the signals' handling: 67-81 ms for a Python pass comparing and counting
        unit by unit, 44-47 ms this way."""
        units, tree = self.console.state.units, self._tree
        groups: dict[int, Group] = {}  # (every group is signalled below)
        gone = [uid for uid in ids - units.keys() if uid in tree.shown]
        if gone:
            self._remove(gone, groups)
        new = [u for uid in ids - tree.shown.keys() if (u := units.get(uid)) is not None]
        if new:
            self._insert(new, groups)
        tree.recount(units)
        first, last = UnitColumn.STATUS, UnitColumn.INCIDENT
        types = [g for g in tree.groups.values() if g.kind == "type"]
        for typ in types:
            if typ.children:
                self.dataChanged.emit(self.createIndex(0, first, typ.gid),
                                      self.createIndex(len(typ.children) - 1, last, typ.gid))
        for g in types + tree.departments:
            self.dataChanged.emit(self._group_index(g, UnitColumn.STATUS),
                                  self._group_index(g, UnitColumn.STATUS))

    def _remove(self, gone: list[str], groups: dict[int, Group]) -> None:
        """Remove unit rows (one ``beginRemoveRows`` per run of rows in a type group)."""
        tree = self._tree
        by_type: dict[int, list[int]] = {}
        for uid in gone:
            typ, row = tree.unit_pos[uid]
            by_type.setdefault(typ.gid, []).append(row)
        for gid, rows in by_type.items():
            typ = tree.groups[gid]
            dept = tree.groups[typ.parent_gid]
            rows.sort()
            for top, bottom in reversed(row_runs(rows)):
                self.beginRemoveRows(self._group_index(typ), top, bottom)
                tree.remove_rows(typ, top, bottom)
                self.endRemoveRows()
            groups[typ.gid] = typ
            groups[dept.gid] = dept

    def _insert(self, new: list[UnitState], groups: dict[int, Group]) -> None:
        """Append new units to their type groups (made when missing): one
        ``beginInsertRows`` per group."""
        by_type: dict[tuple[str, str], list[UnitState]] = {}
        for u in sorted(new, key=lambda x: x.id):
            by_type.setdefault((u.department, u.unit_type), []).append(u)
        tree = self._tree
        for (department, unit_type), members in sorted(by_type.items()):
            dept = tree.department(department)
            if dept is None:
                n = len(tree.departments)
                self.beginInsertRows(QModelIndex(), n, n)
                dept = tree.add_department(department)
                self.endInsertRows()
            typ = tree.type_group(department, unit_type)
            if typ is None:
                n = len(dept.children)
                self.beginInsertRows(self._group_index(dept), n, n)
                typ = tree.add_type(dept, unit_type)
                self.endInsertRows()
            n = len(typ.children)
            self.beginInsertRows(self._group_index(typ), n, n + len(members) - 1)
            for u in members:
                tree.append(typ, u)
            self.endInsertRows()
            groups[typ.gid] = typ
            groups[dept.gid] = dept
