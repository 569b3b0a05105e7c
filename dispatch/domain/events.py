"""Events: immutable facts with a global sequence number.

An :class:`Event` is the envelope (sequence, time, operator, workstation, command id) around a
payload: one small frozen dataclass per kind. Payloads carry every decision the handler made
(deadlines included) so that replay never consults the catalogue or the clock again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from dispatch.domain.codec import RecordCodec
from dispatch.domain.whistle_events import DepartmentArrived, IncidentWhistled

# --------------------------------------------------------------------------------- incidents


@dataclass(frozen=True, slots=True)
class IncidentReported:
    KIND: ClassVar[str] = "incident.reported"
    incident_id: str
    source: str
    class_code: str
    priority: str
    lon: float
    lat: float
    grid: str
    description: str
    reporter: str
    dispatch_due: float
    external_ref: str = ""
    part_id: str = ""


@dataclass(frozen=True, slots=True)
class CallerContactRecorded:
    """The caller's phone number of a report. Kept apart from the incident record (which every
    feed subscriber of its region receives): see :mod:`dispatch.domain.contacts`."""

    KIND: ClassVar[str] = "incident.contact"
    incident_id: str
    phone: str


@dataclass(frozen=True, slots=True)
class IncidentRegistered:
    KIND: ClassVar[str] = "incident.registered"
    incident_id: str
    class_code: str
    priority: str
    dispatch_due: float


@dataclass(frozen=True, slots=True)
class IncidentCancelled:
    KIND: ClassVar[str] = "incident.cancelled"
    incident_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class IncidentDispatched:
    KIND: ClassVar[str] = "incident.dispatched"
    incident_id: str
    lead_department: str
    assist_departments: tuple[str, ...]
    units: tuple[str, ...]
    ack_due: float
    handle_due: float


@dataclass(frozen=True, slots=True)
class IncidentReinforced:
    """More departments or units joined an incident already being worked (joint dispatch)."""

    KIND: ClassVar[str] = "incident.reinforced"
    incident_id: str
    assist_departments: tuple[str, ...]
    units: tuple[str, ...]
    # The clocks of the departments that join (None in events of older versions: the
    # incident's own deadlines).
    ack_due: float | None = None
    handle_due: float | None = None


@dataclass(frozen=True, slots=True)
class IncidentUnitReleased:
    KIND: ClassVar[str] = "incident.unit_released"
    incident_id: str
    unit_id: str


@dataclass(frozen=True, slots=True)
class IncidentAcknowledged:
    """One department signed for the incident (签收)."""

    KIND: ClassVar[str] = "incident.acknowledged"
    incident_id: str
    department: str


@dataclass(frozen=True, slots=True)
class IncidentHandlingStarted:
    """One department started work ("" in events of older versions: every department that
    had acknowledged)."""

    KIND: ClassVar[str] = "incident.handling_started"
    incident_id: str
    department: str = ""


@dataclass(frozen=True, slots=True)
class IncidentResponded:
    """One department fed back (反馈); ``verify_due`` counts when this completes the incident.
    ``department`` "" (events of older versions): the whole incident responded."""

    KIND: ClassVar[str] = "incident.responded"
    incident_id: str
    result: str
    verify_due: float
    department: str = ""


@dataclass(frozen=True, slots=True)
class IncidentDepartmentReleased:
    """The dispatcher let an assisting department go; ``verify_due`` counts when this
    completes the incident (every other department done)."""

    KIND: ClassVar[str] = "incident.department_released"
    incident_id: str
    department: str
    reason: str
    verify_due: float


@dataclass(frozen=True, slots=True)
class IncidentVerified:
    KIND: ClassVar[str] = "incident.verified"
    incident_id: str
    passed: bool
    note: str


@dataclass(frozen=True, slots=True)
class IncidentReworked:
    KIND: ClassVar[str] = "incident.reworked"
    incident_id: str
    reason: str
    ack_due: float
    handle_due: float


@dataclass(frozen=True, slots=True)
class IncidentClosed:
    KIND: ClassVar[str] = "incident.closed"
    incident_id: str
    reason: str
    note: str
    duplicate_of: str = ""


@dataclass(frozen=True, slots=True)
class IncidentEvaluated:
    KIND: ClassVar[str] = "incident.evaluated"
    incident_id: str
    score: int
    comment: str


@dataclass(frozen=True, slots=True)
class IncidentReturned:
    KIND: ClassVar[str] = "incident.returned"
    incident_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ExtensionRequested:
    KIND: ClassVar[str] = "incident.extension_requested"
    incident_id: str
    minutes: int
    reason: str


@dataclass(frozen=True, slots=True)
class ExtensionDecided:
    KIND: ClassVar[str] = "incident.extension_decided"
    incident_id: str
    approved: bool
    handle_due: float
    note: str


@dataclass(frozen=True, slots=True)
class IncidentParked:
    KIND: ClassVar[str] = "incident.parked"
    incident_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class IncidentUnparked:
    KIND: ClassVar[str] = "incident.unparked"
    incident_id: str
    handle_due: float
    verify_due: float


@dataclass(frozen=True, slots=True)
class IncidentSupervised:
    KIND: ClassVar[str] = "incident.supervised"
    incident_id: str
    on: bool
    note: str


@dataclass(frozen=True, slots=True)
class IncidentEscalated:
    KIND: ClassVar[str] = "incident.escalated"
    incident_id: str
    level: int
    reason: str
    add_departments: tuple[str, ...] = ()
    # The level it left (None in events of older versions) and whether it skipped levels
    # (越级); the clocks of the added departments (None: the incident's own deadlines).
    from_level: int | None = None
    skipped: bool = False
    ack_due: float | None = None
    handle_due: float | None = None


@dataclass(frozen=True, slots=True)
class IncidentNoted:
    KIND: ClassVar[str] = "incident.noted"
    incident_id: str
    text: str


@dataclass(frozen=True, slots=True)
class IncidentClock:
    """The server clock saw a stage limit come near or pass (stage: dispatch, acknowledge,
    handle, verify; state: near_due, overdue)."""

    KIND: ClassVar[str] = "incident.clock"
    incident_id: str
    stage: str
    state: str
    department: str = ""  # a department's own clock on a joint incident; "" the incident's


@dataclass(frozen=True, slots=True)
class IncidentsArchived:
    """Finished incidents leave the live state (they stay in the event store for history)."""

    KIND: ClassVar[str] = "incidents.archived"
    incident_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IncidentMediaAttached:
    """A photo was attached to an incident (the file is stored outside the event log, by its
    SHA-256; :mod:`dispatch.domain.media`)."""

    KIND: ClassVar[str] = "incident.media_attached"
    incident_id: str
    media_id: str
    kind: str  # report, before, after
    sha256: str
    content_type: str
    size: int
    width: int
    height: int
    taken_at: float | None = None
    lon: float | None = None
    lat: float | None = None


@dataclass(frozen=True, slots=True)
class IncidentHandedBack:
    """An incident taken over from another system (12345, 110) was handed back to it (退回):
    it is not Gridline's to handle; it ends as cancelled with the reason."""

    KIND: ClassVar[str] = "incident.handed_back"
    incident_id: str
    reason: str


