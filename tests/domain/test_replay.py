"""Replay rebuilds exactly the live state: at every sequence number the engine was seen at, the
replayed state equals the state recorded live, whichever way the replay got there (from the
store or from a list of events, dense or sparse checkpoints, forward steps, backward and
random seeks, a history folded into a base state). Also timelines, unit tracks, windows."""

from __future__ import annotations

import itertools
import pickle
import random
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from dispatch.adapters.store import EventStore
from dispatch.domain import events as ev
from dispatch.domain.events import event_from_dict, event_to_dict
from dispatch.domain.projection import apply_all
from dispatch.domain.state import DispatchState
from dispatch.services.replay import (
    LANE_DEPARTMENT,
    LANE_INCIDENT,
    LANE_UNIT,
    MemoryEvents,
    Replayer,
    ReplayError,
    StoreEvents,
    changed_between,
    derive,
    iter_history,
    parse_instant,
    store_window,
)
from tests.domain.replay_scenario import Recorded, record_scenario, recorded_fixture
from tests.typed_events import events_of, first_of

recorded = recorded_fixture("replay")


def _all_events(rec: Recorded) -> list[ev.Event]:
    return list(rec.store.read())


def _note_snapshot_decodes(r: Replayer) -> list[int]:
    """Wrap the replayer's store source so that every store snapshot it decodes is noted in
    the list returned (the wrapper replaces the bound method on that one source object)."""
    decoded: list[int] = []
    source: Any = r.source
    snapshot_before = source.snapshot_before

    def noted(i: int) -> tuple[int, DispatchState] | None:
        decoded.append(i)
        got: tuple[int, DispatchState] | None = snapshot_before(i)
        return got

    source.snapshot_before = noted
    return decoded


def test_scenario_covers_every_event_kind(recorded: Recorded) -> None:
    kinds = {e.kind for e in _all_events(recorded)}
    assert kinds == set(ev.PAYLOAD_TYPES)
    assert len(recorded.live) > 1000


def test_scenario_reports_against_parts(recorded: Recorded) -> None:
    """Some reports name a city part, so the replays below carry part references too."""
    parts = [e.payload.part_id for e in _all_events(recorded)
             if isinstance(e.payload, ev.IncidentReported) and e.payload.part_id]
    assert len(parts) >= 10
    assert all(p in recorded.engine.city.parts for p in parts)


def test_store_replay_equals_live_state_at_every_seq(recorded: Recorded) -> None:
    r = Replayer.from_store(recorded.store, since_ts=0, max_checkpoints=8, min_spacing=16)
    assert r.base == DispatchState()
    assert len(r) == recorded.last_seq
    r.prepare()
    assert len(r.checkpoint_positions()) == 8
    for seq, live in recorded.live.items():
        pos = r.position_of_seq(seq)
        assert r.seq_at(pos) == seq
        assert r.state_at(pos) == live, f"replayed state differs at seq {seq}"


def test_forward_steps_and_random_seeks_equal_live(recorded: Recorded) -> None:
    r = Replayer.from_store(recorded.store, since_ts=0, max_checkpoints=12, min_spacing=32)
    # Forward, event by event, like playback: one state, advanced in place.
    state, pos = r.state_at(0), 0
    for seq in sorted(recorded.live):
        target = r.position_of_seq(seq)
        changed_inc, changed_units = r.advance(state, pos, target)
        before = recorded.live.get(r.seq_at(pos))
        if before is not None:
            real_inc, real_units = changed_between(before, state)
            assert changed_inc >= real_inc
            assert changed_units >= real_units
        pos = target
        assert state == recorded.live[seq]
    # Random order (backwards too), without prepare(): checkpoints are taken on the way.
    rng = random.Random(5)
    seqs = sorted(recorded.live)
    for seq in rng.sample(seqs, 150):
        assert r.state_at(r.position_of_seq(seq)) == recorded.live[seq]


