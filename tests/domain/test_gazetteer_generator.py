"""The synthetic gazetteer: deterministic, realistic counts, every entry in its grid, roads
that a basemap can draw, addresses where the geocoder would put them."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
import shapely

from dispatch.adapters.district_outlines import suzhou_outlines
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City, Level
from dispatch.domain.gazetteer import Gazetteer, Geocoder, Kind, house_point
from dispatch.services.city_generator.generate import generate_city
from dispatch.services.gazetteer_generator import generate_gazetteer


@pytest.fixture(scope="module")
def demo_gazetteer(demo_city: City) -> Gazetteer:
    return generate_gazetteer(demo_city, seed=1)


def assert_every_grid_holds_its_point(city: City, gazetteer: Gazetteer) -> None:
    grids = np.array([city.regions[e.grid].geometry for e in gazetteer], dtype=object)
    levels = {city.regions[e.grid].level for e in gazetteer}
    points = shapely.points([e.lon for e in gazetteer], [e.lat for e in gazetteer])
    inside = shapely.intersects(grids, points)
    outside = [e.id for e, ok in zip(gazetteer, inside.tolist(), strict=True) if not ok]
    assert levels == {Level.GRID}
    assert outside == []


def test_same_city_and_seed_same_gazetteer(demo_city: City, demo_gazetteer: Gazetteer) -> None:
    again = generate_gazetteer(demo_city, seed=1)
    assert again.entries == demo_gazetteer.entries
    other = generate_gazetteer(demo_city, seed=2)
    assert other.entries != demo_gazetteer.entries


def test_demo_counts(demo_city: City, demo_gazetteer: Gazetteer) -> None:
    counts = demo_gazetteer.counts()
    levels = Counter(r.level for r in demo_city.regions.values())
    assert counts["district"] == levels[Level.DISTRICT] == 2
    assert counts["street"] == levels[Level.STREET]
    assert counts["community"] == levels[Level.COMMUNITY]
    assert counts["grid"] == levels[Level.GRID]
    assert counts["part"] == len(demo_city.parts)
    assert counts["road"] >= 40
    assert counts["compound"] >= counts["community"]  # at least one per community
    assert counts["building"] >= 10 * counts["compound"] // 2
    assert counts["address"] >= 2_000
    assert counts["poi"] >= 5 * counts["community"]
    assert 6_000 <= len(demo_gazetteer) <= 20_000
    # it grows with the grids, not the area: 虎丘's grids are about four times 姑苏's, yet a
    # grid of either holds a like number of entries
    per_grid = {d: sum(1 for e in demo_gazetteer.entries if e.grid.startswith(d))
                / sum(1 for c, r in demo_city.regions.items()
                      if r.level == Level.GRID and c.startswith(d))
                for d in ("320508", "320505")}
    assert max(per_grid.values()) < 3 * min(per_grid.values()), per_grid
    assert {p.id for p in demo_city.parts.values()} == {e.id for e in demo_gazetteer.of_kind(Kind.PART)}


def test_every_entry_lies_in_its_grid(demo_city: City, demo_gazetteer: Gazetteer) -> None:
    assert_every_grid_holds_its_point(demo_city, demo_gazetteer)


def test_names_are_realistic(demo_gazetteer: Gazetteer) -> None:
    roads = {e.name for e in demo_gazetteer.of_kind(Kind.ROAD)}
    assert {"人民路", "干将路", "观前街"} <= roads  # 姑苏区 takes real names first
    assert len(roads) == sum(1 for _ in demo_gazetteer.of_kind(Kind.ROAD))  # unique
    assert all(n.endswith(("路", "街", "巷", "大道", "弄", "坊", "前", "桥", "湾"))
               for n in roads)
    categories = Counter(e.category for e in demo_gazetteer.of_kind(Kind.POI))
    for cat in ("police", "health_centre", "market", "kindergarten", "bus_stop", "hospital"):
        assert categories[cat] > 0, cat
    compound_names = {e.name for e in demo_gazetteer.of_kind(Kind.COMPOUND)}
    for b in demo_gazetteer.of_kind(Kind.BUILDING):
        compound, _, _ = b.id.rpartition("-")
        assert b.name.startswith(demo_gazetteer[compound].name)
        assert b.name.endswith(("幢", "栋"))
        assert demo_gazetteer[compound].name in compound_names


def test_roads_are_lines_inside_the_city_with_house_numbers(
        demo_city: City, demo_gazetteer: Gazetteer) -> None:
    outline = demo_city.regions[demo_city.code].geometry.buffer(1e-6)
    cx = (demo_city.bounds[0] + demo_city.bounds[2]) / 2
    cy = (demo_city.bounds[1] + demo_city.bounds[3]) / 2
    for road in demo_gazetteer.of_kind(Kind.ROAD):
        assert len(road.line) >= 2
        assert outline.covers(shapely.linestrings(road.line)), road.id
        assert [r.parity for r in road.ranges] == ["odd", "even"]
        assert road.ranges[0].first == 1
        assert road.ranges[1].first == 2
        # numbers run from the end nearer the city centre
        start, end = road.line[0], road.line[-1]
        assert math.dist(start, (cx, cy)) <= math.dist(end, (cx, cy)) + 1e-9


def test_listed_addresses_stand_where_the_geocoder_puts_them(demo_gazetteer: Gazetteer) -> None:
    checked = 0
    for a in list(demo_gazetteer.of_kind(Kind.ADDRESS))[::50]:
        road_id, _, number = a.id.rpartition("-")
        road = demo_gazetteer[road_id]
        assert a.name == f"{road.name}{number}号"
        placed = house_point(road, int(number))
        assert placed is not None
        (lon, lat), _ = placed
        on_line = house_point(road, int(number), 0.0)
        assert on_line is not None
        assert (a.lon, a.lat) in ((round(lon, 7), round(lat, 7)),
                                  (round(on_line[0][0], 7), round(on_line[0][1], 7)))
        checked += 1
    assert checked > 40


def test_the_demo_gazetteer_is_searchable(demo_city: City, demo_gazetteer: Gazetteer) -> None:
    geocoder = Geocoder(demo_gazetteer, locate=demo_city.locate)
    assert geocoder.search("观前街")[0].name == "观前街"
    assert geocoder.search("gqj")[0].name == "观前街"
    top = geocoder.search("人民路5号")[0]
    assert top.name == "人民路5号"
    assert top.number_status in ("listed", "interpolated")
    assert demo_city.regions[top.grid].level == Level.GRID


@pytest.mark.slow
def test_city_size_has_300k_entries_each_in_its_grid(catalogue: Catalogue) -> None:
    city = generate_city("city", seed=1, catalogue=catalogue, outlines=suzhou_outlines())
    gazetteer = generate_gazetteer(city, seed=1)
    counts = gazetteer.counts()
    assert len(gazetteer) >= 300_000
    assert counts["road"] >= 1_000
    assert counts["compound"] >= 4_000
    assert counts["building"] >= 50_000
    assert counts["address"] >= 100_000
    assert counts["poi"] >= 10_000
    assert counts["part"] == len(city.parts)
    assert_every_grid_holds_its_point(city, gazetteer)
