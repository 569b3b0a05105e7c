"""The type-ahead place search with a fake search port: typing is debounced, one question is
out at a time and a stale answer is dropped, the keyboard alone picks; the intake form takes
its point, grid, community and street from a pick."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt

from tests.ui.widget_fixtures import *  # noqa: F403
from widgets.address_search import AddressSearch, Done, Place, PlaceListModel

pytestmark = pytest.mark.ui


@dataclass
class Question:
    query: str
    limit: int
    done: Done


class FakePort:
    """A search port the test answers by hand (as the server would, later)."""

    def __init__(self) -> None:
        self.questions: list[Question] = []

    def __call__(self, query: str, limit: int, done: Done) -> None:
        self.questions.append(Question(query, limit, done))

    def answer(self, i: int, places: Sequence[Place], error: str = "") -> None:
        self.questions[i].done(list(places), error)


def type_text(widget: Any, text: str) -> None:
    """Type ``text`` into ``widget`` key by key (QTest's keyClicks takes only ASCII)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     ch))


def place(name: str, kind: str = "road", lon: float = 120.61, lat: float = 31.30,
          **kw: Any) -> Place:
    return Place(id=kw.pop("id", name), name=name, kind=kind, lon=lon, lat=lat, **kw)


GUANQIAN = place("观前街", street_name="平江街道", community_name="馨港社区",
                 line=((120.6127, 31.2999), (120.6124, 31.3067)))
ADDRESS = place("观前街18号", "address", 120.6127478, 31.3009442)
LANDMARK = place("观前街商圈", "poi")


@pytest.fixture
def box(qtbot: Any) -> tuple[AddressSearch, FakePort]:
    port = FakePort()
    w = AddressSearch(port)
    qtbot.addWidget(w)
    w.resize(400, 30)
    w.show()
    w.setFocus()
    qtbot.waitUntil(w.hasFocus)
    return w, port


def test_typing_is_debounced_into_one_question(box: Any, qtbot: Any) -> None:
    w, port = box
    qtbot.keyClicks(w, "gqj")
    assert port.questions == []  # nothing asked while typing
    qtbot.waitUntil(lambda: len(port.questions) == 1)
    assert (port.questions[0].query, port.questions[0].limit) == ("gqj", 10)
    messages: list[str] = []
    w.sig_message.connect(messages.append)
    port.answer(0, [GUANQIAN, LANDMARK])
    qtbot.waitUntil(lambda: w.model.rowCount() == 2)
    assert w.popup_visible
    shown = w.model.index(0, 0).data()
    assert all(part in shown for part in ("观前街", "平江街道", "馨港社区"))
    assert messages[-1] == ""
    assert w.asked == 1


def test_a_stale_answer_is_dropped_and_the_latest_text_asked(box: Any, qtbot: Any) -> None:
    w, port = box
    type_text(w, "观")
    qtbot.waitUntil(lambda: len(port.questions) == 1)
    type_text(w, "前街")  # typed on while the first question is out
    assert w.waiting_for_pause
    qtbot.waitUntil(lambda: not w.waiting_for_pause)  # the pause is over: nothing asked yet,
    assert len(port.questions) == 1
    port.answer(0, [LANDMARK])  # the answer to "观": stale
    qtbot.waitUntil(lambda: len(port.questions) == 2)
    assert w.dropped == 1
    assert w.model.rowCount() == 0  # nothing of the stale answer was shown
    assert port.questions[1].query == "观前街"
    port.answer(1, [GUANQIAN, ADDRESS])
    qtbot.waitUntil(lambda: w.model.rowCount() == 2)
    assert [p.name for p in w.model.places] == ["观前街", "观前街18号"]
    # an answer that comes after all for a question given up on is dropped too
    w.search_now("观前街1")
    port.answer(2, [ADDRESS])
    qtbot.waitUntil(lambda: w.model.places == [ADDRESS])


def test_keyboard_only_pick(box: Any, qtbot: Any) -> None:
    w, port = box
    picked: list[Place] = []
    w.sig_picked.connect(picked.append)
    type_text(w, "观前街")
    qtbot.waitUntil(lambda: len(port.questions) == 1)
    port.answer(0, [GUANQIAN, ADDRESS, LANDMARK])
    qtbot.waitUntil(lambda: w.popup_visible)
    popup = w.completer_.popup()
    assert popup.currentIndex().row() == 0
    qtbot.keyClick(popup, Qt.Key.Key_Escape)  # Escape closes the list, keeps the text
    assert not w.popup_visible
    assert w.text() == "观前街"
    qtbot.keyClick(w, Qt.Key.Key_Down)  # Down opens it again
    qtbot.waitUntil(lambda: w.popup_visible)
    assert popup.currentIndex().row() == 0
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    assert popup.currentIndex().row() == 1
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(picked))
    assert picked == [ADDRESS]
    assert w.text() == "观前街18号"
    assert not w.popup_visible
    assert len(port.questions) == 1  # picking asks nothing more
    # Escape empties the line (and says so, for a map to drop the place)
    cleared: list[bool] = []
    w.sig_cleared.connect(lambda: cleared.append(True))
    qtbot.keyClick(w, Qt.Key.Key_Escape)
    assert w.text() == ""
    assert cleared == [True]


