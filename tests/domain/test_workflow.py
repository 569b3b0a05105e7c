"""The seven-step case workflow, its side paths, and the errors that change nothing."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import pytest

from dispatch.domain import commands as cmd
from dispatch.domain import invariants
from dispatch.domain.catalogue.model import Catalogue, Priority
from dispatch.domain.errors import (
    Conflict,
    DispatchError,
    Forbidden,
    InvalidCommand,
    NotFound,
    Stale,
)
from dispatch.domain.state import Incident
from dispatch.domain.status import EscalationLevel, IncidentStatus, UnitStatus
from dispatch.domain.timelimits import ClockState, clock_state, is_overdue, running_clock
from tests.conftest import FakeClock
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, WALL, free_units, grid_point, report

S = IncidentStatus


def lead_of(engine: Any, iid: str) -> str:
    return engine.catalogue.lead_department_of(engine.state.incidents[iid].class_code)


def _running_stage(inc: Incident) -> str | None:
    """The stage of the clock running in the incident's status (None when none runs)."""
    clock = running_clock(inc)
    return None if clock is None else clock.stage


def unchanged(engine: Any, fn: Callable[[], object]) -> DispatchError:
    """Run fn expecting a DispatchError; assert the state did not change at all."""
    before = pickle.dumps(engine.state)
    with pytest.raises(DispatchError) as info:
        fn()
    assert pickle.dumps(engine.state) == before
    assert not engine.pending
    return info.value


def test_full_seven_steps(engine: Any, clock: FakeClock) -> None:
    iid = report(engine)
    inc = engine.state.incidents[iid]
    assert inc.status == S.REPORTED
    assert inc.grid
    assert len(inc.grid) == 15
    assert _running_stage(inc) == "dispatch"

    engine.execute(cmd.RegisterIncident(iid), DISPATCHER)
    assert inc.status == S.REGISTERED
    assert inc.registered_at == clock.t

    dept = lead_of(engine, iid)
    units = free_units(engine, dept, 2)
    clock.advance(60)
    engine.execute(cmd.AssignUnits(iid, units), DISPATCHER)
    assert inc.status == S.DISPATCHED
    assert inc.lead_department == dept
    assert inc.units == units
    assert inc.dispatched_at == clock.t
    assert inc.handle_due is not None
    assert inc.handle_due > clock.t
    for u in units:
        assert engine.state.units[u].status == UnitStatus.DISPATCHED
        assert engine.state.units[u].incident_id == iid

    engine.execute(cmd.SetUnitStatus(units[0], "en_route"), FIELD)
    engine.execute(cmd.SetUnitStatus(units[0], "on_scene"), FIELD)
    clock.advance(120)
    engine.execute(cmd.Acknowledge(iid), FIELD)
    assert inc.status == S.ACKNOWLEDGED
    assert inc.acknowledged_at == clock.t
    engine.execute(cmd.StartHandling(iid), FIELD)
    assert inc.status == S.HANDLING
    clock.advance(600)
    engine.execute(cmd.Respond(iid, "已修复"), FIELD)
    assert inc.status == S.RESPONDED
    assert inc.units == ()
    assert engine.state.units[units[0]].status == UnitStatus.RETURNING
    assert engine.state.units[units[1]].status == UnitStatus.AVAILABLE
    assert _running_stage(inc) == "verify"
    engine.execute(cmd.Verify(iid, True, "现场核实已修复"), FIELD)
    assert inc.status == S.VERIFIED
    engine.execute(cmd.CloseIncident(iid, "fixed"), DISPATCHER)
    assert inc.status == S.CLOSED
    assert inc.close_reason == "fixed"
    engine.execute(cmd.Evaluate(iid, 5, "满意"), DISPATCHER)
    assert inc.evaluation == 5
    assert invariants.check(engine.state) == []
    err = unchanged(engine, lambda: engine.execute(cmd.Evaluate(iid, 4), DISPATCHER))
    assert isinstance(err, Conflict)
    assert "already evaluated" in err.message


