"""The dispatch server: one thread, one ``zmq.Poller`` loop over three endpoints.

- **commands** (ROUTER): JSON requests from DEALERs (:mod:`dispatch.adapters.protocol.messages`). A
  drained batch of commands runs through :meth:`DispatchEngine.execute` with ``commit=False``,
  is written in one transaction, then every changed record is published, and only then are
  the replies sent: nothing is published or acknowledged before it is stored
  (:mod:`.batching`, :mod:`.outbox`). Queries are answered from a registry (:mod:`.queries`).
- **snapshot** (ROUTER): RFC 12 ``ICANHAZ?`` → ``KVSYNC``… → ``KTHXBAI``.
- **updates** (XPUB, manual subscriptions): RFC 12 ``KVPUB`` and ``HUGZ``; a subscription
  outside the operator's region is refused when the socket knows who the peer is (CURVE)
  (:mod:`.trust`).

A clock inside the loop raises time-limit events and applies the automatic rules
(:mod:`.timekeeping`) as the ``system`` actor. SIGTERM/SIGINT stop the loop: pending work is
committed, the sockets closed, and the process exits 0. The command line is
:mod:`dispatch.entrypoints.server`:

    python -m dispatch.entrypoints.server --db-url sqlite:///gridline.sqlite --time-speed 60
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import zmq

from dispatch.adapters.bootstrap import open_engine
from dispatch.adapters.deadline_profiles import load_profile
from dispatch.adapters.feed_timing import PUBLISH_SLICE_S
from dispatch.adapters.rules_file import load_rules
from dispatch.adapters.server.access import AccessControl
from dispatch.adapters.server.audit_log import AuditWriter
from dispatch.adapters.server.backoffice import Backoffice
from dispatch.adapters.server.batching import CommandBatcher
from dispatch.adapters.server.feed import FeedPublisher, handle_subscriptions
from dispatch.adapters.server.loop_post import LoopPost
from dispatch.adapters.server.outbox import OutboxQueue, ReplyCache
from dispatch.adapters.server.places import PlaceIndex
from dispatch.adapters.server.process import Endpoints
from dispatch.adapters.server.queries import QueryRouter
from dispatch.adapters.server.snapshots import SnapshotService
from dispatch.adapters.server.sockets import ServerSockets
from dispatch.adapters.server.stats import ServerStats
from dispatch.adapters.server.timekeeping import Timekeeper
from dispatch.adapters.server.trust import TrustEdge, throttle_for
from dispatch.adapters.server.watch import SecurityWatcher
from dispatch.adapters.settings import Settings
from dispatch.adapters.store.event_store import EventStore
from dispatch.domain.city.model import Level
from dispatch.domain.rules import RuleSet
from dispatch.services.archive import catch_up_archive
from dispatch.services.clock import ScaledClock
from dispatch.services.engine import DispatchEngine
from dispatch.services.patrol import catch_up_patrol

__all__ = ["DispatchServer", "Endpoints", "ServerStats", "open_server"]

log = logging.getLogger("gridline.server")



class DispatchServer:
    """Owns the engine's state on one thread; see the module documentation.

    Its parts: ``sockets`` (:class:`ServerSockets`), ``batcher`` (commands),
    ``replies`` and ``outbox`` (replies after publishing), ``queries`` (the registry),
    ``timekeeper`` (clock, archive), ``trust`` (feed and session edges, login throttling),
    ``post`` (how other threads hand work to the loop), ``places`` (the gazetteer and its
    search index, built on a thread of their own).
    """

    def __init__(self, engine: DispatchEngine, *, settings: Settings, clock: ScaledClock,
                 rules: RuleSet, operators: Any, sessions: Any, store: EventStore | None,
                 server_keys: Any = None, ctx: zmq.Context | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.operators = operators
        self.sessions = sessions
        self.store = store
        self.server_keys = server_keys
        self.stats = ServerStats()
        self._own_ctx = ctx is None
        self.ctx = ctx or zmq.Context()
        self._stop = threading.Event()
        self.audit = AuditWriter(store.engine if store is not None else None)
        self.throttle = throttle_for(settings)
        self.access = AccessControl(sessions, None, anonymous_read=settings.anonymous_read
                                    if settings.insecure else None)
        self.watcher_thread: SecurityWatcher | None = None
        self.authenticator: Any = None
        self.run_id = int(time.time() * 1_000_000)
        self._closed = False
        # the leader lock of a PostgreSQL pair (dispatch.adapters.store.leadership.LeaderLock)
        # and why this server stopped leading ("" while it leads or has no pair)
        self.lease: Any = None
        self.stepped_down = ""
        self.sockets = ServerSockets(self.ctx, server_keys)
        self.feed = FeedPublisher(self.sockets.pub, run_id=self.run_id, speed=clock.speed)
        self.trust = TrustEdge(self)
        self.snapshots = SnapshotService(self.sockets.snap, self.feed,
                                         self.trust.authorize_snapshot,
                                         state_info=self.state_info,
                                         on_refused=self.trust.snapshot_refused)
        # the one way other threads hand work to the loop (backoffice replies, watcher)
        self.post = LoopPost(self.ctx, self.sockets.wake_endpoint)
        self.backoffice = Backoffice(self.post)
        self.replies = ReplyCache()
        self.outbox = OutboxQueue(self.feed, self.replies, self.sockets.send,
                                  self.sockets.command_waiting)
        self.batcher = CommandBatcher(self)
        self.queries = QueryRouter(self)
        self.timekeeper = Timekeeper(self, rules)
        self.places = PlaceIndex(engine.city, store, seed=settings.city_seed)

    # ------------------------------------------------------------------------- sockets

    @property
    def cmd(self) -> zmq.Socket:
        return self.sockets.cmd

    @property
    def snap(self) -> zmq.Socket:
        return self.sockets.snap

    @property
    def pub(self) -> zmq.Socket:
        return self.sockets.pub

    @property
    def endpoints(self) -> Endpoints | None:
        return self.sockets.endpoints

    def bind(self) -> Endpoints:
        """Start the authenticator (secure mode), bind the three endpoints, load the feed.

        Process-wide tuning (``gc.freeze`` and the like) is the entry point's business:
        :mod:`dispatch.entrypoints.tuning`."""
        if self.server_keys is not None and self.authenticator is None:
            from dispatch.adapters.security.keys import start_authenticator

            self.authenticator = start_authenticator(self.ctx, self.server_keys.clients_dir)
            self.access.authenticator = self.authenticator
        s = self.settings
        endpoints = self.sockets.bind(s.host, s.command_port, s.snapshot_port, s.update_port)
        self.engine.state.take_changes()  # rebuilding marked everything; the cache has it all
        self.feed.load(self.engine.state)
        self.timekeeper.load()
        self.backoffice.start()
        self.audit.start()
        self.places.start()  # the place index builds on its own thread; geocode waits for it
        self.watcher_thread = SecurityWatcher(
            clients_dir=self.server_keys.clients_dir if self.server_keys is not None else None,
            engine=self.store.engine if self.store is not None else None, post=self.post,
            on_keys=self.trust.keys_changed, on_operators=self.trust.operators_changed)
        self.watcher_thread.start()
        return endpoints

    # ---------------------------------------------------------------------------- loop

    def stop(self) -> None:
        """Ask the loop to finish (thread- and signal-safe)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def serve_forever(self) -> None:
        if self.endpoints is None:
            self.bind()
        sockets = self.sockets
        poller = sockets.make_poller()
        next_purge = time.monotonic() + 1.0
        hugz_every = self.settings.hugz_interval_s
        tick_every = min(1.0, max(0.02, 1.0 / self.clock.speed))
        next_hugz = next_tick = time.monotonic()
        outbox, snapshots = self.outbox, self.snapshots
        log.info("serving on %s", self.endpoints)
        try:
            while not self._stop.is_set():
                if self.leadership_lost():
                    break
                wait = min(next_hugz, next_tick) - time.monotonic()
                if snapshots.busy or outbox:
                    wait = 0.0
                ready = dict(poller.poll(max(0, min(100, int(wait * 1000) + 1))
                                         if wait > 0 else 0))
                if sockets.pub in ready:
                    self.handle_subscriptions()
                if sockets.cmd in ready:
                    self.handle_commands()
                if sockets.wake in ready:
                    self.handle_wakeups()
                if sockets.snap in ready:
                    snapshots.drain()
                mono = time.monotonic()
                if mono >= next_tick:
                    behind = self.timekeeper.tick()
                    next_tick = mono if behind else mono + tick_every
                if mono >= next_hugz:
                    self.hugz()
                    next_hugz = mono + hugz_every
                if mono >= next_purge:
                    self.trust.expire_sessions()
                    next_purge = mono + 1.0
                if outbox:
                    self.publish_some(PUBLISH_SLICE_S)
                if snapshots.busy:
                    snapshots.pump(0.01 if outbox else 0.02)
        finally:
            self.shutdown()

    def leadership_lost(self) -> bool:
        """This server led a PostgreSQL pair and no longer does (its appends were fenced off,
        or its leader lock is gone): it must stop serving at once (``stepped_down`` says
        why)."""
        if self.stepped_down:
            return True
        if self.store is not None and self.store.fenced:
            self.stepped_down = "another server has taken over (this server's appends are " \
                                "fenced off)"
        elif self.lease is not None and self.lease.lost.is_set():
            self.stepped_down = "the leader lock was lost (the connection to PostgreSQL " \
                                "ended)"
        else:
            return False
        log.warning("stepping down: %s", self.stepped_down)
        return True

    def shutdown(self) -> None:
        """Store what is pending, publish and answer it, stop the threads, close the sockets
        (called by :meth:`serve_forever` on its way out; once only). A server that stepped
        down stores nothing more: what it had not stored is not acknowledged either."""
        if self._closed:
            return
        self._closed = True
        if not self.stepped_down:
            self.batcher.commit_publish()  # nothing should be pending; stored first
        while self.outbox:  # publish and answer what was stored
            self.publish_some(1.0)
        if self.watcher_thread is not None:
            self.watcher_thread.stop()
        self.backoffice.stop()
        self.handle_wakeups()
        self.trust.audit_feed_refusals()
        self.audit.stop()
        self.post.close()
        self.sockets.close()
        if self.authenticator is not None:
            self.authenticator.stop()
        self.engine.wait_snapshots()
        if self.store is not None:
            self.store.close()
        if self._own_ctx:
            self.ctx.term()
        log.info("stopped; stats %s", self.stats.as_dict())

    # ------------------------------------------------------------- one step of the loop

    def handle_commands(self) -> None:
        """Read a batch of requests: run and commit the commands, answer the queries."""
        self.batcher.drain()

    def publish_some(self, budget_s: float) -> None:
        """Publish queued records for about ``budget_s``; answer the commands now out."""
        self.outbox.publish_some(self.engine.state, budget_s)

    @property
    def publishing(self) -> bool:
        """Some committed batches still wait for their records to be published."""
        return bool(self.outbox)

    @property
    def backlog(self) -> int:
        """Records changed and stored but not yet published."""
        return self.outbox.backlog

    def handle_subscriptions(self) -> None:
        acc, ref = handle_subscriptions(self.sockets.pub, self.trust.feed_allowed, self.hugz)
        self.stats.feed_accepted += acc
        self.stats.feed_refused += ref

    def hugz(self) -> None:
        self.feed.hugz(self.engine.clock(), self.engine.state.seq)

    def handle_wakeups(self) -> None:
        """Run what the backoffice and the watcher threads posted; send their replies."""
        self.sockets.drain_wake()
        done_queue = self.post.done
        while not done_queue.empty():
            done = done_queue.get_nowait()
            if done.after is not None:
                done.after()
            if done.envelope is not None and done.reply is not None:
                self.sockets.send(done.envelope, done.reply)

    def state_info(self) -> dict[str, object]:
        return {"ev": self.engine.state.seq, "now": f"{self.engine.clock():.3f}",
                "speed": f"{self.clock.speed:g}"}


