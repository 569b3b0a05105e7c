"""Open311 GeoReport v2 as Gridline maps it (pure rules; the HTTP side is
``dispatch/adapters/gateway/open311.py``).

GeoReport v2 knows two statuses, ``open`` and ``closed``; the workflow state goes into
``status_notes`` in words a citizen understands, with the closure reason when there is one.
A service code is a catalogue minor class code.
"""

from __future__ import annotations

from dispatch.domain.state import Incident
from dispatch.domain.status import IncidentStatus

S = IncidentStatus
OPEN311_STATUSES = ("open", "closed")

_NOTES: dict[IncidentStatus, str] = {
    S.REPORTED: "received, waiting to be registered",
    S.REGISTERED: "registered, waiting to be dispatched",
    S.DISPATCHED: "dispatched to the responsible department",
    S.ACKNOWLEDGED: "accepted by the responsible department",
    S.HANDLING: "being handled",
    S.RESPONDED: "handled, waiting for on-site verification",
    S.VERIFIED: "verified on site, about to be closed",
    S.PARKED: "on hold: it cannot be fixed within the time limit",
    S.CLOSED: "closed",
    S.CANCELLED: "cancelled",
}

_REASONS: dict[str, str] = {
    "fixed": "fixed",
    "duplicate": "duplicate of another request",
    "not_responsible": "not the city's responsibility",
    "unable_to_fix": "could not be fixed",
    "cancelled": "not a valid request",
    "handed_back": "handed back to the system it came from",
}


def open311_status(status: IncidentStatus) -> str:
    """``open`` or ``closed`` (a cancelled request is closed too)."""
    return "open" if status.is_open else "closed"


def status_notes(inc: Incident) -> str:
    """The detailed workflow state, e.g. ``"closed (fixed)"`` or ``"being handled"``."""
    note = _NOTES[inc.status]
    if not inc.status.is_open and inc.close_reason:
        reason = _REASONS.get(inc.close_reason, inc.close_reason.replace("_", " "))
        if reason != note:
            note = f"{note} ({reason})"
    if inc.duplicate_of:
        note += f"; see request {inc.duplicate_of}"
    return note


def statuses_matching(value: str) -> frozenset[IncidentStatus]:
    """The workflow statuses an Open311 ``status`` filter names (comma-separated, as the
    spec allows); ValueError for anything but ``open`` and ``closed``."""
    out: set[IncidentStatus] = set()
    for part in value.split(","):
        word = part.strip().lower()
        if word not in OPEN311_STATUSES:
            raise ValueError(f"status must be open or closed, got {part.strip()!r}")
        out |= {s for s in IncidentStatus if open311_status(s) == word}
    return frozenset(out)
