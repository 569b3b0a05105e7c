"""The event store on a real SQLite file and on the real PostgreSQL: append/read, atomic
batches, snapshots, state at any instant, restart rebuilding exactly the same state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dispatch.adapters.bootstrap import open_engine
from dispatch.adapters.store import EventStore, StoreError
from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.errors import DispatchError
from dispatch.domain.events import Event, IncidentNoted
from dispatch.services.engine import DispatchEngine
from dispatch.services.rebuild import state_at
from tests.conftest import FakeClock
from tests.domain.helpers import DISPATCHER, FIELD, free_units, report


def drive(engine: DispatchEngine, clock: FakeClock, n: int = 30) -> dict[int, object]:
    """Run a realistic little shift; return {seq: state copy} after each command."""
    seen: dict[int, object] = {}
    for i in range(n):
        clock.advance(37)
        try:
            iid = report(engine, index=i)
            dept = engine.catalogue.lead_department_of(engine.state.incidents[iid].class_code)
            if i % 3:
                engine.execute(cmd.AssignUnits(iid, free_units(engine, dept)), DISPATCHER)
                engine.execute(cmd.Acknowledge(iid), FIELD)
            if i % 5 == 0:
                engine.execute(cmd.AddNote(iid, f"第{i}次回访"), DISPATCHER)
        except DispatchError:
            pass
        seen[engine.state.seq] = engine.state.copy()
    return seen


def test_append_read_filters(store_url: str, catalogue: Catalogue, demo_city: City) -> None:
    store = EventStore(store_url)
    clock = FakeClock()
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock)
    drive(engine, clock, 12)
    assert store.last_seq() == engine.state.seq == store.count()
    events = list(store.read())
    assert [e.seq for e in events] == list(range(1, engine.state.seq + 1))
    iid = next(iter(engine.state.incidents))
    mine = list(store.read(incident_id=iid))
    assert mine
    assert all(e.incident_id == iid for e in mine)
    t = events[len(events) // 2].ts
    assert all(e.ts <= t for e in store.read(until_ts=t))
    assert store.seq_at(t) == max(e.seq for e in events if e.ts <= t)
    store.close()


def test_batch_is_atomic(store_url: str) -> None:
    store = EventStore(store_url)
    ok = [Event(1, 1.0, "op", "ws", IncidentNoted("E000001", "a"))]
    store.append(ok)
    bad = [Event(2, 2.0, "op", "ws", IncidentNoted("E000001", "b")),
           Event(1, 2.0, "op", "ws", IncidentNoted("E000001", "dup"))]
    with pytest.raises(StoreError, match=r"could not store events 2\.\.1"):
        store.append(bad)
    assert [e.seq for e in store.read()] == [1]
    store.close()


def test_restart_rebuilds_exact_state_and_continues_sequence(store_url: str, catalogue: Catalogue,
                                                             demo_city: City
                                                             ) -> None:
    clock = FakeClock()
    store = EventStore(store_url)
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock,
                         snapshot_every=50)
    drive(engine, clock, 25)
    live = engine.state
    assert store.snapshot_seqs(), "snapshots were taken"
    store.close()

    store2 = EventStore(store_url)
    engine2 = open_engine(store2, catalogue=catalogue, clock=clock)
    assert engine2.state == live
    assert engine2.city.code == engine.city.code
    assert len(engine2.city.regions) == len(
        engine.city.regions)
    before = engine2.state.seq
    report(engine2, index=3)
    assert engine2.state.seq == before + 1 == store2.last_seq()
    store2.close()


def test_state_at_any_instant(store_url: str, catalogue: Catalogue, demo_city: City) -> None:
    clock = FakeClock()
    store = EventStore(store_url)
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock,
                         snapshot_every=40)
    seen = drive(engine, clock, 30)
    for seq, expected in list(seen.items())[::4]:
        assert state_at(store, seq=seq) == expected
    events = list(store.read())
    mid = events[len(events) // 3]
    assert state_at(store, ts=mid.ts).seq == store.seq_at(mid.ts)
    store.close()


def test_snapshot_roundtrip(store_url: str, engine: Any) -> None:
    store = EventStore(store_url)
    report(engine)
    store.save_snapshot(engine.state)
    assert store.latest_snapshot() == engine.state
    assert store.latest_snapshot(at_or_before_seq=engine.state.seq - 1) is None
    store.close()


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the event store"):
        EventStore("postgresql+psycopg://nobody@127.0.0.1:1/none",
                   connect_args={"connect_timeout": 2})
    with pytest.raises(StoreError):
        EventStore(f"sqlite:///{tmp_path}/missing-dir/x/events.sqlite")


def test_background_snapshots_match_the_state_they_were_taken_of(
        store_url: str, catalogue: Catalogue, demo_city: City) -> None:
    clock = FakeClock()
    store = EventStore(store_url)
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock,
                         snapshot_every=30, background_snapshots=True)
    seen = drive(engine, clock, 20)
    engine.wait_snapshots()
    seqs = store.snapshot_seqs()
    assert seqs
    for seq in seqs:
        snap = store.latest_snapshot(at_or_before_seq=seq)
        assert snap is not None
        assert snap.seq == seq
        assert snap == state_at(store, seq=seq)
        if seq in seen:
            assert snap == seen[seq]
    store.close()


def _store_with_a_bad_second_snapshot(store_url: str, catalogue: Catalogue,
                                      demo_city: City) -> tuple[EventStore, int, int]:
    """A store with two snapshots, the later one garbage in a known format, and events after
    both: (store, first snapshot's seq, second snapshot's seq)."""
    from sqlalchemy import update

    from dispatch.adapters.store.schema import snapshots

    clock = FakeClock()
    store = EventStore(store_url)
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock)
    drive(engine, clock, 4)
    store.save_snapshot(engine.state)
    first = engine.state.seq
    drive(engine, clock, 4)
    store.save_snapshot(engine.state)
    second = engine.state.seq
    drive(engine, clock, 2)
    with store.engine.begin() as conn:
        conn.execute(update(snapshots).where(snapshots.c.seq == second)
                     .values(data=b"not a snapshot"))
    return store, first, second


def test_a_seek_planned_from_an_unreadable_snapshot_starts_from_the_one_read(
        store_url: str, catalogue: Catalogue, demo_city: City,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A sparse window's seek planned from a store snapshot that turns out unreadable starts
    from the earlier snapshot the store fell back to: decoded once, not again for a grid
    checkpoint."""
    from dispatch.adapters.store import event_store
    from dispatch.adapters.store.snapshot_codec import decode_state
    from dispatch.services.replay import Replayer

    store, first, second = _store_with_a_bad_second_snapshot(store_url, catalogue, demo_city)
    expected = state_at(store, seq=store.last_seq())
    probe = Replayer.from_store(store, since_ts=0)
    p1, p2, n = probe.position_of_seq(first), probe.position_of_seq(second), len(probe)
    spacing = (p2 - 1) // 2  # the grid checkpoint before the end lies between the snapshots
    assert p1 < 2 * spacing < p2
    assert n < 3 * spacing
    r = Replayer.from_store(store, since_ts=0, min_spacing=1, max_spacing=spacing,
                            max_checkpoints=2, snapshot_cost=0)
    assert r.sparse
    assert r._plan(n)[0] == "snapshot"
    decoded: list[int] = []

    def counting_decode(*a: Any) -> Any:
        st = decode_state(*a)
        decoded.append(st.seq)
        return st

    monkeypatch.setattr(event_store, "decode_state", counting_decode)
    assert r.state_at(n) == expected
    assert decoded == [first]
    store.close()


