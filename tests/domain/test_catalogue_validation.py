"""Validation on load: each kind of bad data is reported with its file, entry and problem."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dispatch.adapters.catalogue_loader import (
    CatalogueError,
    CatalogueIssue,
    default_catalogue_dir,
    load_catalogue,
)

Data = Any
Mutation = Callable[[Data], None]


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped catalogue's JSON files."""
    target = tmp_path / "catalogue"
    target.mkdir()
    for source in default_catalogue_dir().glob("*.json"):
        shutil.copy(source, target / source.name)
    return target


def edit(directory: Path, name: str, mutate: Mutation) -> None:
    path = directory / name
    data = json.loads(path.read_text(encoding="utf-8"))
    mutate(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def issues_of(directory: Path) -> tuple[CatalogueIssue, ...]:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(directory)
    assert isinstance(info.value, ValueError)
    return info.value.issues


def entry(data: Data, key: str, code: str) -> dict[str, Any]:
    return next(e for e in data[key] if e["code"] == code)


def set_field(key: str, code: str, name: str, value: Any) -> Mutation:
    def mutate(data: Data) -> None:
        entry(data, key, code)[name] = value
    return mutate


def drop_field(key: str, code: str, name: str) -> Mutation:
    def mutate(data: Data) -> None:
        del entry(data, key, code)[name]
    return mutate


def duplicate(key: str, code: str) -> Mutation:
    def mutate(data: Data) -> None:
        data[key].append(dict(entry(data, key, code)))
    return mutate


# (file, mutation, entry, message): exactly one issue is expected.
CASES = [
    ("minors.json", set_field("minors", "0509", "lead_department", "parks"),
     "0509", "unknown department 'parks' in lead_department"),
    ("minors.json", set_field("minors", "0304", "assist_departments", ["fire", "gas_company"]),
     "0304", "unknown department 'gas_company' in assist_departments"),
    ("minors.json", set_field("minors", "0304", "assist_departments", ["housing"]),
     "0304", "assist department 'housing' is also the lead department"),
    ("problems.json", lambda d: entry(d, "problems", "050901").update(minor="0599",
                                                                      code="059901"),
     "059901", "unknown minor class '0599' in minor"),
    ("problems.json", set_field("problems", "050901", "lead_department", "parks"),
     "050901", "unknown department 'parks' in lead_department"),
    ("unit_types.json", set_field("unit_types", "tow_truck", "department", "towing_co"),
     "tow_truck", "unknown department 'towing_co' in department"),
    ("part_types.json", set_field("part_types", "tree", "owner_department", "forestry"),
     "tree", "unknown owner department 'forestry' in owner_department"),
    ("part_types.json", set_field("part_types", "tree", "report_class", "0599"),
     "tree", "unknown minor class '0599' in report_class"),
    ("part_types.json", set_field("part_types", "tree", "report_class", "051201"),
     "tree", "report_class must be a minor class code (4 digits), got '051201'"),
    ("departments.json", duplicate("departments", "fire"),
     "fire", "duplicate code 'fire'"),
    ("problems.json", duplicate("problems", "010101"),
     "010101", "duplicate code '010101'"),
    ("majors.json", lambda d: d["majors"].append({"code": "110", "name_zh": "其他",
                                                   "name_en": "Other"}),
     "110", "code must be 2 digits, got '110'"),
    ("minors.json", set_field("minors", "0509", "major", "06"),
     "0509", "code 0509 does not start with its major class code '06'"),
    ("problems.json", set_field("problems", "050901", "code", "05091"),
     "05091", "code must be 6 digits, got '05091'"),
    ("problems.json", set_field("problems", "050901", "code", "0509x1"),
     "0509x1", "code must be 6 digits"),
    ("minors.json", set_field("minors", "0509", "priority", "critical"),
     "0509", "unknown priority 'critical' (expected one of urgent, high, normal, low)"),
    ("problems.json", set_field("problems", "050901", "priority", "asap"),
     "050901", "unknown priority 'asap'"),
    ("minors.json", set_field("minors", "0509", "handling_limit", {"value": 1, "unit": "weeks"}),
     "0509", "handling_limit: unknown limit unit 'weeks'"),
    ("minors.json", set_field("minors", "0509", "handling_limit",
                              {"value": 0, "unit": "working_days"}),
     "0509", "handling_limit value must be positive, got 0"),
    ("minors.json", set_field("minors", "0509", "handling_limit",
                              {"value": -4, "unit": "hours"}),
     "0509", "handling_limit value must be positive, got -4"),
    ("minors.json", set_field("minors", "0509", "handling_limit", {"value": "1 day",
                                                                    "unit": "days"}),
     "0509", "handling_limit value must be a number"),
    ("minors.json", set_field("minors", "0509", "handling_limit", {"value": 1}),
     "0509", "missing field 'unit'"),
    ("minors.json", drop_field("minors", "0509", "priority"),
     "0509", "missing field 'priority'"),
    ("departments.json", set_field("departments", "water", "colour", "blue"),
     "water", "colour must be a colour #rrggbb, got 'blue'"),
    ("departments.json", drop_field("departments", "water", "name_zh"),
     "water", "missing field 'name_zh'"),
    ("minors.json", set_field("minors", "0509", "lead_departmnet", "city_mgmt"),
     "0509", "unknown field 'lead_departmnet'"),
    ("majors.json", set_field("majors", "05", "name_en", ""),
     "05", "name_en must be a non-empty string"),
    ("minors.json", set_field("minors", "0509", "required_capabilities",
                              ["streetlight", "teleport"]),
     "0509", "required capability 'teleport' is provided by no unit type"),
    ("unit_types.json", set_field("unit_types", "foot_patrol", "capabilities", []),
     "foot_patrol", "capabilities must not be empty"),
    ("unit_types.json", set_field("unit_types", "tow_truck", "fleet_weight", 0),
     "tow_truck", "fleet_weight must be positive"),
    ("unit_types.json", set_field("unit_types", "tow_truck", "code", "Tow Truck"),
     "Tow Truck", "code must be a lower-case ASCII identifier"),
    ("part_types.json", set_field("part_types", "bin", "attributes",
                                  [{"name": "stream", "kind": "enum"}]),
     "bin", "attribute 'stream': an enum needs choices"),
    ("part_types.json", set_field("part_types", "bin", "attributes",
                                  [{"name": "capacity_l", "kind": "litres"}]),
     "bin", "attribute 'capacity_l': unknown kind 'litres'"),
    ("part_types.json", set_field("part_types", "bin", "attributes",
                                  [{"name": "a", "kind": "int"}, {"name": "a", "kind": "str"}]),
     "bin", "attribute 'a' is defined twice"),
    ("limits.json", lambda d: d["dispatch"].pop("low"),
     "dispatch", "missing limit for 'low'"),
    ("limits.json", lambda d: d["verify"].update(suburban={"value": 1, "unit": "hours"}),
     "verify", "unknown key 'suburban'"),
    ("limits.json", lambda d: d["acknowledge"].update(high={"value": 0, "unit": "minutes"}),
     "acknowledge", "high value must be positive, got 0"),
    ("limits.json", lambda d: d.update(near_due_fraction=1.5),
     "", "near_due_fraction must be a number between 0 and 1"),
    ("calendar.json", lambda d: d.update(working_weekdays=["mon", "funday"]),
     "working_weekdays", "unknown weekday 'funday'"),
    ("calendar.json", lambda d: d.update(periods=[["09:00", "12:00"], ["11:00", "18:00"]]),
     "", "period 11:00-18:00 overlaps or precedes the previous period"),
    ("calendar.json", lambda d: d.update(periods=[["9am", "12:00"]]),
     "periods", "a period must be [\"HH:MM\", \"HH:MM\"]"),
    ("calendar.json", lambda d: d["holidays"].append("2025-02-30"),
     "", "holidays: '2025-02-30' is not an ISO date"),
    ("calendar.json", lambda d: d.update(holidays=["2025-09-28"],
                                         extra_working_days=["2025-09-28"]),
     "", "2025-09-28 is both a holiday and an extra working day"),
    ("majors.json", lambda d: d.update(notes="x"),
     "", "unknown top-level key 'notes'"),
]


@pytest.mark.parametrize(("file", "mutate", "where", "message"), CASES,
                         ids=[f"{c[0]}:{c[3][:40]}" for c in CASES])
def test_each_problem_is_reported(catalogue_dir: Path, file: str, mutate: Mutation,
                                  where: str, message: str) -> None:
    edit(catalogue_dir, file, mutate)
    issues = issues_of(catalogue_dir)
    assert len(issues) == 1, issues
    issue = issues[0]
    assert issue.file == file
    assert issue.entry == where
    assert message in issue.message, issue.message


def test_unknown_major_reference_and_prefix(catalogue_dir: Path) -> None:
    edit(catalogue_dir, "minors.json", set_field("minors", "0509", "major", "99"))
    messages = [(i.file, i.entry, i.message) for i in issues_of(catalogue_dir)]
    assert ("minors.json", "0509", "unknown major class '99' in major") in messages
    assert ("minors.json", "0509", "code 0509 does not start with its major class code '99'") \
        in messages


def test_malformed_json_names_file_and_line(catalogue_dir: Path) -> None:
    path = catalogue_dir / "problems.json"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].rstrip(",")  # drop the comma after the fourth problem
    path.write_text("\n".join(lines), encoding="utf-8")
    issues = issues_of(catalogue_dir)
    assert len(issues) == 1
    assert issues[0].file == "problems.json"
    assert issues[0].line == 6
    assert "malformed JSON at line 6" in issues[0].message
    assert str(issues[0]).startswith("problems.json:6: malformed JSON")


