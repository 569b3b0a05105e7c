"""User-visible names of the domain's values, and time formatting.

Enum values are translated through Qt (context ``Labels``; English source strings, Chinese in
``resources/i18n``). Catalogue and city names come in both languages in the data itself and are
picked by the console's language (``"en"`` or ``"zh"``).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from dispatch.domain.catalogue.model import Catalogue, LimitUnit, Priority, TimeLimit
from dispatch.domain.city.model import City
from dispatch.domain.status import (
    CloseReason,
    EscalationLevel,
    IncidentStatus,
    Source,
    TaskRole,
    TaskState,
    UnitStatus,
)

_INCIDENT_STATUS = {
    IncidentStatus.REPORTED: QT_TRANSLATE_NOOP("Labels", "Reported"),
    IncidentStatus.REGISTERED: QT_TRANSLATE_NOOP("Labels", "Registered"),
    IncidentStatus.DISPATCHED: QT_TRANSLATE_NOOP("Labels", "Dispatched"),
    IncidentStatus.ACKNOWLEDGED: QT_TRANSLATE_NOOP("Labels", "Acknowledged"),
    IncidentStatus.HANDLING: QT_TRANSLATE_NOOP("Labels", "Handling"),
    IncidentStatus.RESPONDED: QT_TRANSLATE_NOOP("Labels", "Responded"),
    IncidentStatus.VERIFIED: QT_TRANSLATE_NOOP("Labels", "Verified"),
    IncidentStatus.PARKED: QT_TRANSLATE_NOOP("Labels", "Parked"),
    IncidentStatus.CLOSED: QT_TRANSLATE_NOOP("Labels", "Closed"),
    IncidentStatus.CANCELLED: QT_TRANSLATE_NOOP("Labels", "Cancelled"),
}

_TASK_STATE = {
    TaskState.DISPATCHED: QT_TRANSLATE_NOOP("Labels", "Dispatched"),
    TaskState.ACKNOWLEDGED: QT_TRANSLATE_NOOP("Labels", "Acknowledged"),
    TaskState.HANDLING: QT_TRANSLATE_NOOP("Labels", "Handling"),
    TaskState.RESPONDED: QT_TRANSLATE_NOOP("Labels", "Responded"),
    TaskState.RELEASED: QT_TRANSLATE_NOOP("Labels", "Released"),
}

_TASK_ROLE = {
    TaskRole.LEAD: QT_TRANSLATE_NOOP("Labels", "Lead"),
    TaskRole.ASSIST: QT_TRANSLATE_NOOP("Labels", "Assisting"),
}

_UNIT_STATUS = {
    UnitStatus.AVAILABLE: QT_TRANSLATE_NOOP("Labels", "Available"),
    UnitStatus.DISPATCHED: QT_TRANSLATE_NOOP("Labels", "Dispatched"),
    UnitStatus.EN_ROUTE: QT_TRANSLATE_NOOP("Labels", "En route"),
    UnitStatus.ON_SCENE: QT_TRANSLATE_NOOP("Labels", "On scene"),
    UnitStatus.BUSY: QT_TRANSLATE_NOOP("Labels", "Busy"),
    UnitStatus.RETURNING: QT_TRANSLATE_NOOP("Labels", "Returning"),
    UnitStatus.OFF_DUTY: QT_TRANSLATE_NOOP("Labels", "Off duty"),
    UnitStatus.OUT_OF_SERVICE: QT_TRANSLATE_NOOP("Labels", "Out of service"),
}

_PRIORITY = {
    Priority.URGENT.value: QT_TRANSLATE_NOOP("Labels", "Urgent"),
    Priority.HIGH.value: QT_TRANSLATE_NOOP("Labels", "High"),
    Priority.NORMAL.value: QT_TRANSLATE_NOOP("Labels", "Normal"),
    Priority.LOW.value: QT_TRANSLATE_NOOP("Labels", "Low"),
}

_SOURCE = {
    Source.GRID_WORKER.value: QT_TRANSLATE_NOOP("Labels", "Grid worker"),
    Source.HOTLINE.value: QT_TRANSLATE_NOOP("Labels", "12345 hotline"),
    Source.CITIZEN_APP.value: QT_TRANSLATE_NOOP("Labels", "Citizen app"),
    Source.SENSOR.value: QT_TRANSLATE_NOOP("Labels", "IoT sensor"),
    Source.VIDEO.value: QT_TRANSLATE_NOOP("Labels", "Video analytics"),
    Source.HIGHER_LEVEL.value: QT_TRANSLATE_NOOP("Labels", "Higher level"),
    Source.DISPATCHER.value: QT_TRANSLATE_NOOP("Labels", "Dispatcher"),
}

_LEVEL = {
    EscalationLevel.GRID: QT_TRANSLATE_NOOP("Labels", "Grid"),
    EscalationLevel.COMMUNITY: QT_TRANSLATE_NOOP("Labels", "Community"),
    EscalationLevel.STREET: QT_TRANSLATE_NOOP("Labels", "Street"),
    EscalationLevel.DISTRICT: QT_TRANSLATE_NOOP("Labels", "District"),
    EscalationLevel.CITY: QT_TRANSLATE_NOOP("Labels", "City"),
}

_CLOSE_REASON = {
    CloseReason.FIXED.value: QT_TRANSLATE_NOOP("Labels", "Fixed"),
    CloseReason.DUPLICATE.value: QT_TRANSLATE_NOOP("Labels", "Duplicate"),
    CloseReason.NOT_RESPONSIBLE.value: QT_TRANSLATE_NOOP("Labels", "Not our responsibility"),
    CloseReason.UNABLE_TO_FIX.value: QT_TRANSLATE_NOOP("Labels", "Unable to fix"),
    "cancelled": QT_TRANSLATE_NOOP("Labels", "Cancelled"),
    "handed_back": QT_TRANSLATE_NOOP("Labels", "Handed back"),  # to 12345/110 (hand_back)
}

_ROLE = {
    "dispatcher": QT_TRANSLATE_NOOP("Roles", "Dispatcher"),
    "shift_lead": QT_TRANSLATE_NOOP("Roles", "Shift lead"),
    "wall": QT_TRANSLATE_NOOP("Roles", "Wall screen"),
    "field_gateway": QT_TRANSLATE_NOOP("Roles", "Field gateway"),
    "admin": QT_TRANSLATE_NOOP("Roles", "Administrator"),
    "system": QT_TRANSLATE_NOOP("Roles", "System"),
}

_STAGE = {
    "dispatch": QT_TRANSLATE_NOOP("Labels", "Dispatch"),
    "acknowledge": QT_TRANSLATE_NOOP("Labels", "Acknowledge"),
    "handle": QT_TRANSLATE_NOOP("Labels", "Handle"),
    "verify": QT_TRANSLATE_NOOP("Labels", "Verify"),
    "callback": QT_TRANSLATE_NOOP("Labels", "Call-back"),
    "arrival": QT_TRANSLATE_NOOP("Labels", "Arrival (报到)"),
}

_CALLBACK_RESULT = {
    "satisfied": QT_TRANSLATE_NOOP("Labels", "Satisfied"),
    "basically_satisfied": QT_TRANSLATE_NOOP("Labels", "Basically satisfied"),
    "unsatisfied": QT_TRANSLATE_NOOP("Labels", "Unsatisfied"),
}


_LIMIT_UNIT = {
    LimitUnit.MINUTES: QT_TRANSLATE_NOOP("Labels", "%1 minutes"),
    LimitUnit.HOURS: QT_TRANSLATE_NOOP("Labels", "%1 hours"),
    LimitUnit.DAYS: QT_TRANSLATE_NOOP("Labels", "%1 days"),
    LimitUnit.WORKING_HOURS: QT_TRANSLATE_NOOP("Labels", "%1 working hours"),
    LimitUnit.WORKING_DAYS: QT_TRANSLATE_NOOP("Labels", "%1 working days"),
}


def _t(table: dict[object, str], key: object) -> str:
    text = table.get(key)
    return QCoreApplication.translate("Labels", text) if text is not None else str(key)


def incident_status(status: IncidentStatus | str) -> str:
    return _t(_INCIDENT_STATUS, IncidentStatus(status))  # type: ignore[arg-type]


def task_state(state: TaskState | str) -> str:
    """Where one department of a joint incident stands."""
    return _t(_TASK_STATE, TaskState(state))  # type: ignore[arg-type]


def task_role(role: TaskRole | str) -> str:
    return _t(_TASK_ROLE, TaskRole(role))  # type: ignore[arg-type]


def unit_status(status: UnitStatus | str) -> str:
    return _t(_UNIT_STATUS, UnitStatus(status))  # type: ignore[arg-type]


def priority(value: str) -> str:
    return _t(_PRIORITY, value)  # type: ignore[arg-type]


def source(value: str) -> str:
    return _t(_SOURCE, value)  # type: ignore[arg-type]


def level(value: EscalationLevel | int) -> str:
    return _t(_LEVEL, EscalationLevel(value))  # type: ignore[arg-type]


def callback_result(value: str) -> str:
    """A call-back's result (回访: satisfied, basically satisfied, unsatisfied)."""
    return _t(_CALLBACK_RESULT, value)  # type: ignore[arg-type]


