"""The state mirror: a live copy of the server's state for one region subtree (RFC 12 client).

Order of a (re)synchronisation:

1. open a SUB socket, subscribe to the subtree and to ``HUGZ``;
2. wait for the first message on it (the server answers every accepted subscription with a
   ``HUGZ``, so the subscription is known to be active), keeping any updates that arrive;
3. send ``ICANHAZ?`` + subtree + session token on a DEALER and load the ``KVSYNC`` records
   into a fresh :class:`DispatchState` until ``KTHXBAI`` (the feed sequence of the snapshot);
   the last ``KVSYNC``, ``<subtree>.status``, carries the subtree counter and the server run,
   a ``<subtree>.error`` one a refusal;
4. drop the kept updates at or below that sequence, apply the rest, go live.

Live, every update must advance the subtree counter by exactly one and every status record of
the subtree (one per ``HUGZ``) must report the counter the mirror holds and the same server
run; otherwise — or when the subtree's status has not come for three heartbeat intervals — the
mirror starts again from 1 with new sockets, which also covers a server restart.

Drive it from one thread::

    mirror = StateMirror(snapshot_ep, update_ep, subtree=login.subtree, token=source)
    mirror.start()
    while running:
        changes = mirror.run_once(100)   # Changes(incidents, units, resynced)
"""

from __future__ import annotations

import logging
import struct
import time
from collections.abc import Callable

import zmq

from dispatch.adapters.client.commands import ClientCurve
from dispatch.adapters.client.mirror_types import Changes, MirrorInfo, MirrorStatus
from dispatch.adapters.client.mirror_wire import recv5, update_props
from dispatch.adapters.client.servers import FeedServers
from dispatch.adapters.protocol.chp import (
    HUGZ,
    KTHXBAI,
    FeedStatus,
    ProtocolError,
    SnapshotRequest,
    decode_error,
    decode_status,
    is_error_key,
    is_status_key,
    status_key,
)
from dispatch.adapters.protocol.messages import MAX_REPLY_BYTES
from dispatch.adapters.protocol.records import apply_body, key_kind, subtree_scope
from dispatch.domain.state import DispatchState

log = logging.getLogger(__name__)
_SEQ = struct.Struct(">Q")

TokenSource = Callable[[], str]
MAX_KEYS = 200_000  # record keys remembered split (a city: 26,000 units, ~50,000 incidents)


