"""Hazards and the caller's phone in the console: the intake form lists the hazards at its
point as soon as it is set and marks a repeat caller; the incident details show the hazards
and, for a role that may see it, the caller's phone; the Hazards editor saves and removes."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt

from dispatch.domain import commands as cmd
from tests.domain.helpers import LEAD, WALL, grid_point
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import FakeShell, MirroredConsole, shown
from widgets import theme
from widgets.actions import ConsoleActions
from widgets.detail_panel import IncidentDetail
from widgets.hazard_editor import HazardEditor
from widgets.intake_dialog import IntakeDialog

pytestmark = pytest.mark.ui


def add_hazards(engine: Any) -> tuple[float, float, str]:
    """A gas station (150 m) at grid 5's point and a care home on the whole grid 5."""
    lon, lat, grid = grid_point(engine, 5)
    engine.execute(cmd.SetHazard("HZ-GAS", "gas_station", "金鸡湖加油站", "禁止明火",
                                 lon, lat, 150.0), LEAD)
    engine.execute(cmd.SetHazard("HZ-CARE", "care_home", "夕阳红养老院", "老人多",
                                 grid=grid), LEAD)
    return lon, lat, grid


def test_the_intake_form_lists_the_hazards_at_its_point(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any, qtmodeltester: Any) -> None:
    lon, lat, grid = add_hazards(busy_engine)
    reads = shell.hazard_reads
    dlg = shown(IntakeDialog(console), qtbot, 1040, 680)
    assert shell.hazard_reads == reads + 1  # read again when the form opens
    assert dlg.hazards.ids() == []
    dlg.set_point(lon, lat, "click")  # at once, before any class is chosen
    assert dlg.grid == grid
    assert dlg.hazards.ids() == ["HZ-CARE", "HZ-GAS"]  # the grid's first, then by distance
    dlg.set_point(lon + 0.0005, lat, "click")  # ~50 m east: inside the station's radius
    assert "HZ-GAS" in dlg.hazards.ids()
    assert dlg.hazards.heading.text() == "⚠ Hazards at this place: 2"
    model = dlg.hazards.model
    qtmodeltester.check(model)
    row = dlg.hazards.ids().index("HZ-GAS")
    assert model.data(model.index(row, 1)) == "金鸡湖加油站"
    assert "m away" in model.data(model.index(row, 2))
    assert model.data(model.index(row, 0),
                      Qt.ItemDataRole.ForegroundRole).color().name() == theme.WARNING
    assert dlg.hazards.table.isVisible()
    far = next(g.code for g in busy_engine.city.grids() if g.code != grid)
    flon, flat = (lambda p: (p.x, p.y))(busy_engine.city.regions[far].geometry
                                        .representative_point())
    dlg.set_point(flon, flat, "click")
    assert dlg.hazards.ids() == []
    assert "No hazard" in dlg.hazards.heading.text()
    assert not dlg.hazards.table.isVisible()


