"""Plausible values for parts' attributes (camera models, tree species, ranges, years…),
chosen by the attribute's kind and the words in its name."""

from __future__ import annotations

import random

from dispatch.domain.catalogue.model import AttributeSpec, PartType
from dispatch.services.city_generator.names import STREET_A, STREET_B

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
