"""Scripted scenarios against a real server: gas leak (警网融合) and rainstorm (积水内涝)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dispatch.domain import events as ev
from dispatch.domain.city.model import Level
from dispatch.domain.status import EscalationLevel, IncidentStatus, UnitStatus
from dispatch.sim import ScenarioError, Simulator, list_scenarios, load_scenario
from dispatch.sim.scenarios.loading import parse_scenario
from tests.integration.conftest import RunningServer
from tests.integration.test_sim_run import sim_config
from tests.typed_events import first_of, payloads_of


def test_gas_leak_scenario_runs_to_closure(server_factory: Callable[..., RunningServer],
                                           catalogue: Any) -> None:
    rs = server_factory(time_speed=600)
    stats = Simulator(sim_config(rs, scenario="gas_leak", scenario_only=True,
                                 duration_s=30.0)).run()
    state = rs.state_copy()  # every command of the run was answered: all in this state
    summary = stats.scenario
    assert summary["refused"] == 0, summary
    assert stats.errors == 0, summary
    assert len(state.incidents) == 1
    inc = state.incidents[summary["incidents"]["leak"]]
    assert inc.source == "grid_worker"
    assert catalogue.minor_of(inc.class_code).name_zh == "燃气泄漏"
    assert "燃气" in inc.description
    assert inc.grid.startswith("320505")
    assert inc.lead_department == "housing"
    assert {"police", "emergency", "fire", "traffic_police"} <= set(inc.assist_departments)
    assert len(inc.assist_departments) >= 3
    assert inc.escalations == 1
    assert inc.level == EscalationLevel.STREET  # 越级, by the shift lead
    assert {t.department: t.state for t in inc.tasks} == dict.fromkeys(
        ("housing", "police", "emergency", "fire", "traffic_police", "street_office"),
        "responded")
    assert len({t.responded_at for t in inc.tasks}) == 6  # each department on its own
    assert inc.status == IncidentStatus.CLOSED
    assert inc.close_reason == "fixed"
    assert inc.evaluation == 5
    assert inc.verified_at is not None

    store = rs.server.store
    assert store is not None
    events = list(store.read())
    kinds = Counter(e.kind for e in events if getattr(e.payload, "incident_id", None) == inc.id)
    for kind in ("incident.reported", "incident.registered", "incident.dispatched",
                 "incident.escalated", "incident.verified", "incident.closed"):
        assert kinds[kind] == 1, (kind, kinds)
    # each of the six departments signed, worked ("handle" with no department: all that had
    # signed) and fed back on its own
    assert kinds["incident.acknowledged"] == kinds["incident.handling_started"] == \
        kinds["incident.responded"] == 6, kinds
    assert first_of(ev.IncidentEscalated, events).payload.skipped
    dispatched = first_of(ev.IncidentDispatched, events).payload
    sent = set(dispatched.units)
    depts = {state.units[u].department for u in sent}
    assert {"police", "fire", "emergency", "traffic_police", "housing"} <= depts
    went = {(p.unit_id, p.status) for p in payloads_of(ev.UnitStatusChanged, events)}
    for u in sent:
        assert (u, "en_route") in went
        assert (u, "on_scene") in went
    assert all(state.units[u].status == UnitStatus.AVAILABLE for u in sent)


def test_rainstorm_floods_one_district_within_the_hour(
        server_factory: Callable[..., RunningServer], catalogue: Any, demo_city: Any) -> None:
    rs = server_factory(time_speed=1000)
    stats = Simulator(sim_config(rs, scenario="rainstorm", scenario_only=True,
                                 duration_s=30.0)).run()
    state = rs.state_copy()
    assert stats.scenario["surge_refused"] == 0
    assert stats.errors == 0
    district = sorted(r.code for r in demo_city.at_level(Level.DISTRICT))[0]
    floods = [i for i in state.incidents.values()
              if catalogue.minor_of(i.class_code).name_zh == "积水内涝"]
    assert len(floods) >= 200
    assert all(i.grid.startswith(district) for i in state.incidents.values())
    t0 = min(i.reported_at for i in floods)
    assert max(i.reported_at for i in floods) - t0 <= 3600.0
    sources = Counter(i.source for i in floods)
    assert {"grid_worker", "hotline", "sensor"} <= set(sources), sources
    sensors = [i for i in floods if i.source == "sensor"]
    assert all(demo_city.parts[i.part_id].part_type == "water_level_sensor"
               for i in sensors if i.part_id)
    assert any("积水" in i.description for i in floods)
    # the peak is a third of the way into the hour: more in the first half than the second
    first = sum(1 for i in floods if i.reported_at - t0 < 1800)
    assert first > len(floods) - first


def test_bundled_scenarios_load() -> None:
    assert {"gas_leak", "rainstorm"} <= set(list_scenarios())
    for name in list_scenarios():
        sc = load_scenario(name)
        assert sc.name == name
        assert sc.steps
        assert sc.title
    gas = load_scenario("gas_leak")
    assert [s.command for s in gas.steps][:3] == ["report", "register", "assign"]
    assert gas.steps[1].who == "lead"
    assert gas.steps[0].who == "field"


def test_scenario_file_by_path(tmp_path: Path) -> None:
    p = tmp_path / "mine.json"
    p.write_text(json.dumps({"name": "mine", "steps": [
        {"at": 5, "command": "note", "args": {"incident_id": "$incident", "text": "x"}},
        {"at": 0, "command": "report", "args": {"source": "hotline", "class_code": "050101",
                                                "position": "@near:120.62,31.30,50"}}]}),
        encoding="utf-8")
    sc = load_scenario(p)
    assert [s.command for s in sc.steps] == ["report", "note"]  # sorted by time


@pytest.mark.parametrize(("step", "message"), [
    ({"at": 0, "command": "fly", "args": {}}, "unknown command"),
    ({"at": -1, "command": "note", "args": {"incident_id": "E1", "text": "x"}}, "'at'"),
    ({"at": 0, "command": "note", "args": {"incident_id": "E1"}}, "needs text"),
    ({"at": 0, "command": "note", "args": {"incident_id": "E1", "text": "x", "y": 1}},
     "no argument"),
    ({"at": 0, "command": "note", "args": {"incident_id": "$incidnet", "text": "x"}},
     "unknown placeholder"),
    ({"at": 0, "command": "report", "args": {"source": "hotline", "class_code": "0501"}},
     "position"),
    ({"at": 0, "command": "report", "args": {"source": "pigeon", "class_code": "0501",
                                             "position": "$grid:0"}}, "source"),
    ({"at": 0, "command": "surge", "args": {"count": 0, "window": 10, "class": "x"}}, "count"),
    ({"at": 0, "command": "surge", "args": {"count": 5, "window": 10, "class": "x",
                                            "sources": {"pigeon": 1}}}, "sources"),
    ({"at": 0, "command": "assign", "as": "mayor", "args": {"incident_id": "E1"}}, "'as'"),
    ({"at": 0, "command": "note", "save": "x", "args": {"incident_id": "E1", "text": "x"}},
     "only report"),
])
def test_bad_scenarios_are_refused_with_the_step(step: dict[str, Any], message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as err:
        parse_scenario({"name": "bad", "steps": [step]}, origin="bad.json")
    assert "bad.json step 1" in str(err.value)


def test_unknown_scenario_name() -> None:
    with pytest.raises(ScenarioError, match="bundled"):
        load_scenario("no_such_thing")
