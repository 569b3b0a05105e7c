"""History queries for replay: events from the store in pages, filtered to the operator's
region scope.

A page holds at most :data:`MAX_PAGE_EVENTS` events and about :data:`MAX_PAGE_BYTES` of JSON;
``more`` tells the client to ask again with ``after_seq = next_after_seq``. A scan stops after
:data:`MAX_SCAN` rows even if few of them were in scope, so one request never holds the
database for long.

An incident's region is its grid in the live state or, once it was archived, in its report
(read from the store a chunk of events at a time, :class:`IncidentGrids`): a region's
operator replaying last year sees its region's incidents of last year, and their archival.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from dispatch.adapters.protocol.messages import take_args
from dispatch.adapters.store.event_store import EventStore
from dispatch.domain.contacts import event_visible
from dispatch.domain.errors import InvalidCommand
from dispatch.domain.events import Event, IncidentsArchived, UnitsMoved, event_to_dict
from dispatch.domain.roles import Actor

MAX_PAGE_EVENTS = 5000
MAX_PAGE_BYTES = 4 << 20
MAX_SCAN = 50_000

GridOf = Callable[[str], "str | None"]
CHUNK = 500
"""Events whose archived incidents' grids are looked up in one read."""


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    after_seq: int = 0
    to_seq: int | None = None
    since_ts: float | None = None
    until_ts: float | None = None
    incident_id: str | None = None
    limit: int = MAX_PAGE_EVENTS

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> HistoryQuery:
        a = take_args(args, {"after_seq": (int, 0), "to_seq": (int, None),
                             "since_ts": (float, None), "until_ts": (float, None),
                             "incident_id": (str, None), "limit": (int, MAX_PAGE_EVENTS)},
                      "history")
        if a["after_seq"] < 0:
            raise InvalidCommand("history.after_seq must be ≥ 0")
        if a["to_seq"] is not None and a["to_seq"] < a["after_seq"]:
            raise InvalidCommand("history.to_seq is before after_seq")
        if not 1 <= a["limit"] <= MAX_PAGE_EVENTS:
            raise InvalidCommand(f"history.limit must be 1 to {MAX_PAGE_EVENTS}")
        return cls(**a)


def scoped_event(e: Event, actor: Actor, incident_grid: GridOf, unit_grid: GridOf
                 ) -> dict[str, Any] | None:
    """The event as a dict if the actor may see it (rows of position reports are filtered;
    callers' numbers only for roles that may see them)."""
    if not event_visible(e, actor):
        return None
    if not actor.scope:
        return event_to_dict(e)
    iid = e.incident_id
    if iid is not None:
        grid = incident_grid(iid)
        return event_to_dict(e) if grid is not None and actor.in_scope(grid) else None
    p = e.payload
    if isinstance(p, IncidentsArchived):
        ids = tuple(i for i in p.incident_ids if (g := incident_grid(i)) is not None
                    and actor.in_scope(g))
        if not ids:
            return None
        return event_to_dict(dataclasses.replace(e, payload=IncidentsArchived(ids)))
    if isinstance(p, UnitsMoved):
        rows = tuple(r for r in p.rows if (g := unit_grid(r[0])) is not None
                     and actor.in_scope(g))
        if not rows:
            return None
        return event_to_dict(dataclasses.replace(e, payload=UnitsMoved(rows)))
    uid = getattr(p, "unit_id", None)
    if uid is not None:
        grid = getattr(p, "home_grid", None) or unit_grid(uid)
        return event_to_dict(e) if grid is not None and actor.in_scope(grid) else None
    return None


class IncidentGrids:
    """An incident's grid: the live state's, else (archived) its report's in the store,
    looked up for a chunk of events at once (:meth:`prefetch`)."""

    def __init__(self, store: EventStore, live: GridOf) -> None:
        self.store = store
        self.live = live
        self.archived: dict[str, str | None] = {}

    def prefetch(self, events: Iterable[Event]) -> None:
        wanted: set[str] = set()
        for e in events:
            iid = e.incident_id
            ids = (iid,) if iid is not None else (
                e.payload.incident_ids if isinstance(e.payload, IncidentsArchived) else ())
            wanted.update(i for i in ids if i not in self.archived and self.live(i) is None)
        if wanted:
            found = self.store.incident_grids(wanted)
            self.archived.update((i, found.get(i)) for i in wanted)

    def __call__(self, incident_id: str) -> str | None:
        grid = self.live(incident_id)
        return grid if grid is not None else self.archived.get(incident_id)


def history_page(store: EventStore, q: HistoryQuery, actor: Actor, incident_grid: GridOf,
                 unit_grid: GridOf) -> dict[str, Any]:
    out: list[dict[str, Any]] = []
    size = 0
    scanned = 0
    next_after = q.after_seq
    more = False
    grids = IncidentGrids(store, incident_grid)
    rows = store.read(after_seq=q.after_seq, to_seq=q.to_seq, since_ts=q.since_ts,
                      until_ts=q.until_ts, incident_id=q.incident_id,
                      batch_size=min(q.limit, 2000))
    try:
        while not more and (chunk := list(itertools.islice(rows, CHUNK))):
            if actor.scope:
                grids.prefetch(chunk)
            for e in chunk:
                if len(out) >= q.limit or size >= MAX_PAGE_BYTES or scanned >= MAX_SCAN:
                    more = True
                    break
                scanned += 1
                next_after = e.seq
                d = scoped_event(e, actor, grids, unit_grid)
                if d is not None:
                    out.append(d)
                    size += len(orjson.dumps(d["data"])) + 120
    finally:
        rows.close()  # type: ignore[attr-defined]
    return {"events": out, "more": more, "next_after_seq": next_after}
