"""Patrol coverage on the raster (dispatch.domain.patrol_raster) and the per-day rows of the
read model (dispatch.domain.patrol_days): hand-computed cases, the raster against the exact
buffer, days cut at local midnight, and a day built in batches equal to one built at once."""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest

from dispatch.domain.evaluation_posts import GridWorker, evaluate_grid_workers
from dispatch.domain.patrol import coverage
from dispatch.domain.patrol_days import DayOf, PatrolDay, advance, visits_by_unit
from dispatch.domain.patrol_raster import (
    CELL_M,
    Visits,
    cell_centres,
    grid_area,
    raster_coverage,
    track_cells,
)
from tests.domain.test_evaluation_posts import at_m, square_100m

MIDNIGHT = 1_794_844_800.0  # 2026-11-17 00:00 Beijing time


def raster(points: list[tuple[float, float, float]], grid: Any) -> float:
    return raster_coverage(track_cells(points), grid)


def test_hand_computed_cases_on_the_raster() -> None:
    grid, kx = square_100m()
    assert CELL_M == 10.0
    assert grid_area(grid) == pytest.approx(10_000, rel=1e-6)
    # a walk across the middle: the centres within 30 m are 6 of each column of 10: 0.6
    a, b = at_m(-10, 50, kx), at_m(110, 50, kx)
    assert raster([(0.0, *a), (60.0, *b)], grid) == pytest.approx(0.6)
    # along the west edge: 3 columns of 10 (centres at 5, 15, 25 m): 0.3
    c, d = at_m(0, -50, kx), at_m(0, 150, kx)
    assert raster([(0.0, *c), (60.0, *d)], grid) == pytest.approx(0.3)
    # one report in the middle: the centres within 30 m of (50, 50): 29 of 100 m² each
    # (exact: 0.283)
    m = at_m(50, 50, kx)
    assert raster([(0.0, *m)], grid) == pytest.approx(0.29)
    assert abs(raster([(0.0, *m)], grid) - math.pi * 900 / 10_000) < 0.01
    # far apart in time: two discs, not a band
    p, q = at_m(30, 50, kx), at_m(70, 50, kx)
    assert raster([(0.0, *p), (600.0, *q)], grid) < raster([(0.0, *p), (200.0, *q)], grid)
    assert raster([], grid) == 0.0


def test_the_raster_stays_near_the_exact_buffer() -> None:
    grid, kx = square_100m()
    rng = random.Random(3)
    diffs = []
    for _ in range(150):
        t, pts = 0.0, []
        for _ in range(rng.randint(1, 30)):
            t += rng.choice((30.0, 90.0, 600.0))
            pts.append((t, *at_m(rng.uniform(-40, 140), rng.uniform(-40, 140), kx)))
        diffs.append(abs(coverage(pts, grid) - raster(pts, grid)))
    # the documented bound for a 100 m grid and 10 m cells: a few hundredths
    assert max(diffs) < 0.07
    assert sum(diffs) / len(diffs) < 0.015


def test_a_grid_smaller_than_a_cell_is_passed_whole_or_not_at_all() -> None:
    from shapely.geometry import box

    lon, lat = 120.6, 31.3
    tiny = box(lon, lat, lon + 2e-5, lat + 2e-5)  # ~2 m
    c = tiny.centroid
    assert raster([(0.0, c.x, c.y)], tiny) == 1.0
    assert raster([(0.0, c.x + 0.01, c.y)], tiny) == 0.0  # ~1 km east


def test_cell_centres_are_within_half_a_cell_of_what_made_them() -> None:
    _grid, kx = square_100m()
    m = at_m(50, 50, kx)
    lon, lat = cell_centres(track_cells([(0.0, *m)]))
    d = np.hypot((lon - m[0]) * kx, (lat - m[1]) * 110_574.0)
    assert len(d) == 29
    assert d.max() <= 30.0 + 1e-6


