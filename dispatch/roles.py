"""Operators' roles and what each may do; the server enforces this, not only the UI.

A dispatcher is limited to a region: ``scope`` is a region code prefix (district ``320508``,
street ``320508001``…), and every incident whose grid code starts with it is in scope. Because a
grid code is the concatenation of its ancestors' codes, scope is a string prefix test.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dispatch.errors import Forbidden


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
    CLOCK = "clock"        # time-limit events


P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.DISPATCHER: frozenset({P.INTAKE, P.DISPATCH, P.FIELD, P.UNITS, P.NOTE}),
    Role.SHIFT_LEAD: frozenset({P.INTAKE, P.DISPATCH, P.APPROVE, P.FIELD, P.UNITS, P.NOTE}),
    Role.WALL: frozenset(),
    Role.FIELD_GATEWAY: frozenset({P.INTAKE, P.FIELD, P.UNITS, P.NOTE}),
    Role.ADMIN: frozenset(Permission),
    Role.SYSTEM: frozenset({P.CLOCK, P.DISPATCH, P.NOTE}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who gives a command: operator id, role, region scope and workstation."""

    operator: str
    role: Role
    scope: str = ""  # region code prefix; "" is the whole city
    workstation: str = ""

    def require(self, permission: Permission, what: str) -> None:
        if permission not in ROLE_PERMISSIONS[self.role]:
            raise Forbidden(f"{self.operator} ({self.role.value}) may not {what}")

    def require_scope(self, grid: str, what: str) -> None:
        if self.scope and not grid.startswith(self.scope):
            raise Forbidden(f"{what}: grid {grid} is outside {self.operator}'s region {self.scope}")

    def in_scope(self, grid: str) -> bool:
        return not self.scope or grid.startswith(self.scope)


SYSTEM_ACTOR = Actor(operator="system", role=Role.SYSTEM, workstation="server")


AUDIT_READERS = frozenset({Role.SHIFT_LEAD, Role.ADMIN})
"""Roles that may read the audit trail (the ``audit`` query)."""
