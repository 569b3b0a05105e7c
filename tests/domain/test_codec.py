"""The record codecs (:mod:`dispatch.domain.codec`): every record type of the state and every
event payload type round-trips through each of its encodings (the feed's JSON, snapshot rows,
clones, the events table, the history query's dicts) with a value whose every field differs
from its default; a field added to a record reaches every encoding by itself; the wire bytes
stay those the hand-written encoders wrote."""

from __future__ import annotations

import dataclasses
import enum
import pickle
import types
import typing
from dataclasses import dataclass
from typing import Any

import orjson
import pytest

from dispatch.adapters.protocol.records import (
    apply_record,
    encode_incident,
    encode_unit,
    incident_key,
)
from dispatch.adapters.store.event_codec import decode_payload, event_rows
from dispatch.adapters.store.snapshot_codec import decode_state, encode_state
from dispatch.domain.codec import RecordCodec
from dispatch.domain.events import (
    PAYLOAD_CODECS,
    PAYLOAD_TYPES,
    Event,
    event_from_dict,
    event_to_dict,
    payload_from_dict,
    payload_to_dict,
    payload_to_json,
)
from dispatch.domain.media import Media
from dispatch.domain.state import (
    INCIDENT_CODEC,
    RECORD_CODECS,
    STATE_SCALARS,
    UNIT_CODEC,
    DispatchState,
    Incident,
    Note,
    UnitState,
)
from dispatch.domain.status import EscalationLevel, IncidentStatus, UnitStatus

# ---------------------------------------------------------------------- sample values


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _value(tp: Any, name: str, i: int, default: Any, none: bool) -> Any:
    """A value of type ``tp`` other than ``default`` (None for ``X | None`` if ``none``)."""
    origin = typing.get_origin(tp)
    if tp is str:
        return f"{name}·中文「值」{i}"
    if tp is bool:
        return default is not True
    if tp is int:
        return 100 + i
    if tp is float:
        return 1_795_000_000.25 + i
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        members = [m for m in tp if m != default]
        return members[i % len(members)]
    if origin in (typing.Union, types.UnionType):
        if none:
            return None
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
        return _value(inner, name, i, default, none)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], name, i + k, None, none) for k in range(2))
        return tuple(_value(a, name, i + k, None, none) for k, a in enumerate(args))
    if dataclasses.is_dataclass(tp):
        return sample(tp, i, none=none)  # type: ignore[arg-type]
    raise AssertionError(f"no sample for {tp!r}")


def sample(cls: type[Any], i: int = 0, *, none: bool = False) -> Any:
    """A ``cls`` whose every field differs from its default (optional ones None if
    ``none``), Chinese text in every text field, two items in every tuple."""
    hints = typing.get_type_hints(cls)
    kw = {}
    for k, f in enumerate(dataclasses.fields(cls)):
        kw[f.name] = value = _value(hints[f.name], f.name, i + k, _default(f), none)
        assert value != _default(f) or (none and value is None), f"{cls.__name__}.{f.name}"
    return cls(**kw)


RECORD_TYPES = sorted(RECORD_CODECS, key=lambda c: c.__name__)
PAYLOAD_KINDS = sorted(PAYLOAD_TYPES)


def _ids(c: type[Any]) -> str:
    return c.__name__


# ------------------------------------------------------------------------------ records


