"""吹哨报到: a street or community summons departments to an incident, each reports on site
within the arrival limit (deadline profile, 30 minutes by default) and stays until the job is
done; late arrivals; refusals change nothing."""

from __future__ import annotations

import dataclasses

import pytest

from dispatch.adapters.deadline_profiles import parse_profiles
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain import joint
from dispatch.domain.catalogue.model import LimitUnit, TimeLimit
from dispatch.domain.errors import Conflict, Forbidden, InvalidCommand, NotFound
from dispatch.domain.roles import Actor, Role
from dispatch.domain.status import IncidentStatus, TaskState
from dispatch.domain.whistle import (
    ArrivalState,
    arrival_state,
    late_count,
    next_arrival_due,
    open_whistle,
)
from dispatch.services.engine import DispatchEngine
from tests.conftest import FakeClock
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, WALL, report
from tests.domain.test_workflow import unchanged

S = IncidentStatus
MIN = 60.0


def dispatched(engine: DispatchEngine) -> str:
    iid = report(engine)
    engine.execute(cmd.AssignUnits(iid), DISPATCHER)
    return iid


def test_whistle_summons_departments_who_join_and_must_report_in_30_minutes(
        engine: DispatchEngine, clock: FakeClock) -> None:
    iid = dispatched(engine)
    inc = engine.state.incidents[iid]
    lead = inc.lead_department
    a, b = [d for d in engine.catalogue.departments if d not in inc.departments][:2]
    out = engine.execute(cmd.Whistle(iid, (a, b, lead), "占道经营引发冲突"), LEAD)
    (e,) = out.events
    assert isinstance(e.payload, ev.IncidentWhistled)
    assert e.payload.level == "street"
    assert e.payload.region == inc.grid[:9]
    assert e.payload.joined == (a, b)  # the lead is on the incident already
    assert inc.whistled_at == clock.t
    assert inc.whistled_by == "lead01"
    assert (inc.whistle_level, inc.whistle_region) == ("street", inc.grid[:9])
    assert inc.whistle_reason == "占道经营引发冲突"
    assert [(s.department, s.due) for s in inc.summoned] == [
        (a, clock.t + 30 * MIN), (b, clock.t + 30 * MIN), (lead, clock.t + 30 * MIN)]
    # they stay until the job is done: assisting departments of the joint dispatch
    assert {a, b} <= set(inc.assist_departments)
    assert joint.task(inc.tasks, b) is not None
    assert open_whistle(inc)
    assert next_arrival_due(inc) == clock.t + 30 * MIN


def test_arrivals_on_time_and_late(engine: DispatchEngine, clock: FakeClock) -> None:
    iid = dispatched(engine)
    engine.execute(cmd.Whistle(iid, ("police", "fire"), "群体性纠纷"), LEAD)
    inc = engine.state.incidents[iid]
    t0 = clock.t
    clock.advance(10 * MIN)
    out = engine.execute(cmd.ReportArrival(iid, "police", "民警已到场"), FIELD)
    assert [type(x.payload) for x in out.events] == [ev.DepartmentArrived]
    police, fire = inc.summoned
    assert police.arrived_at == t0 + 10 * MIN
    assert police.arrived_by == "gateway"
    assert arrival_state(police, clock.t) == ArrivalState.ARRIVED
    assert arrival_state(fire, clock.t) == ArrivalState.WAITING
    assert late_count(inc, clock.t) == 0
    clock.advance(25 * MIN)  # 35 minutes: fire's due passed without arrival
    assert arrival_state(inc.summoned[1], clock.t) == ArrivalState.LATE
    assert late_count(inc, clock.t) == 1
    engine.execute(cmd.ReportArrival(iid, "fire"), DISPATCHER)
    fire = inc.summoned[1]
    assert fire.arrived_at == t0 + 35 * MIN
    assert arrival_state(fire, clock.t + 1e6) == ArrivalState.ARRIVED_LATE
    assert late_count(inc, clock.t) == 1
    assert next_arrival_due(inc) is None


