"""Checking a city file's features together: one city, unique codes and ids, every parent in
the file one level up with a matching code, every unit's and part's grid in the file."""

from __future__ import annotations

from dispatch.adapters.geojson_io.features import FeatureReader
from dispatch.domain.city.codes import scope_prefix
from dispatch.domain.city.model import City, Level, Part, Region, Unit


def assemble(reader: FeatureReader) -> City | None:
    """The city of the features ``reader`` accepted, or None if anything is wrong (each
    problem is added to the reader)."""
    regions: dict[str, Region] = {}
    first: dict[str, int] = {}
    for row in reader.regions:
        r = row.region
        if r.code in regions:
            reader.problem(f"duplicate code {r.code}; first used by feature {first[r.code]}",
                           row.index, r.code)
            continue
        regions[r.code] = r
        first[r.code] = row.index
    cities = [r for r in regions.values() if r.level == Level.CITY]
    if reader.city_features == 0:
        reader.problem("no city: exactly one feature must have level 'city'")
    for r in cities[1:]:
        reader.problem(f"a second city; the file already has city {cities[0].code}",
                       first[r.code], r.code)
    for code, r in regions.items():
        if r.parent is None or r.level == Level.CITY:
            continue
        parent = regions.get(r.parent)
        if parent is None and r.parent in reader.rejected:
            continue
        if parent is None:
            reader.problem(f"parent {r.parent} is not in the file", first[code], code)
            continue
        want = Level(r.level - 1)
        if parent.level != want:
            reader.problem(f"parent {r.parent} is a {parent.level.name.lower()}; a "
                           f"{r.level.name.lower()}'s parent must be a {want.name.lower()}",
                           first[code], code)
        elif not code.startswith(scope_prefix(r.parent)):
            reader.problem(f"code {code} does not start with {scope_prefix(r.parent)}, the "
                           f"prefix of its city {r.parent}" if parent.level == Level.CITY
                           else f"code {code} does not start with its parent's code "
                           f"{r.parent}", first[code], code)
    units: dict[str, Unit] = {}
    for i, u in reader.units:
        if u.id in units:
            reader.problem(f"duplicate unit id {u.id}", i, u.id)
        elif u.home_grid in reader.rejected:
            continue
        elif u.home_grid not in regions or regions[u.home_grid].level != Level.GRID:
            reader.problem(f"home grid {u.home_grid} is not a grid in the file", i, u.id)
        else:
            units[u.id] = u
    parts: dict[str, Part] = {}
    for i, p in reader.parts:
        if p.id in parts:
            reader.problem(f"duplicate part id {p.id}", i, p.id)
        elif p.grid in reader.rejected:
            continue
        elif p.grid not in regions or regions[p.grid].level != Level.GRID:
            reader.problem(f"grid {p.grid} is not a grid in the file", i, p.id)
        else:
            parts[p.id] = p
    if reader.problems or not cities:
        return None
    city = cities[0]
    return City(city.code, city.name, regions, units=units, parts=parts)
