"""Load and validate the catalogue from its JSON files.

The catalogue directory holds one file per collection::

    departments.json  unit_types.json  majors.json  minors.json  problems.json
    part_types.json   limits.json      calendar.json

List files are objects with one key named like the file (``{"minors": [...]}``) and an optional
``"description"``. Every file is read and checked before anything is built; all problems found
are reported together in one :class:`CatalogueError`, each naming the file, the entry and what is
wrong. Nothing partial is ever returned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from dispatch.domain.catalogue.calendar import calendar_problems
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
from dispatch.domain.jsonlimits import JsonLimitError, JsonLimits, read_limited

__all__ = ["FILES", "CatalogueError", "CatalogueIssue", "default_catalogue",
           "default_catalogue_dir", "load_catalogue"]

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
_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)|24:00")
_CODE_LENGTH = {MAJORS: 2, MINORS: 4, PROBLEMS: 6}


@dataclass(frozen=True, slots=True)
class CatalogueIssue:
    """One problem found in the catalogue data."""

    file: str  # e.g. "minors.json"
    entry: str  # the entry's code, "entry #3" when it has none, "" for the whole file
    message: str
    line: int | None = None  # only known for malformed JSON

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.entry}: {self.message}" if self.entry else f"{where}: {self.message}"


class CatalogueError(ValueError):
    """The catalogue data is invalid; ``issues`` lists every problem found."""

    def __init__(self, issues: Iterable[CatalogueIssue], source: str = "") -> None:
        self.issues: tuple[CatalogueIssue, ...] = tuple(issues)
        self.source = source
        head = f"invalid catalogue{f' in {source}' if source else ''}: "
        head += f"{len(self.issues)} problem{'s' if len(self.issues) != 1 else ''}"
        super().__init__(head + "".join(f"\n  {issue}" for issue in self.issues))


def default_catalogue_dir() -> Path:
    """The catalogue shipped with the application (``resources/catalogue``)."""
    try:
        return Path(str(files("resources") / "catalogue"))
    except ModuleNotFoundError:  # run from a checkout without the resources package
        return Path(__file__).resolve().parents[2] / "resources" / "catalogue"


@cache
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded and validated once per process."""
    return load_catalogue()


CATALOGUE_LIMITS = JsonLimits(max_bytes=16 << 20, max_depth=16, max_items=100_000)
"""Default limits on each catalogue file: 16 MiB, 16 levels of nesting, 100,000 entries
(the shipped catalogue's largest file is well under 1 MiB, 6 levels, under 1,000 entries)."""


def load_catalogue(path: Path | None = None, *,
                   limits: JsonLimits = CATALOGUE_LIMITS) -> Catalogue:
    """Read, validate and build the catalogue in directory ``path`` (default: the shipped one).

    Each file is checked against ``limits`` (size before reading, nesting depth before
    parsing, entry count after). Raises :class:`CatalogueError` listing every problem when
    anything is wrong.
    """
    directory = default_catalogue_dir() if path is None else Path(path)
    return _Loader(directory, limits).load()


