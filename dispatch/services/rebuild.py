"""Rebuild state from the store: the latest snapshot at or before a point, then the events."""

from __future__ import annotations

import time
from dataclasses import dataclass

from dispatch.domain.errors import Unavailable
from dispatch.domain.projection import apply
from dispatch.domain.state import DispatchState
from dispatch.services.ports import EventSource

CHECK_EVERY = 2000
"""Events applied between two looks at the clock of a bounded rebuild."""


@dataclass(slots=True)
class Rebuilt:
    """A rebuilt state, from the stored snapshot at ``snapshot_seq`` (0: none, from the first
    event) and ``applied`` events after it."""

    state: DispatchState
    snapshot_seq: int
    applied: int


def rebuild(store: EventSource, *, seq: int | None = None, ts: float | None = None,
            max_events: int | None = None, max_seconds: float | None = None) -> Rebuilt:
    """The state after event ``seq`` (or after the last event at or before ``ts``; both:
    the earlier; the latest state when neither is given).

    Bounded (for a request from the wire): with ``max_events``, a target more than that many
    events after its nearest stored snapshot is refused before any is read; with
    ``max_seconds``, a rebuild still running after that long is abandoned. Both raise
    :class:`Unavailable` saying which."""
    t0 = time.monotonic()
    if ts is not None:
        target = store.seq_at(ts)
        seq = target if seq is None else min(seq, target)
    state = store.latest_snapshot(at_or_before_seq=seq) or DispatchState()
    start = state.seq
    if max_events is not None and seq is not None and seq - start > max_events:
        raise Unavailable(f"the state at event {seq:,} is {seq - start:,} events after the "
                          f"nearest stored snapshot (event {start:,}); this server rebuilds "
                          f"at most {max_events:,} for a request")
    applied = 0
    deadline = None if max_seconds is None else t0 + max_seconds
    rows = store.read(after_seq=start, to_seq=seq)
    try:
        for e in rows:
            apply(state, e)
            applied += 1
            if (deadline is not None and applied % CHECK_EVERY == 0
                    and time.monotonic() > deadline):
                where = "the latest event" if seq is None else f"event {seq:,}"
                raise Unavailable(f"rebuilding the state at {where} took longer than "
                                  f"{max_seconds:g} s (from the snapshot at event {start:,}, "
                                  f"{applied:,} events applied); try again later")
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # a generator abandoned early gives its database connection back now
    return Rebuilt(state, start, applied)


def state_at(store: EventSource, *, seq: int | None = None, ts: float | None = None
             ) -> DispatchState:
    """The state after event ``seq`` (or after the last event at or before ``ts``; the latest
    state when neither is given)."""
    return rebuild(store, seq=seq, ts=ts).state


def load_state(store: EventSource) -> DispatchState:
    """The latest state, as a restarting server rebuilds it."""
    return state_at(store)
