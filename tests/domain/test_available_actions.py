"""Available actions: asked of the handlers, so they match what the server accepts."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from dispatch.domain import commands as cmd
from dispatch.domain.available_actions import (
    ACTION_KEYS,
    PROBES,
    available_actions,
    closable_reasons,
    closure_refusals,
)
from dispatch.domain.roles import Actor, Role
from dispatch.domain.status import CloseReason
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, WALL, free_units, report


def actions(engine: Any, iid: str, actor: Actor = LEAD) -> frozenset[str]:
    return available_actions(engine.state.incidents[iid], actor, engine.catalogue, engine.city,
                             now=engine.clock())


def dispatched(engine: Any) -> str:
    iid = report(engine)
    lead = engine.catalogue.lead_department_of(engine.state.incidents[iid].class_code)
    engine.execute(cmd.AssignUnits(iid, free_units(engine, lead)), DISPATCHER)
    return iid


def test_keys_cover_the_probes() -> None:
    assert set(PROBES) | {"close"} == set(ACTION_KEYS)


def test_reported(engine: Any) -> None:
    iid = report(engine)
    assert actions(engine, iid) == {"register", "cancel", "assign", "close", "duplicate",
                                    "escalate", "supervise", "note", "urge"}
    assert closable_reasons(engine.state.incidents[iid], LEAD, engine.catalogue,
                            engine.city) == ("duplicate",)


def test_through_the_workflow(engine: Any, clock: Any) -> None:
    iid = dispatched(engine)
    got = actions(engine, iid)
    assert {"acknowledge", "return", "release", "request_extension", "park", "assign"} <= got
    assert not got & {"register", "cancel", "verify", "respond", "close_fixed", "unpark",
                      "approve_extension", "evaluate"}
    engine.execute(cmd.Acknowledge(iid), FIELD)
    assert {"handle", "respond", "return"} <= actions(engine, iid)
    engine.execute(cmd.RequestExtension(iid, 60, "parts"), FIELD)
    got = actions(engine, iid)
    assert {"approve_extension", "reject_extension"} <= got
    assert "request_extension" not in got
    # a dispatcher may not decide extensions or park
    assert not actions(engine, iid, DISPATCHER) & {"approve_extension", "park"}
    engine.execute(cmd.DecideExtension(iid, True), LEAD)
    engine.execute(cmd.Respond(iid, "done"), FIELD)
    got = actions(engine, iid)
    assert {"verify", "rework", "park"} <= got
    assert "respond" not in got
    assert "release" not in got  # units left with the response
    engine.execute(cmd.Verify(iid, True), FIELD)
    got = actions(engine, iid)
    assert {"close", "close_fixed", "rework"} <= got
    assert closable_reasons(engine.state.incidents[iid], LEAD, engine.catalogue,
                            engine.city) == ("fixed", "duplicate", "not_responsible",
                                             "unable_to_fix")
    engine.execute(cmd.CloseIncident(iid, "fixed"), DISPATCHER)
    # a closed hotline case: its call-back (回访) is due
    assert actions(engine, iid) == {"evaluate", "note", "callback"}
    engine.execute(cmd.Evaluate(iid, 5), DISPATCHER)
    assert actions(engine, iid) == {"note", "callback"}
    engine.execute(cmd.Callback(iid, "satisfied"), DISPATCHER)
    assert actions(engine, iid) == {"note"}


def test_park_supervise_escalate(engine: Any) -> None:
    iid = dispatched(engine)
    engine.execute(cmd.Supervise(iid, True), LEAD)
    got = actions(engine, iid)
    assert "unsupervise" in got
    assert "supervise" not in got
    engine.execute(cmd.Park(iid, "funds"), LEAD)
    got = actions(engine, iid)
    assert "unpark" in got
    assert "escalate" not in got
    assert "park" not in got
    engine.execute(cmd.Unpark(iid), LEAD)
    for level in ("community", "street", "district", "city"):
        assert "escalate" in actions(engine, iid)
        engine.execute(cmd.Escalate(iid, level, "harder"), LEAD)
    assert "escalate" not in actions(engine, iid)  # already at city level


def test_roles_and_scope(engine: Any) -> None:
    iid = report(engine)
    grid = engine.state.incidents[iid].grid
    assert actions(engine, iid, WALL) == frozenset()
    assert actions(engine, iid, FIELD) == {"note", "urge"}  # a repeat call via 12345
    elsewhere = Actor("d2", Role.DISPATCHER, scope="999999")
    assert actions(engine, iid, elsewhere) == frozenset()
    mine = Actor("d3", Role.DISPATCHER, scope=grid[:9])
    assert "register" in actions(engine, iid, mine)


def test_cancelled_and_duplicates(engine: Any) -> None:
    a, b = report(engine), report(engine, index=1)
    engine.execute(cmd.LinkDuplicate(b, a), DISPATCHER)
    assert actions(engine, b) == {"evaluate", "note"}  # closed (as a duplicate)
    engine.execute(cmd.CancelIncident(a, "prank"), DISPATCHER)
    assert actions(engine, a) == {"note"}


@pytest.mark.parametrize("actor", [LEAD, DISPATCHER, FIELD])
def test_probing_changes_nothing(engine: Any, actor: Any) -> None:
    iid = dispatched(engine)
    before = pickle.dumps(engine.state)
    actions(engine, iid, actor)
    assert pickle.dumps(engine.state) == before
    assert not engine.pending


def test_closure_refusals_say_why(engine: Any) -> None:
    iid = dispatched(engine)
    got = closure_refusals(engine.state.incidents[iid], LEAD, engine.catalogue, engine.city)
    assert list(got) == [r.value for r in CloseReason]
    assert "only when verified" in got["fixed"]
    assert got["duplicate"] == ""
    assert got["not_responsible"] == ""
    assert tuple(r for r, why in got.items() if not why) == closable_reasons(
        engine.state.incidents[iid], LEAD, engine.catalogue, engine.city)
