"""The citizen's loop of a 12345 / citizen-app case: the call-back after closure (回访), the
reopening of an unsatisfied case (重办) and repeat calls on an open case (催办).

- Closing a case whose source the centre's deadline profile covers
  (:mod:`dispatch.domain.deadlines`, by default ``hotline`` and ``citizen_app``) for any reason
  but ``duplicate`` makes a call-back due (``incident.callback_due``, deadline from the
  profile); the server's clock flags it ``near_due``/``overdue`` like the other stages (stage
  ``callback``).
- ``callback`` records the result once (satisfied, basically_satisfied, unsatisfied); an
  unsatisfied one with ``reopen`` and a reason reopens the case: back to ``dispatched`` to the
  same departments with fresh acknowledge and feedback deadlines, or to ``registered`` (the
  dispatch clock anew) when it was closed before anyone was sent. Both ``rework_count`` and
  ``reopen_count`` count it.
- ``urge`` counts a repeat call on an open case; the urge rules (data, ``resources/rules.json``,
  :mod:`dispatch.domain.rules`) raise the priority or supervise after N urges.

Handlers return events; the ``apply_*`` functions are their projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dispatch.domain import checks as ck
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain import joint
from dispatch.domain.catalogue.model import Priority, TimeLimit
from dispatch.domain.checks import Context, Payloads
from dispatch.domain.contacts import check_phone
from dispatch.domain.errors import Conflict, InvalidCommand
from dispatch.domain.roles import Permission
from dispatch.domain.state import DispatchState, Incident, Note
from dispatch.domain.status import CloseReason, IncidentStatus, TaskState
from dispatch.domain.timelimits import Clock

S = IncidentStatus


class CallbackResult(StrEnum):
    SATISFIED = "satisfied"                      # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"                  # 不满意


URGE_ACTIONS = ("raise_priority", "supervise")


@dataclass(frozen=True, slots=True)
class UrgeRule:
    """After ``urges`` repeat calls on an open case, ``action`` (raise_priority one step, or
    supervise) with ``text`` as the reason."""

    id: str
    urges: int
    action: str
    text: str


# ----------------------------------------------------------------------------- deadlines


def dispatch_limit(ctx: Context, source: str, priority: str) -> TimeLimit:
    """The dispatch limit of a case: the profile's for the citizen's cases, else the
    catalogue's."""
    return (ctx.profile.dispatch_limit(source, priority)
            or ctx.catalogue.limits.dispatch[Priority(priority)])


def handle_limit(ctx: Context, inc: Incident) -> TimeLimit:
    """The feedback (handling) limit of a case: the profile's for the citizen's cases, else
    its class's."""
    return (ctx.profile.feedback_limit(inc.source, inc.priority)
            or ctx.catalogue.minor_of(inc.class_code).handling_limit)


def callback_due(ctx: Context, inc: Incident, reason: str) -> Payloads:
    """The call-back a closure makes due (none for a duplicate or a source not covered)."""
    if reason == CloseReason.DUPLICATE.value or not ctx.profile.covers(inc.source):
        return []
    return [ev.CallbackDue(inc.id, ctx.due(ctx.now, ctx.profile.callback))]


def awaiting_callback(inc: Incident) -> bool:
    """Closed, a call-back due and not yet made (待回访)."""
    return not inc.is_open and inc.callback_due is not None and not inc.callback_result


def callback_clock(inc: Incident) -> Clock | None:
    """The call-back clock of a closed case awaiting it."""
    if not awaiting_callback(inc) or inc.callback_due is None:
        return None
    return Clock("callback", inc.closed_at or inc.callback_due, inc.callback_due)


# ------------------------------------------------------------------------------ handlers


def callback(ctx: Context, c: cmd.Callback) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "record call-backs")
    inc = ck.incident(ctx, c.incident_id, "call back")
    try:
        result = CallbackResult(c.result)
    except ValueError:
        raise InvalidCommand(f"unknown call-back result {c.result!r}; expected one of "
                             f"{', '.join(r.value for r in CallbackResult)}") from None
    if inc.is_open:
        raise InvalidCommand(f"incident {inc.id} is {inc.status.value}: the citizen is called "
                             "back after the case is closed")
    if inc.callback_due is None:
        raise InvalidCommand(f"no call-back is due for incident {inc.id} (source "
                             f"{inc.source}, closed as {inc.close_reason or 'cancelled'}): "
                             "only closed citizen's cases are called back")
    if inc.callback_result:
        raise Conflict(f"incident {inc.id} was already called back ({inc.callback_result})")
    if not isinstance(c.reopen, bool):
        raise InvalidCommand("reopen must be true or false")
    note = ck.text(c.note, "note", required=False)
    if c.reopen and result != CallbackResult.UNSATISFIED:
        raise InvalidCommand("only an unsatisfied call-back may reopen the case")
    if not c.reopen:
        if c.reason.strip():
            raise InvalidCommand("a rework reason goes with reopen only")
        return [ev.IncidentCalledBack(inc.id, result.value, note)]
    reason = ck.text(c.reason, "reason (why the case is handled again)")
    called = ev.IncidentCalledBack(inc.id, result.value, note)
    if inc.lead_department:
        return [called, ev.IncidentReopened(
            inc.id, reason, S.DISPATCHED.value,
            ack_due=ctx.due(ctx.now, ctx.catalogue.limits.acknowledge[Priority(inc.priority)]),
            handle_due=ctx.due(ctx.now, handle_limit(ctx, inc)))]
    return [called, ev.IncidentReopened(
        inc.id, reason, S.REGISTERED.value,
        dispatch_due=ctx.due(ctx.now, dispatch_limit(ctx, inc.source, inc.priority)))]


