"""Joint dispatch (联动, 警网融合): each department of an incident signs for it (签收), works
and responds (反馈) on its own, with its own clock.

An incident's :attr:`~dispatch.domain.state.Incident.tasks` hold one
:class:`~dispatch.domain.state.DepartmentTask` per department sent: the lead first, then the
assisting departments in the order they joined (dispatch, reinforcement, escalation). The
incident's own status follows from its tasks while departments hold it
(:func:`working_status`):

- **dispatched** while no department has acknowledged;
- **acknowledged** as soon as the *first* department acknowledges (somebody has signed for
  it: the incident's acknowledge clock stops; the others' own acknowledge clocks keep
  running and raise their own flags);
- **handling** as soon as one department works on it or has responded;
- **responded** when the lead department has responded and every assisting department has
  responded or been released by the dispatcher (:func:`all_done`); the verify clock starts.

Incidents recorded before tasks existed (events of an older version, a record from an older
server) have none: :func:`tasks_of` derives them from the lead and assisting departments and
the incident's status. Everything here is pure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from dispatch.domain.errors import Conflict, InvalidCommand
from dispatch.domain.state import DepartmentTask, Incident
from dispatch.domain.status import IncidentStatus, TaskRole, TaskState

S = IncidentStatus
T = TaskState

STEP_FROM: dict[str, frozenset[TaskState]] = {
    "acknowledge": frozenset({T.DISPATCHED}),
    "handle": frozenset({T.ACKNOWLEDGED}),
    "respond": frozenset({T.ACKNOWLEDGED, T.HANDLING}),
}
"""The department states from which each field step may be taken."""

_LEGACY_STATE = {S.DISPATCHED: T.DISPATCHED, S.ACKNOWLEDGED: T.ACKNOWLEDGED,
                 S.HANDLING: T.HANDLING}


def tasks_of(inc: Incident) -> tuple[DepartmentTask, ...]:
    """The incident's tasks; for a record without any (from an older version) derived from its
    departments and status: every department stands where the incident stands."""
    if inc.tasks or not inc.lead_department:
        return inc.tasks
    status = inc.parked_from or inc.status
    state = _LEGACY_STATE.get(status, T.RESPONDED)
    at = inc.dispatched_at or inc.reported_at
    acked = inc.acknowledged_at if state != T.DISPATCHED else None
    responded = inc.responded_at if state == T.RESPONDED else None
    return tuple(DepartmentTask(d, TaskRole.LEAD if d == inc.lead_department else TaskRole.ASSIST,
                                state, at, inc.ack_due, inc.handle_due, acked, responded)
                 for d in inc.departments)


def new_tasks(lead: str, assists: Iterable[str], at: float, ack_due: float | None,
              handle_due: float | None) -> tuple[DepartmentTask, ...]:
    """The tasks of a first dispatch: every department's clocks start now."""
    out = [DepartmentTask(lead, TaskRole.LEAD, T.DISPATCHED, at, ack_due, handle_due)]
    return tuple(out) + joined((), assists, at, ack_due, handle_due, lead)


def joined(tasks: tuple[DepartmentTask, ...], departments: Iterable[str], at: float,
           ack_due: float | None, handle_due: float | None, lead: str = ""
           ) -> tuple[DepartmentTask, ...]:
    """New assisting departments (not yet on the incident) with their own clocks from ``at``;
    one released earlier and named again is sent again, with new clocks."""
    have = {t.department for t in tasks} | {lead}
    new: list[DepartmentTask] = []
    for d in departments:
        old = task(tasks, d)
        if old is not None and old.state == T.RELEASED:
            tasks = tuple(redispatched(t, at, ack_due, handle_due) if t is old else t
                          for t in tasks)
        elif d not in have:
            have.add(d)
            new.append(DepartmentTask(d, TaskRole.ASSIST, T.DISPATCHED, at, ack_due, handle_due))
    return tasks + tuple(new)


def task(tasks: tuple[DepartmentTask, ...], department: str) -> DepartmentTask | None:
    return next((t for t in tasks if t.department == department), None)


def changed(tasks: tuple[DepartmentTask, ...], department: str, **changes: Any
            ) -> tuple[DepartmentTask, ...]:
    """The tasks with one department's replaced by a copy with ``changes``; a new state
    starts a new clock (its flags are dropped)."""
    out = []
    for t in tasks:
        if t.department == department:
            if "state" in changes and changes["state"] != t.state and "clock" not in changes:
                changes = {**changes, "clock": ()}
            t = dataclasses.replace(t, **changes)
        out.append(t)
    return tuple(out)


def redispatched(t: DepartmentTask, at: float, ack_due: float | None,
                 handle_due: float | None) -> DepartmentTask:
    """The department sent again (rework): new clocks from ``at``."""
    return DepartmentTask(t.department, t.role, T.DISPATCHED, at, ack_due, handle_due)