def close_reason(value: str) -> str:
    return _t(_CLOSE_REASON, value)  # type: ignore[arg-type]


def role(value: str) -> str:
    """An operator's role (a value of :class:`dispatch.domain.roles.Role`; context ``Roles``:
    "Dispatcher" the role is not "Dispatcher" the source of a report)."""
    text = _ROLE.get(str(value))
    return QCoreApplication.translate("Roles", str(text)) if text is not None else str(value)


def stage(value: str) -> str:
    return _t(_STAGE, value)  # type: ignore[arg-type]


def time_limit(limit: TimeLimit) -> str:
    """``2 working days``, ``4 hours``…"""
    return _t(_LIMIT_UNIT, limit.unit).replace("%1", f"{limit.value:g}")  # type: ignore[arg-type]


# --------------------------------------------------------------------- catalogue and city


def department(catalogue: Catalogue, code: str, language: str) -> str:
    d = catalogue.departments.get(code)
    if d is None:
        return code
    return d.name_zh if language == "zh" else d.name_en


def unit_type(catalogue: Catalogue, code: str, language: str) -> str:
    t = catalogue.unit_types.get(code)
    if t is None:
        return code
    return t.name_zh if language == "zh" else t.name_en


def class_name(catalogue: Catalogue, code: str, language: str) -> str:
    """The most specific name of a class code (problem, minor or major)."""
    entry = (catalogue.problems.get(code) or catalogue.minors.get(code)
             or catalogue.majors.get(code))
    if entry is None:
        return code
    return entry.name_zh if language == "zh" else entry.name_en