def test_summoned_departments_stay_until_the_job_is_done(engine: DispatchEngine) -> None:
    iid = dispatched(engine)
    inc = engine.state.incidents[iid]
    engine.execute(cmd.Whistle(iid, ("police",), "需公安到场"), LEAD)
    engine.execute(cmd.Acknowledge(iid, inc.lead_department), FIELD)
    engine.execute(cmd.Respond(iid, "已处置", inc.lead_department), FIELD)
    assert inc.status != S.RESPONDED  # police has not responded nor been released
    police = joint.task(inc.tasks, "police")
    assert police is not None
    assert police.state == TaskState.DISPATCHED
    engine.execute(cmd.Acknowledge(iid, "police"), FIELD)
    engine.execute(cmd.Respond(iid, "已到场处置", "police"), FIELD)
    assert inc.status == S.RESPONDED


def test_arrival_limit_is_data_in_the_deadline_profile(engine: DispatchEngine,
                                                       clock: FakeClock) -> None:
    profiles = parse_profiles({"profiles": {"fast": {
        "callback": {"value": 1, "unit": "days"},
        "arrival": {"value": 15, "unit": "minutes"}}, "plain": {
        "callback": {"value": 1, "unit": "days"}}}})
    assert profiles["fast"].arrival == TimeLimit(15, LimitUnit.MINUTES)
    assert profiles["plain"].arrival == TimeLimit(30, LimitUnit.MINUTES)
    engine.profile = profiles["fast"]
    iid = dispatched(engine)
    engine.execute(cmd.Whistle(iid, ("police",), "紧急"), LEAD)
    assert engine.state.incidents[iid].summoned[0].due == clock.t + 15 * MIN


def test_a_second_whistle_adds_departments_and_refuses_those_summoned(
        engine: DispatchEngine, clock: FakeClock) -> None:
    iid = dispatched(engine)
    engine.execute(cmd.Whistle(iid, ("police",), "第一次吹哨"), LEAD)
    first = clock.t
    clock.advance(5 * MIN)
    err = unchanged(engine, lambda: engine.execute(
        cmd.Whistle(iid, ("fire", "police"), "再次吹哨"), LEAD))
    assert isinstance(err, Conflict)
    assert "police was already summoned" in str(err)
    engine.execute(cmd.Whistle(iid, ("fire",), "再次吹哨"), LEAD)
    inc = engine.state.incidents[iid]
    assert inc.whistled_at == first
    assert inc.whistle_reason == "第一次吹哨"
    assert [s.department for s in inc.summoned] == ["police", "fire"]
    assert inc.summoned[1].due == clock.t + 30 * MIN
    assert inc.notes[-1].text == "再次吹哨"


def test_street_and_community_dispatchers_whistle_a_district_one_may_not(
        engine: DispatchEngine) -> None:
    iid = dispatched(engine)
    grid = engine.state.incidents[iid].grid
    district = Actor("d1", Role.DISPATCHER, scope=grid[:6])
    err = unchanged(engine, lambda: engine.execute(cmd.Whistle(iid, ("police",), "x"),
                                                   district))
    assert isinstance(err, Forbidden)
    assert "street or a community" in str(err)
    community = Actor("c1", Role.DISPATCHER, scope=grid[:12])
    engine.execute(cmd.Whistle(iid, ("police",), "社区吹哨"), community)
    inc = engine.state.incidents[iid]
    assert (inc.whistle_level, inc.whistle_region) == ("community", grid[:12])
    street = Actor("s1", Role.DISPATCHER, scope=grid[:9])
    engine.execute(cmd.Whistle(iid, ("fire",), "街道吹哨"), street)
    other = Actor("s2", Role.DISPATCHER, scope=grid[:6] + ("999" if grid[6:9] != "999"
                                                           else "998"))
    err = unchanged(engine, lambda: engine.execute(cmd.Whistle(iid, ("water",), "x"), other))
    assert isinstance(err, NotFound)  # outside its region: no such incident