def test_failed_verification_reworks(engine: Any, clock: FakeClock) -> None:
    iid = report(engine)
    engine.execute(cmd.AssignUnits(iid, free_units(engine, lead_of(engine, iid))), DISPATCHER)
    engine.execute(cmd.Acknowledge(iid), FIELD)
    engine.execute(cmd.Respond(iid, "done"), FIELD)
    err = unchanged(engine, lambda: engine.execute(cmd.Verify(iid, False), FIELD))
    assert isinstance(err, InvalidCommand)
    assert "note is required" in err.message
    clock.advance(300)
    out = engine.execute(cmd.Verify(iid, False, "垃圾仍在"), FIELD)
    assert [e.kind for e in out.events] == ["incident.verified", "incident.reworked"]
    inc = engine.state.incidents[iid]
    assert inc.status == S.DISPATCHED
    assert inc.rework_count == 1
    assert inc.dispatched_at == clock.t


def test_assign_from_reported_registers_and_dispatches(engine: Any) -> None:
    iid = report(engine)
    out = engine.execute(cmd.AssignUnits(iid, free_units(engine, lead_of(engine, iid))),
                         DISPATCHER)
    assert [e.kind for e in out.events] == ["incident.registered", "incident.dispatched"]
    assert [e.seq for e in out.events] == [out.seq - 1, out.seq]


def test_joint_dispatch_several_departments(engine: Any, catalogue: Catalogue) -> None:
    iid = report(engine)
    lead = lead_of(engine, iid)
    others = [d for d in ("police", "fire", "emergency", "traffic_police")
              if d in catalogue.departments and d != lead]
    units = free_units(engine, lead) + tuple(free_units(engine, d)[0] for d in others)
    engine.execute(cmd.AssignUnits(iid, units, assist_departments=tuple(others)), DISPATCHER)
    inc = engine.state.incidents[iid]
    assert inc.lead_department == lead
    assert inc.assist_departments == tuple(others)
    assert set(inc.units) == set(units)
    extra = free_units(engine, lead, 3)[-1]
    engine.execute(cmd.AssignUnits(iid, (extra,)), DISPATCHER)
    assert extra in inc.units
    assert inc.status == S.DISPATCHED
    engine.execute(cmd.ReleaseUnit(iid, extra), DISPATCHER)
    assert extra not in inc.units
    assert engine.state.units[extra].status == UnitStatus.AVAILABLE
    assert invariants.check(engine.state) == []


def test_same_unit_twice_conflicts(engine: Any) -> None:
    a, b = report(engine, index=1), report(engine, index=2)
    unit = free_units(engine, lead_of(engine, a))[0]
    engine.execute(cmd.AssignUnits(a, (unit,)), DISPATCHER)
    err = unchanged(engine, lambda: engine.execute(cmd.AssignUnits(b, (unit,)), DISPATCHER))
    assert isinstance(err, Conflict)
    assert unit in err.message
    assert a in err.message


def test_return_extension_park_supervise_escalate(engine: Any, clock: FakeClock) -> None:
    iid = report(engine)
    unit = free_units(engine, lead_of(engine, iid))
    engine.execute(cmd.AssignUnits(iid, unit), DISPATCHER)
    inc = engine.state.incidents[iid]
    engine.execute(cmd.ReturnIncident(iid, "非本部门职责"), FIELD)
    assert inc.status == S.REGISTERED
    assert inc.lead_department == ""
    assert inc.units == ()
    assert engine.state.units[unit[0]].status == UnitStatus.AVAILABLE
    engine.execute(cmd.AssignUnits(iid, unit), DISPATCHER)
    engine.execute(cmd.Acknowledge(iid), FIELD)
    due = inc.handle_due
    engine.execute(cmd.RequestExtension(iid, 120, "需要采购配件"), FIELD)
    err = unchanged(engine, lambda: engine.execute(cmd.DecideExtension(iid, True), DISPATCHER))
    assert isinstance(err, Forbidden)
    engine.execute(cmd.DecideExtension(iid, True, "同意"), LEAD)
    assert inc.handle_due == due + 7200
    assert inc.extension_minutes == 0

    engine.execute(cmd.Park(iid, "等待施工许可"), LEAD)
    assert inc.status == S.PARKED
    assert running_clock(inc) is None
    clock.advance(3600)
    engine.execute(cmd.Unpark(iid), LEAD)
    assert inc.status == S.ACKNOWLEDGED
    assert inc.handle_due == due + 7200 + 3600

    engine.execute(cmd.Supervise(iid, True, "市领导督办"), DISPATCHER)
    assert inc.supervised
    unchanged(engine, lambda: engine.execute(cmd.Supervise(iid, True), DISPATCHER))

    err = unchanged(engine, lambda: engine.execute(cmd.Escalate(iid, "street", "x"), DISPATCHER))
    assert "one level up, to community" in err.message
    for level in ("community", "street", "district", "city"):
        engine.execute(cmd.Escalate(iid, level, "处置困难", ("police",)), DISPATCHER)
    assert inc.level == EscalationLevel.CITY
    assert inc.escalations == 4
    assert "police" in inc.departments
    err = unchanged(engine, lambda: engine.execute(cmd.Escalate(iid, "city", "x"), DISPATCHER))
    assert "already handled at city level" in err.message
    assert invariants.check(engine.state) == []