def test_days_are_cut_at_local_midnight_and_joined_within_a_day() -> None:
    day_of = DayOf()
    assert day_of(MIDNIGHT - 1) == MIDNIGHT - 86_400
    assert day_of(MIDNIGHT) == MIDNIGHT
    assert day_of.end_of(MIDNIGHT + 5) == MIDNIGHT + 86_400
    grid, kx = square_100m()
    a, b = at_m(-10, 50, kx), at_m(110, 50, kx)
    # 60 s apart across midnight: two days, each a disc (no band drawn across midnight)
    days = advance({}, [(MIDNIGHT - 30, "U1", *a), (MIDNIGHT + 30, "U1", *b)])
    assert sorted(d.day for d in days) == [MIDNIGHT - 86_400, MIDNIGHT]
    (v,) = visits_by_unit(days).values()
    assert v.points == 2
    assert raster_coverage(v.cells, grid) == pytest.approx(
        raster([(0.0, *a), (600.0, *b)], grid))
    # the same 60 s within one day: the band
    (day,) = advance({}, [(MIDNIGHT + 30, "U1", *a), (MIDNIGHT + 90, "U1", *b)])
    assert raster_coverage(day.cells, grid) == pytest.approx(0.6)


def test_a_day_built_in_batches_equals_the_day_built_at_once() -> None:
    _grid, kx = square_100m()
    rng = random.Random(5)
    reports = []
    t = MIDNIGHT + 3600
    for _ in range(200):
        t += rng.choice((20.0, 60.0, 400.0))
        uid = rng.choice(("U1", "U2", "U3"))
        reports.append((t, uid, *at_m(rng.uniform(-50, 150), rng.uniform(-50, 150), kx)))
    whole = {d.key: d for d in advance({}, reports)}
    stored: dict[tuple[str, float], PatrolDay] = {}
    for i in range(0, len(reports), 37):
        for d in advance(stored, reports[i:i + 37]):
            stored[d.key] = d
    assert stored.keys() == whole.keys()
    for k, d in whole.items():
        assert stored[k].points == d.points
        assert stored[k].last == d.last
        assert np.array_equal(stored[k].cells, d.cells)
    # and each unit's day is the raster of its own track
    for uid in ("U1", "U2", "U3"):
        own = [(r[0], r[2], r[3]) for r in reports if r[1] == uid]
        assert np.array_equal(whole[(uid, MIDNIGHT)].cells, track_cells(own))


def test_grid_workers_take_their_coverage_from_visits() -> None:
    grid, kx = square_100m()
    a, b = at_m(-10, 50, kx), at_m(110, 50, kx)
    w = GridWorker("U-W1", "王网格", "G1")
    visits = {"U-W1": Visits(2, track_cells([(0.0, *a), (60.0, *b)]))}
    (row,) = evaluate_grid_workers([w], [], 0.0, 1000.0, grids={"G1": grid}, visits=visits)
    assert row.counts.patrol_coverage == pytest.approx(0.6)
    assert row.counts.patrol_points == 2
    (none,) = evaluate_grid_workers([w], [], 0.0, 1000.0, grids={"G1": grid}, visits={})
    assert none.counts.patrol_coverage == 0.0
    assert none.counts.patrol_points == 0


def test_a_reports_cells_are_exactly_the_centres_within_30_m() -> None:
    """Lone reports take a row-by-row path, walks a candidate box: both give every centre
    within the buffer and no other (checked against brute force)."""
    from dispatch.domain.patrol_raster import segment_cells

    rng = random.Random(9)
    for _ in range(50):
        lon, lat = 120.5 + rng.random() * 0.3, 31.1 + rng.random() * 0.3
        got, _ = segment_cells(np.array([lon]), np.array([lat]), np.array([lon]),
                               np.array([lat]))
        # a tiny walk (1 mm) goes through the candidate box: the same cells
        box_path, _ = segment_cells(np.array([lon]), np.array([lat]),
                                    np.array([lon + 1e-8]), np.array([lat]))
        assert np.array_equal(np.sort(got), np.sort(box_path))
        clon, clat = cell_centres(np.sort(got))
        kx = 111_320.0 * np.cos(np.radians(clat))
        assert (np.hypot((clon - lon) * kx, (clat - lat) * 110_574.0) <= 30.0 + 1e-6).all()
        ring = track_cells([(0.0, lon, lat), (10.0, lon + 1e-8, lat)])  # the same, joined
        assert np.array_equal(ring, np.sort(got))