class _Loader:
    def __init__(self, directory: Path, limits: JsonLimits = CATALOGUE_LIMITS) -> None:
        self.directory = directory
        self.json_limits = limits
        self.issues: list[CatalogueIssue] = []
        # Codes declared per file, even by entries with other problems, so that one bad entry
        # is reported once rather than again by every entry that refers to it. A file that
        # cannot be read has no entry: references into it are not checked.
        self.declared: dict[str, set[str]] = {}
        # Parent codes referred to per child file (majors by minors, minors by problems).
        self.parents: dict[str, set[str]] = {}
        # Capabilities of all unit types; None when unit_types.json cannot be read.
        self.capabilities: set[str] | None = None

    # -- reporting -------------------------------------------------------------------------

    def issue(self, file: str, entry: str, message: str, line: int | None = None) -> None:
        self.issues.append(CatalogueIssue(file, entry, message, line))

    # -- reading ---------------------------------------------------------------------------

    def read(self, name: str) -> Any:
        """The parsed JSON of one file, or None (with an issue) if it is missing or malformed."""
        path = self.directory / name
        try:
            text = read_limited(path, self.json_limits).decode("utf-8")
        except FileNotFoundError:
            self.issue(name, "", "file is missing")
            return None
        except JsonLimitError as exc:
            self.issue(name, "", str(exc).removeprefix(f"{name} "))
            return None
        except (OSError, UnicodeDecodeError) as exc:
            self.issue(name, "", f"cannot be read: {exc}")
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.issue(name, "", f"malformed JSON at line {exc.lineno} column {exc.colno}: "
                                 f"{exc.msg}", line=exc.lineno)
            return None

    def read_list(self, name: str,
                  parent_key: str = "") -> list[tuple[str, dict[str, Any]]] | None:
        """The entries of a list file as (label, entry) pairs; None if the file is unusable.

        Declares every entry's code (and notes its ``parent_key`` reference), whatever else
        is wrong with the entry; a later entry with a code already declared is reported as a
        duplicate and left out.
        """
        data = self.read(name)
        if data is None:
            return None
        key = name.removesuffix(".json")
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            self.issue(name, "", f'expected an object {{"{key}": [...]}}')
            return None
        for extra in sorted(set(data) - {key, "description"}):
            self.issue(name, "", f"unknown top-level key {extra!r}")
        if len(data[key]) > self.json_limits.max_items:
            self.issue(name, "", f"holds {len(data[key]):,} entries "
                                 f"(at most {self.json_limits.max_items:,})")
            return None
        entries: list[tuple[str, dict[str, Any]]] = []
        declared = self.declared[name] = set()
        parents = self.parents[name] = set()
        first: dict[str, int] = {}
        for index, raw in enumerate(data[key], start=1):
            if not isinstance(raw, dict):
                self.issue(name, f"entry #{index}", "entry must be an object")
                continue
            code = raw.get("code")
            label = code if isinstance(code, str) and code else f"entry #{index}"
            if isinstance(code, str):
                if code in first:
                    self.issue(name, label, f"duplicate code {code!r} "
                                            f"(entries #{first[code]} and #{index})")
                    continue
                first[code] = index
                declared.add(code)
            if parent_key and isinstance(raw.get(parent_key), str):
                parents.add(raw[parent_key])
            entries.append((label, raw))
        return entries

    # -- field checks ----------------------------------------------------------------------

    def fields(self, file: str, label: str, raw: Mapping[str, Any], required: Iterable[str],
               optional: Iterable[str] = ()) -> bool:
        """Report missing and unknown fields; False if a required field is missing."""
        required = tuple(required)
        ok = True
        for name in required:
            if name not in raw:
                self.issue(file, label, f"missing field {name!r}")
                ok = False
        for name in raw:
            if name not in required and name not in optional:
                self.issue(file, label, f"unknown field {name!r}")
        return ok

    def text(self, file: str, label: str, raw: Mapping[str, Any], name: str) -> str | None:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            self.issue(file, label, f"{name} must be a non-empty string, got {value!r}")
            return None
        return value

    def ident(self, file: str, label: str, value: Any, what: str) -> str | None:
        if not isinstance(value, str) or not _IDENT.fullmatch(value):
            self.issue(file, label, f"{what} must be a lower-case ASCII identifier "
                                    f"([a-z][a-z0-9_]*), got {value!r}")
            return None
        return value

    def idents(self, file: str, label: str, raw: Mapping[str, Any], name: str,
               *, non_empty: bool = False) -> tuple[str, ...] | None:
        value = raw.get(name, [])
        if not isinstance(value, list):
            self.issue(file, label, f"{name} must be a list, got {value!r}")
            return None
        if non_empty and not value:
            self.issue(file, label, f"{name} must not be empty")
            return None
        items = [self.ident(file, label, item, f"each of {name}") for item in value]
        if any(item is None for item in items):
            return None
        result = tuple(item for item in items if item is not None)
        if len(set(result)) != len(result):
            self.issue(file, label, f"{name} has duplicates")
        return result

    def number(self, file: str, label: str, value: Any, what: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.issue(file, label, f"{what} must be a number, got {value!r}")
            return None
        if not value > 0 or value == float("inf"):
            self.issue(file, label, f"{what} must be positive, got {value!r}")
            return None
        return float(value)

    def priority(self, file: str, label: str, value: Any) -> Priority | None:
        try:
            return Priority(value)
        except ValueError:
            choices = ", ".join(p.value for p in Priority)
            self.issue(file, label, f"unknown priority {value!r} (expected one of {choices})")
            return None

    def limit(self, file: str, label: str, value: Any, what: str) -> TimeLimit | None:
        if not isinstance(value, dict):
            self.issue(file, label, f'{what} must be an object {{"value": ..., "unit": ...}}, '
                                    f"got {value!r}")
            return None
        if not self.fields(file, label, value, ("value", "unit")):
            return None
        unit: LimitUnit | None
        try:
            unit = LimitUnit(value["unit"])
        except ValueError:
            choices = ", ".join(u.value for u in LimitUnit)
            self.issue(file, label, f"{what}: unknown limit unit {value['unit']!r} "
                                    f"(expected one of {choices})")
            unit = None
        amount = self.number(file, label, value["value"], f"{what} value")
        if unit is None or amount is None:
            return None
        return TimeLimit(amount, unit)

    def code(self, file: str, label: str, raw: Mapping[str, Any], parent: str | None,
             parent_what: str) -> str | None:
        """A class code: the right number of digits, prefixed by its parent's code."""
        value = raw.get("code")
        length = _CODE_LENGTH[file]
        if not isinstance(value, str) or len(value) != length or not value.isdigit():
            self.issue(file, label, f"code must be {length} digits, got {value!r}")
            return None
        if parent is not None and isinstance(parent, str) and not value.startswith(parent):
            self.issue(file, label, f"code {value} does not start with its {parent_what} "
                                    f"code {parent!r}")
            return None
        return value

    def reference(self, file: str, label: str, value: str | None, target: str, what: str,
                  field_name: str) -> None:
        """Report ``value`` when the file it refers to could be read and does not declare it."""
        known = self.declared.get(target)
        if value is not None and known is not None and value not in known:
            self.issue(file, label, f"unknown {what} {value!r} in {field_name}")

    # -- collections -----------------------------------------------------------------------

    def departments(self) -> dict[str, Department] | None:
        entries = self.read_list(DEPARTMENTS)
        if entries is None:
            return None
        result: dict[str, Department] = {}
        for label, raw in entries:
            if not self.fields(DEPARTMENTS, label, raw, ("code", "name_zh", "name_en")):
                continue
            code = self.ident(DEPARTMENTS, label, raw["code"], "code")
            zh = self.text(DEPARTMENTS, label, raw, "name_zh")
            en = self.text(DEPARTMENTS, label, raw, "name_en")
            if code is None or zh is None or en is None:
                continue
            result[code] = Department(code, zh, en)
        return result

    def unit_types(self) -> dict[str, UnitType] | None:
        entries = self.read_list(UNIT_TYPES)
        if entries is None:
            return None
        self.capabilities = set()
        result: dict[str, UnitType] = {}
        for label, raw in entries:
            if not self.fields(UNIT_TYPES, label, raw,
                               ("code", "department", "name_zh", "name_en", "capabilities"),
                               ("fleet_weight",)):
                continue
            code = self.ident(UNIT_TYPES, label, raw["code"], "code")
            zh = self.text(UNIT_TYPES, label, raw, "name_zh")
            en = self.text(UNIT_TYPES, label, raw, "name_en")
            department = self.ident(UNIT_TYPES, label, raw["department"], "department")
            self.reference(UNIT_TYPES, label, department, DEPARTMENTS, "department", "department")
            capabilities = self.idents(UNIT_TYPES, label, raw, "capabilities", non_empty=True)
            self.capabilities.update(capabilities or ())
            weight = self.number(UNIT_TYPES, label, raw.get("fleet_weight", 1.0), "fleet_weight")
            if None in (code, zh, en, department, capabilities, weight):
                continue
            assert code is not None and zh is not None and en is not None
            assert department is not None and capabilities is not None and weight is not None
            result[code] = UnitType(code, department, zh, en, capabilities, weight)
        return result

    def majors(self) -> dict[str, MajorClass] | None:
        entries = self.read_list(MAJORS)
        if entries is None:
            return None
        result: dict[str, MajorClass] = {}
        for label, raw in entries:
            if not self.fields(MAJORS, label, raw, ("code", "name_zh", "name_en")):
                continue
            code = self.code(MAJORS, label, raw, None, "")
            zh = self.text(MAJORS, label, raw, "name_zh")
            en = self.text(MAJORS, label, raw, "name_en")
            if code is None or zh is None or en is None:
                continue
            result[code] = MajorClass(code, zh, en)
        return result

    def minors(self) -> dict[str, MinorClass] | None:
        entries = self.read_list(MINORS, parent_key="major")
        if entries is None:
            return None
        result: dict[str, MinorClass] = {}
        for label, raw in entries:
            if not self.fields(MINORS, label, raw,
                               ("code", "major", "name_zh", "name_en", "lead_department",
                                "priority", "handling_limit"),
                               ("assist_departments", "required_capabilities")):
                continue
            major = raw["major"]
            if not isinstance(major, str):
                self.issue(MINORS, label, f"major must be a string, got {major!r}")
                major = None
            self.reference(MINORS, label, major, MAJORS, "major class", "major")
            code = self.code(MINORS, label, raw, major, "major class")
            zh = self.text(MINORS, label, raw, "name_zh")
            en = self.text(MINORS, label, raw, "name_en")
            lead = self.ident(MINORS, label, raw["lead_department"], "lead_department")
            self.reference(MINORS, label, lead, DEPARTMENTS, "department", "lead_department")
            priority = self.priority(MINORS, label, raw["priority"])
            limit = self.limit(MINORS, label, raw["handling_limit"], "handling_limit")
            assists = self.idents(MINORS, label, raw, "assist_departments")
            for assist in assists or ():
                self.reference(MINORS, label, assist, DEPARTMENTS, "department",
                               "assist_departments")
                if assist == lead:
                    self.issue(MINORS, label, f"assist department {assist!r} is also the "
                                              f"lead department")
            required = self.idents(MINORS, label, raw, "required_capabilities")
            for capability in required or ():
                if self.capabilities is not None and capability not in self.capabilities:
                    self.issue(MINORS, label, f"required capability {capability!r} is "
                                              f"provided by no unit type")
            values = (major, code, zh, en, lead, priority, limit, assists, required)
            if any(value is None for value in values):
                continue
            assert major is not None and code is not None and zh is not None and en is not None
            assert lead is not None and priority is not None and limit is not None
            assert assists is not None and required is not None
            result[code] = MinorClass(code, major, zh, en, lead, priority, limit, assists,
                                      required)
        return result

    def problems(self) -> dict[str, Problem] | None:
        entries = self.read_list(PROBLEMS, parent_key="minor")
        if entries is None:
            return None
        result: dict[str, Problem] = {}
        for label, raw in entries:
            if not self.fields(PROBLEMS, label, raw, ("code", "minor", "name_zh", "name_en"),
                               ("priority", "lead_department")):
                continue
            minor = raw["minor"]
            if not isinstance(minor, str):
                self.issue(PROBLEMS, label, f"minor must be a string, got {minor!r}")
                minor = None
            self.reference(PROBLEMS, label, minor, MINORS, "minor class", "minor")
            code = self.code(PROBLEMS, label, raw, minor, "minor class")
            zh = self.text(PROBLEMS, label, raw, "name_zh")
            en = self.text(PROBLEMS, label, raw, "name_en")
            priority: Priority | None = None
            ok = True
            if "priority" in raw:
                priority = self.priority(PROBLEMS, label, raw["priority"])
                ok = priority is not None
            lead: str | None = None
            if "lead_department" in raw:
                lead = self.ident(PROBLEMS, label, raw["lead_department"], "lead_department")
                self.reference(PROBLEMS, label, lead, DEPARTMENTS, "department",
                               "lead_department")
                ok = ok and lead is not None
            if not ok or minor is None or code is None or zh is None or en is None:
                continue
            result[code] = Problem(code, minor, zh, en, priority, lead)
        return result

    def part_types(self) -> dict[str, PartType] | None:
        entries = self.read_list(PART_TYPES)
        if entries is None:
            return None
        result: dict[str, PartType] = {}
        for label, raw in entries:
            if not self.fields(PART_TYPES, label, raw,
                               ("code", "name_zh", "name_en", "owner_department"),
                               ("attributes",)):
                continue
            code = self.ident(PART_TYPES, label, raw["code"], "code")
            zh = self.text(PART_TYPES, label, raw, "name_zh")
            en = self.text(PART_TYPES, label, raw, "name_en")
            owner = self.ident(PART_TYPES, label, raw["owner_department"], "owner_department")
            self.reference(PART_TYPES, label, owner, DEPARTMENTS, "owner department",
                           "owner_department")
            attributes = self.attributes(label, raw.get("attributes", []))
            if None in (code, zh, en, owner, attributes):
                continue
            assert code is not None and zh is not None and en is not None
            assert owner is not None and attributes is not None
            result[code] = PartType(code, zh, en, owner, attributes)
        return result

    def attributes(self, label: str, value: Any) -> tuple[AttributeSpec, ...] | None:
        if not isinstance(value, list):
            self.issue(PART_TYPES, label, f"attributes must be a list, got {value!r}")
            return None
        result: list[AttributeSpec] = []
        names: set[str] = set()
        ok = True
        for index, raw in enumerate(value, start=1):
            if not isinstance(raw, dict):
                self.issue(PART_TYPES, label, f"attribute #{index} must be an object")
                ok = False
                continue
            if not self.fields(PART_TYPES, label, raw, ("name", "kind"), ("choices", "unit")):
                ok = False
                continue
            name = self.ident(PART_TYPES, label, raw["name"], f"attribute #{index} name")
            kind = raw["kind"]
            choices = raw.get("choices", [])
            unit = raw.get("unit", "")
            where = f"attribute {name or index!r}"
            if kind not in ATTRIBUTE_KINDS:
                self.issue(PART_TYPES, label, f"{where}: unknown kind {kind!r} "
                                              f"(expected one of {', '.join(ATTRIBUTE_KINDS)})")
                ok = False
            if not isinstance(choices, list) or not all(
                    isinstance(c, str) and c for c in choices):
                self.issue(PART_TYPES, label, f"{where}: choices must be a list of strings")
                ok = False
                choices = []
            elif kind == "enum" and not choices:
                self.issue(PART_TYPES, label, f"{where}: an enum needs choices")
                ok = False
            elif kind != "enum" and choices:
                self.issue(PART_TYPES, label, f"{where}: only an enum has choices")
                ok = False
            if not isinstance(unit, str):
                self.issue(PART_TYPES, label, f"{where}: unit must be a string")
                ok = False
            if name is None:
                ok = False
            elif name in names:
                self.issue(PART_TYPES, label, f"{where} is defined twice")
                ok = False
            else:
                names.add(name)
            if ok:
                assert name is not None
                result.append(AttributeSpec(name, kind, tuple(choices), unit))
        return tuple(result) if ok else None

    def limits(self) -> LimitRules | None:
        data = self.read(LIMITS)
        if data is None:
            return None
        if not isinstance(data, dict):
            self.issue(LIMITS, "", "expected an object")
            return None
        if not self.fields(LIMITS, "", data, ("dispatch", "acknowledge", "verify"),
                           ("near_due_fraction", "description")):
            return None
        dispatch = self.limit_table(data["dispatch"], "dispatch", [p.value for p in Priority])
        acknowledge = self.limit_table(data["acknowledge"], "acknowledge",
                                       [p.value for p in Priority])
        verify = self.limit_table(data["verify"], "verify", list(AREA_KINDS))
        fraction = data.get("near_due_fraction", 0.8)
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) \
                or not 0 < fraction < 1:
            self.issue(LIMITS, "", f"near_due_fraction must be a number between 0 and 1 "
                                   f"(exclusive), got {fraction!r}")
            return None
        if dispatch is None or acknowledge is None or verify is None:
            return None
        return LimitRules(dispatch={Priority(k): v for k, v in dispatch.items()},
                          verify=verify,
                          acknowledge={Priority(k): v for k, v in acknowledge.items()},
                          near_due_fraction=float(fraction))

    def limit_table(self, value: Any, name: str, keys: list[str]) -> dict[str, TimeLimit] | None:
        if not isinstance(value, dict):
            self.issue(LIMITS, name, f"expected an object with keys {', '.join(keys)}")
            return None
        result: dict[str, TimeLimit] = {}
        ok = True
        for key in keys:
            if key not in value:
                self.issue(LIMITS, name, f"missing limit for {key!r}")
                ok = False
                continue
            limit = self.limit(LIMITS, name, value[key], key)
            if limit is None:
                ok = False
            else:
                result[key] = limit
        for key in value:
            if key not in keys:
                self.issue(LIMITS, name, f"unknown key {key!r} (expected one of "
                                         f"{', '.join(keys)})")
                ok = False
        return result if ok else None

    def calendar(self) -> WorkingCalendar | None:
        data = self.read(CALENDAR)
        if data is None:
            return None
        if not isinstance(data, dict):
            self.issue(CALENDAR, "", "expected an object")
            return None
        required = ("utc_offset_minutes", "periods", "working_weekdays", "hours_per_working_day")
        if not self.fields(CALENDAR, "", data, required,
                           ("holidays", "extra_working_days", "description")):
            return None
        ok = True
        periods: list[tuple[int, int]] = []
        raw_periods = data["periods"]
        if not isinstance(raw_periods, list):
            raw_periods = [raw_periods]
        for period in raw_periods:
            bounds = (_minutes(period[0]), _minutes(period[1])) \
                if isinstance(period, list) and len(period) == 2 else None
            if bounds is None or bounds[0] is None or bounds[1] is None:
                self.issue(CALENDAR, "periods", f"a period must be [\"HH:MM\", \"HH:MM\"], "
                                                f"got {period!r}")
                ok = False
            else:
                periods.append((bounds[0], bounds[1]))
        weekdays: list[int] = []
        raw_weekdays = data["working_weekdays"]
        for day in raw_weekdays if isinstance(raw_weekdays, list) else [raw_weekdays]:
            if day not in WEEKDAYS:
                self.issue(CALENDAR, "working_weekdays",
                           f"unknown weekday {day!r} (expected one of {', '.join(WEEKDAYS)})")
                ok = False
            else:
                weekdays.append(WEEKDAYS.index(day))
        hours = data["hours_per_working_day"]
        offset = data["utc_offset_minutes"]
        dates: dict[str, tuple[str, ...]] = {}
        for key in ("holidays", "extra_working_days"):
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.issue(CALENDAR, key, "must be a list of ISO dates (\"YYYY-MM-DD\")")
                ok = False
                value = []
            dates[key] = tuple(value)
        if isinstance(hours, bool) or not isinstance(hours, int | float):
            self.issue(CALENDAR, "hours_per_working_day", f"must be a number, got {hours!r}")
            ok = False
        if not ok:
            return None
        calendar = WorkingCalendar(utc_offset_minutes=offset, periods=tuple(periods),
                                   working_weekdays=tuple(weekdays),
                                   hours_per_working_day=float(hours),
                                   holidays=dates["holidays"],
                                   extra_working_days=dates["extra_working_days"])
        problems = calendar_problems(calendar)
        for problem in problems:
            self.issue(CALENDAR, "", problem)
        return None if problems else calendar

    # -- whole catalogue -------------------------------------------------------------------

    def load(self) -> Catalogue:
        if not self.directory.is_dir():
            raise CatalogueError([CatalogueIssue(str(self.directory), "",
                                                 "catalogue directory does not exist")],
                                 str(self.directory))
        # Files referred to are read first: departments, unit types (capabilities), majors,
        # minors; then the ones that refer to them.
        departments = self.departments()
        unit_types = self.unit_types()
        majors = self.majors()
        minors = self.minors()
        problems = self.problems()
        part_types = self.part_types()
        limits = self.limits()
        calendar = self.calendar()
        self.check_coverage(majors, minors)
        if self.issues:
            raise CatalogueError(self.issues, str(self.directory))
        assert departments is not None and unit_types is not None and majors is not None
        assert minors is not None and problems is not None and part_types is not None
        assert limits is not None and calendar is not None
        return Catalogue(departments=departments, unit_types=unit_types, majors=majors,
                         minors=minors, problems=problems, part_types=part_types,
                         limits=limits, calendar=calendar)

    def check_coverage(self, majors: Mapping[str, MajorClass] | None,
                       minors: Mapping[str, MinorClass] | None) -> None:
        """Every (valid) major class has a minor class and every minor class has a problem."""
        for parents, child_file, file, message in (
                (majors, MINORS, MAJORS, "major class has no minor classes"),
                (minors, PROBLEMS, MINORS, "minor class has no problems")):
            used = self.parents.get(child_file)
            if parents is None or used is None:
                continue
            for code in parents:
                if code not in used:
                    self.issue(file, code, message)


def _minutes(value: Any) -> int | None:
    """``"09:30"`` → 570; None when malformed."""
    if not isinstance(value, str) or not _HHMM.fullmatch(value):
        return None
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)
