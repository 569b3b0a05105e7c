"""The run-card editor: its models, saving and removing a card through the server, and the
refusals (here, before sending; there, by the server) shown under it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt

from dispatch.domain import commands as cmd
from dispatch.domain.roles import PLANNERS, Role
from tests.domain.helpers import DISPATCHER
from tests.ui.widget_fixtures import *  # noqa: F403
from widgets.run_card_editor import RunCardEditor

pytestmark = pytest.mark.ui


def editor_for(console: Any, qtbot: Any) -> RunCardEditor:
    ed = RunCardEditor(console)
    qtbot.addWidget(ed)
    ed.show()
    return ed


def choose(combo: Any, data: str) -> None:
    i = combo.findData(data)
    assert i >= 0, data
    combo.setCurrentIndex(i)


def test_planners_are_the_shift_lead_and_the_admin() -> None:
    assert {Role.SHIFT_LEAD, Role.ADMIN} == PLANNERS


def test_the_table_lists_the_server_cards(console: Any, shell: Any, qtbot: Any,
                                          strict: Any) -> None:
    ed = editor_for(console, qtbot)
    strict(ed.cards_model)
    strict(ed.lines_model)
    keys = [ed.cards_model.index(r, 0).data(Qt.ItemDataRole.UserRole)
            for r in range(ed.cards_model.rowCount())]
    assert keys == sorted(console.run_cards)
    row = keys.index("0304/urgent")
    sends = ed.cards_model.index(row, 2).data()
    assert f"{console.unit_type_name('fire_engine')} ×2" in sends


def test_a_new_card_is_saved_on_the_server_and_listed(console: Any, shell: Any,
                                                      busy_engine: Any, qtbot: Any,
                                                      strict: Any) -> None:
    ed = editor_for(console, qtbot)
    strict(ed.lines_model)
    choose(ed.class_code, "0517")
    choose(ed.priority, "high")
    ed.lines_model.set_lines([])
    choose(ed.department, "water")
    choose(ed.unit_type, "drainage_crew")
    ed.count.setValue(3)
    ed.add_line()
    choose(ed.department, "city_mgmt")
    choose(ed.unit_type, "road_repair_crew")
    ed.count.setValue(1)
    ed.add_line()
    ed.count.setValue(2)
    choose(ed.department, "water")
    choose(ed.unit_type, "drainage_crew")
    ed.add_line()  # the same type again: its count changes, no second line
    assert ed.lines_model.lines == [("water", "drainage_crew", 2),
                                    ("city_mgmt", "road_repair_crew", 1)]
    assert ed.save_card()
    sent = shell.requests[-1][0]
    assert sent == cmd.SetRunCard("0517", (("water", "drainage_crew", 2),
                                           ("city_mgmt", "road_repair_crew", 1)), "high")
    assert "0517/high" in busy_engine.state.run_cards
    assert "0517/high" in console.run_cards  # read back after the command
    assert any(c.key == "0517/high" for c in ed.cards_model.cards)
    assert ed.status.text() == "Saved on the server"


def test_an_unknown_unit_type_is_refused_before_sending(console: Any, shell: Any,
                                                        qtbot: Any) -> None:
    ed = editor_for(console, qtbot)
    ed.lines_model.set_lines([("fire", "jetpack", 1)])
    sent = len(shell.requests)
    assert ed.save_card() == ""
    assert len(shell.requests) == sent
    assert "unknown unit type 'jetpack'" in ed.status.text()
    ed.lines_model.set_lines([("gas_co", "fire_engine", 1)])
    assert ed.save_card() == ""
    assert "unknown department 'gas_co'" in ed.status.text()
    ed.class_code.setEditText("9999")
    ed.lines_model.set_lines([("fire", "fire_engine", 1)])
    assert ed.save_card() == ""
    assert "no event class '9999'" in ed.status.text()


def test_removing_a_card_and_a_refusal_from_the_server(console: Any, shell: Any,
                                                       busy_engine: Any, qtbot: Any) -> None:
    ed = editor_for(console, qtbot)
    row = next(i for i, c in enumerate(ed.cards_model.cards) if c.key == "0701")
    ed.cards.clicked.emit(ed.cards_model.index(row, 0))
    assert ed.chosen_class() == "0701"
    ed.remove_card()
    assert "0701" not in busy_engine.state.run_cards
    assert all(c.key != "0701" for c in ed.cards_model.cards)
    console.actor = DISPATCHER  # the server refuses a dispatcher: its words are shown
    ed.load(ed.cards_model.cards[0])
    ed.save_card()
    assert "edit run cards" in ed.status.text()
