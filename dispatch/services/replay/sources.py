"""Where a replay's events come from, by position (the 0-based index of an event in its
window): a list in memory (the server's ``history`` query, see :func:`iter_history`) or an
event store read on demand (:class:`StoreEvents`, over the store's
:class:`~dispatch.services.ports.ReplayStore` reads), in chunks so that a month of history
need not be held in memory. Also the bounds of a store's window and the parsing of instants.
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from dispatch.domain import events as ev
from dispatch.domain.events import Event, event_from_dict
from dispatch.domain.state import DispatchState
from dispatch.services.ports import ReplayStore
from dispatch.services.replay.errors import ReplayError

DAY_S = 86400.0


class WindowSource(Protocol):
    """The events of a window, by position (0-based index of the event)."""

    def __len__(self) -> int: ...

    def ts(self, i: int) -> float: ...

    def seq(self, i: int) -> int: ...

    def times(self) -> Sequence[float]: ...

    def slice(self, i: int, j: int) -> Sequence[Event]: ...

    def stream(self, i: int, j: int) -> Iterator[Event]: ...

    def incident_indexes(self, incident_id: str) -> list[int]: ...

    def moves(self, i: int, j: int, unit_ids: set[str] | None) -> Iterator[Event]: ...


class MemoryEvents:
    """A window held in memory (from the server's history query or a list)."""

    def __init__(self, events: Sequence[Event]) -> None:
        self._events = list(events)
        for a, b in itertools.pairwise(self._events):
            if b.seq <= a.seq or b.ts < a.ts:
                raise ReplayError(f"history out of order at sequence {a.seq} → {b.seq}")
        self._ts = array("d", (e.ts for e in self._events))
        self._by_incident: dict[str, list[int]] | None = None

    def __len__(self) -> int:
        return len(self._events)

    def ts(self, i: int) -> float:
        return self._ts[i]

    def seq(self, i: int) -> int:
        return self._events[i].seq

    def times(self) -> Sequence[float]:
        return self._ts

    def slice(self, i: int, j: int) -> Sequence[Event]:
        return self._events[i:j]

    def stream(self, i: int, j: int) -> Iterator[Event]:
        return iter(self._events[i:j])

    def incident_indexes(self, incident_id: str) -> list[int]:
        if self._by_incident is None:
            by: dict[str, list[int]] = {}
            for i, e in enumerate(self._events):
                iid = e.incident_id
                if iid is not None:
                    by.setdefault(iid, []).append(i)
            self._by_incident = by
        return list(self._by_incident.get(incident_id, ()))

    def moves(self, i: int, j: int, unit_ids: set[str] | None) -> Iterator[Event]:
        for e in self._events[i:j]:
            if type(e.payload) in (ev.UnitsMoved, ev.UnitRegistered):
                yield e


class StoreEvents:
    """A window read from an event store on demand, in chunks kept in a small LRU cache: only
    the times and sequence numbers of the window stay in memory."""

    def __init__(self, store: ReplayStore, first_seq: int, last_seq: int, *, chunk: int = 512,
                 cache_chunks: int = 16) -> None:
        if chunk < 1 or cache_chunks < 1:
            raise ValueError("chunk and cache_chunks must be ≥ 1")
        self.store = store
        self.chunk = chunk
        self.cache_chunks = cache_chunks
        self._seq = array("q")
        self._ts = array("d")
        for seq, ts in store.event_times(first_seq, last_seq):
            self._seq.append(seq)
            self._ts.append(ts)
        self._cache: OrderedDict[int, list[Event]] = OrderedDict()
        self._snapshot_positions: list[int] | None = None

    def __len__(self) -> int:
        return len(self._seq)

    def ts(self, i: int) -> float:
        return self._ts[i]

    def seq(self, i: int) -> int:
        return self._seq[i]

    def times(self) -> Sequence[float]:
        return self._ts

    def _chunk(self, c: int) -> list[Event]:
        got = self._cache.get(c)
        if got is None:
            i = c * self.chunk
            j = min(len(self), i + self.chunk)
            got = list(self.store.read_range(self._seq[i], self._seq[j - 1]))
            self._cache[c] = got
            while len(self._cache) > self.cache_chunks:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(c)
        return got

    def slice(self, i: int, j: int) -> Sequence[Event]:
        j = min(j, len(self))
        if i >= j:
            return []
        out: list[Event] = []
        for c in range(i // self.chunk, (j - 1) // self.chunk + 1):
            base = c * self.chunk
            rows = self._chunk(c)
            out.extend(rows[max(0, i - base):j - base])
        return out

    def stream(self, i: int, j: int) -> Iterator[Event]:
        """Events i..j-1 read in one pass (for long runs; bypasses the cache)."""
        j = min(j, len(self))
        if i >= j:
            return iter(())
        return self.store.read_range(self._seq[i], self._seq[j - 1])

    def index_of_seq(self, seq: int) -> int:
        i = bisect.bisect_left(self._seq, seq)
        if i == len(self._seq) or self._seq[i] != seq:
            raise KeyError(seq)
        return i

    def incident_indexes(self, incident_id: str) -> list[int]:
        if not len(self):
            return []
        return [self.index_of_seq(s) for s in
                self.store.incident_seqs(incident_id, self._seq[0], self._seq[-1])]

    def moves(self, i: int, j: int, unit_ids: set[str] | None) -> Iterator[Event]:
        j = min(j, len(self))
        if i >= j:
            return iter(())
        return self.store.position_reports(self._seq[i], self._seq[j - 1], unit_ids)

    def snapshot_positions(self) -> list[int]:
        """Positions (see :meth:`snapshot_before`) of the store's snapshots in the window, in
        order; read once, without decoding any."""
        if self._snapshot_positions is None:
            first, last = (self._seq[0], self._seq[-1]) if len(self) else (1, 0)
            seqs = self._seq
            self._snapshot_positions = [
                i + 1 for q in self.store.snapshot_seqs() if first <= q <= last
                for i in (bisect.bisect_left(seqs, q),) if seqs[i] == q]
        return self._snapshot_positions

    def snapshot_before(self, i: int) -> tuple[int, DispatchState] | None:
        """The store's latest snapshot at or before the state at index ``i`` (position),
        as ``(position, state)``; None if it has none in the window."""
        if i <= 0 or not len(self):
            return None
        seq = self._seq[min(i, len(self)) - 1]
        snap = self.store.latest_snapshot(at_or_before_seq=seq)
        got = None if snap is None or snap.seq < self._seq[0] else \
            (self.index_of_seq(snap.seq) + 1, snap)
        if self._snapshot_positions is not None:
            # Listed snapshots between the one read and ``i`` could not be read (written with
            # other record fields): no seek is to be planned from them again.
            lo = got[0] if got is not None else 0
            self._snapshot_positions = [p for p in self._snapshot_positions
                                        if not lo < p <= i]
        return got


# ----------------------------------------------------------------------------- windows


def store_window(store: ReplayStore, *, since_ts: float | None = None,
                 until_ts: float | None = None, incident_id: str | None = None
                 ) -> tuple[int, int, float, float]:
    """``(first_seq, last_seq, start_ts, end_ts)`` of a window of the store: ``[since_ts,
    until_ts]`` (default: the last day of history, or all of it when shorter) or the life of
    one incident (its first to its last event)."""
    if incident_id is not None:
        if since_ts is not None or until_ts is not None:
            raise ReplayError("give either an incident or a time window, not both")
        span = store.incident_span(incident_id)
        if span is None:
            raise ReplayError(f"no incident {incident_id!r} in the history")
        return span
    history = store.time_span()
    if history is None:
        raise ReplayError("the history is empty")
    first_ts, last_ts = history
    end = float(until_ts) if until_ts is not None else last_ts
    start = float(since_ts) if since_ts is not None else max(end - DAY_S, first_ts)
    if end < start:
        raise ReplayError("the window ends before it starts")
    seqs = store.seq_span(start, end)
    if seqs is None:
        # No event in the window: an empty window at the state of its start.
        before = store.seq_at(start)
        return before + 1, before, start, end
    return seqs[0], seqs[1], start, end


def iter_history(query: Callable[..., dict[str, Any]], **filters: Any) -> Iterator[Event]:
    """The events of the server's ``history`` query, page after page, as they arrive
    (``query`` is e.g. :meth:`CommandClient.query`; filters: after_seq, to_seq, since_ts,
    until_ts, incident_id)."""
    after = int(filters.pop("after_seq", 0))
    while True:
        page = query("history", after_seq=after, **filters)
        for d in page["events"]:
            yield event_from_dict(d)
        if not page["more"]:
            return
        after = int(page["next_after_seq"])


def parse_instant(text: str, tz: timezone) -> float:
    """An ISO date or date-time (``2026-11-02``, ``2026-11-02T08:00``, with or without an
    offset; local time in ``tz`` when none) as epoch seconds."""
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ReplayError(f"not an ISO date or time: {text!r} (e.g. 2026-11-02T08:00)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.timestamp()


def city_zone(utc_offset_minutes: int) -> timezone:
    return timezone(timedelta(minutes=utc_offset_minutes))

