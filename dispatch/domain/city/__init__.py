"""City model: regions, codes, parts, units and point location (GeoJSON files:
:mod:`dispatch.adapters.geojson_io`; the synthetic city: :mod:`dispatch.services.city_generator`)."""

from dispatch.domain.city.codes import (
    CodeParts,
    child_code,
    is_valid_code,
    is_within,
    level_of,
    parent_code,
    parse_code,
    scope_prefix,
    validate_code,
)
from dispatch.domain.city.locator import Locator
from dispatch.domain.city.model import City, Level, Part, Region, Unit

__all__ = [
    "City",
    "CodeParts",
    "Level",
    "Locator",
    "Part",
    "Region",
    "Unit",
    "child_code",
    "is_valid_code",
    "is_within",
    "level_of",
    "parent_code",
    "parse_code",
    "scope_prefix",
    "validate_code",
]
