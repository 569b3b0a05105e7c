"""The snapshot side of the state feed: ``ICANHAZ?`` on a ROUTER, answered by a stream of
``KVSYNC`` messages and a ``KTHXBAI``.

Every request gets an answer. A served snapshot is the subtree's records, then the
``<subtree>.status`` record (sequence: the feed sequence at the snapshot, so it is the highest
of the stream), then ``KTHXBAI`` with that sequence and empty properties, as RFC 12 writes it.
A refused or malformed request gets one ``<subtree>.error`` record and ``KTHXBAI``, both with
sequence zero.

A snapshot is captured at once (the list of encoded records and the feed position are taken
in the server thread between two batches, so it is consistent) and then streamed a slice at a
time between command batches, so a late joiner on a city-sized state never stalls commands.
The ROUTER runs in mandatory mode: a full peer queue pauses the stream (flow control), a peer
that went away ends it.
"""

from __future__ import annotations

import struct
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import zmq
import zmq.backend

from dispatch.adapters.protocol.chp import (
    FeedError,
    ProtocolError,
    decode_icanhaz,
    kthxbai_frames,
    refusal_frames,
    status_key,
)
from dispatch.adapters.protocol.records import subtree_scope
from dispatch.adapters.server.feed import Entry, FeedPublisher
from dispatch.domain.errors import DispatchError, Forbidden, InvalidCommand, Unavailable
from dispatch.domain.roles import Actor

_SEQ = struct.Struct(">Q")
MAX_JOBS = 32

# (subtree, token, CURVE User-Id of the peer) → actor, or raises a DispatchError
Authorize = Callable[[str, str, "str | None"], Actor]
Refused = Callable[[str, DispatchError, "str | None"], None]


@dataclass(slots=True)
class _Job:
    identity: bytes
    subtree: str
    items: list[Entry]  # the records, then the status record
    seq: int
    actor: Actor | None = None  # who asked: a stream ends when its grant does
    user_id: str | None = None
    pos: int = 0
    started: float = field(default_factory=time.perf_counter)


@dataclass(slots=True)
class SnapshotStats:
    requests: int = 0
    served: int = 0
    refused: int = 0
    malformed: int = 0
    records_sent: int = 0
    abandoned: int = 0


def check_subtree(actor: Actor, subtree: str) -> str:
    """The subtree if it is well formed and within the actor's scope."""
    try:
        scope = subtree_scope(subtree)
    except ValueError as exc:
        raise InvalidCommand(str(exc)) from None
    if actor.scope and not scope.startswith(actor.scope):
        raise Forbidden(f"{actor.operator} may only see region {actor.scope}; "
                        f"subtree {subtree or '(whole city)'} is outside it")
    return subtree


class SnapshotService:
    def __init__(self, socket: zmq.Socket, feed: FeedPublisher, authorize: Authorize, *,
                 state_info: Callable[[], dict[str, object]],
                 on_refused: Refused | None = None) -> None:
        self.socket = socket
        self.feed = feed
        self.authorize = authorize
        self.on_refused = on_refused
        self.state_info = state_info
        self.stats = SnapshotStats()
        self._jobs: OrderedDict[bytes, _Job] = OrderedDict()

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def _refuse(self, identity: bytes, subtree: bytes, err: DispatchError) -> None:
        self.stats.refused += 1
        answer = FeedError(err.code, err.message, bool(getattr(err, "relogin", False)))
        for frames in refusal_frames(subtree, answer):
            self._send(identity, frames)

    def abort(self, still_allowed: Callable[[Actor | None, str | None], bool]) -> int:
        """End the streams whose requester lost its grant (a revoked key, a closed session):
        each gets a ``forbidden`` answer instead of the rest of the snapshot."""
        ended = 0
        for identity, job in list(self._jobs.items()):
            if still_allowed(job.actor, job.user_id):
                continue
            del self._jobs[identity]
            self._refuse(identity, job.subtree.encode(),
                         Forbidden("the grant of this snapshot ended (logout, revocation)"))
            ended += 1
        return ended

    def _send(self, identity: bytes, frames: list[bytes]) -> bool:
        try:
            self.socket.send_multipart([identity, *frames], zmq.NOBLOCK)
            return True
        except zmq.Again:
            return False
        except zmq.ZMQError as exc:
            if exc.errno == zmq.EHOSTUNREACH:
                return False
            raise

    def drain(self, limit: int = 100) -> None:
        """Read snapshot requests; start a job for each acceptable one and answer every other
        one (malformed ones too) with an error."""
        for _ in range(limit):
            try:
                raw = self.socket.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                return
            self.stats.requests += 1
            try:
                user_id: str | None = str(raw[-1].get("User-Id"))
            except zmq.ZMQError:
                user_id = None
            frames = [f.bytes for f in raw]
            identity = frames[0]
            asked = frames[2] if len(frames) > 2 else b""  # the subtree, as it came
            try:
                req = decode_icanhaz(frames[1:])
            except ProtocolError as exc:
                self.stats.malformed += 1
                self._refuse(identity, asked, InvalidCommand(str(exc)))
                continue
            try:
                actor = self.authorize(req.subtree, req.token, user_id)
                subtree = check_subtree(actor, req.subtree)
                if len(self._jobs) >= MAX_JOBS and identity not in self._jobs:
                    raise Unavailable("too many snapshots in progress; try again shortly")
            except DispatchError as err:
                self._refuse(identity, asked, err)
                if self.on_refused is not None:
                    self.on_refused(req.subtree, err, user_id)
                continue
            items, seq, _n = self.feed.snapshot(subtree)
            self.feed.watch(subtree)
            info = self.state_info()
            status = self.feed.status(subtree, float(str(info["now"])), int(str(info["ev"])),
                                      count=len(items))
            items.append((status_key(subtree).encode(), seq, status.body()))
            self._jobs.pop(identity, None)  # a repeated request restarts the stream
            self._jobs[identity] = _Job(identity, subtree, items, seq, actor, user_id)

    def pump(self, budget_s: float = 0.02) -> None:
        """Send as much of the pending snapshots as the budget and the peers allow."""
        if not self._jobs:
            return
        deadline = time.perf_counter() + budget_s
        sock = self.socket
        send = zmq.backend.Socket.send  # the backend method: twice as fast per frame
        more = int(zmq.SNDMORE) | int(zmq.NOBLOCK)
        last = int(zmq.NOBLOCK)
        pack = _SEQ.pack
        for identity in list(self._jobs):
            job = self._jobs[identity]
            items = job.items
            try:
                while job.pos < len(items):
                    key_b, seq, body = items[job.pos]
                    send(sock, identity, more)  # Again (nothing sent) if the peer is full
                    send(sock, key_b, more)
                    send(sock, pack(seq), more)
                    send(sock, b"", more)
                    send(sock, b"", more)
                    send(sock, body, last)
                    job.pos += 1
                    if not job.pos & 255 and time.perf_counter() > deadline:
                        break
                if job.pos >= len(items):
                    self.socket.send_multipart([identity, *kthxbai_frames(job.seq, job.subtree)],
                                               zmq.NOBLOCK)
                    del self._jobs[identity]
                    self.stats.served += 1
                    self.stats.records_sent += len(items) - 1
            except zmq.Again:
                pass  # the peer's queue is full: continue on the next round
            except zmq.ZMQError as exc:
                if exc.errno != zmq.EHOSTUNREACH:
                    raise
                del self._jobs[identity]
                self.stats.abandoned += 1
            if time.perf_counter() > deadline:
                return