@pytest.mark.parametrize(("who", "command", "error", "words"), [
    ("lead", cmd.Whistle("ID", ("no_such",), "x"), NotFound, "no department 'no_such'"),
    ("lead", cmd.Whistle("ID", (), "x"), InvalidCommand, "at least one department"),
    ("lead", cmd.Whistle("ID", ("police",), "  "), InvalidCommand, "reason"),
    ("wall", cmd.Whistle("ID", ("police",), "x"), Forbidden, "may not blow the whistle"),
    ("field", cmd.Whistle("ID", ("police",), "x"), Forbidden, "may not blow the whistle"),
    ("field", cmd.ReportArrival("ID", "no_such"), NotFound, "no department 'no_such'"),
    ("field", cmd.ReportArrival("ID", "water"), InvalidCommand, "water was not summoned"),
    ("wall", cmd.ReportArrival("ID", "police"), Forbidden, "may not report arrivals"),
])
def test_refusals_change_nothing(engine: DispatchEngine, who: str,
                                 command: cmd.Whistle | cmd.ReportArrival,
                                 error: type[Exception], words: str) -> None:
    iid = dispatched(engine)
    if isinstance(command, cmd.ReportArrival):
        engine.execute(cmd.Whistle(iid, ("police",), "x"), LEAD)
    actor = {"lead": LEAD, "wall": WALL, "field": FIELD}[who]
    mine = dataclasses.replace(command, incident_id=iid)
    err = unchanged(engine, lambda: engine.execute(mine, actor))
    assert isinstance(err, error)
    assert words in str(err)


def test_duplicate_arrival_is_a_conflict(engine: DispatchEngine) -> None:
    iid = dispatched(engine)
    engine.execute(cmd.Whistle(iid, ("police",), "x"), LEAD)
    engine.execute(cmd.ReportArrival(iid, "police"), FIELD)
    err = unchanged(engine, lambda: engine.execute(cmd.ReportArrival(iid, "police"), FIELD))
    assert isinstance(err, Conflict)
    assert "already reported on site" in str(err)


def test_closed_or_not_yet_dispatched_incidents_refuse(engine: DispatchEngine) -> None:
    fresh = report(engine)
    err = unchanged(engine, lambda: engine.execute(cmd.Whistle(fresh, ("police",), "x"), LEAD))
    assert isinstance(err, InvalidCommand)
    assert "only when" in str(err)
    iid = dispatched(engine)
    engine.execute(cmd.Whistle(iid, ("police",), "x"), LEAD)
    engine.execute(cmd.CloseIncident(iid, "unable_to_fix", "无法处置"), DISPATCHER)
    for c in (cmd.Whistle(iid, ("fire",), "x"), cmd.ReportArrival(iid, "police")):
        err = unchanged(engine, lambda c=c: engine.execute(c, LEAD))  # type: ignore[misc]
        assert isinstance(err, InvalidCommand | Forbidden)
        assert "closed" in str(err)


def test_the_server_clock_flags_a_late_arrival_once(engine: DispatchEngine,
                                                     clock: FakeClock) -> None:
    from dispatch.domain.roles import SYSTEM_ACTOR
    from dispatch.domain.rules import RuleSet, evaluate

    iid = dispatched(engine)
    engine.execute(cmd.Whistle(iid, ("police", "fire"), "x"), LEAD)
    inc = engine.state.incidents[iid]
    due = inc.summoned[0].due
    engine.execute(cmd.ReportArrival(iid, "police"), FIELD)

    def arrival_flags() -> list[cmd.RaiseClock]:
        acts, _nxt = evaluate(inc, clock.t, RuleSet())
        return [a.command for a in acts
                if isinstance(a.command, cmd.RaiseClock) and a.command.stage == "arrival"]

    assert arrival_flags() == []
    assert evaluate(inc, clock.t, RuleSet())[1] is not None
    clock.advance(due - clock.t)  # the due time: fire is not on site
    (flag,) = arrival_flags()
    assert flag == cmd.RaiseClock(iid, "arrival", "overdue", "fire")
    out = engine.execute(flag, SYSTEM_ACTOR)
    assert [e.kind for e in out.events] == ["incident.clock"]
    assert [s.overdue for s in inc.summoned] == [False, True]
    assert arrival_flags() == []  # once
    err = unchanged(engine, lambda: engine.execute(flag, SYSTEM_ACTOR))
    assert isinstance(err, Conflict)
    err = unchanged(engine, lambda: engine.execute(
        cmd.RaiseClock(iid, "arrival", "overdue", "police"), SYSTEM_ACTOR))
    assert isinstance(err, Conflict)  # police is on site
    engine.execute(cmd.ReportArrival(iid, "fire"), FIELD)  # late, but on site now
    assert inc.summoned[1].arrived_at is not None
    assert inc.summoned[1].overdue
