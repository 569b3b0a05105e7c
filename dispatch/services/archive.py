"""The archived incidents' read model, kept up with the events
(:class:`~dispatch.services.ports.ArchiveLog`; the table is described in
:mod:`dispatch.adapters.store.archive_reads`).

The engine hands the store the records an ``incidents.archived`` event removes from the state
(:func:`archived_records`) after the event's batch is stored. :func:`catch_up_archive` writes
the records of the archive events the model has not seen (a failed second write, a stop
between the two, a store older than the model): it rebuilds the state from the nearest
snapshot before the first such event and replays up to the last one, picking up each
archived record as it leaves. Nothing is replayed when the model is up to date; a model
written by a version with other record fields is cleared and rebuilt whole.
"""

from __future__ import annotations

import logging

from dispatch.domain.events import IncidentsArchived
from dispatch.domain.projection import apply
from dispatch.domain.state import DispatchState, Incident
from dispatch.services.ports import ArchiveLog, EventSource

log = logging.getLogger(__name__)
BATCH = 20_000  # records per write while catching up


def archived_records(state: DispatchState, seq: int, p: IncidentsArchived
                     ) -> list[tuple[int, Incident]]:
    """The records an archive event (sequence ``seq``) is about to remove from ``state``."""
    incidents = state.incidents
    return [(seq, incidents[iid]) for iid in p.incident_ids if iid in incidents]


def catch_up_archive(store: EventSource) -> int:
    """Bring the store's archived-incidents model up to its events; the number of records
    written (0 when it was up to date, or the store keeps no such model)."""
    if not isinstance(store, ArchiveLog):
        return 0
    if store.archive_outdated():  # written by a version with other record fields
        log.info("archived incidents: the stored records have another shape; rebuilding")
        store.clear_archive()
    missing = store.archive_events_after(store.archive_seq())
    if not missing:
        return 0
    first, last = missing[0], missing[-1]
    log.info("archived incidents: catching up %d archive events (%d..%d)", len(missing),
             first, last)
    state = store.latest_snapshot(at_or_before_seq=first - 1) or DispatchState()
    written = 0
    records: list[tuple[int, Incident]] = []
    for e in store.read(after_seq=state.seq, to_seq=last):
        if isinstance(e.payload, IncidentsArchived):
            records.extend(archived_records(state, e.seq, e.payload))
            if len(records) >= BATCH:
                store.save_archived(records)
                written += len(records)
                records = []
        apply(state, e)
    if records:
        store.save_archived(records)
        written += len(records)
    return written
