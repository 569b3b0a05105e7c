"""Commands: what an operator, a field device or the server clock asks the core to do.

Each is a small frozen dataclass; :mod:`dispatch.domain.handlers` maps each type to the function that
validates it against the state and turns it into events. ``COMMAND_TYPES`` names them for the
wire (``{"type": "assign", ...}``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

MediaRow = tuple[str, str, str, str, int, int, int, float | None, float | None, float | None]
"""A photo reference in one list: ``[kind, media_id, sha256, content_type, size, width, height,
taken_at, lon, lat]`` (the fields of :class:`AttachMedia`)."""


@dataclass(frozen=True, slots=True)
class ReportIncident:
    NAME: ClassVar[str] = "report"
    source: str
    class_code: str
    lon: float
    lat: float
    description: str
    reporter: str = ""
    priority: str = ""  # "" = the catalogue's
    external_ref: str = ""
    part_id: str = ""
    phone: str = ""  # the caller's number: kept apart from the incident (dispatch.domain.contacts)
    media: tuple[MediaRow, ...] = ()  # photos stored for the report, attached with it (all or none)


@dataclass(frozen=True, slots=True)
class RegisterIncident:
    NAME: ClassVar[str] = "register"
    incident_id: str
    class_code: str = ""  # "" = keep
    priority: str = ""


@dataclass(frozen=True, slots=True)
class CancelIncident:
    NAME: ClassVar[str] = "cancel"
    incident_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class AssignUnits:
    """Dispatch (first time) or reinforce (already dispatched) with units and departments."""

    NAME: ClassVar[str] = "assign"
    incident_id: str
    units: tuple[str, ...] = ()
    lead_department: str = ""  # "" = the class's default
    assist_departments: tuple[str, ...] = ()
    # True: the assisting departments are exactly ``assist_departments`` (empty = none) and
    # every unit must belong to a department on the incident. False (clients before the
    # flag): an empty list on a first dispatch means the class's default assisting departments.
    exact_departments: bool = False


@dataclass(frozen=True, slots=True)
class ReleaseUnit:
    NAME: ClassVar[str] = "release"
    incident_id: str
    unit_id: str


@dataclass(frozen=True, slots=True)
class Acknowledge:
    NAME: ClassVar[str] = "acknowledge"
    incident_id: str
    department: str = ""  # "" = the lead if it may, else the first department that may


@dataclass(frozen=True, slots=True)
class StartHandling:
    NAME: ClassVar[str] = "handle"
    incident_id: str
    department: str = ""  # "" = the lead if it may, else the first department that may


@dataclass(frozen=True, slots=True)
class ReleaseDepartment:
    """Let an assisting department of a joint incident go (it need not respond)."""

    NAME: ClassVar[str] = "release_department"
    incident_id: str
    department: str
    reason: str


@dataclass(frozen=True, slots=True)
class Respond:
    NAME: ClassVar[str] = "respond"
    incident_id: str
    result: str
    department: str = ""  # "" = the lead if it may, else the first department that may


@dataclass(frozen=True, slots=True)
class Verify:
    NAME: ClassVar[str] = "verify"
    incident_id: str
    passed: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class Rework:
    NAME: ClassVar[str] = "rework"
    incident_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class CloseIncident:
    NAME: ClassVar[str] = "close"
    incident_id: str
    reason: str
    note: str = ""
    duplicate_of: str = ""


@dataclass(frozen=True, slots=True)
class LinkDuplicate:
    NAME: ClassVar[str] = "duplicate"
    incident_id: str
    duplicate_of: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Evaluate:
    NAME: ClassVar[str] = "evaluate"
    incident_id: str
    score: int
    comment: str = ""


@dataclass(frozen=True, slots=True)
class ReturnIncident:
    NAME: ClassVar[str] = "return"
    incident_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class RequestExtension:
    NAME: ClassVar[str] = "request_extension"
    incident_id: str
    minutes: int
    reason: str


@dataclass(frozen=True, slots=True)
class DecideExtension:
    NAME: ClassVar[str] = "decide_extension"
    incident_id: str
    approved: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class Park:
    NAME: ClassVar[str] = "park"
    incident_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Unpark:
    NAME: ClassVar[str] = "unpark"
    incident_id: str


@dataclass(frozen=True, slots=True)
class Supervise:
    NAME: ClassVar[str] = "supervise"
    incident_id: str
    on: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class Escalate:
    NAME: ClassVar[str] = "escalate"
    incident_id: str
    level: str  # community, street, district, city: one above the current (越级: further up,
    # shift lead or admin, urgent or high priority)
    reason: str
    add_departments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AddNote:
    NAME: ClassVar[str] = "note"
    incident_id: str
    text: str


@dataclass(frozen=True, slots=True)
class RaiseClock:
    NAME: ClassVar[str] = "clock"
    incident_id: str
    stage: str
    state: str
    department: str = ""


@dataclass(frozen=True, slots=True)
class ArchiveFinished:
    """Move incidents closed or cancelled before ``before`` out of the live state."""

    NAME: ClassVar[str] = "archive"
    before: float
    limit: int = 5000


@dataclass(frozen=True, slots=True)
class RegisterUnit:
    NAME: ClassVar[str] = "register_unit"
    unit_id: str
    department: str
    unit_type: str
    name: str
    home_grid: str
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class SetUnitStatus:
    NAME: ClassVar[str] = "unit_status"
    unit_id: str
    status: str


@dataclass(frozen=True, slots=True)
class ReportPositions:
    NAME: ClassVar[str] = "positions"
    rows: tuple[tuple[str, float, float], ...]


@dataclass(frozen=True, slots=True)
class SetRunCard:
    """Set the run card (response plan) of an event class, optionally for one priority."""

    NAME: ClassVar[str] = "set_run_card"
    class_code: str  # minor class, 4 digits
    lines: tuple[tuple[str, str, int], ...]  # (department, unit type, count)
    priority: str = ""  # "" = any priority


@dataclass(frozen=True, slots=True)
class RemoveRunCard:
    NAME: ClassVar[str] = "remove_run_card"
    class_code: str
    priority: str = ""


@dataclass(frozen=True, slots=True)
class SetHazard:
    """Set (add or replace) a hazard note on a place: a point with a radius in metres, or a
    grid (``grid`` given, no point). See :mod:`dispatch.domain.hazards`."""

    NAME: ClassVar[str] = "set_hazard"
    hazard_id: str
    kind: str
    name: str
    text: str = ""
    lon: float | None = None
    lat: float | None = None
    radius_m: float | None = None
    grid: str = ""


@dataclass(frozen=True, slots=True)
class RemoveHazard:
    NAME: ClassVar[str] = "remove_hazard"
    hazard_id: str


@dataclass(frozen=True, slots=True)
class AttachMedia:
    """Attach a stored photo to an incident (the gateway stored it; docs/GATEWAY.md)."""

    NAME: ClassVar[str] = "attach_media"
    incident_id: str
    media_id: str
    kind: str  # report, before, after (dispatch.domain.media.MediaKind)
    sha256: str
    content_type: str
    size: int
    width: int
    height: int
    taken_at: float | None = None
    lon: float | None = None
    lat: float | None = None


@dataclass(frozen=True, slots=True)
class FieldStep:
    """A field step and the photos stored for it, all applied or none
    (:mod:`dispatch.domain.field_steps`): ``step`` is ``acknowledge``, ``handle``, ``arrive``
    (``unit_id`` on scene), ``respond`` (``result``) or ``verify`` (``passed``, ``note``)."""

    NAME: ClassVar[str] = "field_step"
    step: str
    incident_id: str
    media: tuple[MediaRow, ...] = ()
    department: str = ""
    result: str = ""
    passed: bool = False
    note: str = ""
    unit_id: str = ""


@dataclass(frozen=True, slots=True)
class HandBack:
    """Hand an incident taken over from another system (it has an ``external_ref``) back to
    that system (退回), before it was dispatched."""

    NAME: ClassVar[str] = "hand_back"
    incident_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class Callback:
    """Record the call-back (回访) of a closed citizen's case; ``unsatisfied`` with
    ``reopen`` and a ``reason`` reopens it (重办)."""

    NAME: ClassVar[str] = "callback"
    incident_id: str
    result: str  # satisfied, basically_satisfied, unsatisfied
    note: str = ""
    reopen: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Urge:
    """The citizen called again about an open case (催办)."""

    NAME: ClassVar[str] = "urge"
    incident_id: str
    note: str = ""
    phone: str = ""  # the caller's number, kept when the case has none yet


@dataclass(frozen=True, slots=True)
class RaisePriority:
    """The server's urge rule raises an incident's priority one step (system only)."""

    NAME: ClassVar[str] = "raise_priority"
    incident_id: str
    rule: str
    reason: str


@dataclass(frozen=True, slots=True)
class Whistle:
    """A street or community blows the whistle (吹哨) on an incident: the named departments
    must report on site (报到) within the deadline profile's arrival limit and stay until the
    job is done (they join the incident's joint dispatch)."""

    NAME: ClassVar[str] = "whistle"
    incident_id: str
    departments: tuple[str, ...]
    reason: str


@dataclass(frozen=True, slots=True)
class ReportArrival:
    """A summoned department reports on site (报到)."""

    NAME: ClassVar[str] = "report_arrival"
    incident_id: str
    department: str
    note: str = ""


Command = (ReportIncident | RegisterIncident | CancelIncident | AssignUnits | ReleaseUnit
           | ReleaseDepartment | Acknowledge | StartHandling | Respond | Verify | Rework | CloseIncident
           | LinkDuplicate | Evaluate | ReturnIncident | RequestExtension | DecideExtension
           | Park | Unpark | Supervise | Escalate | AddNote | RaiseClock | ArchiveFinished
           | RegisterUnit
           | SetUnitStatus | ReportPositions | SetRunCard | RemoveRunCard | AttachMedia
           | FieldStep | HandBack | SetHazard | RemoveHazard | Callback | Urge | RaisePriority
           | Whistle | ReportArrival)

COMMAND_TYPES: dict[str, type[Any]] = {
    cls.NAME: cls for cls in Command.__args__
}
