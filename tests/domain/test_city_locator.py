"""Point → grid location: interior points, borders (lowest code wins), points outside."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from dispatch.domain.city.locator import Locator
from dispatch.domain.city.model import City, Level, Region

X0, Y0, STEP = 120.60, 31.30, 0.01


def square_city(reverse: bool = False) -> City:
    """A 2×2 block of grids in one community:

        ...003 | ...004
        -------+-------
        ...001 | ...002
    """
    xs = [X0, X0 + STEP, X0 + 2 * STEP]
    ys = [Y0, Y0 + STEP, Y0 + 2 * STEP]
    whole = box(xs[0], ys[0], xs[2], ys[2])
    regions = [
        Region("320500", "苏州市", Level.CITY, None, whole),
        Region("320508", "姑苏区", Level.DISTRICT, "320500", whole),
        Region("320508001", "双塔街道", Level.STREET, "320508", whole),
        Region("320508001001", "定慧寺社区", Level.COMMUNITY, "320508001", whole),
    ]
    n = 0
    for j in range(2):
        for i in range(2):
            n += 1
            regions.append(Region(f"320508001001{n:03d}", f"第{n:02d}网格", Level.GRID,
                                  "320508001001", box(xs[i], ys[j], xs[i + 1], ys[j + 1])))
    if reverse:
        regions.reverse()
    return City("320500", "苏州市", {r.code: r for r in regions})


@pytest.fixture(params=[False, True], ids=["in-order", "reversed"])
def squares(request: pytest.FixtureRequest) -> City:
    return square_city(reverse=request.param)


G1, G2, G3, G4 = (f"320508001001{n:03d}" for n in range(1, 5))


def test_interior_points(squares: City) -> None:
    loc = Locator(squares)
    assert len(loc) == 4
    assert loc.locate(X0 + 0.005, Y0 + 0.005) == G1
    assert loc.locate(X0 + 0.015, Y0 + 0.005) == G2
    assert loc.locate(X0 + 0.005, Y0 + 0.015) == G3
    assert loc.locate(X0 + 0.015, Y0 + 0.015) == G4


def test_points_on_borders_go_to_the_lowest_code(squares: City) -> None:
    loc = Locator(squares)
    mid = X0 + STEP
    assert loc.locate(mid, Y0 + 0.005) == G1  # edge between 001 and 002
    assert loc.locate(mid, Y0 + 0.015) == G3  # edge between 003 and 004
    assert loc.locate(X0 + 0.015, Y0 + STEP) == G2  # edge between 002 and 004
    assert loc.locate(mid, Y0 + STEP) == G1  # the vertex all four share
    assert loc.locate(X0 + 2 * STEP, Y0 + 2 * STEP) == G4  # outer corner: only 004
    assert loc.locate(X0 + 2 * STEP, Y0 + 0.005) == G2  # outer edge
    lons = [mid, mid, X0 + 0.015, mid, X0 + 2 * STEP]
    lats = [Y0 + 0.005, Y0 + 0.015, Y0 + STEP, Y0 + STEP, Y0 + 2 * STEP]
    assert loc.locate_many(lons, lats) == [G1, G3, G2, G1, G4]


def test_points_outside_are_none(squares: City) -> None:
    loc = Locator(squares)
    assert loc.locate(X0 - 1e-9, Y0 + 0.005) is None
    assert loc.locate(X0 + 0.03, Y0 + 0.03) is None
    assert loc.locate(0.0, 0.0) is None
    assert loc.locate(float("nan"), Y0) is None
    assert loc.locate_many([X0 - 0.1, X0 + 0.005, X0 + 5], [Y0, Y0 + 0.005, Y0]) == [
        None, G1, None]
    assert loc.locate_many([], []) == []
    assert loc.locate_indices([X0 - 0.1, X0 + 0.005], [Y0, Y0 + 0.005]).tolist() == [-1, 0]


def test_locate_many_rejects_mismatched_arrays(squares: City) -> None:
    with pytest.raises(ValueError, match="same length"):
        Locator(squares).locate_many([1.0, 2.0], [3.0])


def test_locator_at_another_level(squares: City) -> None:
    loc = Locator(squares, Level.DISTRICT)
    assert loc.codes == ("320508",)
    assert loc.locate(X0 + 0.015, Y0 + 0.015) == "320508"
    assert loc.locate(X0 - 1, Y0) is None


def test_city_locate_convenience(squares: City) -> None:
    assert squares.locate(X0 + 0.015, Y0 + 0.015) == G4
    assert squares.locate(X0 + STEP, Y0 + STEP) == G1
    assert squares.locate(X0 - 1, Y0) is None
    # reindex drops the cached locator
    squares.regions[G4].geometry = box(X0 + STEP, Y0 + STEP, X0 + 3 * STEP, Y0 + 3 * STEP)
    squares.reindex()
    assert squares.locate(X0 + 0.025, Y0 + 0.025) == G4


def test_demo_city_random_points_match_brute_force(demo_city: City) -> None:
    loc = Locator(demo_city)
    # around 姑苏区, the compact one of the demo's two real districts (虎丘区 is long and thin,
    # so most of the city's bounding box lies outside it)
    minx, miny, maxx, maxy = demo_city.regions["320508"].geometry.bounds
    rng = np.random.default_rng(7)
    lons = rng.uniform(minx - 0.002, maxx + 0.002, 3_000)
    lats = rng.uniform(miny - 0.002, maxy + 0.002, 3_000)
    got = loc.locate_many(lons, lats)
    assert got == [loc.locate(x, y) for x, y in zip(lons, lats, strict=True)]
    grids = sorted(demo_city.grids(), key=lambda r: r.code)
    geoms = np.array([r.geometry for r in grids])
    for x, y, code in list(zip(lons, lats, got, strict=True))[:400]:
        covering = [grids[i].code for i in np.flatnonzero(shapely.covers(geoms, Point(x, y)))]
        assert code == (covering[0] if covering else None)
    assert any(c is None for c in got)
    assert sum(c is not None for c in got) > 1_500


def test_demo_city_shared_vertices_go_to_the_lowest_code(demo_city: City) -> None:
    grids = sorted(demo_city.grids(), key=lambda r: r.code)
    geoms = np.array([r.geometry for r in grids])
    # vertices of a few grids: each is shared by one to four grids
    vertices = np.unique(np.concatenate(
        [shapely.get_coordinates(g) for g in geoms[::25]]), axis=0)
    loc = Locator(demo_city)
    got = loc.locate_many(vertices[:, 0], vertices[:, 1])
    shared = 0
    for (x, y), code in zip(vertices, got, strict=True):
        covering = [grids[i].code for i in np.flatnonzero(shapely.covers(geoms, Point(x, y)))]
        assert covering
        assert code == covering[0]
        shared += len(covering) > 1
    assert shared > len(vertices) // 2