@pytest.mark.parametrize("none", [False, True], ids=["values", "nones"])
@pytest.mark.parametrize("cls", RECORD_TYPES, ids=_ids)
def test_every_record_round_trips_through_json(cls: type[Any], none: bool) -> None:
    codec = RECORD_CODECS[cls]
    record = sample(cls, none=none)
    body = codec.to_json(record)
    assert body == orjson.dumps(codec.to_dict(record))
    data = orjson.loads(body)
    assert list(data) == [f.name for f in dataclasses.fields(cls)]
    assert codec.from_json_dict(data) == record
    assert codec.from_dict(data) == record
    assert codec.from_dict(codec.to_dict(record)) == record


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=_ids)
def test_every_record_round_trips_through_a_row_and_a_clone(cls: type[Any]) -> None:
    codec = RECORD_CODECS[cls]
    record = sample(cls)
    row = codec.to_row(record)
    assert len(row) == len(dataclasses.fields(cls))
    assert codec.from_row(row) == record
    assert codec.from_row(pickle.loads(pickle.dumps(row, protocol=5))) == record
    assert codec.from_rows([row, row]) == [record, record]
    # through JSON (the state_at query's rows): enums as values, tuples as arrays
    assert codec.from_json_rows(orjson.loads(orjson.dumps([row, row]))) == [record, record]
    assert codec.to_row_sharing(record, str) == row
    clone = codec.clone(record)
    assert clone == record
    assert clone is not record
    assert type(clone) is cls


def test_records_round_trip_through_the_feed_into_a_mirror() -> None:
    inc, unit = sample(Incident), sample(UnitState, 3)
    mirror = DispatchState()
    for key, body in (encode_incident(inc), encode_unit(unit)):
        apply_record(mirror, key, body)
    assert mirror.incidents == {inc.id: inc}
    assert mirror.units == {unit.id: unit}
    apply_record(mirror, incident_key(inc), b"")
    assert mirror.incidents == {}


def _state(n: int) -> DispatchState:
    """A state with sampled records and every scalar (seq, ts, counters) off its default."""
    state = DispatchState()
    defaults = DispatchState()
    for name in STATE_SCALARS:
        value = getattr(defaults, name)
        setattr(state, name, type(value)(value + 17))
    for i in range(n):
        inc = sample(Incident, i, none=bool(i % 2))
        state.incidents[inc.id] = inc
        unit = sample(UnitState, i)
        state.units[unit.id] = unit
    return state


def test_a_snapshot_keeps_every_record_field_and_every_scalar() -> None:
    state = _state(6)
    back = decode_state(encode_state(state))
    assert back == state
    assert back.scalars() == state.scalars()


def test_state_copy_is_equal_and_shares_no_record() -> None:
    state = _state(4)
    copy = state.copy()
    assert copy == state
    assert copy.scalars() == state.scalars()
    for a, b in ((copy.incidents, state.incidents), (copy.units, state.units)):
        assert a is not b
        assert all(a[k] is not b[k] for k in b)


# ------------------------------------------------------------------------------- events


@pytest.mark.parametrize("kind", PAYLOAD_KINDS)
def test_every_event_kind_round_trips(kind: str) -> None:
    cls = PAYLOAD_TYPES[kind]
    payload = sample(cls)
    assert list(payload_to_dict(payload)) == [f.name for f in dataclasses.fields(cls)]
    # the events table
    assert decode_payload(9, kind, payload_to_json(payload)) == payload
    event = Event(9, 1_795_000_000.5, "调度员01", "ws-01", payload, command_id="cmd-中文")
    (row,) = event_rows([event])
    assert decode_payload(row["seq"], row["kind"], row["data"]) == payload
    # the history query's dicts, through JSON
    assert event_from_dict(orjson.loads(orjson.dumps(event_to_dict(event)))) == event
    assert payload_from_dict(kind, orjson.loads(payload_to_json(payload))) == payload


def test_the_event_envelope_carries_every_event_field() -> None:
    d = event_to_dict(Event(1, 2.0, "op", "ws", sample(PAYLOAD_TYPES[PAYLOAD_KINDS[0]]), "c"))
    assert {f.name for f in dataclasses.fields(Event)} - {"payload"} <= set(d)
    assert "data" in d


def test_a_payload_with_an_unknown_key_is_refused() -> None:
    kind = PAYLOAD_KINDS[0]
    data = orjson.loads(payload_to_json(sample(PAYLOAD_TYPES[kind])))
    data["surprise"] = 1
    with pytest.raises(ValueError, match="surprise"):
        payload_from_dict(kind, data)


# ---------------------------------------------------- new fields, shapes, the wire bytes


