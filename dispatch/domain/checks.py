"""The checks every command handler shares: the handler's context, objects looked up with the
operator's scope applied (out of scope reads as unknown), texts, codes, units that may be
assigned, where positions may lie. Each raises a :class:`~dispatch.domain.errors.DispatchError`
with a message a dispatcher understands; none changes anything."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dispatch.domain.catalogue.calendar import due_at
from dispatch.domain.catalogue.model import Catalogue, Priority, TimeLimit
from dispatch.domain.city.model import City
from dispatch.domain.deadlines import DEFAULT_PROFILE, DeadlineProfile
from dispatch.domain.errors import Conflict, InvalidCommand, NotFound
from dispatch.domain.roles import Actor, Permission
from dispatch.domain.state import DispatchState, Incident, UnitState
from dispatch.domain.status import ASSIGNABLE_UNIT_STATUSES, IncidentStatus
from dispatch.domain.validation import POSITION_MARGIN_M, Bounds, check_id, check_text

MAX_TEXT = 2000
MAX_UNITS_PER_COMMAND = 50


@dataclass(slots=True)
class Context:
    state: DispatchState
    catalogue: Catalogue
    city: City
    locate: Callable[[float, float], str | None]
    now: float
    actor: Actor
    profile: DeadlineProfile = DEFAULT_PROFILE  # the centre's deadline profile

    def due(self, start: float, limit: TimeLimit) -> float:
        return due_at(start, limit, self.catalogue.calendar)


Payloads = list[Any]

def incident(ctx: Context, incident_id: str, what: str) -> Incident:
    """The incident; one outside the operator's scope is answered as an unknown one."""
    inc = ctx.state.incidents.get(incident_id)
    if inc is None:
        raise NotFound(f"no incident {incident_id!r}")
    ctx.actor.require_incident_visible(incident_id, inc.grid)
    return inc


def unit(ctx: Context, unit_id: str, *, mutual_aid: bool = False) -> UnitState:
    """The unit; one based outside the operator's scope is answered as an unknown one,
    unless ``mutual_aid`` (assigning it, by an operator who may send units across regions)."""
    u = ctx.state.units.get(unit_id)
    if u is None:
        raise NotFound(f"no unit {unit_id!r}")
    if not (mutual_aid and ctx.actor.may(Permission.MUTUAL_AID)):
        ctx.actor.require_unit_visible(unit_id, u.home_grid)
    return u


def part(ctx: Context, part_id: str) -> str:
    """A report's part reference: "" (none) or the id of a part of the city."""
    check_id(part_id, "part id", required=False)
    if part_id and part_id not in ctx.city.parts:
        raise InvalidCommand(f"part id {part_id!r} names no part of {ctx.city.name}")
    return part_id


def require_status(inc: Incident, allowed: Sequence[IncidentStatus] | frozenset[IncidentStatus],
        what: str) -> None:
    if inc.status not in allowed:
        names = ", ".join(sorted(s.value for s in allowed))
        raise InvalidCommand(f"cannot {what} incident {inc.id}: it is {inc.status.value} "
                             f"(only when {names})")


def text(value: str, field: str, *, required: bool = True, multiline: bool = True) -> str:
    """Stripped text of at most MAX_TEXT characters, without control or bidi characters
    (:mod:`dispatch.domain.validation`; ``multiline`` allows TAB and LF)."""
    value = check_text(value, field, multiline=multiline).strip()
    if required and not value:
        raise InvalidCommand(f"{field} is required")
    if len(value) > MAX_TEXT:
        raise InvalidCommand(f"{field} is too long ({len(value)} characters, at most {MAX_TEXT})")
    return value


def event_class(ctx: Context, code: str) -> str:
    try:
        ctx.catalogue.minor_of(code)
    except KeyError:
        raise NotFound(f"no event class {code!r} in the catalogue") from None
    return code


def priority(value: str) -> str:
    try:
        return Priority(value).value
    except ValueError:
        raise InvalidCommand(f"unknown priority {value!r}; expected one of "
                             f"{', '.join(p.value for p in Priority)}") from None


def department(ctx: Context, code: str) -> str:
    if code not in ctx.catalogue.departments:
        raise NotFound(f"no department {code!r}")
    return code


def assignable(ctx: Context, inc: Incident, unit_ids: Sequence[str]) -> tuple[str, ...]:
    if len(unit_ids) > MAX_UNITS_PER_COMMAND:
        raise InvalidCommand(f"at most {MAX_UNITS_PER_COMMAND} units per command")
    if len(set(unit_ids)) != len(unit_ids):
        raise InvalidCommand("a unit is named twice")
    for uid in unit_ids:
        u = unit(ctx, uid, mutual_aid=True)
        if uid in inc.units:
            raise Conflict(f"unit {uid} is already on incident {inc.id}")
        if u.status not in ASSIGNABLE_UNIT_STATUSES:
            other = ctx.state.incidents.get(u.incident_id)
            shown = other is not None and ctx.actor.in_scope(other.grid)
            busy = f" on incident {u.incident_id}" if shown else ""
            raise Conflict(f"unit {uid} ({u.name}) is {u.status.value}{busy}, not available")
    return tuple(unit_ids)


def departments(ctx: Context, codes: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for c in codes:
        department(ctx, c)
        if c not in out:
            out.append(c)
    return tuple(out)


def area(ctx: Context) -> Bounds:
    """Where positions may lie: the city's bounding box grown by POSITION_MARGIN_M."""
    return Bounds(*ctx.city.bounds).grown(POSITION_MARGIN_M)
