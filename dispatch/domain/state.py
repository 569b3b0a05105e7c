"""The dispatch state: what the projection builds from events.

Records are slotted dataclasses whose fields are all immutable values (tuples, not lists), so a
shallow copy of each record is a full copy of the state: :meth:`DispatchState.copy` is cheap and
snapshots cannot alias the live state.

Each record type has one :class:`~dispatch.domain.codec.RecordCodec` (:data:`RECORD_CODECS`),
derived from its fields: every encoding of a record (the feed's JSON bodies, snapshot rows,
copies) goes through it, so a new field reaches all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from dispatch.domain.codec import RecordCodec
from dispatch.domain.media import Media
from dispatch.domain.status import (
    EscalationLevel,
    IncidentStatus,
    TaskRole,
    TaskState,
    UnitStatus,
)


@dataclass(slots=True)
class Note:
    ts: float
    operator: str
    text: str


@dataclass(frozen=True, slots=True)
class DepartmentTask:
    """One department's share of a dispatched incident (:mod:`dispatch.domain.joint`): its
    role, where it stands and its own clock (deadlines and the server's flags)."""

    department: str
    role: TaskRole
    state: TaskState
    dispatched_at: float
    ack_due: float | None = None
    handle_due: float | None = None
    acknowledged_at: float | None = None
    responded_at: float | None = None
    released_at: float | None = None
    # Clock flags raised by the server for this department: (stage, state) pairs.
    clock: tuple[tuple[str, str], ...] = ()

    @property
    def is_done(self) -> bool:
        return self.state.is_done


@dataclass(frozen=True, slots=True)
class Summons:
    """A department summoned by a whistle (吹哨报到, :mod:`dispatch.domain.whistle`): when,
    by when it must report on site, and when it did (and who reported it)."""

    department: str
    summoned_at: float
    due: float
    arrived_at: float | None = None
    arrived_by: str = ""
    overdue: bool = False  # the server's clock flagged it: due passed, not on site


@dataclass(slots=True)
class Incident:
    id: str
    source: str
    class_code: str
    priority: str
    lon: float
    lat: float
    grid: str
    description: str
    reporter: str
    reported_at: float
    dispatch_due: float
    status: IncidentStatus = IncidentStatus.REPORTED
    version: int = 0  # sequence number of the last event that changed it
    external_ref: str = ""
    part_id: str = ""
    level: EscalationLevel = EscalationLevel.GRID
    lead_department: str = ""
    assist_departments: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    supervised: bool = False
    extension_minutes: int = 0  # pending request, 0 when none
    extensions_granted: int = 0
    parked_from: IncidentStatus | None = None
    parked_at: float | None = None
    registered_at: float | None = None
    dispatched_at: float | None = None
    acknowledged_at: float | None = None
    responded_at: float | None = None
    verified_at: float | None = None
    closed_at: float | None = None
    ack_due: float | None = None
    handle_due: float | None = None
    verify_due: float | None = None
    close_reason: str = ""
    duplicate_of: str = ""
    duplicates: tuple[str, ...] = ()
    rework_count: int = 0
    returns: int = 0
    escalations: int = 0
    evaluation: int | None = None
    # Clock flags raised by the server: (stage, state) pairs, e.g. ("handle", "overdue").
    clock: tuple[tuple[str, str], ...] = ()
    notes: tuple[Note, ...] = ()
    # One entry per department sent (lead first, then assisting ones in the order they
    # joined); empty before dispatch. See dispatch.domain.joint.
    tasks: tuple[DepartmentTask, ...] = ()
    media: tuple[Media, ...] = ()  # photos, in the order they were attached
    # The citizen's loop (dispatch.domain.citizen_loop): the call-back (回访) due after
    # closure, its result once made, repeat calls (催办) and reopenings (重办).
    callback_due: float | None = None
    callback_result: str = ""  # satisfied, basically_satisfied, unsatisfied; "" not yet
    called_back_at: float | None = None
    urges: int = 0
    last_urged_at: float | None = None
    urge_rules: tuple[str, ...] = ()  # the urge rules already applied (dispatch.domain.rules)
    reopen_count: int = 0
    # 吹哨报到 (dispatch.domain.whistle): the first whistle (when, who, at which level and for
    # which street or community region, why) and every department summoned with its arrival.
    whistled_at: float | None = None
    whistled_by: str = ""
    whistle_level: str = ""  # street, community
    whistle_region: str = ""  # the street's or community's code
    whistle_reason: str = ""
    summoned: tuple[Summons, ...] = ()
    # Who did it (the operator on the event), for the evaluation of posts
    # (dispatch.domain.evaluation_posts): the report, the registration, the latest dispatch,
    # the latest passed verification and the closure ("" not yet, or before these were kept).
    reported_by: str = ""
    registered_by: str = ""
    dispatched_by: str = ""
    verified_by: str = ""
    closed_by: str = ""
    # Every unit ever sent to the incident (work orders), in the order they were sent.
    sent_units: tuple[str, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    @property
    def departments(self) -> tuple[str, ...]:
        return ((self.lead_department,) if self.lead_department else ()) + self.assist_departments


@dataclass(slots=True)
class UnitState:
    id: str
    department: str
    unit_type: str
    name: str
    home_grid: str
    lon: float
    lat: float
    status: UnitStatus = UnitStatus.AVAILABLE
    status_since: float = 0.0
    incident_id: str = ""
    version: int = 0


CardLine = tuple[str, str, int]
"""A run card's line: (department code, unit type code, how many)."""


def card_key(class_code: str, priority: str = "") -> str:
    """``"0304"`` for a class's run card, ``"0304/urgent"`` for its card at one priority."""
    return f"{class_code}/{priority}" if priority else class_code


@dataclass(frozen=True, slots=True)
class RunCard:
    """A response plan (see :mod:`dispatch.domain.runcards`)."""

    class_code: str  # a minor class code, e.g. "0304"
    priority: str = ""  # "" = any priority
    lines: tuple[CardLine, ...] = ()

    @property
    def key(self) -> str:
        return card_key(self.class_code, self.priority)

    @property
    def departments(self) -> tuple[str, ...]:
        """The card's departments in its order, each once."""
        return tuple(dict.fromkeys(d for d, _t, _n in self.lines))


@dataclass(frozen=True, slots=True)
class Hazard:
    """A hazard note on a place (see :mod:`dispatch.domain.hazards`): a point with a radius
    (``radius_m`` > 0; ``grid`` is the grid the point lies in) or a whole grid (``radius_m``
    0; ``lon``/``lat`` are the grid's centre, for showing it)."""

    id: str
    kind: str  # chemical_plant, gas_station, care_home… (dispatch.domain.hazards.KINDS)
    name: str
    text: str
    grid: str
    lon: float
    lat: float
    radius_m: float = 0.0

    @property
    def is_point(self) -> bool:
        return self.radius_m > 0


@dataclass(slots=True)
class DispatchState:
    incidents: dict[str, Incident] = field(default_factory=dict)
    units: dict[str, UnitState] = field(default_factory=dict)
    seq: int = 0  # last applied sequence number
    ts: float = 0.0  # time of the last applied event
    incident_counter: int = 0
    archived: int = 0  # finished incidents moved out of the live state
    # Callers' phone numbers by incident id (dispatch.domain.contacts): never on the feed, so
    # a console's mirror has none and is compared without them.
    contacts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # Run cards by :func:`card_key`; frozen records, so a shallow copy of the dict is a copy.
    run_cards: dict[str, RunCard] = field(default_factory=dict)
    # Hazards at places by id (frozen records, like the run cards).
    hazards: dict[str, Hazard] = field(default_factory=dict)
    # Ids changed since the owner last took them (see :meth:`take_changes`); not state proper.
    changed_incidents: set[str] = field(default_factory=set, compare=False, repr=False)
    changed_units: set[str] = field(default_factory=set, compare=False, repr=False)

    def take_changes(self) -> tuple[set[str], set[str]]:
        """The incident and unit ids changed since the last call, and forget them."""
        out = (self.changed_incidents, self.changed_units)
        self.changed_incidents, self.changed_units = set(), set()
        return out

    def scalars(self) -> dict[str, Any]:
        """The state's own values besides its records (:data:`STATE_SCALARS`) by name."""
        return {name: getattr(self, name) for name in STATE_SCALARS}

    def with_records(self, incidents: dict[str, Incident], units: dict[str, UnitState]
                     ) -> DispatchState:
        """A state holding these record dicts, at this state's sequence, time and counters
        (and copies of its callers' contacts, run cards and hazards)."""
        return DispatchState(incidents=incidents, units=units, contacts=dict(self.contacts),
                             run_cards=dict(self.run_cards), hazards=dict(self.hazards),
                             **self.scalars())

    def __getstate__(self) -> dict[str, object]:
        return {"incidents": self.incidents, "units": self.units, "contacts": self.contacts,
                "run_cards": self.run_cards, "hazards": self.hazards,
                **self.scalars()}

    def __setstate__(self, d: dict[str, object]) -> None:
        object.__setattr__(self, "contacts", {})
        object.__setattr__(self, "run_cards", {})
        object.__setattr__(self, "hazards", {})
        for k, v in d.items():
            object.__setattr__(self, k, v)
        self.changed_incidents, self.changed_units = set(), set()

    def copy(self) -> DispatchState:
        clone_incident, clone_unit = INCIDENT_CODEC.clone, UNIT_CODEC.clone
        return self.with_records({k: clone_incident(v) for k, v in self.incidents.items()},
                                 {k: clone_unit(v) for k, v in self.units.items()})

    def open_incidents(self) -> list[Incident]:
        return [i for i in self.incidents.values() if i.status.is_open]


STATE_SCALARS: tuple[str, ...] = tuple(
    f.name for f in fields(DispatchState)
    if f.compare and f.name not in ("incidents", "units", "run_cards", "hazards"))
"""The fields of :class:`DispatchState` other than its records, its run cards, its hazards and
its change sets."""

NOTE_CODEC = RecordCodec(Note)
TASK_CODEC = RecordCodec(DepartmentTask)
MEDIA_CODEC = RecordCodec(Media)
SUMMONS_CODEC = RecordCodec(Summons)
INCIDENT_CODEC = RecordCodec(Incident)
UNIT_CODEC = RecordCodec(UnitState)
RECORD_CODECS: dict[type[Any], RecordCodec[Any]] = {
    Note: NOTE_CODEC, DepartmentTask: TASK_CODEC, Media: MEDIA_CODEC, Summons: SUMMONS_CODEC,
    Incident: INCIDENT_CODEC,
    UnitState: UNIT_CODEC}