def class_path(catalogue: Catalogue, code: str, language: str) -> str:
    """``major › minor › problem`` for a class code."""
    parts: list[str] = []
    problem = catalogue.problems.get(code)
    minor_code = problem.minor if problem is not None else code
    minor = catalogue.minors.get(minor_code)
    if minor is not None:
        parts.append(class_name(catalogue, minor.major, language))
        parts.append(class_name(catalogue, minor.code, language))
    if problem is not None:
        parts.append(class_name(catalogue, problem.code, language))
    return " › ".join(parts) if parts else code


def major_of(catalogue: Catalogue, code: str) -> str:
    """The major class code of a class code ("" if unknown)."""
    try:
        return catalogue.minor_of(code).major
    except KeyError:
        return ""


def region_name(city: City, code: str) -> str:
    r = city.regions.get(code)
    return r.name if r is not None else code


def grid_label(city: City, code: str) -> str:
    """``name · code`` of a grid (or any region)."""
    r = city.regions.get(code)
    return f"{r.name} · {code}" if r is not None else code


# ----------------------------------------------------------------------------------- time


def zone(catalogue: Catalogue) -> timezone:
    """The city's time zone (fixed offset from the working calendar, Asia/Shanghai)."""
    return timezone(timedelta(minutes=catalogue.calendar.utc_offset_minutes))


def local(ts: float, tz: timezone) -> datetime:
    return datetime.fromtimestamp(ts, UTC).astimezone(tz)


def clock_time(ts: float | None, tz: timezone, now: float | None = None) -> str:
    """``10:13`` today, ``11-16 10:13`` on another day; empty for None."""
    if ts is None:
        return ""
    t = local(ts, tz)
    today = local(time.time() if now is None else now, tz).date()
    return t.strftime("%H:%M") if t.date() == today else t.strftime("%m-%d %H:%M")


def full_time(ts: float | None, tz: timezone) -> str:
    return "" if ts is None else local(ts, tz).strftime("%Y-%m-%d %H:%M:%S")


def countdown(seconds: float) -> str:
    """Time left on a clock, negative when overdue: ``09:58`` under an hour (to the second),
    ``3h 05m`` under a day, ``2d 03h`` beyond (so a long clock's text changes once a minute)."""
    sign = "-" if seconds < 0 else ""
    s = int(abs(seconds))
    if s < 3600:
        return f"{sign}{s // 60:02d}:{s % 60:02d}"
    if s < 86400:
        return sign + QCoreApplication.translate("Labels", "%1h %2m").replace(
            "%1", str(s // 3600)).replace("%2", f"{s % 3600 // 60:02d}")
    return sign + QCoreApplication.translate("Labels", "%1d %2h").replace(
        "%1", str(s // 86400)).replace("%2", f"{s % 86400 // 3600:02d}")


def duration(seconds: float | None) -> str:
    """A mean or elapsed time in words-ish: ``45s``, ``12m``, ``3h 05m``, ``2d 4h``."""
    if seconds is None:
        return "—"
    s = int(max(0.0, seconds))
    if s < 60:
        return QCoreApplication.translate("Labels", "%1s").replace("%1", str(s))
    if s < 3600:
        return QCoreApplication.translate("Labels", "%1m").replace("%1", str(s // 60))
    if s < 86400:
        return QCoreApplication.translate("Labels", "%1h %2m").replace(
            "%1", str(s // 3600)).replace("%2", f"{s % 3600 // 60:02d}")
    return QCoreApplication.translate("Labels", "%1d %2h").replace(
        "%1", str(s // 86400)).replace("%2", f"{s % 86400 // 3600:02d}")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def distance(metres: float) -> str:
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"
