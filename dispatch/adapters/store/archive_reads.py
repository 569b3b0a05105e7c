"""The archived incidents' read model (table ``archived_incidents``): the record of every
incident as it was when it was archived (left the live state), so that an evaluation of a past
period counts it without replaying the history.

The engine writes the records of an ``incidents.archived`` event right after the event's
batch is stored (:meth:`ArchiveReads.save_archived`), and the table's high-water mark (the
sequence of the last archive event written, ``meta.archive_seq``) with them. Should that
second write fail or a process stop between the two, the model is behind the events: a
starting server catches up (:func:`dispatch.services.archive.catch_up_archive`) by rebuilding
the missing records from the nearest snapshot and the events. A store made before the table
existed is caught up the same way. Each row keeps ``first_ts``/``last_ts``, the earliest and
latest instant on the record (reported … closed, called back, deadlines), so a period reads
only the rows that can count in it. The stored record leaves out the notes and photos (the
bulk of a finished record, which no indicator reads; the events keep them).

A record is stored as the pickled tuple of its fields (its codec's row, as in snapshots):
reading a month of them is about twice as fast as decoding JSON. The tuple's shape depends
on the record's fields, so the table carries their signature (``meta.archive_format``): a
store written by a version with other fields is cleared and rebuilt from the events by the
catch-up (:meth:`ArchiveReads.archive_outdated`), as a snapshot of another shape is passed
over.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dispatch.adapters.store.replay_reads import raw_rows
from dispatch.adapters.store.schema import archived_incidents, events, meta
from dispatch.domain.events import IncidentsArchived
from dispatch.domain.state import INCIDENT_CODEC, Incident
from dispatch.services.ports import StoreError

MARK = "archive_seq"
FORMAT_KEY = "archive_format"
FORMAT = "row1:" + hashlib.blake2b(",".join(INCIDENT_CODEC.names).encode(),
                                   digest_size=8).hexdigest()
"""The stored rows' shape: the pickled field tuple of this version's incident record."""
_SPAN_FIELDS = ("dispatch_due", "registered_at", "dispatched_at", "acknowledged_at",
                "responded_at", "verified_at", "closed_at", "ack_due", "handle_due",
                "verify_due", "callback_due", "called_back_at", "last_urged_at", "parked_at")


def record_span(inc: Incident) -> tuple[float, float]:
    """The earliest and latest instant on the record."""
    times = [inc.reported_at]
    times.extend(t for t in (getattr(inc, f) for f in _SPAN_FIELDS) if t is not None)
    return min(times), max(times)


def stored_blob(inc: Incident) -> bytes:
    """The record as stored: its field tuple without its notes and photos (the bulk of a
    finished record, never counted; the events keep them), pickled."""
    bare = INCIDENT_CODEC.clone(inc)
    bare.notes, bare.media = (), ()
    return pickle.dumps(INCIDENT_CODEC.to_row(bare), protocol=pickle.HIGHEST_PROTOCOL)


def _rows(records: Iterable[tuple[int, Incident]]) -> list[dict[str, object]]:
    out = []
    for seq, inc in records:
        first, last = record_span(inc)
        out.append({"incident_id": inc.id, "archived_seq": seq, "grid": inc.grid,
                    "first_ts": first, "last_ts": last, "data": stored_blob(inc)})
    return out


class ArchiveReads:
    """The archived incidents' reads and writes on ``self.engine`` (mixed into
    ``EventStore``): the services' :class:`~dispatch.services.ports.ArchiveLog`."""

    engine: Engine

    def save_archived(self, records: Sequence[tuple[int, Incident]]) -> None:
        """Store ``(archive event sequence, record)`` pairs (again: replaces) and move the
        high-water mark to the highest sequence, in one transaction."""
        if not records:
            return
        rows = _rows(records)
        mark = max(seq for seq, _ in records)
        try:
            with self.engine.begin() as conn:
                ids = [r["incident_id"] for r in rows]
                for i in range(0, len(ids), 500):
                    conn.execute(delete(archived_incidents)
                                 .where(archived_incidents.c.incident_id.in_(ids[i:i + 500])))
                conn.execute(insert(archived_incidents), rows)
                old = conn.execute(select(meta.c.value).where(meta.c.key == MARK)).scalar()
                if old is None:
                    conn.execute(insert(meta).values(key=MARK, value=str(mark)))
                elif int(old) < mark:
                    conn.execute(meta.update().where(meta.c.key == MARK).values(value=str(mark)))
                fmt = conn.execute(select(meta.c.value).where(meta.c.key == FORMAT_KEY)).scalar()
                if fmt is None:
                    conn.execute(insert(meta).values(key=FORMAT_KEY, value=FORMAT))
        except SQLAlchemyError as exc:
            raise StoreError(f"could not store {len(rows)} archived incidents: "
                             f"{str(exc).splitlines()[0]}") from exc

    def archive_seq(self) -> int:
        """The sequence of the last archive event whose records are stored (0: none)."""
        with self.engine.connect() as conn:
            v = conn.execute(select(meta.c.value).where(meta.c.key == MARK)).scalar()
        return int(v) if v is not None else 0

    def archive_outdated(self) -> bool:
        """True when the stored rows have another shape than this version's (written by a
        version with other record fields): :meth:`clear_archive` and rebuild."""
        with self.engine.connect() as conn:
            fmt = conn.execute(select(meta.c.value).where(meta.c.key == FORMAT_KEY)).scalar()
            if fmt is None:  # nothing written yet, or a model without rows
                return bool(conn.execute(select(func.count())
                                         .select_from(archived_incidents)).scalar_one())
        return fmt != FORMAT

    def clear_archive(self) -> None:
        """Empty the model (rows, mark and format) for a rebuild from the events."""
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(archived_incidents))
                conn.execute(delete(meta).where(meta.c.key.in_((MARK, FORMAT_KEY))))
        except SQLAlchemyError as exc:
            raise StoreError(f"could not clear the archived incidents: "
                             f"{str(exc).splitlines()[0]}") from exc

    def archive_events_after(self, seq: int) -> list[int]:
        """Sequences of the ``incidents.archived`` events after ``seq``, in order."""
        q = (select(events.c.seq).where(events.c.kind == IncidentsArchived.KIND,
                                         events.c.seq > seq).order_by(events.c.seq))
        return [int(s) for (s,) in raw_rows(self.engine, q)]

    def archived_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(archived_incidents))
                       .scalar_one())

    def archived_between(self, start: float, end: float, grid_prefix: str = "",
                         after_seq: int = 0) -> list[Incident]:
        """The archived records with an instant in ``[start, end)`` or spanning it (those
        that can count in that period), in the region ``grid_prefix`` (all: ""); with
        ``after_seq``, only those archived by later events (to top up what was read)."""
        t = archived_incidents.c
        q = select(t.data).where(t.last_ts >= start, t.first_ts < end)
        if after_seq:
            q = q.where(t.archived_seq > after_seq)
        if grid_prefix:
            q = q.where(t.grid.startswith(grid_prefix, autoescape=True))
        loads = pickle.loads
        return INCIDENT_CODEC.from_rows([loads(data) for (data,) in raw_rows(self.engine, q,
                                                                              10000)])
