"""Command handlers: the one place where commands turn into events.

Each handler validates the command against the current state, the catalogue and the city and
returns the payloads of the events to append. It raises a :class:`~dispatch.domain.errors.DispatchError`
with a message a dispatcher understands before anything changes. Handlers never touch the state;
the engine applies the payloads through the projection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dispatch.domain import checks as ck
from dispatch.domain import citizen_loop as loop
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain import hazards as hz
from dispatch.domain import joint
from dispatch.domain import runcard_handlers as rc
from dispatch.domain import whistle as wh
from dispatch.domain.assign_departments import resulting_departments, units_outside
from dispatch.domain.catalogue.model import Priority, TimeLimit
from dispatch.domain.checks import Context, Payloads
from dispatch.domain.contacts import check_phone
from dispatch.domain.errors import Conflict, Forbidden, InvalidCommand
from dispatch.domain.field_steps import field_step
from dispatch.domain.intake_handlers import attach_media, hand_back, report_media
from dispatch.domain.roles import Permission
from dispatch.domain.state import Incident
from dispatch.domain.status import (
    WORKING_STATUSES,
    CloseReason,
    EscalationLevel,
    IncidentStatus,
    Source,
)
from dispatch.domain.unit_handlers import positions, register_unit, unit_status
from dispatch.domain.validation import (
    check_id,
    check_position,
)

S = IncidentStatus
MAX_EXTENSION_MINUTES = 30 * 24 * 60
SKIP_PRIORITIES = frozenset({Priority.URGENT.value, Priority.HIGH.value})
"""The priorities of the incidents a shift lead may escalate several levels at once (越级)."""


# ---------------------------------------------------------------------------------- handlers


def report(ctx: Context, c: cmd.ReportIncident) -> Payloads:
    ctx.actor.require(Permission.INTAKE, "report incidents")
    try:
        source = Source(c.source).value
    except ValueError:
        raise InvalidCommand(f"unknown source {c.source!r}") from None
    class_code = ck.event_class(ctx, c.class_code)
    lon, lat = check_position(c.lon, c.lat, ck.area(ctx), "position", ctx.city.name)
    grid = ctx.locate(lon, lat)
    if grid is None:
        raise InvalidCommand(f"position {c.lat:.6f}N {c.lon:.6f}E is outside every grid of "
                             f"{ctx.city.name}")
    ctx.actor.require_scope(grid, "report")
    priority = ck.priority(c.priority) if c.priority else ctx.catalogue.priority_of(class_code)
    limit = loop.dispatch_limit(ctx, source, priority)
    number = ctx.state.incident_counter + 1
    phone = check_phone(c.phone)
    contact = [ev.CallerContactRecorded(f"E{number:06d}", phone)] if phone else []
    photos = report_media(ctx, f"E{number:06d}", c.media)
    return [ev.IncidentReported(
        incident_id=f"E{number:06d}", source=source, class_code=class_code, priority=priority,
        lon=lon, lat=lat, grid=grid,
        description=ck.text(c.description, "description"),
        reporter=ck.text(c.reporter, "reporter", required=False, multiline=False),
        dispatch_due=ctx.due(ctx.now, limit),
        external_ref=check_id(c.external_ref, "external reference", required=False),
        part_id=ck.part(ctx, c.part_id)), *contact, *photos]


def _register_payload(ctx: Context, inc: Incident, class_code: str, priority: str
                      ) -> ev.IncidentRegistered:
    class_code = ck.event_class(ctx, class_code) if class_code else inc.class_code
    if priority:
        priority = ck.priority(priority)
    elif class_code != inc.class_code:
        priority = ctx.catalogue.priority_of(class_code)
    else:
        priority = inc.priority
    due = inc.dispatch_due
    if priority != inc.priority:
        due = ctx.due(inc.reported_at, loop.dispatch_limit(ctx, inc.source, priority))
    return ev.IncidentRegistered(inc.id, class_code, priority, due)


def register(ctx: Context, c: cmd.RegisterIncident) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "register incidents")
    inc = ck.incident(ctx, c.incident_id, "register")
    ck.require_status(inc, (S.REPORTED,), "register")
    return [_register_payload(ctx, inc, c.class_code, c.priority)]


def cancel(ctx: Context, c: cmd.CancelIncident) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "cancel incidents")
    inc = ck.incident(ctx, c.incident_id, "cancel")
    ck.require_status(inc, (S.REPORTED, S.REGISTERED), "cancel")
    return [ev.IncidentCancelled(inc.id, ck.text(c.reason, "reason"))]


def assign(ctx: Context, c: cmd.AssignUnits) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "dispatch")
    inc = ck.incident(ctx, c.incident_id, "dispatch")
    units = ck.assignable(ctx, inc, c.units)
    named = ck.departments(ctx, c.assist_departments)
    if not isinstance(c.exact_departments, bool):
        raise InvalidCommand("exact_departments must be true or false")
    first = inc.status in (S.REPORTED, S.REGISTERED)
    if not first:
        ck.require_status(inc, WORKING_STATUSES, "send units to")
        if c.lead_department and c.lead_department != inc.lead_department:
            raise InvalidCommand(f"incident {inc.id} is led by {inc.lead_department}; return "
                                 "it to change the lead department")
    elif c.lead_department:
        ck.department(ctx, c.lead_department)
    lead, assist = resulting_departments(ctx.catalogue, inc, c)
    if c.exact_departments:
        outside = units_outside(ctx.state.units, units, (lead, *assist))
        if outside:
            uid, dept = outside[0]
            raise InvalidCommand(f"unit {uid} belongs to {dept}, which would not be on "
                                 f"incident {inc.id}; name {dept} among the departments")
    if first:
        out: Payloads = []
        if inc.status == S.REPORTED:
            out.append(_register_payload(ctx, inc, "", ""))
        priority = Priority(inc.priority)
        out.append(ev.IncidentDispatched(
            incident_id=inc.id, lead_department=lead, assist_departments=assist, units=units,
            ack_due=ctx.due(ctx.now, ctx.catalogue.limits.acknowledge[priority]),
            handle_due=ctx.due(ctx.now, loop.handle_limit(ctx, inc))))
        return out
    if not units and not named:
        raise InvalidCommand("name at least one unit or department to add")
    ack_due, handle_due = _new_department_dues(ctx, inc)
    return [ev.IncidentReinforced(inc.id, named, units, ack_due, handle_due)]


def _new_department_dues(ctx: Context, inc: Incident) -> tuple[float, float]:
    """The acknowledge and handling deadlines of a department that joins now."""
    return (ctx.due(ctx.now, ctx.catalogue.limits.acknowledge[Priority(inc.priority)]),
            ctx.due(ctx.now, loop.handle_limit(ctx, inc)))


def release(ctx: Context, c: cmd.ReleaseUnit) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "release units")
    inc = ck.incident(ctx, c.incident_id, "release a unit from")
    if c.unit_id not in inc.units:
        raise InvalidCommand(f"unit {c.unit_id} is not on incident {inc.id}")
    return [ev.IncidentUnitReleased(inc.id, c.unit_id)]


def release_department(ctx: Context, c: cmd.ReleaseDepartment) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "release departments")
    inc = ck.incident(ctx, c.incident_id, "release a department from")
    ck.require_status(inc, WORKING_STATUSES, "release a department from")
    t = joint.releasable(inc, ck.text(c.department, "department", multiline=False))
    return [ev.IncidentDepartmentReleased(inc.id, t.department, ck.text(c.reason, "reason"),
                                          ctx.due(ctx.now, _verify_limit(ctx, inc)))]


def acknowledge(ctx: Context, c: cmd.Acknowledge) -> Payloads:
    ctx.actor.require(Permission.FIELD, "acknowledge")
    inc = ck.incident(ctx, c.incident_id, "acknowledge")
    ctx.actor.require_field_stage("acknowledge", inc.id, inc.status)
    ck.require_status(inc, WORKING_STATUSES, "acknowledge")
    return [ev.IncidentAcknowledged(inc.id, t.department)
            for t in joint.takers(inc, "acknowledge", c.department)]


def start_handling(ctx: Context, c: cmd.StartHandling) -> Payloads:
    ctx.actor.require(Permission.FIELD, "record handling")
    inc = ck.incident(ctx, c.incident_id, "handle")
    ctx.actor.require_field_stage("handle", inc.id, inc.status)
    ck.require_status(inc, WORKING_STATUSES - {S.DISPATCHED}, "start handling")
    return [ev.IncidentHandlingStarted(inc.id, t.department)
            for t in joint.takers(inc, "handle", c.department)]


def _verify_limit(ctx: Context, inc: Incident) -> TimeLimit:
    region = ctx.city.regions.get(inc.grid)
    kind = region.area_kind if region is not None else "urban"
    limits = ctx.catalogue.limits.verify
    return limits.get(kind) or limits["urban"]


def respond(ctx: Context, c: cmd.Respond) -> Payloads:
    ctx.actor.require(Permission.FIELD, "respond")
    inc = ck.incident(ctx, c.incident_id, "respond to")
    ctx.actor.require_field_stage("respond", inc.id, inc.status)
    ck.require_status(inc, (S.ACKNOWLEDGED, S.HANDLING), "respond to")
    # With no department named the incident responds as a whole: one event (department ""),
    # every department not yet done responds with it.
    joint.takers(inc, "respond", c.department)
    return [ev.IncidentResponded(inc.id, ck.text(c.result, "result"),
                                 ctx.due(ctx.now, _verify_limit(ctx, inc)), c.department)]


def _rework_payload(ctx: Context, inc: Incident, reason: str) -> ev.IncidentReworked:
    ack_due, handle_due = _new_department_dues(ctx, inc)
    return ev.IncidentReworked(inc.id, reason, ack_due=ack_due, handle_due=handle_due)


def verify(ctx: Context, c: cmd.Verify) -> Payloads:
    ctx.actor.require(Permission.FIELD, "verify")
    inc = ck.incident(ctx, c.incident_id, "verify")
    ctx.actor.require_field_stage("verify", inc.id, inc.status)
    ck.require_status(inc, (S.RESPONDED,), "verify")
    if not isinstance(c.passed, bool):
        raise InvalidCommand("passed must be true or false")
    note = ck.text(c.note, "note", required=not c.passed)
    out: Payloads = [ev.IncidentVerified(inc.id, c.passed, note)]
    if not c.passed:
        out.append(_rework_payload(ctx, inc, note))
    return out


def rework(ctx: Context, c: cmd.Rework) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "order rework")
    inc = ck.incident(ctx, c.incident_id, "rework")
    ck.require_status(inc, (S.RESPONDED, S.VERIFIED), "order rework on")
    return [_rework_payload(ctx, inc, ck.text(c.reason, "reason"))]


def close(ctx: Context, c: cmd.CloseIncident) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "close incidents")
    inc = ck.incident(ctx, c.incident_id, "close")
    try:
        reason = CloseReason(c.reason)
    except ValueError:
        raise InvalidCommand(f"unknown closure reason {c.reason!r}; expected one of "
                             f"{', '.join(r.value for r in CloseReason)}") from None
    note = ck.text(c.note, "note", required=False)
    if reason == CloseReason.FIXED:
        ck.require_status(inc, (S.VERIFIED,), "close as fixed")
        return [ev.IncidentClosed(inc.id, reason.value, note),
                *loop.callback_due(ctx, inc, reason.value)]
    if reason == CloseReason.DUPLICATE:
        return duplicate(ctx, cmd.LinkDuplicate(inc.id, c.duplicate_of, note))
    ck.require_status(inc, frozenset(s for s in S if s.is_open) - {S.REPORTED},
        f"close ({reason.value})")
    if not note:
        raise InvalidCommand(f"closing as {reason.value} needs a note saying why")
    return [ev.IncidentClosed(inc.id, reason.value, note),
            *loop.callback_due(ctx, inc, reason.value)]


def duplicate(ctx: Context, c: cmd.LinkDuplicate) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "link duplicates")
    inc = ck.incident(ctx, c.incident_id, "link")
    ck.require_status(inc, frozenset(s for s in S if s.is_open), "mark as duplicate")
    if not c.duplicate_of:
        raise InvalidCommand("name the incident this one duplicates")
    if c.duplicate_of == inc.id:
        raise InvalidCommand("an incident cannot duplicate itself")
    orig = ck.incident(ctx, c.duplicate_of, "link to")
    if orig.duplicate_of:
        first = ctx.state.incidents.get(orig.duplicate_of)
        if first is None or not ctx.actor.in_scope(first.grid):
            raise InvalidCommand(f"{orig.id} is itself a duplicate; link to its original")
        raise InvalidCommand(f"{orig.id} is itself a duplicate of {orig.duplicate_of}; "
                             f"link to {orig.duplicate_of}")
    if orig.status == S.CANCELLED:
        raise InvalidCommand(f"{orig.id} was cancelled; it cannot be the original")
    return [ev.IncidentClosed(inc.id, CloseReason.DUPLICATE.value,
                              ck.text(c.note, "note", required=False), duplicate_of=orig.id)]


def evaluate(ctx: Context, c: cmd.Evaluate) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "evaluate")
    inc = ck.incident(ctx, c.incident_id, "evaluate")
    ck.require_status(inc, (S.CLOSED,), "evaluate")
    if inc.evaluation is not None:
        raise Conflict(f"incident {inc.id} was already evaluated ({inc.evaluation}/5)")
    if isinstance(c.score, bool) or not isinstance(c.score, int) or not 1 <= c.score <= 5:
        raise InvalidCommand("the evaluation score is a whole number from 1 to 5")
    return [ev.IncidentEvaluated(inc.id, c.score, ck.text(c.comment, "comment", required=False))]


def return_incident(ctx: Context, c: cmd.ReturnIncident) -> Payloads:
    ctx.actor.require(Permission.FIELD, "return incidents")
    inc = ck.incident(ctx, c.incident_id, "return")
    ctx.actor.require_field_stage("return", inc.id, inc.status)
    ck.require_status(inc, (S.DISPATCHED, S.ACKNOWLEDGED), "return")
    return [ev.IncidentReturned(inc.id, ck.text(c.reason, "reason"))]


def request_extension(ctx: Context, c: cmd.RequestExtension) -> Payloads:
    ctx.actor.require(Permission.FIELD, "request extensions")
    inc = ck.incident(ctx, c.incident_id, "request an extension for")
    ctx.actor.require_field_stage("request_extension", inc.id, inc.status)
    ck.require_status(inc, WORKING_STATUSES, "request an extension for")
    if inc.extension_minutes:
        raise Conflict(f"incident {inc.id} already has an extension request pending")
    if isinstance(c.minutes, bool) or not isinstance(c.minutes, int) or \
            not 0 < c.minutes <= MAX_EXTENSION_MINUTES:
        raise InvalidCommand(f"extension must be 1 to {MAX_EXTENSION_MINUTES} minutes")
    return [ev.ExtensionRequested(inc.id, c.minutes, ck.text(c.reason, "reason"))]


def decide_extension(ctx: Context, c: cmd.DecideExtension) -> Payloads:
    ctx.actor.require(Permission.APPROVE, "decide extension requests")
    inc = ck.incident(ctx, c.incident_id, "decide the extension of")
    if not inc.extension_minutes:
        raise InvalidCommand(f"incident {inc.id} has no extension request")
    ck.require_status(inc, WORKING_STATUSES | {S.PARKED}, "decide the extension of")
    due = (inc.handle_due or ctx.now) + inc.extension_minutes * 60 if c.approved else \
        (inc.handle_due or 0.0)
    return [ev.ExtensionDecided(inc.id, bool(c.approved), due,
                                ck.text(c.note, "note", required=False))]


def park(ctx: Context, c: cmd.Park) -> Payloads:
    ctx.actor.require(Permission.APPROVE, "park incidents")
    inc = ck.incident(ctx, c.incident_id, "park")
    ck.require_status(inc, WORKING_STATUSES | {S.RESPONDED}, "park")
    return [ev.IncidentParked(inc.id, ck.text(c.reason, "reason"))]


def unpark(ctx: Context, c: cmd.Unpark) -> Payloads:
    ctx.actor.require(Permission.APPROVE, "resume parked incidents")
    inc = ck.incident(ctx, c.incident_id, "resume")
    ck.require_status(inc, (S.PARKED,), "resume")
    paused = ctx.now - (inc.parked_at or ctx.now)
    return [ev.IncidentUnparked(inc.id, (inc.handle_due or 0.0) + paused,
                                (inc.verify_due or 0.0) + paused)]


def supervise(ctx: Context, c: cmd.Supervise) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "supervise")
    inc = ck.incident(ctx, c.incident_id, "supervise")
    ck.require_status(inc, frozenset(s for s in S if s.is_open), "supervise")
    if bool(c.on) == inc.supervised:
        raise Conflict(f"incident {inc.id} is {'already' if inc.supervised else 'not'} "
                       "under supervision")
    return [ev.IncidentSupervised(inc.id, bool(c.on), ck.text(c.note, "note", required=False))]


def escalate(ctx: Context, c: cmd.Escalate) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "escalate")
    inc = ck.incident(ctx, c.incident_id, "escalate")
    ck.require_status(inc, frozenset(s for s in S if s.is_open) - {S.PARKED}, "escalate")
    try:
        level = EscalationLevel[str(c.level).upper()]
    except KeyError:
        raise InvalidCommand(f"unknown level {c.level!r}; expected community, street, district "
                             "or city") from None
    nxt = inc.level.next_up
    if nxt is None:
        raise InvalidCommand(f"incident {inc.id} is already handled at city level")
    here = inc.level.name.lower()
    if level >= inc.level:
        raise InvalidCommand(f"incident {inc.id} is at {here} level; escalation goes up, "
                             f"to {nxt.name.lower()} or above")
    skipped = level != nxt
    if skipped:
        if not ctx.actor.may(Permission.SKIP_LEVELS):
            raise Forbidden(f"only a shift lead may escalate past {nxt.name.lower()} level "
                            f"(越级); {ctx.actor.operator} ({ctx.actor.role.value}) may take "
                            f"incident {inc.id} from {here} one level up, to "
                            f"{nxt.name.lower()}")
        if inc.priority not in SKIP_PRIORITIES:
            raise InvalidCommand(f"only an urgent or high incident may skip levels (越级); "
                                 f"{inc.id} is {inc.priority}: escalate it one level up, to "
                                 f"{nxt.name.lower()}")
    reason = ck.text(c.reason, "reason")
    added = ck.departments(ctx, c.add_departments)
    ack_due, handle_due = _new_department_dues(ctx, inc) if inc.lead_department and added \
        else (None, None)
    return [ev.IncidentEscalated(inc.id, level.value, reason, added,
                                 from_level=inc.level.value, skipped=skipped,
                                 ack_due=ack_due, handle_due=handle_due)]


def note(ctx: Context, c: cmd.AddNote) -> Payloads:
    ctx.actor.require(Permission.NOTE, "add notes")
    inc = ck.incident(ctx, c.incident_id, "add a note to")
    ctx.actor.require_field_stage("note", inc.id, inc.status)
    return [ev.IncidentNoted(inc.id, ck.text(c.text, "note"))]


CLOCK_STAGES = ("dispatch", "acknowledge", "handle", "verify", "callback", wh.ARRIVAL_STAGE)
CLOCK_STATES = ("near_due", "overdue")


def clock(ctx: Context, c: cmd.RaiseClock) -> Payloads:
    ctx.actor.require(Permission.CLOCK, "raise time-limit events")
    inc = ck.incident(ctx, c.incident_id, "time")
    if c.stage not in CLOCK_STAGES or c.state not in CLOCK_STATES:
        raise InvalidCommand(f"bad clock event {c.stage}/{c.state}")
    if c.stage == wh.ARRIVAL_STAGE:
        return wh.arrival_clock(inc, c)
    flags = inc.clock
    if c.department:
        t = joint.task(inc.tasks, c.department)
        if t is None:
            raise InvalidCommand(f"department {c.department} is not on incident {inc.id}")
        flags = t.clock
    if (c.stage, c.state) in flags:
        who = f" ({c.department})" if c.department else ""
        raise Conflict(f"incident {inc.id}{who} is already {c.state} for {c.stage}")
    return [ev.IncidentClock(inc.id, c.stage, c.state, c.department)]


def archive(ctx: Context, c: cmd.ArchiveFinished) -> Payloads:
    ctx.actor.require(Permission.CLOCK, "archive incidents")
    if not isinstance(c.before, int | float) or c.before > ctx.now:
        raise InvalidCommand("archive only what finished in the past")
    limit = max(1, min(int(c.limit), 50_000))
    ids = [i.id for i in ctx.state.incidents.values()
           if not i.is_open and i.closed_at is not None and i.closed_at < c.before
           and not loop.awaiting_callback(i)]
    if not ids:
        raise InvalidCommand("nothing to archive")
    return [ev.IncidentsArchived(tuple(sorted(ids)[:limit]))]


HANDLERS: dict[type[Any], Callable[[Context, Any], Payloads]] = {
    cmd.ReportIncident: report,
    cmd.RegisterIncident: register,
    cmd.CancelIncident: cancel,
    cmd.AssignUnits: assign,
    cmd.ReleaseUnit: release,
    cmd.ReleaseDepartment: release_department,
    cmd.Acknowledge: acknowledge,
    cmd.StartHandling: start_handling,
    cmd.Respond: respond,
    cmd.Verify: verify,
    cmd.Rework: rework,
    cmd.CloseIncident: close,
    cmd.LinkDuplicate: duplicate,
    cmd.Evaluate: evaluate,
    cmd.ReturnIncident: return_incident,
    cmd.RequestExtension: request_extension,
    cmd.DecideExtension: decide_extension,
    cmd.Park: park,
    cmd.Unpark: unpark,
    cmd.Supervise: supervise,
    cmd.Escalate: escalate,
    cmd.AddNote: note,
    cmd.RaiseClock: clock,
    cmd.ArchiveFinished: archive,
    cmd.RegisterUnit: register_unit,
    cmd.SetUnitStatus: unit_status,
    cmd.ReportPositions: positions,
    cmd.SetRunCard: rc.set_run_card,
    cmd.RemoveRunCard: rc.remove_run_card,
    cmd.SetHazard: hz.set_hazard,
    cmd.RemoveHazard: hz.remove_hazard,
    cmd.AttachMedia: attach_media,
    cmd.HandBack: hand_back,
    cmd.Callback: loop.callback,
    cmd.Urge: loop.urge,
    cmd.RaisePriority: loop.raise_priority,
    cmd.Whistle: wh.whistle,
    cmd.ReportArrival: wh.report_arrival,
}
HANDLERS[cmd.FieldStep] = field_step(HANDLERS)
assert set(HANDLERS) == set(cmd.COMMAND_TYPES.values()), "every command needs a handler"
