"""Replay: the exact state at any instant of a window of history, for the shift lead.

A :class:`Replayer` holds a window of events (a shift, a day, the life of one incident) and the
state at its start, and rebuilds the state at any position with the same projection the server
uses (:func:`dispatch.domain.projection.apply`), so what is replayed is exactly what happened.

Positions count events: position ``p`` is the state after the first ``p`` events of the window
(``0`` is the state at the window's start, ``len(replayer)`` the state at its end).

Seeking is fast because of in-memory checkpoints taken every few hundred events during
:meth:`Replayer.prepare`. Checkpoints share their records: a state derived from a checkpoint
copies a record only when the projection reaches for it (``state.incidents[iid]``), so a
checkpoint costs two dict copies and never changes after it was taken. (The projection only
ever mutates records it got by subscription; a record read with ``.get`` or by iteration is
shared and must be treated as read-only, as every view does.)

Events come from a list (the server's ``history`` query, see :func:`iter_history`) or straight
from an event store (:meth:`Replayer.from_store`), read in chunks so that a month of history
need not be held in memory.

Also here: an incident's timeline (lanes for the incident, its departments and its units),
unit tracks from position reports, and the figures of a shift report.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import json
import math
import operator
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from sqlalchemy import func, or_, select

from dispatch.adapters.store.event_store import EventStore, decode_payload
from dispatch.adapters.store.schema import events as events_table
from dispatch.domain import events as ev
from dispatch.domain.events import Event, event_from_dict
from dispatch.domain.kpi import GroupBy, Kpi, compute_kpis
from dispatch.domain.projection import apply
from dispatch.domain.state import DispatchState, Incident, UnitState
from dispatch.domain.status import IncidentStatus
from dispatch.domain.timelimits import handled_on_time, is_overdue
from dispatch.services.rebuild import state_at

DAY_S = 86400.0
# Events followed after an open incident's last event (its units' status changes).
TIMELINE_LOOKAHEAD = 50_000
# Decoding one of the store's snapshots (a whole city state) costs about as much as applying
# this many events: a snapshot is a better start than a checkpoint this much further back.
SNAPSHOT_COST = 8_000
# Decoded events a store-backed window keeps at most (about 800 bytes each).
CACHE_EVENTS = 40_000
S = IncidentStatus


MAX_LOOSE_CHECKPOINTS = 2
"""States made straight from a store snapshot that a sparse replay keeps for the seeks just
after them (a city's state each, tens of megabytes, not shared with the grid's checkpoints)."""


class ReplayError(ValueError):
    """A replay window or request that cannot be served; the message says why."""


# ----------------------------------------------------------------------- copy-on-write state

_INC_GET = operator.attrgetter(*(f.name for f in dataclasses.fields(Incident)))
_UNIT_GET = operator.attrgetter(*(f.name for f in dataclasses.fields(UnitState)))


def _clone(record: Any) -> Any:
    """A private copy of a record (the positional constructor: 3× faster than copy.copy)."""
    t = type(record)
    if t is Incident:
        return Incident(*_INC_GET(record))
    if t is UnitState:
        return UnitState(*_UNIT_GET(record))
    return dataclasses.replace(record)


def _clone_unit(u: UnitState) -> UnitState:
    return UnitState(*_UNIT_GET(u))


class _CowDict(dict[str, Any]):
    """A dict of records shared with a checkpoint: a record is copied the first time it is
    fetched by subscription (how the projection reaches every record it changes)."""

    __slots__ = ("_clone", "_own")

    def __init__(self, shared: dict[str, Any], clone: Callable[[Any], Any] = _clone) -> None:
        super().__init__(shared)
        self._own: set[str] = set()
        self._clone = clone

    def __getitem__(self, key: str) -> Any:
        value = dict.__getitem__(self, key)
        if key not in self._own:
            value = self._clone(value)
            dict.__setitem__(self, key, value)
            self._own.add(key)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        dict.__setitem__(self, key, value)
        self._own.add(key)

    def __delitem__(self, key: str) -> None:
        dict.__delitem__(self, key)
        self._own.discard(key)

    def pop(self, key: str, *default: Any) -> Any:  # type: ignore[override]
        self._own.discard(key)
        return dict.pop(self, key, *default)

    def share_all(self) -> None:
        """Every record is now shared (a checkpoint was taken from this dict)."""
        self._own.clear()


def derive(state: DispatchState) -> DispatchState:
    """A state equal to ``state`` that shares its records copy-on-write: applying events to it
    never changes ``state``."""
    return DispatchState(incidents=_CowDict(state.incidents),
                         units=_CowDict(state.units, _clone_unit),
                         seq=state.seq, ts=state.ts, incident_counter=state.incident_counter,
                         archived=state.archived)


def freeze(state: DispatchState) -> DispatchState:
    """A checkpoint of a state being replayed: plain dicts sharing its records. The source
    keeps working: it copies any record before changing it."""
    cp = DispatchState(incidents=dict(state.incidents), units=dict(state.units),
                       seq=state.seq, ts=state.ts, incident_counter=state.incident_counter,
                       archived=state.archived)
    for d in (state.incidents, state.units):
        if isinstance(d, _CowDict):
            d.share_all()
        else:  # a plain state: from now on it must copy before writing
            raise ReplayError("freeze() needs a state made by derive()")
    return cp


def changed_between(a: DispatchState, b: DispatchState) -> tuple[set[str], set[str]]:
    """Incident and unit ids whose records differ between two states of the same history
    (added, removed, or at another version: every change of a record sets its version)."""

    def diff(x: dict[str, Any], y: dict[str, Any]) -> set[str]:
        out = {k for k, v in x.items()
               if (w := y.get(k)) is not v and (w is None or w.version != v.version)}
        out.update(k for k in y.keys() - x.keys())
        return out

    return diff(a.incidents, b.incidents), diff(a.units, b.units)


# ------------------------------------------------------------------------------ the events


class EventSource(Protocol):
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


_COLUMNS = (events_table.c.seq, events_table.c.ts, events_table.c.kind, events_table.c.operator,
            events_table.c.workstation, events_table.c.command_id, events_table.c.data)


def _raw_rows(store: EventStore, q: Any, batch: int = 5000) -> Iterator[tuple[Any, ...]]:
    """Rows of a select straight from the DB-API cursor (SQLAlchemy's row objects cost more
    than decoding the event)."""
    compiled = q.compile(dialect=store.engine.dialect,
                         compile_kwargs={"render_postcompile": True})
    params = compiled.params
    args: Any = (tuple(params[k] for k in compiled.positiontup or ())
                 if compiled.positional else params)
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(str(compiled), args)
        while rows := cur.fetchmany(batch):
            yield from rows
        cur.close()
    finally:
        raw.close()


def _decode(row: tuple[Any, ...]) -> Event:
    seq, ts, kind, op, ws, cid, data = row
    return Event(seq, ts, op, ws, decode_payload(seq, kind, data), cid or "")


class StoreEvents:
    """A window read from an event store on demand, in chunks kept in a small LRU cache: only
    the times and sequence numbers of the window stay in memory."""

    def __init__(self, store: EventStore, first_seq: int, last_seq: int, *, chunk: int = 512,
                 cache_chunks: int = 16) -> None:
        if chunk < 1 or cache_chunks < 1:
            raise ValueError("chunk and cache_chunks must be ≥ 1")
        self.store = store
        self.chunk = chunk
        self.cache_chunks = cache_chunks
        self._seq = array("q")
        self._ts = array("d")
        q = (select(events_table.c.seq, events_table.c.ts)
             .where(events_table.c.seq >= first_seq, events_table.c.seq <= last_seq)
             .order_by(events_table.c.seq))
        for seq, ts in _raw_rows(store, q, 20000):
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

    def _select(self, i: int, j: int) -> Any:
        return (select(*_COLUMNS).where(events_table.c.seq >= self._seq[i],
                                        events_table.c.seq <= self._seq[j - 1])
                .order_by(events_table.c.seq))

    def _chunk(self, c: int) -> list[Event]:
        got = self._cache.get(c)
        if got is None:
            i = c * self.chunk
            got = [_decode(r) for r in _raw_rows(self.store, self._select(
                i, min(len(self), i + self.chunk)))]
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
        return (_decode(r) for r in _raw_rows(self.store, self._select(i, j)))

    def index_of_seq(self, seq: int) -> int:
        i = bisect.bisect_left(self._seq, seq)
        if i == len(self._seq) or self._seq[i] != seq:
            raise KeyError(seq)
        return i

    def incident_indexes(self, incident_id: str) -> list[int]:
        if not len(self):
            return []
        q = (select(events_table.c.seq).where(events_table.c.incident_id == incident_id,
                                              events_table.c.seq >= self._seq[0],
                                              events_table.c.seq <= self._seq[-1])
             .order_by(events_table.c.seq))
        return [self.index_of_seq(s) for (s,) in _raw_rows(self.store, q)]

    def moves(self, i: int, j: int, unit_ids: set[str] | None) -> Iterator[Event]:
        j = min(j, len(self))
        if i >= j:
            return
        q = self._select(i, j).where(
            events_table.c.kind.in_((ev.UnitsMoved.KIND, ev.UnitRegistered.KIND)))
        if unit_ids is not None and len(unit_ids) <= 8:
            # Position reports hold 50 units each: let the database skip the others.
            q = q.where(or_(*(events_table.c.data.contains(json.dumps(u, ensure_ascii=False),
                                                           autoescape=True)
                              for u in sorted(unit_ids))))
        for r in _raw_rows(self.store, q):
            yield _decode(r)

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


# ------------------------------------------------------------------------------ the replayer


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A note the shift lead pinned to an instant of the replay."""

    ts: float
    position: int
    note: str = ""


