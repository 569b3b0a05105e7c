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
from tests.ui.widget_fixtures import *  # noqa: F403
from widgets.actions import ConsoleActions
from widgets.command_line import CommandLine

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
