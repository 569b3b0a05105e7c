"""Joint dispatch per department (each signs, works and responds on its own clock), releasing an
assisting department, events of older versions, and 越级 escalation."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain import invariants, joint
from dispatch.domain.errors import Conflict, Forbidden, InvalidCommand
from dispatch.domain.projection import apply_all
from dispatch.domain.roles import SYSTEM_ACTOR
from dispatch.domain.rules import RuleSet, evaluate
from dispatch.domain.state import DispatchState
from dispatch.domain.status import EscalationLevel, IncidentStatus, TaskRole, TaskState
from tests.conftest import FakeClock
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, report
from tests.domain.test_workflow import unchanged

S = IncidentStatus
T = TaskState
GAS_LEAK = "0304"  # urgent; lead housing, assisting fire and police in the catalogue
FOUR = ("police", "emergency", "fire", "traffic_police")


def joint_incident(engine: Any, class_code: str = GAS_LEAK) -> str:
    """A gas leak dispatched jointly: police leads, emergency, fire, traffic police assist."""
    iid = report(engine, class_code=class_code)
    engine.execute(cmd.AssignUnits(iid, (), FOUR[0], FOUR[1:]), DISPATCHER)
    return iid


def states(engine: Any, iid: str) -> dict[str, TaskState]:
    return {t.department: t.state for t in engine.state.incidents[iid].tasks}


def test_a_joint_dispatch_gives_each_department_its_own_entry_and_clock(engine: Any,
                                                                        clock: FakeClock) -> None:
    iid = joint_incident(engine)
    inc = engine.state.incidents[iid]
    assert [(t.department, t.role) for t in inc.tasks] == [
        ("police", TaskRole.LEAD), ("emergency", TaskRole.ASSIST), ("fire", TaskRole.ASSIST),
        ("traffic_police", TaskRole.ASSIST)]
    assert all(t.state == T.DISPATCHED and t.dispatched_at == clock.t
               and t.ack_due == inc.ack_due and t.handle_due == inc.handle_due
               for t in inc.tasks)


def test_four_departments_acknowledge_and_respond_separately(engine: Any,
                                                             clock: FakeClock) -> None:
    iid = joint_incident(engine)
    inc = engine.state.incidents[iid]
    clock.advance(60)
    engine.execute(cmd.Acknowledge(iid, "fire"), FIELD)
    assert inc.status == S.ACKNOWLEDGED  # the first department to sign moves the incident
    assert inc.acknowledged_at == clock.t
    first_ack = clock.t
    for d in ("police", "emergency", "traffic_police"):
        clock.advance(30)
        engine.execute(cmd.Acknowledge(iid, d), FIELD)
    assert set(states(engine, iid).values()) == {T.ACKNOWLEDGED}
    assert inc.acknowledged_at == first_ack
    assert joint.task(inc.tasks, "traffic_police").acknowledged_at == clock.t  # type: ignore[union-attr]

    engine.execute(cmd.StartHandling(iid, "fire"), FIELD)
    assert inc.status == S.HANDLING
    assert states(engine, iid)["fire"] == T.HANDLING
    assert states(engine, iid)["police"] == T.ACKNOWLEDGED

    for d in ("fire", "police", "emergency"):
        clock.advance(60)
        engine.execute(cmd.Respond(iid, f"{d} 已处置", d), FIELD)
        assert inc.status == S.HANDLING, f"responded before traffic police ({d})"
        assert inc.responded_at is None
    clock.advance(60)
    engine.execute(cmd.Respond(iid, "交通已恢复", "traffic_police"), FIELD)
    assert inc.status == S.RESPONDED
    assert inc.responded_at == clock.t
    assert inc.verify_due is not None
    assert all(t.state == T.RESPONDED for t in inc.tasks)
    assert not invariants.check(engine.state)


def test_the_incident_waits_for_the_lead_even_when_every_assist_is_done(engine: Any) -> None:
    iid = joint_incident(engine)
    for d in FOUR:
        engine.execute(cmd.Acknowledge(iid, d), FIELD)
    for d in FOUR[1:]:
        engine.execute(cmd.Respond(iid, "完成", d), FIELD)
    assert engine.state.incidents[iid].status == S.HANDLING
    engine.execute(cmd.Respond(iid, "险情排除", "police"), FIELD)
    assert engine.state.incidents[iid].status == S.RESPONDED


def test_a_released_assisting_department_need_not_respond(engine: Any) -> None:
    iid = joint_incident(engine)
    inc = engine.state.incidents[iid]
    engine.execute(cmd.ReleaseDepartment(iid, "traffic_police", "无需交通管制"), DISPATCHER)
    assert states(engine, iid)["traffic_police"] == T.RELEASED
    assert inc.notes[-1].text == "无需交通管制"
    for d in FOUR[:3]:
        engine.execute(cmd.Acknowledge(iid, d), FIELD)
        engine.execute(cmd.Respond(iid, "完成", d), FIELD)
    assert inc.status == S.RESPONDED
    # a released department takes no step any more
    engine.execute(cmd.Rework(iid, "返工"), DISPATCHER)
    assert states(engine, iid)["traffic_police"] == T.RELEASED
    assert states(engine, iid)["police"] == T.DISPATCHED
    e = unchanged(engine, lambda: engine.execute(cmd.Acknowledge(iid, "traffic_police"), FIELD))
    assert isinstance(e, InvalidCommand)
    assert "released" in str(e)


def test_a_released_department_named_again_is_sent_again(engine: Any, clock: FakeClock) -> None:
    iid = joint_incident(engine)
    engine.execute(cmd.ReleaseDepartment(iid, "fire", "暂不需要"), DISPATCHER)
    clock.advance(300)
    engine.execute(cmd.AssignUnits(iid, (), "", ("fire",)), DISPATCHER)
    fire = joint.task(engine.state.incidents[iid].tasks, "fire")
    assert fire is not None
    assert fire.state == T.DISPATCHED
    assert fire.dispatched_at == clock.t
    engine.execute(cmd.Acknowledge(iid, "fire"), FIELD)
    assert not invariants.check(engine.state)


def test_releasing_the_last_open_department_completes_the_response(engine: Any) -> None:
    iid = joint_incident(engine)
    for d in FOUR[:3]:
        engine.execute(cmd.Acknowledge(iid, d), FIELD)
        engine.execute(cmd.Respond(iid, "完成", d), FIELD)
    assert engine.state.incidents[iid].status == S.HANDLING
    engine.execute(cmd.ReleaseDepartment(iid, "traffic_police", "未到场，无需协办"), DISPATCHER)
    inc = engine.state.incidents[iid]
    assert inc.status == S.RESPONDED
    assert inc.verify_due is not None


@pytest.mark.parametrize(("department", "reason", "error"), [
    ("police", "主办", "lead department cannot be released"),
    ("water", "不在", "not on incident"),
    ("fire", "", "reason is required"),
])
def test_bad_releases_change_nothing(engine: Any, department: str, reason: str,
                                     error: str) -> None:
    iid = joint_incident(engine)
    e = unchanged(engine, lambda: engine.execute(
        cmd.ReleaseDepartment(iid, department, reason), DISPATCHER))
    assert error in str(e)
    e = unchanged(engine, lambda: engine.execute(
        cmd.ReleaseDepartment(iid, "fire", "无需"), FIELD))
    assert isinstance(e, Forbidden)


def test_a_second_acknowledgement_by_the_same_department_is_a_conflict(engine: Any) -> None:
    iid = joint_incident(engine)
    engine.execute(cmd.Acknowledge(iid, "fire"), FIELD)
    e = unchanged(engine, lambda: engine.execute(cmd.Acknowledge(iid, "fire"), FIELD))
    assert isinstance(e, Conflict)
    assert "fire has already acknowledged" in str(e)
    # the other departments still may
    engine.execute(cmd.Acknowledge(iid, "emergency"), FIELD)
    engine.execute(cmd.Respond(iid, "已疏散", "emergency"), FIELD)
    e = unchanged(engine, lambda: engine.execute(cmd.Respond(iid, "再次", "emergency"), FIELD))
    assert isinstance(e, Conflict)
    e = unchanged(engine, lambda: engine.execute(cmd.Respond(iid, "未签收", "police"), FIELD))
    assert isinstance(e, InvalidCommand)
    assert "must acknowledge" in str(e)
    e = unchanged(engine, lambda: engine.execute(cmd.Acknowledge(iid, "water"), FIELD))
    assert isinstance(e, InvalidCommand)
    assert "not on incident" in str(e)


def test_a_step_without_department_acts_for_the_incident_as_a_whole(engine: Any) -> None:
    """Clients that know no departments (older consoles, the phone app) work as before."""
    iid = joint_incident(engine)
    engine.execute(cmd.Acknowledge(iid, "fire"), FIELD)
    out = engine.execute(cmd.Acknowledge(iid), FIELD)
    assert [e.payload.department for e in out.events] == ["police", "emergency",
                                                           "traffic_police"]
    e = unchanged(engine, lambda: engine.execute(cmd.Acknowledge(iid), FIELD))
    assert isinstance(e, Conflict)
    engine.execute(cmd.Respond(iid, "处置完毕"), FIELD)
    assert engine.state.incidents[iid].status == S.RESPONDED


def test_reinforcing_adds_a_department_with_its_own_clock(engine: Any, clock: FakeClock) -> None:
    iid = joint_incident(engine)
    for d in FOUR:
        engine.execute(cmd.Acknowledge(iid, d), FIELD)
    clock.advance(600)
    engine.execute(cmd.AssignUnits(iid, (), "", ("health",)), DISPATCHER)
    inc = engine.state.incidents[iid]
    health = joint.task(inc.tasks, "health")
    assert health is not None
    assert health.state == T.DISPATCHED
    assert health.dispatched_at == clock.t
    assert health.ack_due is not None
    assert health.ack_due > inc.ack_due
    for d in FOUR:
        engine.execute(cmd.Respond(iid, "完成", d), FIELD)
    assert inc.status == S.HANDLING  # health has not responded
    engine.execute(cmd.Acknowledge(iid, "health"), FIELD)
    engine.execute(cmd.Respond(iid, "伤员已送医", "health"), FIELD)
    assert inc.status == S.RESPONDED


def test_a_departments_own_clock_raises_its_own_flag(engine: Any, clock: FakeClock) -> None:
    iid = joint_incident(engine)
    engine.execute(cmd.Acknowledge(iid, "police"), FIELD)
    inc = engine.state.incidents[iid]
    clock.t = (inc.ack_due or 0) + 1
    actions, _ = evaluate(inc, clock.t, RuleSet())
    raised = {(a.command.department, a.command.stage, a.command.state) for a in actions}
    assert {("emergency", "acknowledge", "overdue"), ("fire", "acknowledge", "overdue"),
            ("traffic_police", "acknowledge", "overdue")} <= raised
    assert not any(d == "police" and s == "acknowledge" for d, s, _ in raised)
    for a in actions:
        engine.execute(a.command, SYSTEM_ACTOR, command_id=a.command_id)
    assert ("acknowledge", "overdue") in joint.task(inc.tasks, "fire").clock  # type: ignore
    assert joint.task(inc.tasks, "police").clock == ()  # type: ignore[union-attr]
    # acknowledging starts the department's next clock without the flag
    engine.execute(cmd.Acknowledge(iid, "fire"), FIELD)
    assert joint.task(inc.tasks, "fire").clock == ()  # type: ignore[union-attr]


# ------------------------------------------------------------------ events of older versions


def _old_events() -> list[ev.Event]:
    """How an older version recorded a joint incident: one acknowledgement (one department),
    handling and a response for the incident as a whole."""
    p: list[Any] = [
        ev.IncidentReported("E000001", "grid_worker", GAS_LEAK, "urgent", 120.6, 31.3,
                            "320508001001001", "燃气泄漏", "网格员", 1000.0),
        ev.IncidentDispatched("E000001", "police", ("fire", "emergency"), (), 2000.0, 9000.0),
        # as an older version stored it: no clocks for the department that joins
        ev.payload_from_dict("incident.reinforced", {
            "incident_id": "E000001", "assist_departments": ["traffic_police"], "units": []}),
        ev.IncidentAcknowledged("E000001", "police"),
        ev.payload_from_dict("incident.handling_started", {"incident_id": "E000001"}),
        ev.payload_from_dict("incident.responded", {
            "incident_id": "E000001", "result": "险情排除", "verify_due": 20000.0}),
    ]
    return [ev.Event(i + 1, 100.0 * (i + 1), "old", "ws", x) for i, x in enumerate(p)]


def test_events_of_an_older_version_replay_with_departments_derived() -> None:
    events = _old_events()
    s = apply_all(DispatchState(), events[:4])
    inc = s.incidents["E000001"]
    assert inc.status == S.ACKNOWLEDGED
    assert {t.department: t.state for t in inc.tasks} == {
        "police": T.ACKNOWLEDGED, "fire": T.DISPATCHED, "emergency": T.DISPATCHED,
        "traffic_police": T.DISPATCHED}
    reinforced = joint.task(inc.tasks, "traffic_police")
    assert reinforced is not None
    assert reinforced.ack_due == 2000.0
    apply_all(s, events[4:])
    assert inc.status == S.RESPONDED
    assert all(t.state == T.RESPONDED for t in inc.tasks)
    assert inc.verify_due == 20000.0
    assert not invariants.check(s)


def test_a_record_without_tasks_gets_them_derived() -> None:
    s = apply_all(DispatchState(), _old_events()[:4])
    legacy = dataclasses.replace(s.incidents["E000001"], tasks=())
    derived = joint.tasks_of(legacy)
    assert [t.department for t in derived] == ["police", "fire", "emergency", "traffic_police"]
    assert {t.state for t in derived} == {T.ACKNOWLEDGED}


# ------------------------------------------------------------------------------------ 越级


def test_a_shift_lead_may_skip_levels_on_an_urgent_incident(engine: Any) -> None:
    iid = joint_incident(engine)
    out = engine.execute(cmd.Escalate(iid, "district", "燃气泄漏影响范围大，越级上报"), LEAD)
    p = out.events[0].payload
    assert isinstance(p, ev.IncidentEscalated)
    assert (p.from_level, p.level, p.skipped) == (EscalationLevel.GRID, EscalationLevel.DISTRICT,
                                                  True)
    inc = engine.state.incidents[iid]
    assert inc.level == EscalationLevel.DISTRICT
    assert inc.notes[-1].text == "燃气泄漏影响范围大，越级上报"


def test_one_level_up_is_not_a_skip(engine: Any) -> None:
    iid = joint_incident(engine)
    p = engine.execute(cmd.Escalate(iid, "community", "上报"), DISPATCHER).events[0].payload
    assert p.skipped is False
    assert p.from_level == EscalationLevel.GRID


def test_a_dispatcher_may_not_skip_levels(engine: Any) -> None:
    iid = joint_incident(engine)
    e = unchanged(engine, lambda: engine.execute(cmd.Escalate(iid, "district", "越级"),
                                                 DISPATCHER))
    assert isinstance(e, Forbidden)
    assert "only a shift lead may escalate past community level" in str(e)


def test_a_shift_lead_may_not_skip_levels_on_a_low_incident(engine: Any) -> None:
    low = next(m.code for m in engine.catalogue.minors.values() if m.priority == "low")
    iid = report(engine, class_code=low)
    e = unchanged(engine, lambda: engine.execute(cmd.Escalate(iid, "street", "越级"), LEAD))
    assert isinstance(e, InvalidCommand)
    assert "only an urgent or high incident may skip levels" in str(e)
    e = unchanged(engine, lambda: engine.execute(cmd.Escalate(iid, "street", "  "), LEAD))
    assert isinstance(e, InvalidCommand)
    e = unchanged(engine, lambda: engine.execute(cmd.Escalate(iid, "grid", "下放"), LEAD))
    assert "escalation goes up" in str(e)


def test_a_skip_needs_a_reason(engine: Any) -> None:
    iid = joint_incident(engine)
    e = unchanged(engine, lambda: engine.execute(cmd.Escalate(iid, "city", ""), LEAD))
    assert "reason is required" in str(e)


# ------------------------------------------------------------------------------ timeline


def test_the_timeline_marks_each_departments_steps_and_the_skip(engine: Any,
                                                                clock: FakeClock) -> None:
    from dispatch.services.replay.timeline import LANE_DEPARTMENT, TimelineBuilder

    events: list[ev.Event] = []

    def run(command: Any, actor: Any) -> None:
        clock.advance(60)
        events.extend(engine.execute(command, actor).events)

    iid = report(engine, class_code=GAS_LEAK)
    start = engine.state.copy()  # the window starts after the report
    run(cmd.AssignUnits(iid, (), FOUR[0], FOUR[1:]), DISPATCHER)
    run(cmd.Acknowledge(iid, "fire"), FIELD)
    run(cmd.Acknowledge(iid, "police"), FIELD)
    run(cmd.Escalate(iid, "district", "越级上报"), LEAD)
    run(cmd.StartHandling(iid, "police"), FIELD)
    run(cmd.Respond(iid, "明火已扑灭", "fire"), FIELD)
    run(cmd.ReleaseDepartment(iid, "traffic_police", "无需管制"), DISPATCHER)
    builder = TimelineBuilder({iid})
    builder.begin(start, start.ts)
    def step(s: DispatchState, x: ev.Event) -> None:
        apply_all(s, [x])

    state = start
    for n, e in enumerate(events, 1):
        builder.observe(state, e, n, step)
    tl = builder.finish(state, clock.t)[iid]
    marks = [(i.key, i.kind) for i in tl.items if i.lane == LANE_DEPARTMENT
             and i.kind not in ("lead", "assist")]
    assert marks == [("fire", "acknowledged"), ("police", "acknowledged"),
                     ("police", "handling"), ("fire", "responded"),
                     ("traffic_police", "department_released")]
    responded = next(i for i in tl.items if i.kind == "responded")
    assert responded.detail == "明火已扑灭"
    skip = [i for i in tl.items if i.kind == "escalated_skip"]
    assert [(i.value, i.detail) for i in skip] == [(str(int(EscalationLevel.DISTRICT)), "越级上报")]
