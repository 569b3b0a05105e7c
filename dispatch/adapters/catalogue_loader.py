"""Load and validate the catalogue from its JSON files.

The catalogue directory holds one file per collection::

    departments.json  unit_types.json  majors.json  minors.json  problems.json
    part_types.json   limits.json      calendar.json

List files are objects with one key named like the file (``{"minors": [...]}``) and an optional
``"description"``. Each file's raw shape is a strict pydantic model below; what one file says
about another (references, code prefixes, coverage) is checked after it. Every file is read and
checked before anything is built; all problems found are reported together in one
:class:`CatalogueError`, each naming the file, the entry and what is wrong. Nothing partial is
ever returned.

Public holidays and the weekend days worked in exchange (调休) come from the ``chinesecalendar``
package (the State Council's annual notices); ``calendar.json`` holds only a centre's own
closures (``holidays``) and extra working days, which win over the official dates.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, TypeVar

import chinese_calendar
from pydantic import ValidationError

from dispatch.adapters.catalogue_schema import (
    CALENDAR,
    DEPARTMENTS,
    ENTRIES,
    FILES,
    LIMITS,
    MAJORS,
    MINORS,
    PARENT,
    PART_TYPES,
    PROBLEMS,
    REFERENCES,
    UNIT_TYPES,
    RawCalendar,
    RawLimits,
    RawModel,
    describe,
)
from dispatch.domain.catalogue.calendar import calendar_problems, with_official_days
from dispatch.domain.catalogue.model import (
    Catalogue,
    Department,
    LimitRules,
    MajorClass,
    MinorClass,
    PartType,
    Problem,
    UnitType,
    WorkingCalendar,
)
from dispatch.domain.jsonlimits import JsonLimitError, JsonLimits, read_limited

__all__ = ["FILES", "CatalogueError", "CatalogueIssue", "default_catalogue",
           "default_catalogue_dir", "load_catalogue", "official_days"]

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


@cache
def official_days() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The State Council's holidays and 调休 working days, every year ``chinesecalendar`` knows,
    as ISO dates. Holiday periods include the weekend days inside them."""
    return (tuple(sorted(day.isoformat() for day in chinese_calendar.holidays)),
            tuple(sorted(day.isoformat() for day in chinese_calendar.workdays)))


CATALOGUE_LIMITS = JsonLimits(max_bytes=16 << 20, max_depth=16, max_items=100_000)
"""Default limits on each catalogue file: 16 MiB, 16 levels of nesting, 100,000 entries
(the shipped catalogue's largest file is well under 1 MiB, 6 levels, under 1,000 entries)."""


