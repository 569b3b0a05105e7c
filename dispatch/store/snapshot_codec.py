"""Snapshot encoding: the state as plain tuples, pickled and compressed.

Pickling the record dataclasses themselves costs a reconstruct call and a slot-by-slot
``setattr`` per record (1.4 s for a city-scale month); flattening each record to the tuple of
its fields, with repeated short strings shared so that pickle's memo stores them once, and
rebuilding with the positional constructor is about four times faster both ways.
"""

from __future__ import annotations

import dataclasses
import operator
import pickle
import zlib
from typing import Any

from dispatch.state import DispatchState, Incident, Note, UnitState

FORMAT = "tuples1+zlib"
_INC_FIELDS = tuple(f.name for f in dataclasses.fields(Incident))
_UNIT_FIELDS = tuple(f.name for f in dataclasses.fields(UnitState))
assert _INC_FIELDS[-1] == "notes", "notes must stay the last incident field"
_inc_get = operator.attrgetter(*_INC_FIELDS)
_unit_get = operator.attrgetter(*_UNIT_FIELDS)


def encode_state(state: DispatchState) -> bytes:
    shared: dict[str, str] = {}

    def share(v: Any) -> Any:
        return shared.setdefault(v, v) if type(v) is str and len(v) < 48 else v

    incidents = []
    for inc in state.incidents.values():
        t = _inc_get(inc)
        notes = tuple((n.ts, share(n.operator), n.text) for n in t[-1])
        incidents.append((*map(share, t[:-1]), notes))
    units = [tuple(map(share, _unit_get(u))) for u in state.units.values()]
    payload = (state.seq, state.ts, state.incident_counter, state.archived, incidents, units,
               _INC_FIELDS, _UNIT_FIELDS)
    return zlib.compress(pickle.dumps(payload, protocol=5), 1)


def decode_state(blob: bytes) -> DispatchState:
    seq, ts, counter, archived, incidents, units, inc_fields, unit_fields = pickle.loads(
        zlib.decompress(blob))
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
