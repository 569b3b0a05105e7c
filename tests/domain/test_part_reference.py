"""An incident reported against a city part (部件): the report's optional ``part_id`` must name
a part of the city (else ``invalid``, nothing changed), travels in the event and the state,
comes back through the store and the wire, and a console's mirror finds a part's incidents."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from dispatch.adapters.bootstrap import open_engine
from dispatch.adapters.protocol.messages import build_command
from dispatch.adapters.store import EventStore
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.errors import InvalidCommand
from dispatch.domain.events import event_from_dict, event_to_dict
from dispatch.domain.projection import apply_all
from dispatch.domain.roles import Actor
from dispatch.domain.state import DispatchState
from dispatch.services.console_state import ConsoleState
from dispatch.services.replay import Replayer
from tests.conftest import FakeClock
from tests.domain.helpers import DISPATCHER, minor_with


def _part_report(engine: Any, part_id: str, text: str = "井盖缺失") -> cmd.ReportIncident:
    part = engine.city.parts[part_id] if part_id in engine.city.parts else \
        next(iter(engine.city.parts.values()))
    return cmd.ReportIncident("hotline", minor_with(engine.catalogue), part.lon, part.lat, text,
                              part_id=part_id)


def _reported(out: Any) -> ev.IncidentReported:
    payload = out.events[0].payload
    assert isinstance(payload, ev.IncidentReported)
    return payload


def test_a_report_names_a_part_of_the_city(engine: Any) -> None:
    pid = sorted(engine.city.parts)[0]
    reported = _reported(engine.execute(_part_report(engine, pid), DISPATCHER))
    assert reported.part_id == pid
    assert engine.state.incidents[reported.incident_id].part_id == pid
    # without a part, as every older client sends it
    plain = _reported(engine.execute(_part_report(engine, ""), DISPATCHER))
    assert engine.state.incidents[plain.incident_id].part_id == ""


@pytest.mark.parametrize("bad", ["P-camera-999999", "P-nothing-1", "320508001001001"])
def test_an_unknown_part_is_invalid_and_changes_nothing(engine: Any, bad: str) -> None:
    before = pickle.dumps(engine.state)
    with pytest.raises(InvalidCommand, match=r"^part id .* names no part of "):
        engine.execute(_part_report(engine, bad), DISPATCHER)
    assert pickle.dumps(engine.state) == before
    assert not engine.pending


def test_the_wire_takes_the_part_or_leaves_it_out() -> None:
    args = {"source": "hotline", "class_code": "0510", "lon": 120.6, "lat": 31.3,
            "description": "井盖缺失"}
    assert build_command("report", args).part_id == ""
    assert build_command("report", {**args, "part_id": "P-manhole_cover-3"}).part_id == \
        "P-manhole_cover-3"
    with pytest.raises(InvalidCommand):
        build_command("report", {**args, "part_id": 3})


def test_an_older_event_without_a_part_still_reads() -> None:
    payload = ev.IncidentReported("E000001", "hotline", "0510", "normal", 120.6, 31.3,
                                  "320508001001001", "井盖缺失", "", 100.0)
    d = event_to_dict(ev.Event(1, 10.0, "disp01", "ws", payload, "c1"))
    del d["data"]["part_id"]
    back = event_from_dict(d)
    assert isinstance(back.payload, ev.IncidentReported)
    assert back.payload.part_id == ""
    assert apply_all(DispatchState(), [back]).incidents["E000001"].part_id == ""


def test_replay_from_the_store_equals_live(tmp_path: Path, catalogue: Catalogue,
                                           demo_city: City) -> None:
    clock = FakeClock()
    store = EventStore(f"sqlite:///{tmp_path / 'events.sqlite'}")
    try:
        engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock)
        pids = sorted(demo_city.parts)[:5]
        for pid in pids + pids[:2]:
            clock.advance(60)
            engine.execute(_part_report(engine, pid), DISPATCHER)
        live = engine.state.copy()
        r = Replayer.from_store(store, since_ts=0)
        r.prepare()
        assert r.state_at(r.position_of_seq(live.seq)) == live
        assert sorted(i.part_id for i in live.incidents.values() if i.part_id) == \
            sorted(pids + pids[:2])
    finally:
        store.close()


def test_a_console_finds_the_incidents_of_a_part(engine: Any, clock: FakeClock) -> None:
    pid, other = sorted(engine.city.parts)[:2]
    ids = []
    for part in (pid, other, pid):
        clock.advance(60)
        ids.append(_reported(engine.execute(_part_report(engine, part), DISPATCHER)).incident_id)
    console = ConsoleState(engine.state, engine.catalogue, engine.city,
                           Actor("disp01", DISPATCHER.role), now=clock)
    assert [i.id for i in console.part_history(pid)] == [ids[2], ids[0]]  # newest first
    assert [i.id for i in console.part_history(other)] == [ids[1]]
    assert console.part_history("") == []
