"""The district-shape step of the city generator on its own: a polygon in, streets,
communities and grids out, tiling the lattice cells inside the polygon."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from dispatch.domain.city.model import Level
from dispatch.services.city_generator.district_shape import Node, shape_district
from dispatch.services.city_generator.geometry import region_geometries
from dispatch.services.city_generator.lattice import Lattice
from dispatch.services.city_generator.names import Names
from dispatch.services.city_generator.partition import Spaces, warped_spaces
from dispatch.services.city_generator.specs import (
    CENTRE_LAT,
    CENTRE_LON,
    CITY_CODE,
    DISTRICTS,
    SIZES,
)

SPEC = SIZES["demo"]
GUSU = DISTRICTS["320508"]


def lattice_and_spaces() -> tuple[Lattice, list[int], Spaces]:
    rng = np.random.default_rng(5)
    lattice = Lattice(SPEC, rng)
    footprint = lattice.footprint(SPEC, rng)
    return lattice, footprint, warped_spaces(lattice, rng)


def shape(outline: shapely.Geometry, lattice: Lattice, spaces: Spaces) -> list[Node]:
    return shape_district(GUSU, outline, lattice=lattice, spaces=spaces, size=SPEC,
                          names=Names(random.Random(5)), rng=np.random.default_rng(5))


def test_the_outline_of_some_cells_gives_back_those_cells() -> None:
    lattice, footprint, _ = lattice_and_spaces()
    assert lattice.cells_within(lattice.outline(footprint)) == footprint
    some = footprint[: len(footprint) // 3]
    assert lattice.cells_within(lattice.outline(some)) == some


def test_a_round_outline_is_split_into_streets_communities_and_grids() -> None:
    lattice, _, spaces = lattice_and_spaces()
    circle = Point(CENTRE_LON, CENTRE_LAT).buffer(0.009)  # about 1.7 km across
    nodes = shape(circle, lattice, spaces)

    district = nodes[0]
    assert (district.code, district.level, district.parent) == (GUSU.code, Level.DISTRICT,
                                                                 CITY_CODE)
    assert district.cells == lattice.cells_within(circle)
    by_code = {nd.code: nd for nd in nodes}
    levels = Counter(nd.level for nd in nodes)
    assert levels[Level.STREET] == round(len(district.cells) / SPEC.cells_per_street)
    assert levels[Level.COMMUNITY] >= levels[Level.STREET]
    for level in (Level.STREET, Level.COMMUNITY, Level.GRID):
        group = [nd for nd in nodes if nd.level == level]
        cells = [c for nd in group for c in nd.cells]
        assert sorted(cells) == district.cells, level  # each level tiles the district
        for nd in group:
            parent = by_code[nd.parent or ""]
            assert parent.level == level - 1
            assert nd.code.startswith(parent.code)
            assert set(nd.cells) <= set(parent.cells)
    grid_sizes = [len(nd.cells) for nd in nodes if nd.level == Level.GRID]
    assert 3 <= float(np.median(grid_sizes)) <= 5
    streets = [nd.name for nd in nodes if nd.level == Level.STREET]
    assert streets == list(GUSU.streets[: len(streets)])

    # the polygons tile the district, and the district follows the outline to a cell or so
    geoms = region_geometries(lattice, nodes)
    grids = [geoms[nd.code] for nd in nodes if nd.level == Level.GRID]
    assert shapely.symmetric_difference(shapely.union_all(grids), geoms[GUSU.code]).area < 1e-15
    assert geoms[GUSU.code].geom_type == "Polygon"
    assert geoms[GUSU.code].symmetric_difference(circle).area < 0.15 * circle.area


def test_an_outline_off_the_lattice_is_refused() -> None:
    lattice, _, spaces = lattice_and_spaces()
    far = box(CENTRE_LON + 5, CENTRE_LAT + 5, CENTRE_LON + 6, CENTRE_LAT + 6)
    with pytest.raises(ValueError, match="district 320508 covers no lattice cell"):
        shape(far, lattice, spaces)