@dataclass(slots=True)
class IncidentWithMore(Incident):
    """An incident as a later version might have it: a field of each kind added."""

    tag: str = ""
    weight: float = 0.0
    unit_status: UnitStatus = UnitStatus.AVAILABLE
    previous_level: EscalationLevel | None = None
    follow_ups: tuple[Note, ...] = ()
    pairs: tuple[tuple[str, int], ...] = ()


@dataclass(slots=True)
class UnitWithMore(UnitState):
    last_note: Note | None = None
    crew: tuple[str, ...] = ()


@pytest.mark.parametrize("cls", [IncidentWithMore, UnitWithMore], ids=_ids)
def test_a_field_added_to_a_record_reaches_every_encoding(cls: type[Any]) -> None:
    codec: RecordCodec[Any] = RecordCodec(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    base = RECORD_CODECS[cls.__mro__[1]]
    assert len(names) > len(base.names)
    record = sample(cls, 5)
    assert list(orjson.loads(codec.to_json(record))) == names
    assert list(codec.to_dict(record)) == names
    assert codec.from_json_dict(orjson.loads(codec.to_json(record))) == record
    assert codec.from_dict(orjson.loads(codec.to_json(record))) == record
    assert len(codec.to_row(record)) == len(names)
    assert codec.from_row(codec.to_row(record)) == record
    assert codec.from_rows([codec.to_row(record)]) == [record]
    assert codec.from_json_rows(orjson.loads(orjson.dumps([codec.to_row(record)]))) == [record]
    assert codec.clone(record) == record


@pytest.mark.parametrize("codec", [*RECORD_CODECS.values(), *PAYLOAD_CODECS.values()],
                         ids=lambda c: c.cls.__name__)
def test_every_codec_encodes_exactly_the_fields(codec: RecordCodec[Any]) -> None:
    names = [f.name for f in dataclasses.fields(codec.cls)]
    record = sample(codec.cls)
    assert list(codec.names) == names
    assert list(codec.to_dict(record)) == names
    assert len(codec.to_row(record)) == len(names)


@pytest.mark.parametrize("annotation", [list[str], dict[str, int], int | str, set[str]],
                         ids=str)
def test_a_field_type_without_a_plan_is_refused_when_the_codec_is_made(annotation: Any
                                                                       ) -> None:
    cls = dataclasses.make_dataclass("Odd", [("id", str), ("odd", annotation)])
    with pytest.raises(TypeError, match="no plan"):
        RecordCodec(cls)


def test_a_partial_body_takes_the_defaults_and_a_bad_value_is_refused() -> None:
    data = {"id": "U-1", "department": "fire", "unit_type": "engine", "name": "消防1",
            "home_grid": "320508001001001", "lon": 120.5, "lat": 31.25}
    assert UNIT_CODEC.from_json_dict(data) == UnitState("U-1", "fire", "engine", "消防1", "320508001001001", 120.5, 31.25)
    with pytest.raises(ValueError, match="on_fire"):
        UNIT_CODEC.from_json_dict({**data, "status": "on_fire", "status_since": 0.0,
                                   "incident_id": "", "version": 0})
    body = orjson.loads(encode_incident(sample(Incident))[1])
    assert INCIDENT_CODEC.from_json_dict({**body, "newer_field": 1}) == sample(Incident)


# The bodies the hand-written encoders wrote for these two records, byte for byte: stored
# snapshots and clients of earlier versions read exactly this.
_INCIDENT = Incident(
    "E000123", "hotline", "0101", "urgent", 120.61234567, 31.3123456, "320508001002003",
    "井盖缺失，\"危险\"", "市民张三", 1_795_000_000.5, 1_795_000_900.0,
    status=IncidentStatus.PARKED, version=42, external_ref="12345-678", part_id="P-9",
    level=EscalationLevel.STREET, lead_department="城管", assist_departments=("水务", "交警"),
    units=("U-1", "U-2"), supervised=True, extension_minutes=30, extensions_granted=1,
    parked_from=IncidentStatus.HANDLING, parked_at=1_795_001_000.0,
    registered_at=1_795_000_010.0, dispatched_at=1_795_000_020.0,
    acknowledged_at=1_795_000_030.0, responded_at=None, verified_at=None, closed_at=None,
    ack_due=1_795_000_600.0, handle_due=1_795_090_000.0, verify_due=None, close_reason="",
    duplicate_of="E000100", duplicates=("E000130",), rework_count=1, returns=2, escalations=3,
    evaluation=None, clock=(("handle", "near_due"), ("acknowledge", "overdue")),
    notes=(Note(1_795_000_011.0, "disp1", "已派遣"), Note(1_795_000_031.25, "field", "到场处理")),
    media=(Media("ab" * 16, "report", "ab" * 32, "image/jpeg", 1234, 640, 480, 1_795_000_001.5,
                 "gw1", 1_795_000_000.0, 120.6123, 31.3123),))
_INCIDENT_BODY = (
    '{"id":"E000123","source":"hotline","class_code":"0101","priority":"urgent",'
    '"lon":120.61234567,"lat":31.3123456,"grid":"320508001002003",'
    '"description":"井盖缺失，\\"危险\\"","reporter":"市民张三","reported_at":1795000000.5,'
    '"dispatch_due":1795000900.0,"status":"parked","version":42,"external_ref":"12345-678",'
    '"part_id":"P-9","level":2,"lead_department":"城管","assist_departments":["水务","交警"],'
    '"units":["U-1","U-2"],"supervised":true,"extension_minutes":30,"extensions_granted":1,'
    '"parked_from":"handling","parked_at":1795001000.0,"registered_at":1795000010.0,'
    '"dispatched_at":1795000020.0,"acknowledged_at":1795000030.0,"responded_at":null,'
    '"verified_at":null,"closed_at":null,"ack_due":1795000600.0,"handle_due":1795090000.0,'
    '"verify_due":null,"close_reason":"","duplicate_of":"E000100","duplicates":["E000130"],'
    '"rework_count":1,"returns":2,"escalations":3,"evaluation":null,'
    '"clock":[["handle","near_due"],["acknowledge","overdue"]],'
    '"notes":[[1795000011.0,"disp1","已派遣"],[1795000031.25,"field","到场处理"]],'
    '"tasks":[],'
    '"media":[["abababababababababababababababab","report",'
    '"abababababababababababababababababababababababababababababababab","image/jpeg",1234,640,'
    '480,1795000001.5,"gw1",1795000000.0,120.6123,31.3123]],'
    '"callback_due":null,"callback_result":"","called_back_at":null,"urges":0,'
    '"last_urged_at":null,"urge_rules":[],"reopen_count":0,"whistled_at":null,'
    '"whistled_by":"","whistle_level":"","whistle_region":"","whistle_reason":"",'
    '"summoned":[],"reported_by":"","registered_by":"","dispatched_by":"","verified_by":"",'
    '"closed_by":"","sent_units":[]}'
).encode()
_UNIT = UnitState("U-fire-7", "fire", "engine", "消防7", "320508001001001", 120.61234567,
                  31.3123456, UnitStatus.ON_SCENE, 1_700_000_000.125, "E000042", 17)
_UNIT_BODY = (
    '{"id":"U-fire-7","department":"fire","unit_type":"engine","name":"消防7",'
    '"home_grid":"320508001001001","lon":120.61234567,"lat":31.3123456,"status":"on_scene",'
    '"status_since":1700000000.125,"incident_id":"E000042","version":17}'
).encode()


def test_the_wire_bodies_are_byte_for_byte_those_of_before() -> None:
    assert encode_incident(_INCIDENT) == ("/320508/001/002/003/inc/E000123", _INCIDENT_BODY)
    assert encode_unit(_UNIT) == ("/320508/001/001/001/unit/U-fire-7", _UNIT_BODY)
    assert INCIDENT_CODEC.from_json_dict(orjson.loads(_INCIDENT_BODY)) == _INCIDENT
    assert UNIT_CODEC.from_json_dict(orjson.loads(_UNIT_BODY)) == _UNIT