def test_cancel_duplicate_and_closure_reasons(engine: Any) -> None:
    a, b, c, d = (report(engine, index=i) for i in range(4))
    engine.execute(cmd.CancelIncident(a, "误报"), DISPATCHER)
    assert engine.state.incidents[a].status == S.CANCELLED
    err = unchanged(engine, lambda: engine.execute(cmd.LinkDuplicate(b, a), DISPATCHER))
    assert "cancelled" in err.message
    engine.execute(cmd.LinkDuplicate(c, b), DISPATCHER)
    assert engine.state.incidents[c].close_reason == "duplicate"
    assert engine.state.incidents[b].duplicates == (c,)
    err = unchanged(engine, lambda: engine.execute(cmd.LinkDuplicate(d, c), DISPATCHER))
    assert f"link to {b}" in err.message
    err = unchanged(engine, lambda: engine.execute(cmd.CloseIncident(b, "fixed"), DISPATCHER))
    assert "close as fixed" in err.message
    assert "reported" in err.message
    engine.execute(cmd.RegisterIncident(b), DISPATCHER)
    unchanged(engine, lambda: engine.execute(cmd.CloseIncident(b, "not_responsible"), DISPATCHER))
    engine.execute(cmd.CloseIncident(b, "not_responsible", "属物业管理范围"), DISPATCHER)
    assert engine.state.incidents[b].status == S.CLOSED
    err = unchanged(engine, lambda: engine.execute(cmd.CloseIncident(d, "bogus"), DISPATCHER))
    assert "unknown closure reason" in err.message


def test_errors_are_typed_and_change_nothing(engine: Any) -> None:
    iid = report(engine)
    e = unchanged(engine, lambda: engine.execute(cmd.Acknowledge("E999999"), FIELD))
    assert isinstance(e, NotFound)
    e = unchanged(engine, lambda: engine.execute(cmd.Respond(iid, "x"), DISPATCHER))
    assert isinstance(e, InvalidCommand)
    assert "it is reported" in e.message
    # the field gateway may not touch an incident not sent to the field at all
    e = unchanged(engine, lambda: engine.execute(cmd.Respond(iid, "x"), FIELD))
    assert isinstance(e, Forbidden)
    assert "not sent to the field" in e.message
    e = unchanged(engine, lambda: engine.execute(cmd.AssignUnits(iid, ("nope",)), DISPATCHER))
    assert isinstance(e, NotFound)
    e = unchanged(engine, lambda: engine.execute(cmd.RegisterIncident(iid), WALL))
    assert isinstance(e, Forbidden)
    assert "wall" in e.message
    e = unchanged(engine, lambda: engine.execute(cmd.ReportIncident(
        "hotline", "0101", 0.0, 0.0, "x"), DISPATCHER))
    assert isinstance(e, (InvalidCommand, NotFound))
    lon, lat, _ = grid_point(engine)
    e = unchanged(engine, lambda: engine.execute(cmd.ReportIncident(
        "pigeon", engine.state.incidents[iid].class_code, lon, lat, "x"), DISPATCHER))
    assert "unknown source" in e.message
    e = unchanged(engine, lambda: engine.execute(cmd.ReportIncident(
        "hotline", engine.state.incidents[iid].class_code, 121.9, 29.0, "x"), DISPATCHER))
    assert "outside every grid" in e.message
    version = engine.state.incidents[iid].version
    engine.execute(cmd.AddNote(iid, "回访"), DISPATCHER)
    e = unchanged(engine, lambda: engine.execute(cmd.RegisterIncident(iid), DISPATCHER,
                                                 expected_version=version))
    assert isinstance(e, Stale)


