"""Which workflow actions an operator may take on an incident right now.

The workflow rules live in :mod:`dispatch.domain.handlers` only. Rather than restate them, this module
asks the handlers: for each action it builds a harmless probe command (placeholder reasons and
notes) and runs the handler on the incident, in a private state that holds nothing but the
incident. Handlers validate and return event payloads without touching the state, so a probe
never changes anything. An action is available when its probe raises no
:class:`~dispatch.domain.errors.DispatchError`: the operator's role, region, the incident's status,
its escalation level, a pending extension request, the supervision flag… all count, exactly as
the server will count them.

Checks that depend on the operator's later choices (which unit, which original for a duplicate)
are probed with valid stand-ins, so "assign" means "assign is possible" — the server still
checks the units chosen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from dispatch.domain import commands as cmd
from dispatch.domain import joint
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.errors import DispatchError
from dispatch.domain.handlers import HANDLERS, Context
from dispatch.domain.roles import Actor
from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.status import CloseReason, IncidentStatus, TaskRole

_PROBE_TEXT = "probe"
_PROBE_ORIGINAL = "\x00probe-original"

# Action keys in workflow order. Most are command names; a few commands give two actions.
ACTION_KEYS: tuple[str, ...] = (
    "register", "cancel", "assign", "release", "release_department", "acknowledge", "handle", "respond", "verify",
    "rework", "close", "close_fixed", "duplicate", "evaluate", "return", "request_extension",
    "approve_extension", "reject_extension", "park", "unpark", "supervise", "unsupervise",
    "escalate", "note", "callback", "urge", "whistle", "report_arrival",
)

# Closure reasons other than "fixed" and "duplicate" (those have their own actions).
_OTHER_CLOSE_REASONS = (CloseReason.NOT_RESPONSIBLE, CloseReason.UNABLE_TO_FIX)

Probe = Callable[[Incident, Catalogue], "cmd.Command | None"]


def _assign_probe(inc: Incident, catalogue: Catalogue) -> cmd.Command:
    # A department to add makes the probe valid for a reinforcement too (the handler wants at
    # least one unit or department); an existing code keeps the department check happy.
    dept = inc.lead_department or catalogue.lead_department_of(inc.class_code)
    return cmd.AssignUnits(inc.id, (), "", (dept,))


def _escalate_probe(inc: Incident, catalogue: Catalogue) -> cmd.Command | None:
    nxt = inc.level.next_up
    return None if nxt is None else cmd.Escalate(inc.id, nxt.name.lower(), _PROBE_TEXT)


def _release_probe(inc: Incident, catalogue: Catalogue) -> cmd.Command | None:
    return cmd.ReleaseUnit(inc.id, inc.units[0]) if inc.units else None


def _whistle_probe(inc: Incident, catalogue: Catalogue) -> cmd.Command | None:
    summoned = {s.department for s in inc.summoned}
    dept = next((d for d in sorted(catalogue.departments) if d not in summoned), None)
    return None if dept is None else cmd.Whistle(inc.id, (dept,), _PROBE_TEXT)


def _arrival_probe(inc: Incident, catalogue: Catalogue) -> cmd.Command | None:
    dept = next((s.department for s in inc.summoned if s.arrived_at is None), None)
    return None if dept is None else cmd.ReportArrival(inc.id, dept)


def _release_department_probe(inc: Incident, catalogue: Catalogue) -> cmd.Command | None:
    dept = next((t.department for t in joint.tasks_of(inc)
                 if t.role == TaskRole.ASSIST and not t.is_done), None)
    return None if dept is None else cmd.ReleaseDepartment(inc.id, dept, _PROBE_TEXT)


PROBES: dict[str, Probe] = {
    "register": lambda inc, c: cmd.RegisterIncident(inc.id),
    "cancel": lambda inc, c: cmd.CancelIncident(inc.id, _PROBE_TEXT),
    "assign": _assign_probe,
    "release": _release_probe,
    "release_department": _release_department_probe,
    "acknowledge": lambda inc, c: cmd.Acknowledge(inc.id),
    "handle": lambda inc, c: cmd.StartHandling(inc.id),
    "respond": lambda inc, c: cmd.Respond(inc.id, _PROBE_TEXT),
    "verify": lambda inc, c: cmd.Verify(inc.id, True),
    "rework": lambda inc, c: cmd.Rework(inc.id, _PROBE_TEXT),
    "close_fixed": lambda inc, c: cmd.CloseIncident(inc.id, CloseReason.FIXED.value),
    "duplicate": lambda inc, c: cmd.LinkDuplicate(inc.id, _PROBE_ORIGINAL),
    "evaluate": lambda inc, c: cmd.Evaluate(inc.id, 5),
    "return": lambda inc, c: cmd.ReturnIncident(inc.id, _PROBE_TEXT),
    "request_extension": lambda inc, c: cmd.RequestExtension(inc.id, 60, _PROBE_TEXT),
    "approve_extension": lambda inc, c: cmd.DecideExtension(inc.id, True),
    "reject_extension": lambda inc, c: cmd.DecideExtension(inc.id, False),
    "park": lambda inc, c: cmd.Park(inc.id, _PROBE_TEXT),
    "unpark": lambda inc, c: cmd.Unpark(inc.id),
    "supervise": lambda inc, c: cmd.Supervise(inc.id, True),
    "unsupervise": lambda inc, c: cmd.Supervise(inc.id, False),
    "escalate": _escalate_probe,
    "note": lambda inc, c: cmd.AddNote(inc.id, _PROBE_TEXT),
    "callback": lambda inc, c: cmd.Callback(inc.id, "satisfied"),
    "urge": lambda inc, c: cmd.Urge(inc.id),
    "whistle": _whistle_probe,
    "report_arrival": _arrival_probe,
}


def _close_probes(inc: Incident) -> list[cmd.Command]:
    return [cmd.CloseIncident(inc.id, r.value, _PROBE_TEXT) for r in _OTHER_CLOSE_REASONS]


def _probe_state(inc: Incident) -> DispatchState:
    # The incident (a copy, so nothing can reach the live one) and a stand-in original for the
    # duplicate probe: open, not itself a duplicate.
    mine = dataclasses.replace(inc)
    original = dataclasses.replace(inc, id=_PROBE_ORIGINAL, status=IncidentStatus.REGISTERED,
                                   duplicate_of="", duplicates=())
    return DispatchState(incidents={inc.id: mine, original.id: original}, seq=inc.version,
                         ts=inc.reported_at)


def _passes(ctx: Context, command: Any) -> bool:
    try:
        HANDLERS[type(command)](ctx, command)
    except DispatchError:
        return False
    return True


def available_actions(incident: Incident, actor: Actor, catalogue: Catalogue, city: City, *,
                      now: float | None = None) -> frozenset[str]:
    """The keys of :data:`ACTION_KEYS` the handlers would accept for ``incident`` from
    ``actor`` now. ``close`` is available when any closure reason is."""
    state = _probe_state(incident)
    ts = incident.reported_at if now is None else now
    ctx = Context(state, catalogue, city, lambda lon, lat: None, ts, actor)
    inc = state.incidents[incident.id]
    out: set[str] = set()
    for key, probe in PROBES.items():
        command = probe(inc, catalogue)
        if command is not None and _passes(ctx, command):
            out.add(key)
    if "close_fixed" in out or "duplicate" in out or any(
            _passes(ctx, c) for c in _close_probes(inc)):
        out.add("close")
    return frozenset(out)


def closure_refusals(incident: Incident, actor: Actor, catalogue: Catalogue, city: City, *,
                     now: float | None = None) -> dict[str, str]:
    """Each closure reason (value of :class:`CloseReason`, in order) → why the handlers would
    refuse it now ("" when they would accept it): a form says why an option is disabled."""
    state = _probe_state(incident)
    ts = incident.reported_at if now is None else now
    ctx = Context(state, catalogue, city, lambda lon, lat: None, ts, actor)
    inc = state.incidents[incident.id]
    out: dict[str, str] = {}
    for reason in CloseReason:
        probe = cmd.CloseIncident(inc.id, reason.value, _PROBE_TEXT,
                                  _PROBE_ORIGINAL if reason == CloseReason.DUPLICATE else "")
        try:
            HANDLERS[type(probe)](ctx, probe)
        except DispatchError as exc:
            out[reason.value] = exc.message
        else:
            out[reason.value] = ""
    return out


def closable_reasons(incident: Incident, actor: Actor, catalogue: Catalogue, city: City, *,
                     now: float | None = None) -> tuple[str, ...]:
    """The closure reasons (values of :class:`CloseReason`) the handlers would accept now."""
    refusals = closure_refusals(incident, actor, catalogue, city, now=now)
    return tuple(r for r, why in refusals.items() if not why)
