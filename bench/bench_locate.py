"""Point → grid location on the Suzhou-scale city.

``locate``: seconds for ``Locator.locate_many`` on 100,000 random points over the city's
bounding box (about 8,000 grids). Baseline: a raw shapely ``STRtree.query(points,
predicate="intersects")`` over the same grid polygons and points, in the same run.
``city_generate``: seconds to generate the ``city`` size (no raw counterpart).

    python -m bench.bench_locate
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import shapely

from bench.common import report
from dispatch.adapters.catalogue_loader import default_catalogue
from dispatch.adapters.district_outlines import suzhou_outlines
from dispatch.domain.city.locator import Locator
from dispatch.services.city_generator.generate import generate_city

POINTS = 100_000
REPEATS = 5


def main() -> None:
    t0 = time.perf_counter()
    city = generate_city("city", seed=1, catalogue=default_catalogue(),
                         outlines=suzhou_outlines())
    generate_s = time.perf_counter() - t0

    locator = Locator(city)
    minx, miny, maxx, maxy = city.regions[city.code].geometry.bounds
    rng = np.random.default_rng(2024)
    lons = rng.uniform(minx, maxx, POINTS)
    lats = rng.uniform(miny, maxy, POINTS)

    raw_tree = shapely.STRtree(np.array([r.geometry for r in city.grids()], dtype=object))
    raw_points = shapely.points(lons, lats)

    ours: list[float] = []
    raw: list[float] = []
    found = 0
    for _ in range(REPEATS):
        t = time.perf_counter()
        codes = locator.locate_many(lons, lats)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        raw_tree.query(raw_points, predicate="intersects")
        raw.append(time.perf_counter() - t)
        found = sum(c is not None for c in codes)

    report("locate", statistics.median(ours), "s", baseline=statistics.median(raw),
           target="< 1 s", points=POINTS, grids=len(locator), inside=found)
    report("city_generate", generate_s, "s", baseline=None, target="a few seconds",
           grids=len(locator), units=len(city.units), parts=len(city.parts))


if __name__ == "__main__":
    main()