# ------------------------------------------------------------------ the citizen's loop


@dataclass(frozen=True, slots=True)
class CallbackDue:
    """A closed citizen's case (hotline, citizen app) waits for its call-back (回访) by
    ``due`` (the centre's deadline profile)."""

    KIND: ClassVar[str] = "incident.callback_due"
    incident_id: str
    due: float


@dataclass(frozen=True, slots=True)
class IncidentCalledBack:
    """The citizen was called back: satisfied, basically_satisfied or unsatisfied."""

    KIND: ClassVar[str] = "incident.called_back"
    incident_id: str
    result: str
    note: str


@dataclass(frozen=True, slots=True)
class IncidentReopened:
    """An unsatisfied call-back reopened the case (重办): back to ``status`` (dispatched to
    its departments, or registered when none was sent) with new deadlines."""

    KIND: ClassVar[str] = "incident.reopened"
    incident_id: str
    reason: str
    status: str
    dispatch_due: float | None = None
    ack_due: float | None = None
    handle_due: float | None = None


@dataclass(frozen=True, slots=True)
class IncidentUrged:
    """The citizen called again about the open case (催办)."""

    KIND: ClassVar[str] = "incident.urged"
    incident_id: str
    note: str


@dataclass(frozen=True, slots=True)
class IncidentPriorityRaised:
    """An urge rule raised the priority one step (deadlines already set stay)."""

    KIND: ClassVar[str] = "incident.priority_raised"
    incident_id: str
    priority: str
    from_priority: str
    rule: str
    reason: str


# ------------------------------------------------------------------------------------- units


