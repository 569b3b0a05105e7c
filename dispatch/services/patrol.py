"""The patrol read model, kept up with the events (:class:`~dispatch.services.ports.PatrolLog`;
the table is described in :mod:`dispatch.adapters.store.patrol_reads`, the rows in
:mod:`dispatch.domain.patrol_days`).

The engine hands the store a batch's position reports (:func:`batch_reports`) after the batch
is stored. :func:`catch_up_patrol` takes in the events the model has not seen (a failed
write, a stop between the two writes, a store older than the model) in chunks, straight from
the log's position reports (no state to rebuild: a report carries all it needs); a model made
with another raster is cleared and rebuilt whole.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from dispatch.domain.events import Event, UnitsMoved
from dispatch.domain.patrol_days import DayOf, PatrolDay, Report, advance, visits_by_unit
from dispatch.domain.patrol_raster import Visits
from dispatch.services.ports import PatrolLog

log = logging.getLogger(__name__)
CHUNK = 100_000  # events per write while catching up


def batch_reports(batch: Sequence[Event]) -> list[tuple[int, Report]]:
    """``(event sequence, (ts, unit, lon, lat))`` of the position reports of ``batch``."""
    return [(e.seq, (e.ts, uid, lon, lat)) for e in batch if isinstance(e.payload, UnitsMoved)
            for uid, lon, lat in e.payload.rows]


def catch_up_patrol(store: object) -> int:
    """Bring the store's patrol read model up to its events; the number of reports taken in
    (0 when it was up to date, or the store keeps no such model)."""
    if not isinstance(store, PatrolLog):
        return 0
    if store.patrol_outdated():
        log.info("patrol read model: made with another raster; rebuilding")
        store.clear_patrol()
    done, last = store.patrol_seq(), store.last_seq()
    if done >= last:
        return 0
    log.info("patrol read model: catching up events %d..%d", done + 1, last)
    taken = 0
    while done < last:
        to = min(last, done + CHUNK)
        taken += store.save_patrol(done + 1, to, store.position_reports_after(done, to))
        done = to
    return taken


def _from_log(store: PatrolLog, a: float, b: float, now: float, units: set[str]
              ) -> list[PatrolDay]:
    """The days of the reports from ``a`` (included) to ``b`` (excluded), at or before
    ``now``, of ``units``, made from the log's events (the days' edges the model cannot
    give)."""
    if not b > a:
        return []
    span = store.seq_span(a, b)
    if span is None:
        return []
    reports = [r for _, r in store.position_reports_after(span[0] - 1, span[1])
               if a <= r[0] < b and r[0] <= now and r[1] in units]
    return advance({}, reports)


def visits_between(store: PatrolLog, start: float, end: float, now: float, units: set[str]
                   ) -> dict[str, Visits]:
    """The visits of ``units`` in the period ``[start, end)`` seen at ``now`` (reports at or
    before it): the whole local days the model holds from its rows, the rest (the period's
    first and last partial days, the reports the model has not taken in yet) from the
    log's events, each day's track cut at its midnight either way."""
    if not units or not end > start:
        return {}
    day_of = DayOf()
    horizon = store.patrol_horizon()
    hi = min(end, now)
    first = day_of(start)
    if first < start:
        first = day_of.end_of(start)
    last = first  # the end of the whole days read from the model
    limit = min(hi, horizon if horizon is not None else start)
    while True:
        nxt = day_of.end_of(last)
        if nxt > limit:
            break
        last = nxt
    days: list[PatrolDay] = []
    if last > first:
        days.extend(store.patrol_between(first, last, units))
        days.extend(_from_log(store, start, first, now, units))
        days.extend(_from_log(store, last, end, now, units))
    else:
        days.extend(_from_log(store, start, end, now, units))
    return visits_by_unit(days)