# --------------------------------------------------------------------------------- build


def open_server(settings: Settings, *, ctx: zmq.Context | None = None, catalogue: Any = None,
                city: Any = None, store: EventStore | None = None) -> DispatchServer:
    """Open the store, rebuild (or create) the state, set up security; not yet bound."""
    from dispatch.adapters.security.operators import OperatorDirectory
    from dispatch.adapters.security.sessions import SessionTable

    store = store or EventStore(settings.database_url)
    clock = ScaledClock(settings.time_speed)
    engine = open_engine(store, catalogue=catalogue, city=city, size=settings.city_size,
                         seed=settings.city_seed, clock=clock,
                         snapshot_every=settings.snapshot_every, background_snapshots=True)
    if engine.state.ts > clock():
        clock.rebase(engine.state.ts)
    caught_up = catch_up_archive(store)  # the archived incidents' read model (evaluation)
    if caught_up:
        log.info("archived incidents' read model: %d records rebuilt from the events",
                 caught_up)
    taken = catch_up_patrol(store)  # the patrol read model (grid workers' coverage)
    if taken:
        log.info("patrol read model: %d position reports taken in from the events", taken)
    operators = OperatorDirectory(store.engine)
    if settings.demo_operators:
        districts = sorted(r.code for r in engine.city.at_level(Level.DISTRICT))
        created = operators.ensure_defaults(districts)
        for user, password in created.items():
            log.warning("demo operator %s created with password %s", user, password)
    keys = None
    if not settings.insecure:
        from dispatch.adapters.security.keys import ensure_local_trust

        keys = ensure_local_trust(settings.data_dir).server
    rules = load_rules(settings.rules_file)
    engine.profile = load_profile(settings.deadline_profile, settings.deadline_profiles_file)
    return DispatchServer(engine, settings=settings, clock=clock, rules=rules,
                          operators=operators,
                          sessions=SessionTable(ttl_s=settings.session_ttl_h * 3600.0),
                          store=store,
                          server_keys=keys, ctx=ctx)
