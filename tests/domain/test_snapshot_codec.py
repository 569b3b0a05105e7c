"""Snapshot codec: chunked pickles round-trip, the former format is still read, a damaged
blob is refused with ValueError (the store then falls back to an earlier snapshot or the
events)."""

from __future__ import annotations

import pickle
import zlib
from typing import Any

import pytest

from dispatch.adapters.store import snapshot_codec
from dispatch.adapters.store.snapshot_codec import FORMAT, decode_state, encode_state
from dispatch.domain.state import (
    INCIDENT_CODEC,
    MEDIA_CODEC,
    TASK_CODEC,
    UNIT_CODEC,
    DepartmentTask,
    DispatchState,
    Incident,
    Note,
    UnitState,
)
from dispatch.domain.status import IncidentStatus, TaskRole, TaskState, UnitStatus


def _state(units: int, incidents: int) -> DispatchState:
    s = DispatchState(seq=42, ts=1_793_721_600.0, incident_counter=incidents, archived=3)
    for i in range(units):
        s.units[f"U{i:05d}"] = UnitState(id=f"U{i:05d}", department="city_mgmt",
                                         unit_type="patrol", name=f"巡查{i}",
                                         home_grid="110101001001001", lon=116.4 + i * 1e-6,
                                         lat=39.9, status=UnitStatus.ON_SCENE if i % 3
                                         else UnitStatus.AVAILABLE)
    for i in range(incidents):
        s.incidents[f"I{i:05d}"] = Incident(
            id=f"I{i:05d}", source="hotline", class_code="0101", priority="urgent",
            lon=116.4, lat=39.9, grid="110101001001001", description="井盖缺失",
            reporter="12345", reported_at=1_793_721_600.0 + i,
            dispatch_due=1_793_722_500.0 + i, status=IncidentStatus.REGISTERED,
            notes=(Note(1_793_721_601.0, "disp", "井盖缺失"),) if i % 2 else (),
            tasks=() if i % 3 else (
                DepartmentTask("city_mgmt", TaskRole.LEAD, TaskState.ACKNOWLEDGED, 1.0e9, 1.1e9,
                               1.2e9, 1.05e9, clock=(("handle", "near_due"),)),
                DepartmentTask("fire", TaskRole.ASSIST, TaskState.RELEASED, 1.0e9,
                               released_at=1.3e9)))
    return s


def test_round_trip_over_several_chunks() -> None:
    state = _state(2 * snapshot_codec.CHUNK + 7, snapshot_codec.CHUNK + 1)
    assert decode_state(encode_state(state), FORMAT) == state


def test_empty_state_round_trips() -> None:
    assert decode_state(encode_state(DispatchState())) == DispatchState()


def test_former_single_pickle_format_is_read() -> None:
    state = _state(10, 4)
    # rows as that format wrote them: the fields in order, the notes as (ts, operator, text),
    # the departments' tasks and the photos as the tuples of their fields
    nested: dict[str, Any] = {
        "notes": lambda i: tuple((n.ts, n.operator, n.text) for n in i.notes),
        "tasks": lambda i: tuple(TASK_CODEC.to_row(t) for t in i.tasks),
        "media": lambda i: tuple(MEDIA_CODEC.to_row(m) for m in i.media)}
    incidents = [tuple(nested[n](i) if n in nested else getattr(i, n)
                       for n in INCIDENT_CODEC.names)
                 for i in state.incidents.values()]
    units = [tuple(getattr(u, n) for n in UNIT_CODEC.names) for u in state.units.values()]
    blob = zlib.compress(pickle.dumps(
        (state.seq, state.ts, state.incident_counter, state.archived, incidents, units,
         INCIDENT_CODEC.names, UNIT_CODEC.names), protocol=5), 1)
    assert decode_state(blob, "tuples1+zlib") == state


@pytest.mark.parametrize("blob", [b"", b"not zlib", zlib.compress(b"not a pickle"),
                                  encode_state(_state(5, 5))[:-40]])
def test_damaged_blob_is_refused_with_value_error(blob: bytes) -> None:
    with pytest.raises(ValueError, match="snapshot"):
        decode_state(blob)


@pytest.mark.parametrize(("old", "new"), [(b"dispatch.domain.status", b"dispatch.domain.statux"),
                                          (b"IncidentStatus", b"IncidentStatuz")])
def test_snapshot_naming_a_class_that_moved_is_refused_with_value_error(old: bytes,
                                                                       new: bytes) -> None:
    """A snapshot written before a module or enum moved (the records' enums are pickled by
    module and name) is refused as unreadable, so the store passes it over for the events."""
    raw = zlib.decompress(encode_state(_state(3, 3)))
    assert old in raw
    assert len(old) == len(new)
    with pytest.raises(ValueError, match="snapshot cannot be read"):
        decode_state(zlib.compress(raw.replace(old, new)))


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format"):
        decode_state(encode_state(_state(1, 0)), "json")


def test_a_snapshot_written_before_the_layers_still_decodes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots stored before the core moved into layers name the record enums by their
    former module (``dispatch.status``); they decode to the same state."""
    import sys

    from dispatch.domain import status

    state = _state(3, 3)
    monkeypatch.setitem(sys.modules, "dispatch.status", status)
    for enum in (status.IncidentStatus, status.UnitStatus, status.EscalationLevel):
        monkeypatch.setattr(enum, "__module__", "dispatch.status")
    blob = encode_state(state)  # as the former version wrote it
    monkeypatch.undo()
    assert b"dispatch.status" in zlib.decompress(blob)
    back = decode_state(blob)
    assert back.incidents == state.incidents
    assert back.units == state.units


def test_a_snapshot_naming_a_foreign_class_is_refused() -> None:
    raw = zlib.decompress(encode_state(_state(1, 1)))
    evil = raw.replace(b"dispatch.domain.status", b"multiprocessing.queues")  # same length
    with pytest.raises(ValueError, match=r"may not name multiprocessing\.queues"):
        decode_state(zlib.compress(evil))