def test_region_scope_enforced(engine: Any) -> None:
    from dispatch.domain.roles import Actor, Role

    iid = report(engine)
    grid = engine.state.incidents[iid].grid
    other = next(r.code for r in engine.city.regions.values()
                 if r.level == 1 and not grid.startswith(r.code))
    outsider = Actor("d2", Role.DISPATCHER, scope=other, workstation="ws-2")
    e = unchanged(engine, lambda: engine.execute(cmd.RegisterIncident(iid), outsider))
    # outside the region is as unknown: not found, the same words, nothing of the incident
    assert isinstance(e, NotFound)
    assert e.message == f"no incident {iid!r}"
    insider = Actor("d3", Role.DISPATCHER, scope=grid[:6], workstation="ws-3")
    engine.execute(cmd.RegisterIncident(iid), insider)


def test_unit_status_transitions(engine: Any) -> None:
    uid = next(iter(sorted(engine.state.units)))
    e = unchanged(engine, lambda: engine.execute(cmd.SetUnitStatus(uid, "dispatched"), FIELD))
    assert "assign it to an incident" in e.message
    engine.execute(cmd.SetUnitStatus(uid, "off_duty"), FIELD)
    u = engine.state.units[uid]
    assert u.status == UnitStatus.OFF_DUTY
    e = unchanged(engine, lambda: engine.execute(cmd.SetUnitStatus(uid, "on_scene"), FIELD))
    assert "cannot go from off_duty to on_scene" in e.message
    engine.execute(cmd.ReportPositions(((uid, 120.6, 31.3),)), FIELD)
    assert (u.lon, u.lat) == (120.6, 31.3)
    unchanged(engine, lambda: engine.execute(cmd.ReportPositions(((uid, 999, 31.3),)), FIELD))


def test_time_limits_near_due_and_overdue(engine: Any, clock: FakeClock,
                                         catalogue: Catalogue) -> None:
    urgent = next(m.code for m in catalogue.minors.values() if m.priority == Priority.URGENT)
    iid = report(engine, class_code=urgent)
    inc = engine.state.incidents[iid]
    c = running_clock(inc)
    assert c is not None
    assert c.stage == "dispatch"
    assert c.due - c.started == pytest.approx(
        catalogue.limits.dispatch[Priority.URGENT].value * 60)
    assert clock_state(inc, clock.t) == ClockState.OK
    assert clock_state(inc, c.started + 0.85 * (c.due - c.started)) == ClockState.NEAR_DUE
    assert clock_state(inc, c.due) == ClockState.OVERDUE
    assert is_overdue(inc, c.due + 1)


def test_idempotent_command_id(engine: Any) -> None:
    iid = report(engine)
    first = engine.execute(cmd.AddNote(iid, "once"), DISPATCHER, command_id="c-1")
    again = engine.execute(cmd.AddNote(iid, "once"), DISPATCHER, command_id="c-1")
    assert again.duplicate
    assert again.seq == first.seq
    assert len(engine.state.incidents[iid].notes) == 1


def test_archive_moves_finished_incidents_out_of_the_live_state(engine: Any, clock: FakeClock) -> None:
    from dispatch.domain.roles import SYSTEM_ACTOR

    done, live = report(engine, index=1), report(engine, index=2)
    engine.execute(cmd.CancelIncident(done, "误报"), DISPATCHER)
    clock.advance(3600)
    err = unchanged(engine, lambda: engine.execute(cmd.ArchiveFinished(clock.t - 7200),
                                                   SYSTEM_ACTOR))
    assert "nothing to archive" in err.message
    unchanged(engine, lambda: engine.execute(cmd.ArchiveFinished(clock.t), DISPATCHER))
    engine.execute(cmd.ArchiveFinished(clock.t - 60), SYSTEM_ACTOR)
    assert done not in engine.state.incidents
    assert live in engine.state.incidents
    assert engine.state.archived == 1
    assert invariants.check(engine.state) == []
    err = unchanged(engine, lambda: engine.execute(cmd.LinkDuplicate(live, done), DISPATCHER))
    assert isinstance(err, NotFound)
