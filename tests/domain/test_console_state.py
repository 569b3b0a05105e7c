"""The console's Qt-free part: the state shown, selection, requests in flight, and the domain
questions the panels ask (available actions, recommendations, duplicate candidates), plus the
time limits a replay follows."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from dispatch.domain import commands as cmd
from dispatch.domain.available_actions import available_actions
from dispatch.domain.state import DispatchState
from dispatch.services.console_state import ConsoleState, OpenDues
from tests.domain.helpers import DISPATCHER, LEAD, WALL, free_units, report


def console(engine: Any, actor: Any = LEAD) -> ConsoleState:
    return ConsoleState(engine.state, engine.catalogue, engine.city, actor, now=engine.clock)


def test_it_imports_no_qt() -> None:
    code = ("import sys, dispatch.services.console_state; "
            "sys.exit(any(m.split('.')[0] in ('PySide6', 'shiboken6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_selection_survives_a_replace_not_a_resync(engine: Any) -> None:
    iid = report(engine)
    c = console(engine)
    assert c.select(iid)
    assert c.selected_incident == iid
    assert not c.select(iid)  # already selected: nothing to announce
    earlier = DispatchState()
    c.replace(earlier)  # a replay's jump to before the report: the selection stays
    assert c.state is earlier
    assert c.selected_incident == iid
    c.resync(engine.state)
    assert c.selected_incident == iid  # still there
    c.resync(DispatchState())
    assert c.selected_incident == ""
    assert c.select("") is False


def test_requests_are_tracked_by_context(engine: Any) -> None:
    c = console(engine)
    a = c.track(cmd.AddNote("E1", "a"))
    b = c.track(cmd.AddNote("E1", "b"))
    mine = c.track(cmd.AddNote("E1", "c"), "intake-7")
    assert len({a, b, mine}) == 3
    assert mine == "intake-7"
    assert c.new_context("x") not in (a, b)
    assert c.finish(a) == cmd.AddNote("E1", "a")
    assert set(c.pending) == {b, mine}
    assert c.finish(a) is None


def test_available_actions_follow_the_record_and_the_actor(engine: Any) -> None:
    iid = report(engine)
    c = console(engine)
    inc = engine.state.incidents[iid]
    assert c.available_actions(iid) == available_actions(inc, LEAD, engine.catalogue,
                                                         engine.city, now=engine.clock())
    assert "register" in c.available_actions(iid)
    engine.execute(cmd.RegisterIncident(iid), DISPATCHER)  # a new version: asked again
    assert "register" not in c.available_actions(iid)
    c.actor = WALL
    assert c.available_actions(iid) == frozenset()
    assert c.available_actions("no such incident") == frozenset()
    assert c.closable_reasons("no such incident") == ()


def test_recommendations_and_duplicates(engine: Any) -> None:
    first = report(engine)
    engine.clock.advance(60)
    again = report(engine)  # same class, same place, a minute later
    c = console(engine)
    assert [i.id for i in c.duplicate_candidates(again)] == [first]
    assert c.duplicate_candidates(first) == []
    lead = engine.catalogue.lead_department_of(engine.state.incidents[first].class_code)
    got = c.recommend(first, [lead], limit=3)
    assert 0 < len(got) <= 3
    assert c.recommend("no such incident") == []
    unit = free_units(engine, lead)[0]
    assert c.unit(unit) is engine.state.units[unit]
    assert c.unit_name(unit) == engine.state.units[unit].name
    assert c.unit_name("U-none") == "U-none"
    assert c.incident(first) is engine.state.incidents[first]


def test_open_dues_find_the_clocks_that_ran_out(engine: Any) -> None:
    iid = report(engine)
    engine.execute(cmd.RegisterIncident(iid), DISPATCHER)
    inc = engine.state.incidents[iid]
    assert inc.dispatch_due is not None
    dues = OpenDues()
    dues.index(engine.state)
    t = inc.dispatch_due
    assert iid in dues.between(t - 1, t + 1)
    assert iid in dues.between(t + 1, t - 1)  # backwards too (a replay going back)
    assert iid not in dues.between(t + 1, t + 2)
    engine.execute(cmd.CancelIncident(iid, "test"), LEAD)  # no longer open: no clock
    dues.index(engine.state, {iid})
    assert dues.between(0, 1e12) == set()
    dues.index(engine.state, [])
    assert dues.between(0, 1e12) == set()
