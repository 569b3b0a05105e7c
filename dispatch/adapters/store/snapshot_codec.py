"""Snapshot encoding: the state as plain tuples, pickled in chunks and compressed.

Pickling the record dataclasses themselves costs a reconstruct call and a slot-by-slot
``setattr`` per record (1.4 s for a city-scale month); flattening each record to the tuple of
its fields, with repeated short strings shared so that pickle's memo stores them once, and
rebuilding with the positional constructor is about four times faster both ways.

The server writes snapshots on a background thread while its loop keeps serving. One
``pickle.dumps`` of a city's 26,000 units holds the interpreter lock for ~20 ms in a single C
call, and so stalls the loop (and every command round trip) that long. The current format
(``tuples2+zlib``) therefore pickles the records :data:`CHUNK` at a time, one pickle after the
other in one compressed stream, and lets other threads run between chunks. Snapshots written
in the former single-pickle format (``tuples1+zlib``) are still read.
"""

from __future__ import annotations

import dataclasses
import io
import operator
import pickle
import time
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from dispatch.domain.state import DispatchState, Incident, Note, UnitState

FORMAT = "tuples2+zlib"
FORMATS = (FORMAT, "tuples1+zlib")  # what decode_state reads
CHUNK = 2000  # records per pickle: ~1 ms of work between two chances for other threads
_INC_FIELDS = tuple(f.name for f in dataclasses.fields(Incident))
_UNIT_FIELDS = tuple(f.name for f in dataclasses.fields(UnitState))
assert _INC_FIELDS[-1] == "notes", "notes must stay the last incident field"
_inc_get = operator.attrgetter(*_INC_FIELDS)
_unit_get = operator.attrgetter(*_UNIT_FIELDS)


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
    incidents (tag ``"i"``) or units (``"u"``) as tuples of their fields."""
    shared: dict[str, str] = {}

    def share(v: Any) -> Any:
        return shared.setdefault(v, v) if type(v) is str and len(v) < 48 else v

    def incident_row(inc: Incident) -> tuple[Any, ...]:
        t = _inc_get(inc)
        notes = tuple((n.ts, share(n.operator), n.text) for n in t[-1])
        return (*map(share, t[:-1]), notes)

    def unit_row(u: UnitState) -> tuple[Any, ...]:
        return tuple(map(share, _unit_get(u)))

    z = zlib.compressobj(1)
    out = [z.compress(pickle.dumps((state.seq, state.ts, state.incident_counter,
                                    state.archived, _INC_FIELDS, _UNIT_FIELDS), protocol=5))]
    for tag, rows in (("i", map(incident_row, list(state.incidents.values()))),
                      ("u", map(unit_row, list(state.units.values())))):
        for chunk in _chunks(rows):
            out.append(z.compress(pickle.dumps((tag, chunk), protocol=5)))
            time.sleep(0)  # let the server's loop have the interpreter between chunks
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
    try:
        raw = zlib.decompress(blob)
        if fmt == FORMAT:
            stream = io.BytesIO(raw)
            seq, ts, counter, archived, inc_fields, unit_fields = _load(stream)
            end = len(raw)
            while stream.tell() < end:
                tag, chunk = _load(stream)
                (incidents if tag == "i" else units).extend(chunk)
        else:
            seq, ts, counter, archived, incidents, units, inc_fields, unit_fields = \
                _load(io.BytesIO(raw))
    except (zlib.error, pickle.UnpicklingError, EOFError, TypeError, ValueError,
            ImportError, AttributeError) as exc:
        # ImportError, AttributeError: it names a class (an enum of a record field) by a
        # module or name this version no longer has, e.g. written before a module moved.
        raise ValueError(f"snapshot cannot be read ({exc}); rebuild from events") from exc
    if tuple(inc_fields) != _INC_FIELDS or tuple(unit_fields) != _UNIT_FIELDS:
        raise ValueError("snapshot was written with other record fields; rebuild from events")
    inc_map: dict[str, Incident] = {}
    for t in incidents:
        notes = t[-1]
        inc_map[t[0]] = Incident(*t[:-1], tuple(Note(*n) for n in notes)  # type: ignore[call-arg]
                                 if notes else ())
    unit_map = {t[0]: UnitState(*t) for t in units}
    return DispatchState(incidents=inc_map, units=unit_map, seq=seq, ts=ts,
                         incident_counter=counter, archived=archived)