def test_malformed_file_does_not_cascade(catalogue_dir: Path) -> None:
    # With departments.json unreadable, department references cannot be checked and are not
    # reported one by one.
    (catalogue_dir / "departments.json").write_text("{", encoding="utf-8")
    issues = issues_of(catalogue_dir)
    assert [i.file for i in issues] == ["departments.json"]


def test_missing_file(catalogue_dir: Path) -> None:
    (catalogue_dir / "part_types.json").unlink()
    issues = issues_of(catalogue_dir)
    assert [(i.file, i.message) for i in issues] == [("part_types.json", "file is missing")]


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="catalogue directory does not exist"):
        load_catalogue(tmp_path / "nowhere")


def test_wrong_top_level_shape(catalogue_dir: Path) -> None:
    (catalogue_dir / "majors.json").write_text("[]", encoding="utf-8")
    issues = issues_of(catalogue_dir)
    assert [(i.file, i.message) for i in issues] == [
        ("majors.json", 'expected an object {"majors": [...]}')]


def test_minor_without_problems(catalogue_dir: Path) -> None:
    edit(catalogue_dir, "problems.json",
         lambda d: d.update(problems=[p for p in d["problems"] if p["minor"] != "0513"]))
    issues = issues_of(catalogue_dir)
    assert [(i.file, i.entry, i.message) for i in issues] == [
        ("minors.json", "0513", "minor class has no problems")]


