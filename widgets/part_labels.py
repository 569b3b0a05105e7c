"""User-visible names of a city part's values: its type (from the catalogue, in the console's
language), its state, its attributes' names and enum values (translated through Qt, context
``PartCard``) and their values with the catalogue's units."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import Part

CONTEXT = "PartCard"

_STATES = {
    "intact": QT_TRANSLATE_NOOP("PartCard", "Intact"),
    "damaged": QT_TRANSLATE_NOOP("PartCard", "Damaged"),
    "missing": QT_TRANSLATE_NOOP("PartCard", "Missing"),
    "occupied": QT_TRANSLATE_NOOP("PartCard", "Occupied"),
}

# Attribute names of the catalogue's part types (resources/catalogue/part_types.json).
_ATTRIBUTES = {
    "lamp": QT_TRANSLATE_NOOP("PartCard", "Lamp"),
    "power_w": QT_TRANSLATE_NOOP("PartCard", "Power"),
    "pole_height_m": QT_TRANSLATE_NOOP("PartCard", "Pole height"),
    "circuit": QT_TRANSLATE_NOOP("PartCard", "Circuit"),
    "usage": QT_TRANSLATE_NOOP("PartCard", "Usage"),
    "material": QT_TRANSLATE_NOOP("PartCard", "Material"),
    "diameter_mm": QT_TRANSLATE_NOOP("PartCard", "Diameter"),
    "model": QT_TRANSLATE_NOOP("PartCard", "Model"),
    "range_m": QT_TRANSLATE_NOOP("PartCard", "Range"),
    "angle_deg": QT_TRANSLATE_NOOP("PartCard", "Field of view"),
    "heading_deg": QT_TRANSLATE_NOOP("PartCard", "Heading"),
    "mount": QT_TRANSLATE_NOOP("PartCard", "Mount"),
    "kind": QT_TRANSLATE_NOOP("PartCard", "Kind"),
    "outlet_mm": QT_TRANSLATE_NOOP("PartCard", "Outlet"),
    "pressure_mpa": QT_TRANSLATE_NOOP("PartCard", "Pressure"),
    "capacity_l": QT_TRANSLATE_NOOP("PartCard", "Capacity"),
    "stream": QT_TRANSLATE_NOOP("PartCard", "Waste stream"),
    "fill_sensor": QT_TRANSLATE_NOOP("PartCard", "Fill sensor"),
    "text": QT_TRANSLATE_NOOP("PartCard", "Text"),
    "sign_code": QT_TRANSLATE_NOOP("PartCard", "Sign code"),
    "controller": QT_TRANSLATE_NOOP("PartCard", "Controller"),
    "phases": QT_TRANSLATE_NOOP("PartCard", "Phases"),
    "species": QT_TRANSLATE_NOOP("PartCard", "Species"),
    "girth_cm": QT_TRANSLATE_NOOP("PartCard", "Girth"),
    "height_m": QT_TRANSLATE_NOOP("PartCard", "Height"),
    "stop_name": QT_TRANSLATE_NOOP("PartCard", "Stop name"),
    "routes": QT_TRANSLATE_NOOP("PartCard", "Routes"),
    "grade": QT_TRANSLATE_NOOP("PartCard", "Grade"),
    "stalls": QT_TRANSLATE_NOOP("PartCard", "Stalls"),
    "length_m": QT_TRANSLATE_NOOP("PartCard", "Length"),
    "area_m2": QT_TRANSLATE_NOOP("PartCard", "Area"),
    "permit": QT_TRANSLATE_NOOP("PartCard", "Permit"),
    "pressure_class": QT_TRANSLATE_NOOP("PartCard", "Pressure class"),
    "threshold_lel_pct": QT_TRANSLATE_NOOP("PartCard", "Alarm threshold"),
    "alarm_cm": QT_TRANSLATE_NOOP("PartCard", "Alarm level"),
}

# Enum values of those attributes.
_CHOICES = {
    "led": QT_TRANSLATE_NOOP("PartCard", "LED"),
    "sodium": QT_TRANSLATE_NOOP("PartCard", "Sodium"),
    "metal_halide": QT_TRANSLATE_NOOP("PartCard", "Metal halide"),
    "rainwater": QT_TRANSLATE_NOOP("PartCard", "Rainwater"),
    "sewage": QT_TRANSLATE_NOOP("PartCard", "Sewage"),
    "water_supply": QT_TRANSLATE_NOOP("PartCard", "Water supply"),
    "gas": QT_TRANSLATE_NOOP("PartCard", "Gas"),
    "power": QT_TRANSLATE_NOOP("PartCard", "Power cables"),
    "telecom": QT_TRANSLATE_NOOP("PartCard", "Telecom"),
    "heating": QT_TRANSLATE_NOOP("PartCard", "Heating"),
    "cast_iron": QT_TRANSLATE_NOOP("PartCard", "Cast iron"),
    "composite": QT_TRANSLATE_NOOP("PartCard", "Composite"),
    "concrete": QT_TRANSLATE_NOOP("PartCard", "Concrete"),
    "fixed": QT_TRANSLATE_NOOP("PartCard", "Fixed"),
    "ptz": QT_TRANSLATE_NOOP("PartCard", "Pan-tilt-zoom"),
    "dome": QT_TRANSLATE_NOOP("PartCard", "Dome"),
    "above_ground": QT_TRANSLATE_NOOP("PartCard", "Above ground"),
    "underground": QT_TRANSLATE_NOOP("PartCard", "Underground"),
    "wall": QT_TRANSLATE_NOOP("PartCard", "Wall-mounted"),
    "recyclable": QT_TRANSLATE_NOOP("PartCard", "Recyclable"),
    "kitchen": QT_TRANSLATE_NOOP("PartCard", "Kitchen waste"),
    "hazardous": QT_TRANSLATE_NOOP("PartCard", "Hazardous waste"),
    "other": QT_TRANSLATE_NOOP("PartCard", "Other waste"),
    "yes": QT_TRANSLATE_NOOP("PartCard", "Yes"),
    "no": QT_TRANSLATE_NOOP("PartCard", "No"),
    "aluminium": QT_TRANSLATE_NOOP("PartCard", "Aluminium"),
    "steel": QT_TRANSLATE_NOOP("PartCard", "Steel"),
    "enamel": QT_TRANSLATE_NOOP("PartCard", "Enamel"),
    "plastic": QT_TRANSLATE_NOOP("PartCard", "Plastic"),
    "warning": QT_TRANSLATE_NOOP("PartCard", "Warning"),
    "prohibition": QT_TRANSLATE_NOOP("PartCard", "Prohibition"),
    "mandatory": QT_TRANSLATE_NOOP("PartCard", "Mandatory"),
    "guide": QT_TRANSLATE_NOOP("PartCard", "Guide"),
    "low": QT_TRANSLATE_NOOP("PartCard", "Low"),
    "medium": QT_TRANSLATE_NOOP("PartCard", "Medium"),
    "high": QT_TRANSLATE_NOOP("PartCard", "High"),
}

_UNITS_WITHOUT_SPACE = frozenset({"°"})


def _t(text: object) -> str:
    """Translate a string marked with QT_TRANSLATE_NOOP in the card's context."""
    return QCoreApplication.translate(CONTEXT, str(text))


