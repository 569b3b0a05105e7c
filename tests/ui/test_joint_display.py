"""A joint incident at the console: the queue counts its departments, the detail panel lists
each with its state and clock, the acknowledge/respond forms pick the department, and a shift
lead's escalate form offers levels further up (越级)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt

from dispatch.domain import commands as cmd
from dispatch.domain.roles import Actor, Role
from dispatch.domain.status import EscalationLevel, IncidentStatus
from tests.domain.helpers import DISPATCHER, FIELD
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import report_at, shown, top_level_items
from widgets.action_forms.department_step import DepartmentStepForm
from widgets.action_forms.escalate import EscalateForm
from widgets.action_forms.release_department import ReleaseDepartmentForm
from widgets.actions import ConsoleActions
from widgets.detail_panel import IncidentDetail
from widgets.incident_cells import Column
from widgets.incident_model import IncidentTableModel

pytestmark = pytest.mark.ui
S = IncidentStatus
GAS_LEAK = "0304"
FOUR = ("police", "emergency", "fire", "traffic_police")


def gas_leak(engine: Any, console: Any) -> str:
    iid = report_at(engine, 3, GAS_LEAK, source="grid_worker")
    engine.execute(cmd.AssignUnits(iid, (), FOUR[0], FOUR[1:]), DISPATCHER)
    console.apply_changes(*engine.state.take_changes())
    return iid


def run(engine: Any, console: Any, command: Any, actor: Any = FIELD) -> None:
    engine.execute(command, actor)
    console.apply_changes(*engine.state.take_changes())


def rows(detail: IncidentDetail) -> list[tuple[str, str, str]]:
    return [(i.text(0), i.text(1), i.text(2)) for i in top_level_items(detail.departments)]


def test_queue_cell_counts_the_departments(console: Any, busy_engine: Any) -> None:
    iid = gas_leak(busy_engine, console)
    model = IncidentTableModel(console)
    row = model.row_of(iid)
    assert row is not None

    def status() -> str:
        return str(model.index(row, Column.STATUS).data(Qt.ItemDataRole.DisplayRole))

    assert status() == "Dispatched · 0/4 acknowledged"
    changed: list[Any] = []
    model.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), b.row())))
    run(busy_engine, console, cmd.Acknowledge(iid, "fire"))
    assert any(a <= row <= b for a, b in changed), "the row was not refreshed"
    assert status() == "Acknowledged · 1/4 acknowledged"
    for d in ("police", "emergency", "traffic_police"):
        run(busy_engine, console, cmd.Acknowledge(iid, d))
    run(busy_engine, console, cmd.Respond(iid, "明火已控制", "fire"))
    run(busy_engine, console, cmd.Respond(iid, "人员已疏散", "emergency"))
    assert status() == "Handling · 2/4 responded"
    tip = str(model.index(row, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole))
    assert tip.splitlines()[1:] == [
        f"{console.department_name('police')} · Lead · Acknowledged",
        f"{console.department_name('emergency')} · Assisting · Responded",
        f"{console.department_name('fire')} · Assisting · Responded",
        f"{console.department_name('traffic_police')} · Assisting · Acknowledged"]
    run(busy_engine, console, cmd.Respond(iid, "险情排除", "police"))
    run(busy_engine, console, cmd.Respond(iid, "交通恢复", "traffic_police"))
    assert status() == "Responded"


def test_detail_panel_lists_each_department_with_its_state_and_clock(
        console: Any, busy_engine: Any, clock: Any, qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    iid = gas_leak(busy_engine, console)
    console.select_incident(iid, "test")
    assert not d.departments.isHidden()
    assert [r[1:] for r in rows(d)] == [("Lead", "Dispatched")] + [("Assisting", "Dispatched")] * 3
    assert [r[0] for r in rows(d)] == [console.department_name(x) for x in FOUR]
    clocks = [i.text(3) for i in top_level_items(d.departments)]
    assert all(c.startswith("Acknowledge due") and c.endswith("running") for c in clocks)

    run(busy_engine, console, cmd.Acknowledge(iid, "fire"))
    inc = busy_engine.state.incidents[iid]
    clock.t = (inc.ack_due or 0) + 60  # the others have not signed in time
    d.refresh()
    got = {r[0]: (r[2], i.text(3))
           for r, i in zip(rows(d), top_level_items(d.departments), strict=True)}
    assert got[console.department_name("fire")][0] == "Acknowledged"
    assert got[console.department_name("fire")][1].startswith("Handle due")
    assert got[console.department_name("police")][1].endswith("overdue")
    run(busy_engine, console, cmd.ReleaseDepartment(iid, "traffic_police", "无需交通管制"),
        DISPATCHER)
    assert rows(d)[3][2] == "Released"

    # a single-department incident shows no department table
    single = next(i for i in busy_engine.populated["dispatched"]
                  if len(busy_engine.state.incidents[i].departments) == 1)
    console.select_incident(single, "test")
    assert d.departments.isHidden()


def test_acknowledge_and_respond_forms_pick_the_department(console: Any, shell: Any,
                                                           busy_engine: Any, qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    iid = gas_leak(busy_engine, console)
    run(busy_engine, console, cmd.Acknowledge(iid, "police"))
    console.select_incident(iid, "test")
    d.perform("acknowledge")
    form = d.form
    assert isinstance(form, DepartmentStepForm)
    offered = [form.department.itemData(i) for i in range(form.department.count())]
    assert offered == ["emergency", "fire", "traffic_police", ""]  # "" = all of them
    assert form.chosen() == "emergency"  # the first not yet acknowledged
    form.choose("fire")
    d.submit_form()
    assert shell.requests[-1][0] == cmd.Acknowledge(iid, "fire")
    assert busy_engine.state.incidents[iid].tasks[2].state == "acknowledged"

    d.perform("respond")
    form = d.form
    assert isinstance(form, DepartmentStepForm)
    assert form.chosen() == "police"
    assert form.text is not None
    form.text.setText("险情已排除")
    d.submit_form()
    assert shell.requests[-1][0] == cmd.Respond(iid, "险情已排除", "police")
    assert busy_engine.state.incidents[iid].status == S.HANDLING  # one has responded

    d.perform("release_department")
    assert isinstance(d.form, ReleaseDepartmentForm)
    d.form.department.setCurrentIndex(d.form.department.findData("traffic_police"))
    d.form.reason.setText("无需交通管制")
    d.submit_form()
    assert shell.requests[-1][0] == cmd.ReleaseDepartment(iid, "traffic_police", "无需交通管制")


def test_a_shift_lead_may_pick_a_level_further_up(console: Any, shell: Any, busy_engine: Any,
                                                  qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    iid = gas_leak(busy_engine, console)  # urgent
    console.select_incident(iid, "test")
    d.perform("escalate")
    form = d.form
    assert isinstance(form, EscalateForm)
    assert form.level_choice is not None
    assert [form.level_choice.itemData(i) for i in range(form.level_choice.count())] == [
        EscalationLevel.COMMUNITY, EscalationLevel.STREET, EscalationLevel.DISTRICT,
        EscalationLevel.CITY]
    assert "skipping levels" in form.level_choice.itemText(2)
    form.choose_level(EscalationLevel.DISTRICT)
    form.reason.setText("燃气泄漏影响居民楼")
    d.submit_form()
    assert shell.requests[-1][0] == cmd.Escalate(iid, "district", "燃气泄漏影响居民楼")
    assert busy_engine.state.incidents[iid].level == EscalationLevel.DISTRICT

    # a dispatcher sees the next level only
    console.actor = Actor("disp01", Role.DISPATCHER, workstation="ws-01")
    other = gas_leak(busy_engine, console)
    console.select_incident(other, "test")
    d.perform("escalate")
    assert isinstance(d.form, EscalateForm)
    assert d.form.level_choice is None
