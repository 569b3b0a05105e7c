"""The assign form: the departments it will send, the run card's plan, what it sends."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt

from dispatch.domain import commands as cmd
from dispatch.domain.status import UnitStatus
from tests.domain.helpers import LEAD
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import report_at, top_level_items
from widgets.action_forms.assign import AssignForm

pytestmark = pytest.mark.ui
ROLE = Qt.ItemDataRole.UserRole


def gas_leak(engine: Any, console: Any, priority: str = "urgent") -> str:
    iid = report_at(engine, 3, "0304", priority=priority, description="燃气泄漏，有人被困")
    console.apply_changes(*engine.state.take_changes())
    return iid


def form_for(console: Any, qtbot: Any, iid: str) -> AssignForm:
    form = AssignForm(console, iid)
    qtbot.addWidget(form)
    form.resize(560, 760)
    form.show()
    return form


def ticked_units(form: AssignForm) -> set[str]:
    return set(form.checked_units())


def test_the_departments_shown_are_the_lead_the_defaults_and_the_card(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    iid = gas_leak(busy_engine, console)
    form = form_for(console, qtbot, iid)
    # lead housing, class defaults fire and police, the urgent card adds emergency and
    # traffic police: all ticked, in that order
    assert form.ticked_departments() == ("housing", "fire", "police", "emergency",
                                         "traffic_police")
    assert "(lead)" in form.summary.text()
    for code in form.ticked_departments():
        assert console.department_name(code) in form.summary.text()
    lead_item = form._dept_item("housing")
    assert lead_item is not None
    assert not lead_item.flags() & Qt.ItemFlag.ItemIsUserCheckable  # the lead stays


def test_the_form_is_prefilled_from_the_run_card(console: Any, shell: Any, busy_engine: Any,
                                                 qtbot: Any) -> None:
    iid = gas_leak(busy_engine, console)
    form = form_for(console, qtbot, iid)
    card = console.run_cards["0304/urgent"]
    rows = form.plan_rows()
    assert len(rows) == len(card.lines)
    assert form.plan.isVisible()
    units = busy_engine.state.units
    ticked = ticked_units(form)
    for dept, utype, count in card.lines:
        mine = [u for u in ticked if units[u].unit_type == utype]
        available = [u for u in units.values()
                     if u.unit_type == utype and u.status == UnitStatus.AVAILABLE]
        assert len(mine) == min(count, len(available)), (dept, utype)
        assert all(units[u].department == dept for u in mine)
    assert "×2" in next(what for what, _found in rows if "fire_engine" in what
                        or console.unit_type_name("fire_engine") in what)


def test_a_type_without_available_units_says_none_available(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    for u in list(busy_engine.state.units.values()):
        if u.unit_type in ("traffic_patrol", "fire_engine"):
            busy_engine.state.units[u.id].status = UnitStatus.OUT_OF_SERVICE
    fire = sorted(u.id for u in busy_engine.state.units.values() if u.unit_type == "fire_engine")
    busy_engine.state.units[fire[0]].status = UnitStatus.AVAILABLE  # one of the two asked for
    console.reset(busy_engine.state)
    iid = gas_leak(busy_engine, console)
    form = form_for(console, qtbot, iid)
    found = {what: got for what, got in form.plan_rows()}
    traffic = next(k for k in found if console.unit_type_name("traffic_patrol") in k)
    engines = next(k for k in found if console.unit_type_name("fire_engine") in k)
    assert found[traffic] == "none available"
    assert found[engines] == "1 available"
    assert fire[0] in ticked_units(form)


def test_ticking_a_unit_of_another_department_adds_it_visibly(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    iid = gas_leak(busy_engine, console, priority="normal")  # the class's card: 3 departments
    form = form_for(console, qtbot, iid)
    form.all_departments.setChecked(True)
    before = form.ticked_departments()
    row = next(r for r in top_level_items(form.units) if r.data(1, ROLE) not in before)
    other = row.data(1, ROLE)
    row.setCheckState(0, Qt.CheckState.Checked)
    assert form.ticked_departments() == (*before, other)
    assert form.note.isVisible()
    assert console.department_name(other) in form.note.text()
    assert row.text(0) in form.note.text()
    assert console.department_name(other) in form.summary.text()
    command = form.build()
    assert isinstance(command, cmd.AssignUnits)
    assert command.assist_departments[-1] == other


def test_unticking_a_department_unticks_its_units_and_says_so(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    iid = gas_leak(busy_engine, console)
    form = form_for(console, qtbot, iid)
    units = busy_engine.state.units
    assert any(units[u].department == "fire" for u in ticked_units(form))
    item = form._dept_item("fire")
    assert item is not None
    item.setCheckState(Qt.CheckState.Unchecked)
    assert "fire" not in form.ticked_departments()
    assert not any(units[u].department == "fire" for u in ticked_units(form))
    assert form.note.isVisible()
    assert "unit" in form.note.text()


def test_what_is_sent_is_what_is_shown(console: Any, shell: Any, busy_engine: Any,
                                       qtbot: Any) -> None:
    iid = gas_leak(busy_engine, console, priority="normal")
    form = form_for(console, qtbot, iid)
    police = form._dept_item("police")
    assert police is not None
    police.setCheckState(Qt.CheckState.Unchecked)  # a class default taken off
    shown = form.ticked_departments()
    ticked = ticked_units(form)
    command = form.build()
    console.request(command)
    sent = shell.requests[-1][0]
    assert isinstance(sent, cmd.AssignUnits)
    assert sent.exact_departments
    assert (sent.lead_department, *sent.assist_departments) == shown
    assert set(sent.units) == ticked
    inc = busy_engine.state.incidents[iid]
    assert inc.departments == shown
    assert "police" not in inc.departments
    assert set(inc.units) == ticked


def test_a_card_edited_meanwhile_is_read_when_the_form_opens(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    busy_engine.execute(cmd.SetRunCard("0304", (("water", "drainage_crew", 1),), "urgent"),
                        LEAD)
    iid = gas_leak(busy_engine, console)
    reads = shell.run_card_reads
    form = form_for(console, qtbot, iid)
    assert shell.run_card_reads == reads + 1
    assert "water" in form.ticked_departments()
    assert len(form.plan_rows()) == 1


def test_as_on_the_command_line_says_and_sends_the_departments(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    from widgets.command_line import CommandLine

    iid = gas_leak(busy_engine, console, priority="normal")
    water = sorted(u.id for u in busy_engine.state.units.values()
                   if u.department == "water" and u.status == UnitStatus.AVAILABLE)[0]
    cl = CommandLine(console)
    qtbot.addWidget(cl)
    cl.edit.setText(f"as {iid} {water} +traffic_police")
    cl.run()
    sent = shell.requests[-1][0]
    assert isinstance(sent, cmd.AssignUnits)
    assert sent.exact_departments
    # the class's lead and defaults, the one named with +, the unit's department
    assert (sent.lead_department or "housing", *sent.assist_departments) == (
        "housing", "fire", "police", "traffic_police", "water")
    text = cl.status.text()
    for code in ("housing", "fire", "police", "traffic_police", "water"):
        assert console.department_name(code) in text
    assert "done" in text
    assert busy_engine.state.incidents[iid].departments == (
        "housing", "fire", "police", "traffic_police", "water")
