"""evaluation_month: seconds for the indicators and ranking of a calendar month, with the
month before for the month-on-month comparison, over a store of 1,000,000 events (city scale,
a month of activity, most incidents archived out of the live state by then): what the server
does for an ``evaluation`` query with ``period=month`` at street level, from a city-wide
operator — copy the live incidents, read the archived records of the two months from the
read model, evaluate both months and compare.

Baseline: the raw floor of the same reads, the archived rows of the two months read with
sqlite3 and unpickled (no records, no evaluation, no live incidents).

The process is tuned as the server's entry point tunes it once bound (the city and the state
frozen out of the collector's passes). Extras: the same query again with the server's cache of archived records (``warm_s``: the
panel, the wall and the report ask for the same month), the other levels' times (cold), the grid-worker level (patrol visits from the patrol read
model, coverage per grid on its raster; bench_evaluation_workers has the details) and the number of incidents evaluated.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import statistics
import time
from datetime import datetime
from typing import Any

from bench.common import report
from bench.history import START, history_db
from dispatch.adapters.server.evaluation_data import (
    ArchiveCache,
    answer_rows,
    grid_workers,
    live_incidents,
    namer,
    patrol_tracks,
    patrol_visits,
    rows_for,
    with_archived,
)
from dispatch.adapters.store import EventStore
from dispatch.domain.city.model import City
from dispatch.domain.evaluation import Level
from dispatch.domain.evaluation_period import CENTRE_TZ, PeriodKind, period_of
from dispatch.domain.roles import Actor, Role
from dispatch.domain.state import DispatchState
from dispatch.entrypoints.tuning import freeze_long_lived
from dispatch.services.archive import catch_up_archive
from dispatch.services.patrol import catch_up_patrol

EVENTS = int(os.environ.get("GRIDLINE_BENCH_EVENTS", "1000000"))
SAMPLES = 5
LEAD = Actor("lead", Role.SHIFT_LEAD, workstation="bench")


def query(state: DispatchState, store: EventStore, city: City, departments: dict[str, Any],
          level: Level, start: float, end: float, prev_start: float, now: float,
          cache: ArchiveCache | None = None, exact: bool = False
          ) -> tuple[list[dict[str, Any]], int, int]:
    """What the server's evaluation query computes (dispatch.adapters.server.queries);
    ``exact``: the grid workers' coverage from the events' tracks (the former path)."""
    live = live_incidents(state, LEAD)
    incidents, archived = with_archived(live, store, prev_start, end, "", cache)
    workers = grid_workers(city, LEAD) if level == Level.GRID_WORKER else []
    units = {w.unit_id for w in workers}
    visits = None if exact else patrol_visits(store, start, end, now, units)
    prev_visits = None if exact else patrol_visits(store, prev_start, start, start, units)
    tracks = patrol_tracks(store, prev_start, end, units) \
        if workers and visits is None else None
    name_of = namer(level, city, departments)
    current = rows_for(level, incidents, start, end, now, name_of, workers=workers,
                       tracks=tracks, city=city, visits=visits)
    previous = rows_for(level, incidents, prev_start, start, start, name_of, workers=workers,
                        tracks=tracks, city=city, visits=prev_visits)
    _, rows = answer_rows(level, current, previous)
    return rows, len(incidents), archived


def main() -> None:
    path = history_db("city", EVENTS)
    store = EventStore(f"sqlite:///{path}")
    catch_up_archive(store)  # a cached store from before the read models
    catch_up_patrol(store)
    from dispatch.adapters.bootstrap import open_engine

    engine = open_engine(store, size="city", seed=7)
    state, city = engine.state, engine.city
    freeze_long_lived()  # as the server's entry point does once it is bound
    departments = engine.catalogue.departments
    month = period_of(PeriodKind.MONTH, datetime.fromtimestamp(START + 10 * 86400,
                                                                CENTRE_TZ).date())
    prev = month.previous()
    now = min(month.end, state.ts)
    times: list[float] = []
    raws: list[float] = []
    rows: list[dict[str, Any]] = []
    n = archived = 0
    con = sqlite3.connect(path)
    for _ in range(SAMPLES):
        t0 = time.perf_counter()
        rows, n, archived = query(state, store, city, departments, Level.STREET, month.start,
                        month.end, prev.start, now)
        times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for (data,) in con.execute("select data from archived_incidents where last_ts >= ? "
                                   "and first_ts < ?", (prev.start, month.end)):
            pickle.loads(data)
        raws.append(time.perf_counter() - t0)
    cache = ArchiveCache()  # the server keeps the archived records it read (a second query)
    query(state, store, city, departments, Level.STREET, month.start, month.end, prev.start,
          now, cache)
    warm: list[float] = []
    for _ in range(SAMPLES):
        t0 = time.perf_counter()
        query(state, store, city, departments, Level.STREET, month.start, month.end,
              prev.start, now, cache)
        warm.append(time.perf_counter() - t0)
    others: dict[str, float] = {"warm_s": round(statistics.median(warm), 3)}
    for level in (Level.DISTRICT, Level.GRID, Level.DEPARTMENT, Level.DISPATCHER,
                  Level.GRID_WORKER):
        t0 = time.perf_counter()
        query(state, store, city, departments, level, month.start, month.end, prev.start, now)
        others[f"{level.value}_s"] = round(time.perf_counter() - t0, 3)
    report("evaluation_month", statistics.median(times), "s", statistics.median(raws),
           target="< 2 s", month=month.label, events=state.seq, incidents=n,
           live=len(state.incidents), archived_read=archived, street_rows=len(rows),
           samples=SAMPLES, **others)
    store.close()


if __name__ == "__main__":
    main()