def test_a_click_picks(box: Any, qtbot: Any) -> None:
    w, port = box
    picked: list[Place] = []
    w.sig_picked.connect(picked.append)
    w.search_now("gqj")
    port.answer(0, [GUANQIAN, LANDMARK])
    qtbot.waitUntil(lambda: w.popup_visible)
    popup = w.completer_.popup()
    rect = popup.visualRect(popup.model().index(1, 0))
    qtbot.mouseClick(popup.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: bool(picked))
    assert picked == [LANDMARK]


def test_enter_before_the_answer_picks_the_best_place(box: Any, qtbot: Any) -> None:
    w, port = box
    picked: list[Place] = []
    w.sig_picked.connect(picked.append)
    type_text(w, "观前街18号")
    qtbot.keyClick(w, Qt.Key.Key_Return)  # at once: no debounce
    assert len(port.questions) == 1
    port.answer(0, [ADDRESS, GUANQIAN])
    qtbot.waitUntil(lambda: bool(picked))
    assert picked == [ADDRESS]
    assert not w.popup_visible


def test_errors_and_nothing_found_are_said(box: Any, qtbot: Any) -> None:
    w, port = box
    messages: list[str] = []
    w.sig_message.connect(messages.append)
    w.search_now("观前街")
    port.answer(0, [], "place search is not ready: the server is still building its index")
    qtbot.waitUntil(lambda: "not ready" in messages[-1])
    assert not w.popup_visible
    w.search_now("没有这个地方")
    port.answer(1, [])
    qtbot.waitUntil(lambda: "No place found for 没有这个地方" in messages[-1])


def test_the_place_list_model(qtmodeltester: Any) -> None:
    model = PlaceListModel()
    model.set_places([GUANQIAN, ADDRESS, LANDMARK])
    qtmodeltester.check(model)
    assert model.index(1, 0).data(PlaceListModel.PlaceRole) == ADDRESS
    assert model.index(1, 0).data(PlaceListModel.NameRole) == "观前街18号"


def test_a_row_from_the_server_becomes_a_place() -> None:
    row = {"name": "观前街", "kind": "road", "lon": 120.61, "lat": 31.30,
           "grid": "320508002003004", "score": 100.0, "id": "RD000015",
           "community": "320508002003", "community_name": "馨港社区", "street": "320508002",
           "street_name": "平江街道", "district": "320508", "district_name": "姑苏区",
           "line": [[120.6, 31.3], [120.61, 31.31]], "match": "exact"}
    p = Place.from_row(row)
    assert (p.name, p.kind, p.grid, p.street_name, p.district_name) == (
        "观前街", "road", "320508002003004", "平江街道", "姑苏区")
    assert p.line == ((120.6, 31.3), (120.61, 31.31))
    assert p.where == "平江街道 馨港社区"


