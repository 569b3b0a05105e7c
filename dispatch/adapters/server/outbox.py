"""Replies after publishing: the reply cache and the outboxes.

Committed batches wait in outboxes until every record they changed is published; then
their replies are sent (stored, published, acknowledged: in that order). Records are
published a slice at a time between command batches, smallest outbox first, so an
interactive command overtakes a bulk position report. A record is encoded from the
current state when it is published, so one publication serves every outbox waiting
for it and the feed never goes back in time.
"""

from __future__ import annotations

import logging
import operator
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from dispatch.adapters.feed_timing import SLICE_RECORDS
from dispatch.adapters.server.feed import FeedPublisher
from dispatch.domain.state import DispatchState

log = logging.getLogger("gridline.server")

REPLY_CACHE = 20_000
SLOW_BATCH_S = float(os.environ.get("GRIDLINE_SLOW_BATCH_MS", "100")) / 1000.0
_LEFT = operator.attrgetter("left")  # an outbox's unpublished records

ReplyKey = tuple[str, str]  # (operator, command id)


@dataclass(slots=True)
class Pending:
    """A command of a batch and its reply."""

    envelope: list[bytes]
    request_id: str
    key: ReplyKey = ("", "")  # (operator, command id): the reply cache's key
    digest: bytes = b""  # of the request's content: a reused id with other content is refused
    reply: bytes = b""
    cache: bool = True
    same_as: Pending | None = None  # the same command id earlier in the batch
    received: float = field(default_factory=time.perf_counter)
    kind: str = ""
    # the records this command changed: its reply waits for them to be published
    incidents: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)


@dataclass(slots=True, eq=False)
class Outbox:
    """A committed batch: its records in publishing order (``next_*``: how far it got), how
    many of them are still unpublished, and the replies waiting for them. A record another
    outbox published meanwhile is skipped when this one reaches it."""

    incidents: list[str]
    units: list[str]
    replies: list[Pending]
    left: int = 0
    next_incident: int = 0
    next_unit: int = 0


class ReplyCache:
    """Replies sent, by (operator, command id), with the digest of the request they answered
    (a retry gets the same reply; the same id with other content is refused), and the
    replies still waiting in an outbox."""

    def __init__(self, size: int = REPLY_CACHE) -> None:
        self.size = size
        self._sent: OrderedDict[ReplyKey, tuple[bytes, bytes]] = OrderedDict()
        self._waiting: dict[ReplyKey, tuple[Outbox, bytes, bytes]] = {}

    def get(self, key: ReplyKey) -> tuple[bytes, bytes] | None:
        """(digest, reply) of a reply sent."""
        return self._sent.get(key)

    def waiting(self, key: ReplyKey) -> tuple[Outbox, bytes, bytes] | None:
        """(outbox, digest, reply) of a reply waiting for its records to be published."""
        return self._waiting.get(key)

    def hold(self, p: Pending, box: Outbox) -> None:
        self._waiting[p.key] = (box, p.digest, p.reply)

    def keep(self, p: Pending) -> None:
        self._waiting.pop(p.key, None)
        self._sent[p.key] = (p.digest, p.reply)
        if len(self._sent) > self.size:
            self._sent.popitem(last=False)

    def clear(self) -> None:
        """Forget the replies sent (as after a restart); the engine still knows the ids."""
        self._sent.clear()

    def __len__(self) -> int:
        return len(self._sent)


class OutboxQueue:
    """Outboxes waiting for their records; see the module documentation."""

    def __init__(self, feed: FeedPublisher, replies: ReplyCache,
                 send: Callable[[list[bytes], bytes], None],
                 command_waiting: Callable[[], bool]) -> None:
        self.feed = feed
        self.replies = replies
        self.send = send
        self.command_waiting = command_waiting
        self.outboxes: list[Outbox] = []
        # unpublished record id → the outboxes waiting for it (incidents, units)
        self.waiting_incidents: dict[str, list[Outbox]] = {}
        self.waiting_units: dict[str, list[Outbox]] = {}

    def __bool__(self) -> bool:
        return bool(self.outboxes)

    @property
    def backlog(self) -> int:
        """Records changed and stored but not yet published."""
        return len(self.waiting_incidents) + len(self.waiting_units)

    def enqueue(self, inc: set[str], units: set[str], replies: list[Pending]) -> None:
        box = Outbox(sorted(inc), sorted(units), replies, left=len(inc) + len(units))
        for ids, waiting in ((box.incidents, self.waiting_incidents),
                             (box.units, self.waiting_units)):
            for rid in ids:
                boxes = waiting.get(rid)
                if boxes is None:
                    waiting[rid] = [box]
                else:
                    boxes.append(box)
        if not box.left:
            self.deliver(box)
            return
        self.outboxes.append(box)
        for p in replies:
            if p.cache:
                self.replies.hold(p, box)

    def deliver(self, box: Outbox) -> None:
        now = time.perf_counter()
        for p in box.replies:
            if now - p.received > SLOW_BATCH_S:
                log.warning("slow reply to %s %s: %.1f ms in the server", p.kind,
                            p.request_id, (now - p.received) * 1000)
            if p.cache:
                self.replies.keep(p)
            self.send(p.envelope, p.reply)

    def publish_some(self, state: DispatchState, budget_s: float) -> None:
        """Publish queued records for about ``budget_s``; deliver the outboxes completed."""
        deadline = time.perf_counter() + budget_s
        t0 = time.perf_counter()
        w_inc, w_units = self.waiting_incidents, self.waiting_units
        while self.outboxes:
            box = min(self.outboxes, key=_LEFT)
            # the next slice of this outbox's records that are still unpublished
            i = box.next_incident
            incidents = [r for r in box.incidents[i:i + SLICE_RECORDS] if r in w_inc]
            box.next_incident = i + SLICE_RECORDS
            room = SLICE_RECORDS - len(incidents)
            u = box.next_unit
            units = [r for r in box.units[u:u + room] if r in w_units] if room else []
            box.next_unit = u + room
            self.feed.publish(state, incidents, units)
            done: list[Outbox] = []
            for ids, waiting in ((incidents, w_inc), (units, w_units)):
                for rid in ids:
                    for b in waiting.pop(rid):
                        b.left -= 1
                        if not b.left:
                            done.append(b)
            for b in done:
                self.outboxes.remove(b)
                self.deliver(b)
            if time.perf_counter() > deadline or self.command_waiting():
                break  # a command is waiting: it goes first (its records overtake the rest)
        if time.perf_counter() - t0 > SLOW_BATCH_S:
            log.warning("slow publish slice: %.1f ms", (time.perf_counter() - t0) * 1000)
