"""The reads replay makes of the event store (:class:`dispatch.services.ports.ReplayStore`):
the bounds of a window, its times, its events in sequence ranges, an incident's events and the
position reports of some units.

Events are read straight from the DB-API cursor and decoded here: SQLAlchemy's row objects
cost more than decoding the event, and replay reads hundreds of thousands of them.
:class:`dispatch.adapters.store.event_store.EventStore` takes these methods in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from dispatch.adapters.store.event_codec import decode_payload
from dispatch.adapters.store.schema import events
from dispatch.domain.events import Event, UnitRegistered, UnitsMoved

_COLUMNS = (events.c.seq, events.c.ts, events.c.kind, events.c.operator, events.c.workstation,
            events.c.command_id, events.c.data)


def raw_rows(engine: Engine, q: Any, batch: int = 5000) -> Iterator[tuple[Any, ...]]:
    """Rows of a select straight from the DB-API cursor, ``batch`` rows per fetch."""
    compiled = q.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    args: Any = (tuple(params[k] for k in compiled.positiontup or ())
                 if compiled.positional else params)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute(str(compiled), args)
        while rows := cur.fetchmany(batch):
            yield from rows
        cur.close()
    finally:
        raw.close()


def decode_rows(rows: Iterable[tuple[Any, ...]]) -> Iterator[Event]:
    """Events of raw rows of :data:`_COLUMNS`."""
    for seq, ts, kind, op, ws, cid, data in rows:
        yield Event(seq, ts, op, ws, decode_payload(seq, kind, data), cid or "")


class ReplayReads:
    """The replay reads of an event store on ``self.engine`` (mixed into ``EventStore``)."""

    engine: Engine

    def incident_span(self, incident_id: str) -> tuple[int, int, float, float] | None:
        """``(first_seq, last_seq, first_ts, last_ts)`` of an incident's events; None if the
        history has none."""
        t = events.c
        with self.engine.connect() as conn:
            row = conn.execute(select(func.min(t.seq), func.max(t.seq), func.min(t.ts),
                                      func.max(t.ts)).where(t.incident_id == incident_id)).one()
        if row[0] is None:
            return None
        return int(row[0]), int(row[1]), float(row[2]), float(row[3])

    def time_span(self) -> tuple[float, float] | None:
        """``(first_ts, last_ts)`` of the history (the time of its first and last event);
        None if it is empty."""
        t = events.c
        with self.engine.connect() as conn:
            last = conn.execute(select(t.ts).order_by(t.seq.desc()).limit(1)).first()
            if last is None:
                return None
            first = conn.execute(select(func.min(t.ts))).scalar_one()
        return float(first), float(last.ts)

    def seq_span(self, start_ts: float, end_ts: float) -> tuple[int, int] | None:
        """``(first_seq, last_seq)`` of the events from ``start_ts`` to ``end_ts`` (both
        included); None if there is none."""
        t = events.c
        with self.engine.connect() as conn:
            first = conn.execute(select(func.min(t.seq)).where(t.ts >= start_ts)).scalar()
            last = conn.execute(select(func.max(t.seq)).where(t.ts <= end_ts)).scalar()
        if first is None or last is None or last < first:
            return None
        return int(first), int(last)

    def event_times(self, first_seq: int, last_seq: int) -> Iterator[tuple[int, float]]:
        """``(seq, ts)`` of every event from ``first_seq`` to ``last_seq``, in order."""
        q = (select(events.c.seq, events.c.ts)
             .where(events.c.seq >= first_seq, events.c.seq <= last_seq)
             .order_by(events.c.seq))
        return raw_rows(self.engine, q, 20000)

    def read_range(self, first_seq: int, last_seq: int) -> Iterator[Event]:
        """The events from ``first_seq`` to ``last_seq`` (both included), in order."""
        return decode_rows(raw_rows(self.engine, _range(first_seq, last_seq)))

    def incident_seqs(self, incident_id: str, first_seq: int, last_seq: int) -> list[int]:
        """Sequence numbers of an incident's events from ``first_seq`` to ``last_seq``."""
        q = (select(events.c.seq).where(events.c.incident_id == incident_id,
                                         events.c.seq >= first_seq, events.c.seq <= last_seq)
             .order_by(events.c.seq))
        return [s for (s,) in raw_rows(self.engine, q)]

    def position_reports(self, first_seq: int, last_seq: int,
                         unit_ids: set[str] | None = None) -> Iterator[Event]:
        """The events that place units (position reports, registrations) from ``first_seq``
        to ``last_seq``; with a few ``unit_ids``, only those naming one of them (others may
        come too: the caller filters)."""
        q = _range(first_seq, last_seq).where(
            events.c.kind.in_((UnitsMoved.KIND, UnitRegistered.KIND)))
        if unit_ids is not None and len(unit_ids) <= 8:
            # Position reports hold 50 units each: let the database skip the others.
            q = q.where(or_(*(events.c.data.contains(json.dumps(u, ensure_ascii=False),
                                                     autoescape=True)
                              for u in sorted(unit_ids))))
        return decode_rows(raw_rows(self.engine, q))

    def incident_grids(self, incident_ids: Iterable[str]) -> dict[str, str]:
        """The grid of each incident named (from its report), for incidents no longer in the
        live state (archived); an id never reported is left out."""
        ids = sorted(set(incident_ids))
        out: dict[str, str] = {}
        t = events.c
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                q = select(t.incident_id, t.data).where(
                    t.kind == "incident.reported", t.incident_id.in_(ids[i:i + 500]))
                for iid, data in conn.execute(q):
                    grid = json.loads(data).get("grid")
                    if isinstance(grid, str):
                        out[iid] = grid
        return out


def _range(first_seq: int, last_seq: int) -> Any:
    return (select(*_COLUMNS).where(events.c.seq >= first_seq, events.c.seq <= last_seq)
            .order_by(events.c.seq))
