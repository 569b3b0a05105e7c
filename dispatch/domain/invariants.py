"""Consistency rules of the dispatch state; property tests and the server's self-check use
them. ``check(state)`` returns the list of violations (empty when the state is sound)."""

from __future__ import annotations

from dispatch.domain import joint
from dispatch.domain.state import DispatchState
from dispatch.domain.status import ENGAGED_UNIT_STATUSES, WORKING_STATUSES, IncidentStatus

S = IncidentStatus


def check(state: DispatchState) -> list[str]:
    bad: list[str] = []
    for u in state.units.values():
        if u.incident_id:
            inc = state.incidents.get(u.incident_id)
            if inc is None:
                bad.append(f"unit {u.id} on unknown incident {u.incident_id}")
            elif u.id not in inc.units:
                bad.append(f"unit {u.id} says {inc.id} but the incident does not list it")
            if u.status not in ENGAGED_UNIT_STATUSES:
                bad.append(f"unit {u.id} is {u.status} but tied to {u.incident_id}")
        elif u.status in ENGAGED_UNIT_STATUSES:
            bad.append(f"unit {u.id} is {u.status} without an incident")
    for inc in state.incidents.values():
        for uid in inc.units:
            holder = state.units.get(uid)
            if holder is None or holder.incident_id != inc.id:
                bad.append(f"incident {inc.id} lists unit {uid} that is not on it")
        if len(set(inc.units)) != len(inc.units):
            bad.append(f"incident {inc.id} lists a unit twice")
        if inc.units and inc.status not in WORKING_STATUSES | {S.PARKED}:
            bad.append(f"incident {inc.id} is {inc.status} but still holds units")
        if inc.status.is_open != (inc.closed_at is None):
            bad.append(f"incident {inc.id} is {inc.status} with closed_at={inc.closed_at}")
        if inc.status in WORKING_STATUSES and (not inc.lead_department or inc.handle_due is None):
            bad.append(f"incident {inc.id} is {inc.status} without lead department or deadline")
        if inc.status in WORKING_STATUSES and inc.tasks:
            if inc.tasks[0].department != inc.lead_department:
                bad.append(f"incident {inc.id}'s first task is not its lead department")
            elif joint.working_status(inc.tasks) != inc.status:
                bad.append(f"incident {inc.id} is {inc.status} but its departments say "
                           f"{joint.working_status(inc.tasks)}")
        if inc.tasks and [t.department for t in inc.tasks[1:]] != list(inc.assist_departments):
            bad.append(f"incident {inc.id}'s tasks do not match its assisting departments")
        if inc.status == S.REGISTERED and inc.lead_department:
            bad.append(f"incident {inc.id} is registered but has a lead department")
        if inc.lead_department in inc.assist_departments:
            bad.append(f"incident {inc.id} lists its lead department as assisting")
        if (inc.status == S.PARKED) != (inc.parked_from is not None):
            bad.append(f"incident {inc.id} parked state inconsistent")
        if inc.duplicate_of and inc.close_reason != "duplicate":
            bad.append(f"incident {inc.id} is a duplicate but closed as {inc.close_reason}")
        if inc.evaluation is not None and inc.status != S.CLOSED:
            bad.append(f"incident {inc.id} evaluated while {inc.status}")
        if inc.version > state.seq:
            bad.append(f"incident {inc.id} version {inc.version} beyond state {state.seq}")
    if state.incident_counter != len(state.incidents) + state.archived:
        bad.append(f"counter {state.incident_counter} != {len(state.incidents)} incidents + "
                   f"{state.archived} archived")
    return bad
