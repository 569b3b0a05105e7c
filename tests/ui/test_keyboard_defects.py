"""Keyboard and screen defects of issue 19: each test fails without its fix."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from dispatch.domain import commands as cmd
from tests.domain.helpers import DISPATCHER, grid_point
from tests.ui.widget_fixtures import *  # noqa: F403
from widgets.action_forms.close import CloseForm
from widgets.actions import ConsoleActions
from widgets.command_line import CommandLine
from widgets.detail_panel import IncidentDetail

pytestmark = pytest.mark.ui


def shown(widget: Any, qtbot: Any, w: int = 900, h: int = 900) -> Any:
    qtbot.addWidget(widget)
    widget.resize(w, h)
    with qtbot.waitExposed(widget):
        widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    return widget


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
    assert shell.requests[-1][0] == cmd.AssignUnits(iid, (unit,))
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
