"""The raw shape of each catalogue file as strict pydantic models, and the user-facing message
for each way a value can fail them.

A failed field yields one message that names the field (``code must be 4 digits, got '05'``,
``handling_limit: unknown limit unit 'weeks' (expected one of ...)``); :func:`describe` turns a
pydantic error into that message. Each model's ``build()`` makes the domain dataclass. What one
file says about another is checked by :mod:`dispatch.adapters.catalogue_loader`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from dispatch.domain.catalogue.model import (
    AttributeSpec,
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

DEPARTMENTS = "departments.json"
UNIT_TYPES = "unit_types.json"
MAJORS = "majors.json"
MINORS = "minors.json"
PROBLEMS = "problems.json"
PART_TYPES = "part_types.json"
LIMITS = "limits.json"
CALENDAR = "calendar.json"
FILES = (DEPARTMENTS, UNIT_TYPES, MAJORS, MINORS, PROBLEMS, PART_TYPES, LIMITS, CALENDAR)

AREA_KINDS = ("urban", "rural")
ATTRIBUTE_KINDS = ("str", "int", "float", "enum")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_IDENT = re.compile(r"[a-z][a-z0-9_]*")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)|24:00")


# -- field types: each failure is one message that names the field ---------------------------

def _fail(message: str, *, at_parent: bool = False) -> PydanticCustomError:
    """A validation error whose message is shown as is (prefixed by the enclosing field's path
    when ``at_parent``)."""
    return PydanticCustomError("catalogue_at" if at_parent else "catalogue", "{message}",
                               {"message": message})


def _ident(value: Any, info: ValidationInfo) -> str:
    if isinstance(value, str) and _IDENT.fullmatch(value):
        return value
    raise _fail(f"{info.field_name} must be a lower-case ASCII identifier ([a-z][a-z0-9_]*), "
                f"got {value!r}", at_parent=True)


def _ident_item(value: Any, info: ValidationInfo) -> str:
    if isinstance(value, str) and _IDENT.fullmatch(value):
        return value
    raise _fail(f"each of {info.field_name} must be a lower-case ASCII identifier "
                f"([a-z][a-z0-9_]*), got {value!r}")


def _text(value: Any, info: ValidationInfo) -> str:
    if isinstance(value, str) and value.strip():
        return value
    raise _fail(f"{info.field_name} must be a non-empty string, got {value!r}", at_parent=True)


def _colour(value: Any, info: ValidationInfo) -> str:
    if isinstance(value, str) and _COLOUR.fullmatch(value):
        return value.lower()
    raise _fail(f"{info.field_name} must be a colour #rrggbb, got {value!r}", at_parent=True)


def _unique(value: list[str], info: ValidationInfo) -> list[str]:
    if len(set(value)) != len(value):
        raise _fail(f"{info.field_name} has duplicates")
    return value


def _choice(enum: type[StrEnum], what: str, *, at_parent: bool = False) -> PlainValidator:
    choices = ", ".join(member.value for member in enum)

    def check(value: Any) -> StrEnum:
        if isinstance(value, str) and value in enum._value2member_map_:
            return enum(value)
        raise _fail(f"unknown {what} {value!r} (expected one of {choices})", at_parent=at_parent)
    return PlainValidator(check)


def _digits(length: int) -> PlainValidator:
    def check(value: Any) -> str:
        if isinstance(value, str) and len(value) == length and value.isascii() \
                and value.isdigit():
            return value
        raise _fail(f"code must be {length} digits, got {value!r}")
    return PlainValidator(check)


def _period(value: Any) -> tuple[int, int]:
    bounds = [_minutes(v) for v in value] if isinstance(value, list) and len(value) == 2 else []
    if len(bounds) == 2 and bounds[0] is not None and bounds[1] is not None:
        return bounds[0], bounds[1]
    raise _fail(f"a period must be [\"HH:MM\", \"HH:MM\"], got {value!r}")


def _weekday(value: Any) -> int:
    if isinstance(value, str) and value in WEEKDAYS:
        return WEEKDAYS.index(value)
    raise _fail(f"unknown weekday {value!r} (expected one of {', '.join(WEEKDAYS)})")


def _fraction(value: Any) -> float:
    if not isinstance(value, bool) and isinstance(value, int | float) and 0 < value < 1:
        return float(value)
    raise _fail(f"near_due_fraction must be a number between 0 and 1 (exclusive), got {value!r}")


def _minutes(value: Any) -> int | None:
    """``"09:30"`` → 570; None when malformed."""
    if not isinstance(value, str) or not _HHMM.fullmatch(value):
        return None
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


Ident = Annotated[str, PlainValidator(_ident)]
Idents = Annotated[list[Annotated[str, PlainValidator(_ident_item)]], AfterValidator(_unique)]
Text = Annotated[str, PlainValidator(_text)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]
PriorityField = Annotated[Priority, _choice(Priority, "priority")]


class RawModel(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    def build(self) -> Any:
        """The domain object this raw entry describes."""
        raise NotImplementedError


class _Limit(RawModel):
    value: Positive
    unit: Annotated[LimitUnit, _choice(LimitUnit, "limit unit", at_parent=True)]

    def build(self) -> TimeLimit:
        return TimeLimit(self.value, self.unit)


# -- the raw shape of each file's entries ---------------------------------------------------

class _Department(RawModel):
    code: Ident
    name_zh: Text
    name_en: Text
    colour: Annotated[str, PlainValidator(_colour)] = ""

    def build(self) -> Department:
        return Department(self.code, self.name_zh, self.name_en, self.colour)


class _UnitType(RawModel):
    code: Ident
    department: Ident
    name_zh: Text
    name_en: Text
    capabilities: Annotated[Idents, Field(min_length=1)]
    fleet_weight: Positive = 1.0

    def build(self) -> UnitType:
        return UnitType(self.code, self.department, self.name_zh, self.name_en,
                        tuple(self.capabilities), self.fleet_weight)


class _Major(RawModel):
    code: Annotated[str, _digits(2)]
    name_zh: Text
    name_en: Text

    def build(self) -> MajorClass:
        return MajorClass(self.code, self.name_zh, self.name_en)


class _Minor(RawModel):
    code: Annotated[str, _digits(4)]
    major: str
    name_zh: Text
    name_en: Text
    lead_department: Ident
    priority: PriorityField
    handling_limit: _Limit
    assist_departments: Idents = []
    required_capabilities: Idents = []

    def build(self) -> MinorClass:
        return MinorClass(self.code, self.major, self.name_zh, self.name_en,
                          self.lead_department, self.priority, self.handling_limit.build(),
                          tuple(self.assist_departments), tuple(self.required_capabilities))


class _Problem(RawModel):
    code: Annotated[str, _digits(6)]
    minor: str
    name_zh: Text
    name_en: Text
    # Absent means "as the minor class"; an explicit null is refused (the validator runs).
    priority: Annotated[Priority | None, _choice(Priority, "priority")] = None
    lead_department: Annotated[str | None, PlainValidator(_ident)] = None

    def build(self) -> Problem:
        return Problem(self.code, self.minor, self.name_zh, self.name_en, self.priority,
                       self.lead_department)


class _Attribute(RawModel):
    name: Ident
    kind: str
    choices: list[Annotated[str, Field(min_length=1)]] = []
    unit: str = ""

    @model_validator(mode="after")
    def _kind_and_choices(self) -> _Attribute:
        where = f"attribute {self.name!r}"
        if self.kind not in ATTRIBUTE_KINDS:
            raise _fail(f"{where}: unknown kind {self.kind!r} "
                        f"(expected one of {', '.join(ATTRIBUTE_KINDS)})")
        if self.kind == "enum" and not self.choices:
            raise _fail(f"{where}: an enum needs choices")
        if self.kind != "enum" and self.choices:
            raise _fail(f"{where}: only an enum has choices")
        return self


def _attribute_names(value: list[_Attribute]) -> list[_Attribute]:
    seen: set[str] = set()
    for attribute in value:
        if attribute.name in seen:
            raise _fail(f"attribute {attribute.name!r} is defined twice")
        seen.add(attribute.name)
    return value


def _report_class(value: Any) -> str:
    if isinstance(value, str) and len(value) == 4 and value.isascii() and value.isdigit():
        return value
    raise _fail(f"report_class must be a minor class code (4 digits), got {value!r}")


class _PartType(RawModel):
    code: Ident
    name_zh: Text
    name_en: Text
    owner_department: Ident
    attributes: Annotated[list[_Attribute], AfterValidator(_attribute_names)] = []
    report_class: Annotated[str, PlainValidator(_report_class)] = ""  # a minor class

    def build(self) -> PartType:
        return PartType(self.code, self.name_zh, self.name_en, self.owner_department,
                        tuple(AttributeSpec(a.name, a.kind, tuple(a.choices), a.unit)
                              for a in self.attributes), self.report_class)


class _ByPriority(RawModel):
    urgent: _Limit
    high: _Limit
    normal: _Limit
    low: _Limit

    def build(self) -> dict[Priority, TimeLimit]:
        return {p: getattr(self, p.value).build() for p in Priority}


class _ByArea(RawModel):
    urban: _Limit
    rural: _Limit

    def build(self) -> dict[str, TimeLimit]:
        return {kind: getattr(self, kind).build() for kind in AREA_KINDS}


class RawLimits(RawModel):
    description: str = ""
    dispatch: _ByPriority
    acknowledge: _ByPriority
    verify: _ByArea
    near_due_fraction: Annotated[float, PlainValidator(_fraction)] = 0.8

    def build(self) -> LimitRules:
        return LimitRules(dispatch=self.dispatch.build(), verify=self.verify.build(),
                          acknowledge=self.acknowledge.build(),
                          near_due_fraction=self.near_due_fraction)


class RawCalendar(RawModel):
    description: str = ""
    utc_offset_minutes: int
    periods: list[Annotated[tuple[int, int], PlainValidator(_period)]]
    working_weekdays: list[Annotated[int, PlainValidator(_weekday)]]
    hours_per_working_day: float
    # The State Council's holidays and 调休 working days (chinesecalendar); off for a centre
    # that keeps its own calendar entirely in ``holidays`` and ``extra_working_days``.
    state_council_holidays: bool = True
    holidays: list[str] = []  # the centre's own closures
    extra_working_days: list[str] = []  # the centre's own extra working days

    def build(self) -> WorkingCalendar:
        return WorkingCalendar(self.utc_offset_minutes, tuple(self.periods),
                               tuple(self.working_weekdays), self.hours_per_working_day,
                               tuple(self.holidays), tuple(self.extra_working_days))


# Per list file: the entry model, and the cross-file references of its fields
# (field, file referred to, what is referred to).
ENTRIES: dict[str, type[RawModel]] = {DEPARTMENTS: _Department, UNIT_TYPES: _UnitType,
                                   MAJORS: _Major, MINORS: _Minor, PROBLEMS: _Problem,
                                   PART_TYPES: _PartType}
REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    UNIT_TYPES: (("department", DEPARTMENTS, "department"),),
    MINORS: (("major", MAJORS, "major class"), ("lead_department", DEPARTMENTS, "department"),
             ("assist_departments", DEPARTMENTS, "department")),
    PROBLEMS: (("minor", MINORS, "minor class"), ("lead_department", DEPARTMENTS, "department")),
    PART_TYPES: (("owner_department", DEPARTMENTS, "owner department"),
                 ("report_class", MINORS, "minor class")),
}
PARENT = {MINORS: ("major", "major class"), PROBLEMS: ("minor", "minor class")}

_PHRASES = {"string_type": "must be a string", "int_type": "must be an integer",
            "float_type": "must be a number", "finite_number": "must be a finite number",
            "greater_than": "must be positive", "list_type": "must be a list",
            "model_type": "must be an object", "model_attributes_type": "must be an object",
            "dict_type": "must be an object", "bool_type": "must be true or false",
            "too_short": "must not be empty", "string_too_short": "must not be empty"}


def _path(loc: tuple[int | str, ...]) -> str:
    return " ".join(f"#{part + 1}" if isinstance(part, int) else part for part in loc)


def describe(error: ErrorDetails, loc: tuple[int | str, ...],
              table_keys: Iterable[str] = ()) -> str:
    """One user-facing message for a pydantic error at ``loc`` (within its entry)."""
    kind, got, keys = error["type"], error.get("input"), tuple(table_keys)
    message = str(error.get("ctx", {}).get("message", error["msg"]))
    if kind == "catalogue":
        return message
    if kind == "catalogue_at":
        return f"{_path(loc[:-1])}: {message}" if loc[:-1] else message
    if kind == "missing":
        return f"missing limit for {loc[-1]!r}" if keys else f"missing field {loc[-1]!r}"
    if kind == "extra_forbidden":
        return (f"unknown key {loc[-1]!r} (expected one of {', '.join(keys)})" if keys
                else f"unknown field {loc[-1]!r}")
    if kind in _PHRASES:
        return f"{_path(loc)} {_PHRASES[kind]}, got {got!r}"
    return f"{_path(loc)}: {error['msg']}"
