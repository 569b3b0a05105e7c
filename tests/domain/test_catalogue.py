"""The shipped catalogue: sizes, cross-references and the examples the field articles give."""

from __future__ import annotations

import re

import pytest

from dispatch.adapters.catalogue_loader import default_catalogue, load_catalogue
from dispatch.domain.catalogue import (
    Catalogue,
    LimitUnit,
    Priority,
    TimeLimit,
    WorkingCalendar,
)

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return default_catalogue()


def minor_named(cat: Catalogue, name_zh: str) -> str:
    codes = [m.code for m in cat.minors.values() if m.name_zh == name_zh]
    assert len(codes) == 1, (name_zh, codes)
    return codes[0]


def problem_named(cat: Catalogue, name_zh: str) -> str:
    codes = [p.code for p in cat.problems.values() if p.name_zh == name_zh]
    assert len(codes) == 1, (name_zh, codes)
    return codes[0]


def test_default_catalogue_is_loaded_once(cat: Catalogue) -> None:
    assert default_catalogue() is cat
    again = load_catalogue()
    assert again is not cat
    assert again == cat


def test_sizes(cat: Catalogue) -> None:
    assert 10 <= len(cat.departments) <= 16
    assert len(cat.unit_types) >= 25
    assert len(cat.majors) >= 8
    assert len(cat.minors) >= 60
    assert len(cat.problems) >= 2 * len(cat.minors)
    assert len(cat.part_types) >= 12


def test_major_classes_cover_the_brief(cat: Catalogue) -> None:
    names = {m.name_zh for m in cat.majors.values()}
    for name in ("社会稳定", "生态环境", "安全生产", "公共服务", "城市管理", "社会治安",
                 "消防安全", "应急管理"):
        assert name in names
    # Every major class is realistic in size, not a token entry.
    for major in cat.majors:
        assert sum(m.major == major for m in cat.minors.values()) >= 5, major


def test_department_codes_include_the_core_departments(cat: Catalogue) -> None:
    for code in ("police", "city_mgmt", "emergency", "fire", "environment", "civil_affairs",
                 "market", "housing", "water", "traffic_police", "health", "street_office"):
        assert code in cat.departments
    for d in cat.departments.values():
        assert CJK.search(d.name_zh)
        assert d.name_en.isascii()
        assert d.code.isascii()


def test_class_codes_are_hierarchical(cat: Catalogue) -> None:
    for major in cat.majors.values():
        assert re.fullmatch(r"\d{2}", major.code)
    for minor in cat.minors.values():
        assert re.fullmatch(r"\d{4}", minor.code)
        assert minor.code[:2] == minor.major
        assert minor.major in cat.majors
    for problem in cat.problems.values():
        assert re.fullmatch(r"\d{6}", problem.code)
        assert problem.code[:4] == problem.minor
        assert problem.minor in cat.minors
    assert {p.minor for p in cat.problems.values()} == set(cat.minors)
    assert {m.major for m in cat.minors.values()} == set(cat.majors)


def test_cross_references(cat: Catalogue) -> None:
    capabilities_of: dict[str, set[str]] = {}
    for unit_type in cat.unit_types.values():
        assert unit_type.department in cat.departments
        assert unit_type.capabilities
        assert unit_type.fleet_weight > 0
        capabilities_of.setdefault(unit_type.department, set()).update(unit_type.capabilities)
    for minor in cat.minors.values():
        assert minor.lead_department in cat.departments
        assert set(minor.assist_departments) <= set(cat.departments)
        assert minor.lead_department not in minor.assist_departments
        assert minor.handling_limit.value > 0
        # What a minor class needs is on hand in the departments that work it.
        on_hand = set().union(*(capabilities_of.get(d, set())
                                for d in (minor.lead_department, *minor.assist_departments)))
        assert set(minor.required_capabilities) <= on_hand, minor.code
    for problem in cat.problems.values():
        assert problem.lead_department is None or problem.lead_department in cat.departments
    for part_type in cat.part_types.values():
        assert part_type.owner_department in cat.departments


def test_every_department_leads_something_or_fields_units(cat: Catalogue) -> None:
    leads = {m.lead_department for m in cat.minors.values()}
    fields = {u.department for u in cat.unit_types.values()}
    for code in cat.departments:
        assert code in leads | fields, code


def test_fleet_mix_is_mostly_grid_workers(cat: Catalogue) -> None:
    total = sum(u.fleet_weight for u in cat.unit_types.values())
    share = cat.unit_types["grid_worker"].fleet_weight / total
    assert 0.4 <= share <= 0.7
    # A 26,000-unit city still has every unit type.
    assert all(26_000 * u.fleet_weight / total >= 50 for u in cat.unit_types.values())
    assert {"patrol", "arrest"} <= set(cat.unit_types["patrol_car"].capabilities)
    assert {"fire", "rescue"} <= set(cat.unit_types["fire_engine"].capabilities)
    assert {"gas", "hazmat"} <= set(cat.unit_types["hazmat_team"].capabilities)


