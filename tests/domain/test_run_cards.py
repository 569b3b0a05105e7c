"""Run cards (response plans) and the departments an assignment puts on an incident."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest

from dispatch.adapters.run_cards_file import read_run_cards
from dispatch.adapters.store.snapshot_codec import decode_state, encode_state
from dispatch.domain import commands as cmd
from dispatch.domain.assign_departments import class_departments, resulting_departments
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.errors import DispatchError, Forbidden, InvalidCommand, NotFound
from dispatch.domain.projection import apply_all
from dispatch.domain.roles import Actor, Role
from dispatch.domain.runcards import card_for, check_card, plan_units
from dispatch.domain.state import DispatchState, RunCard
from dispatch.domain.status import UnitStatus
from dispatch.services.engine import DispatchEngine
from tests.domain.helpers import DISPATCHER, LEAD, free_units, report

ADMIN = Actor("admin", Role.ADMIN, workstation="ws-admin")
GAS_LEAK = "0304"  # lead housing, assisting fire and police


def unchanged(engine: DispatchEngine, fn: Callable[[], object]) -> DispatchError:
    before = pickle.dumps(engine.state)
    with pytest.raises(DispatchError) as info:
        fn()
    assert pickle.dumps(engine.state) == before
    return info.value


# ------------------------------------------------------------------ departments of an assign


def test_an_explicit_empty_assist_list_sends_the_lead_alone(engine: DispatchEngine) -> None:
    iid = report(engine, class_code=GAS_LEAK)
    unit = free_units(engine, "housing")
    engine.execute(cmd.AssignUnits(iid, unit, exact_departments=True), DISPATCHER)
    inc = engine.state.incidents[iid]
    assert (inc.lead_department, inc.assist_departments) == ("housing", ())


def test_an_old_client_without_the_flag_still_gets_the_class_defaults(
        engine: DispatchEngine) -> None:
    iid = report(engine, class_code=GAS_LEAK)
    engine.execute(cmd.AssignUnits(iid, free_units(engine, "housing")), DISPATCHER)
    inc = engine.state.incidents[iid]
    assert (inc.lead_department, inc.assist_departments) == ("housing", ("fire", "police"))


def test_exact_departments_are_exactly_those_named(engine: DispatchEngine) -> None:
    iid = report(engine, class_code=GAS_LEAK)
    units = free_units(engine, "housing") + free_units(engine, "traffic_police")
    engine.execute(cmd.AssignUnits(iid, units, "", ("traffic_police", "fire"),
                                   exact_departments=True), DISPATCHER)
    inc = engine.state.incidents[iid]
    assert inc.departments == ("housing", "traffic_police", "fire")
    assert set(inc.units) == set(units)


def test_exact_refuses_a_unit_of_a_department_not_named(engine: DispatchEngine) -> None:
    iid = report(engine, class_code=GAS_LEAK)
    units = free_units(engine, "housing") + free_units(engine, "water")
    err = unchanged(engine, lambda: engine.execute(
        cmd.AssignUnits(iid, units, "", ("fire",), exact_departments=True), DISPATCHER))
    assert isinstance(err, InvalidCommand)
    assert "water" in err.message
    assert units[1] in err.message


def test_exact_reinforcement_refuses_a_unit_of_a_department_not_on_it(
        engine: DispatchEngine) -> None:
    iid = report(engine, class_code=GAS_LEAK)
    engine.execute(cmd.AssignUnits(iid, free_units(engine, "housing"),
                                   exact_departments=True), DISPATCHER)
    water = free_units(engine, "water")
    unchanged(engine, lambda: engine.execute(
        cmd.AssignUnits(iid, water, exact_departments=True), DISPATCHER))
    engine.execute(cmd.AssignUnits(iid, water, "", ("water",), exact_departments=True),
                   DISPATCHER)
    assert engine.state.incidents[iid].assist_departments == ("water",)


def test_resulting_departments_is_what_the_server_does(engine: DispatchEngine,
                                                       catalogue: Catalogue) -> None:
    iid = report(engine, class_code=GAS_LEAK)
    inc = engine.state.incidents[iid]
    assert class_departments(catalogue, GAS_LEAK) == ("housing", ("fire", "police"))
    c = cmd.AssignUnits(iid, free_units(engine, "police"), "police", ("fire", "police"),
                        exact_departments=True)
    assert resulting_departments(catalogue, inc, c) == ("police", ("fire",))
    engine.execute(c, DISPATCHER)
    inc = engine.state.incidents[iid]
    assert (inc.lead_department, inc.assist_departments) == ("police", ("fire",))


# ------------------------------------------------------------------------------- run cards


def test_the_shipped_cards_are_seeded_when_the_city_is_created(engine: DispatchEngine) -> None:
    shipped = read_run_cards()
    assert len(shipped) >= 8
    assert {(c.class_code, c.priority) for c in shipped} == {
        (c.class_code, c.priority) for c in engine.state.run_cards.values()}
    gas = engine.state.run_cards["0304/urgent"]
    assert ("fire", "fire_engine", 2) in gas.lines
    assert ("traffic_police", "traffic_patrol", 1) in gas.lines


def test_a_shift_lead_sets_and_removes_a_card(engine: DispatchEngine) -> None:
    lines = (("water", "drainage_crew", 3), ("city_mgmt", "road_repair_crew", 1))
    engine.execute(cmd.SetRunCard("0517", lines), LEAD)
    assert engine.state.run_cards["0517"] == RunCard("0517", "", lines)
    engine.execute(cmd.SetRunCard("0517", lines[:1], "urgent"), ADMIN)
    assert engine.state.run_cards["0517/urgent"].lines == lines[:1]
    engine.execute(cmd.RemoveRunCard("0517"), LEAD)
    assert "0517" not in engine.state.run_cards
    assert "0517/urgent" in engine.state.run_cards


def test_a_dispatcher_may_not_edit_cards(engine: DispatchEngine) -> None:
    err = unchanged(engine, lambda: engine.execute(
        cmd.SetRunCard("0517", (("water", "drainage_crew", 1),)), DISPATCHER))
    assert isinstance(err, Forbidden)
    err = unchanged(engine, lambda: engine.execute(cmd.RemoveRunCard("0304"), DISPATCHER))
    assert isinstance(err, Forbidden)


@pytest.mark.parametrize(("class_code", "priority", "lines", "words"), [
    ("9999", "", (("fire", "fire_engine", 1),), "no event class '9999'"),
    ("030401", "", (("fire", "fire_engine", 1),), "minor class"),
    ("0304", "soon", (("fire", "fire_engine", 1),), "unknown priority 'soon'"),
    ("0304", "", (), "at least one line"),
    ("0304", "", (("gas_co", "fire_engine", 1),), "line 1: unknown department 'gas_co'"),
    ("0304", "", (("fire", "jetpack", 1),), "line 1: unknown unit type 'jetpack'"),
    ("0304", "", (("police", "fire_engine", 1),), "belongs to fire, not police"),
    ("0304", "", (("fire", "fire_engine", 0),), "whole number from 1 to 20"),
    ("0304", "", (("fire", "fire_engine", 1), ("fire", "fire_engine", 2)), "twice"),
])
def test_a_bad_card_is_refused_with_what_is_wrong(engine: DispatchEngine, class_code: str,
                                                  priority: str, lines: tuple[
                                                      tuple[str, str, int], ...],
                                                  words: str) -> None:
    err = unchanged(engine, lambda: engine.execute(
        cmd.SetRunCard(class_code, lines, priority), LEAD))
    assert isinstance(err, InvalidCommand)
    assert words in err.message


def test_removing_a_card_that_is_not_there_is_refused(engine: DispatchEngine) -> None:
    err = unchanged(engine, lambda: engine.execute(cmd.RemoveRunCard("0517", "low"), LEAD))
    assert isinstance(err, NotFound)


def test_the_card_of_an_incident_prefers_its_priority(catalogue: Catalogue) -> None:
    any_p = check_card(catalogue, "0304", "", (("fire", "fire_engine", 1),))
    urgent = check_card(catalogue, "0304", "urgent", (("fire", "fire_engine", 2),))
    cards = {any_p.key: any_p, urgent.key: urgent}
    assert card_for(cards, catalogue, "0304", "urgent") == urgent
    assert card_for(cards, catalogue, "0304", "high") == any_p
    problem = next(p.code for p in catalogue.problems.values() if p.minor == "0304")
    assert card_for(cards, catalogue, problem, "urgent") == urgent
    assert card_for(cards, catalogue, "0701", "urgent") is None


def test_plan_takes_the_nearest_available_units_and_counts_the_shortfall(
        engine: DispatchEngine) -> None:
    iid = report(engine, class_code=GAS_LEAK)
    inc = engine.state.incidents[iid]
    hazmat = [u for u in engine.state.units.values() if u.unit_type == "hazmat_team"]
    for u in hazmat:  # none available
        engine.execute(cmd.SetUnitStatus(u.id, UnitStatus.OUT_OF_SERVICE.value), DISPATCHER)
    card = RunCard(GAS_LEAK, "", (("fire", "fire_engine", 2), ("fire", "hazmat_team", 1),
                                  ("police", "patrol_car", 1)))
    lines = plan_units(engine.state, engine.catalogue, inc, card, within="")
    engines, haz, police = lines
    assert len(engines.units) == 2
    assert engines.short == 0
    assert all(r.unit_type == "fire_engine" and r.status == UnitStatus.AVAILABLE
               for r in engines.units)
    assert engines.units[0].distance_m <= engines.units[1].distance_m
    others = [u for u in engine.state.units.values()
              if u.unit_type == "fire_engine" and u.status == UnitStatus.AVAILABLE
              and u.id not in {r.unit_id for r in engines.units}]
    assert all(o.lon != inc.lon or o.lat != inc.lat for o in others)
    assert haz.units == ()
    assert haz.short == 1
    assert len(police.units) == 1


def test_cards_survive_a_snapshot_a_copy_and_a_replay(engine: DispatchEngine) -> None:
    before = engine.state.copy()
    out = engine.execute(cmd.SetRunCard("0517", (("water", "drainage_crew", 3),), "low"), LEAD)
    out2 = engine.execute(cmd.RemoveRunCard("0304"), LEAD)
    assert apply_all(before, [*out.events, *out2.events]).run_cards == engine.state.run_cards
    back = decode_state(encode_state(engine.state))
    assert back.run_cards == engine.state.run_cards
    assert "0517/low" in back.run_cards
    assert "0304" not in back.run_cards
    assert engine.state.copy().run_cards == engine.state.run_cards
    assert decode_state(encode_state(DispatchState())).run_cards == {}


def test_spelled_out_names_every_department_an_assign_puts_on(engine: DispatchEngine,
                                                              catalogue: Catalogue) -> None:
    from dispatch.domain.assign_departments import spelled_out

    iid = report(engine, class_code=GAS_LEAK)
    water = free_units(engine, "water")
    c = spelled_out(catalogue, engine.state, cmd.AssignUnits(iid, water, "", ("fire",)))
    assert c.exact_departments
    assert c.assist_departments == ("fire", "police", "water")
    engine.execute(c, DISPATCHER)
    traffic = free_units(engine, "traffic_police")
    again = spelled_out(catalogue, engine.state, cmd.AssignUnits(iid, traffic))
    assert again.assist_departments == ("traffic_police",)
    unknown = cmd.AssignUnits("E999999", water)
    assert spelled_out(catalogue, engine.state, unknown) is unknown
