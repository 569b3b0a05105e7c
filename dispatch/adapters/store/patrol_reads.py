"""The patrol read model (table ``patrol_days``): per unit and local day, the number of
position reports, the latest one and the cells they visited
(:mod:`dispatch.domain.patrol_days`, :mod:`dispatch.domain.patrol_raster`), so that the grid
workers' patrol coverage of a month is a union of stored sets instead of a month of events
buffered with GEOS.

The engine hands the store a batch's position reports right after the batch is stored
(:meth:`PatrolReads.save_patrol`); the rows they touch and the model's high-water mark
(``meta.patrol_seq``, the sequence of the last event taken in) change in one transaction,
and events at or below the mark are never taken in twice. A model behind the events (a
failed write, a stop between the two writes, a store older than the table) is caught up at
start (:func:`dispatch.services.patrol.catch_up_patrol`); one written with another raster
or stored in another encoding (``meta.patrol_format``: :data:`STORED_FORMAT`) is cleared and
rebuilt.
The cells are stored compactly (:func:`encode_cells`): the first code, then each code's
offset from it as an int32 (a day's cells lie within a few kilometres), or all int64 codes
when a day spans more.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from dispatch.adapters.store.event_codec import decode_payload
from dispatch.adapters.store.replay_reads import raw_rows
from dispatch.adapters.store.schema import events, meta, patrol_days
from dispatch.domain.events import UnitsMoved
from dispatch.domain.patrol_days import DayKey, PatrolDay, Report, advance, day_keys
from dispatch.domain.patrol_raster import FORMAT, Cells
from dispatch.services.ports import StoreError

_INT32, _INT64 = b"\x04", b"\x08"
STORED_FORMAT = FORMAT + ":base+int32"
"""The raster (cell size, buffer, gap) and the stored encoding: another one is rebuilt."""
MARK = "patrol_seq"
FORMAT_KEY = "patrol_format"
_CHUNK = 500


def encode_cells(cells: Cells) -> bytes:
    """Sorted distinct codes as stored: ``04`` + the first code (int64) + the offsets of all
    from it (int32), or ``08`` + the int64 codes when an offset does not fit."""
    if not len(cells):
        return _INT64
    base = int(cells[0])
    off = cells - base
    if int(off[-1]) < 2**31:
        return _INT32 + cells[:1].tobytes() + off.astype(np.int32).tobytes()
    return _INT64 + cells.tobytes()


def decode_cells(blob: bytes) -> Cells:
    if blob[:1] == _INT32:
        base = np.frombuffer(blob, dtype=np.int64, count=1, offset=1)[0]
        return np.frombuffer(blob, dtype=np.int32, offset=9).astype(np.int64) + base
    return np.frombuffer(blob, dtype=np.int64, offset=1)


def _day(row: Sequence[Any]) -> PatrolDay:
    uid, day, points, lt, lx, ly, cells = row
    return PatrolDay(str(uid), float(day), int(points), (float(lt), float(lx), float(ly)),
                     decode_cells(bytes(cells)))


def _set_meta(conn: Connection, key: str, value: str) -> None:
    old = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
    if old is None:
        conn.execute(insert(meta).values(key=key, value=value))
    elif old != value:
        conn.execute(meta.update().where(meta.c.key == key).values(value=value))


class PatrolReads:
    """The patrol read model's reads and writes on ``self.engine`` (mixed into
    ``EventStore``): the services' :class:`~dispatch.services.ports.PatrolLog`."""

    engine: Engine

    def _stored_days(self, conn: Connection, keys: set[DayKey]) -> dict[DayKey, PatrolDay]:
        t = patrol_days.c
        by_day: dict[float, list[str]] = {}
        for uid, day in keys:
            by_day.setdefault(day, []).append(uid)
        out: dict[DayKey, PatrolDay] = {}
        for day, uids in by_day.items():
            for i in range(0, len(uids), _CHUNK):
                q = select(t.unit_id, t.day, t.points, t.last_ts, t.last_lon, t.last_lat,
                           t.cells).where(t.day == day, t.unit_id.in_(uids[i:i + _CHUNK]))
                for row in conn.execute(q):
                    d = _day(tuple(row))
                    out[d.key] = d
        return out

    def save_patrol(self, first_seq: int, last_seq: int,
                    reports: Sequence[tuple[int, Report]]) -> int:
        """Take in the position reports ``(event sequence, (ts, unit, lon, lat))`` of the
        events ``first_seq`` … ``last_seq`` (in log order; those at or below the mark are
        left out, those of events between the mark and ``first_seq`` read from the log
        first) and move the mark to ``last_seq``, in one transaction; the number of reports
        taken in."""
        done = self.patrol_seq()
        if last_seq <= done:
            return 0
        if done < first_seq - 1:  # an earlier write failed: take its events in first
            reports = [*self.position_reports_after(done, first_seq - 1), *reports]
        fresh = [r for seq, r in reports if seq > done]
        try:
            with self.engine.begin() as conn:
                if fresh:
                    stored = self._stored_days(conn, set(day_keys(fresh)))
                    days = advance(stored, fresh)
                    t = patrol_days.c
                    for day in {d.day for d in days}:
                        uids = [d.unit_id for d in days if d.day == day and d.key in stored]
                        for i in range(0, len(uids), _CHUNK):
                            conn.execute(delete(patrol_days).where(
                                t.day == day, t.unit_id.in_(uids[i:i + _CHUNK])))
                    conn.execute(insert(patrol_days), [
                        {"unit_id": d.unit_id, "day": d.day, "points": d.points,
                         "last_ts": d.last[0], "last_lon": d.last[1], "last_lat": d.last[2],
                         "cells": encode_cells(d.cells)} for d in days])
                _set_meta(conn, MARK, str(last_seq))
                _set_meta(conn, FORMAT_KEY, STORED_FORMAT)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not store the patrol of events ..{last_seq}: "
                             f"{str(exc).splitlines()[0]}") from exc
        return len(fresh)

    def patrol_seq(self) -> int:
        """The sequence of the last event the model has taken in (0: none)."""
        with self.engine.connect() as conn:
            v = conn.execute(select(meta.c.value).where(meta.c.key == MARK)).scalar()
        return int(v) if v is not None else 0

    def patrol_outdated(self) -> bool:
        """True when the stored cells were made with another raster than this version's."""
        with self.engine.connect() as conn:
            fmt = conn.execute(select(meta.c.value).where(meta.c.key == FORMAT_KEY)).scalar()
            if fmt is None:
                return bool(conn.execute(select(func.count())
                                         .select_from(patrol_days)).scalar_one())
        return fmt != STORED_FORMAT

    def clear_patrol(self) -> None:
        """Empty the model (rows, mark and format) for a rebuild from the events."""
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(patrol_days))
                conn.execute(delete(meta).where(meta.c.key.in_((MARK, FORMAT_KEY))))
        except SQLAlchemyError as exc:
            raise StoreError(f"could not clear the patrol read model: "
                             f"{str(exc).splitlines()[0]}") from exc

    def position_reports_after(self, after_seq: int, to_seq: int | None = None
                               ) -> list[tuple[int, Report]]:
        """``(event sequence, (ts, unit, lon, lat))`` of the position reports of the events
        after ``after_seq`` (up to ``to_seq``), in log order."""
        t = events.c
        q = (select(t.seq, t.ts, t.kind, t.data)
             .where(t.kind == UnitsMoved.KIND, t.seq > after_seq).order_by(t.seq))
        if to_seq is not None:
            q = q.where(t.seq <= to_seq)
        out: list[tuple[int, Report]] = []
        for seq, ts, kind, data in raw_rows(self.engine, q, 5000):
            p = decode_payload(seq, kind, data)
            out.extend((seq, (ts, uid, lon, lat)) for uid, lon, lat in p.rows)
        return out

    def patrol_between(self, first_day: float, end_day: float,
                       units: set[str] | None = None) -> Iterator[PatrolDay]:
        """The stored days from ``first_day`` (included) to ``end_day`` (excluded), of
        ``units`` (all: None)."""
        t = patrol_days.c
        q = select(t.unit_id, t.day, t.points, t.last_ts, t.last_lon, t.last_lat, t.cells) \
            .where(t.day >= first_day, t.day < end_day)
        if units is None:
            for row in raw_rows(self.engine, q, 10000):
                yield _day(row)
            return
        ids = sorted(units)
        for i in range(0, len(ids), _CHUNK):
            for row in raw_rows(self.engine, q.where(t.unit_id.in_(ids[i:i + _CHUNK])), 10000):
                yield _day(row)

    def patrol_horizon(self) -> float | None:
        """The instant of the last event the model has taken in (None: none): every report
        before it is in the model."""
        mark = self.patrol_seq()
        if not mark:
            return None
        with self.engine.connect() as conn:
            ts = conn.execute(select(events.c.ts).where(events.c.seq == mark)).scalar()
        return None if ts is None else float(ts)

    def patrol_days_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(patrol_days))
                       .scalar_one())
