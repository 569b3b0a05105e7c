"""The replayer: the exact state at any instant of a window of history, for the shift lead.

A :class:`Replayer` holds a window of events (a shift, a day, the life of one incident) and the
state at its start, and rebuilds the state at any position with the same projection the server
uses (:func:`dispatch.domain.projection.apply`), so what is replayed is exactly what happened.

Positions count events: position ``p`` is the state after the first ``p`` events of the window
(``0`` is the state at the window's start, ``len(replayer)`` the state at its end).

Seeking is fast because of in-memory checkpoints taken every few hundred events during
:meth:`Replayer.prepare`; they share their records copy-on-write
(:mod:`dispatch.services.replay.cow`). A long window is *sparse*: checkpoints are taken where
seeks go, and the store's own snapshots serve as starting points.
"""

from __future__ import annotations

import bisect
import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from dispatch.domain import events as ev
from dispatch.domain.events import Event
from dispatch.domain.projection import apply
from dispatch.domain.state import DispatchState
from dispatch.services.ports import ReplayStore
from dispatch.services.rebuild import state_at
from dispatch.services.replay.cow import derive, freeze
from dispatch.services.replay.errors import ReplayError
from dispatch.services.replay.shift_report import Bookmark, ShiftReport, shift_report
from dispatch.services.replay.sources import (
    MemoryEvents,
    StoreEvents,
    WindowSource,
    store_window,
)
from dispatch.services.replay.timeline import IncidentTimeline, TimelineBuilder

# Events followed after an open incident's last event (its units' status changes).
TIMELINE_LOOKAHEAD = 50_000
# Decoding one of the store's snapshots (a whole city state) costs about as much as applying
# this many events: a snapshot is a better start than a checkpoint this much further back.
SNAPSHOT_COST = 8_000
# Decoded events a store-backed window keeps at most (about 800 bytes each).
CACHE_EVENTS = 40_000

MAX_LOOSE_CHECKPOINTS = 2
"""States made straight from a store snapshot that a sparse replay keeps for the seeks just
after them (a city's state each, tens of megabytes, not shared with the grid's checkpoints)."""


class Replayer:
    """The state at any position of a window of history (see the module docstring)."""

    def __init__(self, base: DispatchState, source: WindowSource, *,
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
    def from_store(cls, store: ReplayStore, *, since_ts: float | None = None,
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

    def step(self, state: DispatchState, e: Event) -> None:
        """Apply one event to ``state`` as this replay does (skipping what a region-scoped
        history leaves out when it is ``tolerant``)."""
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
            self.step(state, e)
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
        if k not in self._checkpoints:  # started on it: a store snapshot exactly there
            state.take_changes()
            self._checkpoints[k] = state if private else freeze(state)

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
                    self.step(base, e)
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
            self.step(state, e)
        state.take_changes()
        return state

    def stream(self, start: int, end: int) -> Iterator[Event]:
        """The events from position ``start`` to ``end`` read in one pass."""
        return self.source.stream(start, end)

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
            self.step(state, e)
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
            builder.observe(state, e, i, self.step)
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
        """KPIs of the window, its overdue and escalated incidents with their timelines (see
        :func:`dispatch.services.replay.shift_report.shift_report`)."""
        return shift_report(self, start=start, end=end, bookmarks=bookmarks,
                            max_timelines=max_timelines, progress=progress)


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
