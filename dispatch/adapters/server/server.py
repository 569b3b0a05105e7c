"""The dispatch server: one thread, one ``zmq.Poller`` loop over three endpoints.

- **commands** (ROUTER): JSON requests from DEALERs (:mod:`dispatch.adapters.protocol.messages`). A
  drained batch of commands runs through :meth:`DispatchEngine.execute` with ``commit=False``,
  is written in one transaction, then every changed record is published, and only then are
  the replies sent: nothing is published or acknowledged before it is stored.
- **snapshot** (ROUTER): RFC 12 ``ICANHAZ?`` → ``KVSYNC``… → ``KTHXBAI``.
- **updates** (XPUB, manual subscriptions): RFC 12 ``KVPUB`` and ``HUGZ``; a subscription
  outside the operator's region is refused when the socket knows who the peer is (CURVE).

A clock inside the loop raises time-limit events and applies the automatic rules
(:mod:`dispatch.services.clock`, :mod:`dispatch.domain.rules`) as the ``system`` actor. SIGTERM/SIGINT stop the loop:
pending work is committed, the sockets closed, and the process exits 0.

    python -m dispatch.adapters.server.server --db-url sqlite:///gridline.sqlite --time-speed 60
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gc
import hashlib
import heapq
import itertools
import logging
import operator
import os
import signal
import sys
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import zmq

from dispatch.adapters.bootstrap import open_engine
from dispatch.adapters.protocol.messages import (
    MAX_MESSAGE_BYTES,
    BadRequest,
    Request,
    build_command,
    dumps,
    error_reply,
    ok_reply,
    parse_request,
    take_args,
)
from dispatch.adapters.protocol.records import scope_subtree
from dispatch.adapters.rules_file import load_rules
from dispatch.adapters.security.throttle import LoginThrottle, ThrottlePolicy
from dispatch.adapters.server.access import AccessControl
from dispatch.adapters.server.audit_log import AuditWriter
from dispatch.adapters.server.audit_log import row as audit_row
from dispatch.adapters.server.audit_query import start_audit_read
from dispatch.adapters.server.backoffice import Backoffice, Done
from dispatch.adapters.server.feed import FeedPublisher, handle_subscriptions
from dispatch.adapters.server.history import HistoryQuery, history_page
from dispatch.adapters.server.snapshots import SnapshotService
from dispatch.adapters.server.watch import LoopPost, OperatorGrant, SecurityWatcher
from dispatch.adapters.settings import Settings
from dispatch.adapters.store.event_store import EventStore
from dispatch.domain.city.model import Level
from dispatch.domain.commands import ArchiveFinished
from dispatch.domain.errors import (
    Conflict,
    DispatchError,
    Forbidden,
    InvalidCommand,
    NotFound,
    Unavailable,
)
from dispatch.domain.events import Event
from dispatch.domain.recommend import find_duplicates, recommend_units
from dispatch.domain.roles import SYSTEM_ACTOR, Actor, Permission
from dispatch.domain.rules import RuleSet
from dispatch.domain.state import Incident
from dispatch.services.clock import ClockWatcher, ScaledClock
from dispatch.services.engine import DispatchEngine, Outcome

log = logging.getLogger("gridline.server")

MAX_BATCH = 1000  # command messages drained before one commit
REPLY_CACHE = 20_000
PUB_HWM = 500_000  # updates queued per subscriber before it misses some (and resyncs)
SNAPSHOT_HWM = 20_000
CLOCK_SLICE = 200  # incidents the clock looks at per loop iteration when it is behind
PUBLISH_SLICE_S = 0.004  # publishing between two looks at the command socket
SLICE_RECORDS = 64  # records published at a time (then sent back to back: see FeedPublisher)
_LEFT = operator.attrgetter("left")  # an outbox's unpublished records
_EVENTS, _POLLIN = int(zmq.EVENTS), int(zmq.POLLIN)
SLOW_BATCH_S = float(os.environ.get("GRIDLINE_SLOW_BATCH_MS", "100")) / 1000.0
MAX_LOGINS_PER_PEER = 2  # logins of one key (or connection) waiting at once: a fair queue
MAX_SUBSCRIPTION_BYTES = 4096  # libzmq drops a peer that sends a longer subscription
AUDIT_FULL = "the audit trail cannot take more entries right now; nothing was done, try again"
_ids = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Endpoints:
    command: str
    snapshot: str
    update: str


@dataclass(slots=True)
class ServerStats:
    """Counters, readable from any thread (tests, a status page)."""

    requests: int = 0
    commands_ok: int = 0
    commands_refused: int = 0
    duplicates: int = 0
    replayed: int = 0  # answered from the reply cache
    queries: int = 0
    malformed: int = 0  # unreadable envelope or JSON: dropped or answered "invalid"
    oversized: int = 0
    internal_errors: int = 0
    batches: int = 0
    commit_failures: int = 0
    clock_actions: int = 0
    clock_refused: int = 0
    feed_accepted: int = 0
    feed_refused: int = 0
    feed_resets: int = 0
    busy: int = 0
    logins_throttled: int = 0
    audit_full: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(slots=True)
class _Pending:
    envelope: list[bytes]
    request_id: str
    key: tuple[str, str] = ("", "")  # (operator, command id): the reply cache's key
    digest: bytes = b""  # of the request's content: a reused id with other content is refused
    reply: bytes = b""
    cache: bool = True
    same_as: _Pending | None = None  # the same command id earlier in the batch
    received: float = field(default_factory=time.perf_counter)
    kind: str = ""
    # the records this command changed: its reply waits for them to be published
    incidents: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)


@dataclass(slots=True, eq=False)
class _Outbox:
    """A committed batch: its records in publishing order (``next_*``: how far it got), how
    many of them are still unpublished, and the replies waiting for them. A record another
    outbox published meanwhile is skipped when this one reaches it."""

    incidents: list[str]
    units: list[str]
    replies: list[_Pending]
    left: int = 0
    next_incident: int = 0
    next_unit: int = 0


def _user_id(frame: zmq.Frame) -> str | None:
    try:
        return str(frame.get("User-Id"))
    except zmq.ZMQError:
        return None


def _digest(req: Request) -> bytes:
    body = dumps({"t": req.type, "a": req.args, "v": req.expected_version})
    return hashlib.blake2b(body, digest_size=16).digest()


def _reused(command_id: str) -> Conflict:
    return Conflict(f"command id {command_id!r} was already used for another command; "
                    "send a new id")


def _bind(sock: zmq.Socket, host: str, port: int) -> str:
    h = f"[{host}]" if ":" in host else host
    if port == 0:
        port = sock.bind_to_random_port(f"tcp://{h}")
    else:
        sock.bind(f"tcp://{h}:{port}")
    return f"tcp://{h}:{port}"


class DispatchServer:
    """Owns the engine's state on one thread; see the module documentation."""

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
        # (operator, command id) -> (digest of the request, reply)
        self._replies: OrderedDict[tuple[str, str], tuple[bytes, bytes]] = OrderedDict()
        self._outboxes: list[_Outbox] = []
        self._city_results: dict[bool, dict[str, Any]] = {}
        # unpublished record id → the outboxes waiting for it (incidents, units)
        self._waiting_incidents: dict[str, list[_Outbox]] = {}
        self._waiting_units: dict[str, list[_Outbox]] = {}
        # (operator, command id) → its outbox, digest and reply
        self._waiting_ids: dict[tuple[str, str], tuple[_Outbox, bytes, bytes]] = {}
        self.audit = AuditWriter(store.engine if store is not None else None)
        self.throttle = LoginThrottle(ThrottlePolicy(
            free_failures=settings.login_free_failures, base_delay_s=settings.login_delay_s,
            lockout_failures=max(settings.login_lockout_failures,
                                 settings.login_free_failures + 1),
            window_s=settings.login_window_s, lockout_s=settings.login_lockout_s))
        self._logins_lock = threading.Lock()
        self._logins: dict[str, int] = {}  # logins waiting per key (or connection)
        self.access = AccessControl(sessions, None, anonymous_read=settings.anonymous_read
                                    if settings.insecure else None)
        self._feed_refusals: dict[str, list[str]] = {}  # key name → reasons (audited 1/s)
        self.watcher_thread: SecurityWatcher | None = None
        self._audit_full_reply = b""
        self._post: LoopPost | None = None
        self.watcher = ClockWatcher(rules)
        self._retention_s = settings.closed_retention_h * 3600.0
        self._archive_at: list[tuple[float, str]] = []  # (when, incident id) finished ones
        self.endpoints: Endpoints | None = None
        self.authenticator: Any = None
        self.run_id = int(time.time() * 1_000_000)
        self._closed = False
        self._make_sockets()

    # ------------------------------------------------------------------------- sockets

    def _make_sockets(self) -> None:
        ctx = self.ctx
        self.cmd = ctx.socket(zmq.ROUTER)
        self.snap = ctx.socket(zmq.ROUTER)
        self.pub = self._make_pub()
        self.wake = ctx.socket(zmq.PULL)
        for s in (self.cmd, self.snap):
            s.setsockopt(zmq.LINGER, 200)
            s.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
            self._curve(s)
        self.cmd.setsockopt(zmq.ROUTER_HANDOVER, 1)
        self.cmd.setsockopt(zmq.SNDHWM, 100_000)
        self.cmd.setsockopt(zmq.RCVHWM, 100_000)
        self.snap.setsockopt(zmq.ROUTER_MANDATORY, 1)
        self.snap.setsockopt(zmq.SNDHWM, SNAPSHOT_HWM)
        self.wake.setsockopt(zmq.LINGER, 0)
        self._wake_endpoint = f"inproc://gridline-wake-{os.getpid()}-{next(_ids)}"
        self.wake.bind(self._wake_endpoint)
        self.feed = FeedPublisher(self.pub, run_id=self.run_id, speed=self.clock.speed)
        self.snapshots = SnapshotService(self.snap, self.feed, self._authorize_snapshot,
                                         state_info=self._state_info,
                                         on_refused=self._snapshot_refused)
        self.backoffice = Backoffice(self.ctx, self._wake_endpoint)

    def _curve(self, sock: zmq.Socket) -> None:
        if self.server_keys is not None:
            from dispatch.adapters.security.keys import apply_server_curve

            apply_server_curve(sock, self.server_keys)

    def _make_pub(self) -> zmq.Socket:
        pub = self.ctx.socket(zmq.XPUB)
        pub.setsockopt(zmq.LINGER, 200)
        pub.setsockopt(zmq.MAXMSGSIZE, MAX_SUBSCRIPTION_BYTES)
        self._curve(pub)
        pub.setsockopt(zmq.XPUB_MANUAL, 1)
        pub.setsockopt(zmq.SNDHWM, PUB_HWM)
        return pub

    def bind(self) -> Endpoints:
        """Start the authenticator (secure mode), bind the three endpoints, load the feed."""
        if self.server_keys is not None and self.authenticator is None:
            from dispatch.adapters.security.keys import start_authenticator

            self.authenticator = start_authenticator(self.ctx, self.server_keys.clients_dir)
            self.access.authenticator = self.authenticator
        s = self.settings
        self.endpoints = Endpoints(command=_bind(self.cmd, s.host, s.command_port),
                                   snapshot=_bind(self.snap, s.host, s.snapshot_port),
                                   update=_bind(self.pub, s.host, s.update_port))
        now = self.engine.clock()
        self.engine.state.take_changes()  # rebuilding marked everything; the cache has it all
        self.feed.load(self.engine.state)
        for inc in self.engine.state.incidents.values():
            if inc.is_open:
                self.watcher.schedule(inc.id, now)
            else:
                self._retain(inc)
        self.backoffice.start()
        self.audit.start()
        self._post = LoopPost(self.ctx, self._wake_endpoint, self.backoffice.done,
                              lambda fn: Done(None, None, fn))
        self.watcher_thread = SecurityWatcher(
            clients_dir=self.server_keys.clients_dir if self.server_keys is not None else None,
            engine=self.store.engine if self.store is not None else None, post=self._post,
            on_keys=self._keys_changed, on_operators=self._operators_changed)
        self.watcher_thread.start()
        # The city and the state are long-lived: keep them out of the collector's full
        # passes, which otherwise stall the loop for tens of milliseconds at city scale.
        gc.collect()
        gc.freeze()
        return self.endpoints

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
        poller = self._poller = zmq.Poller()
        for s in (self.cmd, self.snap, self.pub, self.wake):
            poller.register(s, zmq.POLLIN)
        next_purge = time.monotonic() + 1.0
        hugz_every = self.settings.hugz_interval_s
        tick_every = min(1.0, max(0.02, 1.0 / self.clock.speed))
        next_hugz = next_tick = time.monotonic()
        log.info("serving on %s", self.endpoints)
        try:
            while not self._stop.is_set():
                wait = min(next_hugz, next_tick) - time.monotonic()
                if self.snapshots.busy or self._outboxes:
                    wait = 0.0
                ready = dict(poller.poll(max(0, min(100, int(wait * 1000) + 1))
                                         if wait > 0 else 0))
                if self.pub in ready:
                    self._subscriptions()
                if self.cmd in ready:
                    self._commands()
                if self.wake in ready:
                    self._wakeups()
                if self.snap in ready:
                    self.snapshots.drain()
                mono = time.monotonic()
                if mono >= next_tick:
                    behind = self._clock_tick()
                    next_tick = mono if behind else mono + tick_every
                if mono >= next_hugz:
                    self.feed.hugz(self.engine.clock(), self.engine.state.seq)
                    next_hugz = mono + hugz_every
                if mono >= next_purge:
                    self._expire_sessions()
                    next_purge = mono + 1.0
                if self._outboxes:
                    self._publish_some(PUBLISH_SLICE_S)
                if self.snapshots.busy:
                    self.snapshots.pump(0.01 if self._outboxes else 0.02)
        finally:
            self._shutdown()

    def _shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._commit_publish()  # nothing should be pending; stored before anything else
        while self._outboxes:  # publish and answer what was stored
            self._publish_some(1.0)
        if self.watcher_thread is not None:
            self.watcher_thread.stop()
        self.backoffice.stop()
        self._wakeups()
        self._audit_feed_refusals()
        self.audit.stop()
        if self._post is not None:
            self._post.close()
        for s in (self.cmd, self.snap, self.pub, self.wake):
            s.close(linger=200)
        if self.authenticator is not None:
            self.authenticator.stop()
        self.engine.wait_snapshots()
        if self.store is not None:
            self.store.close()
        if self._own_ctx:
            self.ctx.term()
        log.info("stopped; stats %s", self.stats.as_dict())

    # ------------------------------------------------------------------------ commands

    def _commands(self) -> None:
        batch: list[_Pending] = []
        queries: list[tuple[list[bytes], Request, zmq.Frame]] = []
        in_batch: dict[tuple[str, str], _Pending] = {}
        for _ in range(MAX_BATCH):
            try:
                frames = self.cmd.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                break
            self.stats.requests += 1
            self._one(frames, batch, queries, in_batch)
        if batch:
            self._flush(batch)
        for envelope, req, frame in queries:
            self._query(envelope, req, frame)

    def _send(self, envelope: list[bytes], reply: bytes) -> None:
        # a client that went away or does not read gets nothing; it retries
        with contextlib.suppress(zmq.ZMQError):
            self.cmd.send_multipart([*envelope, reply], zmq.NOBLOCK)

    def _one(self, frames: list[zmq.Frame], batch: list[_Pending],
             queries: list[tuple[list[bytes], Request, zmq.Frame]],
             in_batch: dict[tuple[str, str], _Pending]) -> None:
        # ROUTER envelope: identity, optional empty delimiter (REQ/DEALER), one JSON frame.
        if len(frames) == 3 and len(frames[1]) == 0:
            envelope = [frames[0].bytes, b""]
        elif len(frames) == 2:
            envelope = [frames[0].bytes]
        else:
            self.stats.malformed += 1
            return
        payload = frames[-1]
        if len(payload) > MAX_MESSAGE_BYTES:
            self.stats.oversized += 1
            self._send(envelope, error_reply(None, "invalid", "request too large"))
            return
        try:
            req = parse_request(payload.bytes, test_levers=self.settings.test_levers)
        except BadRequest as err:
            self.stats.malformed += 1
            self._send(envelope, error_reply(err.request_id, err))
            return
        if req.is_query:
            queries.append((envelope, req, payload))
            return
        user_id = _user_id(payload)
        try:  # the session first: nothing is answered from the cache to a stranger
            actor = self.access.actor(req.session, user_id)
        except DispatchError as err:
            self.stats.commands_refused += 1
            self._refused(envelope, req, err, None, user_id)
            return
        key = (actor.operator, req.id)
        digest = _digest(req)
        cached = self._replies.get(key)
        if cached is not None:
            if cached[0] != digest:
                self._refused(envelope, req, _reused(req.id), actor, user_id)
                return
            self.stats.replayed += 1
            self._send(envelope, cached[1])
            return
        waiting = self._waiting_ids.get(key)
        if waiting is not None:  # a retry of a command whose records are being published
            if waiting[1] != digest:
                self._refused(envelope, req, _reused(req.id), actor, user_id)
                return
            self.stats.replayed += 1
            waiting[0].replies.append(_Pending(envelope, req.id, key, digest, waiting[2],
                                               cache=False))
            return
        first = in_batch.get(key)
        if first is not None:  # the same command twice in one batch: one answer for both
            if first.digest != digest:
                self._refused(envelope, req, _reused(req.id), actor, user_id)
                return
            self.stats.replayed += 1
            batch.append(_Pending(envelope, req.id, key, digest, same_as=first))
            return
        p = _Pending(envelope, req.id, key, digest, kind=req.type)
        batch.append(p)
        in_batch[key] = p
        try:
            command = build_command(req.type, req.args, test_levers=self.settings.test_levers)
            out = self.engine.execute(command, actor, command_id=req.id,
                                      expected_version=req.expected_version, commit=False)
        except DispatchError as err:  # the same refusal answers a retry (from the cache)
            self.stats.commands_refused += 1
            p.reply = self._refusal(req, err, actor, user_id)
            p.cache = p.reply is not self._audit_full_reply
            return
        except Exception as exc:  # a bug must not take the server down
            self.stats.internal_errors += 1
            log.exception("command %s (%s) failed", req.id, req.type)
            bug = InvalidCommand(f"the server could not run this command ({type(exc).__name__})")
            p.reply, p.cache = self._refusal(req, bug, actor, user_id), False
            return
        if out.duplicate:
            self.stats.duplicates += 1
        else:
            self.stats.commands_ok += 1
        p.incidents, p.units = self.engine.state.take_changes()
        p.reply = ok_reply(req.id, out.seq, self._result(out, req.id))

    def _refusal(self, req: Request, err: DispatchError, actor: Actor | None,
                 user_id: str | None) -> bytes:
        """The reply to a refused request, its audit row queued; ``unavailable`` instead when
        the audit trail cannot take the row (a refusal is never left unaudited)."""
        operator = actor.operator if actor is not None else "?"
        workstation = actor.workstation if actor is not None else self.access.name_of(user_id)
        iid = req.args.get("incident_id") if isinstance(req.args, dict) else None
        row = audit_row(operator, workstation, "refused",
                        {"type": req.type, "id": req.id, "error": err.code,
                         "message": err.message[:500]},
                        incident_id=iid if isinstance(iid, str) else None)
        if not self.audit.write(row):
            self.stats.audit_full += 1
            self._audit_full_reply = error_reply(req.id, "unavailable", AUDIT_FULL)
            return self._audit_full_reply
        return error_reply(req.id, err, relogin=bool(getattr(err, "relogin", False)))

    def _refused(self, envelope: list[bytes], req: Request, err: DispatchError,
                 actor: Actor | None, user_id: str | None) -> None:
        self._send(envelope, self._refusal(req, err, actor, user_id))

    def _result(self, out: Outcome, command_id: str) -> dict[str, Any]:
        events: Sequence[Event] = out.events
        if out.duplicate and self.store is not None:
            events = [e for e in self.store.read(after_seq=out.seq - 1, to_seq=out.seq)
                      if e.command_id == command_id]
        res: dict[str, Any] = {"events": [e.kind for e in events]}
        state = self.engine.state
        for e in events:
            iid = e.incident_id
            if iid is not None:
                res["incident_id"] = iid
                inc = state.incidents.get(iid)
                if inc is not None:
                    res["version"] = inc.version
                break
            uid = getattr(e.payload, "unit_id", None)
            if uid is not None:
                res["unit_id"] = uid
                u = state.units.get(uid)
                if u is not None:
                    res["version"] = u.version
                break
        return res

    def _flush(self, batch: list[_Pending]) -> None:
        """Commit the batch in one transaction; each command's reply goes out once the
        records that command changed are published (a report in the same batch as a bulk
        position report does not wait for the 500 units of the other)."""
        self.stats.batches += 1
        committed, inc, units = self._commit(batch)
        replies: dict[int, list[_Pending]] = {}  # per command: its reply and its repeats
        for p in batch:
            if p.same_as is not None:
                p.reply, p.cache = p.same_as.reply, False
                replies[id(p.same_as)].append(p)
                continue
            replies[id(p)] = [p]
            if not committed:
                p.reply = error_reply(p.request_id, "unavailable",
                                      "the database could not store the change; nothing was "
                                      "changed, try again")
                p.cache = False
        if not committed:
            for p in batch:
                self._send(p.envelope, p.reply)
            return
        for p in batch:
            if p.same_as is None:
                self._enqueue(p.incidents, p.units, replies[id(p)])
        if inc or units:  # changed by no command of the batch: published all the same
            self._enqueue(inc, units, [])

    def _commit(self, batch: Sequence[_Pending] = ()) -> tuple[bool, set[str], set[str]]:
        """Store the pending events; returns (stored, changed incidents, changed units): the
        records changed other than by the commands of ``batch``, which hold their own."""
        t0 = time.perf_counter()
        pending = len(self.engine.pending)
        try:
            self.engine.commit()
        except Unavailable:
            self.stats.commit_failures += 1
            log.exception("commit failed; state reloaded from the store")
            self.engine.state.take_changes()  # nothing of the lost batch was published
            return False, set(), set()
        if time.perf_counter() - t0 > SLOW_BATCH_S:
            log.warning("slow commit: %d events in %.1f ms", pending,
                        (time.perf_counter() - t0) * 1000)
        state = self.engine.state
        inc, units = state.take_changes()
        touched = inc.union(*(p.incidents for p in batch))
        if touched:
            now = self.engine.clock()
            self.watcher.touch(touched, now)
            for iid in touched:
                i = state.incidents.get(iid)
                if i is not None and not i.is_open:
                    self._retain(i)
        return True, inc, units

    def _commit_publish(self) -> bool:
        """Commit events the server made itself (clock, archive) and queue their records."""
        committed, inc, units = self._commit()
        if committed:
            self._enqueue(inc, units, [])
        return committed

    # ---------------------------------------------------------------------- publishing
    #
    # Committed batches wait in outboxes until every record they changed is published; then
    # their replies are sent (stored, published, acknowledged: in that order). Records are
    # published a slice at a time between command batches, smallest outbox first, so an
    # interactive command overtakes a bulk position report. A record is encoded from the
    # current state when it is published, so one publication serves every outbox waiting
    # for it and the feed never goes back in time.

    def _enqueue(self, inc: set[str], units: set[str], replies: list[_Pending]) -> None:
        box = _Outbox(sorted(inc), sorted(units), replies, left=len(inc) + len(units))
        for ids, waiting in ((box.incidents, self._waiting_incidents),
                             (box.units, self._waiting_units)):
            for rid in ids:
                boxes = waiting.get(rid)
                if boxes is None:
                    waiting[rid] = [box]
                else:
                    boxes.append(box)
        if not box.left:
            self._deliver(box)
            return
        self._outboxes.append(box)
        for p in replies:
            if p.cache:
                self._waiting_ids[p.key] = (box, p.digest, p.reply)

    def _deliver(self, box: _Outbox) -> None:
        now = time.perf_counter()
        for p in box.replies:
            if now - p.received > SLOW_BATCH_S:
                log.warning("slow reply to %s %s: %.1f ms in the server", p.kind,
                            p.request_id, (now - p.received) * 1000)
            if p.cache:
                self._waiting_ids.pop(p.key, None)
                self._replies[p.key] = (p.digest, p.reply)
                if len(self._replies) > REPLY_CACHE:
                    self._replies.popitem(last=False)
            self._send(p.envelope, p.reply)

    def _publish_some(self, budget_s: float) -> None:
        """Publish queued records for about ``budget_s``; deliver the outboxes completed."""
        deadline = time.perf_counter() + budget_s
        state = self.engine.state
        t0 = time.perf_counter()
        w_inc, w_units = self._waiting_incidents, self._waiting_units
        while self._outboxes:
            box = min(self._outboxes, key=_LEFT)
            # the next slice of this outbox's records that are still unpublished
            i = box.next_incident
            incidents = [r for r in box.incidents[i:i + SLICE_RECORDS] if r in w_inc]
            box.next_incident = i + SLICE_RECORDS
            room = SLICE_RECORDS - len(incidents)
            u = box.next_unit
            units = [r for r in box.units[u:u + room] if r in w_units] if room else []
            box.next_unit = u + room
            self.feed.publish(state, incidents, units)
            done: list[_Outbox] = []
            for ids, waiting in ((incidents, w_inc), (units, w_units)):
                for rid in ids:
                    for b in waiting.pop(rid):
                        b.left -= 1
                        if not b.left:
                            done.append(b)
            for b in done:
                self._outboxes.remove(b)
                self._deliver(b)
            if time.perf_counter() > deadline or int(self.cmd.get(_EVENTS)) & _POLLIN:
                break  # a command is waiting: it goes first (its records overtake the rest)
        if time.perf_counter() - t0 > SLOW_BATCH_S:
            log.warning("slow publish slice: %.1f ms", (time.perf_counter() - t0) * 1000)

    @property
    def backlog(self) -> int:
        """Records changed and stored but not yet published."""
        return len(self._waiting_incidents) + len(self._waiting_units)

    def _retain(self, inc: Incident) -> None:
        """Archive a finished incident once the retention time has passed."""
        heapq.heappush(self._archive_at, ((inc.closed_at or 0.0) + self._retention_s, inc.id))

    def _archive(self, now: float) -> None:
        """Archive the finished incidents past retention (the feed then deletes them)."""
        heap, state = self._archive_at, self.engine.state
        due = False
        while heap and heap[0][0] <= now:
            _, iid = heapq.heappop(heap)
            inc = state.incidents.get(iid)
            due = due or (inc is not None and not inc.is_open)
        if not due:
            return
        before = min(now, now - self._retention_s + 0.001)
        try:
            self.engine.execute(ArchiveFinished(before, 5000), SYSTEM_ACTOR,
                                command_id=f"archive:{state.seq}", now=now, commit=False)
        except DispatchError as err:
            log.debug("nothing archived: %s", err)
            return
        self._commit_publish()

    # ------------------------------------------------------------------------- queries

    def _query(self, envelope: list[bytes], req: Request, frame: zmq.Frame) -> None:
        self.stats.queries += 1
        user_id = _user_id(frame)
        actor: Actor | None = None
        try:
            if req.type == "ping":
                self._send(envelope, ok_reply(req.id, self.engine.state.seq, self._state_info()))
                return
            if req.type == "login":
                self._login(envelope, req, user_id)
                return
            actor = self.access.actor(req.session, user_id)
            if req.type != "whoami" and not self.audit.room():
                self.stats.audit_full += 1
                raise Unavailable(AUDIT_FULL)
            if req.type == "whoami":
                result = self._whoami(actor)
            elif req.type == "logout":
                take_args(req.args, {}, "logout")
                result = {"closed": bool(self.sessions.close(req.session))}
                self._audit(actor, "logout", {})
                self._check_feed()
            elif req.type == "recommend":
                result = self._recommend(actor, req.args)
                self._audit(actor, "query", {"type": req.type, "args": req.args})
            elif req.type == "duplicates":
                result = self._duplicates(actor, req.args)
                self._audit(actor, "query", {"type": req.type, "args": req.args})
            elif req.type == "history":
                self._history(envelope, req, actor)
                return
            elif req.type == "city":
                self._city(envelope, req, actor)
                return
            elif req.type == "audit":
                start_audit_read(self.backoffice, self.store, envelope, req, actor,
                                 lambda: self.engine.state.seq)
                return
            else:  # pragma: no cover - parse_request only lets known types through
                raise InvalidCommand(f"unknown query {req.type!r}")
        except DispatchError as err:
            self._refused(envelope, req, err, actor, user_id)
            return
        except Exception as exc:
            self.stats.internal_errors += 1
            log.exception("query %s (%s) failed", req.id, req.type)
            self._send(envelope, error_reply(req.id, "invalid",
                                             f"the server could not answer ({type(exc).__name__})"))
            return
        self._send(envelope, ok_reply(req.id, self.engine.state.seq, result))

    def _state_info(self) -> dict[str, object]:
        return {"ev": self.engine.state.seq, "now": f"{self.engine.clock():.3f}",
                "speed": f"{self.clock.speed:g}"}

    def _whoami(self, actor: Actor) -> dict[str, Any]:
        return {"operator": actor.operator, "role": actor.role.value, "scope": actor.scope,
                "subtree": scope_subtree(actor.scope), "workstation": actor.workstation,
                "server_time": self.engine.clock(), "time_speed": self.clock.speed,
                "city": self.engine.city.code, "city_name": self.engine.city.name}

    def _login(self, envelope: list[bytes], req: Request, user_id: str | None) -> None:
        """Check the key, the throttle and the fair queue here; scrypt runs on the backoffice
        thread. The workstation is the key's enrolled name (the client's claim without CURVE).
        """
        a = take_args(req.args, {"user": (str, ...), "password": (str, ...),
                                 "workstation": (str, "")}, "login")
        from dispatch.adapters.security.operators import normalize_user

        user = normalize_user(a["user"])[:64]
        claim = a["workstation"].strip()[:64]
        if not self.audit.room(2):
            self.stats.audit_full += 1
            raise Unavailable(AUDIT_FULL)
        try:
            entry = self.access.login_peer(user_id)
        except Forbidden:
            self.audit.write(audit_row(user, claim, "login_refused",
                                       {"reason": "key not enrolled or feed-only"}))
            raise
        workstation = entry.name if entry is not None else claim
        peer = f"key:{user_id}" if user_id is not None else f"peer:{envelope[0].hex()}"
        subjects = (f"user:{user}", peer)
        verdict = self.throttle.check(*subjects)
        if not verdict.allowed:
            self.stats.logins_throttled += 1
            self.audit.write(audit_row(user, workstation, "login_throttled",
                                       {"wait_s": round(verdict.wait_s, 1),
                                        "locked": verdict.locked,
                                        "subject": verdict.subject.split(":")[0]}))
            what = "locked after too many failed logins" if verdict.locked else \
                "slowed down after failed logins"
            raise Forbidden(f"this account or workstation is {what}; try again in "
                            f"{max(1, round(verdict.wait_s))} s")
        with self._logins_lock:
            if self._logins.get(peer, 0) >= MAX_LOGINS_PER_PEER:
                raise Unavailable("a login from this workstation is already in progress; "
                                  "wait for its answer")
            self._logins[peer] = self._logins.get(peer, 0) + 1
        directory, sessions, throttle, audit = \
            self.operators, self.sessions, self.throttle, self.audit

        def job() -> tuple[bytes, Callable[[], None] | None]:
            try:
                try:
                    op = directory.authenticate(a["user"], a["password"])
                    token = sessions.open(op, workstation, key=user_id)
                except Forbidden:
                    locked = throttle.failed(*subjects)
                    audit.write(audit_row(user, workstation, "login_failed", ""))
                    if locked.locked:
                        audit.write(audit_row(user, workstation, "login_locked",
                                              {"subject": locked.subject.split(":")[0],
                                               "for_s": locked.wait_s}))
                    raise
                throttle.succeeded(subjects[0])
                audit.write(audit_row(op.user, workstation, "login",
                                      {"role": op.role.value, "scope": op.scope}))
                actor = sessions.actor(token, user_id)
                result = {"session": token, **self._whoami(actor),
                          "display_name": getattr(op, "display_name", op.user)}
                return ok_reply(req.id, self.engine.state.seq, result), None
            finally:
                with self._logins_lock:
                    left = self._logins.get(peer, 1) - 1
                    if left > 0:
                        self._logins[peer] = left
                    else:
                        self._logins.pop(peer, None)

        if not self.backoffice.submit(envelope, req.id, job):
            with self._logins_lock:
                self._logins[peer] = max(0, self._logins.get(peer, 1) - 1)
            self.stats.busy += 1
            self._send(envelope, error_reply(req.id, "unavailable", "server busy; try again"))

    def _audit(self, actor: Actor, action: str, detail: dict[str, Any],
               incident_id: str | None = None) -> None:
        self.audit.write(audit_row(actor.operator, actor.workstation, action, detail,
                                   incident_id=incident_id))

    def _history(self, envelope: list[bytes], req: Request, actor: Actor) -> None:
        q = HistoryQuery.from_args(req.args)
        store = self.store
        if store is None:
            raise Unavailable("this server keeps no history (no event store)")
        engine = self.engine

        def incident_grid(iid: str) -> str | None:
            inc = engine.state.incidents.get(iid)
            return None if inc is None else inc.grid

        def unit_grid(uid: str) -> str | None:
            u = engine.state.units.get(uid)
            return None if u is None else u.home_grid

        writer = self.audit

        def job() -> tuple[bytes, None]:
            page = history_page(store, q, actor, incident_grid, unit_grid)
            writer.write(audit_row(actor.operator, actor.workstation, "history",
                                   {**req.args, "returned": len(page["events"])},
                                   incident_id=q.incident_id))
            return ok_reply(req.id, engine.state.seq, page), None

        if not self.backoffice.submit(envelope, req.id, job):
            self.stats.busy += 1
            raise Unavailable("server busy; try again")

    def _city(self, envelope: list[bytes], req: Request, actor: Actor) -> None:
        """The city as GeoJSON, zlib-compressed and base64-encoded: its regions, or with
        ``assets`` also its parts and units (a city-scale file is tens of megabytes of JSON,
        a few once compressed); computed once per variant, off the loop."""
        a = take_args(req.args, {"assets": (bool, False)}, "city")
        assets = bool(a["assets"])
        actor.require(Permission.READ, "read the city")
        if assets and actor.scope:
            # Parts and units are the city's inventory: a region-limited operator gets its
            # region's units from the feed, and nothing of the other regions.
            raise Forbidden(f"{actor.operator} is limited to a region: the city's parts and "
                            "units are for city-wide operators only")
        cached = self._city_results.get(assets)
        if cached is not None:
            self._send(envelope, ok_reply(req.id, self.engine.state.seq, cached))
            return
        city = self.engine.city

        def job() -> tuple[bytes, Callable[[], None]]:
            from dispatch.adapters.geojson_io import export_geojson

            text = dumps(export_geojson(city, assets=assets))
            result = {"code": city.code, "name": city.name, "encoding": "zlib+base64",
                      "assets": assets,
                      "geojson_z": base64.b64encode(zlib.compress(text, 6)).decode()}

            def keep() -> None:
                self._city_results[assets] = result
            return ok_reply(req.id, self.engine.state.seq, result), keep

        if not self.backoffice.submit(envelope, req.id, job):
            self.stats.busy += 1
            raise Unavailable("server busy; try again")

    def _wakeups(self) -> None:
        while True:
            try:
                self.wake.recv(zmq.NOBLOCK)
            except zmq.ZMQError:
                break
        while not self.backoffice.done.empty():
            done = self.backoffice.done.get_nowait()
            if done.after is not None:
                done.after()
            if done.envelope is not None and done.reply is not None:
                self._send(done.envelope, done.reply)

    def _recommend(self, actor: Actor, args: dict[str, Any]) -> dict[str, Any]:
        actor.require(Permission.DISPATCH, "ask for unit recommendations")
        a = take_args(args, {"incident_id": (str, ...), "limit": (int, 10)}, "recommend")
        if not 1 <= a["limit"] <= 100:
            raise InvalidCommand("recommend.limit must be 1 to 100")
        inc = self.engine.state.incidents.get(a["incident_id"])
        if inc is None:
            raise NotFound(f"no incident {a['incident_id']!r}")
        actor.require_incident_visible(inc.id, inc.grid)
        # units it may assign: its region's, or any with mutual aid
        within = "" if actor.may(Permission.MUTUAL_AID) else actor.scope
        recs = recommend_units(self.engine.state, self.engine.catalogue, inc,
                               now=self.engine.clock(), limit=a["limit"], within=within)
        units = []
        for r in recs:
            d = asdict(r)
            d["status"] = r.status.value
            d["distance_m"] = round(r.distance_m, 1)
            d["idle_s"] = round(r.idle_s, 1)
            units.append(d)
        return {"incident_id": inc.id, "units": units}

    def _duplicates(self, actor: Actor, args: dict[str, Any]) -> dict[str, Any]:
        a = take_args(args, {"incident_id": (str, None), "class_code": (str, None),
                             "lon": (float, None), "lat": (float, None),
                             "radius_m": (float, 200.0), "window_s": (float, 1800.0),
                             "limit": (int, 20)}, "duplicates")
        actor.require(Permission.INTAKE, "look for duplicates")
        state = self.engine.state
        if a["incident_id"] is not None:
            inc = state.incidents.get(a["incident_id"])
            if inc is None:
                raise NotFound(f"no incident {a['incident_id']!r}")
            actor.require_incident_visible(inc.id, inc.grid)
            class_code, lon, lat, ts, exclude = inc.class_code, inc.lon, inc.lat, \
                inc.reported_at, inc.id
        else:
            if a["class_code"] is None or a["lon"] is None or a["lat"] is None:
                raise InvalidCommand("duplicates needs incident_id, or class_code, lon and lat")
            class_code, lon, lat, ts, exclude = a["class_code"], a["lon"], a["lat"], \
                self.engine.clock(), ""
        if not (0 < a["radius_m"] <= 10_000 and 0 < a["window_s"] <= 7 * 86400
                and 1 <= a["limit"] <= 200):
            raise InvalidCommand("duplicates: radius_m ≤ 10 km, window_s ≤ 7 days, "
                                 "limit 1 to 200")
        try:
            found = find_duplicates(state, self.engine.catalogue, class_code=class_code,
                                    lon=lon, lat=lat, ts=ts, radius_m=a["radius_m"],
                                    window_s=a["window_s"], exclude=exclude)
        except KeyError:
            raise NotFound(f"no event class {class_code!r} in the catalogue") from None
        from dispatch.domain.geo import distance_m

        out = [{"incident_id": i.id, "status": i.status.value, "class_code": i.class_code,
                "grid": i.grid, "description": i.description, "reported_at": i.reported_at,
                "distance_m": round(distance_m(lon, lat, i.lon, i.lat), 1)}
               for i in found if actor.in_scope(i.grid)][:a["limit"]]
        return {"incidents": out}

    # ------------------------------------------------------------------- feed, snapshot

    def _subscriptions(self) -> None:
        acc, ref = handle_subscriptions(self.pub, self._feed_allowed, self._hugz_now)
        self.stats.feed_accepted += acc
        self.stats.feed_refused += ref

    def _hugz_now(self) -> None:
        self.feed.hugz(self.engine.clock(), self.engine.state.seq)

    def _feed_allowed(self, topic: bytes, user_id: str | None) -> bool:
        verdict = self.access.subscribe(topic, user_id)
        if not verdict.allowed:  # audited once a second per key, with the reasons
            reasons = self._feed_refusals.setdefault(self.access.name_of(user_id), [])
            if len(reasons) < 20:
                reasons.append(f"{topic[:64]!r}: {verdict.reason}")
            else:
                reasons[-1] = f"… and more (last: {verdict.reason})"
        return verdict.allowed

    def _audit_feed_refusals(self) -> None:
        for name, reasons in self._feed_refusals.items():
            self.audit.write(audit_row("?", name, "feed_refused", {"reasons": reasons}))
        self._feed_refusals.clear()

    def _authorize_snapshot(self, subtree: str, token: str, user_id: str | None = None
                            ) -> Actor:
        return self.access.snapshot_actor(subtree, token, user_id)

    def _snapshot_refused(self, subtree: str, err: DispatchError, user_id: str | None) -> None:
        self.audit.write(audit_row("?", self.access.name_of(user_id), "snapshot_refused",
                                   {"subtree": subtree[:64], "error": err.code,
                                    "message": err.message[:300]}))

    # ---------------------------------------------------------------------- trust edges

    def _check_feed(self) -> None:
        """After grants shrank: if a key holds a subscription no grant covers any more, drop
        every subscription (clients resubscribe at once and are checked again)."""
        if self.access.feed_needs_reset():
            self._reset_feed()
        self.snapshots.abort(self.access.still_allowed)

    def _reset_feed(self) -> None:
        """Replace the update socket: ZeroMQ cannot take one peer's subscription away, so all
        peers are disconnected; SUB sockets reconnect by themselves within ~0.1 s and their
        subscriptions are decided again. A revoked key cannot reconnect (ZAP refuses it)."""
        assert self.endpoints is not None
        old = self.pub
        poller = getattr(self, "_poller", None)
        if poller is not None:
            poller.unregister(old)
        old.close(linger=0)
        new = self._make_pub()
        deadline = time.monotonic() + 5.0
        while True:
            try:
                new.bind(self.endpoints.update)
                break
            except zmq.ZMQError as exc:  # the old listener is still closing
                if exc.errno != zmq.EADDRINUSE or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        self.pub = new
        self.feed.socket = new
        if poller is not None:
            poller.register(new, zmq.POLLIN)
        self.access.feed_reset()
        self.stats.feed_resets += 1
        log.info("update feed reset: a key's grants shrank")
        self.audit.write(audit_row("system", "server", "feed_reset", {}))

    def _expire_sessions(self) -> None:
        expired = self.sessions.purge()
        for sess in expired:
            self.audit.write(audit_row(sess.actor.operator, sess.actor.workstation,
                                       "session_expired", {}))
        if expired:
            self._check_feed()
        self._audit_feed_refusals()

    def _keys_changed(self) -> None:
        """The allow-list directory changed (enrolment, revocation): apply it now."""
        auth = self.authenticator
        if auth is None or self.server_keys is None:
            return
        from dispatch.adapters.security.keys import reload

        before = dict(auth.entries)
        try:
            reload(auth, self.server_keys.clients_dir)
        except (ValueError, OSError) as exc:
            log.error("allow-list not reloaded (the previous one stays): %s", exc)
            self.audit.write(audit_row("system", "server", "allow_list_invalid",
                                       {"error": str(exc)[:500]}))
            return
        after = auth.entries
        for key, entry in before.items():
            if after.get(key) != entry:
                closed = self.sessions.close_key(key.decode("ascii"))
                self.audit.write(audit_row("system", entry.name, "key_revoked",
                                           {"name": entry.name, "role": entry.role,
                                            "sessions_closed": len(closed)}))
        for key, entry in after.items():
            if before.get(key) != entry:
                self.audit.write(audit_row("system", entry.name, "key_enrolled",
                                           {"name": entry.name, "role": entry.role,
                                            "scope": entry.scope}))
        self._check_feed()

    def _operators_changed(self, grants: dict[str, OperatorGrant]) -> None:
        """The operator table changed: close every session whose operator is gone, disabled,
        or now has another role or scope (the workstation logs in again and gets the new)."""
        def doomed(sess: Any) -> bool:
            g = grants.get(sess.actor.operator)
            return g is None or g.disabled or g.role != sess.actor.role.value \
                or g.scope != sess.actor.scope

        closed = self.sessions.close_where(doomed)
        for sess in closed:
            g = grants.get(sess.actor.operator)
            reason = "removed" if g is None else "disabled" if g.disabled else "role or scope"
            self.audit.write(audit_row(sess.actor.operator, sess.actor.workstation,
                                       "session_closed", {"reason": reason}))
        if closed:
            self._check_feed()

    # --------------------------------------------------------------------------- clock

    def _clock_tick(self) -> bool:
        """Run the clock for the incidents whose time came (a bounded number per call, so a
        catch-up after downtime does not stall commands); True if some are still due."""
        now = self.engine.clock()
        state = self.engine.state
        actions = self.watcher.tick(state.incidents, now, limit=CLOCK_SLICE)
        ran = 0
        for act in actions:
            try:
                self.engine.execute(act.command, SYSTEM_ACTOR, command_id=act.command_id,
                                    now=now, commit=False)
                ran += 1
            except DispatchError as err:
                self.stats.clock_refused += 1
                log.debug("clock action %s refused: %s", act.command_id, err)
        self.stats.clock_actions += ran
        if ran:
            self._commit_publish()
        self._archive(now)
        nxt = self.watcher.next_time()
        return nxt is not None and nxt <= now


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
    return DispatchServer(engine, settings=settings, clock=clock, rules=rules,
                          operators=operators,
                          sessions=SessionTable(ttl_s=settings.session_ttl_h * 3600.0),
                          store=store,
                          server_keys=keys, ctx=ctx)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gridline server",
                                description="Run the Gridline dispatch server.")
    p.add_argument("--db-url", help="SQLAlchemy URL (default: SQLite in the data dir)")
    p.add_argument("--data-dir", help="keys, embedded database")
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--command-port", type=int)
    p.add_argument("--snapshot-port", type=int)
    p.add_argument("--update-port", type=int)
    p.add_argument("--time-speed", type=float, help="engine seconds per real second")
    p.add_argument("--city-size", choices=["demo", "city"])
    p.add_argument("--city-seed", type=int)
    p.add_argument("--rules", dest="rules_file", help="clock rules JSON file")
    p.add_argument("--hugz-interval", dest="hugz_interval_s", type=float)
    p.add_argument("--no-demo-operators", dest="demo_operators", action="store_false",
                   default=None)
    p.add_argument("--insecure", action="store_true", default=None,
                   help="plain sockets without CurveZMQ (tests and benchmarks only)")
    p.add_argument("--test-levers", dest="test_levers", action="store_true", default=None,
                   help="accept the clock and archive test levers over the wire (tests only; "
                        "needs --insecure)")
    p.add_argument("--anonymous-read", metavar="SUBTREE",
                   help="with --insecure: serve snapshots of SUBTREE (\"\" = the whole city, "
                        "\"/320508/\" a district) to plain RFC 12 clients that send no "
                        "session token")
    p.add_argument("--log-level", default="INFO")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    given = {k: v for k, v in vars(args).items() if v is not None and k != "log_level"}
    try:
        settings = Settings(**given)
        server = open_server(settings)
    except Exception as exc:
        log.error("cannot start: %s", exc)
        return 2
    if settings.insecure:
        log.warning("INSECURE mode: no CurveZMQ, the feed is not limited to operators' regions")

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        server.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        ep = server.bind()
    except zmq.ZMQError as exc:
        log.error("cannot bind: %s", exc)
        server._shutdown()
        return 2
    print(f"gridline server ready command={ep.command} snapshot={ep.snapshot} "
          f"update={ep.update} seq={server.engine.state.seq}", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
