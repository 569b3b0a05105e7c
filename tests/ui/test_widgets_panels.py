"""Console panels driven by pytest-qt against a real engine (through a stand-in shell)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from dispatch.domain import commands as cmd
from dispatch.domain import joint
from dispatch.domain.status import IncidentStatus, UnitStatus
from tests.domain.helpers import DISPATCHER, FIELD, grid_point
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import report_at, shown, top_level_items
from widgets.action_forms.assign import AssignForm
from widgets.action_forms.close import CloseForm
from widgets.action_forms.escalate import EscalateForm
from widgets.action_forms.register import RegisterForm
from widgets.actions import ACTIONS, SPECS, ConsoleActions
from widgets.detail_panel import IncidentDetail
from widgets.queue_panel import QueuePanel
from widgets.unit_board import UnitBoard
from widgets.unit_cells import UnitColumn

pytestmark = pytest.mark.ui
S = IncidentStatus


# ------------------------------------------------------------------------------- actions


def test_action_table() -> None:
    keys = [s.key for s in ACTIONS]
    assert len(keys) == len(set(keys))
    shortcuts = [QKeySequence(s.shortcut).toString() for s in ACTIONS]
    assert all(shortcuts)
    assert len(shortcuts) == len(set(shortcuts))
    from dispatch.domain.available_actions import ACTION_KEYS

    incident_keys = {s.key for s in ACTIONS if s.incident}
    assert incident_keys == set(ACTION_KEYS) - {"close_fixed"}
    assert {SPECS[k].shortcut for k in ("register", "assign", "escalate", "close")} == \
        {"Ctrl+R", "Ctrl+D", "Ctrl+E", "Ctrl+L"}
    assert SPECS["focus_command_line"].shortcut == "F2"


def test_actions_follow_the_selection(console: Any, busy_engine: Any) -> None:
    actions = ConsoleActions(console)
    assert not any(actions.action(s.key).isEnabled() for s in ACTIONS if s.incident)
    assert actions.action("new_incident").isEnabled()
    reported = busy_engine.populated["reported"][0]
    console.select_incident(reported, "test")
    enabled = {s.key for s in ACTIONS if s.incident and actions.action(s.key).isEnabled()}
    assert enabled == set(console.available_actions(reported)) - {"close_fixed"}
    assert "register" in enabled
    assert "verify" not in enabled
    # the incident changes under the selection: enablement follows
    busy_engine.execute(cmd.RegisterIncident(reported), DISPATCHER)
    console.apply_changes(*busy_engine.state.take_changes())
    assert not actions.action("register").isEnabled()
    fired: list[tuple[str, str]] = []
    actions.sig_triggered.connect(lambda k, i: fired.append((k, i)))
    actions.action("register").trigger()  # disabled: nothing
    actions.trigger("register")  # not available: nothing
    actions.action("assign").trigger()
    actions.action("focus_command_line").trigger()
    assert fired == [("assign", reported), ("focus_command_line", "")]


def test_context_menu_lists_the_available_actions(console: Any, busy_engine: Any) -> None:
    actions = ConsoleActions(console)
    closed = busy_engine.populated["closed"][0]
    menu = actions.menu_for(closed)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Evaluate…", "Add note…"]
    assert console.selected_incident == closed


# --------------------------------------------------------------------------------- queue


def test_queue_shows_open_incidents_with_counts(console: Any, busy_engine: Any, qtbot: Any) -> None:
    q = shown(QueuePanel(console, ConsoleActions(console)), qtbot, 1400, 700)
    state = busy_engine.state
    open_n = sum(1 for i in state.incidents.values() if i.is_open)
    assert q.proxy.rowCount() == open_n
    assert q.shown.text() == f"{open_n} of 60 shown"
    n_reported = sum(1 for i in state.incidents.values() if i.status == S.REPORTED)
    assert q.status_buttons["reported"].text() == f"Reported {n_reported}"
    assert not q.status_buttons["closed"].isVisible()  # "open only" hides closed statuses
    q.status_buttons["reported"].click()
    assert q.proxy.rowCount() == n_reported
    assert q.priority.itemText(0).startswith("All priorities (")
    q.clear.click()
    assert q.proxy.rowCount() == open_n
    assert not q.status_buttons["reported"].isChecked()
    q.search.setText("E000007")
    assert q.proxy.rowCount() == 1
    q.search.clear()
    q.open_only.setChecked(False)
    assert q.proxy.rowCount() == 60
    q.overdue.setChecked(True)
    assert q.proxy.rowCount() == q.refresh_counts().overdue > 0
    q.region.setCurrentIndex(1)
    district = q.region.itemData(1)
    assert all(q.proxy.id_at(r) and state.incidents[q.proxy.id_at(r)].grid.startswith(district)
               for r in range(q.proxy.rowCount()))


def test_queue_selection_is_shared(console: Any, busy_engine: Any, qtbot: Any) -> None:
    q = shown(QueuePanel(console), qtbot, 1400, 700)
    target = busy_engine.populated["dispatched"][0]
    seen: list[tuple[str, str]] = []
    console.sig_incident_selected.connect(lambda i, o: seen.append((i, o)))
    console.select_incident(target, "map")
    assert q.selected_id() == target
    assert seen == [(target, "map")]  # the queue followed without echoing
    other = q.proxy.id_at(0) if q.proxy.id_at(0) != target else q.proxy.id_at(1)
    q.view.setCurrentIndex(q.proxy.proxy_index_of(other))
    assert console.selected_incident == other
    assert seen[-1] == (other, "queue")


def test_new_urgent_incident_draws_attention_without_taking_focus(console: Any, busy_engine: Any,
                                                                  qtbot: Any) -> None:
    q = shown(QueuePanel(console), qtbot, 1400, 700)
    q.search.setFocus()
    qtbot.waitUntil(q.search.hasFocus)
    beeps: list[int] = []
    q.sound_enabled = False
    urgent_class = next(c for c, m in busy_engine.catalogue.minors.items()
                        if m.priority == "urgent")
    iid = report_at(busy_engine, 11, urgent_class)
    console.apply_changes(*busy_engine.state.take_changes())
    assert q.table.is_flashing(iid)
    assert q.banner.isVisible()
    assert iid in q.banner.text()
    assert q.search.hasFocus()
    assert console.selected_incident != iid
    assert not beeps
    q.banner.click()
    assert console.selected_incident == iid
    assert q.selected_id() == iid
    normal_class = next(c for c, m in busy_engine.catalogue.minors.items()
                        if m.priority == "low")
    q.banner.hide()
    low = report_at(busy_engine, 12, normal_class)
    console.apply_changes(*busy_engine.state.take_changes())
    assert not q.table.is_flashing(low)
    assert not q.banner.isVisible()


# --------------------------------------------------------------------------- unit board


def test_unit_board_filters_and_sets_status(console: Any, shell: Any, busy_engine: Any,
                                            qtbot: Any) -> None:
    b = shown(UnitBoard(console), qtbot, 800, 700)
    units = busy_engine.state.units
    assert "available" in b.summary.text()
    b.mode_buttons["engaged"].click()
    assert b.proxy.availability == "engaged"
    b.mode_buttons["all"].click()
    uid = next(u.id for u in units.values() if u.status == UnitStatus.DISPATCHED)
    assert b.select_unit(uid)
    menu = b.status_menu(uid)
    texts = [a.text() for a in menu.actions()]
    assert "Set En route" in texts
    assert "Set Available" not in texts
    context = b.set_status(uid, UnitStatus.EN_ROUTE)
    assert shell.requests[-1][0] == cmd.SetUnitStatus(uid, "en_route")
    assert shell.requests[-1][2] == context
    assert units[uid].status == UnitStatus.EN_ROUTE
    idx = b.model.unit_index(uid, UnitColumn.STATUS)
    assert idx.data() == "En route"
    incident = units[uid].incident_id
    b._on_double_click(b.proxy.mapFromSource(b.model.unit_index(uid)))
    assert console.selected_incident == incident


# ------------------------------------------------------------------------ detail panel


@pytest.mark.parametrize("kind", ["reported", "registered", "dispatched", "supervised",
                                  "acknowledged", "extension", "parked",
                                  "escalated", "responded", "verified", "closed", "cancelled"])
def test_detail_shows_the_buttons_valid_for_the_status(console: Any, busy_engine: Any, kind: Any,
                                                       qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    iid = busy_engine.populated[kind][0]
    console.select_incident(iid, "test")
    available = console.available_actions(iid)
    assert set(d.visible_actions()) == available - {"close_fixed"}
    assert all(d.buttons[k].isVisible() for k in d.visible_actions())
    inc = busy_engine.state.incidents[iid]
    assert d.id_label.text() == iid
    assert d.status_chip.text() == inc.status.value.capitalize() or kind == "cancelled"
    assert d.fields["description"].text() == inc.description
    assert d.notes.topLevelItemCount() == len(inc.notes)
    assert d.supervised_chip.isVisible() == inc.supervised
    expected = {
        "reported": {"register", "cancel", "assign"},
        "dispatched": {"acknowledge", "return", "release"},
        "extension": {"approve_extension", "reject_extension"},
        "parked": {"unpark"},
        "responded": {"verify", "rework"},
        "verified": {"close", "rework"},
        "closed": {"evaluate"},
    }.get(kind, set())
    assert expected <= set(d.visible_actions())
    if kind in ("closed", "cancelled"):
        assert not {"assign", "escalate", "cancel"} & set(d.visible_actions())


def test_register_through_the_form(console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    iid = busy_engine.populated["reported"][1]
    console.select_incident(iid, "test")
    qtbot.mouseClick(d.buttons["register"], Qt.MouseButton.LeftButton)
    assert isinstance(d.form, RegisterForm)
    assert d.form_box.isVisible()
    d.form.priority.setCurrentIndex(d.form.priority.findData("urgent"))
    qtbot.mouseClick(d.submit, Qt.MouseButton.LeftButton)
    command, version, _ = shell.requests[-1]
    assert command == cmd.RegisterIncident(iid, "", "urgent")
    assert version is not None
    inc = busy_engine.state.incidents[iid]
    assert inc.status == S.REGISTERED
    assert inc.priority == "urgent"
    assert d.form is None
    assert "done" in d.action_status.text()
    assert "register" not in d.visible_actions()


def test_joint_dispatch_from_recommendations(console: Any, shell: Any, busy_engine: Any,
                                             qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    iid = busy_engine.populated["registered"][1]
    console.select_incident(iid, "test")
    inc = busy_engine.state.incidents[iid]
    d.perform("assign")
    form = d.form
    assert isinstance(form, AssignForm)
    assert form.units.topLevelItemCount() > 0
    form.all_departments.setChecked(True)
    lead = form.lead.currentData()
    rows = top_level_items(form.units)
    mine = next(r for r in rows if r.data(1, Qt.ItemDataRole.UserRole) == lead)
    other = next(r for r in rows if r.data(1, Qt.ItemDataRole.UserRole) != lead)
    mine.setCheckState(0, Qt.CheckState.Checked)
    other.setCheckState(0, Qt.CheckState.Checked)
    shown_departments = form.ticked_departments()
    assert shown_departments[0] == lead
    assert other.data(1, Qt.ItemDataRole.UserRole) in shown_departments
    qtbot.mouseClick(d.submit, Qt.MouseButton.LeftButton)
    command = shell.requests[-1][0]
    assert isinstance(command, cmd.AssignUnits)
    assert set(command.units) == {mine.data(0, Qt.ItemDataRole.UserRole),
                                  other.data(0, Qt.ItemDataRole.UserRole)}
    assert command.lead_department == lead
    assert command.exact_departments
    assert inc.status == S.DISPATCHED
    assert inc.departments == shown_departments  # what was shown is what is on it


def test_pending_then_server_error_next_to_the_form(console: Any, shell: Any, busy_engine: Any,
                                                    qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    iid = busy_engine.populated["dispatched"][1]
    console.select_incident(iid, "test")
    d.perform("escalate")
    assert isinstance(d.form, EscalateForm)
    qtbot.mouseClick(d.submit, Qt.MouseButton.LeftButton)
    assert d.form_result.text() == "Reason is required"  # caught before sending
    assert not shell.requests
    d.form.reason.setText("需要社区协调")
    d.form.set_added({"police"})
    shell.hold = True
    context = d.submit_form()
    assert d.form_result.text() == "Sending…"
    assert not d.submit.isEnabled()
    assert shell.requests[-1][0] == cmd.Escalate(iid, "community", "需要社区协调", ("police",))
    # someone else escalates first: our request is now stale and the server says so
    busy_engine.execute(cmd.AddNote(iid, "meanwhile"), DISPATCHER)
    console.apply_changes(*busy_engine.state.take_changes())
    shell.finish(context)
    assert "changed since you looked at it" in d.form_result.text()
    assert d.form is not None
    assert d.submit.isEnabled()
    shell.hold = False
    d.submit_form()
    assert d.form is None
    assert busy_engine.state.incidents[iid].level.name == "COMMUNITY"


def test_immediate_action_and_its_error(console: Any, shell: Any, busy_engine: Any,
                                        qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    # one department: acknowledge goes at once (a joint incident asks which department)
    iid = next(i for i in busy_engine.populated["dispatched"]
               if not joint.is_joint(busy_engine.state.incidents[i]))
    console.select_incident(iid, "test")
    qtbot.mouseClick(d.buttons["acknowledge"], Qt.MouseButton.LeftButton)
    assert shell.requests[-1][0] == cmd.Acknowledge(iid)
    assert busy_engine.state.incidents[iid].status == S.ACKNOWLEDGED
    assert d.action_status.text() == "Acknowledge: done"
    assert "acknowledge" not in d.visible_actions()
    shell.hold = True
    d.perform("handle")
    ctx = shell.requests[-1][2]
    busy_engine.execute(cmd.StartHandling(iid), FIELD)  # another workstation was quicker
    console.apply_changes(*busy_engine.state.take_changes())
    shell.finish(ctx)
    assert "Start handling:" in d.action_status.text()
    assert "changed since you looked at it" in d.action_status.text()


def test_close_as_duplicate_picks_the_original(console: Any, shell: Any, busy_engine: Any,
                                               clock: Any, qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    code = busy_engine.state.incidents["E000001"].class_code
    lon, lat, _ = grid_point(busy_engine, 5)
    first = busy_engine.execute(cmd.ReportIncident("hotline", code, lon, lat, "井盖缺失"),
                                DISPATCHER).events[0].payload.incident_id
    clock.advance(60)
    second = busy_engine.execute(cmd.ReportIncident("citizen_app", code, lon, lat, "同一井盖"),
                                 DISPATCHER).events[0].payload.incident_id
    console.apply_changes(*busy_engine.state.take_changes())
    console.select_incident(second, "test")
    d.perform("duplicate")
    form = d.form
    assert isinstance(form, CloseForm)
    assert form.reason() == "duplicate"
    assert form.candidates.count() >= 1
    assert form.original.text() == ""  # the operator picks the original
    form.candidates.setFocus()
    for _ in range(form.candidates.count()):  # walk the list by key; Space picks
        qtbot.keyClick(form.candidates, Qt.Key.Key_Space)
        if form.original.text() == first:
            break
        qtbot.keyClick(form.candidates, Qt.Key.Key_Down)
    assert form.original.text() == first
    assert not form.buttons["fixed"].isEnabled()  # not verified: only some reasons
    qtbot.mouseClick(d.submit, Qt.MouseButton.LeftButton)
    assert shell.requests[-1][0] == cmd.CloseIncident(second, "duplicate", "",
                                                      duplicate_of=first)
    assert busy_engine.state.incidents[second].duplicate_of == first


def test_quick_note_and_evaluate(console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    iid = busy_engine.populated["closed"][0]
    console.select_incident(iid, "test")
    n = d.notes.topLevelItemCount()
    d.note_edit.setText("回访满意")
    qtbot.keyClick(d.note_edit, Qt.Key.Key_Return)
    assert shell.requests[-1][0] == cmd.AddNote(iid, "回访满意")
    assert shell.requests[-1][1] is None  # notes never go stale
    assert d.notes.topLevelItemCount() == n + 1
    d.perform("evaluate")
    d.form.scores.button(4).setChecked(True)
    d.form.comment.setText("及时")
    qtbot.keyClick(d.form.comment, Qt.Key.Key_Return)
    assert shell.requests[-1][0] == cmd.Evaluate(iid, 4, "及时")
    assert d.fields["evaluation"].text() == "★★★★☆"


def test_escape_closes_the_form(console: Any, busy_engine: Any, qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    console.select_incident(busy_engine.populated["registered"][0], "test")
    d.perform("cancel")
    assert d.form_box.isVisible()
    qtbot.keyClick(d.form.text, Qt.Key.Key_Escape)
    assert d.form is None
    assert not d.form_box.isVisible()


def test_actions_drive_the_detail_panel(console: Any, busy_engine: Any, qtbot: Any) -> None:
    actions = ConsoleActions(console)
    d = shown(IncidentDetail(console, actions), qtbot, 560, 1000)
    actions.attach(d)
    console.select_incident(busy_engine.populated["verified"][0], "test")
    qtbot.keyClick(d, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(d.form, CloseForm)
    assert d.form_key == "close"
    assert d.form.reason() == ""  # no silent default, even where "fixed" is allowed
    assert d.form.buttons["fixed"].isEnabled()
    assert d.form.buttons["fixed"].hasFocus()
