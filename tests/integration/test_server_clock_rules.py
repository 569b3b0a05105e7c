"""The server clock's rules as data: time-limit events, supervision, the escalation ladder,
the watcher heap and scaled time (no sockets; an engine on a fake clock)."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.adapters.rules_file import load_rules, parse_rules
from dispatch.domain import commands as cmd
from dispatch.domain.roles import SYSTEM_ACTOR
from dispatch.domain.rules import RuleError, evaluate
from dispatch.domain.status import EscalationLevel
from dispatch.services.clock import ClockWatcher, ScaledClock
from tests.domain.helpers import DISPATCHER, FIELD, free_units, report

RULES = parse_rules({
    "near_due_fraction": 0.8,
    "rules": [
        {"id": "ack-late", "stage": "acknowledge", "condition": "overdue", "margin_minutes": 5,
         "action": "supervise", "text": "签收超时"},
        {"id": "handle-late", "stage": "handle", "condition": "overdue",
         "margin_minutes": [60, 120], "action": "escalate", "max_level": "street",
         "text": "处置超时"},
    ]})


def run_actions(engine: Any, actions: list[Any]) -> None:
    for a in actions:
        engine.execute(a.command, SYSTEM_ACTOR, command_id=a.command_id)


def dispatched(engine: Any) -> str:
    iid = report(engine)
    dept = engine.catalogue.lead_department_of(engine.state.incidents[iid].class_code)
    engine.execute(cmd.AssignUnits(iid, free_units(engine, dept)), DISPATCHER)
    return iid


def test_bundled_rules_load() -> None:
    rules = load_rules()
    assert rules.rules
    assert {r.action for r in rules.rules} == {"supervise", "escalate"}


def test_clock_events_near_due_then_overdue(engine: Any, clock: Any) -> None:
    iid = report(engine)
    inc = engine.state.incidents[iid]
    span = inc.dispatch_due - inc.reported_at
    acts, nxt = evaluate(inc, clock(), RULES)
    assert acts == []
    assert nxt == pytest.approx(inc.reported_at + 0.8 * span)
    clock.advance(0.85 * span)
    acts, nxt = evaluate(inc, clock(), RULES)
    assert [(a.command.stage, a.command.state) for a in acts] == [("dispatch", "near_due")]
    run_actions(engine, acts)
    assert evaluate(engine.state.incidents[iid], clock(), RULES)[0] == []
    clock.advance(0.2 * span)
    acts, _ = evaluate(engine.state.incidents[iid], clock(), RULES)
    assert [(a.command.stage, a.command.state) for a in acts] == [("dispatch", "overdue")]
    run_actions(engine, acts)
    assert ("dispatch", "overdue") in engine.state.incidents[iid].clock


def test_unacknowledged_incident_is_supervised(engine: Any, clock: Any) -> None:
    iid = dispatched(engine)
    inc = engine.state.incidents[iid]
    clock.t = inc.ack_due + 60  # overdue, but the margin is 5 minutes
    acts, nxt = evaluate(inc, clock(), RULES)
    assert [a.rule for a in acts] == ["clock"]
    assert nxt == pytest.approx(inc.ack_due + 300)
    run_actions(engine, acts)
    clock.t = inc.ack_due + 301
    acts, _ = evaluate(engine.state.incidents[iid], clock(), RULES)
    assert [a.rule for a in acts] == ["ack-late"]
    run_actions(engine, acts)
    assert engine.state.incidents[iid].supervised
    assert evaluate(engine.state.incidents[iid], clock(), RULES)[0] == []


def test_escalation_ladder_stops_at_max_level(engine: Any, clock: Any) -> None:
    iid = dispatched(engine)
    engine.execute(cmd.Acknowledge(iid), FIELD)
    due = engine.state.incidents[iid].handle_due
    clock.t = due + 61 * 60
    levels = []
    for _ in range(6):  # the server re-evaluates after every change
        inc = engine.state.incidents[iid]
        acts = [a for a in evaluate(inc, clock(), RULES)[0] if a.rule == "handle-late"]
        run_actions(engine, acts)
        levels.append(engine.state.incidents[iid].level)
    assert levels[0] == EscalationLevel.COMMUNITY
    assert levels[-1] == EscalationLevel.COMMUNITY
    clock.t = due + 10 * 3600
    for _ in range(6):
        acts = [a for a in evaluate(engine.state.incidents[iid], clock(), RULES)[0]
                if a.rule == "handle-late"]
        run_actions(engine, acts)
    assert engine.state.incidents[iid].level == EscalationLevel.STREET  # max_level


def test_watcher_looks_only_at_incidents_whose_time_came(engine: Any, clock: Any) -> None:
    ids = [report(engine, index=i) for i in range(3)]
    w = ClockWatcher(RULES)
    w.touch(ids, clock())
    assert w.tick(engine.state.incidents, clock()) == []
    first = w.next_time()
    assert first is not None
    assert first > clock()
    assert len(w) == 3
    assert w.tick(engine.state.incidents, first - 1) == []
    acts = w.tick(engine.state.incidents, first)
    assert {a.command.incident_id for a in acts} == set(ids)  # same class, same deadline
    w.schedule(ids[0], 10.0)
    w.schedule(ids[0], 20.0)  # a later time does not replace an earlier one
    assert w.due(15.0) == [ids[0]]


def test_malformed_rules_are_refused() -> None:
    good = {"id": "r", "stage": "handle", "condition": "overdue", "margin_minutes": 1,
            "action": "supervise", "text": "x"}
    for bad, words in [({**good, "stage": "lunch"}, "stage"),
                       ({**good, "condition": "late"}, "condition"),
                       ({**good, "action": "explode"}, "action"),
                       ({**good, "margin_minutes": -1}, "margin"),
                       ({**good, "margin_minutes": [3, 1], "action": "escalate"}, "increase"),
                       ({**good, "margin_minutes": [1, 2]}, "one margin"),
                       ({**good, "text": ""}, "text"),
                       ({**good, "colour": "red"}, "unknown"),
                       ({**good, "max_level": "galaxy"}, "max_level")]:
        with pytest.raises(RuleError, match=words):
            parse_rules({"rules": [bad]})
    with pytest.raises(RuleError, match="unique"):
        parse_rules({"rules": [good, good]})
    with pytest.raises(RuleError, match="near_due_fraction"):
        parse_rules({"near_due_fraction": 1.5})


def test_scaled_clock() -> None:
    t = [0.0]
    c = ScaledClock(60.0, start=1000.0, monotonic=lambda: t[0])
    assert c() == 1000.0
    t[0] = 2.0
    assert c() == 1120.0
    c.rebase(5000.0)
    t[0] = 3.0
    assert c() == 5060.0
    with pytest.raises(ValueError, match="time speed must be positive"):
        ScaledClock(0)