def extended(t: DepartmentTask, handle_due: float) -> DepartmentTask:
    """The department's handling limit moved (an approved extension); its flags go."""
    return dataclasses.replace(t, handle_due=handle_due,
                               clock=tuple(c for c in t.clock if c[0] != "handle"))


def paused(t: DepartmentTask, seconds: float) -> DepartmentTask:
    """The department's deadlines after the incident was parked for ``seconds``."""
    return dataclasses.replace(
        t, ack_due=None if t.ack_due is None else t.ack_due + seconds,
        handle_due=None if t.handle_due is None else t.handle_due + seconds)


def all_done(tasks: tuple[DepartmentTask, ...]) -> bool:
    """The lead has responded and every assisting department has responded or been
    released."""
    return bool(tasks) and all(
        t.state == T.RESPONDED if t.role == TaskRole.LEAD else t.is_done for t in tasks)


def working_status(tasks: tuple[DepartmentTask, ...]) -> IncidentStatus:
    """The incident's status its tasks give (see the module's description)."""
    if all_done(tasks):
        return S.RESPONDED
    states = {t.state for t in tasks}
    if states & {T.HANDLING, T.RESPONDED}:
        return S.HANDLING
    if T.ACKNOWLEDGED in states:
        return S.ACKNOWLEDGED
    return S.DISPATCHED


def progress(tasks: tuple[DepartmentTask, ...]) -> tuple[int, int, int]:
    """(acknowledged or further, responded or released, all) departments."""
    acked = sum(1 for t in tasks if t.state != T.DISPATCHED)
    done = sum(1 for t in tasks if t.is_done)
    return acked, done, len(tasks)


_DONE_WORDS = {"acknowledge": "acknowledged", "handle": "started handling",
               "respond": "responded to"}


def takers(inc: Incident, step: str, department: str) -> tuple[DepartmentTask, ...]:
    """The departments that take a field step (acknowledge, handle, respond) on the incident.

    A named department must be on the incident and stand where the step may be taken
    (``conflict`` when it has already taken it). With none named (a client that does not know
    departments, such as an older console or the phone app): every department that may take
    the step now, lead first; the step then acts for the incident as a whole, as it did before
    departments had their own state."""
    tasks = tasks_of(inc)
    allowed = STEP_FROM[step]
    if department:
        t = task(tasks, department)
        if t is None:
            raise InvalidCommand(f"department {department} is not on incident {inc.id}")
        if t.state in allowed:
            return (t,)
        if t.state == T.RELEASED:
            raise InvalidCommand(f"department {department} was released from incident {inc.id}")
        if t.state == T.DISPATCHED:
            raise InvalidCommand(f"department {department} must acknowledge incident {inc.id} "
                                 f"before it can {step}")
        order = list(T)
        if order.index(t.state) > max(order.index(s) for s in allowed) or \
                (step == "handle" and t.state == T.HANDLING):
            raise Conflict(f"department {department} has already {_DONE_WORDS[step]} "
                           f"incident {inc.id} (it is {t.state.value})")
        raise InvalidCommand(f"department {department} cannot {step} incident {inc.id}: "
                             f"it is {t.state.value}")
    out = tuple(t for t in sorted(tasks, key=lambda t: t.role != TaskRole.LEAD)
                if t.state in allowed)
    if out:
        return out
    if step == "acknowledge" and tasks:
        raise Conflict(f"every department on incident {inc.id} has acknowledged it")
    states = ", ".join(f"{t.department} {t.state.value}" for t in tasks) or "none sent"
    raise InvalidCommand(f"no department of incident {inc.id} can {step} now ({states})")


def releasable(inc: Incident, department: str) -> DepartmentTask:
    """An assisting department the dispatcher may release: on the incident, not done."""
    t = task(tasks_of(inc), department)
    if t is None:
        raise InvalidCommand(f"department {department} is not on incident {inc.id}")
    if t.role == TaskRole.LEAD:
        raise InvalidCommand(f"department {department} leads incident {inc.id}; the lead "
                             "department cannot be released (return the incident instead)")
    if t.is_done:
        raise Conflict(f"department {department} has already {t.state.value} "
                       f"on incident {inc.id}")
    return t


# The clock that runs for a department in each of its states: (stage, due field).
_TASK_CLOCKS: dict[TaskState, tuple[str, str]] = {
    T.DISPATCHED: ("acknowledge", "ack_due"),
    T.ACKNOWLEDGED: ("handle", "handle_due"),
    T.HANDLING: ("handle", "handle_due"),
}


def task_clock(t: DepartmentTask) -> tuple[str, float, float] | None:
    """(stage, started, due) of the clock running for the department; None when none runs."""
    rule = _TASK_CLOCKS.get(t.state)
    if rule is None:
        return None
    due = getattr(t, rule[1])
    return None if due is None else (rule[0], t.dispatched_at, due)


def is_joint(inc: Incident) -> bool:
    """More than one department on the incident (each then has its own clock flags)."""
    return len(tasks_of(inc)) > 1