def test_checkpoints_never_change(recorded: Recorded) -> None:
    r = Replayer.from_store(recorded.store, since_ts=0, max_checkpoints=6, min_spacing=16)
    r.prepare()
    frozen = pickle.dumps([r._checkpoints[k] for k in sorted(r._checkpoints)])
    rng = random.Random(9)
    for _ in range(40):
        p = rng.randrange(len(r) + 1)
        st = r.state_at(p)
        r.advance(st, p, min(len(r), p + rng.randrange(300)))
        for inc in list(st.incidents.values())[:5]:
            st.incidents[inc.id].description = "changed by a view"  # a private copy
    assert pickle.dumps([r._checkpoints[k] for k in sorted(r._checkpoints)]) == frozen


def test_derived_state_is_copy_on_write(recorded: Recorded) -> None:
    base = recorded.live[recorded.last_seq]
    before = pickle.dumps(base)
    st = derive(base)
    iid = next(iter(st.incidents))
    assert st.incidents.get(iid) is base.incidents[iid]  # shared until written
    st.incidents[iid].priority = "low"
    assert st.incidents.get(iid) is not base.incidents[iid]
    del st.units[next(iter(st.units))]
    assert pickle.dumps(base) == before


def test_sparse_window_uses_store_snapshots_and_equals_live(recorded: Recorded) -> None:
    r = Replayer.from_store(recorded.store, since_ts=0, max_checkpoints=3, min_spacing=8,
                            max_spacing=40, snapshot_cost=50)
    assert r.sparse
    assert r.spacing == 40
    assert r.prepared
    decoded = _note_snapshot_decodes(r)
    rng = random.Random(3)
    for seq in rng.sample(sorted(recorded.live), 120):
        assert r.state_at(r.position_of_seq(seq)) == recorded.live[seq]
    assert len(r.checkpoint_positions()) <= 3
    assert decoded  # far seeks started from the store's snapshots


