"""The hotline intake form and the command line, driven by pytest-qt against a real engine
(through a stand-in shell)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from dispatch.domain import commands as cmd
from dispatch.domain.status import IncidentStatus
from tests.domain.helpers import grid_point
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import shown
from widgets.actions import ConsoleActions
from widgets.command_line import CommandLine
from widgets.intake_dialog import IntakeDialog

pytestmark = pytest.mark.ui
S = IncidentStatus


# ------------------------------------------------------------------------------- actions


def test_intake_reports_an_incident(console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    dlg = shown(IntakeDialog(console), qtbot, 980, 560)
    from widgets.action_forms.base import FormError

    with pytest.raises(FormError, match="Pick the event class"):
        dlg.command()
    code = next(iter(busy_engine.catalogue.problems))
    dlg.set_class(code)
    with pytest.raises(FormError, match="Describe the problem"):
        dlg.command()
    dlg.description.setPlainText("小区门口垃圾满溢")
    dlg.set_point(0.0, 0.0)
    assert "outside" in dlg.grid_label.text()
    with pytest.raises(FormError, match="outside every grid"):
        dlg.command()
    lon, lat, grid = grid_point(busy_engine, 40)
    dlg.set_point(lon, lat)
    assert dlg.grid == grid
    assert dlg.grid_label.text().endswith(grid)
    dlg.reporter.setText("李女士")
    dlg.external_ref.setText("12345-0001")
    dlg.priority.setCurrentIndex(dlg.priority.findData("high"))
    n = len(busy_engine.state.incidents)
    finished: list[tuple[bool, str]] = []
    dlg.sig_finished.connect(lambda ok, m: finished.append((ok, m)))
    dlg.submit()
    assert finished == [(True, "")]
    assert len(busy_engine.state.incidents) == n + 1
    inc = busy_engine.state.incidents[f"E{n + 1:06d}"]
    assert (inc.class_code, inc.grid, inc.priority, inc.reporter, inc.external_ref) == \
        (code, grid, "high", "李女士", "12345-0001")
    assert dlg.result() == dlg.DialogCode.Accepted
    # the same class at the same point again: the dialog warns of a likely duplicate
    dlg2 = shown(IntakeDialog(console), qtbot, 980, 560)
    dlg2.set_class(code)
    dlg2.set_point(lon, lat)
    assert inc.id in dlg2._check_duplicates()
    assert inc.id in dlg2.duplicates.text()


def test_intake_shows_the_server_error(console: Any, shell: Any, qtbot: Any) -> None:
    from dispatch.domain.roles import Actor, Role

    console.actor = Actor("wall", Role.WALL)
    dlg = shown(IntakeDialog(console), qtbot, 980, 560)
    dlg.set_class(next(iter(console.catalogue.minors)))
    dlg.description.setPlainText("x")
    lon, lat, _ = grid_point(shell.engine, 1)
    dlg.set_point(lon, lat)
    dlg.submit()
    assert "may not report incidents" in dlg.status.text()
    assert dlg.isVisible()
    assert dlg.send.isEnabled()


# ----------------------------------------------------------------------- command line


def test_command_line_parses_and_requests(console: Any, shell: Any, busy_engine: Any,
                                          qtbot: Any) -> None:
    cl = shown(CommandLine(console, ConsoleActions(console)), qtbot, 900, 40)
    iid = busy_engine.populated["reported"][2]
    n = iid[1:].lstrip("0")
    cl.edit.setText(f"rg {n}")
    qtbot.keyClick(cl.edit, Qt.Key.Key_Return)
    assert shell.requests[-1][0] == cmd.RegisterIncident(iid)
    assert busy_engine.state.incidents[iid].status == S.REGISTERED
    assert cl.status.text() == f"rg {n} — done"
    assert cl.edit.text() == ""
    assert console.selected_incident == iid
    # "." is the selected incident
    cl.edit.setText("sv . 领导关注")
    cl.run()
    assert shell.requests[-1][0] == cmd.Supervise(iid, True, "领导关注")


def test_command_line_errors_inline(console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    cl = shown(CommandLine(console), qtbot, 900, 40)
    cl.edit.setText("as 12 U-nobody")
    assert cl.run() == ""
    assert "no unit 'U-nobody'" in cl.status.text()
    assert not shell.requests
    assert cl.edit.text() == "as 12 U-nobody"
    closed = busy_engine.populated["closed"][1]
    cl.edit.setText(f"cx {closed} wrong")
    cl.run()
    assert "cannot cancel incident" in cl.status.text()
    assert cl.edit.text() == f"cx {closed} wrong"  # given back to be fixed


def test_command_line_completion_and_history(console: Any, busy_engine: Any, qtbot: Any) -> None:
    cl = shown(CommandLine(console), qtbot, 900, 40)
    cl.edit.setFocus()
    qtbot.keyClicks(cl.edit, "a")
    assert "as" in cl.candidates.stringList()
    cl.edit.clear()
    iid = busy_engine.populated["registered"][0]
    lines = cl.completions(f"as {iid} ")
    assert lines
    assert all(ln.startswith(f"as {iid} U-") for ln in lines)
    cl.edit.setText(f"cl {iid} fi")
    qtbot.keyClick(cl.edit, Qt.Key.Key_Tab)
    assert cl.edit.text() == f"cl {iid} fixed "
    cl.edit.setText("zz")
    cl.run()
    cl.edit.setText(f"nt {iid} one")
    cl.run()
    cl.edit.setText(f"nt {iid} two")
    cl.run()
    qtbot.keyClick(cl.edit, Qt.Key.Key_Up)
    assert cl.edit.text() == f"nt {iid} two"
    qtbot.keyClick(cl.edit, Qt.Key.Key_Up)
    assert cl.edit.text() == f"nt {iid} one"
    qtbot.keyClick(cl.edit, Qt.Key.Key_Down)
    assert cl.edit.text() == f"nt {iid} two"
    cl.edit.setText("?")
    cl.run()
    assert "as &lt;incident&gt;" in cl.status.toolTip()


def test_f2_focuses_the_command_line(console: Any, qtbot: Any) -> None:
    actions = ConsoleActions(console)
    cl = shown(CommandLine(console, actions), qtbot, 900, 40)
    actions.attach(cl)
    other = QLineEdit(cl)
    other.show()
    other.setFocus()
    qtbot.waitUntil(other.hasFocus)
    actions.action("focus_command_line").trigger()
    assert cl.edit.hasFocus()
    other.setFocus()
    cl.setFocus()  # the widget hands its focus to the line
    assert cl.edit.hasFocus()


# ------------------------------------------------------------------------- rendering
