"""吹哨报到 (whistle and report-in): a street or community "blows the whistle" on an incident
it cannot handle alone, summoning named departments; each must report on site (报到) within
the deadline profile's arrival limit (:attr:`~dispatch.domain.deadlines.DeadlineProfile.arrival`,
30 minutes by default) and stays until the job is done.

- ``whistle`` (incident, departments, reason) on an incident being worked (dispatched,
  acknowledged, handling): a shift lead (on behalf of the incident's street) or a dispatcher
  whose region is a street or a community containing the incident. The departments not yet
  on the incident join its joint dispatch (:mod:`dispatch.domain.joint`) as assisting
  departments with their own acknowledge and handling clocks, so the incident is not
  responded until each has responded or been released: that is the "stay". A second whistle
  summons more departments; one summoned before is refused.
- ``report_arrival`` (incident, department): the department's field side (the field gateway,
  a dispatcher or shift lead recording it) while the incident is open. Late is arrived after
  the due time, or the due time passed without arrival (:func:`arrival_state`).

Handlers return events; the ``apply_*`` functions are their projection. Pure.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from dispatch.domain import checks as ck
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain import joint
from dispatch.domain.catalogue.model import Priority
from dispatch.domain.checks import Context, Payloads
from dispatch.domain.citizen_loop import handle_limit
from dispatch.domain.errors import Conflict, Forbidden, InvalidCommand
from dispatch.domain.roles import Permission, Role
from dispatch.domain.state import DispatchState, Incident, Note, Summons
from dispatch.domain.status import OPEN_STATUSES, WORKING_STATUSES, TaskState

ARRIVAL_STAGE = "arrival"
"""The clock stage of a summoned department's arrival: the server flags it ``overdue``."""

MAX_SUMMONED = 12
"""At most this many departments per whistle."""

STREET_CODE_LEN, COMMUNITY_CODE_LEN = 9, 12


class ArrivalState(StrEnum):
    WAITING = "waiting"            # not yet on site, still in time
    LATE = "late"                  # not on site, the due time has passed
    ARRIVED = "arrived"            # reported on site by the due time
    ARRIVED_LATE = "arrived_late"  # reported on site after the due time

    @property
    def is_late(self) -> bool:
        return self in (ArrivalState.LATE, ArrivalState.ARRIVED_LATE)


def arrival_state(s: Summons, now: float) -> ArrivalState:
    """Where a summoned department stands at ``now``."""
    if s.arrived_at is not None:
        return ArrivalState.ARRIVED if s.arrived_at <= s.due else ArrivalState.ARRIVED_LATE
    return ArrivalState.LATE if now >= s.due else ArrivalState.WAITING


def summons_of(inc: Incident, department: str) -> Summons | None:
    return next((s for s in inc.summoned if s.department == department), None)


def waiting(inc: Incident) -> tuple[Summons, ...]:
    """The summoned departments not yet on site."""
    return tuple(s for s in inc.summoned if s.arrived_at is None)


def open_whistle(inc: Incident) -> bool:
    """An open incident with a whistle blown on it (its departments stay until it is done)."""
    return inc.is_open and bool(inc.summoned)


def late_count(inc: Incident, now: float) -> int:
    """Summoned departments late at ``now`` (arrived late, or due passed without arrival)."""
    return sum(1 for s in inc.summoned if arrival_state(s, now).is_late)


def next_arrival_due(inc: Incident) -> float | None:
    """The earliest due time of a department not yet on site (None: all arrived)."""
    dues = [s.due for s in waiting(inc)]
    return min(dues) if dues else None


# ------------------------------------------------------------------------------ handlers


def _whistler(ctx: Context, inc: Incident) -> tuple[str, str]:
    """(level, region) of who blows the whistle: a dispatcher's own street or community; a
    shift lead or admin blows it for the incident's street."""
    actor = ctx.actor
    if actor.role in (Role.SHIFT_LEAD, Role.ADMIN) and not actor.scope:
        return "street", inc.grid[:STREET_CODE_LEN]
    if len(actor.scope) == COMMUNITY_CODE_LEN:
        return "community", actor.scope
    if len(actor.scope) == STREET_CODE_LEN:
        return "street", actor.scope
    raise Forbidden(f"{actor.operator} ({actor.role.value}, region {actor.scope or 'city'}) "
                    "may not blow the whistle: a street or a community summons departments "
                    "(吹哨报到), or a shift lead on its behalf")


