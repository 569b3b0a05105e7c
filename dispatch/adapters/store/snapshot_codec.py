"""Snapshot encoding: the state as plain tuples, pickled in chunks and compressed.

Pickling the record dataclasses themselves costs a reconstruct call and a slot-by-slot
``setattr`` per record (1.4 s for a city-scale month); flattening each record to the tuple of
its fields (its codec's row: :class:`~dispatch.domain.codec.RecordCodec`), with repeated short
strings shared so that pickle's memo stores them once, and rebuilding with the positional
constructor is about four times faster both ways.

The server writes snapshots on a background thread while its loop keeps serving. One
``pickle.dumps`` of a city's 26,000 units holds the interpreter lock for ~20 ms in a single C
call, and so stalls the loop (and every command round trip) that long. The current format
(``tuples2+zlib``) therefore pickles the records :data:`CHUNK` at a time, one pickle after the
other in one compressed stream, and lets other threads run between chunks. Snapshots written
in the former single-pickle format (``tuples1+zlib``) are still read.
"""

from __future__ import annotations

import io
import pickle
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from dispatch.domain.codec import RecordCodec
from dispatch.domain.state import (
    INCIDENT_CODEC,
    UNIT_CODEC,
    DispatchState,
    Hazard,
    Incident,
    RunCard,
    UnitState,
)

FORMAT = "tuples2+zlib"
FORMATS = (FORMAT, "tuples1+zlib")  # what decode_state reads
CHUNK = 2000  # records per pickle: ~1 ms of work between two chances for other threads
_incidents_from_rows, _units_from_rows = INCIDENT_CODEC.from_rows, UNIT_CODEC.from_rows


