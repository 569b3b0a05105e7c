"""Plausible values for parts' attributes (camera models, tree species, ranges, years…),
chosen by the attribute's kind and the words in its name; and who a part belongs to and who
maintains it, by its type, department and district."""

from __future__ import annotations

import random

from dispatch.domain.catalogue.model import AttributeSpec, Catalogue, PartType
from dispatch.services.city_generator.names import STREET_A, STREET_B
from dispatch.services.city_generator.specs import DISTRICTS

_CAMERA_MODELS = ("海康威视 DS-2CD3T47", "海康威视 DS-2DE4425", "大华 DH-IPC-HFW4433",
                  "大华 DH-SD49425", "宇视 IPC-B314", "天地伟业 TC-C34")
_TREE_SPECIES = ("香樟", "悬铃木", "银杏", "广玉兰", "桂花", "水杉", "榉树", "女贞")
# Numeric attributes by a word in their name: (words, low, high, choices or None).
_NUMERIC: tuple[tuple[tuple[str, ...], float, float, tuple[float, ...] | None], ...] = (
    (("heading", "azimuth", "bearing", "direction"), 0, 359.9, None),
    (("range", "distance"), 30, 150, (30, 50, 80, 100, 120, 150)),
    (("angle", "fov"), 0, 0, (60, 90, 90, 110, 120, 360)),
    (("power",), 0, 0, (60, 100, 150, 250)),
    (("capacity", "volume"), 0, 0, (120, 240, 240, 660)),
    (("outlet",), 0, 0, (65, 100, 150)),
    (("diameter",), 0, 0, (600, 700, 800)),
    (("pressure",), 0.2, 0.6, None),
    (("girth",), 40, 220, None),
    (("height",), 4, 12, None),
    (("length",), 10, 300, None),
    (("area",), 6, 60, None),
    (("routes",), 1, 12, None),
    (("stalls",), 4, 30, None),
    (("phases",), 2, 4, None),
    (("threshold", "lel"), 10, 25, None),
    (("alarm",), 15, 40, None),
    (("year",), 2008, 2024, None),
)


def attribute_value(spec: AttributeSpec, part_type: PartType, rnd: random.Random) -> object:
    """A plausible value for a part attribute, chosen by its kind and name."""
    if spec.kind == "enum" or spec.choices:
        return rnd.choice(spec.choices) if spec.choices else ""
    name = spec.name.lower()
    if spec.kind == "str":
        return _text(name, part_type, rnd)
    value = _numeric(_numeric_rule(name), rnd)
    return round(value) if spec.kind == "int" else round(value, 1)


def _text(name: str, part_type: PartType, rnd: random.Random) -> str:
    if "model" in name:
        if "camera" in part_type.code:
            return rnd.choice(_CAMERA_MODELS)
        return f"{part_type.code[:3].upper()}-{rnd.randint(100, 999)}"
    if "species" in name:
        return rnd.choice(_TREE_SPECIES)
    if name in ("text", "road", "street"):
        return rnd.choice(STREET_A) + rnd.choice(STREET_B) + "路"
    if "stop" in name:
        return rnd.choice(STREET_A) + rnd.choice(STREET_B) + "站"
    if "permit" in name:
        return f"苏广审〔{rnd.randint(2018, 2025)}〕{rnd.randint(1, 999):03d}号"
    if "date" in name or "install" in name:
        return f"{rnd.randint(2008, 2024)}-{rnd.randint(1, 12):02d}"
    return f"{part_type.code[:2].upper()}{rnd.randint(1, 99):02d}-{rnd.randint(1, 999):03d}"


_Rule = tuple[float, float, tuple[float, ...] | None]
_RULES: dict[str, _Rule] = {}


def _numeric_rule(name: str) -> _Rule:
    rule = _RULES.get(name)
    if rule is None:
        rule = next(((lo, hi, ch) for words, lo, hi, ch in _NUMERIC
                     if any(w in name for w in words)), (1.0, 100.0, None))
        _RULES[name] = rule
    return rule


def _numeric(rule: _Rule, rnd: random.Random) -> float:
    low, high, choices = rule
    return float(rnd.choice(choices)) if choices else rnd.uniform(low, high)


# Who a part belongs to (所属单位) and who maintains it (养护单位): by part type, else by its
# owner department; "{d}" is the district's name, "{s}" its short name. The maintainer is one
# of the contractors listed, the same for every part of a type in one street.
_OWNERS_BY_TYPE = {
    "streetlight": "{d}路灯管理所", "bin": "{d}环境卫生管理处",
    "public_toilet": "{d}环境卫生管理处", "tree": "{d}园林绿化管理所",
    "bus_shelter": "苏州市公共交通有限公司{s}分公司", "billboard": "{d}城市管理局",
}
_OWNERS_BY_DEPARTMENT = {
    "city_mgmt": "{d}市政设施管理处", "water": "{d}水务局排水管理所",
    "police": "苏州市公安局{s}分局", "traffic_police": "苏州市公安局交通警察支队{s}大队",
    "fire": "{d}消防救援大队", "transport": "{d}交通运输局",
    "housing": "{d}燃气管理所",
}
_MAINTAINERS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "streetlight": ("苏州市政养护工程有限公司", "苏州{s}照明工程有限公司"),
    "bin": ("苏州{s}环境卫生服务有限公司", "苏州市环卫清运有限公司"),
    "public_toilet": ("苏州{s}环境卫生服务有限公司", "苏州市环卫清运有限公司"),
    "tree": ("苏州{s}园林绿化工程有限公司", "苏州市园林养护工程有限公司"),
    "hydrant": ("苏州市自来水有限公司", "苏州{s}消防设施维保有限公司"),
    "billboard": ("苏州{s}广告设施维护有限公司",),
}
_MAINTAINERS_BY_DEPARTMENT: dict[str, tuple[str, ...]] = {
    "city_mgmt": ("苏州市政养护工程有限公司", "苏州{s}市政工程有限公司"),
    "water": ("苏州市排水有限公司", "苏州{s}水务工程有限公司"),
    "police": ("苏州{s}安防技术服务有限公司", "苏州市智能安防工程有限公司"),
    "traffic_police": ("苏州市交通设施维护有限公司", "苏州{s}交通工程有限公司"),
    "transport": ("苏州公交站务服务有限公司",),
    "housing": ("苏州港城燃气工程有限公司", "苏州{s}燃气设备维护有限公司"),
}


def organisations(part_type: PartType, catalogue: Catalogue, grid: str) -> tuple[str, str]:
    """(所属单位, 养护单位) of a part of ``part_type`` in ``grid``; no random draws, so the rest
    of the city does not depend on them."""
    spec = DISTRICTS.get(grid[:6])
    district, short = (spec.name, spec.short) if spec is not None else ("", "")
    dept = catalogue.departments.get(part_type.owner_department)
    owner = _OWNERS_BY_TYPE.get(part_type.code) or _OWNERS_BY_DEPARTMENT.get(
        part_type.owner_department) or "{d}" + (dept.name_zh if dept else "")
    choices = _MAINTAINERS_BY_TYPE.get(part_type.code) or _MAINTAINERS_BY_DEPARTMENT.get(
        part_type.owner_department) or ("苏州{s}城市设施养护有限公司",)
    street = int(grid[6:9]) if grid[6:9].isdigit() else 0
    maintainer = choices[street % len(choices)]
    return owner.format(d=district, s=short), maintainer.format(d=district, s=short)
