"""The events of 吹哨报到 (:mod:`dispatch.domain.whistle`), apart from
:mod:`dispatch.domain.events` (which names them among its payloads) to keep each module short."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class IncidentWhistled:
    """A street or community blew the whistle (吹哨): ``departments`` (those not summoned
    before) must report on site by ``arrival_due``. ``joined`` are the ones not yet on the
    incident: they join its joint dispatch with the acknowledge and handling deadlines."""

    KIND: ClassVar[str] = "incident.whistled"
    incident_id: str
    departments: tuple[str, ...]
    reason: str
    level: str  # street, community
    region: str  # the street's or community's code
    arrival_due: float
    joined: tuple[str, ...] = ()
    ack_due: float | None = None
    handle_due: float | None = None


@dataclass(frozen=True, slots=True)
class DepartmentArrived:
    """A summoned department reported on site (报到)."""

    KIND: ClassVar[str] = "incident.arrived"
    incident_id: str
    department: str
    note: str = ""
