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
import queue
import threading
from collections.abc import Sequence

from dispatch.domain.events import Event, UnitsMoved
from dispatch.domain.patrol_days import DayOf, PatrolDay, Report, advance, visits_by_unit
from dispatch.domain.patrol_raster import Visits
from dispatch.services.ports import PatrolLog, StoreError

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


class PatrolWriter:
    """Hands batches' position reports to the patrol read model, in order, either at once
    (``background=False``: tests, tools) or from one thread (a server: the loop does not
    wait for the model's write). A write that fails is made up by the next one (it reads the
    events it missed from the log), or by the catch-up at the next start; an evaluation in
    between reads what the model lacks from the events (its mark says how far it is)."""

    def __init__(self, store: PatrolLog, *, background: bool = False) -> None:
        self.store = store
        self._from: int | None = None  # first event not taken in since the last write
        self._queue: queue.Queue[tuple[int, int, list[tuple[int, Report]]] | None] | None = \
            None
        self._thread: threading.Thread | None = None
        if background:
            self._queue = queue.Queue()
            self._thread = threading.Thread(target=self._run, name="patrol", daemon=True)
            self._thread.start()

    def submit(self, batch: Sequence[Event]) -> None:
        reports = batch_reports(batch)
        if not reports:
            return
        if self._queue is not None:
            self._queue.put((batch[0].seq, batch[-1].seq, reports))
        else:
            self._write(batch[0].seq, batch[-1].seq, reports)

    def _write(self, first: int, last: int, reports: list[tuple[int, Report]]) -> None:
        start = first if self._from is None else self._from
        try:
            self.store.save_patrol(start, last, reports)
        except StoreError:
            log.exception("patrol of events %d..%d not written to the read model", start, last)
            return
        self._from = last + 1

    def _run(self) -> None:
        assert self._queue is not None
        while (item := self._queue.get()) is not None:
            try:
                self._write(*item)
            except Exception:  # a lost write is caught up later, never a lost event
                log.exception("patrol read model write failed")
            finally:
                self._queue.task_done()
        self._queue.task_done()

    def flush(self) -> None:
        """Wait until every batch submitted is written (or failed)."""
        if self._queue is not None:
            self._queue.join()

    def close(self, timeout_s: float = 30.0) -> None:
        """Write what is queued, then stop the thread."""
        if self._queue is not None and self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout_s)
            self._queue = None
