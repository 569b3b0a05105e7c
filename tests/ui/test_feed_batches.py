"""The feed worker's batches: the records that changed, shared with the mirror (which replaces
a record on every update and never changes one in place), and after a resync the whole state
in dictionaries of its own."""

from __future__ import annotations

import dataclasses

import pytest

from console.network import FeedWorker
from dispatch.adapters.client.mirror import Changes
from dispatch.adapters.protocol.records import (
    apply_record,
    encode_incident,
    encode_unit,
    incident_key,
)
from dispatch.domain.state import DispatchState, Incident, UnitState
from dispatch.domain.status import IncidentStatus, UnitStatus

pytestmark = pytest.mark.ui


def _unit(uid: str = "U-police-1", lon: float = 120.60) -> UnitState:
    return UnitState(uid, "police", "patrol_car", "巡逻车 1", "320508001002003", lon, 31.30,
                     UnitStatus.AVAILABLE, 100.0, "", 1)


def _incident(iid: str = "E000001") -> Incident:
    return Incident(iid, "hotline", "0101", "normal", 120.6, 31.3, "320508001002003",
                    "路灯不亮", "12345", 50.0, 1850.0, IncidentStatus.REGISTERED, 1)


def _mirror(*records: UnitState | Incident) -> DispatchState:
    state = DispatchState()
    for r in records:
        key, body = encode_unit(r) if isinstance(r, UnitState) else encode_incident(r)
        apply_record(state, key, body)
    state.take_changes()
    return state


def test_a_batch_hands_over_the_mirrors_records_and_updates_replace_them() -> None:
    state = _mirror(_unit())
    batch = FeedWorker._batch(state, Changes(units={"U-police-1"}))
    held = batch.units["U-police-1"]
    assert held is state.units["U-police-1"]  # no copy

    # The next position report decodes a new record: the one the GUI thread holds stays put.
    apply_record(state, *encode_unit(dataclasses.replace(_unit(), lon=120.70, version=2)))
    assert held is not None
    assert held.lon == 120.60
    assert held.version == 1
    assert state.units["U-police-1"].lon == 120.70


def test_a_record_gone_from_the_mirror_is_listed_as_gone() -> None:
    inc = _incident()
    state = _mirror(inc, _unit())
    apply_record(state, incident_key(inc), b"")
    batch = FeedWorker._batch(state, Changes(incidents={inc.id}, units={"U-police-1"}))
    assert batch.full is None
    assert batch.incidents == {}
    assert batch.gone_incidents == [inc.id]
    assert batch.units == {"U-police-1": state.units["U-police-1"]}
    assert batch.gone_units == []


def test_a_resync_batch_has_dictionaries_of_its_own() -> None:
    state = _mirror(_incident(), _unit())
    state.seq, state.ts, state.incident_counter, state.archived = 41, 1234.5, 7, 3
    batch = FeedWorker._batch(state, Changes(resynced=True))
    full = batch.full
    assert full is not None
    assert full == state  # every record, sequence, time and counter
    assert full.units is not state.units
    assert full.incidents is not state.incidents

    # The mirror goes on: the GUI thread's copy of the state does not change under it.
    apply_record(state, *encode_unit(_unit("U-police-2")))
    apply_record(state, incident_key(_incident()), b"")
    assert set(full.units) == {"U-police-1"}
    assert set(full.incidents) == {"E000001"}
