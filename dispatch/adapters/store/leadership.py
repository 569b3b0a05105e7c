"""Leadership of a PostgreSQL pair (or more) of dispatch servers: who may append.

- **The lock**: the leader holds a session-level advisory lock (``pg_try_advisory_lock``) on
  a connection of its own (:class:`LeaderLock`). The connection sets PostgreSQL's
  ``idle_session_timeout`` to the lease and pings well within it, so a leader that stops
  (kill -9, a lost network, SIGSTOP, a frozen VM) loses the lock when PostgreSQL ends the
  session: within the lease, with no clock of ours involved.
- **The epoch**: the one row of ``leadership`` counts leaderships. A new leader increments
  it (:func:`take_leadership`); every append reads it under a row lock in the append's own
  transaction and is refused when it is not the appender's (:func:`check_epoch`), and every
  event stores its epoch. The increment waits for an append in flight to finish, so once a
  new leader holds its epoch no older leader can write: a paused leader that comes back is
  fenced off.
- **Following**: an append notifies ``gridline_events`` (in its transaction, so only once
  committed); a standby listens (:class:`EventListener`) and reads the table.

SQLite has none of this: the embedded default is a single server.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from typing import Any

import psycopg
from sqlalchemy import select, text, update
from sqlalchemy.engine import URL, Connection, Engine, make_url

from dispatch.adapters.store.schema import leadership
from dispatch.services.ports import StoreError

log = logging.getLogger("gridline.leadership")

CHANNEL = "gridline_events"
LOCK_CLASS = 0x67726C  # the advisory lock's first key; the second is the schema's hash
SQLITE_SINGLE = ("SQLite is the single-server embedded store: a hot standby needs PostgreSQL "
                 "(--db-url postgresql+psycopg://…); run one server on SQLite")


class Fenced(StoreError):
    """An append from a leadership that has been replaced: nothing was written."""


def supports_standby(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def holder_name() -> str:
    """Who leads, as logged and stored: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def libpq_url(url: str | URL) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq takes it (its ``options`` such as a search path
    kept)."""
    u = make_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


# ----------------------------------------------------------------------------- the epoch


def check_epoch(conn: Connection, epoch: int, lease_s: float) -> None:
    """In an append's transaction: lock the leadership row (shared) and refuse unless it
    still holds ``epoch``. An open transaction of a paused leader is ended by PostgreSQL
    after ``lease_s`` so it cannot hold back a new leader."""
    ms = max(100, int(lease_s * 1000))
    conn.execute(text(f"SET LOCAL idle_in_transaction_session_timeout = {ms}"))
    current = conn.execute(select(leadership.c.epoch).where(leadership.c.id == 1)
                           .with_for_update(read=True)).scalar_one_or_none()
    if current != epoch:
        raise Fenced(f"this server's leadership (epoch {epoch}) was replaced by epoch "
                     f"{current}: it may not append")


def notify(conn: Connection, seq: int) -> None:
    conn.execute(text("SELECT pg_notify(:ch, :seq)"), {"ch": CHANNEL, "seq": str(seq)})


def take_leadership(engine: Engine, holder: str) -> int:
    """Start a new leadership: the next epoch, stored with its holder; returns it. Waits for
    an append of the previous leader still in flight (it holds the row shared)."""
    try:
        with engine.begin() as conn:
            return int(conn.execute(
                update(leadership).where(leadership.c.id == 1)
                .values(epoch=leadership.c.epoch + 1, holder=holder[:128], since=time.time())
                .returning(leadership.c.epoch)).scalar_one())
    except Exception as exc:
        raise StoreError(f"could not take the leadership: {exc}") from exc


def current_leadership(engine: Engine) -> tuple[int, str, float]:
    """(epoch, holder, since) of the current leadership."""
    with engine.connect() as conn:
        row = conn.execute(select(leadership.c.epoch, leadership.c.holder, leadership.c.since)
                           .where(leadership.c.id == 1)).first()
    return (0, "", 0.0) if row is None else (int(row.epoch), str(row.holder), float(row.since))


# ------------------------------------------------------------------------------ the lock


class LeaderLock:
    """The advisory lock on a connection of its own, with a lease (see the module
    documentation). Once :meth:`try_acquire` has it, a thread pings the connection, and
    ``lost`` is set when the connection (and with it the lock) is gone."""

    def __init__(self, url: str | URL, *, lease_s: float = 5.0, name: str = "gridline") -> None:
        # its connection's application_name is ``<name>-lock`` (pg_stat_activity)
        self.url = libpq_url(url)
        self.lease_s = lease_s
        self.name = name
        self.lost = threading.Event()
        self.held = False
        self._conn: psycopg.Connection[Any] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.backend_pid = 0

    def _connect(self) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self.url, autocommit=True, connect_timeout=5,
                               application_name=f"{self.name}-lock"[:63])
        conn.execute(f"SET idle_session_timeout = {max(200, int(self.lease_s * 1000))}")
        return conn

    def try_acquire(self) -> bool:
        """Take the lock if it is free (True), else False; a connection failure is a
        :class:`StoreError`."""
        if self.held:
            return True
        for attempt in (1, 2):  # a standby busy longer than the lease finds its session ended
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = self._connect()
                    got = self._conn.execute("SELECT pg_backend_pid()").fetchone()
                    self.backend_pid = int(got[0]) if got else 0
                row = self._conn.execute(
                    "SELECT pg_try_advisory_lock(%s, hashtext(current_schema()))",
                    (LOCK_CLASS,)).fetchone()
                break
            except psycopg.Error as exc:
                self._drop()
                if attempt == 2:
                    raise StoreError(f"leader lock: {str(exc).strip().splitlines()[0]}"
                                     ) from exc
        self.held = bool(row and row[0])
        if self.held:  # the lease runs from now: ping it while the server gets ready
            self.start_keepalive()
        return self.held

    def ping(self) -> bool:
        """The lock's connection still answers (keeps its session from the idle timeout)."""
        conn = self._conn
        if conn is None or conn.closed:
            return False
        try:
            conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False

    def start_keepalive(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._keepalive, name="leader-lock",
                                            daemon=True)
            self._thread.start()

    def _keepalive(self) -> None:
        every = self.lease_s / 4
        while not self._stop.wait(every):
            if not self.ping():
                log.warning("leader lock: the connection to PostgreSQL is gone; the lock "
                            "with it")
                self.held = False
                self.lost.set()
                return

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error):
                self._conn.close()
            self._conn = None

    def release(self) -> None:
        """Give the lock up (closing its connection ends the session and the lock)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(2)
        self._drop()
        self.held = False


class EventListener:
    """LISTEN on ``gridline_events``: :meth:`wait` returns when an append was committed or
    after ``timeout_s``."""

    def __init__(self, url: str | URL) -> None:
        try:
            self.conn = psycopg.connect(libpq_url(url), autocommit=True, connect_timeout=5,
                                        application_name="gridline-standby")
            self.conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            raise StoreError(f"listening for events: {exc}") from exc

    def wait(self, timeout_s: float) -> int:
        """How many notifications arrived (0: the time ran out)."""
        n = 0
        try:
            for _ in self.conn.notifies(timeout=timeout_s, stop_after=1):
                n += 1
        except psycopg.Error as exc:
            raise StoreError(f"listening for events: {exc}") from exc
        return n

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self.conn.close()
