"""The update side of the state feed: one CHP ``KVPUB`` per changed record on an XPUB socket,
``HUGZ`` heartbeats (exactly RFC 12's), each followed by one status record per watched subtree
(``<subtree>.status``: per-subtree counters for gap detection), and the encoded bodies the
snapshot service streams.

Sequence numbers (see ``docs/PROTOCOL.md``):

- frame 1 is the *feed sequence*: +1 per update message, starting each server run at the
  run id (microseconds since the epoch at start), so it only ever grows, across restarts too;
- property ``n`` holds five counters ``n0,n1,n2,n3,n4``: how many updates the feed has
  published so far under the key's city, district, street, community and grid subtrees.
  A client subscribed to a subtree of depth *d* sees ``n_d`` go up by exactly one per update
  it receives; any other step is a gap;
- property ``ev`` is the event sequence of the state the body reflects.

A status record is a KVPUB with empty properties whose sequence is the current feed sequence
(not advanced: a client that is up to date drops it by RFC 12's rule) and whose body is a
:class:`FeedStatus`; it never counts in ``n``. Its key lies in its subtree, so only that
subtree's subscribers (and those of enclosing subtrees) receive it.
"""

from __future__ import annotations

import struct
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import zmq
import zmq.backend

from dispatch.adapters.feed_timing import STATUS_MIN_GAP_S
from dispatch.adapters.protocol.chp import HUGZ, FeedStatus, hugz_frames, status_key
from dispatch.adapters.protocol.records import (
    REGION_CODE_LENGTHS,
    incident_body,
    incident_key,
    subtree_scope,
    unit_body,
    unit_key,
)
from dispatch.domain.state import DispatchState

_SEQ = struct.Struct(">Q")
_MORE = int(zmq.SNDMORE)
_raw_send = zmq.backend.Socket.send
MAX_HUGZ_SUBTREES = 256  # subtrees with a status record after each HUGZ (most recent)

# (key bytes, feed sequence of its last update, body)
Entry = tuple[bytes, int, bytes]


def region_prefixes(grid: str) -> tuple[str, ...]:
    """Counter names of a record in ``grid``: district, street, community, grid codes."""
    return tuple(grid[:n] for n in REGION_CODE_LENGTHS if n <= len(grid))


def subtree_depth(subtree: str) -> int:
    """0 for the whole city, 1 for a district, … 4 for a grid."""
    return 0 if not subtree else len(subtree_scope(subtree)) // 3 - 1


@dataclass(slots=True)
class FeedStats:
    published: int = 0
    deleted: int = 0
    hugz: int = 0