def part_type(catalogue: Catalogue, code: str, language: str) -> str:
    """The part type's name from the catalogue; the code itself for an unknown type."""
    t = catalogue.part_types.get(code)
    if t is None:
        return code
    return t.name_zh if language == "zh" else t.name_en


def state(value: str) -> str:
    text = _STATES.get(value)
    return _t(text) if text is not None else value


def attribute_name(name: str) -> str:
    text = _ATTRIBUTES.get(name)
    return _t(text) if text is not None else name.replace("_", " ").capitalize()


def attribute_value(value: object, unit: str = "") -> str:
    """A value as shown: an enum value translated, a number with the unit of its attribute."""
    if isinstance(value, bool) or value is None:
        return "—" if value is None else _t(_CHOICES["yes" if value else "no"])
    if isinstance(value, int | float):
        text = f"{value:g}" if isinstance(value, float) else str(value)
        if not unit:
            return text
        return text + unit if unit in _UNITS_WITHOUT_SPACE else f"{text} {unit}"
    text = str(value)
    choice = _CHOICES.get(text)
    return _t(choice) if choice is not None else text


def attribute_rows(catalogue: Catalogue, part: Part) -> list[tuple[str, str]]:
    """(name, value) of the part's attributes: the type's in the catalogue's order, then any
    others the part has."""
    specs = catalogue.part_types[part.part_type].attributes \
        if part.part_type in catalogue.part_types else ()
    rows: list[tuple[str, str]] = []
    for spec in specs:
        if spec.name in part.attributes:
            rows.append((attribute_name(spec.name),
                         attribute_value(part.attributes[spec.name], spec.unit)))
    known = {s.name for s in specs}
    for name, value in part.attributes.items():
        if name not in known:
            rows.append((attribute_name(name), attribute_value(value)))
    return rows
