"""evaluation_workers_month: seconds for the grid workers' evaluation of a calendar month,
with the month before for the month-on-month comparison, over the city history of
bench_evaluation (1,000,000 events, ~8,000 grids with a worker each): what the server does
for an ``evaluation`` query with ``level=grid_worker, period=month`` from a city-wide
operator — the live and archived incidents, the grid workers, their patrol visits from the
patrol read model (whole days from its rows, the partial days from the events) and the
coverage of each grid on the raster, both months, compared.

Baseline: the raw floor of reading the same position data, the month's ``units.moved`` rows
read with sqlite3 alone (no JSON decoding, no geometry).

Extras: the first query (``first_s``: the grids' areas not yet remembered); the patrol part alone (``patrol_s``: both months' visits read and each grid's
coverage); the same query through the former path (``exact_s``: the month's position events
decoded and each grid's track buffered with GEOS, with ``GRIDLINE_BENCH_EXACT=1`` only: it
takes half a minute or more); the seconds to build the read model from the events
(``catch_up_s``, cold, once) and its size; how far the raster's coverage is from the exact
one on a sample of grids (``sample_max_abs_diff``, ``sample_mean_abs_diff``).
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import time
from datetime import datetime
from typing import Any

from bench.bench_evaluation import LEAD, query
from bench.common import report
from bench.history import START, history_db
from dispatch.adapters.server.evaluation_data import grid_workers, patrol_tracks, patrol_visits
from dispatch.adapters.store import EventStore
from dispatch.domain.evaluation import Level
from dispatch.domain.evaluation_period import CENTRE_TZ, PeriodKind, period_of
from dispatch.domain.patrol import coverage
from dispatch.domain.patrol_raster import raster_coverage
from dispatch.entrypoints.tuning import freeze_long_lived
from dispatch.services.archive import catch_up_archive
from dispatch.services.patrol import catch_up_patrol

EVENTS = int(os.environ.get("GRIDLINE_BENCH_EVENTS", "1000000"))
EXACT = os.environ.get("GRIDLINE_BENCH_EXACT") == "1"
SAMPLES = 3
SAMPLE_GRIDS = 300


def main() -> None:
    path = history_db("city", EVENTS)
    store = EventStore(f"sqlite:///{path}")
    catch_up_archive(store)
    t0 = time.perf_counter()
    taken = catch_up_patrol(store)  # a cached history from before the read model: built once
    catch_up_s = time.perf_counter() - t0 if taken else None
    from dispatch.adapters.bootstrap import open_engine

    engine = open_engine(store, size="city", seed=7)
    state, city = engine.state, engine.city
    freeze_long_lived()
    departments = engine.catalogue.departments
    month = period_of(PeriodKind.MONTH, datetime.fromtimestamp(START + 10 * 86400,
                                                                CENTRE_TZ).date())
    prev = month.previous()
    now = min(month.end, state.ts)
    con = sqlite3.connect(path)
    times: list[float] = []
    raws: list[float] = []
    patrol: list[float] = []
    rows: list[dict[str, object]] = []
    workers = grid_workers(city, LEAD)
    units = {w.unit_id for w in workers}
    for _ in range(SAMPLES):
        t0 = time.perf_counter()
        rows, _, _ = query(state, store, city, departments, Level.GRID_WORKER, month.start,
                           month.end, prev.start, now)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        n = 0
        for (data,) in con.execute("select data from events where kind = 'units.moved' and "
                                   "ts >= ? and ts < ?", (prev.start, month.end)):
            n += len(data)
        raws.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        visits = patrol_visits(store, month.start, month.end, now, units) or {}
        patrol_visits(store, prev.start, month.start, month.start, units)
        grids = {w.grid: city.regions[w.grid].geometry for w in workers}
        for w in workers:
            seen = visits.get(w.unit_id)
            if seen is not None:
                raster_coverage(seen.cells, grids[w.grid])
        patrol.append(time.perf_counter() - t0)
    extra: dict[str, Any] = {}
    if EXACT:
        t0 = time.perf_counter()
        query(state, store, city, departments, Level.GRID_WORKER, month.start, month.end,
              prev.start, now, exact=True)
        extra["exact_s"] = round(time.perf_counter() - t0, 3)
    # the raster against the exact buffer on a sample of workers' grids
    sample = random.Random(7).sample(workers, min(SAMPLE_GRIDS, len(workers)))
    tracks = patrol_tracks(store, month.start, month.end, {w.unit_id for w in sample})
    visits = patrol_visits(store, month.start, month.end, now, {w.unit_id for w in sample}) \
        or {}
    diffs = []
    for w in sample:
        grid = city.regions[w.grid].geometry
        exact = coverage([p for p in tracks.get(w.unit_id, ()) if p[0] <= now], grid)
        seen = visits.get(w.unit_id)
        raster = raster_coverage(seen.cells, grid) if seen is not None else 0.0
        diffs.append(abs(exact - raster))
    size = con.execute("select count(*), coalesce(sum(length(cells)), 0) from patrol_days") \
        .fetchone()
    report("evaluation_workers_month", statistics.median(times), "s", statistics.median(raws),
           target="< 5 s", month=month.label, events=state.seq, workers=len(workers),
           rows=len(rows), samples=SAMPLES, first_s=round(times[0], 3), patrol_s=round(statistics.median(patrol), 3),
           catch_up_s=None if catch_up_s is None else round(catch_up_s, 1),
           model_rows=size[0], model_mb=round(size[1] / 1e6, 1),
           sample_max_abs_diff=round(max(diffs), 4),
           sample_mean_abs_diff=round(statistics.mean(diffs), 5), **extra)
    store.close()


if __name__ == "__main__":
    main()
