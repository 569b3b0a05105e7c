"""The projection: ``apply(state, event)`` builds the dispatch state from events.

It depends on nothing but the state and the event (no clock, no catalogue, no I/O), so the
server, every console's live mirror and replay compute exactly the same state. For speed it
updates ``state`` in place; take :meth:`DispatchState.copy` first to keep an earlier state.
Events were validated by the handler that made them; apply trusts them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from dispatch.domain import citizen_loop as loop
from dispatch.domain import events as ev
from dispatch.domain import hazards as hz
from dispatch.domain import joint
from dispatch.domain import runcard_handlers as rc
from dispatch.domain import whistle as wh
from dispatch.domain.media import Media
from dispatch.domain.state import DispatchState, Incident, Note, UnitState
from dispatch.domain.status import (
    ENGAGED_UNIT_STATUSES,
    EscalationLevel,
    IncidentStatus,
    TaskState,
    UnitStatus,
)

S = IncidentStatus


def _touch(state: DispatchState, e: ev.Event, inc: Incident, status: IncidentStatus | None = None
           ) -> None:
    inc.version = e.seq
    state.changed_incidents.add(inc.id)
    if status is not None:
        inc.status = status
        inc.clock = ()  # a new stage starts a new clock


def _set_unit(state: DispatchState, e: ev.Event, unit_id: str, status: UnitStatus,
              incident_id: str) -> None:
    u = state.units[unit_id]
    if u.status != status:
        u.status = status
        u.status_since = e.ts
    u.incident_id = incident_id
    u.version = e.seq
    state.changed_units.add(unit_id)


def _release_units(state: DispatchState, e: ev.Event, inc: Incident, department: str = ""
                   ) -> None:
    """Units still engaged on the incident (only ``department``'s, if named) head back
    (dispatched-only units become available)."""
    kept: list[str] = []
    for uid in inc.units:
        u = state.units.get(uid) if department else state.units[uid]
        if u is None or (department and u.department != department):
            kept.append(uid)
            continue
        u = state.units[uid]
        if u.incident_id != inc.id:
            continue
        nxt = UnitStatus.AVAILABLE if u.status == UnitStatus.DISPATCHED else UnitStatus.RETURNING
        _set_unit(state, e, uid, nxt if u.status in ENGAGED_UNIT_STATUSES else u.status, "")
    inc.units = tuple(kept)


def _follow_tasks(s: DispatchState, e: ev.Event, inc: Incident, verify_due: float | None
                  ) -> None:
    """The incident's status after a department's step: complete (responded, the verify
    clock runs, every unit heads back) or as its tasks stand."""
    status = joint.working_status(inc.tasks)
    if status == S.RESPONDED:
        inc.responded_at = e.ts
        inc.verify_due = verify_due
        _release_units(s, e, inc)
    _touch(s, e, inc, status if status != inc.status else None)


def _reported(s: DispatchState, e: ev.Event, p: ev.IncidentReported) -> None:
    s.incidents[p.incident_id] = Incident(
        id=p.incident_id, source=p.source, class_code=p.class_code, priority=p.priority,
        lon=p.lon, lat=p.lat, grid=p.grid, description=p.description, reporter=p.reporter,
        reported_at=e.ts, dispatch_due=p.dispatch_due, external_ref=p.external_ref,
        part_id=p.part_id, version=e.seq, reported_by=e.operator)
    s.incident_counter += 1
    s.changed_incidents.add(p.incident_id)


def _contact(s: DispatchState, e: ev.Event, p: ev.CallerContactRecorded) -> None:
    # not a change of the incident record: nothing goes out on the feed
    s.contacts[p.incident_id] = p.phone


def _registered(s: DispatchState, e: ev.Event, p: ev.IncidentRegistered) -> None:
    inc = s.incidents[p.incident_id]
    inc.class_code, inc.priority, inc.dispatch_due = p.class_code, p.priority, p.dispatch_due
    inc.registered_at = e.ts
    inc.registered_by = e.operator
    _touch(s, e, inc, S.REGISTERED)


def _cancelled(s: DispatchState, e: ev.Event, p: ev.IncidentCancelled) -> None:
    inc = s.incidents[p.incident_id]
    inc.closed_at = e.ts
    inc.closed_by = e.operator
    inc.close_reason = "cancelled"
    inc.notes += (Note(e.ts, e.operator, p.reason),)
    _touch(s, e, inc, S.CANCELLED)


def _assign_units(s: DispatchState, e: ev.Event, inc: Incident, units: tuple[str, ...]) -> None:
    for uid in units:
        _set_unit(s, e, uid, UnitStatus.DISPATCHED, inc.id)
    inc.units += tuple(u for u in units if u not in inc.units)
    inc.sent_units += tuple(u for u in units if u not in inc.sent_units)


def _dispatched(s: DispatchState, e: ev.Event, p: ev.IncidentDispatched) -> None:
    inc = s.incidents[p.incident_id]
    inc.lead_department = p.lead_department
    inc.assist_departments = p.assist_departments
    inc.ack_due, inc.handle_due = p.ack_due, p.handle_due
    if inc.registered_at is None:
        inc.registered_at = e.ts
        inc.registered_by = e.operator
    inc.dispatched_at = e.ts
    inc.dispatched_by = e.operator
    inc.tasks = joint.new_tasks(p.lead_department, p.assist_departments, e.ts, p.ack_due,
                                p.handle_due)
    _assign_units(s, e, inc, p.units)
    _touch(s, e, inc, S.DISPATCHED)


def _reinforced(s: DispatchState, e: ev.Event, p: ev.IncidentReinforced) -> None:
    inc = s.incidents[p.incident_id]
    inc.assist_departments += tuple(d for d in p.assist_departments
                                    if d not in inc.assist_departments and d != inc.lead_department)
    inc.tasks = joint.joined(
        joint.tasks_of(inc), p.assist_departments, e.ts,
        inc.ack_due if p.ack_due is None else p.ack_due,
        inc.handle_due if p.handle_due is None else p.handle_due, inc.lead_department)
    _assign_units(s, e, inc, p.units)
    _touch(s, e, inc)


def _unit_released(s: DispatchState, e: ev.Event, p: ev.IncidentUnitReleased) -> None:
    inc = s.incidents[p.incident_id]
    u = s.units[p.unit_id]
    if u.incident_id == inc.id:
        nxt = UnitStatus.AVAILABLE if u.status == UnitStatus.DISPATCHED else UnitStatus.RETURNING
        _set_unit(s, e, p.unit_id, nxt, "")
    inc.units = tuple(x for x in inc.units if x != p.unit_id)
    _touch(s, e, inc)


def _acknowledged(s: DispatchState, e: ev.Event, p: ev.IncidentAcknowledged) -> None:
    inc = s.incidents[p.incident_id]
    inc.tasks = joint.changed(joint.tasks_of(inc), p.department,
                              state=TaskState.ACKNOWLEDGED, acknowledged_at=e.ts)
    if inc.acknowledged_at is None:
        inc.acknowledged_at = e.ts  # the first department to sign for it
    _follow_tasks(s, e, inc, None)


def _handling(s: DispatchState, e: ev.Event, p: ev.IncidentHandlingStarted) -> None:
    inc = s.incidents[p.incident_id]
    tasks = joint.tasks_of(inc)
    for t in tasks:  # an older event names no department: all that had acknowledged
        if t.state == TaskState.ACKNOWLEDGED and p.department in ("", t.department):
            tasks = joint.changed(tasks, t.department, state=TaskState.HANDLING)
    inc.tasks = tasks
    _follow_tasks(s, e, inc, None)


def _responded(s: DispatchState, e: ev.Event, p: ev.IncidentResponded) -> None:
    inc = s.incidents[p.incident_id]
    tasks = joint.tasks_of(inc)
    for t in tasks:  # an older event names no department: the whole incident responded
        if not t.is_done and p.department in ("", t.department):
            tasks = joint.changed(tasks, t.department, state=TaskState.RESPONDED,
                                  responded_at=e.ts)
    inc.tasks = tasks
    inc.notes += (Note(e.ts, e.operator, p.result),)
    if p.department:
        _release_units(s, e, inc, p.department)
    _follow_tasks(s, e, inc, p.verify_due)


def _department_released(s: DispatchState, e: ev.Event, p: ev.IncidentDepartmentReleased
                         ) -> None:
    inc = s.incidents[p.incident_id]
    inc.tasks = joint.changed(joint.tasks_of(inc), p.department, state=TaskState.RELEASED,
                              released_at=e.ts)
    inc.notes += (Note(e.ts, e.operator, p.reason),)
    _release_units(s, e, inc, p.department)
    _follow_tasks(s, e, inc, p.verify_due)


def _verified(s: DispatchState, e: ev.Event, p: ev.IncidentVerified) -> None:
    inc = s.incidents[p.incident_id]
    if p.note:
        inc.notes += (Note(e.ts, e.operator, p.note),)
    if p.passed:
        inc.verified_at = e.ts
        inc.verified_by = e.operator
        _touch(s, e, inc, S.VERIFIED)
    else:
        _touch(s, e, inc)


def _reworked(s: DispatchState, e: ev.Event, p: ev.IncidentReworked) -> None:
    inc = s.incidents[p.incident_id]
    inc.rework_count += 1
    inc.ack_due, inc.handle_due = p.ack_due, p.handle_due
    inc.verify_due = None
    inc.acknowledged_at = inc.responded_at = inc.verified_at = None
    inc.dispatched_at = e.ts
    inc.tasks = tuple(t if t.state == TaskState.RELEASED else
                      joint.redispatched(t, e.ts, p.ack_due, p.handle_due)
                      for t in joint.tasks_of(inc))
    inc.notes += (Note(e.ts, e.operator, p.reason),)
    _touch(s, e, inc, S.DISPATCHED)


def _closed(s: DispatchState, e: ev.Event, p: ev.IncidentClosed) -> None:
    inc = s.incidents[p.incident_id]
    inc.closed_at = e.ts
    inc.closed_by = e.operator
    inc.close_reason = p.reason
    inc.duplicate_of = p.duplicate_of
    if p.note:
        inc.notes += (Note(e.ts, e.operator, p.note),)
    if p.duplicate_of:
        orig = s.incidents[p.duplicate_of]
        orig.duplicates += (inc.id,)
        orig.version = e.seq
        s.changed_incidents.add(orig.id)
    _release_units(s, e, inc)
    inc.extension_minutes = 0
    inc.parked_from = inc.parked_at = None
    _touch(s, e, inc, S.CLOSED)


def _evaluated(s: DispatchState, e: ev.Event, p: ev.IncidentEvaluated) -> None:
    inc = s.incidents[p.incident_id]
    inc.evaluation = p.score
    if p.comment:
        inc.notes += (Note(e.ts, e.operator, p.comment),)
    _touch(s, e, inc)


def _returned(s: DispatchState, e: ev.Event, p: ev.IncidentReturned) -> None:
    inc = s.incidents[p.incident_id]
    _release_units(s, e, inc)
    inc.lead_department, inc.assist_departments = "", ()
    inc.tasks = ()
    inc.ack_due = inc.handle_due = None
    inc.dispatched_at = inc.acknowledged_at = None
    inc.extension_minutes = 0
    inc.returns += 1
    inc.notes += (Note(e.ts, e.operator, p.reason),)
    _touch(s, e, inc, S.REGISTERED)


def _extension_requested(s: DispatchState, e: ev.Event, p: ev.ExtensionRequested) -> None:
    inc = s.incidents[p.incident_id]
    inc.extension_minutes = p.minutes
    inc.notes += (Note(e.ts, e.operator, p.reason),)
    _touch(s, e, inc)


def _extension_decided(s: DispatchState, e: ev.Event, p: ev.ExtensionDecided) -> None:
    inc = s.incidents[p.incident_id]
    inc.extension_minutes = 0
    if p.approved:
        inc.handle_due = p.handle_due
        inc.extensions_granted += 1
        inc.clock = tuple(c for c in inc.clock if c[0] != "handle")
        inc.tasks = tuple(t if t.is_done else joint.extended(t, p.handle_due)
                          for t in joint.tasks_of(inc))
    if p.note:
        inc.notes += (Note(e.ts, e.operator, p.note),)
    _touch(s, e, inc)


def _parked(s: DispatchState, e: ev.Event, p: ev.IncidentParked) -> None:
    inc = s.incidents[p.incident_id]
    inc.parked_from = inc.status
    inc.parked_at = e.ts
    inc.notes += (Note(e.ts, e.operator, p.reason),)
    _touch(s, e, inc, S.PARKED)


def _unparked(s: DispatchState, e: ev.Event, p: ev.IncidentUnparked) -> None:
    inc = s.incidents[p.incident_id]
    back = inc.parked_from or S.DISPATCHED
    inc.parked_from = inc.parked_at = None
    if inc.handle_due is not None:
        paused = p.handle_due - inc.handle_due  # the departments' clocks stood still as well
        inc.tasks = tuple(t if t.is_done else joint.paused(t, paused)
                          for t in joint.tasks_of(inc))
        inc.handle_due = p.handle_due
    if inc.verify_due is not None:
        inc.verify_due = p.verify_due
    _touch(s, e, inc, back)


def _supervised(s: DispatchState, e: ev.Event, p: ev.IncidentSupervised) -> None:
    inc = s.incidents[p.incident_id]
    inc.supervised = p.on
    if p.note:
        inc.notes += (Note(e.ts, e.operator, p.note),)
    _touch(s, e, inc)


def _escalated(s: DispatchState, e: ev.Event, p: ev.IncidentEscalated) -> None:
    inc = s.incidents[p.incident_id]
    inc.level = EscalationLevel(p.level)
    inc.escalations += 1
    if inc.lead_department:
        inc.assist_departments += tuple(d for d in p.add_departments
                                        if d not in inc.assist_departments
                                        and d != inc.lead_department)
        inc.tasks = joint.joined(
            joint.tasks_of(inc), p.add_departments, e.ts,
            inc.ack_due if p.ack_due is None else p.ack_due,
            inc.handle_due if p.handle_due is None else p.handle_due, inc.lead_department)
    inc.notes += (Note(e.ts, e.operator, p.reason),)
    _touch(s, e, inc)


def _noted(s: DispatchState, e: ev.Event, p: ev.IncidentNoted) -> None:
    inc = s.incidents[p.incident_id]
    inc.notes += (Note(e.ts, e.operator, p.text),)
    _touch(s, e, inc)


def _clock(s: DispatchState, e: ev.Event, p: ev.IncidentClock) -> None:
    inc = s.incidents[p.incident_id]
    if p.stage == wh.ARRIVAL_STAGE:  # 吹哨报到: a summoned department's arrival is overdue
        inc.summoned = wh.flagged(inc.summoned, p.department)
    elif p.department:
        t = joint.task(inc.tasks, p.department)
        if t is not None:
            flags = tuple(c for c in t.clock if c[0] != p.stage)
            inc.tasks = joint.changed(inc.tasks, p.department, clock=(*flags, (p.stage, p.state)))
    else:
        flags = tuple(c for c in inc.clock if c[0] != p.stage)
        inc.clock = (*flags, (p.stage, p.state))
    inc.version = e.seq
    s.changed_incidents.add(inc.id)


def _archived(s: DispatchState, e: ev.Event, p: ev.IncidentsArchived) -> None:
    for iid in p.incident_ids:
        s.contacts.pop(iid, None)
        if s.incidents.pop(iid, None) is not None:
            s.archived += 1
            s.changed_incidents.add(iid)


def _media_attached(s: DispatchState, e: ev.Event, p: ev.IncidentMediaAttached) -> None:
    inc = s.incidents[p.incident_id]
    inc.media += (Media(p.media_id, p.kind, p.sha256, p.content_type, p.size, p.width,
                        p.height, e.ts, e.operator, p.taken_at, p.lon, p.lat),)
    _touch(s, e, inc)


def _handed_back(s: DispatchState, e: ev.Event, p: ev.IncidentHandedBack) -> None:
    inc = s.incidents[p.incident_id]
    inc.closed_at = e.ts
    inc.closed_by = e.operator
    inc.close_reason = "handed_back"
    inc.notes += (Note(e.ts, e.operator, p.reason),)
    _touch(s, e, inc, S.CANCELLED)


def _unit_registered(s: DispatchState, e: ev.Event, p: ev.UnitRegistered) -> None:
    s.units[p.unit_id] = UnitState(
        id=p.unit_id, department=p.department, unit_type=p.unit_type, name=p.name,
        home_grid=p.home_grid, lon=p.lon, lat=p.lat, status=UnitStatus(p.status),
        status_since=e.ts, version=e.seq)
    s.changed_units.add(p.unit_id)


def _unit_status(s: DispatchState, e: ev.Event, p: ev.UnitStatusChanged) -> None:
    u = s.units[p.unit_id]
    status = UnitStatus(p.status)
    incident_id = u.incident_id
    if status not in ENGAGED_UNIT_STATUSES and incident_id:
        # Leaving the incident (returning, off duty…): the incident no longer lists the unit.
        inc = s.incidents[incident_id]
        inc.units = tuple(x for x in inc.units if x != u.id)
        inc.version = e.seq
        s.changed_incidents.add(inc.id)
        incident_id = ""
    _set_unit(s, e, p.unit_id, status, incident_id)


def _units_moved(s: DispatchState, e: ev.Event, p: ev.UnitsMoved) -> None:
    units, changed = s.units, s.changed_units
    for uid, lon, lat in p.rows:
        u = units[uid]
        u.lon, u.lat = lon, lat
        u.version = e.seq
        changed.add(uid)


APPLY: dict[type[Any], Callable[[DispatchState, ev.Event, Any], None]] = {
    ev.IncidentReported: _reported,
    ev.IncidentRegistered: _registered,
    ev.IncidentCancelled: _cancelled,
    ev.IncidentDispatched: _dispatched,
    ev.IncidentReinforced: _reinforced,
    ev.IncidentUnitReleased: _unit_released,
    ev.IncidentAcknowledged: _acknowledged,
    ev.IncidentDepartmentReleased: _department_released,
    ev.IncidentHandlingStarted: _handling,
    ev.IncidentResponded: _responded,
    ev.IncidentVerified: _verified,
    ev.IncidentReworked: _reworked,
    ev.IncidentClosed: _closed,
    ev.IncidentEvaluated: _evaluated,
    ev.IncidentReturned: _returned,
    ev.ExtensionRequested: _extension_requested,
    ev.ExtensionDecided: _extension_decided,
    ev.IncidentParked: _parked,
    ev.IncidentUnparked: _unparked,
    ev.IncidentSupervised: _supervised,
    ev.IncidentEscalated: _escalated,
    ev.IncidentNoted: _noted,
    ev.IncidentClock: _clock,
    ev.IncidentsArchived: _archived,
    ev.UnitRegistered: _unit_registered,
    ev.UnitStatusChanged: _unit_status,
    ev.UnitsMoved: _units_moved,
    ev.CallerContactRecorded: _contact,
    ev.RunCardSet: rc.apply_set,
    ev.RunCardRemoved: rc.apply_removed,
    ev.HazardSet: hz.apply_set,
    ev.HazardRemoved: hz.apply_removed,
    ev.IncidentMediaAttached: _media_attached,
    ev.IncidentHandedBack: _handed_back,
    ev.CallbackDue: loop.apply_callback_due,
    ev.IncidentCalledBack: loop.apply_called_back,
    ev.IncidentReopened: loop.apply_reopened,
    ev.IncidentUrged: loop.apply_urged,
    ev.IncidentPriorityRaised: loop.apply_priority_raised,
    ev.IncidentWhistled: wh.apply_whistled,
    ev.DepartmentArrived: wh.apply_arrived,
}
assert set(APPLY) == set(ev.PAYLOAD_TYPES.values()), "every event kind needs a projection"


def apply(state: DispatchState, event: ev.Event) -> DispatchState:
    """Apply one event (its sequence must follow the state's) and return the state."""
    if event.seq != state.seq + 1:
        raise ValueError(f"event {event.seq} does not follow state sequence {state.seq}")
    APPLY[type(event.payload)](state, event, event.payload)
    state.seq = event.seq
    state.ts = event.ts
    return state


def apply_all(state: DispatchState, events: Iterable[ev.Event]) -> DispatchState:
    for e in events:
        apply(state, e)
    return state