def test_snapshots_are_chosen_by_cost(recorded: Recorded) -> None:
    """A store snapshot is decoded only when it is nearer than the nearest checkpoint by more
    than it costs; the cost of a rebuild tells a caller whether to play on instead."""
    store = recorded.store
    plain = Replayer.from_store(store, since_ts=0, min_spacing=8, max_spacing=40,
                                snapshot_cost=10**9)
    assert isinstance(plain.source, StoreEvents)
    snaps = plain.source.snapshot_positions()
    assert len(snaps) >= 2
    assert snaps == sorted(snaps)
    assert {plain.seq_at(p) for p in snaps} <= set(store.snapshot_seqs())
    snap = snaps[1]
    target = (snap // 40 + 1) * 40 + 3  # just past the checkpoint after that snapshot
    assert snaps[2] > target if len(snaps) > 2 else True
    for cost, used in ((10, True), (10 * len(plain), False)):
        r = Replayer.from_store(store, since_ts=0, max_checkpoints=3, min_spacing=8,
                                max_spacing=40, snapshot_cost=cost)
        decoded = _note_snapshot_decodes(r)
        assert r.rebuild_cost(target) == (cost + target - snap if used else target)
        assert r.state_at(target) == plain.state_at(target)
        assert bool(decoded) is used
        # the checkpoint taken on the way makes the next rebuild cheap
        assert r.rebuild_cost(target) == 3
    # A snapshot between a checkpoint and the target: the state is made from that snapshot,
    # not from a checkpoint made from the snapshot before it.
    off = next(p for p in snaps[1:] if p % 40 and (p + 2) // 40 == p // 40)
    r = Replayer.from_store(store, since_ts=0, max_checkpoints=3, min_spacing=8,
                            max_spacing=40, snapshot_cost=10)
    decoded = _note_snapshot_decodes(r)
    assert r.rebuild_cost(off + 2) == 12
    assert r.state_at(off + 2) == plain.state_at(off + 2)
    assert decoded == [off + 2]
    # ...and kept (off the grid) for the seeks just after it
    assert r.rebuild_cost(off + 3) == 1
    assert r.state_at(off + 3) == plain.state_at(off + 3)
    assert decoded == [off + 2]


def test_memory_window_and_changed_between(recorded: Recorded) -> None:
    events = _all_events(recorded)
    cut = len(events) // 2
    base = apply_all(DispatchState(), events[:cut])
    base.take_changes()
    r = Replayer.from_events(base, events[cut:], max_checkpoints=5, min_spacing=10)
    r.prepare()
    seqs = [s for s in recorded.live if s >= cut]
    for seq in seqs:
        assert r.state_at(r.position_of_seq(seq)) == recorded.live[seq]
    rng = random.Random(1)
    for _ in range(30):
        a, b = sorted(rng.sample(seqs, 2))
        sa, sb = r.state_at(r.position_of_seq(a)), r.state_at(r.position_of_seq(b))
        inc, units = changed_between(sa, sb)
        assert inc == {k for k in sa.incidents.keys() | sb.incidents.keys()
                       if sa.incidents.get(k) != sb.incidents.get(k)}
        assert units == {k for k in sa.units.keys() | sb.units.keys()
                         if sa.units.get(k) != sb.units.get(k)}


def test_history_pages_fold_into_the_base_state(recorded: Recorded) -> None:
    events = _all_events(recorded)
    dicts = [event_to_dict(e) for e in events]  # what the server's history query returns

    def query(rtype: str, **args: Any) -> dict[str, Any]:
        assert rtype == "history"
        page = [d for d in dicts if d["seq"] > args["after_seq"]][:100]
        more = len(page) == 100 and page[-1]["seq"] < dicts[-1]["seq"]
        return {"events": page, "more": more,
                "next_after_seq": page[-1]["seq"] if page else args["after_seq"]}

    got = list(iter_history(query))
    assert got == events
    since = events[len(events) // 3].ts
    until = events[2 * len(events) // 3].ts
    r = Replayer.from_history(iter_history(query), since_ts=since, until_ts=until)
    first = next(e for e in events if e.ts >= since)
    assert r.start_ts == since
    assert r.end_ts == until
    assert r.state_at(0) == recorded.live[first.seq - 1]
    for seq in recorded.live:
        if r.base.seq <= seq <= r.seq_at(len(r)):
            assert r.state_at(r.position_of_seq(seq)) == recorded.live[seq]
    assert [event_from_dict(d) for d in dicts[:3]] == events[:3]


def test_scoped_history_with_gaps_is_tolerated(recorded: Recorded) -> None:
    events = [e for e in _all_events(recorded)
              if e.kind in ("unit.registered", "units.moved") or e.seq % 7]
    r = Replayer.from_history(events, since_ts=events[500].ts)
    r.state_at(len(r))  # no error: gaps and missing records are skipped
    with pytest.raises(ReplayError):
        Replayer(DispatchState(), MemoryEvents(events[10:20]))


def test_store_windows(recorded: Recorded) -> None:
    store = recorded.store
    events = _all_events(recorded)
    since, until = events[800].ts, events[1200].ts
    first, last, start, end = store_window(store, since_ts=since, until_ts=until)
    assert (start, end) == (since, until)
    assert events[first - 1].ts >= since
    assert events[first - 2].ts < since
    assert events[last - 1].ts <= until
    assert (last == len(events) or events[last].ts > until)
    r = Replayer.from_store(store, since_ts=since, until_ts=until)
    assert r.ts_at(0) == since
    assert r.position_at(until) == len(r)
    assert r.state_at(0) == recorded.live[first - 1]
    # Default: the last day of history (all of it when it is shorter).
    _, last_d, start_d, end_d = store_window(store)
    assert last_d == len(events)
    assert end_d == events[-1].ts
    assert start_d == max(end_d - 86400.0, events[0].ts)
    assert Replayer.from_history(events, since_ts=events[0].ts - 3600,
                                 clamp_start=True).start_ts == events[0].ts
    # The life of one incident.
    iid = first_of(ev.IncidentEscalated, events).payload.incident_id
    mine = [e for e in events if e.incident_id == iid]
    assert store_window(store, incident_id=iid)[:2] == (mine[0].seq, mine[-1].seq)
    r = Replayer.from_store(store, incident_id=iid)
    assert r.incident_positions(iid)[0] == 1
    assert r.incident_positions(iid)[-1] == len(r)
    with pytest.raises(ReplayError, match="no incident"):
        store_window(store, incident_id="E999999")
    with pytest.raises(ReplayError, match="either"):
        store_window(store, incident_id=iid, since_ts=since)
    with pytest.raises(ReplayError, match="before it starts"):
        store_window(store, since_ts=until, until_ts=since)


def test_empty_window(recorded: Recorded) -> None:
    events = _all_events(recorded)
    t = events[-1].ts + 10.0
    r = Replayer.from_store(recorded.store, since_ts=t, until_ts=t + 60)
    assert len(r) == 0
    assert r.state_at(0) == recorded.live[recorded.last_seq]
    assert r.ts_at(0) == t


def test_positions_and_times(recorded: Recorded) -> None:
    r = Replayer.from_store(recorded.store, since_ts=0)
    assert r.position_at(r.ts_at(0) - 1) == 0
    for p in (1, 17, len(r) // 2, len(r)):
        t = r.ts_at(p)
        assert r.event(p).ts == t
        assert r.position_at(t) >= p
        assert r.ts_at(r.position_at(t)) == t
    with pytest.raises(IndexError):
        r.state_at(len(r) + 1)
    with pytest.raises(IndexError):
        r.event(0)
    with pytest.raises(ReplayError):
        r.advance(r.state_at(5), 5, 4)


def test_incident_timeline_has_every_lane_and_marker(recorded: Recorded) -> None:
    r = Replayer.from_store(recorded.store, since_ts=0)
    events = _all_events(recorded)
    escalated = {e.payload.incident_id for e in events_of(ev.IncidentEscalated, events)}
    dispatched = {e.payload.incident_id for e in events_of(ev.IncidentDispatched, events)}
    closed = {e.payload.incident_id for e in events_of(ev.IncidentClosed, events)}
    iid = sorted(escalated & dispatched & closed)[0]
    tl = r.incident_timeline(iid)
    mine = [e for e in events if e.incident_id == iid]
    statuses = [i.value for i in tl.items if i.kind == "status"]
    assert statuses[0] == "reported"
    assert statuses[-1] == "closed"
    assert tl.start_ts == mine[0].ts
    assert any(i.kind == "escalated" for i in tl.items)
    lead = first_of(ev.IncidentDispatched, mine).payload.lead_department
    assert tl.departments[0] == lead
    assert any(i.lane == LANE_DEPARTMENT and i.kind == "lead" and i.key == lead
               for i in tl.items)
    units = {u for e in events_of(ev.IncidentDispatched, mine) for u in e.payload.units}
    assert units <= set(tl.units)
    assert all(any(i.lane == LANE_UNIT and i.key == u and i.kind == "assigned"
                   for i in tl.items) for u in units)
    assert tl.lane_keys()[0] == (LANE_INCIDENT, iid)
    stages = {d.stage for d in tl.deadlines}
    assert {"dispatch", "acknowledge", "handle"} <= stages
    dispatch = next(d for d in tl.deadlines if d.stage == "dispatch")
    first_dispatch = first_of(ev.IncidentDispatched, mine)
    assert dispatch.met_at == first_dispatch.ts
    # Items are in time order; each status span ends where the next starts.
    assert [i.ts for i in tl.items] == sorted(i.ts for i in tl.items)
    spans = [s for s in tl.spans if s.lane == LANE_INCIDENT]
    for a, b in itertools.pairwise(spans):
        assert a.end == b.start
    assert spans[-1].value == "closed"
    assert tl.record is not None
    assert tl.record.id == iid
    # Every marker points at a position whose event has its time.
    for i in tl.items:
        if i.position:
            assert r.ts_at(i.position) == i.ts


def test_timeline_of_incident_open_at_window_start(recorded: Recorded) -> None:
    events = _all_events(recorded)
    mid = len(events) // 2
    live = recorded.live[max(s for s in recorded.live if s <= mid)]
    iid = next(i.id for i in live.incidents.values() if i.is_open and i.units)
    r = Replayer.from_store(recorded.store, since_ts=events[mid].ts)
    tl = r.incident_timeline(iid)
    assert tl.items[0].kind == "start"
    assert tl.start_ts == r.start_ts
    with pytest.raises(ReplayError, match="does not appear"):
        r.incident_timeline("E999999")


def test_unit_tracks_follow_position_reports(recorded: Recorded) -> None:
    r = Replayer.from_store(recorded.store, since_ts=0)
    events = _all_events(recorded)
    moved = events_of(ev.UnitsMoved, events)
    uid = moved[3].payload.rows[0][0]
    expected = [(e.ts, lat, lon) for e in moved for u, lon, lat in e.payload.rows if u == uid]
    registered = next(e for e in events_of(ev.UnitRegistered, events)
                      if e.payload.unit_id == uid)
    tracks = r.unit_tracks([uid])
    assert list(tracks) == [uid]
    assert tracks[uid] == [(registered.ts, registered.payload.lat, registered.payload.lon),
                           *expected]
    # From a later position: starts where the unit was then.
    p = r.position_of_seq(moved[-1].seq)
    later = r.unit_tracks([uid], start=p)[uid]
    u = r.state_at(p).units[uid]
    assert later[0] == (r.ts_at(p), u.lat, u.lon)
    assert len(later) == 1
    # The memory source agrees with the store's filtered query.
    mem = Replayer.from_events(DispatchState(), events)
    assert mem.unit_tracks([uid]) == tracks
    every = mem.unit_tracks()
    assert set(every) == set(recorded.live[recorded.last_seq].units)
    assert every[uid] == tracks[uid]


def test_parse_instant() -> None:
    tz = timezone(timedelta(hours=8))
    assert parse_instant("2026-11-17T10:13", tz) == 1_794_881_580.0
    assert parse_instant("2026-11-17T02:13:00+00:00", tz) == 1_794_881_580.0
    assert parse_instant("2026-11-17", tz) == 1_794_881_580.0 - (10 * 3600 + 13 * 60)
    with pytest.raises(ReplayError, match="ISO"):
        parse_instant("yesterday", tz)


def test_store_needs_history(tmp_path: Path) -> None:
    store = EventStore(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    with pytest.raises(ReplayError, match="empty"):
        Replayer.from_store(store)
    store.close()


def test_replay_on_each_database(store_url: str, catalogue: Any, demo_city: Any) -> None:
    """SQLite and the real PostgreSQL: raw reads, filtered position reports, snapshots."""
    rec = record_scenario(store_url, catalogue, demo_city, steps=300, seed=7,
                          snapshot_every=120)
    try:
        r = Replayer.from_store(rec.store, since_ts=0, max_checkpoints=4, min_spacing=8,
                                max_spacing=30)
        assert r.sparse
        for seq in sorted(rec.live)[::7]:
            assert r.state_at(r.position_of_seq(seq)) == rec.live[seq]
        events = list(rec.store.read())
        uid = first_of(ev.UnitsMoved, events).payload.rows[0][0]
        mem = Replayer.from_events(DispatchState(), events)
        assert r.unit_tracks([uid]) == mem.unit_tracks([uid])
        iid = first_of(ev.IncidentDispatched, events).payload.incident_id
        assert r.incident_positions(iid) == mem.incident_positions(iid)
    finally:
        rec.store.close()
