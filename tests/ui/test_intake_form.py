"""The new-incident form on its own, against a real engine through the stand-in shell: the
point must be set before filing, focus starts on the caller, Escape on a half-typed form
asks first, and the place's history lists past incidents near the point."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from dispatch.domain import commands as cmd
from tests.domain.helpers import grid_point
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import shown
from widgets.action_forms.base import FormError
from widgets.intake_dialog import IntakeDialog
from widgets.intake_history import HistoryModel

pytestmark = pytest.mark.ui


def filled(dlg: IntakeDialog, code: str) -> None:
    dlg.set_class(code)
    dlg.description.setPlainText("小区门口垃圾满溢")


def test_a_point_never_set_is_refused(console: Any, shell: Any, busy_engine: Any,
                                      qtbot: Any) -> None:
    dlg = shown(IntakeDialog(console), qtbot, 1040, 680)
    code = next(iter(busy_engine.catalogue.problems))
    filled(dlg, code)
    assert dlg.point_source == ""
    assert "no point yet" in dlg.grid_label.text()
    with pytest.raises(FormError, match="Set the point first"):
        dlg.command()
    n = len(shell.requests)
    assert dlg.submit() == ""
    assert "Set the point first" in dlg.status.text()
    assert len(shell.requests) == n  # nothing sent
    assert dlg.isVisible()
    # typed coordinates count as set by the operator
    lon, lat, grid = grid_point(busy_engine, 12)
    dlg.lon.setValue(lon)
    dlg.lat.setValue(lat)
    assert dlg.point_source == "typed"
    assert dlg.grid == grid
    assert dlg.command().lon == pytest.approx(lon)


def test_focus_starts_on_the_caller(console: Any, shell: Any, qtbot: Any) -> None:
    dlg = shown(IntakeDialog(console), qtbot, 1040, 680)
    qtbot.waitUntil(dlg.reporter.hasFocus)
    qtbot.keyClick(dlg.reporter, Qt.Key.Key_Tab)
    assert dlg.phone.hasFocus()


def test_escape_on_a_half_typed_form_asks(console: Any, shell: Any, qtbot: Any) -> None:
    dlg = shown(IntakeDialog(console), qtbot, 1040, 680)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)  # nothing typed: gone at once
    assert not dlg.isVisible()
    assert dlg.discard_box is None

    dlg = shown(IntakeDialog(console), qtbot, 1040, 680)
    qtbot.waitUntil(dlg.reporter.hasFocus)
    qtbot.keyClicks(dlg.reporter, "Li")
    qtbot.keyClick(dlg.reporter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dlg.discard_box is not None and dlg.discard_box.isVisible())
    assert dlg.isVisible()
    box = dlg.discard_box
    assert box is not None
    box.button(QMessageBox.StandardButton.Cancel).click()  # keep editing
    qtbot.waitUntil(lambda: dlg.discard_box is None)
    assert dlg.isVisible()
    assert dlg.reporter.text() == "Li"
    dlg.close_button.click()  # Close asks the same
    qtbot.waitUntil(lambda: dlg.discard_box is not None and dlg.discard_box.isVisible())
    dlg.discard_box.button(QMessageBox.StandardButton.Discard).click()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    assert dlg.result() == dlg.DialogCode.Rejected


def test_history_lists_nearby_incidents_and_files_a_duplicate(
        console: Any, shell: Any, busy_engine: Any, qtbot: Any, qtmodeltester: Any) -> None:
    dlg = shown(IntakeDialog(console), qtbot, 1040, 680)
    qtmodeltester.check(dlg.history.model)
    assert dlg.refresh_history() == []  # no point, no history
    original = next(i for i in busy_engine.state.incidents.values()
                    if i.status.is_open and not i.duplicate_of)
    far = next(i for i in busy_engine.state.incidents.values()
               if abs(i.lat - original.lat) > 0.01)
    dlg.set_point(original.lon, original.lat, "click")
    ids = dlg.refresh_history()
    assert original.id in ids
    assert far.id not in ids
    row = dlg.history.model.rows[ids.index(original.id)]
    assert row.distance_m == pytest.approx(0, abs=1)
    assert "possible duplicate" in dlg.history.model.data(
        dlg.history.model.index(ids.index(original.id), 5))
    qtmodeltester.check(dlg.history.model)
    # open one: the console shows it
    opened: list[str] = []
    dlg.sig_open_incident.connect(opened.append)
    assert dlg.history.select(original.id)
    dlg.history.open_button.click()
    assert opened == [original.id]
    # file the call as its duplicate: reported, then linked
    dlg.history.duplicate_button.click()
    assert dlg.history.duplicate_of == original.id
    filled(dlg, original.class_code)
    dlg.submit()
    assert dlg.filed_id
    new = busy_engine.state.incidents[dlg.filed_id]
    assert new.duplicate_of == original.id
    assert isinstance(shell.requests[-1][0], cmd.LinkDuplicate)
    assert not dlg.isVisible()


def test_history_model_is_sound(console: Any, qtmodeltester: Any) -> None:
    qtmodeltester.check(HistoryModel(console))
