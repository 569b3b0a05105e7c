"""Peer for ``event_append``: the same events stored through the ``eventsourcing`` library's
application recorders (SQLite and PostgreSQL), the store a user might pick instead of ours.

Each of our events becomes one ``StoredEvent``: the originator is the record the event is
about (its incident, else its unit, else the operator), the version counts that originator's
events (worked out before the clock starts, as an aggregate would know it), the topic is the
event's kind and the state is the whole event (time, operator, workstation, command id and
payload) encoded with the same JSON encoder our store uses, inside the timed loop as ours is.
``insert_events`` writes a batch in one transaction and gives each event its notification id
(the library's global sequence, as our ``seq``). The recorder runs with its own defaults (for
SQLite: WAL, and SQLite's ``synchronous=FULL``; ours runs ``synchronous=NORMAL``), and the
SQLite peer is also measured with ``synchronous=NORMAL`` for a like-for-like figure.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import orjson

from dispatch.domain import events as ev


def _originator(e: ev.Event) -> str:
    p = e.payload
    iid = getattr(p, "incident_id", None)
    if iid:
        return f"incident-{iid}"
    uid = getattr(p, "unit_id", None)
    if uid:
        return f"unit-{uid}"
    rows = getattr(p, "rows", None)
    if rows:
        return f"unit-{rows[0][0]}"
    return f"operator-{e.operator}"


def versions(batch: Sequence[ev.Event]) -> list[tuple[str, int]]:
    """(originator id, version) of every event, in order."""
    seen: dict[str, int] = {}
    out: list[tuple[str, int]] = []
    for e in batch:
        o = _originator(e)
        v = seen[o] = seen.get(o, 0) + 1
        out.append((o, v))
    return out


def _append(recorder: Any, batch: Sequence[ev.Event], ids: list[tuple[str, int]],
            size: int) -> float:
    from eventsourcing.persistence import StoredEvent

    dumps = orjson.dumps
    to_dict = ev.payload_to_dict
    t0 = time.perf_counter()
    for i in range(0, len(batch), size):
        stored = [StoredEvent(o, v, e.payload.KIND,
                              dumps({"seq": e.seq, "ts": e.ts, "operator": e.operator,
                                     "workstation": e.workstation, "command_id": e.command_id,
                                     "data": to_dict(e.payload)}))
                  for e, (o, v) in zip(batch[i:i + size], ids[i:i + size], strict=True)]
        recorder.insert_events(stored)
    return time.perf_counter() - t0


def sqlite_append(path: str, batch: Sequence[ev.Event], size: int, *,
                  synchronous: str | None = None) -> float:
    """Seconds to store ``batch`` in a new SQLite file through ``SQLiteApplicationRecorder``
    (``synchronous``: a PRAGMA value for its writer connection; None keeps SQLite's)."""
    from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

    ids = versions(batch)
    ds = SQLiteDatastore(path, originator_id_type="text")
    if synchronous is not None:  # a per-connection setting: on every connection the pool opens
        create = ds.pool._create_connection

        def create_with_pragma() -> Any:
            conn = create()
            conn.cursor().execute(f"PRAGMA synchronous={synchronous}")
            return conn

        ds.pool._create_connection = create_with_pragma  # type: ignore[method-assign]  # the pool has no hook for a PRAGMA
    try:
        rec = SQLiteApplicationRecorder(ds)
        rec.create_table()
        dt = _append(rec, batch, ids, size)
        assert rec.max_notification_id() == len(batch)
        return dt
    finally:
        ds.close()


@contextmanager
def scratch_pg_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of ``admin_url`` (a libpq URL), dropped
    afterwards; yields its name."""
    import os

    import psycopg

    name = f"bench_append_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_append(host: str, port: int, user: str, dbname: str,
                    batch: Sequence[ev.Event], size: int, table: str = "stored_events") -> float:
    """Seconds to store ``batch`` through ``PostgresApplicationRecorder`` (its defaults) in a
    new table ``table``."""
    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    ids = versions(batch)
    ds = PostgresDatastore(dbname, host, port, user, "", originator_id_type="text")
    try:
        rec = PostgresApplicationRecorder(ds, events_table_name=table)
        rec.create_table()
        dt = _append(rec, batch, ids, size)
        assert rec.max_notification_id() == len(batch)
        return dt
    finally:
        ds.close()