class Replayer:
    """The state at any position of a window of history (see the module docstring)."""

    def __init__(self, base: DispatchState, source: EventSource, *,
                 start_ts: float | None = None, end_ts: float | None = None,
                 max_checkpoints: int = 64, min_spacing: int = 256, max_spacing: int = 2048,
                 tolerant: bool = False, snapshot_cost: int = SNAPSHOT_COST) -> None:
        """``base`` is the state just before the first event (the replayer owns it from now
        on). At most ``max_checkpoints`` checkpoints are kept, ``min_spacing`` to
        ``max_spacing`` events apart: a window too long for that (a month at city scale) is
        *sparse*: checkpoints are taken where seeks go and the least recently used dropped,
        and a store's own snapshots serve as starting points. ``tolerant`` accepts a history
        with gaps in its sequence numbers (a history filtered to a region scope).
        ``snapshot_cost``: what decoding a store snapshot costs, in events applied."""
        if max_checkpoints < 2 or not 1 <= min_spacing <= max_spacing:
            raise ValueError("need max_checkpoints ≥ 2 and 1 ≤ min_spacing ≤ max_spacing")
        self.source = source
        self.base = base
        self.tolerant = tolerant
        self.snapshot_cost = snapshot_cost
        n = len(source)
        if n and not tolerant and source.seq(0) != base.seq + 1:
            raise ReplayError(f"the window starts at event {source.seq(0)} but its base state "
                              f"is at {base.seq}")
        self.start_ts = start_ts if start_ts is not None else (
            source.ts(0) if n else base.ts)
        self.end_ts = end_ts if end_ts is not None else (source.ts(n - 1) if n else base.ts)
        if self.end_ts < self.start_ts:
            raise ReplayError("the window ends before it starts")
        want = math.ceil(n / max_checkpoints) if n else 1
        self.sparse = want > max_spacing
        self.spacing = max(min_spacing, min(want, max_spacing))
        self.max_checkpoints = max_checkpoints
        # Checkpoint k is the state at position k·spacing; in a sparse window the least
        # recently used go first (never the base).
        self._checkpoints: OrderedDict[int, DispatchState] = OrderedDict({0: base})
        # Sparse window of a store: states made straight from a store snapshot, at the
        # positions they were made for (off the checkpoints' grid), the latest few.
        self._loose: OrderedDict[int, DispatchState] = OrderedDict()
        self.prepared = n == 0 or self.sparse
        if isinstance(source, StoreEvents):
            source.chunk = self.spacing  # a seek reads at most one chunk
            source.cache_chunks = max(2, CACHE_EVENTS // self.spacing)

    @classmethod
    def from_events(cls, base: DispatchState, events: Sequence[Event], **kw: Any) -> Replayer:
        return cls(base, MemoryEvents(events), **kw)

    @classmethod
    def from_history(cls, events: Iterable[Event], *, since_ts: float | None = None,
                     until_ts: float | None = None, clamp_start: bool = False,
                     **kw: Any) -> Replayer:
        """From a history that starts at the beginning (sequence 1): events before
        ``since_ts`` build the base state, the rest up to ``until_ts`` are the window
        (``clamp_start``: a window reaching back before the history starts with it)."""
        base = DispatchState()
        window: list[Event] = []
        tolerant = bool(kw.pop("tolerant", True))
        step = _tolerant_apply if tolerant else apply
        for e in events:
            if until_ts is not None and e.ts > until_ts:
                break
            if since_ts is not None and e.ts < since_ts:
                step(base, e)
            else:
                window.append(e)
        base.take_changes()
        if clamp_start and base.seq == 0 and window:
            since_ts = window[0].ts if since_ts is None else max(since_ts, window[0].ts)
        return cls(base, MemoryEvents(window), start_ts=since_ts, end_ts=until_ts,
                   tolerant=tolerant, **kw)

    @classmethod
    def from_store(cls, store: EventStore, *, since_ts: float | None = None,
                   until_ts: float | None = None, incident_id: str | None = None,
                   cache_chunks: int = 16, **kw: Any) -> Replayer:
        """A window of the store: ``[since_ts, until_ts]`` (default: the last day of history)
        or the life of one incident (its first to its last event)."""
        first, last, start, end = store_window(store, since_ts=since_ts, until_ts=until_ts,
                                               incident_id=incident_id)
        base = state_at(store, seq=first - 1)
        base.take_changes()
        return cls(base, StoreEvents(store, first, last, cache_chunks=cache_chunks),
                   start_ts=start, end_ts=end, **kw)

    # ---------------------------------------------------------------------- positions

    def __len__(self) -> int:
        return len(self.source)

    def ts_at(self, position: int) -> float:
        """The instant shown at a position: the window start, or the time of its last event."""
        self._check(position)
        return self.start_ts if position == 0 else self.source.ts(position - 1)

    def seq_at(self, position: int) -> int:
        self._check(position)
        return self.base.seq if position == 0 else self.source.seq(position - 1)

    def position_at(self, ts: float) -> int:
        """The position of an instant: every event at or before ``ts`` applied."""
        return bisect.bisect_right(self.source.times(), ts)

    def position_of_seq(self, seq: int) -> int:
        """The position right after event ``seq`` (events up to and including it)."""
        if seq <= self.base.seq:
            return 0
        lo, hi = 0, len(self)
        while lo < hi:  # sequence numbers increase with the index
            mid = (lo + hi) // 2
            if self.source.seq(mid) <= seq:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def event(self, position: int) -> Event:
        """The event that leads to ``position`` (1 … len)."""
        if not 1 <= position <= len(self):
            raise IndexError(f"no event leads to position {position} (1 … {len(self)})")
        return self.source.slice(position - 1, position)[0]

    def incident_positions(self, incident_id: str) -> list[int]:
        """Positions right after each event of the incident in the window."""
        return [i + 1 for i in self.source.incident_indexes(incident_id)]

    def _check(self, position: int) -> None:
        if not 0 <= position <= len(self):
            raise IndexError(f"position {position} outside 0 … {len(self)}")

    # ------------------------------------------------------------------------ states

    def _apply(self, state: DispatchState, e: Event) -> None:
        if self.tolerant:
            _tolerant_apply(state, e)
        else:
            apply(state, e)

    def prepare(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Take every checkpoint in one pass over the window (then every seek is fast; without
        it checkpoints are taken on the way the first time a seek goes past them). Nothing to
        do in a sparse window. ``progress(done, total)`` is called now and then."""
        if self.prepared:
            return
        n, sp = len(self), self.spacing
        last_k = (n - 1) // sp
        k = 1
        while k <= last_k and k in self._checkpoints:
            k += 1
        if k <= last_k:
            self._run_to((k - 1) * sp, self._checkpoints[k - 1], last_k, progress)
        self.prepared = True
        if progress is not None:
            progress(n, n)

    def _run_to(self, pos: int, start: DispatchState, k: int,
                progress: Callable[[int, int], None] | None = None, *,
                private: bool = False) -> None:
        """From ``start`` at ``pos``, apply events up to checkpoint ``k`` and take it (and, in
        a dense window, every checkpoint on the way). A ``private`` start (a decoded store
        snapshot nobody else holds) is changed in place and becomes the checkpoint."""
        sp, n = self.spacing, len(self)
        state = start if private else derive(start)
        stop = k * sp
        events = (self.source.slice(pos, stop) if stop - pos <= sp
                  else self.source.stream(pos, stop))
        for e in events:
            self._apply(state, e)
            pos += 1
            if pos % sp == 0:
                if (pos == stop or not self.sparse) and pos // sp not in self._checkpoints:
                    state.take_changes()
                    if private:  # hand the state over: it goes on copy-on-write
                        self._checkpoints[pos // sp] = state
                        state, private = derive(state), False
                    else:
                        self._checkpoints[pos // sp] = freeze(state)
                if progress is not None:
                    progress(pos, n)
        if pos != stop:
            raise ReplayError(f"the history ended at position {pos} of {stop}; was it changed?")

    def _snapshot_position(self, position: int) -> int | None:
        """The position of the store's latest snapshot at or before ``position`` (sparse
        windows of a store only), found without decoding it."""
        positions = getattr(self.source, "snapshot_positions", None)
        if not self.sparse or positions is None:
            return None
        got = positions()
        i = bisect.bisect_right(got, position)
        return got[i - 1] if i else None

    def rebuild_cost(self, position: int) -> int:
        """About how many events :meth:`state_at` applies to rebuild the state at
        ``position`` (decoding a store snapshot counted as ``snapshot_cost`` events): a
        caller holding an earlier state may rather :meth:`advance` it when that is fewer."""
        self._check(position)
        return self._plan(position)[2]

    def _grid_index(self, position: int) -> int:
        n = len(self)
        return min(position // self.spacing, (n - 1) // self.spacing if n else 0)

    def _plan(self, position: int) -> tuple[str, int, int]:
        """How :meth:`state_at` starts: ``(route, position of the start, cost)``. Routes:
        ``grid``, from checkpoint ``k`` of the grid (made first if not held, from the nearest
        checkpoint before it or a store snapshot); ``loose``, from a state made earlier
        straight from a snapshot; ``snapshot`` (sparse window), from the store's latest
        snapshot before ``position`` when it lies past checkpoint ``k`` (the snapshots are not
        on the grid: checkpoint ``k`` would be made from the snapshot before it, up to a
        snapshot interval of events further back)."""
        sp, k = self.spacing, self._grid_index(position)
        if k in self._checkpoints:
            cost = position - k * sp
        else:
            j = max(i for i in self._checkpoints if i <= k)
            cost = position - j * sp
            snap = self._snapshot_position(k * sp)
            if snap is not None and snap > j * sp:
                cost = min(cost, self.snapshot_cost + position - snap)
        best = ("grid", k * sp, cost)
        loose = max((p for p in self._loose if p <= position), default=None)
        if loose is not None and position - loose < best[2]:
            best = ("loose", loose, position - loose)
        snap = self._snapshot_position(position)
        if snap is not None and snap > k * sp and self.snapshot_cost + position - snap < best[2]:
            best = ("snapshot", snap, self.snapshot_cost + position - snap)
        return best

    def _checkpoint(self, k: int) -> DispatchState:
        """Checkpoint ``k``, taken now if it was not yet: from the nearest checkpoint before
        it or, in a sparse window, from a snapshot of the store when that is nearer by more
        than the cost of decoding it."""
        got = self._checkpoints.get(k)
        if got is None:
            sp = self.spacing
            j = max(i for i in self._checkpoints if i <= k)
            pos, start, private = j * sp, self._checkpoints[j], False
            snapshot_before = getattr(self.source, "snapshot_before", None)
            if self.sparse and k * sp - pos > self.snapshot_cost \
                    and snapshot_before is not None:
                at = self._snapshot_position(k * sp)
                if at is not None and at - pos > self.snapshot_cost:
                    snap = snapshot_before(k * sp)
                    if snap is not None and snap[0] > pos:
                        (pos, start), private = snap, True
            self._run_to(pos, start, k, private=private)
            got = self._checkpoints[k]
        if self.sparse and k:
            self._checkpoints.move_to_end(k)
            while len(self._checkpoints) > self.max_checkpoints:
                oldest = next(i for i in self._checkpoints if i)
                del self._checkpoints[oldest]
        return got

    def state_at(self, position: int) -> DispatchState:
        """A new state at ``position``; the caller may keep it and apply events to it (see
        :meth:`advance`) without changing the replayer."""
        self._check(position)
        route, pos, _cost = self._plan(position)
        base = None
        if route == "snapshot":
            # Decoded now, it is the start even when the store fell back to an earlier snapshot
            # (the planned one unreadable): a grid checkpoint would decode that one again.
            got = self.source.snapshot_before(position)  # type: ignore[attr-defined]
            if got is not None:
                pos, base = got  # nobody else's: the events up to ``position`` change it in place
                for e in self._events(pos, position):
                    self._apply(base, e)
                base.take_changes()
                pos = position
                self._loose[pos] = base
                while len(self._loose) > MAX_LOOSE_CHECKPOINTS:
                    self._loose.popitem(last=False)
        elif route == "loose":
            base = self._loose[pos]
            self._loose.move_to_end(pos)
        if base is None:
            k = self._grid_index(position)
            pos, base = k * self.spacing, self._checkpoint(k)
        state = derive(base)
        for e in self._events(pos, position):
            self._apply(state, e)
        state.take_changes()
        return state

    def _events(self, i: int, j: int) -> Iterable[Event]:
        return self.source.slice(i, j) if j - i <= self.spacing else self.source.stream(i, j)

    def state_at_time(self, ts: float) -> DispatchState:
        return self.state_at(self.position_at(ts))

    def advance(self, state: DispatchState, position: int, target: int
                ) -> tuple[set[str], set[str]]:
        """Apply the events from ``position`` up to ``target`` to ``state`` (made by
        :meth:`state_at`); returns the incident and unit ids they changed."""
        self._check(target)
        if target < position:
            raise ReplayError("advance() only goes forward; use state_at() to go back")
        state.take_changes()
        for e in self.source.slice(position, target):
            self._apply(state, e)
        return state.take_changes()

    def checkpoint_positions(self) -> list[int]:
        return sorted(k * self.spacing for k in self._checkpoints)

    # ---------------------------------------------------------------------- timelines

    def incident_timeline(self, incident_id: str, *, start: int = 0,
                          end: int | None = None) -> IncidentTimeline:
        """What happened to one incident in the window (or between two positions)."""
        end = len(self) if end is None else end
        positions = [p for p in self.incident_positions(incident_id) if start < p <= end]
        state = self.state_at(start)
        first = start
        if incident_id not in state.incidents:
            if not positions:
                raise ReplayError(f"incident {incident_id} does not appear in this window")
            first = positions[0] - 1
            state = self.state_at(first)
        builder = TimelineBuilder({incident_id})
        builder.begin(state, self.ts_at(first))
        last = positions[-1] if positions else first
        stop = last
        rec = self.state_at(last).incidents.get(incident_id)
        if rec is not None and rec.is_open:
            # Its units go on changing status (en route, on scene…) after its last event.
            stop = min(end, last + TIMELINE_LOOKAHEAD)
        for i, e in enumerate(self.source.stream(first, stop), start=first + 1):
            builder.observe(state, e, i, self._apply)
        return builder.finish(state, self.ts_at(stop))[incident_id]

    def unit_tracks(self, unit_ids: Iterable[str] | None = None, *, start: int = 0,
                    end: int | None = None) -> dict[str, list[tuple[float, float, float]]]:
        """Paths of units as ``(ts, lat, lon)`` points: where each was at ``start``, then every
        position report up to ``end`` (consecutive repeats dropped)."""
        end = len(self) if end is None else end
        wanted = None if unit_ids is None else set(unit_ids)
        state = self.state_at(start)
        t0 = self.ts_at(start)
        out: dict[str, list[tuple[float, float, float]]] = {}
        for uid, u in state.units.items():
            if wanted is None or uid in wanted:
                out[uid] = [(t0, u.lat, u.lon)]
        for e in self.source.moves(start, end, wanted):
            p: Any = e.payload
            if type(p) is ev.UnitsMoved:
                for uid, lon, lat in p.rows:
                    if wanted is None or uid in wanted:
                        track = out.setdefault(uid, [])
                        if not track or track[-1][1:] != (lat, lon):
                            track.append((e.ts, lat, lon))
            elif type(p) is ev.UnitRegistered and (wanted is None or p.unit_id in wanted):
                out.setdefault(p.unit_id, []).append((e.ts, p.lat, p.lon))
        return out

    # ------------------------------------------------------------------------ report

    def shift_report(self, *, start: int = 0, end: int | None = None,
                     bookmarks: Sequence[Bookmark] = (), max_timelines: int | None = None,
                     progress: Callable[[int, int], None] | None = None) -> ShiftReport:
        """KPIs of the window, its overdue and escalated incidents with their timelines."""
        end = len(self) if end is None else end
        self._check(start)
        self._check(end)
        t_start, t_end = self.ts_at(start), (self.end_ts if end == len(self) else self.ts_at(end))
        # Pass 1: what went overdue or was escalated; incidents archived on the way.
        state = self.state_at(start)
        archived: dict[str, Incident] = {}
        overdue: dict[str, set[str]] = {}
        escalated: dict[str, int] = {}
        total = end - start
        for n, e in enumerate(self.source.stream(start, end), start=1):
            p: Any = e.payload
            t = type(p)
            if t is ev.IncidentsArchived:
                for iid in p.incident_ids:
                    inc = state.incidents.get(iid)
                    if inc is not None:
                        archived[iid] = inc
            elif t is ev.IncidentClock and p.state == "overdue":
                overdue.setdefault(p.incident_id, set()).add(p.stage)
            elif t is ev.IncidentEscalated:
                escalated[p.incident_id] = escalated.get(p.incident_id, 0) + 1
            self._apply(state, e)
            if progress is not None and n % 20000 == 0:
                progress(n, 2 * total)
        state.take_changes()
        every = dict(archived)
        every.update(state.incidents)
        for iid, inc in every.items():
            if inc.is_open and inc.reported_at < t_end and is_overdue(inc, t_end):
                overdue.setdefault(iid, set()).add(_overdue_stage(inc, t_end))
            elif (handled_on_time(inc) is False and inc.responded_at is not None
                  and t_start <= inc.responded_at < t_end):
                overdue.setdefault(iid, set()).add("handle")
        union = DispatchState(incidents=every, units=state.units, seq=state.seq, ts=state.ts)
        kpis = {g.value: {k: v.as_dict() for k, v in sorted(
            compute_kpis(union, t_start, t_end, g).items())}
            for g in (GroupBy.CITY, GroupBy.DISTRICT, GroupBy.DEPARTMENT)}
        city = kpis[GroupBy.CITY.value].get("", Kpi().as_dict())
        summaries = []
        for iid in sorted(set(overdue) | set(escalated)):
            inc = every.get(iid)
            if inc is None:
                continue
            summaries.append(_summary(inc, t_end, tuple(sorted(overdue.get(iid, ()))),
                                      escalated.get(iid, 0)))
        summaries.sort(key=lambda s: (-(s.overdue_s or 0.0), s.incident_id))
        # Pass 2: timelines of those incidents.
        chosen = [s.incident_id for s in summaries]
        if max_timelines is not None:
            chosen = chosen[:max_timelines]
        timelines: dict[str, IncidentTimeline] = {}
        if chosen:
            state = self.state_at(start)
            builder = TimelineBuilder(set(chosen))
            builder.begin(state, t_start)
            pos = start
            for e in self.source.stream(start, end):
                pos += 1
                builder.observe(state, e, pos, self._apply)
                if progress is not None and (pos - start) % 20000 == 0:
                    progress(total + pos - start, 2 * total)
            timelines = builder.finish(state, t_end)
        if progress is not None:
            progress(1, 1)
        return ShiftReport(
            start_ts=t_start, end_ts=t_end, first_seq=self.seq_at(start) + 1,
            last_seq=self.seq_at(end), events=end - start, city=city,
            by_district=kpis[GroupBy.DISTRICT.value],
            by_department=kpis[GroupBy.DEPARTMENT.value], incidents=tuple(summaries),
            timelines=timelines, bookmarks=tuple(b for b in bookmarks
                                                 if t_start <= b.ts <= t_end))


def _tolerant_apply(state: DispatchState, e: Event) -> None:
    """Apply an event of a history that may have gaps (filtered to a region scope): the
    sequence may jump, and an event about a record outside the scope is skipped."""
    if e.seq <= state.seq:
        return
    if e.seq != state.seq + 1:
        state.seq = e.seq - 1
    try:
        apply(state, e)
    except KeyError:
        state.seq, state.ts = e.seq, e.ts


def _overdue_stage(inc: Incident, now: float) -> str:
    from dispatch.domain.timelimits import running_clock

    c = running_clock(inc)
    if c is not None and now >= c.due:
        return c.stage
    return "handle"


# ----------------------------------------------------------------------------- windows


def store_window(store: EventStore, *, since_ts: float | None = None,
                 until_ts: float | None = None, incident_id: str | None = None
                 ) -> tuple[int, int, float, float]:
    """``(first_seq, last_seq, start_ts, end_ts)`` of a window of the store."""
    t = events_table.c
    with store.engine.connect() as conn:
        if incident_id is not None:
            if since_ts is not None or until_ts is not None:
                raise ReplayError("give either an incident or a time window, not both")
            row = conn.execute(select(func.min(t.seq), func.max(t.seq), func.min(t.ts),
                                      func.max(t.ts)).where(t.incident_id == incident_id)).one()
            if row[0] is None:
                raise ReplayError(f"no incident {incident_id!r} in the history")
            return int(row[0]), int(row[1]), float(row[2]), float(row[3])
        last = conn.execute(select(t.seq, t.ts).order_by(t.seq.desc()).limit(1)).first()
        if last is None:
            raise ReplayError("the history is empty")
        end = float(until_ts) if until_ts is not None else float(last.ts)
        if since_ts is not None:
            start = float(since_ts)
        else:  # the last day, or the whole history when it is shorter
            first_ts = conn.execute(select(func.min(t.ts))).scalar()
            start = max(end - DAY_S, float(first_ts)) if first_ts is not None else end - DAY_S
        if end < start:
            raise ReplayError("the window ends before it starts")
        first_seq = conn.execute(select(func.min(t.seq)).where(t.ts >= start)).scalar()
        last_seq = conn.execute(select(func.max(t.seq)).where(t.ts <= end)).scalar()
    if first_seq is None or last_seq is None or last_seq < first_seq:
        # No event in the window: an empty window at the state of its start.
        before = store.seq_at(start)
        return before + 1, before, start, end
    return int(first_seq), int(last_seq), start, end


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


# ----------------------------------------------------------------------------- timelines

LANE_INCIDENT, LANE_DEPARTMENT, LANE_UNIT = "incident", "department", "unit"


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One marker of an incident's timeline.

    ``kind``: ``status`` (value: the new status), ``start`` (status at the window start),
    ``assigned``/``released``/``unit_status`` (unit lane), ``lead``/``assist``/``acknowledged``
    (department lane), ``escalated`` (value: level), ``supervised`` (``on``/``off``),
    ``clock`` (``stage:state``), ``extension_requested``, ``extension_decided``
    (``approved``/``refused``), ``verify_failed``, ``rework``, ``returned``, ``note``,
    ``evaluated``, ``archived``.
    """

    ts: float
    seq: int
    position: int
    lane: str
    key: str
    kind: str
    value: str = ""
    detail: str = ""
    operator: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a lane in one state: the incident's status, a department on the incident
    (value ``lead``/``assist``) or a unit's status while on it. ``end`` None: still so."""

    lane: str
    key: str
    start: float
    end: float | None
    value: str


@dataclass(frozen=True, slots=True)
class Deadline:
    """A time limit as it stood from ``set_at``: stage ``dispatch``/``acknowledge``/
    ``handle``/``verify``; ``met_at`` when the stage was done (None: not in the window)."""

    stage: str
    due: float
    set_at: float
    met_at: float | None

    def overdue_at(self, end: float) -> bool:
        return (self.met_at if self.met_at is not None else end) > self.due


@dataclass(frozen=True, slots=True)
class IncidentTimeline:
    incident_id: str
    start_ts: float
    end_ts: float
    items: tuple[TimelineItem, ...]
    spans: tuple[Span, ...]
    deadlines: tuple[Deadline, ...]
    departments: tuple[str, ...]
    units: tuple[str, ...]
    record: Incident | None  # the incident at the end (None if it left the window unseen)

    def lane_keys(self) -> list[tuple[str, str]]:
        """Lanes top to bottom: the incident, its departments, its units."""
        return ([(LANE_INCIDENT, self.incident_id)]
                + [(LANE_DEPARTMENT, d) for d in self.departments]
                + [(LANE_UNIT, u) for u in self.units])


_DUE_STAGES = (("dispatch_due", "dispatch"), ("ack_due", "acknowledge"),
               ("handle_due", "handle"), ("verify_due", "verify"))
# The status (or event) that completes a stage.
_STAGE_DONE = {"dispatch": {S.DISPATCHED.value}, "acknowledge": {S.ACKNOWLEDGED.value},
               "handle": {S.RESPONDED.value}, "verify": {S.VERIFIED.value, S.CLOSED.value}}


@dataclass(slots=True)
class _Track:
    items: list[TimelineItem] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    open_spans: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)
    deadlines: list[list[Any]] = field(default_factory=list)  # [stage, due, set_at, met_at]
    departments: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    record: Incident | None = None


