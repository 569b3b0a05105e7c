"""The unit board's tree without Qt: departments → unit types → unit ids, the units of each
group counted by status, what each unit row shows, and how many units are on an incident.

A unit's department and type never change, so the tree only grows by units registering and
shrinks by units leaving the mirror (a replay going back before they registered). Every group
has an id (``gid``, from 1; 0 stands for the top) and knows its parent's, which is what the
board's model puts in its indexes. :class:`~widgets.unit_model.UnitTreeModel` changes the tree
through these methods and signals the rows they touch.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dispatch.domain.state import UnitState
from dispatch.domain.status import UnitStatus

SHOWN = operator.attrgetter("status", "status_since", "incident_id")
"""What a unit row shows that can change: (status, since, incident)."""
Shown = tuple[UnitStatus, float, str]
_STATUS_OF, _INCIDENT_OF = operator.itemgetter(0), operator.itemgetter(2)  # of a Shown


@dataclass(slots=True, eq=False)
class Group:
    gid: int
    kind: str  # "department" | "type"
    code: str
    parent_gid: int  # 0 for departments
    row: int
    children: list[Any] = field(default_factory=list)  # Group (department) or unit ids (type)
    counts: Counter[UnitStatus] = field(default_factory=Counter)

    @property
    def size(self) -> int:
        return sum(self.counts.values())

    @property
    def available(self) -> int:
        return self.counts[UnitStatus.AVAILABLE]


class UnitGroups:
    """The tree (see the module docstring). Read its attributes; change it through the
    methods, which keep the counts, the rows and the engaged total in step."""

    def __init__(self) -> None:
        self.departments: list[Group] = []
        self.groups: dict[int, Group] = {}
        self._dept_by_code: dict[str, Group] = {}
        self._type_by_key: dict[tuple[str, str], Group] = {}
        self.unit_pos: dict[str, tuple[Group, int]] = {}  # unit id → (type group, row)
        self.shown: dict[str, Shown] = {}  # what each unit row displays
        self.engaged = 0  # units on an incident

    # ---------------------------------------------------------------------- building

    def load(self, units: Iterable[UnitState]) -> None:
        """Add ``units`` to an empty tree, in name order within their type."""
        for u in sorted(units, key=lambda u: (u.department, u.unit_type, u.name, u.id)):
            dept = self.department(u.department) or self.add_department(u.department)
            typ = self.type_group(u.department, u.unit_type) or self.add_type(dept, u.unit_type)
            self.append(typ, u)

    def department(self, code: str) -> Group | None:
        return self._dept_by_code.get(code)

    def type_group(self, department: str, unit_type: str) -> Group | None:
        return self._type_by_key.get((department, unit_type))

    def _new_group(self, kind: str, code: str, parent: Group | None) -> Group:
        siblings = parent.children if parent is not None else self.departments
        g = Group(len(self.groups) + 1, kind, code, parent.gid if parent else 0, len(siblings))
        siblings.append(g)
        self.groups[g.gid] = g
        return g

    def add_department(self, code: str) -> Group:
        """A new department, as the last top row."""
        dept = self._dept_by_code[code] = self._new_group("department", code, None)
        return dept

    def add_type(self, dept: Group, unit_type: str) -> Group:
        """A new unit type, as the last row of ``dept``."""
        typ = self._type_by_key[(dept.code, unit_type)] = self._new_group("type", unit_type,
                                                                          dept)
        return typ

    def append(self, typ: Group, u: UnitState) -> None:
        """A unit as the last row of its type group ``typ``, counted."""
        self.unit_pos[u.id] = (typ, len(typ.children))
        typ.children.append(u.id)
        dept = self.groups[typ.parent_gid]
        typ.counts[u.status] += 1
        dept.counts[u.status] += 1
        if u.incident_id:
            self.engaged += 1
        self.shown[u.id] = SHOWN(u)

    # ---------------------------------------------------------------------- changing

    def restate(self, unit_id: str, was: Shown, now: Shown) -> tuple[Group, int, Group | None]:
        """A shown unit's row shows ``now`` instead of ``was``: (its type group, its row, its
        department when the status changed, whose counts and the type's changed, else None)."""
        self.shown[unit_id] = now
        typ, row = self.unit_pos[unit_id]
        self.engaged += bool(now[2]) - bool(was[2])
        if was[0] == now[0]:
            return typ, row, None
        dept = self.groups[typ.parent_gid]
        typ.counts[was[0]] -= 1
        dept.counts[was[0]] -= 1
        typ.counts[now[0]] += 1
        dept.counts[now[0]] += 1
        return typ, row, dept

    def remove_rows(self, typ: Group, top: int, bottom: int) -> None:
        """Take rows ``top``..``bottom`` of type group ``typ`` out (uncounted); the rows below
        move up."""
        dept = self.groups[typ.parent_gid]
        for uid in typ.children[top:bottom + 1]:
            status, _since, incident = self.shown.pop(uid)
            typ.counts[status] -= 1
            dept.counts[status] -= 1
            self.engaged -= bool(incident)
            del self.unit_pos[uid]
        del typ.children[top:bottom + 1]
        for row in range(top, len(typ.children)):
            self.unit_pos[typ.children[row]] = (typ, row)

    def recount(self, units: Mapping[str, UnitState]) -> None:
        """Take every row's shown values, the groups' counts and the engaged total afresh
        from ``units`` (which holds every unit of the tree), by C-level maps."""
        order = list(self.unit_pos)
        shown = list(map(SHOWN, map(units.get, order)))  # .get: no copy-on-write clone
        self.shown = dict(zip(order, shown, strict=True))
        per_type = Counter(zip([typ.gid for typ, _row in self.unit_pos.values()],
                               map(_STATUS_OF, shown), strict=True))
        for g in self.groups.values():
            g.counts.clear()
        for (gid, status), n in per_type.items():
            typ = self.groups[gid]
            typ.counts[status] += n
            self.groups[typ.parent_gid].counts[status] += n
        self.engaged = sum(map(bool, map(_INCIDENT_OF, shown)))

    # ---------------------------------------------------------------------- reading

    def totals(self) -> tuple[int, int, int]:
        """(units, available, on an incident) over the tree."""
        available = sum(d.available for d in self.departments)
        return len(self.unit_pos), available, self.engaged
