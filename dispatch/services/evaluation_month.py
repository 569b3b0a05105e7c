"""The ``evaluation`` of a past period read from an event store instead of a live server (the
evaluation report's command line with ``--data-dir`` or ``--db``).

The store is replayed from the state at the period's start to its end; an incident archived
meanwhile (:class:`~dispatch.domain.events.IncidentsArchived`) is kept as it was when it left,
so a month long over counts every case of the month, which a live server's state (archived
incidents gone) cannot. The rows are :func:`dispatch.domain.evaluation.evaluate`'s, as the
query answers them.
"""

from __future__ import annotations

from typing import Any

from dispatch.domain.evaluation import Level, evaluate
from dispatch.domain.events import IncidentsArchived
from dispatch.domain.projection import apply
from dispatch.domain.state import Incident
from dispatch.services.ports import EventSource
from dispatch.services.rebuild import state_at


def incidents_of(store: EventSource, start: float, end: float) -> tuple[list[Incident], float]:
    """Every incident of the state between ``start`` and ``end`` (each as it was at ``end`` or
    when it was archived) and the instant the store has seen: ``end`` when it holds events
    after the period, else its last event's time."""
    state = state_at(store, ts=start)
    gone: dict[str, Incident] = {}
    last = state.ts
    to_seq = store.seq_at(end)
    later = store.read(after_seq=to_seq)
    if next(later, None) is not None:
        last = end
    close = getattr(later, "close", None)  # a generator: stop its query
    if close is not None:
        close()
    for e in store.read(after_seq=state.seq, to_seq=to_seq):
        if isinstance(e.payload, IncidentsArchived):
            for iid in e.payload.incident_ids:
                inc = state.incidents.get(iid)
                if inc is not None:
                    gone[iid] = inc
        apply(state, e)
        last = max(last, e.ts)
    return [*gone.values(), *state.incidents.values()], min(last, end)


class StoreEvaluation:
    """``fetch(level, start, end)`` over an event store, answering like the ``evaluation``
    query (``level``, ``start``, ``end``, ``now``, ``scope`` "", ``rows``); each period is
    replayed once."""

    def __init__(self, store: EventSource) -> None:
        self.store = store
        self._periods: dict[tuple[float, float], tuple[list[Incident], float]] = {}

    def __call__(self, level: str, start: float, end: float) -> dict[str, Any]:
        key = (start, end)
        if key not in self._periods:
            self._periods[key] = incidents_of(self.store, start, end)
        incidents, last = self._periods[key]
        now = max(start, min(last, end))
        rows = evaluate(incidents, start, end, Level(level), now=now)
        return {"level": level, "start": start, "end": end, "now": now, "scope": "",
                "rows": [r.as_dict() for r in rows]}