@dataclass(frozen=True, slots=True)
class UnitRegistered:
    KIND: ClassVar[str] = "unit.registered"
    unit_id: str
    department: str
    unit_type: str
    name: str
    home_grid: str
    lon: float
    lat: float
    status: str = "available"


@dataclass(frozen=True, slots=True)
class UnitStatusChanged:
    KIND: ClassVar[str] = "unit.status_changed"
    unit_id: str
    status: str


@dataclass(frozen=True, slots=True)
class UnitsMoved:
    """AVL position reports: rows of (unit_id, lon, lat)."""

    KIND: ClassVar[str] = "units.moved"
    rows: tuple[tuple[str, float, float], ...]


# ------------------------------------------------------------------------------- run cards


@dataclass(frozen=True, slots=True)
class RunCardSet:
    KIND: ClassVar[str] = "run_card.set"
    class_code: str
    priority: str
    lines: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True, slots=True)
class RunCardRemoved:
    KIND: ClassVar[str] = "run_card.removed"
    class_code: str
    priority: str


# --------------------------------------------------------------------------------- hazards


@dataclass(frozen=True, slots=True)
class HazardSet:
    KIND: ClassVar[str] = "hazard.set"
    hazard_id: str
    kind: str
    name: str
    text: str
    grid: str
    lon: float
    lat: float
    radius_m: float  # 0: the whole grid


@dataclass(frozen=True, slots=True)
class HazardRemoved:
    KIND: ClassVar[str] = "hazard.removed"
    hazard_id: str


Payload = (IncidentReported | IncidentRegistered | IncidentCancelled | IncidentDispatched
           | IncidentReinforced | IncidentUnitReleased | IncidentAcknowledged
           | IncidentDepartmentReleased
           | IncidentHandlingStarted | IncidentResponded | IncidentVerified | IncidentReworked
           | IncidentClosed | IncidentEvaluated | IncidentReturned | ExtensionRequested
           | ExtensionDecided | IncidentParked | IncidentUnparked | IncidentSupervised
           | IncidentEscalated | IncidentNoted | IncidentClock | IncidentsArchived | UnitRegistered
           | UnitStatusChanged | UnitsMoved | CallerContactRecorded | RunCardSet
           | RunCardRemoved | IncidentMediaAttached | IncidentHandedBack | HazardSet
           | HazardRemoved | CallbackDue | IncidentCalledBack | IncidentReopened | IncidentUrged
           | IncidentPriorityRaised | IncidentWhistled | DepartmentArrived)

PAYLOAD_TYPES: dict[str, type[Any]] = {
    cls.KIND: cls for cls in Payload.__args__
}
PAYLOAD_CODECS: dict[type[Any], RecordCodec[Any]] = {
    cls: RecordCodec(cls, strict=True) for cls in PAYLOAD_TYPES.values()
}
"""One codec per payload type, derived from its fields (JSON: tuples as arrays)."""


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    ts: float  # epoch seconds, UTC
    operator: str
    workstation: str
    payload: Payload
    command_id: str = ""

    @property
    def kind(self) -> str:
        return self.payload.KIND

    @property
    def incident_id(self) -> str | None:
        return getattr(self.payload, "incident_id", None)


def payload_to_dict(payload: Payload) -> dict[str, Any]:
    return PAYLOAD_CODECS[type(payload)].to_dict(payload)


def payload_to_json(payload: Payload) -> str:
    return PAYLOAD_CODECS[type(payload)].to_json(payload).decode()


def payload_from_dict(kind: str, data: dict[str, Any]) -> Payload:
    """Rebuild a payload; ValueError names the kind and the problem."""
    cls = PAYLOAD_TYPES.get(kind)
    if cls is None:
        raise ValueError(f"unknown event kind {kind!r}")
    try:
        return PAYLOAD_CODECS[cls].from_dict(data)
    except TypeError as exc:
        raise ValueError(f"bad {kind} payload: {exc}") from None


def event_to_dict(event: Event) -> dict[str, Any]:
    return {"seq": event.seq, "ts": event.ts, "kind": event.kind, "operator": event.operator,
            "workstation": event.workstation, "command_id": event.command_id,
            "data": payload_to_dict(event.payload)}


def event_from_dict(d: dict[str, Any]) -> Event:
    return Event(seq=int(d["seq"]), ts=float(d["ts"]), operator=d["operator"],
                 workstation=d["workstation"], command_id=d.get("command_id") or "",
                 payload=payload_from_dict(d["kind"], dict(d["data"])))
