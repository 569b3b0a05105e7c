"""Catalogue data types: departments, unit types, event classes, part types, time limits.

The data lives in ``resources/catalogue/*.json`` and is validated by
:mod:`dispatch.adapters.catalogue_loader`; these frozen dataclasses are what the rest of the core uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Priority(StrEnum):
    """Incident priority; the register+dispatch limit depends on it."""

    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class LimitUnit(StrEnum):
    """How a time limit is counted: wall-clock, or on the working calendar."""

    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


@dataclass(frozen=True, slots=True)
class TimeLimit:
    value: float
    unit: LimitUnit


@dataclass(frozen=True, slots=True)
class Department:
    code: str  # e.g. "police", "city_mgmt"
    name_zh: str
    name_en: str
    colour: str = ""  # "#rrggbb": its units on the map; "" gives it one of the spare colours


@dataclass(frozen=True, slots=True)
class UnitType:
    code: str  # e.g. "patrol_car"
    department: str  # Department.code
    name_zh: str
    name_en: str
    capabilities: tuple[str, ...]
    # Relative share of this type in a generated city's fleet (not a count).
    fleet_weight: float = 1.0


@dataclass(frozen=True, slots=True)
class MajorClass:
    code: str  # two digits, e.g. "01"
    name_zh: str
    name_en: str


@dataclass(frozen=True, slots=True)
class MinorClass:
    code: str  # major code + two digits, e.g. "0103"
    major: str
    name_zh: str
    name_en: str
    lead_department: str
    priority: Priority
    handling_limit: TimeLimit
    assist_departments: tuple[str, ...] = ()
    required_capabilities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Problem:
    code: str  # minor code + two digits, e.g. "010302"
    minor: str
    name_zh: str
    name_en: str
    # Overrides of the minor class; None means "as the minor class".
    priority: Priority | None = None
    lead_department: str | None = None


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    name: str
    kind: str  # "str" | "int" | "float" | "enum"
    choices: tuple[str, ...] = ()
    unit: str = ""


@dataclass(frozen=True, slots=True)
class PartType:
    code: str  # e.g. "streetlight"
    name_zh: str
    name_en: str
    owner_department: str
    attributes: tuple[AttributeSpec, ...] = ()
    # The minor class a problem with such a part is usually reported under ("" = none).
    report_class: str = ""


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Working periods per weekday (Mon..Fri by default) as local minutes since midnight.

    ``holidays`` are local ISO dates (``"2025-10-01"``) that are not worked even on a working
    weekday; ``extra_working_days`` are dates worked although their weekday is not (调休).
    Time arithmetic on the calendar lives in :mod:`dispatch.domain.catalogue.calendar`.
    """

    utc_offset_minutes: int = 480  # Asia/Shanghai
    periods: tuple[tuple[int, int], ...] = ((9 * 60, 12 * 60), (13 * 60, 18 * 60))
    working_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    hours_per_working_day: float = 8.0
    holidays: tuple[str, ...] = ()
    extra_working_days: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LimitRules:
    # register + dispatch limit by priority (from the report).
    dispatch: dict[Priority, TimeLimit]
    # verification limit after the department responds, by area kind ("urban", "rural").
    verify: dict[str, TimeLimit]
    # acknowledgement limit after dispatch, by priority.
    acknowledge: dict[Priority, TimeLimit]
    # fraction of a limit after which an incident counts as "near due" (e.g. 0.8).
    near_due_fraction: float = 0.8


@dataclass(frozen=True, slots=True)
class Catalogue:
    departments: dict[str, Department]
    unit_types: dict[str, UnitType]
    majors: dict[str, MajorClass]
    minors: dict[str, MinorClass]
    problems: dict[str, Problem]
    part_types: dict[str, PartType]
    limits: LimitRules
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)

    def minor_of(self, class_code: str) -> MinorClass:
        """The minor class for a minor (4-digit) or problem (6-digit) code; KeyError if unknown."""
        if len(class_code) == 6:
            return self.minors[self.problems[class_code].minor]
        return self.minors[class_code]

    def priority_of(self, class_code: str) -> Priority:
        if len(class_code) == 6:
            p = self.problems[class_code]
            if p.priority is not None:
                return p.priority
        return self.minor_of(class_code).priority

    def lead_department_of(self, class_code: str) -> str:
        if len(class_code) == 6:
            p = self.problems[class_code]
            if p.lead_department is not None:
                return p.lead_department
        return self.minor_of(class_code).lead_department
