"""Event classes, departments, unit and part types, time limits (loaded and validated by :mod:`dispatch.adapters.catalogue_loader`)."""

from dispatch.domain.catalogue.calendar import (
    add_working_seconds,
    due_at,
    is_working_time,
    limit_seconds,
    working_seconds_between,
)
from dispatch.domain.catalogue.model import (
    AttributeSpec,
    Catalogue,
    Department,
    LimitRules,
    LimitUnit,
    MajorClass,
    MinorClass,
    PartType,
    Priority,
    Problem,
    TimeLimit,
    UnitType,
    WorkingCalendar,
)

__all__ = [
    "AttributeSpec",
    "Catalogue",
    "Department",
    "LimitRules",
    "LimitUnit",
    "MajorClass",
    "MinorClass",
    "PartType",
    "Priority",
    "Problem",
    "TimeLimit",
    "UnitType",
    "WorkingCalendar",
    "add_working_seconds",
    "due_at",
    "is_working_time",
    "limit_seconds",
    "working_seconds_between",
]
