"""A dispatch server of a PostgreSQL pair (or more): a hot standby until it leads, the leader
until it is replaced, then a standby again.

- **Standby**: the state is loaded from the store as a leader would load it and kept warm
  by applying the leader's appends as they are committed (LISTEN ``gridline_events`` and a
  read of the events after the last one held, :meth:`DispatchEngine.follow`). Nothing is
  bound: clients only ever find the leader listening. Every ``POLL_S`` it tries the leader
  lock.
- **Taking over**: with the lock held it starts a new leadership (the next epoch; an append
  of the old leader still in flight finishes first, any later one is refused), reads what
  it has not applied yet, binds the three endpoints on its own address and serves. The
  sequence continues where the old leader stopped; command ids the old leader ran are
  known from the log, so a retry is answered as a duplicate, never applied twice.
- **Stepping down**: a leader whose lock is gone or whose append was refused for its epoch
  stops serving at once (:meth:`DispatchServer.leadership_lost`), closes its sockets and
  becomes a standby again, from the store.

Every change of role is logged (``gridline.leadership``) and announced on standard output
(the ready line when leading, :data:`STANDBY` when following), for the process that
started it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from dispatch.adapters.server.process import STANDBY, Endpoints
from dispatch.adapters.server.server import DispatchServer, open_server
from dispatch.adapters.settings import Settings
from dispatch.adapters.store.event_store import EventStore
from dispatch.adapters.store.leadership import (
    EventListener,
    LeaderLock,
    current_leadership,
    holder_name,
)
from dispatch.services.ports import StoreError

log = logging.getLogger("gridline.leadership")

POLL_S = 0.2  # how often a standby tries the lock (and reads, without a notification)
__all__ = ["STANDBY", "PairedServer", "catch_up"]


def catch_up(server: DispatchServer) -> int:
    """Apply the events stored after the server's state; returns how many."""
    assert server.store is not None
    engine = server.engine
    n = engine.follow(server.store.read(after_seq=engine.state.seq))
    engine.state.take_changes()  # nothing is published by a standby; forget the changes
    return n


class PairedServer:
    """Runs one server of a PostgreSQL pair until :meth:`stop` (see the module
    documentation). ``on_ready(endpoints, seq)`` when it starts leading, ``on_standby(seq,
    holder)`` when it starts following."""

    def __init__(self, settings: Settings, *,
                 on_ready: Callable[[Endpoints, int], None] = lambda _e, _s: None,
                 on_standby: Callable[[int, str], None] = lambda _s, _h: None,
                 open_store: Callable[[str], EventStore] = EventStore) -> None:
        self.settings = settings
        self.on_ready = on_ready
        self.on_standby = on_standby
        self.open_store = open_store
        self._stop = threading.Event()
        self.server: DispatchServer | None = None
        self.leaderships = 0
        self.terms = 0  # roles taken (leading or following)
        # a server that stepped down leaves the lock to the standbys for a lease
        self._contend_after = 0.0
        self.holder = holder_name()

    def stop(self) -> None:
        """Stop following or serving (thread- and signal-safe)."""
        self._stop.set()
        server = self.server
        if server is not None:
            server.stop()

    def run(self) -> int:
        """Lead or follow until stopped; returns the exit code (0)."""
        while not self._stop.is_set():
            try:
                self._one_term()
            except Exception as exc:  # a boundary: the database may come back
                if not self.terms:
                    raise  # never started: the caller reports it
                if isinstance(exc, StoreError):
                    log.error("%s; trying again", exc)
                else:
                    log.exception("leading or following failed; trying again")
                self._stop.wait(1.0)
        return 0

    # ---------------------------------------------------------------------------- terms

    def _one_term(self) -> None:
        """Follow (if another leads) and lead once; returns when stepped down or stopped."""
        s = self.settings
        store = self.open_store(s.database_url)
        lock = LeaderLock(store.url, lease_s=s.leader_lease_s, name=f"gridline-{os.getpid()}")
        server: DispatchServer | None = None
        try:
            if not s.standby and self._may_contend() and lock.try_acquire():
                self._lead(store, lock)
                server = open_server(s, store=store)
            else:  # --standby: follow first (it leads only once the database is set up)
                server = self._follow(store, lock)
                if server is None:
                    return
            self.server = server
            server.lease = lock
            if self._stop.is_set():
                server.stop()
            endpoints = server.bind()
            seq = server.engine.state.seq
            log.warning("leading: epoch %s, serving on %s from sequence %d",
                        store.epoch, endpoints.command, seq)
            self.on_ready(endpoints, seq)
            server.serve_forever()
            if server.stepped_down:
                self._contend_after = time.monotonic() + s.leader_lease_s
                log.warning("stepped down from epoch %s: %s; following again", store.epoch,
                            server.stepped_down)
        finally:
            self.server = None
            lock.release()
            if server is not None:
                server.shutdown()  # once only: after serve_forever it has already run
            else:
                store.close()

    def _may_contend(self) -> bool:
        return time.monotonic() >= self._contend_after

    def _lead(self, store: EventStore, lock: LeaderLock) -> int:
        epoch = store.lead(self.holder, lock.lease_s)
        self.leaderships += 1
        self.terms += 1
        return epoch

    def _follow(self, store: EventStore, lock: LeaderLock) -> DispatchServer | None:
        """Follow the leader until the lock is ours; the server (not bound) with its state
        caught up under the new epoch, or None when stopped."""
        s = self.settings
        while store.load_city_geojson() is None:  # a new database: the leader sets it up
            if not s.standby and self._may_contend() and lock.try_acquire():
                self._lead(store, lock)
                return open_server(s, store=store)
            if self._stop.wait(POLL_S):
                return None
        server = open_server(s, store=store)
        server.places.start()  # the place index is built while following, not at takeover
        listener = EventListener(store.url)
        try:
            catch_up(server)
            epoch, holder, _since = current_leadership(store.engine)
            log.warning("standby: following %s (epoch %d) from sequence %d", holder or "?",
                        epoch, server.engine.state.seq)
            self.terms += 1
            self.on_standby(server.engine.state.seq, holder)
            while not self._stop.is_set():
                if self._may_contend() and lock.try_acquire():
                    break
                listener.wait(POLL_S)
                catch_up(server)
            else:
                server.shutdown()
                return None
            t0 = time.monotonic()
            self._lead(store, lock)
            n = catch_up(server)  # what the old leader stored since the last read
            clock, state = server.clock, server.engine.state
            if state.ts > clock():
                clock.rebase(state.ts)
            log.warning("taking over from %s: epoch %s, %d events read at takeover, "
                        "ready in %.0f ms", holder or "?", store.epoch, n,
                        (time.monotonic() - t0) * 1000)
            return server
        except BaseException:
            server.shutdown()
            raise
        finally:
            listener.close()