def test_intake_takes_the_point_grid_community_and_street_from_a_pick(
        console: Any, busy_engine: Any, qtbot: Any) -> None:
    from tests.domain.helpers import grid_point
    from widgets.intake_dialog import IntakeDialog

    port = FakePort()
    dlg = IntakeDialog(console, search=port)
    qtbot.addWidget(dlg)
    dlg.show()
    lon, lat, grid = grid_point(busy_engine, 7)
    city = console.city
    found = place("金华苑", "compound", lon, lat, grid=grid,
                  community_name=city.regions[grid[:12]].name,
                  street_name=city.regions[grid[:9]].name)
    shown: list[Place] = []
    dlg.sig_place_picked.connect(shown.append)
    dlg.address.setFocus()
    qtbot.keyClicks(dlg.address, "jhy")
    qtbot.waitUntil(lambda: len(port.questions) == 1)
    port.answer(0, [found])
    qtbot.waitUntil(lambda: dlg.address.popup_visible)
    qtbot.keyClick(dlg.address.completer_.popup(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown == [found]  # for the map to show the point
    assert (dlg.lon.value(), dlg.lat.value()) == (pytest.approx(lon, abs=1e-6),
                                                  pytest.approx(lat, abs=1e-6))
    assert dlg.grid == grid
    assert dlg.grid_label.text().endswith(grid)
    assert dlg.where_label.text() == (f"{city.regions[grid[:9]].name} · "
                                      f"{city.regions[grid[:12]].name}")
    assert "金华苑" in dlg.address_status.text()
    assert dlg.place == found


# ---------------------------------------------------------------------------- go (command line)

def test_go_looks_a_place_up_and_says_when_there_is_none(console: Any, qtbot: Any) -> None:
    from widgets.command_line import CommandLine

    port = FakePort()
    cl = CommandLine(console, search=port)
    qtbot.addWidget(cl)
    cl.show()
    went: list[Place] = []
    cl.sig_go.connect(went.append)
    cl.edit.setText("go 观前街 18号")
    assert cl.run() == ""  # nothing sent to the server: the map's business
    assert [(q.query, q.limit) for q in port.questions] == [("观前街 18号", 1)]
    assert "looking it up" in cl.status.text()
    port.answer(0, [place("观前街18号", "address", street_name="平江街道",
                          district_name="姑苏区")])
    qtbot.waitUntil(lambda: bool(went))
    assert went[0].name == "观前街18号"
    assert cl.status.text() == "go 观前街 18号 → 观前街18号 (姑苏区 平江街道)"
    assert cl.edit.text() == ""
    cl.edit.setText("go 没有这个地方")
    cl.run()
    port.answer(1, [])
    qtbot.waitUntil(lambda: "no such place" in cl.status.text())
    assert cl.status.text() == "go 没有这个地方 — no such place"
    assert cl.edit.text() == "go 没有这个地方"  # left to be fixed
    assert len(went) == 1


def test_go_to_a_region_or_an_incident_needs_no_lookup(console: Any, qtbot: Any) -> None:
    from widgets.command_line import CommandLine

    port = FakePort()
    cl = CommandLine(console, search=port)
    qtbot.addWidget(cl)
    went: list[Place] = []
    cl.sig_go.connect(went.append)
    grid = sorted(r.code for r in console.city.grids())[3]
    cl.edit.setText(f"go {grid}")
    cl.run()
    assert [(p.id, p.kind) for p in went] == [(grid, "grid")]
    assert console.city.locate(went[0].lon, went[0].lat) == grid
    iid = sorted(console.state.incidents)[0]
    cl.edit.setText(f"go {int(iid[1:])}")
    cl.run()
    assert console.selected_incident == iid  # the map follows the selection
    cl.edit.setText("go E999999")
    cl.run()
    assert "no incident E999999" in cl.status.text()
    assert port.questions == []
    # completion: region codes for digits, places from the geocoder after a pause
    assert cl.completions(f"go {grid[:12]}")[0] == f"go {grid[:12]}"
    cl.edit.clear()
    cl.edit.setFocus()
    qtbot.keyClicks(cl.edit, "go gqj")
    qtbot.waitUntil(lambda: len(port.questions) == 1)
    assert (port.questions[0].query, port.questions[0].limit) == ("gqj", 8)
    port.answer(0, [GUANQIAN, LANDMARK])
    qtbot.waitUntil(lambda: cl.candidates.stringList() == ["go 观前街", "go 观前街商圈"])
