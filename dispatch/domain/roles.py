"""Operators' roles and what each may do; the server enforces this, not only the UI.

A dispatcher is limited to a region: ``scope`` is a region code prefix (district ``320508``,
street ``320508001``…), and every incident whose grid code starts with it is in scope, as is
every unit whose home grid starts with it. Because a grid code is the concatenation of its
ancestors' codes, scope is a string prefix test.

Objects outside the operator's scope do not exist for it: a command or query naming one is
answered exactly as for an unknown id (``not_found``, ``no incident 'E…'``). ``forbidden`` is
kept for what the role may not do, which reveals nothing about any object.

The table of who may do what is :data:`COMMAND_PERMISSIONS` and :data:`QUERY_PERMISSIONS`
with the role's permissions, plus four rules the handlers apply:

- **越级**: an operator with :attr:`Permission.SKIP_LEVELS` (shift lead, admin) may escalate
  an urgent or high incident several levels at once, with a reason; everybody else one level;
- **mutual aid**: an operator with :attr:`Permission.MUTUAL_AID` (shift lead, admin) may assign
  units from outside its region to an incident inside it; everybody else sees only the units
  of its region;
- **field gateway**: the field-side steps (:data:`FIELD_GATEWAY_STAGES`) only on incidents the
  command centre has sent to the field, and notes only on open incidents;
- ``docs/SECURITY.md`` "Roles and what each may do" is :func:`rights_table` (a test keeps
  them equal).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dispatch.domain.errors import Forbidden, NotFound
from dispatch.domain.state import UnitState
from dispatch.domain.status import OPEN_STATUSES, IncidentStatus


class Role(StrEnum):
    DISPATCHER = "dispatcher"        # region-limited; registers, dispatches, escalates, closes
    SHIFT_LEAD = "shift_lead"        # everything a dispatcher does, city-wide, plus approvals
    WALL = "wall"                    # read-only wall screen
    FIELD_GATEWAY = "field_gateway"  # intake and field-side steps (grid worker app, AVL, sensors)
    ADMIN = "admin"                  # everything, plus units and operators
    SYSTEM = "system"                # the server's own clock and rules


class Permission(StrEnum):
    INTAKE = "intake"      # report an incident
    DISPATCH = "dispatch"  # register, cancel, assign, return, escalate, supervise, close…
    APPROVE = "approve"    # extension decisions, park / unpark
    FIELD = "field"        # acknowledge, handle, respond, verify
    UNITS = "units"        # unit status and position
    NOTE = "note"
    ADMIN = "admin"        # register units
    CLOCK = "clock"        # time-limit events, archiving (never over the wire in production)
    MUTUAL_AID = "mutual_aid"  # assign units from outside one's own region
    READ = "read"          # queries that read: history, city, places (the feed is separate)
    AUDIT = "audit"        # read the audit trail
    CONTACTS = "contacts"  # see callers' phone numbers (dispatch.domain.contacts)
    PLAN = "plan"          # edit run cards (response plans)
    HAZARDS = "hazards"    # edit the hazard notes on places
    SKIP_LEVELS = "skip_levels"  # escalate an urgent or high incident several levels (越级)


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DISPATCHER: frozenset({P.INTAKE, P.DISPATCH, P.FIELD, P.UNITS, P.NOTE, P.READ,
                                P.CONTACTS}),
    Role.SHIFT_LEAD: frozenset({P.INTAKE, P.DISPATCH, P.APPROVE, P.FIELD, P.UNITS, P.NOTE,
                                P.MUTUAL_AID, P.READ, P.AUDIT, P.CONTACTS, P.PLAN,
                                P.SKIP_LEVELS, P.HAZARDS}),
    Role.WALL: frozenset({P.READ}),
    Role.FIELD_GATEWAY: frozenset({P.INTAKE, P.FIELD, P.UNITS, P.NOTE, P.READ}),
    Role.ADMIN: frozenset(Permission),
    Role.SYSTEM: frozenset({P.CLOCK, P.DISPATCH, P.NOTE}),
}

COMMAND_PERMISSIONS: dict[str, Permission] = {
    "report": P.INTAKE,
    "register": P.DISPATCH,
    "cancel": P.DISPATCH,
    "assign": P.DISPATCH,
    "release": P.DISPATCH,
    "release_department": P.DISPATCH,
    "acknowledge": P.FIELD,
    "handle": P.FIELD,
    "respond": P.FIELD,
    "verify": P.FIELD,
    "rework": P.DISPATCH,
    "close": P.DISPATCH,
    "duplicate": P.DISPATCH,
    "evaluate": P.DISPATCH,
    "return": P.FIELD,
    "request_extension": P.FIELD,
    "decide_extension": P.APPROVE,
    "park": P.APPROVE,
    "unpark": P.APPROVE,
    "supervise": P.DISPATCH,
    "escalate": P.DISPATCH,
    "note": P.NOTE,
    "clock": P.CLOCK,
    "archive": P.CLOCK,
    "register_unit": P.ADMIN,
    "unit_status": P.UNITS,
    "positions": P.UNITS,
    "set_run_card": P.PLAN,
    "remove_run_card": P.PLAN,
    "attach_media": P.NOTE,
    "field_step": P.FIELD,
    "hand_back": P.DISPATCH,
    "set_hazard": P.HAZARDS,
    "remove_hazard": P.HAZARDS,
    "callback": P.DISPATCH,
    "urge": P.INTAKE,
    "raise_priority": P.CLOCK,
    "whistle": P.DISPATCH,
    "report_arrival": P.FIELD,
}
"""The permission each command (by wire name) needs; the handlers check exactly this."""

QUERY_PERMISSIONS: dict[str, Permission | None] = {
    "ping": None,         # no session
    "login": None,        # no session
    "logout": None,       # any session
    "whoami": None,       # any session
    "history": P.READ,    # events filtered to the scope
    "city": P.READ,       # regions for everybody; parts and units only city-wide
    "recommend": P.DISPATCH,
    "duplicates": P.INTAKE,
    "audit": P.AUDIT,
    "contacts": P.CONTACTS,  # callers' phone numbers, in the scope
    "geocode": P.READ,    # the whole city's places, whatever the scope
    "basemap": P.READ,    # the whole city's roads and named places, whatever the scope
    "run_cards": P.READ,  # every run card (response plan)
    "hazards": P.READ,    # the hazard notes on places in the scope
    "evaluation": P.READ,  # indicators and ranking over the incidents in the scope
    "state_at": P.READ,   # the state at an instant, limited to the scope
    "evaluation_cases": P.READ,  # the incidents behind one of its numbers, in the scope
}
"""The permission each query needs (``None``: any session, or none at all)."""

S = IncidentStatus
FIELD_STAGES = frozenset({S.DISPATCHED, S.ACKNOWLEDGED, S.HANDLING, S.RESPONDED})
"""The statuses in which the command centre has handed an incident to the field."""

FIELD_GATEWAY_STAGES: dict[str, frozenset[IncidentStatus]] = {
    **{step: FIELD_STAGES for step in ("acknowledge", "handle", "respond", "verify", "return",
                                       "request_extension")},
    "note": OPEN_STATUSES,
    "attach_media": OPEN_STATUSES,
    "report_arrival": OPEN_STATUSES,
    "field_step": FIELD_STAGES,
}
"""The incidents on which the field gateway may take each step, by status: those the command
centre has sent to the field (notes: any open incident). Outside these the gateway gets
``forbidden``; inside, the workflow decides as for anybody (acknowledge only when dispatched,
verify only when responded…: ``invalid`` otherwise)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who gives a command: operator id, role, region scope and workstation."""

    operator: str
    role: Role
    scope: str = ""  # region code prefix; "" is the whole city
    workstation: str = ""

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission, what: str) -> None:
        if permission not in ROLE_PERMISSIONS[self.role]:
            raise Forbidden(f"{self.operator} ({self.role.value}) may not {what}")

    def require_scope(self, grid: str, what: str) -> None:
        """For a place the operator itself named (a report's position): ``forbidden``
        without naming the grid."""
        if self.scope and not grid.startswith(self.scope):
            raise Forbidden(f"{what}: the position is outside {self.operator}'s region "
                            f"{self.scope}")

    def in_scope(self, grid: str) -> bool:
        return not self.scope or grid.startswith(self.scope)

    def require_incident_visible(self, incident_id: str, grid: str) -> None:
        """An incident outside the scope is answered as if it did not exist."""
        if self.scope and not grid.startswith(self.scope):
            raise NotFound(f"no incident {incident_id!r}")

    def require_unit_visible(self, unit_id: str, home_grid: str) -> None:
        """A unit outside the scope (by its home grid) is answered as if it did not exist."""
        if self.scope and not home_grid.startswith(self.scope):
            raise NotFound(f"no unit {unit_id!r}")

    def require_rows_visible(self, rows: Sequence[Any], units: Mapping[str, UnitState]
                             ) -> None:
        """Position rows ``(unit, lon, lat)`` of a scoped operator name only its region's
        units; another is answered as an unknown unit (the rows' format is checked later)."""
        if not self.scope:
            return
        for row in rows:
            uid = row[0] if isinstance(row, tuple | list) and row else None
            u = units.get(uid) if isinstance(uid, str) else None
            if u is not None:
                self.require_unit_visible(u.id, u.home_grid)

    def require_field_stage(self, step: str, incident_id: str, status: IncidentStatus) -> None:
        """The field gateway takes the field-side steps only of incidents sent to the field
        (:data:`FIELD_GATEWAY_STAGES`); other roles are not limited here."""
        if self.role is not Role.FIELD_GATEWAY:
            return
        allowed = FIELD_GATEWAY_STAGES.get(step)
        if allowed is None or status not in allowed:
            raise Forbidden(f"{self.operator} (field_gateway) may not {step} incident "
                            f"{incident_id}: it is {status.value}, not sent to the field")


SYSTEM_ACTOR = Actor(operator="system", role=Role.SYSTEM, workstation="server")

ROLE_ORDER = (Role.DISPATCHER, Role.SHIFT_LEAD, Role.WALL, Role.FIELD_GATEWAY, Role.ADMIN,
              Role.SYSTEM)
WIRE_TEST_LEVERS = frozenset({"clock", "archive"})
"""Commands refused over the wire unless the server runs with ``--test-levers``."""


def _cell(role: Role, kind: str, name: str, permission: Permission | None) -> str:
    if kind == "query" and role is Role.SYSTEM:
        return "—"  # the server's own actor never uses the wire
    if kind == "query" and permission is None:
        return "no session" if name in ("ping", "login") else "yes"
    assert permission is not None
    if permission not in ROLE_PERMISSIONS[role]:
        return "—"
    if kind == "command" and name in WIRE_TEST_LEVERS:
        return "server only" if role is Role.SYSTEM else "test levers"
    if role is Role.SYSTEM:
        return "server only"
    notes: list[str] = []
    if role is Role.FIELD_GATEWAY and name in FIELD_GATEWAY_STAGES:
        notes.append("open" if name in ("note", "attach_media", "report_arrival")
                     else "field stage")
    if name == "assign" and P.MUTUAL_AID in ROLE_PERMISSIONS[role]:
        notes.append("mutual aid")
    if name == "escalate" and P.SKIP_LEVELS in ROLE_PERMISSIONS[role]:
        notes.append("越级")
    if name == "whistle" and role is Role.DISPATCHER:  # 吹哨: a street or a community
        notes.append("street or community region")
    if name == "city" and role is Role.DISPATCHER:  # a dispatcher always has a scope
        notes.append("regions only")
    if name in ("geocode", "basemap") and role is Role.DISPATCHER:
        notes.append("whole city")
    return "yes" + (f" ({', '.join(notes)})" if notes else "")


def rights_table() -> str:
    """The role × command/query table of ``docs/SECURITY.md`` (Markdown)."""
    head = "| request | kind | permission | " + " | ".join(r.value for r in ROLE_ORDER) + " |"
    rule = "|---|---|---|" + "---|" * len(ROLE_ORDER)
    rows = [head, rule]
    for kind, table in (("command", dict(COMMAND_PERMISSIONS)), ("query", QUERY_PERMISSIONS)):
        for name, permission in table.items():
            cells = [_cell(role, kind, name, permission) for role in ROLE_ORDER]
            perm = permission.value if permission is not None else "—"
            rows.append(f"| `{name}` | {kind} | {perm} | " + " | ".join(cells) + " |")
    return "\n".join(rows)

PLANNERS = frozenset(r for r, perms in ROLE_PERMISSIONS.items() if P.PLAN in perms)
"""Roles that may edit run cards (``set_run_card``, ``remove_run_card``)."""

HAZARD_EDITORS = frozenset(r for r, perms in ROLE_PERMISSIONS.items() if P.HAZARDS in perms)
"""Roles that may edit hazard notes (``set_hazard``, ``remove_hazard``)."""

AUDIT_READERS = frozenset(r for r, perms in ROLE_PERMISSIONS.items() if P.AUDIT in perms)
"""Roles that may read the audit trail (the ``audit`` query)."""