def test_major_without_minors(catalogue_dir: Path) -> None:
    edit(catalogue_dir, "majors.json",
         lambda d: d["majors"].append({"code": "11", "name_zh": "其他", "name_en": "Other"}))
    issues = issues_of(catalogue_dir)
    assert [(i.file, i.entry, i.message) for i in issues] == [
        ("majors.json", "11", "major class has no minor classes")]


def test_one_bad_minor_is_reported_once(catalogue_dir: Path) -> None:
    # The bad minor is left out, but its problems still find it: no cascade of
    # "unknown minor class" issues.
    edit(catalogue_dir, "minors.json", set_field("minors", "0510", "priority", "now"))
    issues = issues_of(catalogue_dir)
    assert [(i.file, i.entry) for i in issues] == [("minors.json", "0510")]


def test_every_problem_is_reported_together(catalogue_dir: Path) -> None:
    edit(catalogue_dir, "minors.json", set_field("minors", "0101", "lead_department", "nobody"))
    edit(catalogue_dir, "minors.json", set_field("minors", "0201", "priority", "whenever"))
    edit(catalogue_dir, "part_types.json", set_field("part_types", "camera", "owner_department",
                                                     "spies"))
    edit(catalogue_dir, "limits.json", lambda d: d["verify"].pop("rural"))
    (catalogue_dir / "calendar.json").write_text('{"periods": [}', encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(catalogue_dir)
    error = info.value
    assert [(i.file, i.entry) for i in error.issues] == [
        ("minors.json", "0101"), ("minors.json", "0201"), ("part_types.json", "camera"),
        ("limits.json", "verify"), ("calendar.json", "")]
    text = str(error)
    assert text.startswith(f"invalid catalogue in {catalogue_dir}: 5 problems")
    for line in ("minors.json: 0101: unknown department 'nobody' in lead_department",
                 "part_types.json: camera: unknown owner department 'spies'",
                 "limits.json: verify: missing limit for 'rural'",
                 "calendar.json:1: malformed JSON at line 1"):
        assert line in text


def test_the_copy_itself_is_valid(catalogue_dir: Path) -> None:
    catalogue = load_catalogue(catalogue_dir)
    assert len(catalogue.minors) >= 60