class TimelineBuilder:
    """Builds the timelines of some incidents while the events are applied to a state."""

    def __init__(self, incident_ids: set[str]) -> None:
        self.targets = set(incident_ids)
        self.tracks: dict[str, _Track] = {iid: _Track() for iid in incident_ids}

    # -- spans

    def _open(self, tr: _Track, lane: str, key: str, ts: float, value: str) -> None:
        cur = tr.open_spans.get((lane, key))
        if cur is not None:
            if cur[1] == value:
                return
            tr.spans.append(Span(lane, key, cur[0], ts, cur[1]))
        tr.open_spans[(lane, key)] = (ts, value)

    def _close(self, tr: _Track, lane: str, key: str, ts: float) -> None:
        cur = tr.open_spans.pop((lane, key), None)
        if cur is not None:
            tr.spans.append(Span(lane, key, cur[0], ts, cur[1]))

    def _dept(self, tr: _Track, dept: str) -> None:
        if dept and dept not in tr.departments:
            tr.departments.append(dept)

    def _unit(self, tr: _Track, uid: str) -> None:
        if uid not in tr.units:
            tr.units.append(uid)

    def _dues(self, tr: _Track, inc: Incident, ts: float) -> None:
        for attr, stage in _DUE_STAGES:
            due = getattr(inc, attr)
            if due is None:
                continue
            same = [d for d in tr.deadlines if d[0] == stage]
            if not same or same[-1][1] != due:
                tr.deadlines.append([stage, due, ts, None])

    # -- the pass

    def begin(self, state: DispatchState, ts: float) -> None:
        """Record where the incidents stand at the start of the pass."""
        for iid in self.targets:
            inc = state.incidents.get(iid)
            if inc is None:
                continue
            tr = self.tracks[iid]
            tr.items.append(TimelineItem(ts, state.seq, 0, LANE_INCIDENT, iid, "start",
                                         inc.status.value))
            self._open(tr, LANE_INCIDENT, iid, ts, inc.status.value)
            for i, d in enumerate(inc.departments):
                self._dept(tr, d)
                if inc.is_open:
                    self._open(tr, LANE_DEPARTMENT, d, ts, "lead" if i == 0 and
                               inc.lead_department else "assist")
            for uid in inc.units:
                self._unit(tr, uid)
                u = state.units.get(uid)
                if u is not None:
                    self._open(tr, LANE_UNIT, uid, ts, u.status.value)
            self._dues(tr, inc, ts)
            done = {"dispatch": inc.dispatched_at, "acknowledge": inc.acknowledged_at,
                    "handle": inc.responded_at, "verify": inc.verified_at or inc.closed_at}
            for dl in tr.deadlines:  # stages done before the window began
                dl[3] = done[dl[0]]
            tr.record = inc

    def observe(self, state: DispatchState, e: Event, position: int,
                step: Callable[[DispatchState, Event], None]) -> None:
        """Apply ``e`` to ``state`` with ``step`` and record what it did to the incidents."""
        p: Any = e.payload
        t = type(p)
        iid = getattr(p, "incident_id", None)
        if t is ev.UnitStatusChanged:
            u = state.units.get(p.unit_id)
            on = u.incident_id if u is not None else ""
            step(state, e)
            if on in self.targets:
                tr = self.tracks[on]
                tr.items.append(TimelineItem(e.ts, e.seq, position, LANE_UNIT, p.unit_id,
                                             "unit_status", p.status, operator=e.operator))
                after = state.units.get(p.unit_id)
                if after is not None and after.incident_id == on:
                    self._open(tr, LANE_UNIT, p.unit_id, e.ts, p.status)
                else:
                    self._close(tr, LANE_UNIT, p.unit_id, e.ts)
            return
        if t is ev.IncidentsArchived:
            hit = [i for i in p.incident_ids if i in self.targets]
            step(state, e)
            for i in hit:
                tr = self.tracks[i]
                tr.items.append(TimelineItem(e.ts, e.seq, position, LANE_INCIDENT, i,
                                             "archived", operator=e.operator))
            return
        if iid is None or iid not in self.targets:
            step(state, e)
            return
        tr = self.tracks[iid]
        before = state.incidents.get(iid)
        b_status = before.status.value if before is not None else ""
        b_units = before.units if before is not None else ()
        b_depts = before.departments if before is not None else ()
        b_unit_status = {u: state.units[u].status.value for u in b_units if u in state.units}
        step(state, e)
        inc = state.incidents.get(iid)
        if inc is None:
            return
        tr.record = inc
        ts, seq, op = e.ts, e.seq, e.operator

        def item(lane: str, key: str, kind: str, value: str = "", detail: str = "") -> None:
            tr.items.append(TimelineItem(ts, seq, position, lane, key, kind, value, detail, op))

        status = inc.status.value
        if status != b_status:
            item(LANE_INCIDENT, iid, "status", status, _detail(p))
            self._open(tr, LANE_INCIDENT, iid, ts, status)
            for dl in tr.deadlines:
                if dl[3] is None and status in _STAGE_DONE[dl[0]] and dl[2] <= ts:
                    dl[3] = ts
        # departments
        if t is ev.IncidentDispatched:
            self._dept(tr, p.lead_department)
            item(LANE_DEPARTMENT, p.lead_department, "lead")
            self._open(tr, LANE_DEPARTMENT, p.lead_department, ts, "lead")
            for d in p.assist_departments:
                self._dept(tr, d)
                item(LANE_DEPARTMENT, d, "assist")
                self._open(tr, LANE_DEPARTMENT, d, ts, "assist")
        else:
            for d in inc.departments:
                if d not in b_depts:
                    self._dept(tr, d)
                    item(LANE_DEPARTMENT, d, "assist", detail=_detail(p))
                    self._open(tr, LANE_DEPARTMENT, d, ts, "assist")
        if t is ev.IncidentAcknowledged:
            dept = p.department or inc.lead_department
            self._dept(tr, dept)
            item(LANE_DEPARTMENT, dept, "acknowledged")
        for d in b_depts:
            if d not in inc.departments:
                self._close(tr, LANE_DEPARTMENT, d, ts)
        if not inc.is_open:
            for d in inc.departments:
                self._close(tr, LANE_DEPARTMENT, d, ts)
        # units
        for uid in inc.units:
            if uid not in b_units:
                self._unit(tr, uid)
                item(LANE_UNIT, uid, "assigned")
                u = state.units.get(uid)
                self._open(tr, LANE_UNIT, uid, ts, u.status.value if u is not None else "")
        for uid in b_units:
            if uid in inc.units:
                continue
            u = state.units.get(uid)
            now = u.status.value if u is not None else ""
            item(LANE_UNIT, uid, "released", now)
            self._close(tr, LANE_UNIT, uid, ts)
        for uid, was in b_unit_status.items():
            u = state.units.get(uid)
            if uid in inc.units and u is not None and u.status.value != was:
                item(LANE_UNIT, uid, "unit_status", u.status.value)
                self._open(tr, LANE_UNIT, uid, ts, u.status.value)
        # incident lane
        if t is ev.IncidentEscalated:
            item(LANE_INCIDENT, iid, "escalated", str(p.level), p.reason)
        elif t is ev.IncidentSupervised:
            item(LANE_INCIDENT, iid, "supervised", "on" if p.on else "off", p.note)
        elif t is ev.IncidentClock:
            item(LANE_INCIDENT, iid, "clock", f"{p.stage}:{p.state}")
        elif t is ev.ExtensionRequested:
            item(LANE_INCIDENT, iid, "extension_requested", str(p.minutes), p.reason)
        elif t is ev.ExtensionDecided:
            item(LANE_INCIDENT, iid, "extension_decided",
                 "approved" if p.approved else "refused", p.note)
        elif t is ev.IncidentVerified and not p.passed:
            item(LANE_INCIDENT, iid, "verify_failed", "", p.note)
        elif t is ev.IncidentReworked:
            item(LANE_INCIDENT, iid, "rework", "", p.reason)
        elif t is ev.IncidentReturned:
            item(LANE_INCIDENT, iid, "returned", "", p.reason)
        elif t is ev.IncidentNoted:
            item(LANE_INCIDENT, iid, "note", "", p.text)
        elif t is ev.IncidentEvaluated:
            item(LANE_INCIDENT, iid, "evaluated", str(p.score), p.comment)
        if inc.is_open or status != b_status:
            self._dues(tr, inc, ts)

    def finish(self, state: DispatchState, end_ts: float) -> dict[str, IncidentTimeline]:
        out: dict[str, IncidentTimeline] = {}
        for iid, tr in self.tracks.items():
            if not tr.items:
                continue
            spans = list(tr.spans) + [Span(lane, key, start, None, value)
                                      for (lane, key), (start, value) in tr.open_spans.items()]
            spans.sort(key=lambda s: (s.start, s.lane, s.key))
            out[iid] = IncidentTimeline(
                incident_id=iid, start_ts=tr.items[0].ts, end_ts=end_ts,
                items=tuple(tr.items), spans=tuple(spans),
                deadlines=tuple(Deadline(d[0], d[1], d[2], d[3]) for d in tr.deadlines),
                departments=tuple(tr.departments), units=tuple(tr.units),
                record=state.incidents.get(iid, tr.record))
        return out


