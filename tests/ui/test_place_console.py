"""Place search in the live console against a real dispatch server (SQLite, loopback): Ctrl+F
on the map, the command line's ``go``, the intake form's address — each answered by the
server's geocoder and shown on the real map page."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import pytest

import maps

maps.prepare_environment()

from tests.integration.conftest import server_factory  # noqa: E402, F401
from tests.ui.test_console_live import WAIT_MS, Workstation, workstation  # noqa: E402, F401

pytestmark = pytest.mark.ui


def type_text(widget: Any, text: str) -> None:
    from tests.ui.test_address_search import type_text as typing

    typing(widget, text)


def places_ready(ws: Workstation) -> None:
    assert ws.srv.server.places.wait(60), ws.srv.server.places.error


def test_ctrl_f_finds_a_place_and_the_map_holds_it(workstation: Workstation) -> None:  # noqa: F811
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence
    from PySide6.QtTest import QTest

    ws = workstation
    places_ready(ws)
    window, qtbot = ws.window, ws.qtbot
    box = window.places.box
    window.activateWindow()
    window.map.setFocus()
    QTest.keySequence(window, QKeySequence("Ctrl+F"))
    qtbot.waitUntil(box.hasFocus, timeout=WAIT_MS)
    type_text(box, "观前街18号")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.places.shown is not None, timeout=WAIT_MS)
    shown = window.places.shown
    assert (shown.name, shown.kind) == ("观前街18号", "address")
    assert window.console.city.locate(shown.lon, shown.lat) == shown.grid
    qtbot.waitUntil(lambda: (ws.js("GL.place()") or {}).get("label") == "观前街18号",
                    timeout=WAIT_MS)
    held = ws.js("GL.place()")
    assert held["shown"] is True
    assert (held["lat"], held["lon"]) == (pytest.approx(shown.lat, abs=1e-6),
                                          pytest.approx(shown.lon, abs=1e-6))
    centre = ws.js("[GL.map.getCenter().lat, GL.map.getCenter().lng]")
    assert centre == [pytest.approx(shown.lat, abs=1e-5), pytest.approx(shown.lon, abs=1e-5)]

    # the next search replaces it: a road, with its line
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "gqj")
    qtbot.waitUntil(lambda: box.popup_visible, timeout=WAIT_MS)
    qtbot.keyClick(box.completer_.popup(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: (ws.js("GL.place()") or {}).get("label") == "观前街",
                    timeout=WAIT_MS)
    assert ws.js("GL.place()")["points"] >= 2
    # Escape in the box drops it
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: ws.js("GL.place()") is None, timeout=WAIT_MS)
    assert window.places.shown is None


def test_go_on_the_command_line_pans_the_map(workstation: Workstation) -> None:  # noqa: F811
    ws = workstation
    places_ready(ws)
    window, qtbot = ws.window, ws.qtbot
    cl = window.command_line
    cl.edit.setText("go 观前街 18号")
    cl.run()
    qtbot.waitUntil(lambda: window.places.shown is not None, timeout=WAIT_MS)
    assert window.places.shown.name == "观前街18号"
    assert "→ 观前街18号" in cl.status.text()
    qtbot.waitUntil(lambda: (ws.js("GL.place()") or {}).get("label") == "观前街18号",
                    timeout=WAIT_MS)
    centre = ws.js("[GL.map.getCenter().lat, GL.map.getCenter().lng]")
    shown = window.places.shown
    assert centre == [pytest.approx(shown.lat, abs=1e-5), pytest.approx(shown.lon, abs=1e-5)]
    cl.edit.setText("go 不存在的地方xyz")
    cl.run()
    qtbot.waitUntil(lambda: "no such place" in cl.status.text(), timeout=WAIT_MS)
    assert window.places.shown.name == "观前街18号"  # still the place before


def test_intake_address_sets_the_point_and_the_map_shows_it(
        workstation: Workstation) -> None:  # noqa: F811
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from widgets.intake_dialog import IntakeDialog

    ws = workstation
    places_ready(ws)
    window, qtbot = ws.window, ws.qtbot
    window.new_incident_at(None, None)
    qtbot.waitUntil(lambda: any(isinstance(w, IntakeDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=WAIT_MS)
    dlg = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, IntakeDialog) and w.isVisible())
    dlg.address.setFocus()
    type_text(dlg.address, "观前街18号")
    qtbot.keyClick(dlg.address, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dlg.place is not None, timeout=WAIT_MS)
    place = dlg.place
    assert place is not None
    assert dlg.grid == place.grid
    assert dlg.where_label.text()
    qtbot.waitUntil(lambda: (ws.js("GL.place()") or {}).get("label") == "观前街18号",
                    timeout=WAIT_MS)
    dlg.close()
