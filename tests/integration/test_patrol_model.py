"""The patrol read model (dispatch.adapters.store.patrol_reads) on SQLite and PostgreSQL: the
engine writes it with the position reports, a period's visits from it equal those made from
the events, it catches up after a lost write or a restart, is rebuilt when its raster
changed, and the evaluation's patrol coverage comes from it."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from dispatch.adapters.bootstrap import open_engine
from dispatch.adapters.server.evaluation_data import patrol_tracks, patrol_visits
from dispatch.adapters.store import EventStore
from dispatch.adapters.store.schema import meta, patrol_days
from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.patrol_days import advance, visits_by_unit
from dispatch.domain.patrol_raster import Visits
from dispatch.domain.roles import Actor, Role
from dispatch.services.engine import DispatchEngine
from dispatch.services.patrol import catch_up_patrol
from tests.conftest import FakeClock

FIELD = Actor("field", Role.FIELD_GATEWAY, workstation="gw")
MIDNIGHT = 1_794_844_800.0  # 2026-11-17 00:00 Beijing time


@pytest.fixture
def store(store_url: str) -> Iterator[EventStore]:
    s = EventStore(store_url)
    yield s
    s.close()


def walk(engine: DispatchEngine, clock: FakeClock, units: list[str], hours: float,
         step_s: float = 60.0) -> None:
    """Each unit walks a little east every ``step_s`` (some steps skipped: lone reports),
    one batch of events per ten steps."""
    t_end = clock.t + hours * 3600
    k = 0
    while clock.t < t_end:
        clock.advance(step_s if k % 7 else 900.0)  # now and then the phone is off
        rows = tuple((uid, 120.60 + 0.002 * n + 1e-4 * (k % 40), 31.30 + 1e-5 * k)
                     for n, uid in enumerate(units))
        engine.execute(cmd.ReportPositions(rows), FIELD, commit=k % 10 == 9)
        k += 1
    engine.commit()


def same(a: dict[str, Visits], b: dict[str, Visits]) -> None:
    assert a.keys() == b.keys()
    for uid in a:
        assert a[uid].points == b[uid].points, uid
        assert np.array_equal(a[uid].cells, b[uid].cells), uid


def from_events(store: EventStore, start: float, end: float, now: float, units: set[str]
                ) -> dict[str, Visits]:
    tracks = patrol_tracks(store, start, end, units)
    reports = sorted((ts, uid, lon, lat) for uid, pts in tracks.items()
                     for ts, lon, lat in pts if ts <= now)
    return visits_by_unit(advance({}, reports))


def test_the_model_is_written_with_the_events_and_reads_like_them(
        store: EventStore, catalogue: Catalogue, demo_city: City) -> None:
    clock = FakeClock(MIDNIGHT - 3 * 3600)  # three hours before midnight: two days
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock)
    units = sorted(engine.state.units)[:6]
    walk(engine, clock, units, hours=6)
    assert store.patrol_seq() == engine.state.seq
    assert store.patrol_days_count() == 2 * len(units)
    unit_set = set(units)
    # whole days from the model, the partial first and last hours from the events
    for start, end, now in ((MIDNIGHT - 86_400, MIDNIGHT + 86_400, clock.t),
                            (MIDNIGHT - 3600, MIDNIGHT + 3600, clock.t),
                            (MIDNIGHT - 86_400, MIDNIGHT + 86_400, MIDNIGHT + 1800),
                            (MIDNIGHT, MIDNIGHT + 86_400, clock.t)):
        got = patrol_visits(store, start, end, now, unit_set)
        assert got is not None
        same(got, from_events(store, start, end, now, unit_set))
    assert patrol_visits(store, MIDNIGHT, MIDNIGHT + 60, MIDNIGHT + 60, set()) is None


def test_a_lost_write_and_a_restart_are_caught_up(
        store: EventStore, catalogue: Catalogue, demo_city: City) -> None:
    clock = FakeClock(MIDNIGHT + 3600)
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock)
    units = sorted(engine.state.units)[:4]
    walk(engine, clock, units, hours=2)
    unit_set = set(units)
    window = (MIDNIGHT, MIDNIGHT + 86_400, clock.t)
    # whole days only from the model: look at a finished day
    clock.t = MIDNIGHT + 86_400 + 60
    engine.execute(cmd.ReportPositions(((units[0], 120.7, 31.4),)), FIELD)
    full = (MIDNIGHT, MIDNIGHT + 86_400, MIDNIGHT + 86_400)
    kept = patrol_visits(store, *full, unit_set)
    assert kept is not None
    assert set(kept) == unit_set
    same(kept, from_events(store, *window, unit_set))
    # the model loses everything (as if its writes never happened): the events remain
    with store.engine.begin() as conn:
        conn.execute(patrol_days.delete())
        conn.execute(meta.delete().where(meta.c.key == "patrol_seq"))
    assert store.patrol_seq() == 0
    # the next batch's write takes in what was missed first
    clock.advance(60)
    engine.execute(cmd.ReportPositions(((units[1], 120.7, 31.4),)), FIELD)
    assert store.patrol_seq() == engine.state.seq
    same(patrol_visits(store, *full, unit_set) or {}, kept)
    # lost again, then a restart: the catch-up rebuilds it from the events
    with store.engine.begin() as conn:
        conn.execute(patrol_days.delete())
        conn.execute(meta.delete().where(meta.c.key == "patrol_seq"))
    reopened = EventStore(store.url)
    try:
        reports = len(reopened.position_reports_after(0))
        assert catch_up_patrol(reopened) == reports
        assert catch_up_patrol(reopened) == 0  # up to date
        same(patrol_visits(reopened, *full, unit_set) or {}, kept)
        # a model made with another raster is cleared and rebuilt whole
        with reopened.engine.begin() as conn:
            conn.execute(meta.update().where(meta.c.key == "patrol_format")
                         .values(value="cells1:15m:30m:300s"))
        assert reopened.patrol_outdated()
        assert catch_up_patrol(reopened) > 0
        assert not reopened.patrol_outdated()
        same(patrol_visits(reopened, *full, unit_set) or {}, kept)
    finally:
        reopened.close()


def test_the_grid_workers_evaluation_reads_the_model(
        store: EventStore, catalogue: Catalogue, demo_city: City) -> None:
    from dispatch.adapters.server.evaluation_data import grid_workers, rows_for
    from dispatch.domain.evaluation import Level

    clock = FakeClock(MIDNIGHT + 8 * 3600)
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock)
    lead = Actor("lead", Role.SHIFT_LEAD, workstation="ws")
    workers = grid_workers(demo_city, lead)[:3]
    assert workers
    for w in workers:  # each worker walks its own grid's middle, a minute apart
        c = demo_city.regions[w.grid].geometry.representative_point()
        for k in range(5):
            clock.advance(60)
            engine.execute(cmd.ReportPositions(((w.unit_id, c.x + 1e-4 * k, c.y),)), FIELD)
    units = {w.unit_id for w in workers}
    start, end, now = MIDNIGHT, MIDNIGHT + 86_400, clock.t
    visits = patrol_visits(store, start, end, now, units)
    rows = rows_for(Level.GRID_WORKER, [], start, end, now, str, workers=workers,
                    city=demo_city, visits=visits)
    exact = rows_for(Level.GRID_WORKER, [], start, end, now, str, workers=workers,
                     city=demo_city, tracks=patrol_tracks(store, start, end, units))
    for r, e in zip(sorted(rows, key=lambda r: r["code"]),
                    sorted(exact, key=lambda r: r["code"]), strict=True):
        assert r["patrol_points"] == e["patrol_points"] == 5
        assert r["patrol_coverage"] > 0
        assert r["patrol_coverage"] == pytest.approx(e["patrol_coverage"], abs=0.05)


def test_cells_are_stored_compactly_and_read_back_exactly() -> None:
    from dispatch.adapters.store.patrol_reads import decode_cells, encode_cells
    from dispatch.domain.patrol_raster import track_cells

    near = track_cells([(0.0, 120.6, 31.3), (60.0, 120.61, 31.31)])
    blob = encode_cells(near)
    assert len(blob) == 9 + 4 * len(near)  # the first code, then int32 offsets
    assert np.array_equal(decode_cells(blob), near)
    far = track_cells([(0.0, 120.6, 31.3), (900.0, 121.6, 32.3)])  # ~150 km apart
    assert np.array_equal(decode_cells(encode_cells(far)), far)
    assert len(encode_cells(far)) == 1 + 8 * len(far)
    assert len(decode_cells(encode_cells(np.empty(0, dtype=np.int64)))) == 0


def test_a_server_writes_the_model_from_a_thread_and_makes_up_a_failed_write(
        store: EventStore, catalogue: Catalogue, demo_city: City,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dispatch.services.ports import StoreError

    clock = FakeClock(MIDNIGHT + 3600)
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock,
                         background_snapshots=True)
    assert engine.patrol is not None
    units = sorted(engine.state.units)[:3]
    real = store.save_patrol
    failures = []

    def flaky(first: int, last: int, reports: object) -> int:
        if not failures:  # the first write fails, as a busy database would
            failures.append(first)
            raise StoreError("database is locked")
        return real(first, last, reports)

    monkeypatch.setattr(store, "save_patrol", flaky)
    try:
        walk(engine, clock, units, hours=1)
        engine.patrol.flush()
        assert failures
        assert store.patrol_seq() == engine.state.seq  # the next write took the lost one in
        unit_set = set(units)
        # the model's rows of the day hold every report of the day, the lost batch's too
        model = visits_by_unit(list(store.patrol_between(MIDNIGHT, MIDNIGHT + 86_400,
                                                         unit_set)))
        same(model, from_events(store, MIDNIGHT, MIDNIGHT + 86_400, clock.t, unit_set))
        assert sum(v.points for v in model.values()) == len(store.position_reports_after(0))
    finally:
        engine.wait_snapshots()
