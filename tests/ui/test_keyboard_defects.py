"""Keyboard and screen defects of issue 19: each test fails without its fix."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QApplication

from dispatch.domain import commands as cmd
from tests.domain.helpers import DISPATCHER, grid_point
from tests.ui.test_widgets_i18n import chinese  # noqa: F401  (the fixture)
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import shown
from widgets.action_forms import IMMEDIATE
from widgets.action_forms.close import CloseForm
from widgets.actions import ConsoleActions
from widgets.alert_sound import SOUND_FILE
from widgets.command_line import CommandLine
from widgets.detail_panel import IncidentDetail
from widgets.incident_model import IncidentTableModel
from widgets.queue_panel import QueuePanel

pytestmark = pytest.mark.ui


def key_to_focus(qtbot: Any, widget: Any, key: Qt.Key,
                 modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A key as the window system delivers it: to the open popup when there is one."""
    target = QApplication.activePopupWidget() or widget
    qtbot.keyClick(target, key, modifier)


# ------------------------------------------------------------------------ F2 completion


def test_enter_with_the_completion_popup_sends_the_line_as_shown_once(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    cl = shown(CommandLine(console, ConsoleActions(console)), qtbot, 900, 40)
    units = sorted(busy_engine.state.units)
    # a unit whose id is the prefix of another's: the popup offers the longer one first
    unit = next(u for u in units if any(o != u and o.startswith(u) for o in units))
    iid = busy_engine.populated["registered"][0]
    cl.edit.setFocus()
    qtbot.waitUntil(cl.edit.hasFocus)
    line = f"as {iid} {unit}"
    qtbot.keyClicks(cl.edit, line)
    qtbot.waitUntil(lambda: cl.completer.popup().isVisible())
    assert any(c != line and c.startswith(line) for c in cl.candidates.stringList())
    shell.hold = True  # the answer does not matter here: the line stays as sent
    sent = len(shell.requests)
    key_to_focus(qtbot, cl.edit, Qt.Key.Key_Return)
    assert len(shell.requests) == sent + 1
    sent_cmd = shell.requests[-1][0]
    assert isinstance(sent_cmd, cmd.AssignUnits)
    assert (sent_cmd.incident_id, sent_cmd.units) == (iid, (unit,))
    assert cl.edit.text() == ""  # nothing of the popup put into the line
    assert not cl.completer.popup().isVisible()
    key_to_focus(qtbot, cl.edit, Qt.Key.Key_Return)  # a second Enter sends nothing
    assert len(shell.requests) == sent + 1


# --------------------------------------------------------------------------- close form


def test_close_form_has_no_silent_default_and_says_why(
        console: Any, shell: Any, busy_engine: Any, clock: Any, qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    code = busy_engine.state.incidents["E000001"].class_code
    lon, lat, _ = grid_point(busy_engine, 5)
    busy_engine.execute(cmd.ReportIncident("hotline", code, lon, lat, "井盖缺失"), DISPATCHER)
    clock.advance(60)
    second = busy_engine.execute(cmd.ReportIncident("citizen_app", code, lon, lat, "同一井盖"),
                                 DISPATCHER).events[0].payload.incident_id
    console.apply_changes(*busy_engine.state.take_changes())
    console.select_incident(second, "test")
    d.perform("close")
    form = d.form
    assert isinstance(form, CloseForm)
    assert form.reason() == ""
    assert form.original.text() == ""
    assert form.candidates.count() >= 1
    fixed = form.buttons["fixed"]
    assert not fixed.isEnabled()
    assert "site check" in fixed.toolTip()
    assert form.why.isVisible()
    assert "site check" in form.why.text()
    assert form.buttons["duplicate"].hasFocus()  # the first possible reason, unchecked
    sent = len(shell.requests)
    qtbot.keyClick(form.buttons["duplicate"], Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    assert len(shell.requests) == sent  # Ctrl+Return closes nothing without a reason
    assert d.form is form
    assert "Pick a closure reason" in d.form_result.text()


# ------------------------------------------------------------------- forms in the panel


def fully_visible(d: IncidentDetail) -> bool:
    """The open form's box lies inside the visible part of the panel's scroll area."""
    viewport = d.scroll_area.viewport()
    top = d.form_box.mapTo(viewport, QPoint(0, 0)).y()
    if d.form_box.height() > viewport.height():  # taller than the panel: its top in view
        return 0 <= top <= 12
    return top >= 0 and top + d.form_box.height() <= viewport.height()


@pytest.mark.parametrize("kind", ["registered", "dispatched", "verified", "closed"])
def test_every_form_opens_fully_visible_with_the_focus_in_it(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any, kind: str) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 420)
    iid = busy_engine.populated[kind][0]
    for n in range(12):  # a long timeline pushes the forms far down
        busy_engine.execute(cmd.AddNote(iid, f"第{n}条备注"), DISPATCHER)
    console.apply_changes(*busy_engine.state.take_changes())
    console.select_incident(iid, "test")
    keys = [k for k in d.visible_actions() if k not in IMMEDIATE]
    assert keys
    for key in keys:
        d.scroll_area.verticalScrollBar().setValue(0)
        d.perform(key)
        assert d.form is not None
        qtbot.waitUntil(lambda: fully_visible(d))
        focus = QApplication.focusWidget()
        assert focus is not None
        assert d.form.isAncestorOf(focus), key  # type straight away
        d.close_form()


def long_incident(busy_engine: Any, console: Any, kind: str = "dispatched") -> str:
    iid = busy_engine.populated[kind][0]
    for n in range(12):
        busy_engine.execute(cmd.AddNote(iid, f"第{n}条备注"), DISPATCHER)
    console.apply_changes(*busy_engine.state.take_changes())
    return iid


def test_a_form_opened_while_the_panel_is_hidden_shows_when_it_does(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    """The docked panel is behind another tab when a shortcut opens a form: the form is laid
    out only once the panel shows, and must then be in view, with the focus in it."""
    actions = ConsoleActions(console)
    d = shown(IncidentDetail(console, actions), qtbot, 560, 420)
    iid = long_incident(busy_engine, console)
    console.select_incident(iid, "test")
    d.hide()
    actions.trigger("close", iid)
    assert d.form is not None
    d.show()
    qtbot.waitUntil(lambda: fully_visible(d))
    qtbot.waitUntil(lambda: d.form is not None and d.form.isAncestorOf(
        QApplication.focusWidget()))


def test_a_form_that_grows_stays_in_view(console: Any, shell: Any, busy_engine: Any,
                                         clock: Any, qtbot: Any) -> None:
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 420)
    code = busy_engine.state.incidents["E000001"].class_code
    lon, lat, _ = grid_point(busy_engine, 5)
    for text in ("井盖缺失", "同一井盖", "又一个"):
        busy_engine.execute(cmd.ReportIncident("hotline", code, lon, lat, text), DISPATCHER)
        clock.advance(60)
    iid = long_incident(busy_engine, console, "reported")
    console.apply_changes(*busy_engine.state.take_changes())
    last = max(busy_engine.state.incidents)
    console.select_incident(last, "test")
    form = d.open_form("close")
    assert isinstance(form, CloseForm)
    qtbot.waitUntil(lambda: fully_visible(d))
    dup = form.buttons["duplicate"]
    dup.setFocus()
    qtbot.keyClick(dup, Qt.Key.Key_Space)  # the candidates and the original appear
    assert form.reason() == "duplicate"
    qtbot.waitUntil(lambda: form.candidates.isVisible())
    qtbot.waitUntil(lambda: fully_visible(d))
    assert iid


# ------------------------------------------------------------------------------- queue


def test_queue_search_selects_the_match_and_enter_goes_to_it(
        console: Any, busy_engine: Any, qtbot: Any) -> None:
    actions = ConsoleActions(console)
    q = shown(QueuePanel(console, actions), qtbot, 1200, 500)
    actions.attach(q)
    iid = busy_engine.populated["registered"][1]
    console.select_incident(busy_engine.populated["dispatched"][0], "test")
    qtbot.keyClick(q, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert q.search.hasFocus()
    qtbot.keyClicks(q.search, iid)
    assert console.selected_incident == iid  # the match is selected, everywhere
    assert q.selected_id() == iid
    qtbot.keyClick(q.search, Qt.Key.Key_Return)
    assert q.view.hasFocus()
    assert q.view.currentIndex().data(IncidentTableModel.IdRole) == iid


def test_the_urgent_banner_is_reached_by_key_and_the_sound_can_sound(
        console: Any, busy_engine: Any, qtbot: Any) -> None:
    actions = ConsoleActions(console)
    q = shown(QueuePanel(console, actions), qtbot, 1200, 500)
    actions.attach(q)
    iid = busy_engine.populated["registered"][2]
    played: list[bool] = []
    q.sound.sig_played.connect(lambda: played.append(True))
    q.draw_attention(iid)
    assert q.banner.isVisible()
    assert "Ctrl+U" in q.banner.text()
    assert played == []  # off by default
    qtbot.keyClick(q.view, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert console.selected_incident == iid
    assert not q.banner.isVisible()
    q.sound.set_enabled(True)
    q.draw_attention(iid)
    assert played == [True]
    assert SOUND_FILE.is_file()
    assert SOUND_FILE.stat().st_size > 1000


# --------------------------------------------------------------------------------- map


def test_an_incident_tooltip_names_the_id_once(map_view: Any, map_js: Any) -> None:
    map_view.update_incidents([
        ("E000054", 31.30, 120.60, "high", False, "E000054 Fly-posters"),  # as the console
        ("E000055", 31.31, 120.61, "high", False, "E000055"),
        ("E000056", 31.32, 120.62, "low", False, "井盖缺失"),
        ("E000057", 31.33, 120.63, "low", False, ""),
    ])
    map_view.flush()
    tips = map_js(map_view, "['E000054', 'E000055', 'E000056', 'E000057']"
                            ".map(function (id) { return GL.incidentTooltip(id); })")
    assert tips == ["E000054 · Fly-posters", "E000055", "E000056 · 井盖缺失", "E000057"]


# ------------------------------------------------------------------------------ zh_CN


def test_f2_help_roles_and_new_texts_in_chinese(chinese: Any, console: Any,  # noqa: F811
                                                busy_engine: Any,
                                                qtbot: Any) -> None:
    from dispatch.domain.cmdline.goto import GO_SUMMARY
    from dispatch.domain.cmdline.parser import verb_help
    from widgets import labels

    for _verb, _usage, summary in [*verb_help(), ("go", "", GO_SUMMARY)]:
        assert QCoreApplication.translate("CommandLineHelp", summary) != summary, summary
    html = CommandLine.help_html()
    assert "立案" in html
    assert "在地图上显示地点、区域或事件" in html
    assert labels.role("shift_lead") == "值班长"
    assert labels.role("dispatcher") == "调度员"
    console.language = "zh"
    actions = ConsoleActions(console)
    assert actions.action("view_urgent").text() == "查看新紧急事件"
    q = shown(QueuePanel(console, actions), qtbot, 1200, 400)
    q.draw_attention(busy_engine.populated["registered"][0])
    assert "点击或按 Ctrl+U 查看" in q.banner.text()
