"""Rebuild state from the store: the latest snapshot at or before a point, then the events."""

from __future__ import annotations

from dispatch.domain.projection import apply
from dispatch.domain.state import DispatchState
from dispatch.services.ports import EventSource


def state_at(store: EventSource, *, seq: int | None = None, ts: float | None = None
             ) -> DispatchState:
    """The state after event ``seq`` (or after the last event at or before ``ts``; the latest
    state when neither is given)."""
    if ts is not None:
        target = store.seq_at(ts)
        seq = target if seq is None else min(seq, target)
    state = store.latest_snapshot(at_or_before_seq=seq) or DispatchState()
    for e in store.read(after_seq=state.seq, to_seq=seq):
        apply(state, e)
    return state


def load_state(store: EventSource) -> DispatchState:
    """The latest state, as a restarting server rebuilds it."""
    return state_at(store)