class FeedPublisher:
    """Owns the counters and the body cache; sends on ``socket`` (an XPUB or a PUB)."""

    def __init__(self, socket: zmq.Socket, *, run_id: int, speed: float = 1.0) -> None:
        self.socket = socket
        self.run_id = run_id
        self.seq = run_id  # last feed sequence used
        self.speed = speed
        self.stats = FeedStats()
        self._run8 = _SEQ.pack(run_id)
        self._n0 = 0
        # One mutable cell per region code, shared by every grid under it, so that an update
        # bumps its four counters without hashing a code (the feed's hottest loop).
        self._counters: dict[str, list[int]] = {}
        self._cells: dict[str, tuple[list[int], ...]] = {}  # grid → its regions' cells
        self._entries: dict[str, Entry] = {}  # record key → entry (what a snapshot sends)
        self._inc_keys: dict[str, tuple[str, str]] = {}  # incident id → (key, grid)
        # unit id → (key, key bytes, cells): a unit's home grid, and so its key, is fixed
        self._unit_routes: dict[str, tuple[str, bytes, tuple[list[int], ...]]] = {}
        # subtrees asked for → their status key (a status record after each HUGZ)
        self._watched: OrderedDict[str, bytes] = OrderedDict()
        self._status_t = -1.0

    # --------------------------------------------------------------------------- state

    def load(self, state: DispatchState) -> None:
        """Fill the cache from a state (server start): every unit and incident it holds
        (finished incidents leave the state, and so the feed, when they are archived)."""
        for u in state.units.values():
            key = unit_key(u)
            self._entries[key] = (key.encode(), 0, unit_body(u))
        for inc in state.incidents.values():
            key = incident_key(inc)
            self._entries[key] = (key.encode(), 0, incident_body(inc))
            self._inc_keys[inc.id] = (key, inc.grid)

    def __len__(self) -> int:
        return len(self._entries)

    # ------------------------------------------------------------------------- publish

    def _grid_cells(self, grid: str) -> tuple[list[int], ...]:
        cells = self._cells.get(grid)
        if cells is None:
            counters = self._counters
            cells = self._cells[grid] = tuple(counters.setdefault(code, [0])
                                              for code in region_prefixes(grid))
        return cells

    def _message(self, key: str, key_b: bytes, cells: tuple[list[int], ...], body: bytes,
                 ev: int) -> tuple[bytes, bytes, bytes, bytes, bytes]:
        """The five frames of the next update of ``key``, counted and cached."""
        self.seq += 1
        seq = self.seq
        n0 = self._n0 = self._n0 + 1
        if len(cells) == 4:
            d, st, cm, g = cells
            d[0] += 1
            st[0] += 1
            cm[0] += 1
            g[0] += 1
            props = b"ev=%d\nn=%d,%d,%d,%d,%d\n" % (ev, n0, d[0], st[0], cm[0], g[0])
        else:  # a record outside any grid (not made by the server, but kept well-formed)
            n = [n0]
            for cell in cells:
                cell[0] += 1
                n.append(cell[0])
            n += [0] * (5 - len(n))
            props = b"ev=%d\nn=%d,%d,%d,%d,%d\n" % (ev, *n)
        if body:
            self._entries[key] = (key_b, seq, body)
            self.stats.published += 1
        else:
            self._entries.pop(key, None)
            self.stats.deleted += 1
        seq_b = _SEQ.pack(seq)
        return key_b, seq_b, self._run8 + seq_b, props, body

    def _send_all(self, messages: list[tuple[bytes, bytes, bytes, bytes, bytes]]) -> None:
        """Send encoded updates back to back: ZeroMQ's I/O thread, woken by the first, then
        finds several waiting and writes them to TCP together (sent one by one between
        encodings, each woke it for a write of its own). Frame by frame, int flags, pyzmq's
        backend method: four times faster than send_multipart on the sugar socket."""
        sock = self.socket
        for key_b, seq_b, uuid, props, body in messages:
            _raw_send(sock, key_b, _MORE)
            _raw_send(sock, seq_b, _MORE)
            _raw_send(sock, uuid, _MORE)
            _raw_send(sock, props, _MORE)
            _raw_send(sock, body, 0)

    def publish(self, state: DispatchState, incident_ids: Iterable[str],
                unit_ids: Iterable[str]) -> int:
        """One update per changed record (the batch's changes are already coalesced), the
        incidents then the units, each in the order given (the server's outboxes give them in
        id order); an incident no longer in the state (archived) is deleted with an empty
        body."""
        ev = state.seq
        incidents, units = state.incidents, state.units
        routes = self._unit_routes
        message = self._message
        out: list[tuple[bytes, bytes, bytes, bytes, bytes]] = []
        for iid in incident_ids:
            inc = incidents.get(iid)
            if inc is not None:
                key = incident_key(inc)
                out.append(message(key, key.encode(), self._grid_cells(inc.grid),
                                   incident_body(inc), ev))
                self._inc_keys[iid] = (key, inc.grid)
            elif iid in self._inc_keys:
                key, grid = self._inc_keys.pop(iid)
                out.append(message(key, key.encode(), self._grid_cells(grid), b"", ev))
        for uid in unit_ids:
            u = units.get(uid)
            if u is None:
                continue
            route = routes.get(uid)
            if route is None:
                key = unit_key(u)
                route = routes[uid] = (key, key.encode(), self._grid_cells(u.home_grid))
            out.append(message(route[0], route[1], route[2], unit_body(u), ev))
        self._send_all(out)
        return len(out)

    # ---------------------------------------------------------------------- heartbeats

    def watch(self, subtree: str) -> None:
        """A client asked for a snapshot of ``subtree``: send its status after each HUGZ."""
        self._watched[subtree] = status_key(subtree).encode()
        self._watched.move_to_end(subtree)
        while len(self._watched) > MAX_HUGZ_SUBTREES:
            self._watched.popitem(last=False)

    def counter(self, subtree: str) -> int:
        """Updates published so far under ``subtree`` (the whole feed for "")."""
        if not subtree:
            return self._n0
        cell = self._counters.get(subtree_scope(subtree))
        return cell[0] if cell is not None else 0

    def status(self, subtree: str, now: float, ev: int, count: int | None = None
               ) -> FeedStatus:
        """The status record of ``subtree`` now (``count``: for a snapshot's)."""
        return FeedStatus(run=self.run_id, now=now, speed=self.speed, ev=ev,
                          n=self.counter(subtree), count=count)

    def hugz(self, now: float, ev: int) -> None:
        """RFC 12's ``HUGZ``, then the status record of every watched subtree (at most every
        :data:`STATUS_MIN_GAP_S`: a burst of subscriptions, each answered by a HUGZ, does not
        repeat them all)."""
        sock = self.socket
        sock.send_multipart(hugz_frames())
        self.stats.hugz += 1
        mono = time.monotonic()
        if mono - self._status_t < STATUS_MIN_GAP_S:
            return
        self._status_t = mono
        seq_b = _SEQ.pack(self.seq)
        for subtree, key_b in self._watched.items():
            body = self.status(subtree, now, ev).body()
            _raw_send(sock, key_b, _MORE)
            _raw_send(sock, seq_b, _MORE)
            _raw_send(sock, b"", _MORE)
            _raw_send(sock, b"", _MORE)
            _raw_send(sock, body, 0)

    # ------------------------------------------------------------------------ snapshot

    def snapshot(self, subtree: str) -> tuple[list[Entry], int, int]:
        """Entries under ``subtree``, the feed sequence and the subtree's counter now."""
        if subtree:
            items = [e for k, e in self._entries.items() if k.startswith(subtree)]
        else:
            items = list(self._entries.values())
        return items, self.seq, self.counter(subtree)


SubscriptionCheck = Callable[[bytes, "str | None"], bool]


def handle_subscriptions(socket: zmq.Socket, allowed: SubscriptionCheck,
                         on_accept: Callable[[], None], limit: int = 1000) -> tuple[int, int]:
    """Drain XPUB subscription messages (manual mode): apply the allowed ones, refuse the
    rest; returns (accepted, refused)."""
    accepted = refused = 0
    for _ in range(limit):
        try:
            frame = socket.recv(zmq.NOBLOCK, copy=False)
        except zmq.Again:
            break
        data = bytes(frame.buffer)
        if not data or data[0] not in (0, 1):
            refused += 1
            continue
        topic = data[1:]
        try:
            user_id: str | None = str(frame.get("User-Id"))
        except zmq.ZMQError:
            user_id = None
        if data[0] == 0:
            socket.setsockopt(zmq.UNSUBSCRIBE, topic)
            continue
        if topic == HUGZ or allowed(topic, user_id):
            socket.setsockopt(zmq.SUBSCRIBE, topic)
            accepted += 1
            on_accept()
        else:
            refused += 1
    return accepted, refused