def whistle(ctx: Context, c: cmd.Whistle) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "blow the whistle (吹哨)")
    inc = ck.incident(ctx, c.incident_id, "blow the whistle on")
    level, region = _whistler(ctx, inc)
    if not inc.is_open:
        raise InvalidCommand(f"incident {inc.id} is {inc.status.value}: the whistle is blown "
                             "on an open incident")
    ck.require_status(inc, WORKING_STATUSES, "blow the whistle on")
    if not c.departments:
        raise InvalidCommand("name at least one department to summon")
    if len(c.departments) > MAX_SUMMONED:
        raise InvalidCommand(f"at most {MAX_SUMMONED} departments per whistle")
    named = ck.departments(ctx, c.departments)
    already = [d for d in named if summons_of(inc, d) is not None]
    if already:
        raise Conflict(f"department {already[0]} was already summoned to incident {inc.id}")
    reason = ck.text(c.reason, "reason (why the departments are summoned)")
    tasks = joint.tasks_of(inc)
    joined = tuple(d for d in named if (t := joint.task(tasks, d)) is None
                   or t.state == TaskState.RELEASED)
    ack_due = handle_due = None
    if joined:
        ack_due = ctx.due(ctx.now, ctx.catalogue.limits.acknowledge[Priority(inc.priority)])
        handle_due = ctx.due(ctx.now, handle_limit(ctx, inc))
    return [ev.IncidentWhistled(inc.id, named, reason, level, region,
                                ctx.due(ctx.now, ctx.profile.arrival), joined, ack_due,
                                handle_due)]


def report_arrival(ctx: Context, c: cmd.ReportArrival) -> Payloads:
    ctx.actor.require(Permission.FIELD, "report arrivals (报到)")
    inc = ck.incident(ctx, c.incident_id, "report an arrival on")
    ctx.actor.require_field_stage("report_arrival", inc.id, inc.status)
    dept = ck.department(ctx, ck.text(c.department, "department", multiline=False))
    if inc.status not in OPEN_STATUSES:
        raise InvalidCommand(f"incident {inc.id} is {inc.status.value}: arrivals are reported "
                             "while it is open")
    s = summons_of(inc, dept)
    if s is None:
        summoned = ", ".join(x.department for x in inc.summoned) or "none"
        raise InvalidCommand(f"department {dept} was not summoned to incident {inc.id} "
                             f"(summoned: {summoned})")
    if s.arrived_at is not None:
        raise Conflict(f"department {dept} already reported on site at incident {inc.id}")
    return [ev.DepartmentArrived(inc.id, dept, ck.text(c.note, "note", required=False))]


def arrival_clock(inc: Incident, c: cmd.RaiseClock) -> Payloads:
    """The server's clock: a summoned department's due time passed without it on site."""
    s = summons_of(inc, c.department)
    if s is None:
        raise InvalidCommand(f"department {c.department} was not summoned to incident {inc.id}")
    if c.state != "overdue":
        raise InvalidCommand("an arrival is flagged overdue only")
    if s.arrived_at is not None:
        raise Conflict(f"department {c.department} is on site at incident {inc.id}")
    if s.overdue:
        raise Conflict(f"incident {inc.id} ({c.department}) is already overdue for arrival")
    return [ev.IncidentClock(inc.id, ARRIVAL_STAGE, "overdue", c.department)]


def overdue_arrivals(inc: Incident, now: float) -> tuple[list[cmd.RaiseClock], float | None]:
    """For the server's clock: the arrival flags to raise at ``now`` and the next due time of
    a department not yet on site (None: none)."""
    out: list[cmd.RaiseClock] = []
    later: list[float] = []
    for s in inc.summoned:
        if s.arrived_at is not None or s.overdue:
            continue
        if now >= s.due:
            out.append(cmd.RaiseClock(inc.id, ARRIVAL_STAGE, "overdue", s.department))
        else:
            later.append(s.due)
    return out, (min(later) if later else None)


# ---------------------------------------------------------------------------- projection


def flagged(summoned: tuple[Summons, ...], department: str) -> tuple[Summons, ...]:
    return tuple(dataclasses.replace(x, overdue=True) if x.department == department else x
                 for x in summoned)


def _touch(s: DispatchState, e: ev.Event, inc: Incident) -> None:
    inc.version = e.seq
    s.changed_incidents.add(inc.id)


def apply_whistled(s: DispatchState, e: ev.Event, p: ev.IncidentWhistled) -> None:
    inc = s.incidents[p.incident_id]
    if inc.whistled_at is None:
        inc.whistled_at, inc.whistled_by = e.ts, e.operator
        inc.whistle_level, inc.whistle_region, inc.whistle_reason = p.level, p.region, p.reason
    else:
        inc.notes += (Note(e.ts, e.operator, p.reason),)
    inc.summoned += tuple(Summons(d, e.ts, p.arrival_due) for d in p.departments)
    if p.joined:
        inc.assist_departments += tuple(d for d in p.joined if d not in inc.assist_departments
                                        and d != inc.lead_department)
        inc.tasks = joint.joined(
            joint.tasks_of(inc), p.joined, e.ts,
            inc.ack_due if p.ack_due is None else p.ack_due,
            inc.handle_due if p.handle_due is None else p.handle_due, inc.lead_department)
    _touch(s, e, inc)


def apply_arrived(s: DispatchState, e: ev.Event, p: ev.DepartmentArrived) -> None:
    inc = s.incidents[p.incident_id]
    inc.summoned = tuple(dataclasses.replace(x, arrived_at=e.ts, arrived_by=e.operator)
                         if x.department == p.department else x for x in inc.summoned)
    if p.note:
        inc.notes += (Note(e.ts, e.operator, p.note),)
    _touch(s, e, inc)