def test_an_unreadable_snapshot_is_passed_over(store_url: str, catalogue: Catalogue,
                                               demo_city: City) -> None:
    """A snapshot written with other record fields (or of a format this version does not
    read) is passed over for an earlier one, by the store and by a replay's planner alike."""
    from sqlalchemy import insert

    from dispatch.adapters.store.schema import snapshots
    from dispatch.services.replay import Replayer

    store, first, second = _store_with_a_bad_second_snapshot(store_url, catalogue, demo_city)
    with store.engine.begin() as conn:
        conn.execute(insert(snapshots).values(seq=second + 1, ts=0.0, created_at=0.0,
                                              format="future-format", data=b"?"))
    assert store.snapshot_seqs() == [first, second]  # the unknown format is not listed
    snap = store.latest_snapshot()
    assert snap is not None
    assert snap.seq == first
    r = Replayer.from_store(store, since_ts=0, min_spacing=1, max_spacing=1,
                            max_checkpoints=2, snapshot_cost=0)
    source: Any = r.source
    at_second = r.position_of_seq(second)
    assert at_second in source.snapshot_positions()
    assert r.state_at(len(r)) == state_at(store, seq=store.last_seq())
    assert at_second not in source.snapshot_positions()  # not planned from again
    assert r.state_at(len(r) - 1) == state_at(store, seq=store.last_seq() - 1)
    store.close()
