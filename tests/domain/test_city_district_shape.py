"""The mesh and the district-shape step of the city generator on their own: outlines in,
cells cut to them; cells in, streets, communities and grids out, tiling the district."""

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
from dispatch.services.city_generator.mesh import Mesh, build_mesh
from dispatch.services.city_generator.names import Names
from dispatch.services.city_generator.partition import Spaces, warped_spaces
from dispatch.services.city_generator.specs import CITY_CODE, DISTRICTS, SIZES

SPEC = SIZES["demo"]
GUSU = DISTRICTS["320508"]
LON0, LAT0 = 120.62, 31.30
SQUARE = box(LON0 - 0.02, LAT0 - 0.02, LON0 + 0.02, LAT0 + 0.02)  # about 3.8 × 4.4 km


def mesh_and_spaces(*outlines: shapely.Geometry, cells: int = 1_024) -> tuple[Mesh, Spaces]:
    rng = np.random.default_rng(5)
    shares = [round(cells * o.area / sum(g.area for g in outlines)) for o in outlines]
    mesh = build_mesh(list(outlines or (SQUARE,)), shares or [cells], rng)
    return mesh, warped_spaces(mesh, rng)


def shape(cells: list[int], spaces: Spaces) -> list[Node]:
    return shape_district(GUSU, cells, spaces=spaces, size=SPEC,
                          names=Names(random.Random(5)), rng=np.random.default_rng(5))


def test_the_outline_of_some_cells_gives_back_those_cells() -> None:
    mesh, _ = mesh_and_spaces()
    footprint = list(range(len(mesh)))
    assert mesh.cells_within(mesh.outline(footprint)) == footprint
    some = footprint[: len(footprint) // 3]
    assert mesh.cells_within(mesh.outline(some)) == some


def test_cells_are_cut_to_the_outlines_and_tile_them() -> None:
    # two neighbours with a wavy border and a cell size of their own each
    west = shapely.Polygon([(LON0 - 0.02, LAT0 - 0.02), (LON0 + 0.003, LAT0 - 0.02),
                            (LON0 - 0.004, LAT0), (LON0 + 0.006, LAT0 + 0.02),
                            (LON0 - 0.02, LAT0 + 0.02)])
    east = SQUARE.difference(west)
    mesh, _ = mesh_and_spaces(west, east, cells=600)
    assert shapely.coverage_is_valid(mesh.polygons)  # shared borders, vertex for vertex
    for i, outline in enumerate((west, east)):
        cells = mesh.district_cells(i)
        assert shapely.hausdorff_distance(mesh.outline(cells), outline) < 1e-6
        share = 600 * outline.area / SQUARE.area  # cells by area, here
        assert mesh.weight[cells].sum() == pytest.approx(share, abs=1)
        assert (~mesh.whole[cells]).any()  # some cells are cut...
        assert mesh.whole[cells].any()  # ...most are whole
    for c, nbs in enumerate(mesh.neighbours):
        for nb in nbs:
            assert c in mesh.neighbours[nb]
            assert mesh.district[nb] == mesh.district[c]
            assert shapely.intersection(mesh.polygons[c], mesh.polygons[nb]).length > 0


def test_a_round_outline_is_split_into_streets_communities_and_grids() -> None:
    mesh, spaces = mesh_and_spaces()
    circle = Point(LON0, LAT0).buffer(0.009)  # about 1.7 km across
    nodes = shape(mesh.cells_within(circle), spaces)

    district = nodes[0]
    assert (district.code, district.level, district.parent) == (GUSU.code, Level.DISTRICT,
                                                                 CITY_CODE)
    assert district.cells == mesh.cells_within(circle)
    by_code = {nd.code: nd for nd in nodes}
    levels = Counter(nd.level for nd in nodes)
    # cells count by area: a cut cell counts as the share of a cell it keeps
    assert levels[Level.STREET] == round(mesh.weight[district.cells].sum()
                                         / SPEC.cells_per_street)
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
    geoms = region_geometries(mesh, nodes)
    grids = [geoms[nd.code] for nd in nodes if nd.level == Level.GRID]
    assert shapely.symmetric_difference(shapely.union_all(grids), geoms[GUSU.code]).area < 1e-15
    assert geoms[GUSU.code].geom_type == "Polygon"
    assert geoms[GUSU.code].symmetric_difference(circle).area < 0.15 * circle.area


def test_a_district_in_two_pieces_gets_streets_in_each() -> None:
    left = box(LON0 - 0.02, LAT0 - 0.01, LON0 - 0.001, LAT0 + 0.01)
    right = box(LON0 + 0.001, LAT0 - 0.01, LON0 + 0.02, LAT0 + 0.01)
    mesh, spaces = mesh_and_spaces(shapely.MultiPolygon([left, right]), cells=800)
    nodes = shape(mesh.district_cells(0), spaces)
    geoms = region_geometries(mesh, nodes)
    assert geoms[GUSU.code].geom_type == "MultiPolygon"
    for nd in nodes[1:]:
        assert geoms[nd.code].geom_type == "Polygon", nd.code
    streets = [geoms[nd.code] for nd in nodes if nd.level == Level.STREET]
    assert any(s.within(left) for s in streets)
    assert any(s.within(right) for s in streets)


def test_an_outline_off_the_lattice_is_refused() -> None:
    mesh, spaces = mesh_and_spaces()
    far = box(LON0 + 5, LAT0 + 5, LON0 + 6, LAT0 + 6)
    with pytest.raises(ValueError, match="district 320508 covers no lattice cell"):
        shape(mesh.cells_within(far), spaces)