class StateMirror:
    def __init__(self, snapshot_endpoint: str, update_endpoint: str, *, subtree: str = "",
                 token: str | TokenSource = "", ctx: zmq.Context | None = None,
                 curve: ClientCurve | None = None, hugz_interval_s: float = 1.0,
                 silence_intervals: float = 3.0) -> None:
        subtree_scope(subtree)  # ValueError for a malformed subtree
        # one server, or a leader and its standbys in the same order in both lists
        self.servers = FeedServers(snapshot_endpoint, update_endpoint)
        self.subtree = subtree
        self.depth = 0 if not subtree else len(subtree_scope(subtree)) // 3 - 1
        self._status_key = status_key(subtree).encode()
        self._token = token
        self.ctx = ctx or zmq.Context.instance()
        self.curve = curve
        self.silence_s = hugz_interval_s * silence_intervals
        self._silence_n = silence_intervals
        self.hugz_interval_s = hugz_interval_s
        self.state = DispatchState()
        self._sub: zmq.Socket | None = None
        self._poller: tuple[zmq.Socket, zmq.Socket, zmq.Poller] | None = None
        self._snap: zmq.Socket | None = None
        self._phase = "idle"  # idle, wait_hugz, snapshot, live, refused
        self._was_live = False
        self._phase_t = 0.0
        self._last_msg: float | None = None
        self._last_status = 0.0  # when the subtree's status last came (live)
        self._hugz_since_status = 0
        self._snap_status: FeedStatus | None = None
        self._snap_error = ""  # a refusal read from the snapshot (its message)
        self._snap_relogin = False
        self._last_snap_msg = 0.0
        self._pending: list[list[bytes]] = []
        self._new: DispatchState | None = None
        self._keys: dict[bytes, tuple[str, str]] = {}  # record key → (kind, id)
        self._snap_seq = 0
        self.seq = 0  # feed sequence of the last update applied (or of the snapshot)
        self.counter = 0  # subtree counter held
        self.run_id: int | None = None
        self.resyncs = 0
        self.gaps = 0
        self.errors = 0
        self.updates = 0
        self.message = ""
        self._retry_at = 0.0
        self._server_now: tuple[float, float, float] | None = None  # (server t, mono, speed)
        self._rate = 0.0
        self._rate_t0 = time.monotonic()
        self._rate_n = 0

    # --------------------------------------------------------------------- lifecycle

    @property
    def snapshot_endpoint(self) -> str:  # of the server the mirror is on
        return self.servers.current

    @property
    def failovers(self) -> int:  # moves to another server of its list
        return self.servers.failovers

    def start(self) -> None:
        self._resync(first=True)

    def close(self) -> None:
        for s in (self._sub, self._snap):
            if s is not None:
                s.close(linger=0)
        self._sub = self._snap = None
        self._poller = None
        self._phase = "idle"

    def __enter__(self) -> StateMirror:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _resync(self, *, first: bool = False, reason: str = "",
                silent: bool = False) -> None:
        """New sockets, a new snapshot; ``silent``: the server said nothing for too long,
        so the next server of the list (if any) is tried, with a new login."""
        if not first:
            self.resyncs += 1
            log.info("mirror %r resyncing: %s", self.subtree, reason)
        if silent and self.servers.next():
            log.warning("mirror %r: trying the server at %s", self.subtree,
                        self.snapshot_endpoint)
            if hasattr(self._token, "invalidate"):  # a session lives on one server only
                self._token.invalidate()
        if reason:
            self.message = reason
        for s in (self._sub, self._snap):
            if s is not None:
                s.close(linger=0)
        sub = self._subscribe()
        snap = self.ctx.socket(zmq.DEALER)
        snap.setsockopt(zmq.LINGER, 0)
        snap.setsockopt(zmq.RCVHWM, 0)
        snap.setsockopt(zmq.MAXMSGSIZE, MAX_REPLY_BYTES)
        if self.curve is not None:
            self.curve.apply(snap)
        snap.connect(self.snapshot_endpoint)
        self._sub, self._snap = sub, snap
        self._heard = False  # anything on the feed from this server since
        self._pending = []
        self._new = None
        self._phase = "wait_hugz"
        self._phase_t = time.monotonic()

    def _subscribe(self) -> zmq.Socket:
        sub = self.ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.RCVHWM, 0)
        sub.setsockopt(zmq.MAXMSGSIZE, MAX_REPLY_BYTES)
        if self.curve is not None:
            self.curve.apply(sub)
        sub.connect(self.servers.update)
        sub.setsockopt(zmq.SUBSCRIBE, self.subtree.encode())
        if self.subtree:
            sub.setsockopt(zmq.SUBSCRIBE, HUGZ)
        return sub

    def _ask_snapshot(self) -> None:
        assert self._snap is not None
        if hasattr(self._token, "prefer"):  # log in where the feed is (a leader and standbys)
            self._token.prefer(self.servers.index)
        logins = getattr(self._token, "logins", 0)
        try:
            token = self._token() if callable(self._token) else self._token
        except Exception as exc:  # login failed (server down, wrong password)  # noqa: BLE001
            self.message = f"cannot log in: {exc}"
            self._phase = "wait_hugz"
            self._phase_t = time.monotonic()
            self._retry_at = time.monotonic() + self.hugz_interval_s
            return
        if self.curve is not None and self._sub is not None and \
                getattr(self._token, "logins", 0) != logins:
            # logged in after subscribing, which was refused then: again, snapshot once heard
            self._sub.close(linger=0)
            self._sub, self._pending = self._subscribe(), []
            self._phase, self._phase_t = "wait_hugz", time.monotonic()
            return
        self._snap.send_multipart(SnapshotRequest(self.subtree, token).frames())
        self._new = DispatchState()
        self._snap_status, self._snap_error, self._snap_relogin = None, "", False
        self._phase = "snapshot"
        self._phase_t = self._last_snap_msg = time.monotonic()

    # -------------------------------------------------------------------------- run

    def run_once(self, timeout_ms: int = 100, budget_s: float = 0.05) -> Changes:
        """Wait up to ``timeout_ms`` for traffic, handle what arrived (for at most about
        ``budget_s``), and return the ids that changed."""
        out = Changes()
        if self._phase == "idle":
            self.start()
        sub, snap = self._sub, self._snap
        assert sub is not None
        assert snap is not None
        if self._poller is None or self._poller[0] is not sub or self._poller[1] is not snap:
            poller = zmq.Poller()  # made again only when the sockets were (a resync)
            poller.register(sub, zmq.POLLIN)
            poller.register(snap, zmq.POLLIN)
            self._poller = (sub, snap, poller)
        ready = dict(self._poller[2].poll(timeout_ms))
        deadline = time.monotonic() + budget_s
        if snap in ready:
            self._drain_snapshot(out, deadline)
        if sub in ready and self._sub is sub:
            self._drain_updates(out, deadline)
        self._timeouts()
        inc, units = self.state.take_changes()
        out.incidents |= inc
        out.units |= units
        now = time.monotonic()
        if now - self._rate_t0 >= 1.0:
            self._rate = self._rate_n / (now - self._rate_t0)
            self._rate_t0, self._rate_n = now, 0
        return out

    def wait_live(self, timeout_s: float = 10.0) -> Changes:
        """Run until the mirror is live (or raise TimeoutError)."""
        out = Changes()
        end = time.monotonic() + timeout_s
        while self._phase != "live":
            if time.monotonic() > end:
                raise TimeoutError(f"mirror not live after {timeout_s} s ({self.message})")
            out.merge(self.run_once(50))
        return out

    def _timeouts(self) -> None:
        now = time.monotonic()
        if self._phase == "wait_hugz":
            if now >= self._retry_at and now - self._phase_t > 1.5 * self.hugz_interval_s:
                self._ask_snapshot()  # no heartbeat yet: ask anyway (a plain RFC 12 server)
        elif self._phase == "snapshot":
            if now - self._last_snap_msg > self.silence_s:
                # a server whose feed was heard since is up (slow to snapshot): stay on it
                self._resync(reason="no snapshot from the server", silent=not self._heard)
        elif self._phase == "live":
            if self._last_msg is not None and now - self._last_msg > self.silence_s:
                self._resync(reason=f"no heartbeat for {now - self._last_msg:.1f} s",
                             silent=True)
            elif (self.run_id is not None and self._hugz_since_status >= self._silence_n
                  and now - self._last_status > self.silence_s):
                # heartbeats without the subtree's status: a restarted server, which knows
                # the subtree again once asked for a snapshot
                self._resync(reason="the server no longer reports this region (restarted?)")
        elif self._phase == "refused" and now >= self._retry_at:
            self._resync(reason=self.message)

    # ----------------------------------------------------------------------- updates

    def _drain_updates(self, out: Changes, deadline: float) -> None:
        sub = self._sub
        assert sub is not None
        n = 0
        while True:
            try:
                frames = recv5(sub)
            except zmq.Again:
                return
            self._last_msg = time.monotonic()
            self._heard = True
            if frames is None:
                self.errors += 1  # not CHP; a lost update shows up as a gap
                continue
            if not frames[3] and (frames[0] == HUGZ or is_status_key(frames[0])):
                self._heartbeat(frames)  # the server's updates always carry properties
            elif self._phase == "live":
                self._apply_update(frames)
            else:
                self._pending.append(frames)
                if self._phase == "wait_hugz":
                    self._ask_snapshot()
            if self._sub is not sub:
                return  # resynced meanwhile
            n += 1
            if not n & 127 and time.monotonic() > deadline:
                return

    def _heartbeat(self, frames: list[bytes]) -> None:
        """A ``HUGZ`` or a status record (the subtree's, or one of a subtree within it)."""
        if self._phase == "wait_hugz":
            self._ask_snapshot()
            return
        if frames[0] != self._status_key:
            if frames[0] == HUGZ:
                self._hugz_since_status += 1
            return
        try:
            st = decode_status(frames[4])
            seq = _SEQ.unpack(frames[1])[0]
        except (ProtocolError, struct.error):
            self.errors += 1
            return
        self._server_now = (st.now, time.monotonic(), st.speed)
        if self._phase != "live":
            return
        self._last_status = time.monotonic()
        self._hugz_since_status = 0
        if self.run_id is not None and st.run != self.run_id:
            self._resync(reason="the server restarted")
        elif seq >= self.seq and st.n != self.counter:
            # (a status older than an update already applied was queued behind the snapshot)
            self.gaps += 1
            self._resync(reason=f"missed updates (server counter {st.n}, "
                                f"mirror {self.counter})")

    def _record_of(self, key: bytes) -> tuple[str, str]:
        """``key_kind`` of a key, remembered: a unit's key comes again with every move (the
        feed's hottest loop); forgotten wholesale past ``MAX_KEYS``. ValueError for a key
        that is not UTF-8 or not a record's."""
        got = self._keys.get(key)
        if got is None:
            if len(self._keys) >= MAX_KEYS:
                self._keys.clear()
            got = self._keys[key] = key_kind(key.decode())
        return got

    def _apply_update(self, frames: list[bytes]) -> None:
        try:
            seq = _SEQ.unpack(frames[1])[0]
        except struct.error:
            self.errors += 1
            return
        if seq <= self.seq:
            return  # already in the snapshot (or a duplicate)
        try:
            n, ev = update_props(frames[3], self.depth)
        except (ProtocolError, KeyError, IndexError, ValueError):
            self.errors += 1
            return
        if n != self.counter + 1:
            self.gaps += 1
            self._resync(reason=f"gap in the feed (counter {n}, expected {self.counter + 1})")
            return
        self.counter = n
        self.seq = seq
        try:
            kind, rid = self._record_of(frames[0])
            apply_body(self.state, kind, rid, frames[4])
        except (ValueError, KeyError, TypeError) as exc:
            self.errors += 1
            log.warning("bad record %r: %s", frames[0][:80], exc)
        if ev > self.state.seq:
            self.state.seq = ev
        self.updates += 1
        self._rate_n += 1

    # ---------------------------------------------------------------------- snapshot

    def _drain_snapshot(self, out: Changes, deadline: float) -> None:
        snap = self._snap
        assert snap is not None
        n = 0
        while True:
            try:
                frames = recv5(snap)
            except zmq.Again:
                return
            self._last_snap_msg = time.monotonic()
            if self._phase != "snapshot" or self._new is None or frames is None:
                self.errors += 1
                continue
            if frames[0] == KTHXBAI:
                self._end_snapshot(frames, out)
                return
            try:
                kind, rid = self._record_of(frames[0])
                apply_body(self._new, kind, rid, frames[4])
            except (ValueError, KeyError, TypeError) as exc:
                if not self._snapshot_meta(frames):
                    self.errors += 1
                    log.warning("bad snapshot record %r: %s", frames[0][:80], exc)
            n += 1
            if not n & 255 and time.monotonic() > deadline:
                return

    def _snapshot_meta(self, frames: list[bytes]) -> bool:
        """Read a reserved key of the snapshot: the subtree's status, or an error."""
        key = frames[0]
        if key == self._status_key:
            try:
                self._snap_status = decode_status(frames[4])
            except ProtocolError:
                self.errors += 1
            return True
        if is_error_key(key):
            err = decode_error(frames[4])
            self._snap_error = f"{err.error}: {err.message}"
            self._snap_relogin = err.relogin
            return True
        return is_status_key(key)

    def _end_snapshot(self, frames: list[bytes], out: Changes) -> None:
        if frames[3] and not self._snap_error:  # RFC 12's KTHXBAI has no properties
            self._snap_error = ("invalid: the server speaks an older feed protocol "
                                "(counters in KTHXBAI); update the server")
        if self._snap_error:
            self.message = self._snap_error
            if self._snap_relogin and hasattr(self._token, "invalidate"):
                self._token.invalidate()
                self._retry_at = time.monotonic() + 0.2
            else:
                self._retry_at = time.monotonic() + 5 * self.hugz_interval_s
            self._phase = "refused"
            self._new = None
            return
        new = self._new
        assert new is not None
        st = self._snap_status
        try:
            self._snap_seq = _SEQ.unpack(frames[1])[0]
        except struct.error:
            self.errors += 1
            self._resync(reason="malformed KTHXBAI")
            return
        # without a status record (a plain RFC 12 server) counters start at zero
        self.counter = st.n if st is not None else 0
        self.run_id = st.run if st is not None else None
        new.seq = st.ev if st is not None else 0
        if st is not None:
            self._server_now = (st.now, time.monotonic(), st.speed)
        self._last_status = time.monotonic()
        self._hugz_since_status = 0
        new.take_changes()
        old = self.state
        out.incidents |= set(old.incidents) | set(new.incidents)
        out.units |= set(old.units) | set(new.units)
        out.resynced = True
        self.state = new
        self._new = None
        self.seq = self._snap_seq
        self._phase = "live"
        self._was_live = True
        self.message = ""
        pending, self._pending = self._pending, []
        for f in pending:
            if self._phase != "live":
                break
            self._apply_update(f)

    # ------------------------------------------------------------------------ status

    @property
    def live(self) -> bool:
        return self._phase == "live"

    def server_time(self) -> float | None:
        """The server's engine time now, extrapolated from its last heartbeat."""
        if self._server_now is None:
            return None
        t, mono, speed = self._server_now
        return t + (time.monotonic() - mono) * speed

    def status(self) -> MirrorStatus:
        now = time.monotonic()
        silent = self._last_msg is None or now - self._last_msg > self.silence_s
        if self._phase == "live":
            return MirrorStatus.LIVE
        if self._phase == "refused":
            return MirrorStatus.REFUSED
        if silent and (self._was_live or now - self._phase_t > self.silence_s):
            return MirrorStatus.DISCONNECTED
        return MirrorStatus.SYNCING if self._was_live else MirrorStatus.CONNECTING

    def info(self) -> MirrorInfo:
        age = None if self._last_msg is None else time.monotonic() - self._last_msg
        speed = self._server_now[2] if self._server_now else 1.0
        return MirrorInfo(status=self.status(), subtree=self.subtree, feed_seq=self.seq,
                          state_seq=self.state.seq, last_message_age_s=age,
                          updates_per_s=self._rate, updates=self.updates,
                          resyncs=self.resyncs, gaps=self.gaps, errors=self.errors,
                          server_time=self.server_time(), time_speed=speed,
                          message=self.message, server=self.snapshot_endpoint,
                          servers=len(self.servers), server_index=self.servers.index,
                          failovers=self.failovers)
