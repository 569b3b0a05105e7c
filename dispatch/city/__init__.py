"""City model, GeoJSON import/export, synthetic generator and point location."""

from dispatch.city.codes import (
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
from dispatch.city.generator import generate_city
from dispatch.city.geojson_io import (
    CityImportError,
    ImportProblem,
    dumps_geojson,
    export_geojson,
    import_geojson,
    load_geojson,
    save_geojson,
)
from dispatch.city.locator import Locator
from dispatch.city.model import City, Level, Part, Region, Unit

__all__ = [
    "City",
    "CityImportError",
    "CodeParts",
    "ImportProblem",
    "Level",
    "Locator",
    "Part",
    "Region",
    "Unit",
    "child_code",
    "dumps_geojson",
    "export_geojson",
    "generate_city",
    "import_geojson",
    "is_valid_code",
    "is_within",
    "level_of",
    "load_geojson",
    "parent_code",
    "parse_code",
    "save_geojson",
    "scope_prefix",
    "validate_code",
]
