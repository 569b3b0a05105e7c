"""Colours of the workstation: statuses, priorities, clocks. One place, so the queue, the unit
board and the detail panel agree. Tints are translucent so they read on light and dark palettes.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from dispatch.domain.catalogue.model import Priority
from dispatch.domain.status import IncidentStatus, UnitStatus
from dispatch.domain.timelimits import ClockState

INCIDENT_STATUS_COLOURS: dict[IncidentStatus, str] = {
    IncidentStatus.REPORTED: "#be185d",
    IncidentStatus.REGISTERED: "#1d4ed8",
    IncidentStatus.DISPATCHED: "#c2410c",
    IncidentStatus.ACKNOWLEDGED: "#0e7490",
    IncidentStatus.HANDLING: "#6d28d9",
    IncidentStatus.RESPONDED: "#047857",
    IncidentStatus.VERIFIED: "#15803d",
    IncidentStatus.PARKED: "#57534e",
    IncidentStatus.CLOSED: "#6b7280",
    IncidentStatus.CANCELLED: "#9ca3af",
}

UNIT_STATUS_COLOURS: dict[UnitStatus, str] = {
    UnitStatus.AVAILABLE: "#15803d",
    UnitStatus.DISPATCHED: "#c2410c",
    UnitStatus.EN_ROUTE: "#1d4ed8",
    UnitStatus.ON_SCENE: "#b91c1c",
    UnitStatus.BUSY: "#9d174d",
    UnitStatus.RETURNING: "#0e7490",
    UnitStatus.OFF_DUTY: "#6b7280",
    UnitStatus.OUT_OF_SERVICE: "#374151",
}

PRIORITY_COLOURS: dict[str, str] = {
    Priority.URGENT.value: "#b91c1c",
    Priority.HIGH.value: "#c2410c",
    Priority.NORMAL.value: "#374151",
    Priority.LOW.value: "#6b7280",
}

CLOCK_COLOURS: dict[ClockState, str] = {
    ClockState.OK: "#15803d",
    ClockState.NEAR_DUE: "#b45309",
    ClockState.OVERDUE: "#b91c1c",
}

ERROR = "#b91c1c"
WARNING = "#b45309"
SUCCESS = "#15803d"
PENDING = "#6b7280"
MUTED = "#6b7280"

_TINTS: dict[str, QColor] = {}
_COLOURS: dict[str, QColor] = {}


def colour(hex_code: str) -> QColor:
    """A cached QColor for ``#rrggbb``."""
    c = _COLOURS.get(hex_code)
    if c is None:
        c = _COLOURS[hex_code] = QColor(hex_code)
    return c


def tint(hex_code: str, alpha: int = 38) -> QColor:
    """A translucent version of ``#rrggbb`` for cell backgrounds."""
    key = f"{hex_code}/{alpha}"
    c = _TINTS.get(key)
    if c is None:
        c = QColor(hex_code)
        c.setAlpha(alpha)
        _TINTS[key] = c
    return c


def chip_style(hex_code: str) -> str:
    """Style sheet of a small coloured label ("chip") showing a status."""
    return (f"QLabel {{ color: white; background: {hex_code}; border-radius: 3px; "
            "padding: 1px 6px; font-weight: 600; }")
