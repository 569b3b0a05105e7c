"""Event classes, departments, unit and part types, time limits (validated on load)."""

from dispatch.catalogue.calendar import (
    add_working_seconds,
    due_at,
    is_working_time,
    limit_seconds,
    working_seconds_between,
)
from dispatch.catalogue.loader import (
    CatalogueError,
    CatalogueIssue,
    default_catalogue,
    default_catalogue_dir,
    load_catalogue,
)
from dispatch.catalogue.model import (
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
    "CatalogueError",
    "CatalogueIssue",
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
    "default_catalogue",
    "default_catalogue_dir",
    "due_at",
    "is_working_time",
    "limit_seconds",
    "load_catalogue",
    "working_seconds_between",
]