M = TypeVar("M", bound=RawModel)


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

    def issue(self, file: str, entry: str, message: str, line: int | None = None) -> None:
        self.issues.append(CatalogueIssue(file, entry, message, line))

    def read(self, name: str) -> Any:
        """The parsed JSON of one file, or None (with an issue) if it is missing or malformed.
        The size and depth limits apply before parsing."""
        try:
            text = read_limited(self.directory / name, self.json_limits).decode("utf-8")
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

    def validate(self, model: type[M], raw: Any, file: str, label: str = "",
                          keyed: Callable[[tuple[int | str, ...]], Iterable[str]] | None = None
                          ) -> tuple[M | None, set[str]]:
        """``raw`` as ``model``, or None with every problem reported; also the fields with a
        problem. Without a ``label`` (a whole-file object) a problem inside a field is reported
        under that field's name."""
        try:
            return model.model_validate(raw, strict=True), set()
        except ValidationError as exc:
            bad: set[str] = set()
            for error in exc.errors():
                loc, entry = error["loc"], label
                if not label and len(loc) > 1:
                    entry, loc = str(loc[0]), loc[1:]
                keys = keyed(error["loc"]) if keyed is not None else ()
                self.issue(file, entry, describe(error, loc, keys))
                if error["loc"]:
                    bad.add(str(error["loc"][0]))
            return None, bad

    def collection(self, name: str) -> dict[str, Any] | None:
        """The entries of a list file, by code; None if the file is unusable.

        Declares every entry's code (and notes its parent reference), whatever else is wrong
        with the entry; a later entry with a code already declared is reported as a duplicate
        and left out.
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
        declared = self.declared[name] = set()
        parents = self.parents[name] = set()
        first: dict[str, int] = {}
        entries: list[tuple[str, dict[str, Any]]] = []
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
            parent = raw.get(PARENT[name][0]) if name in PARENT else None
            if isinstance(parent, str):
                parents.add(parent)
            entries.append((label, raw))
        if name == UNIT_TYPES:
            self.capabilities = {c for _, raw in entries
                                 if isinstance(raw.get("capabilities"), list)
                                 for c in raw["capabilities"] if isinstance(c, str)}
        result: dict[str, Any] = {}
        for label, raw in entries:
            model, bad = self.validate(ENTRIES[name], raw, name, label)
            related_ok = self.check_relations(name, label, raw, bad)
            if model is not None and related_ok:
                result[label] = model.build()
        return result

    def check_relations(self, file: str, label: str, raw: dict[str, Any], bad: set[str]) -> bool:
        """What an entry says about other entries and files (checked on the fields that are
        valid in themselves); False if anything is wrong."""
        before = len(self.issues)

        def valid(field: str) -> bool:
            return field in raw and field not in bad

        for field, target, what in REFERENCES.get(file, ()):
            known = self.declared.get(target)
            if valid(field) and known is not None and isinstance(raw[field], str | list):
                for value in raw[field] if isinstance(raw[field], list) else [raw[field]]:
                    if value not in known:
                        self.issue(file, label, f"unknown {what} {value!r} in {field}")
        if file in PARENT:
            field, what = PARENT[file]
            if valid("code") and valid(field) and not raw["code"].startswith(raw[field]):
                self.issue(file, label, f"code {raw['code']} does not start with its {what} "
                                        f"code {raw[field]!r}")
        if file == MINORS:
            if valid("assist_departments") and valid("lead_department"):
                for assist in raw["assist_departments"]:
                    if assist == raw["lead_department"]:
                        self.issue(file, label, f"assist department {assist!r} is also the "
                                                f"lead department")
            if valid("required_capabilities") and self.capabilities is not None:
                for capability in raw["required_capabilities"]:
                    if capability not in self.capabilities:
                        self.issue(file, label, f"required capability {capability!r} is "
                                                f"provided by no unit type")
        return len(self.issues) == before

    def limits(self) -> LimitRules | None:
        data = self.read(LIMITS)
        if data is None:
            return None

        def table_keys(loc: tuple[int | str, ...]) -> Iterable[str]:
            table = RawLimits.model_fields.get(str(loc[0])) if len(loc) == 2 else None
            if table is None or not isinstance(table.annotation, type) \
                    or not issubclass(table.annotation, RawModel):
                return ()
            return tuple(table.annotation.model_fields)

        model, _ = self.validate(RawLimits, data, LIMITS, keyed=table_keys)
        return None if model is None else model.build()

    def calendar(self) -> WorkingCalendar | None:
        data = self.read(CALENDAR)
        if data is None:
            return None
        model, _ = self.validate(RawCalendar, data, CALENDAR)
        if model is None:
            return None
        local = model.build()
        problems = calendar_problems(local)
        for problem in problems:
            self.issue(CALENDAR, "", problem)
        if problems:
            return None
        return with_official_days(local, *official_days()) if model.state_council_holidays \
            else local

    def load(self) -> Catalogue:
        if not self.directory.is_dir():
            raise CatalogueError([CatalogueIssue(str(self.directory), "",
                                                 "catalogue directory does not exist")],
                                 str(self.directory))
        # Files referred to are read first: departments, unit types (capabilities), majors,
        # minors; then the ones that refer to them.
        departments: dict[str, Department] | None = self.collection(DEPARTMENTS)
        unit_types: dict[str, UnitType] | None = self.collection(UNIT_TYPES)
        majors: dict[str, MajorClass] | None = self.collection(MAJORS)
        minors: dict[str, MinorClass] | None = self.collection(MINORS)
        problems: dict[str, Problem] | None = self.collection(PROBLEMS)
        part_types: dict[str, PartType] | None = self.collection(PART_TYPES)
        limits = self.limits()
        calendar = self.calendar()
        self.check_coverage(majors, minors)
        if self.issues:
            raise CatalogueError(self.issues, str(self.directory))
        assert departments is not None
        assert unit_types is not None
        assert majors is not None
        assert minors is not None
        assert problems is not None
        assert part_types is not None
        assert limits is not None
        assert calendar is not None
        return Catalogue(departments=departments, unit_types=unit_types, majors=majors,
                         minors=minors, problems=problems, part_types=part_types,
                         limits=limits, calendar=calendar)

    def check_coverage(self, majors: dict[str, MajorClass] | None,
                       minors: dict[str, MinorClass] | None) -> None:
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
