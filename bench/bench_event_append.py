"""event_append: events/s appended through the EventStore (JSON encoding, batches of 1,000 in
one transaction, SQLite WAL) against raw SQLAlchemy Core ``executemany`` of the same rows.

Peer, in the same run: the same events through the ``eventsourcing`` library's SQLite
application recorder (bench/peers_eventsourcing.py), at its defaults and with our
``synchronous=NORMAL``. Each path runs twice, alternating with the others, and the faster of
its two runs counts (the machine's phase changes within a run). ``event_append_pg`` does all three on PostgreSQL (ours and raw through
SQLAlchemy and psycopg, the peer through its PostgreSQL recorder) in a scratch database on the
server of ``GRIDLINE_BENCH_PG_URL`` (default: the test server); if that server cannot be
reached the row says so.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bench import peers_eventsourcing as peer
from bench.common import report
from dispatch.adapters.store import EventStore
from dispatch.adapters.store.event_store import event_rows
from dispatch.adapters.store.schema import events as events_table
from dispatch.domain import events as ev

N = 200_000
N_PG = 50_000  # PostgreSQL is slower per row; fewer events keep the row short
BATCH = 1_000
ROUNDS = 2  # each path measured this often, alternating; the best counts
PG_URL = os.environ.get("GRIDLINE_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def make_events(n: int) -> list[ev.Event]:
    rng = random.Random(1)
    out: list[ev.Event] = []
    t = 1_793_721_600.0
    for seq in range(1, n + 1):
        t += rng.random()
        r = rng.random()
        iid = f"E{rng.randrange(1, 50_000):06d}"
        if r < 0.3:
            p: ev.Payload = ev.UnitsMoved(((f"U-police-{seq % 900}", 120.6 + rng.random() / 10,
                                             31.3 + rng.random() / 10),))
        elif r < 0.5:
            p = ev.IncidentReported(iid, "hotline", "010101", "normal", 120.6, 31.3,
                                    "320508001002003", "市民反映路灯不亮，夜间出行不便", "市民",
                                    t + 1800)
        elif r < 0.7:
            p = ev.UnitStatusChanged(f"U-fire-{seq % 300}", "en_route")
        elif r < 0.85:
            p = ev.IncidentDispatched(iid, "city_mgmt", ("police",), ("U-city_mgmt-1",), t + 600,
                                      t + 14_400)
        else:
            p = ev.IncidentNoted(iid, "已电话回访，市民表示满意")
        out.append(ev.Event(seq, t, "disp01", "ws-01", p, f"cmd-{seq}"))
    return out


def ours(url: str, batch: list[ev.Event]) -> float:
    store = EventStore(url)
    t0 = time.perf_counter()
    for i in range(0, len(batch), BATCH):
        store.append(batch[i:i + BATCH])
    dt = time.perf_counter() - t0
    assert store.count() == len(batch)
    store.close()
    return dt


def raw(url: str, batch: list[ev.Event]) -> float:
    store = EventStore(url)  # same schema, same pragmas
    rows = event_rows(batch)  # pre-encoded: the raw path does no work of ours
    t0 = time.perf_counter()
    for i in range(0, len(rows), BATCH):
        with store.engine.begin() as conn:
            conn.execute(insert(events_table), rows[i:i + BATCH])
    dt = time.perf_counter() - t0
    store.close()
    return dt


def main() -> None:
    batch = make_events(N)
    t: dict[str, list[float]] = {"raw": [], "ours": [], "peer": [], "peer_normal": []}
    with tempfile.TemporaryDirectory() as d:
        for r in range(ROUNDS):  # alternating, so a change of the machine's phase hits all
            t["raw"].append(raw(f"sqlite:///{Path(d) / f'raw{r}.sqlite'}", batch))
            t["ours"].append(ours(f"sqlite:///{Path(d) / f'ours{r}.sqlite'}", batch))
            t["peer"].append(peer.sqlite_append(str(Path(d) / f"peer{r}.sqlite"), batch, BATCH))
            t["peer_normal"].append(peer.sqlite_append(
                str(Path(d) / f"peer-normal{r}.sqlite"), batch, BATCH, synchronous="NORMAL"))
    best = {k: min(v) for k, v in t.items()}
    report("event_append", N / best["ours"], "events/s", N / best["raw"],
           target=">= 50,000 events/s and >= 0.5 of raw; ahead of the eventsourcing peer",
           events=N, batch=BATCH, rounds=ROUNDS,
           peer="eventsourcing SQLiteApplicationRecorder",
           peer_rate=round(N / best["peer"]), ratio_to_peer=round(best["peer"] / best["ours"], 3),
           peer_rate_sync_normal=round(N / best["peer_normal"]),
           ratio_to_peer_sync_normal=round(best["peer_normal"] / best["ours"], 3))
    main_pg(batch[:N_PG])


def main_pg(batch: list[ev.Event]) -> None:
    from urllib.parse import urlsplit

    import psycopg

    target = "ahead of the eventsourcing peer (PostgreSQL recorder)"
    u = urlsplit(PG_URL)
    try:
        db_cm = peer.scratch_pg_database(PG_URL)
        name = db_cm.__enter__()
    except psycopg.OperationalError as exc:
        report("event_append_pg", float("nan"), "events/s", None, target=target,
               error=f"PostgreSQL unreachable: {str(exc).splitlines()[0]}")
        return
    t: dict[str, list[float]] = {"raw": [], "ours": [], "peer": []}
    try:
        url = f"postgresql+psycopg://{u.username}@{u.hostname}:{u.port or 5432}/{name}"
        for r in range(ROUNDS):
            for who in ("raw", "ours"):
                store = EventStore(url)  # same database, the table emptied for each
                with store.engine.begin() as conn:
                    conn.execute(events_table.delete())
                store.close()
                t[who].append((raw if who == "raw" else ours)(url, batch))
            t["peer"].append(peer.postgres_append(u.hostname or "127.0.0.1", u.port or 5432,
                                                  u.username or "postgres", name, batch, BATCH,
                                                  table=f"stored_events_{r}"))
    finally:
        db_cm.__exit__(None, None, None)
    n = len(batch)
    best = {k: min(v) for k, v in t.items()}
    report("event_append_pg", n / best["ours"], "events/s", n / best["raw"], target=target,
           events=n, batch=BATCH, rounds=ROUNDS, peer="eventsourcing PostgresApplicationRecorder",
           peer_rate=round(n / best["peer"]), ratio_to_peer=round(best["peer"] / best["ours"], 3))


if __name__ == "__main__":
    main()