def _chunks(records: Iterable[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for r in records:
        chunk.append(r)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def encode_state(state: DispatchState) -> bytes:
    """The state as one compressed blob: a header pickle, then one pickle per chunk of
    incidents (tag ``"i"``) or units (``"u"``) as tuples of their fields, callers'
    contacts (``"c"``: ``(incident id, phone)``; absent from snapshots written before), then
    the run cards (tag ``"r"``) and the hazards (tag ``"h"``), each absent when there are none
    (older snapshots read as having none)."""
    shared: dict[str, str] = {}

    def share(v: str) -> str:
        return shared.setdefault(v, v) if len(v) < 48 else v

    def rows(codec: RecordCodec[Any]) -> Callable[[Any], tuple[Any, ...]]:
        to_row = codec.to_row_sharing
        return lambda record: to_row(record, share)

    z = zlib.compressobj(1)
    # The header names every scalar of the state (tests/domain/test_codec.py fails if one is
    # added to DispatchState and not here).
    out = [z.compress(pickle.dumps((state.seq, state.ts, state.incident_counter,
                                    state.archived, INCIDENT_CODEC.names, UNIT_CODEC.names),
                                   protocol=5))]
    for tag, records in (("i", map(rows(INCIDENT_CODEC), list(state.incidents.values()))),
                         ("u", map(rows(UNIT_CODEC), list(state.units.values()))),
                         ("c", iter(list(state.contacts.items())))):
        for chunk in _chunks(records):
            out.append(z.compress(pickle.dumps((tag, chunk), protocol=5)))
            time.sleep(0)  # let the server's loop have the interpreter between chunks
    if state.run_cards:  # a few dozen: one chunk of (class, priority, lines)
        cards = [(c.class_code, c.priority, c.lines) for c in state.run_cards.values()]
        out.append(z.compress(pickle.dumps(("r", cards), protocol=5)))
    if state.hazards:  # tens to hundreds: one chunk of their fields in order
        hazards = [(h.id, h.kind, h.name, h.text, h.grid, h.lon, h.lat, h.radius_m)
                   for h in state.hazards.values()]
        out.append(z.compress(pickle.dumps(("h", hazards), protocol=5)))
    out.append(z.flush())
    return b"".join(out)


# Modules that held record enums before the core moved into layers: snapshots written then
# name them, and still decode.
_MOVED_MODULES = {
    "dispatch.status": "dispatch.domain.status",
    "dispatch.state": "dispatch.domain.state",
    "dispatch.events": "dispatch.domain.events",
    "dispatch.commands": "dispatch.domain.commands",
    "dispatch.catalogue.model": "dispatch.domain.catalogue.model",
    "dispatch.city.model": "dispatch.domain.city.model",
    "dispatch.city.levels": "dispatch.domain.city.levels",
}


class _Unpickler(pickle.Unpickler):
    """Reads only Gridline's own classes (the record enums), under their current or their
    former module names; anything else in a snapshot blob is refused."""

    def find_class(self, module: str, name: str) -> Any:
        module = _MOVED_MODULES.get(module, module)
        if not module.startswith("dispatch."):
            raise pickle.UnpicklingError(f"a snapshot may not name {module}.{name}")
        return super().find_class(module, name)


def _load(stream: io.BytesIO) -> Any:
    return _Unpickler(stream).load()


def decode_state(blob: bytes, fmt: str = FORMAT) -> DispatchState:
    """The state a blob of format ``fmt`` holds; ValueError if it cannot be read (written
    with other record fields: rebuild from the events)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown snapshot format {fmt!r}")
    incidents: list[tuple[Any, ...]] = []
    units: list[tuple[Any, ...]] = []
    contacts: list[tuple[str, str]] = []
    cards: list[tuple[Any, ...]] = []
    hazards: list[tuple[Any, ...]] = []
    try:
        raw = zlib.decompress(blob)
        if fmt == FORMAT:
            stream = io.BytesIO(raw)
            seq, ts, counter, archived, inc_fields, unit_fields = _load(stream)
            end = len(raw)
            while stream.tell() < end:
                tag, chunk = _load(stream)
                {"i": incidents, "u": units, "c": contacts, "r": cards, "h": hazards}[tag].extend(chunk)
        else:
            seq, ts, counter, archived, incidents, units, inc_fields, unit_fields = \
                _load(io.BytesIO(raw))
    except (zlib.error, pickle.UnpicklingError, EOFError, TypeError, ValueError,
            ImportError, AttributeError, KeyError) as exc:
        # ImportError, AttributeError: it names a class (an enum of a record field) by a
        # module or name this version no longer has, e.g. written before a module moved.
        raise ValueError(f"snapshot cannot be read ({exc}); rebuild from events") from exc
    if tuple(inc_fields) != INCIDENT_CODEC.names or tuple(unit_fields) != UNIT_CODEC.names:
        raise ValueError("snapshot was written with other record fields; rebuild from events")
    try:
        inc_map: dict[str, Incident] = {r.id: r for r in _incidents_from_rows(incidents)}
        unit_map: dict[str, UnitState] = {r.id: r for r in _units_from_rows(units)}
    except (TypeError, IndexError) as exc:  # a record inside a record (a note) changed shape
        raise ValueError(f"snapshot rows do not fit the records ({exc}); rebuild from events"
                         ) from exc
    try:
        card_map = {c.key: c for c in (RunCard(cls, prio, tuple(map(tuple, lines)))
                                        for cls, prio, lines in cards)}
    except (TypeError, ValueError) as exc:
        raise ValueError(f"snapshot run cards do not fit ({exc}); rebuild from events") from exc
    try:
        hazard_map = {h.id: h for h in (Hazard(*row) for row in hazards)}
    except TypeError as exc:
        raise ValueError(f"snapshot hazards do not fit ({exc}); rebuild from events") from exc
    return DispatchState(incidents=inc_map, units=unit_map, seq=seq, ts=ts,
                         incident_counter=counter, archived=archived,
                         contacts={str(k): str(v) for k, v in contacts}, run_cards=card_map, hazards=hazard_map)