def urge(ctx: Context, c: cmd.Urge) -> Payloads:
    ctx.actor.require(Permission.INTAKE, "record repeat calls")
    inc = ck.incident(ctx, c.incident_id, "urge")
    if not inc.is_open:
        raise InvalidCommand(f"incident {inc.id} is {inc.status.value}: a repeat call urges "
                             "only an open case (report a new one, or record the call-back)")
    note = ck.text(c.note, "note", required=False)
    phone = check_phone(c.phone)
    out: Payloads = [ev.IncidentUrged(inc.id, note)]
    if phone and inc.id not in ctx.state.contacts:
        out.append(ev.CallerContactRecorded(inc.id, phone))
    return out


PRIORITY_UP = {Priority.LOW.value: Priority.NORMAL.value,
               Priority.NORMAL.value: Priority.HIGH.value,
               Priority.HIGH.value: Priority.URGENT.value}


def raise_priority(ctx: Context, c: cmd.RaisePriority) -> Payloads:
    ctx.actor.require(Permission.CLOCK, "raise priorities by rule")
    inc = ck.incident(ctx, c.incident_id, "raise the priority of")
    if not inc.is_open:
        raise InvalidCommand(f"incident {inc.id} is {inc.status.value}")
    if c.rule in inc.urge_rules:
        raise Conflict(f"rule {c.rule} was already applied to incident {inc.id}")
    up = PRIORITY_UP.get(inc.priority)
    if up is None:
        raise InvalidCommand(f"incident {inc.id} is already {inc.priority}")
    return [ev.IncidentPriorityRaised(inc.id, up, inc.priority, ck.text(c.rule, "rule"),
                                      ck.text(c.reason, "reason"))]


# ---------------------------------------------------------------------------- projection


def _touch(s: DispatchState, e: ev.Event, inc: Incident) -> None:
    inc.version = e.seq
    s.changed_incidents.add(inc.id)


def apply_callback_due(s: DispatchState, e: ev.Event, p: ev.CallbackDue) -> None:
    inc = s.incidents[p.incident_id]
    inc.callback_due = p.due
    inc.callback_result, inc.called_back_at = "", None
    _touch(s, e, inc)


def apply_called_back(s: DispatchState, e: ev.Event, p: ev.IncidentCalledBack) -> None:
    inc = s.incidents[p.incident_id]
    inc.callback_result, inc.called_back_at = p.result, e.ts
    inc.clock = tuple(f for f in inc.clock if f[0] != "callback")
    if p.note:
        inc.notes += (Note(e.ts, e.operator, p.note),)
    _touch(s, e, inc)


def apply_reopened(s: DispatchState, e: ev.Event, p: ev.IncidentReopened) -> None:
    inc = s.incidents[p.incident_id]
    inc.rework_count += 1
    inc.reopen_count += 1
    inc.closed_at, inc.close_reason = None, ""
    inc.clock = ()
    inc.verify_due = None
    inc.acknowledged_at = inc.responded_at = inc.verified_at = None
    tasks = joint.tasks_of(inc)
    inc.status = S(p.status)
    if inc.status == S.DISPATCHED:
        ack, handle = p.ack_due or e.ts, p.handle_due or e.ts
        inc.ack_due, inc.handle_due = ack, handle
        inc.dispatched_at = e.ts
        inc.tasks = tuple(t if t.state == TaskState.RELEASED else
                          joint.redispatched(t, e.ts, ack, handle) for t in tasks)
    else:
        inc.dispatch_due = p.dispatch_due or e.ts
    inc.notes += (Note(e.ts, e.operator, p.reason),)
    _touch(s, e, inc)


def apply_urged(s: DispatchState, e: ev.Event, p: ev.IncidentUrged) -> None:
    inc = s.incidents[p.incident_id]
    inc.urges += 1
    inc.last_urged_at = e.ts
    if p.note:
        inc.notes += (Note(e.ts, e.operator, p.note),)
    _touch(s, e, inc)


def apply_priority_raised(s: DispatchState, e: ev.Event, p: ev.IncidentPriorityRaised) -> None:
    inc = s.incidents[p.incident_id]
    inc.priority = p.priority
    inc.urge_rules += (p.rule,)
    inc.notes += (Note(e.ts, e.operator, p.reason),)
    _touch(s, e, inc)