def test_realistic_problems_exist(cat: Catalogue) -> None:
    names = {p.name_zh for p in cat.problems.values()} | {m.name_zh for m in cat.minors.values()}
    for name in ("暴露垃圾", "路灯不亮", "井盖缺失", "占道经营", "违章搭建", "燃气泄漏",
                 "积水内涝", "噪声污染", "邻里纠纷", "群体性上访", "消防通道堵塞",
                 "高空坠物隐患", "非法营运", "食品安全", "电梯困人", "拖欠农民工工资"):
        assert name in names, name


def test_handling_limits_from_the_field(cat: Catalogue) -> None:
    streetlights = cat.minors[minor_named(cat, "路灯设施")]
    assert streetlights.handling_limit == TimeLimit(1, LimitUnit.WORKING_DAYS)
    garbage = cat.minors[minor_named(cat, "暴露垃圾")]
    assert garbage.handling_limit == TimeLimit(4, LimitUnit.WORKING_HOURS)
    gas = cat.minors[minor_named(cat, "燃气泄漏")]
    assert gas.priority == Priority.URGENT
    assert gas.handling_limit == TimeLimit(30, LimitUnit.MINUTES)
    assert "gas" in gas.required_capabilities
    assert "fire" in gas.assist_departments
    # Emergencies run on the wall clock; city-management chores on the working calendar.
    for minor in cat.minors.values():
        if minor.priority == Priority.URGENT:
            assert minor.handling_limit.unit in (LimitUnit.MINUTES, LimitUnit.HOURS), minor.code


def test_problem_overrides(cat: Catalogue) -> None:
    three_dark = problem_named(cat, "连续三盏以上路灯不亮")
    assert cat.minor_of(three_dark).code == minor_named(cat, "路灯设施")
    assert cat.priority_of(three_dark) == Priority.HIGH
    assert cat.priority_of(problem_named(cat, "路灯不亮")) == Priority.NORMAL
    assert cat.lead_department_of(problem_named(cat, "路灯不亮")) == "city_mgmt"
    assert cat.lead_department_of(problem_named(cat, "高空抛物")) == "police"
    assert cat.lead_department_of(minor_named(cat, "高空坠物隐患")) == "housing"
    overrides = [p for p in cat.problems.values() if p.priority or p.lead_department]
    assert len(overrides) >= 20
    with pytest.raises(KeyError):
        cat.minor_of("999999")


def test_limit_rules(cat: Catalogue) -> None:
    limits = cat.limits
    assert set(limits.dispatch) == set(Priority) == set(limits.acknowledge)
    assert limits.dispatch[Priority.URGENT] == TimeLimit(10, LimitUnit.MINUTES)
    assert limits.dispatch[Priority.NORMAL] == TimeLimit(30, LimitUnit.MINUTES)
    minutes = [limits.dispatch[p].value for p in (Priority.URGENT, Priority.HIGH,
                                                  Priority.NORMAL, Priority.LOW)]
    assert minutes == sorted(minutes)
    assert limits.verify == {"urban": TimeLimit(1, LimitUnit.HOURS),
                             "rural": TimeLimit(2, LimitUnit.HOURS)}
    assert limits.near_due_fraction == 0.8
    assert all(isinstance(p, Priority) for p in limits.dispatch)


def test_part_types(cat: Catalogue) -> None:
    for code in ("streetlight", "manhole_cover", "camera", "hydrant", "bin", "street_sign",
                 "tree"):
        assert code in cat.part_types
    camera = cat.part_types["camera"]
    attributes = {a.name: a for a in camera.attributes}
    assert {"model", "range_m", "angle_deg", "heading_deg"} <= set(attributes)
    assert attributes["range_m"].kind == "float"
    assert attributes["range_m"].unit == "m"
    assert camera.owner_department == "police"
    assert cat.part_types["hydrant"].owner_department == "fire"
    for part_type in cat.part_types.values():
        for attribute in part_type.attributes:
            assert attribute.kind in ("str", "int", "float", "enum")
            assert bool(attribute.choices) == (attribute.kind == "enum")


def test_working_calendar(cat: Catalogue) -> None:
    default = WorkingCalendar()
    calendar = cat.calendar
    assert (calendar.utc_offset_minutes, calendar.periods, calendar.working_weekdays,
            calendar.hours_per_working_day) == (default.utc_offset_minutes, default.periods,
                                                default.working_weekdays,
                                                default.hours_per_working_day)
    assert "2025-10-01" in calendar.holidays
    assert "2025-09-28" in calendar.extra_working_days
    assert not set(calendar.holidays) & set(calendar.extra_working_days)
