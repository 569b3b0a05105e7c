"""The state at an instant as the ``state_at`` query carries it (docs/PROTOCOL.md, "State at an
instant"): the records of a region scope in one compressed JSON block, plus the state's own
numbers.

Each record is written by its own codec (:mod:`dispatch.domain.codec`) in the shape the stored
snapshots use, a *row*: the array of its field values in field order (enums by value, a
record inside a record as the array of its fields), with the field names once per kind
beside them. A city's state is 55,000 records: rows are half the JSON of the feed's objects and
decode in half the time. A reader whose records have other fields (another version) reads
each row by the names it comes with: unknown fields are ignored, missing ones take their
defaults, as with the feed's bodies.

The server encodes with :func:`encode_state`, a client decodes with :func:`decode_state`;
both sides use this one module, so the shape cannot drift. Callers' phone numbers are never
encoded (they are not on the feed either).
"""

from __future__ import annotations

import base64
import zlib
from typing import Any

import orjson

from dispatch.domain.codec import RecordCodec
from dispatch.domain.state import (
    INCIDENT_CODEC,
    UNIT_CODEC,
    DispatchState,
    Hazard,
    RunCard,
)

ENCODING = "zlib+base64"
"""How ``records_z`` is written: the JSON block, zlib-compressed, then base64."""

RUN_CARD_CODEC = RecordCodec(RunCard)
HAZARD_CODEC = RecordCodec(Hazard)


def in_scope(grid: str, scope: str) -> bool:
    return not scope or grid.startswith(scope)


def scoped_copy(state: DispatchState, scope: str) -> DispatchState:
    """The state as an operator limited to ``scope`` may see it: its region's incidents (by
    grid), units (by home grid) and hazards (by grid), every run card, no callers' numbers;
    the records are shared with ``state``."""
    if not scope:
        out = state.with_records(dict(state.incidents), dict(state.units))
    else:
        out = state.with_records(
            {k: v for k, v in state.incidents.items() if v.grid.startswith(scope)},
            {k: v for k, v in state.units.items() if v.home_grid.startswith(scope)})
        out.hazards = {k: h for k, h in state.hazards.items() if h.grid.startswith(scope)}
    out.contacts = {}
    return out


KINDS: tuple[tuple[str, RecordCodec[Any]], ...] = (
    ("incidents", INCIDENT_CODEC), ("units", UNIT_CODEC), ("run_cards", RUN_CARD_CODEC),
    ("hazards", HAZARD_CODEC))
"""The record kinds of the block, by key, with their codecs."""


def records_block(state: DispatchState) -> bytes:
    """The records of ``state`` as one JSON object: for each kind of :data:`KINDS`, its rows
    (``"incidents": [[…], …]``) and its field names (``"incidents_fields": […]``)."""
    values: dict[str, dict[str, Any]] = {"incidents": state.incidents, "units": state.units,
              "run_cards": state.run_cards, "hazards": state.hazards}
    out: dict[str, Any] = {}
    for key, codec in KINDS:
        out[key] = list(map(codec.to_row, values[key].values()))
        out[key + "_fields"] = codec.names
    return orjson.dumps(out)


def _records(block: dict[str, Any], key: str, codec: RecordCodec[Any]) -> list[Any]:
    """The records of one kind: by position when the names are this version's, else by
    name (the checked path: defaults for missing fields, unknown ones ignored)."""
    rows = block.get(key, ())
    names = tuple(block.get(key + "_fields", ()))
    if names == codec.names:
        try:
            return codec.from_json_rows(rows)
        except (KeyError, IndexError, TypeError, ValueError):
            pass  # some row is not of this shape: each by name, checked
    return [codec.from_dict(dict(zip(names, row, strict=True))) for row in rows]


def encode_state(state: DispatchState, *, level: int = 1) -> dict[str, Any]:
    """The answer's fields for ``state`` (already limited to the caller's scope): ``ev``
    (the state's event sequence), ``ts``, ``incident_counter``, ``archived``, the record
    counts and ``records_z``."""
    block = records_block(state)
    return {"ev": state.seq, "ts": state.ts, "incident_counter": state.incident_counter,
            "archived": state.archived, "incidents": len(state.incidents),
            "units": len(state.units), "count": len(state.incidents) + len(state.units),
            "encoding": ENCODING, "raw_bytes": len(block),
            "records_z": base64.b64encode(zlib.compress(block, level)).decode("ascii")}


def decode_state(answer: dict[str, Any]) -> DispatchState:
    """The :class:`DispatchState` a ``state_at`` answer carries; ``ValueError`` for one
    that is not of this shape."""
    if answer.get("encoding") != ENCODING:
        raise ValueError(f"state_at: unknown encoding {answer.get('encoding')!r}")
    try:
        block = orjson.loads(zlib.decompress(base64.b64decode(answer["records_z"])))
        incidents = {i.id: i for i in _records(block, "incidents", INCIDENT_CODEC)}
        units = {u.id: u for u in _records(block, "units", UNIT_CODEC)}
        cards = _records(block, "run_cards", RUN_CARD_CODEC)
        hazards = _records(block, "hazards", HAZARD_CODEC)
        state = DispatchState(incidents=incidents, units=units, seq=int(answer["ev"]),
                              ts=float(answer["ts"]),
                              incident_counter=int(answer["incident_counter"]),
                              archived=int(answer["archived"]))
    except (KeyError, TypeError, ValueError, zlib.error) as exc:
        raise ValueError(f"state_at: malformed answer ({type(exc).__name__}: {exc})") from None
    state.run_cards = {c.key: c for c in cards}
    state.hazards = {h.id: h for h in hazards}
    return state