def _detail(p: Any) -> str:
    for name in ("reason", "note", "result", "text", "comment"):
        v = getattr(p, name, None)
        if isinstance(v, str) and v:
            return v
    return ""


# ------------------------------------------------------------------------------ the report


@dataclass(frozen=True, slots=True)
class IncidentSummary:
    """One overdue or escalated incident of a shift report."""

    incident_id: str
    class_code: str
    priority: str
    grid: str
    status: str
    reported_at: float
    dispatched_at: float | None
    responded_at: float | None
    closed_at: float | None
    lead_department: str
    level: int
    supervised: bool
    overdue_stages: tuple[str, ...]
    overdue_s: float | None  # how long past the handling limit (at response, or at the end)
    escalations: int  # escalations in the window

    @property
    def overdue(self) -> bool:
        return bool(self.overdue_stages)

    @property
    def escalated(self) -> bool:
        return self.escalations > 0


def _summary(inc: Incident, end: float, stages: tuple[str, ...], escalations: int
             ) -> IncidentSummary:
    late: float | None = None
    if inc.handle_due is not None and stages:
        done = inc.responded_at if inc.responded_at is not None else (
            end if inc.is_open else None)
        if done is not None and done > inc.handle_due:
            late = done - inc.handle_due
    if late is None and stages and inc.is_open:
        c_due = {"dispatch": inc.dispatch_due, "acknowledge": inc.ack_due,
                 "verify": inc.verify_due}
        dues = [d for s in stages if (d := c_due.get(s)) is not None and d < end]
        if dues:
            late = end - min(dues)
    return IncidentSummary(
        incident_id=inc.id, class_code=inc.class_code, priority=inc.priority, grid=inc.grid,
        status=inc.status.value, reported_at=inc.reported_at, dispatched_at=inc.dispatched_at,
        responded_at=inc.responded_at, closed_at=inc.closed_at,
        lead_department=inc.lead_department, level=int(inc.level), supervised=inc.supervised,
        overdue_stages=stages, overdue_s=late, escalations=escalations)


@dataclass(frozen=True, slots=True)
class ShiftReport:
    """Figures of a replay window (see :meth:`Replayer.shift_report`); KPI dicts are
    :meth:`dispatch.domain.kpi.Kpi.as_dict`, keyed by region code or department code."""

    start_ts: float
    end_ts: float
    first_seq: int
    last_seq: int
    events: int
    city: dict[str, float | int | None]
    by_district: dict[str, dict[str, float | int | None]]
    by_department: dict[str, dict[str, float | int | None]]
    incidents: tuple[IncidentSummary, ...]
    timelines: dict[str, IncidentTimeline]
    bookmarks: tuple[Bookmark, ...] = ()

    @property
    def overdue(self) -> tuple[IncidentSummary, ...]:
        return tuple(s for s in self.incidents if s.overdue)

    @property
    def escalated(self) -> tuple[IncidentSummary, ...]:
        return tuple(s for s in self.incidents if s.escalated)