def test_the_intake_history_marks_a_repeat_caller(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    lon, lat, _grid = grid_point(busy_engine, 7)
    out = busy_engine.execute(cmd.ReportIncident("hotline", next(iter(
        busy_engine.catalogue.problems)), lon, lat, "路灯不亮", phone="138-0013-8000"), LEAD)
    earlier = out.events[0].incident_id
    console.apply_changes(*busy_engine.state.take_changes())
    dlg = shown(IntakeDialog(console), qtbot, 1040, 680)
    dlg.set_point(lon, lat, "click")
    qtbot.waitUntil(lambda: earlier in dlg.refresh_history())
    row = dlg.history.ids().index(earlier)
    assert not dlg.history.model.rows[row].repeat_caller
    dlg.phone.setText("13800138000")
    dlg.phone.editingFinished.emit()
    assert shell.caller_queries == ["13800138000"]
    qtbot.waitUntil(lambda: earlier in dlg.history.ids()
                    and dlg.history.model.rows[dlg.history.ids().index(earlier)].repeat_caller)
    row = dlg.history.ids().index(earlier)
    assert "repeat caller" in dlg.history.model.data(dlg.history.model.index(row, 5))


def test_the_details_show_hazards_and_the_callers_phone_to_a_shift_lead(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    lon, lat, _grid = add_hazards(busy_engine)
    out = busy_engine.execute(cmd.ReportIncident("hotline", next(iter(
        busy_engine.catalogue.problems)), lon, lat, "闻到燃气味", phone="0512-65223456"), LEAD)
    iid = out.events[0].incident_id
    console.apply_changes(*busy_engine.state.take_changes())
    shell.on_hazards_wanted()
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot)
    d.show_incident(iid)
    notes = d.place_notes
    assert shell.phone_queries == [[iid]]
    qtbot.waitUntil(lambda: notes.phone.text() == "0512-65223456")
    assert notes.phone_row.isVisible()
    assert set(notes.hazards.ids()) == {"HZ-GAS", "HZ-CARE"}
    # a hazard removed on the server goes when the console reads them again
    busy_engine.execute(cmd.RemoveHazard("HZ-GAS"), LEAD)
    console.request_hazards()
    qtbot.waitUntil(lambda: notes.hazards.ids() == ["HZ-CARE"])


def test_a_wall_role_sees_hazards_but_no_phone_and_asks_for_none(
        busy_engine: Any, clock: Any, qapp: Any, qtbot: Any) -> None:
    lon, lat, _grid = add_hazards(busy_engine)
    busy_engine.execute(cmd.ReportIncident("hotline", next(iter(
        busy_engine.catalogue.problems)), lon, lat, "闻到燃气味", phone="13912345678"), LEAD)
    wall = MirroredConsole(busy_engine, WALL, now=clock)
    shell = FakeShell(busy_engine, wall)
    iid = max(busy_engine.state.incidents)
    d = shown(IncidentDetail(wall, ConsoleActions(wall)), qtbot)
    d.show_incident(iid)
    assert shell.phone_queries == []
    assert not d.place_notes.phone_row.isVisible()
    assert d.place_notes.phone.text() == ""
    assert "HZ-GAS" in d.place_notes.hazards.ids()


def test_the_editor_saves_and_removes_a_hazard(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any, qtmodeltester: Any) -> None:
    ed = shown(HazardEditor(console), qtbot, 900, 640)
    qtmodeltester.check(ed.model)
    lon, lat, grid = grid_point(busy_engine, 9)
    ed.kind.setCurrentIndex(ed.kind.findData("chemical_plant"))
    ed.name.setText("")
    n = len(shell.requests)
    assert ed.save_hazard() == ""  # refused here: nothing sent
    assert "needs a name" in ed.status.text()
    ed.name.setText("相城化工厂")
    ed.text.setPlainText("危化品：氯气")
    ed.set_point(lon, lat)  # as a map click
    assert ed.grid.text() == grid
    ed.radius.setValue(5)
    assert ed.save_hazard() == ""
    assert len(shell.requests) == n
    assert "10 to 5000" in ed.status.text()
    ed.radius.setValue(800)
    ed.save_hazard()
    assert "Saved on the server" in ed.status.text()
    hid = ed.hazard_id
    h = busy_engine.state.hazards[hid]
    assert (h.kind, h.name, h.radius_m, h.grid) == ("chemical_plant", "相城化工厂", 800.0, grid)
    qtbot.waitUntil(lambda: ed.model.row_of(hid) >= 0)  # read back after the command
    qtmodeltester.check(ed.model)
    # the server's refusal is shown: an unknown grid
    ed.start_new()
    ed.name.setText("变电站")
    ed.at_grid.setChecked(True)
    ed.grid.setText("320508999999999")
    ed.save_hazard()
    assert "no grid '320508999999999'" in ed.status.text()
    # remove the one saved
    ed.load(busy_engine.state.hazards[hid])
    assert ed.name.text() == "相城化工厂"
    ed.remove_hazard()
    assert hid not in busy_engine.state.hazards
    qtbot.waitUntil(lambda: ed.model.row_of(hid) < 0)
    assert "Removed on the server" in ed.status.text()
