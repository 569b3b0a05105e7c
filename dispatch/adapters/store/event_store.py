"""The event store: append-only events, periodic snapshots, the city, on SQLAlchemy 2 Core.

SQLite (the embedded default) runs in WAL mode; one writer appends whole batches in one
transaction. A new SQLite file is created 0600 (its -wal/-shm follow, SQLite gives them the
database's mode). ``read_only=True`` (replay of a file) opens it with ``mode=ro`` and touches
nothing: no WAL switch, no migration; on PostgreSQL every transaction is read-only. PostgreSQL is the multi-workstation deployment. The schema is created and upgraded
by Alembic (:mod:`dispatch.adapters.store.migrations`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import platformdirs
from sqlalchemy import create_engine, delete, event, func, insert, inspect, select
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from dispatch.adapters.private_files import (
    create_private_file,
    ensure_private_dir,
    restrict_sqlite_files,
)
from dispatch.adapters.store.archive_reads import ArchiveReads
from dispatch.adapters.store.event_codec import decode_payload, event_rows
from dispatch.adapters.store.gazetteer_codec import FORMAT as GAZETTEER_FORMAT
from dispatch.adapters.store.gazetteer_codec import decode_gazetteer, encode_gazetteer
from dispatch.adapters.store.leadership import Fenced, check_epoch, notify, take_leadership
from dispatch.adapters.store.migrations import upgrade
from dispatch.adapters.store.patrol_reads import PatrolReads
from dispatch.adapters.store.replay_reads import ReplayReads
from dispatch.adapters.store.schema import cities, events, gazetteers, meta, snapshots
from dispatch.adapters.store.snapshot_codec import FORMAT as SNAPSHOT_FORMAT
from dispatch.adapters.store.snapshot_codec import FORMATS as SNAPSHOT_FORMATS
from dispatch.adapters.store.snapshot_codec import decode_state, encode_state
from dispatch.domain.events import Event
from dispatch.domain.gazetteer import Gazetteer
from dispatch.domain.state import DispatchState
from dispatch.services.ports import CorruptEvent, StoreError

__all__ = ["CorruptEvent", "EventStore", "Fenced", "StoreError", "decode_payload", "default_sqlite_url",
           "event_rows", "make_engine", "read_only_url", "sqlite_file"]


def default_sqlite_url(data_dir: Path | None = None) -> str:
    d = ensure_private_dir(data_dir or Path(platformdirs.user_data_dir("gridline",
                                                                      appauthor=False)))
    return f"sqlite:///{d / 'gridline.sqlite'}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _sqlite_read_only_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=1")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    if u.database.startswith("file:"):
        return None  # already a URI; the caller knows what it asked for
    return Path(u.database)


def read_only_url(url: str) -> URL:
    """``url`` opened without writing: a SQLite file as a ``mode=ro`` URI."""
    u = make_url(url)
    path = sqlite_file(u)
    if path is None:
        return u
    uri = "file:" + quote(str(path.resolve()), safe="/")
    return u.set(database=uri, query={**u.query, "mode": "ro", "uri": "true"})


def make_engine(url: str | URL, *, read_only: bool = False, **kwargs: Any) -> Engine:
    u = make_url(url)
    if read_only:
        u = read_only_url(str(url)) if isinstance(url, str) else u
        if u.get_backend_name() == "postgresql":
            options = u.query.get("options", "")
            options = " ".join(options) if isinstance(options, tuple) else options
            u = u.update_query_dict(
                {"options": f"{options} -c default_transaction_read_only=on".strip()})
    else:
        path = sqlite_file(u)
        if path is not None:
            create_private_file(path)
    engine = create_engine(u, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect",
                     _sqlite_read_only_pragmas if read_only else _sqlite_pragmas)
    return engine


def _row_event(row: Any) -> Event:
    return Event(seq=row.seq, ts=row.ts, operator=row.operator, workstation=row.workstation,
                 command_id=row.command_id or "",
                 payload=decode_payload(row.seq, row.kind, row.data))


class EventStore(ReplayReads, ArchiveReads, PatrolReads):
    """Append and read events, snapshots and the city. One instance per process. It is the
    services' :class:`~dispatch.services.ports.EventLog` and, with the reads of
    :class:`~dispatch.adapters.store.replay_reads.ReplayReads`, their
    :class:`~dispatch.services.ports.ReplayStore`."""

    def __init__(self, url: str, *, migrate: bool = True, read_only: bool = False,
                 **engine_kwargs: Any) -> None:
        self.url = url
        self.read_only = read_only
        # a leader's epoch (None: a single server); set by lead(), fenced once replaced
        self.epoch: int | None = None
        self.lease_s = 5.0
        self.fenced = False
        try:
            self.engine = make_engine(url, read_only=read_only, **engine_kwargs)
            if migrate and not read_only:
                upgrade(self.engine)
            path = None if read_only else sqlite_file(url)
            if path is not None:
                restrict_sqlite_files(path)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the event store at {self.safe_url}: "
                             f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}") from exc

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True) if hasattr(self, "engine") \
            else self.url.split("@")[-1]

    def close(self) -> None:
        self.engine.dispose()

    # ---------------------------------------------------------------------------- events

    def lead(self, holder: str, lease_s: float) -> int:
        """Start a new leadership (PostgreSQL, with the leader lock held): from now on every
        append carries its epoch and is refused once another leadership has begun
        (:mod:`dispatch.adapters.store.leadership`). Returns the epoch."""
        self.epoch = None
        self.fenced = False
        epoch = take_leadership(self.engine, holder)
        self.epoch, self.lease_s = epoch, lease_s
        return epoch

    def append(self, batch: Sequence[Event]) -> None:
        """Write a batch of events in one transaction (all or nothing); a leader's batch only
        while its leadership is the current one (else :class:`Fenced`, nothing written)."""
        if not batch:
            return
        rows = event_rows(batch)
        epoch = self.epoch
        try:
            with self.engine.begin() as conn:
                if epoch is not None:
                    check_epoch(conn, epoch, self.lease_s)
                    for r in rows:
                        r["epoch"] = epoch
                conn.execute(insert(events), rows)
                if epoch is not None:
                    notify(conn, batch[-1].seq)
        except Fenced:
            self.fenced = True
            raise
        except SQLAlchemyError as exc:
            raise StoreError(f"could not store events {batch[0].seq}..{batch[-1].seq}: "
                             f"{str(exc).splitlines()[0]}") from exc

    def last_seq(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(events.c.seq), 0))).scalar_one())

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(events)).scalar_one())

    def read(self, *, after_seq: int = 0, to_seq: int | None = None,
             since_ts: float | None = None, until_ts: float | None = None,
             incident_id: str | None = None, batch_size: int = 5000) -> Iterator[Event]:
        """Events in sequence order, filtered by sequence range, time range and incident."""
        q = select(events).where(events.c.seq > after_seq).order_by(events.c.seq)
        if to_seq is not None:
            q = q.where(events.c.seq <= to_seq)
        if since_ts is not None:
            q = q.where(events.c.ts >= since_ts)
        if until_ts is not None:
            q = q.where(events.c.ts <= until_ts)
        if incident_id is not None:
            q = q.where(events.c.incident_id == incident_id)
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=batch_size).execute(q)
            for row in result:
                yield _row_event(row)

    def seq_at(self, ts: float) -> int:
        """Sequence number of the last event at or before ``ts`` (0 if none)."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(events.c.seq), 0))
                                    .where(events.c.ts <= ts)).scalar_one())

    def command_ids(self, limit: int = 10000) -> list[tuple[str, int, str]]:
        """The most recent (command id, last sequence, operator) triples, oldest first, for
        idempotency (a command id belongs to the operator who used it first)."""
        q = (select(events.c.command_id, func.max(events.c.seq).label("seq"),
                    func.max(events.c.operator).label("operator"))
             .where(events.c.command_id.is_not(None))
             .group_by(events.c.command_id).order_by(func.max(events.c.seq).desc()).limit(limit))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [(r.command_id, int(r.seq), str(r.operator)) for r in reversed(rows)]

    # ------------------------------------------------------------------------- snapshots

    def save_snapshot(self, state: DispatchState) -> int:
        """Store the state as of its sequence; returns the compressed size in bytes."""
        blob = encode_state(state)
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(snapshots).where(snapshots.c.seq == state.seq))
                conn.execute(insert(snapshots).values(seq=state.seq, ts=state.ts,
                                                      created_at=time.time(),
                                                      format=SNAPSHOT_FORMAT, data=blob))
        except SQLAlchemyError as exc:
            raise StoreError(f"could not store snapshot {state.seq}: {exc}") from exc
        return len(blob)

    def latest_snapshot(self, *, at_or_before_seq: int | None = None) -> DispatchState | None:
        """The latest snapshot (at or before ``at_or_before_seq``) this version can read: one
        written with other record fields is passed over for an earlier one (the events are
        the truth; snapshots only save time); None if there is none."""
        q = self._readable_snapshots().order_by(snapshots.c.seq.desc())
        if at_or_before_seq is not None:
            q = q.where(snapshots.c.seq <= at_or_before_seq)
        with self.engine.connect() as conn:
            for seq in conn.execute(q).scalars().all():
                row = conn.execute(select(snapshots.c.data, snapshots.c.format)
                                   .where(snapshots.c.seq == seq)).first()
                if row is None:
                    continue
                try:
                    return decode_state(row.data, row.format)
                except ValueError:
                    continue
        return None

    def snapshot_seqs(self) -> list[int]:
        """Sequence numbers of the snapshots in a format this version reads, in order."""
        with self.engine.connect() as conn:
            return [int(s) for s in conn.execute(
                self._readable_snapshots().order_by(snapshots.c.seq)).scalars()]

    @staticmethod
    def _readable_snapshots() -> Any:
        return select(snapshots.c.seq).where(snapshots.c.format.in_(SNAPSHOT_FORMATS))

    # ------------------------------------------------------------------------- city, meta

    def save_city(self, code: str, name: str, geojson: dict[str, Any]) -> None:
        text = orjson.dumps(geojson).decode()
        with self.engine.begin() as conn:
            conn.execute(delete(cities))
            conn.execute(insert(cities).values(code=code, name=name, geojson=text))

    def load_city_geojson(self) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(cities.c.geojson)).first()
        return None if row is None else orjson.loads(row.geojson)

    def has_tables(self) -> bool:
        """The database has been set up (a read-only store does not migrate)."""
        return inspect(self.engine).has_table("cities")

    # ------------------------------------------------------------------------- gazetteer

    def save_gazetteer(self, city_code: str, gazetteer: Gazetteer, source: str) -> int:
        """Store the city's gazetteer in place of any before (one transaction); ``source``
        says where it came from. Returns the compressed size in bytes."""
        blob = encode_gazetteer(gazetteer)
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(gazetteers))
                conn.execute(insert(gazetteers).values(
                    city_code=city_code, format=GAZETTEER_FORMAT, entries=len(gazetteer),
                    source=source[:256], created_at=time.time(), data=blob))
        except SQLAlchemyError as exc:
            raise StoreError(f"could not store the gazetteer: "
                             f"{str(exc).splitlines()[0]}") from exc
        return len(blob)

    def gazetteer_info(self) -> dict[str, Any] | None:
        """The stored gazetteer's city code, entry count, source and time (not its entries);
        None when there is none (or the database predates gazetteers)."""
        if not inspect(self.engine).has_table("gazetteers"):
            return None
        q = select(gazetteers.c.city_code, gazetteers.c.format, gazetteers.c.entries,
                   gazetteers.c.source, gazetteers.c.created_at)
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        return None if row is None else dict(row._mapping)

    def load_gazetteer(self) -> Gazetteer | None:
        """The stored gazetteer, or None; ValueError when it cannot be read."""
        if not inspect(self.engine).has_table("gazetteers"):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(gazetteers.c.data, gazetteers.c.format)).first()
        return None if row is None else decode_gazetteer(row.data, row.format)

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(meta).where(meta.c.key == key))
            conn.execute(insert(meta).values(key=key, value=value))

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()
