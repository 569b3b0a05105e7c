"""The citizen's loop: call-back after closure (回访), reopening (重办), repeat calls (催办) and
their rule, deadline profiles."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dispatch.adapters.deadline_profiles import (
    ProfileError,
    load_profile,
    load_profiles,
    parse_profiles,
)
from dispatch.adapters.rules_file import load_rules, parse_rules
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain.catalogue.calendar import due_at
from dispatch.domain.catalogue.model import LimitUnit, Priority, TimeLimit
from dispatch.domain.citizen_loop import awaiting_callback
from dispatch.domain.errors import Conflict, Forbidden, InvalidCommand
from dispatch.domain.roles import SYSTEM_ACTOR
from dispatch.domain.rules import RuleError, evaluate
from dispatch.domain.status import IncidentStatus
from dispatch.services.engine import DispatchEngine
from tests.conftest import FakeClock
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, WALL, report
from tests.domain.test_workflow import unchanged

S = IncidentStatus


def closed_case(engine: DispatchEngine, source: str = "hotline", **kw: Any) -> str:
    """A case reported from ``source``, worked through and closed as fixed."""
    iid = report(engine, source=source, **kw)
    engine.execute(cmd.AssignUnits(iid), DISPATCHER)
    for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已处置"),
              cmd.Verify(iid, True, "已核实")):
        engine.execute(c, FIELD)
    engine.execute(cmd.CloseIncident(iid, "fixed"), DISPATCHER)
    return iid


def test_closing_a_hotline_case_makes_a_callback_due(engine: DispatchEngine,
                                                     clock: FakeClock) -> None:
    iid = closed_case(engine)
    inc = engine.state.incidents[iid]
    assert inc.status == S.CLOSED
    assert inc.callback_due == due_at(clock.t, TimeLimit(2, LimitUnit.WORKING_DAYS),
                                      engine.catalogue.calendar)
    assert awaiting_callback(inc)
    out = engine.execute(cmd.Callback(iid, "satisfied", "市民表示满意"), DISPATCHER)
    assert [type(e.payload) for e in out.events] == [ev.IncidentCalledBack]
    assert inc.callback_result == "satisfied"
    assert inc.called_back_at == clock.t
    assert not awaiting_callback(inc)
    assert inc.status == S.CLOSED


def test_no_callback_for_other_sources_or_duplicates(engine: DispatchEngine) -> None:
    iid = closed_case(engine, source="grid_worker")
    assert engine.state.incidents[iid].callback_due is None
    err = unchanged(engine, lambda: engine.execute(cmd.Callback(iid, "satisfied"), DISPATCHER))
    assert isinstance(err, InvalidCommand)
    assert "grid_worker" in str(err)
    orig = report(engine, index=1)
    engine.execute(cmd.RegisterIncident(orig), DISPATCHER)
    dup = report(engine, index=1)
    engine.execute(cmd.LinkDuplicate(dup, orig), DISPATCHER)
    assert engine.state.incidents[dup].callback_due is None
    app = closed_case(engine, source="citizen_app", index=2)
    assert engine.state.incidents[app].callback_due is not None


def test_callback_refused_on_open_case_twice_bad_result_or_role(engine: DispatchEngine) -> None:
    open_id = report(engine)
    err = unchanged(engine, lambda: engine.execute(cmd.Callback(open_id, "satisfied"),
                                                   DISPATCHER))
    assert isinstance(err, InvalidCommand)
    assert "after the case is closed" in str(err)
    iid = closed_case(engine, index=1)
    err = unchanged(engine, lambda: engine.execute(cmd.Callback(iid, "happy"), DISPATCHER))
    assert "satisfied, basically_satisfied, unsatisfied" in str(err)
    err = unchanged(engine, lambda: engine.execute(cmd.Callback(iid, "satisfied"), WALL))
    assert isinstance(err, Forbidden)
    err = unchanged(engine, lambda: engine.execute(
        cmd.Callback(iid, "satisfied", reopen=True, reason="x"), DISPATCHER))
    assert "only an unsatisfied" in str(err)
    err = unchanged(engine, lambda: engine.execute(
        cmd.Callback(iid, "unsatisfied", reopen=True), DISPATCHER))
    assert "reason" in str(err)
    engine.execute(cmd.Callback(iid, "basically_satisfied"), LEAD)
    err = unchanged(engine, lambda: engine.execute(cmd.Callback(iid, "satisfied"), DISPATCHER))
    assert isinstance(err, Conflict)
    assert "already called back (basically_satisfied)" in str(err)


def test_unsatisfied_reopen_counts_rework(engine: DispatchEngine, clock: FakeClock) -> None:
    iid = closed_case(engine)
    inc = engine.state.incidents[iid]
    lead = inc.lead_department
    clock.advance(3600)
    out = engine.execute(cmd.Callback(iid, "unsatisfied", "路灯仍不亮", reopen=True,
                                      reason="夜间仍不亮，需重办"), DISPATCHER)
    assert [type(e.payload) for e in out.events] == [ev.IncidentCalledBack, ev.IncidentReopened]
    assert inc.status == S.DISPATCHED
    assert inc.is_open
    assert inc.lead_department == lead
    assert inc.reopen_count == 1
    assert inc.rework_count == 1
    assert inc.closed_at is None
    assert inc.callback_result == "unsatisfied"
    assert inc.dispatched_at == clock.t
    assert inc.ack_due is not None
    assert inc.ack_due > clock.t
    assert all(t.state.value == "dispatched" for t in inc.tasks)
    assert inc.notes[-1].text == "夜间仍不亮，需重办"
    # worked again and closed again: a new call-back is due
    for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已更换灯具"),
              cmd.Verify(iid, True, "已核实")):
        engine.execute(c, FIELD)
    engine.execute(cmd.CloseIncident(iid, "fixed"), DISPATCHER)
    assert awaiting_callback(inc)
    assert inc.callback_result == ""


def test_reopen_of_a_case_closed_before_dispatch_goes_back_to_registered(
        engine: DispatchEngine, clock: FakeClock) -> None:
    iid = report(engine)
    engine.execute(cmd.RegisterIncident(iid), DISPATCHER)
    engine.execute(cmd.CloseIncident(iid, "not_responsible", "不属于本市"), DISPATCHER)
    engine.execute(cmd.Callback(iid, "unsatisfied", reopen=True, reason="确属本市"), DISPATCHER)
    inc = engine.state.incidents[iid]
    assert inc.status == S.REGISTERED
    assert inc.dispatch_due > clock.t
    assert inc.reopen_count == 1


def test_callback_clock_flags_and_archive_waits(engine: DispatchEngine, clock: FakeClock
                                                ) -> None:
    rules = load_rules()
    iid = closed_case(engine)
    inc = engine.state.incidents[iid]
    acts, nxt = evaluate(inc, clock.t, rules)
    assert acts == []
    assert nxt is not None
    assert clock.t < nxt <= (inc.callback_due or 0)
    clock.t = (inc.callback_due or 0) + 1
    acts, _ = evaluate(inc, clock.t, rules)
    assert [(a.command.stage, a.command.state) for a in acts] == [("callback", "overdue")]
    engine.execute(acts[0].command, SYSTEM_ACTOR, command_id=acts[0].command_id)
    assert ("callback", "overdue") in inc.clock
    assert evaluate(inc, clock.t, rules)[0] == []
    # a case awaiting its call-back is not archived
    err = unchanged(engine, lambda: engine.execute(cmd.ArchiveFinished(clock.t), SYSTEM_ACTOR))
    assert "nothing to archive" in str(err)
    engine.execute(cmd.Callback(iid, "satisfied"), DISPATCHER)
    assert ("callback", "overdue") not in inc.clock
    engine.execute(cmd.ArchiveFinished(clock.t), SYSTEM_ACTOR)
    assert iid not in engine.state.incidents


def test_urges_count_and_the_rule_raises_priority_then_supervises(
        engine: DispatchEngine) -> None:
    rules = load_rules()
    iid = report(engine, priority="low", phone="13800138000")
    inc = engine.state.incidents[iid]
    engine.execute(cmd.Urge(iid, "市民再次来电"), DISPATCHER)
    assert inc.urges == 1
    assert [a for a in evaluate(inc, engine.clock(), rules)[0] if a.rule != "clock"] == []
    out = engine.execute(cmd.Urge(iid, "第三次来电", phone="13900139000"), FIELD)
    assert [type(e.payload) for e in out.events] == [ev.IncidentUrged]  # a number was held
    assert inc.urges == 2
    acts = [a for a in evaluate(inc, engine.clock(), rules)[0] if a.rule != "clock"]
    assert [a.rule for a in acts] == ["urge-2-raise"]
    engine.execute(acts[0].command, SYSTEM_ACTOR, command_id=acts[0].command_id)
    assert inc.priority == "normal"
    assert inc.urge_rules == ("urge-2-raise",)
    # applied once: another look asks nothing more
    assert [a for a in evaluate(inc, engine.clock(), rules)[0] if a.rule != "clock"] == []
    err = unchanged(engine, lambda: engine.execute(acts[0].command, SYSTEM_ACTOR))
    assert isinstance(err, Conflict)
    engine.execute(cmd.Urge(iid), DISPATCHER)
    acts = [a for a in evaluate(inc, engine.clock(), rules)[0] if a.rule != "clock"]
    assert [a.rule for a in acts] == ["urge-3-supervise"]
    engine.execute(acts[0].command, SYSTEM_ACTOR, command_id=acts[0].command_id)
    assert inc.supervised
    assert inc.priority == "normal"


def test_urge_refused_on_closed_case_and_for_the_wall(engine: DispatchEngine) -> None:
    iid = closed_case(engine)
    err = unchanged(engine, lambda: engine.execute(cmd.Urge(iid, "又来电"), DISPATCHER))
    assert isinstance(err, InvalidCommand)
    assert "only an open case" in str(err)
    other = report(engine, index=1)
    err = unchanged(engine, lambda: engine.execute(cmd.Urge(other), WALL))
    assert isinstance(err, Forbidden)
    err = unchanged(engine, lambda: engine.execute(cmd.RaisePriority(other, "r", "x"), LEAD))
    assert isinstance(err, Forbidden)
    err = unchanged(engine, lambda: engine.execute(cmd.Urge(other, phone="12"), DISPATCHER))
    assert isinstance(err, InvalidCommand)


def test_urge_records_a_phone_when_none_is_held(engine: DispatchEngine) -> None:
    iid = report(engine, source="citizen_app")
    out = engine.execute(cmd.Urge(iid, phone="13900139000"), FIELD)
    assert [type(e.payload) for e in out.events] == [ev.IncidentUrged, ev.CallerContactRecorded]
    assert engine.state.contacts[iid] == "13900139000"


def test_bundled_profiles_validate_and_beijing_sets_deadlines(engine: DispatchEngine,
                                                               clock: FakeClock) -> None:
    profiles = load_profiles()
    assert {"default", "beijing_2021"} <= set(profiles)
    bj = profiles["beijing_2021"]
    assert bj.feedback[Priority.LOW] == TimeLimit(15, LimitUnit.DAYS)
    engine.profile = bj
    iid = report(engine, priority="urgent")
    inc = engine.state.incidents[iid]
    assert inc.dispatch_due == clock.t + 3600  # 1 h for an urgent citizen's case
    engine.execute(cmd.AssignUnits(iid), DISPATCHER)
    assert inc.handle_due == clock.t + 2 * 3600  # feedback within 2 h
    sensor = report(engine, priority="urgent", source="sensor", index=1)
    assert engine.state.incidents[sensor].dispatch_due == due_at(
        clock.t, engine.catalogue.limits.dispatch[Priority.URGENT], engine.catalogue.calendar)
    low = report(engine, priority="low", index=2)
    engine.execute(cmd.AssignUnits(low), DISPATCHER)
    assert engine.state.incidents[low].handle_due == clock.t + 15 * 86400


@pytest.mark.parametrize(("data", "message"), [
    ({"profiles": {}}, "names no profile"),
    ({"profiles": {"x": {}}}, "profile 'x': callback"),
    ({"profiles": {"x": {"callback": {"value": 0, "unit": "hours"}}}}, "callback.value"),
    ({"profiles": {"x": {"callback": {"value": 1, "unit": "weeks"}}}}, "callback.unit"),
    ({"profiles": {"x": {"callback": {"value": 1, "unit": "hours"},
                         "dispatch": {"asap": {"value": 1, "unit": "hours"}}}}}, "dispatch.asap"),
    ({"profiles": {"x": {"callback": {"value": 1, "unit": "hours"}, "sources": ["fax"]}}},
     "sources.0"),
    ({"profiles": {"x": {"callback": {"value": 1, "unit": "hours"}, "extra": 1}}}, "extra"),
    ([], "JSON object"),
])
def test_bad_profiles_are_refused_with_the_place(data: Any, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        parse_profiles(data)


def test_unknown_profile_names_the_known_ones(tmp_path: Any) -> None:
    with pytest.raises(ProfileError, match="known: beijing_2021, default"):
        load_profile("shanghai")
    p = tmp_path / "p.json"
    p.write_text(json.dumps({"profiles": {"mine": {"callback": {"value": 4,
                                                                "unit": "hours"}}}}))
    assert load_profile("mine", p).callback == TimeLimit(4, LimitUnit.HOURS)


@pytest.mark.parametrize(("rule", "message"), [
    ({"id": "u", "urges": 0, "action": "supervise", "text": "t"}, "urges"),
    ({"id": "u", "urges": 2, "action": "call_mayor", "text": "t"}, "action"),
    ({"id": "u", "urges": 2, "action": "supervise", "text": " "}, "text"),
])
def test_bad_urge_rules_are_refused(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError, match=f"urge rule 'u'.*{message}"):
        parse_rules({"urge_rules": [rule]})
