"""The new-incident form and the live map, against a real dispatch server and the real map
page: a plain click sets the open form's point (and marks it), a stray click opens no form,
Ctrl+click and the map's right-click menu open one at the point, and a filed incident ends up
selected in the console."""

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


def mouse_js(lat: float, lon: float, kind: str = "click", ctrl: bool = False) -> str:
    """A real DOM mouse event on whatever element is at (lat, lon), as a mouse sends it."""
    button = 2 if kind == "contextmenu" else 0
    return f"""(function () {{
        var p = GL.map.latLngToContainerPoint([{lat}, {lon}]);
        var r = GL.map.getContainer().getBoundingClientRect();
        var x = r.left + p.x, y = r.top + p.y;
        var el = document.elementFromPoint(x, y);
        el.dispatchEvent(new MouseEvent('{kind}', {{clientX: x, clientY: y, bubbles: true,
            cancelable: true, view: window, button: {button},
            ctrlKey: {'true' if ctrl else 'false'}}}));
        return true;
    }})()"""


def forms() -> list[Any]:
    from PySide6.QtWidgets import QApplication

    from widgets.intake_dialog import IntakeDialog

    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, IntakeDialog) and w.isVisible()]


def grid_spot(ws: Workstation, index: int) -> tuple[str, float, float]:
    """A grid of the city and a point inside it, in view, where nothing is drawn (no unit or
    incident marker, no cluster: a click there is the map's), the map centred on the grid."""
    import shapely

    grids = sorted(r.code for r in ws.console.city.grids())
    shape = ws.console.city.regions[grids[index]].geometry
    p = shape.representative_point()
    ws.js(f"(GL.map.setView([{p.y}, {p.x}], 16, {{animate: false}}), true)")
    ws.qtbot.waitUntil(lambda: ws.js(
        f"GL.map.getBounds().contains([{p.y}, {p.x}])") is True, timeout=WAIT_MS)
    # candidates well inside the grid: its representative point, then a lattice over it
    inner = shape.buffer(-0.0003)
    x0, y0, x1, y1 = inner.bounds
    lattice = [shapely.Point(x0 + (x1 - x0) * i / 6, y0 + (y1 - y0) * j / 6)
               for i in range(1, 6) for j in range(1, 6)]
    candidates = [p, *(q for q in lattice if inner.contains(q))]
    found: list[tuple[float, float]] = []

    def clear() -> bool:  # asked again until the view's redraw is done
        for q in candidates:
            # in view, not under a control (the legend, the zoom buttons), nothing drawn
            if ws.js(f"(function () {{ var h = GL.hitTest({q.y}, {q.x}); "
                     f"if (!GL.map.getBounds().pad(-0.1).contains([{q.y}, {q.x}])) "
                     "return false; "
                     f"var p = GL.map.latLngToContainerPoint([{q.y}, {q.x}]); "
                     "var r = GL.map.getContainer().getBoundingClientRect(); "
                     "var el = document.elementFromPoint(r.left + p.x, r.top + p.y); "
                     "return !!el && !el.closest('.leaflet-control') "
                     "&& (!h || h.kind === 'region'); })()") is True:
                found[:] = [(q.x, q.y)]
                return True
        return False

    ws.qtbot.waitUntil(clear, timeout=WAIT_MS)
    # a click lands on a whole pixel: the point is that pixel's, as the map will read it
    lon, lat = ws.js(f"(function () {{ var p = GL.map.latLngToContainerPoint([{found[0][1]}, "
                     f"{found[0][0]}]); var ll = GL.map.containerPointToLatLng("
                     "[Math.round(p.x), Math.round(p.y)]); return [ll.lng, ll.lat]; })()")
    return grids[index], lon, lat


def test_plain_click_goes_to_the_open_form_and_opens_none(
        workstation: Workstation) -> None:  # noqa: F811
    ws = workstation
    window, qtbot = ws.window, ws.qtbot
    grid, lon, lat = grid_spot(ws, 3)
    # no form open: a plain click opens none (it says how to get one)
    said: list[str] = []  # the status bar's words may be replaced by a later message
    window.intake.sig_message.connect(said.append)
    ws.js(mouse_js(lat, lon))
    qtbot.waitUntil(lambda: any("Ctrl+click" in m for m in said), timeout=WAIT_MS)
    assert forms() == []
    # a form open (from the menu: no point yet): the click sets its point and grid
    dlg = window.new_incident_at(None, None)
    qtbot.waitUntil(dlg.isVisible, timeout=WAIT_MS)
    assert dlg.point_source == ""
    assert dlg.grid == ""
    ws.js(mouse_js(lat, lon))
    qtbot.waitUntil(lambda: dlg.point_source == "click", timeout=WAIT_MS)
    assert dlg.grid == grid
    assert grid in dlg.grid_label.text()
    assert (dlg.lon.value(), dlg.lat.value()) == (pytest.approx(lon, abs=1e-5),
                                                  pytest.approx(lat, abs=1e-5))
    assert forms() == [dlg]  # still the one form
    qtbot.waitUntil(lambda: (ws.js("GL.place()") or {}).get("label") == "New incident",
                    timeout=WAIT_MS)
    held = ws.js("GL.place()")
    assert (held["lat"], held["lon"]) == (pytest.approx(lat, abs=1e-5),
                                          pytest.approx(lon, abs=1e-5))
    # another click moves the point of the same form
    grid2, lon2, lat2 = grid_spot(ws, 40)
    ws.js(mouse_js(lat2, lon2))
    qtbot.waitUntil(lambda: dlg.grid == grid2, timeout=WAIT_MS)
    assert forms() == [dlg]
    dlg.reject()  # nothing typed: closes without asking
    qtbot.waitUntil(lambda: forms() == [], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: ws.js("GL.place()") is None, timeout=WAIT_MS)


def test_ctrl_click_and_the_map_menu_open_a_form_there(
        workstation: Workstation) -> None:  # noqa: F811
    ws = workstation
    window, qtbot = ws.window, ws.qtbot
    grid, lon, lat = grid_spot(ws, 5)
    ws.js(mouse_js(lat, lon, ctrl=True))
    qtbot.waitUntil(lambda: len(forms()) == 1, timeout=WAIT_MS)
    (dlg,) = forms()
    assert (dlg.point_source, dlg.grid) == ("click", grid)
    dlg.description.setPlainText("井盖缺失")  # a call half taken
    # the right-click menu offers a new incident at the point (and the open form's point)
    grid2, lon2, lat2 = grid_spot(ws, 9)
    ws.js(mouse_js(lat2, lon2, kind="contextmenu"))
    qtbot.waitUntil(lambda: window.intake.menu is not None and window.intake.menu.isVisible(),
                    timeout=WAIT_MS)
    menu = window.intake.menu
    names = {a.objectName(): a for a in menu.actions()}
    assert set(names) == {"new_incident_here", "set_form_point"}
    assert names["new_incident_here"].text() == "New incident here"
    names["new_incident_here"].trigger()
    qtbot.waitUntil(lambda: len(forms()) == 2, timeout=WAIT_MS)
    second = window.intake.form
    assert second is not dlg
    assert (second.point_source, second.grid) == ("click", grid2)
    assert dlg.grid == grid  # the half-taken call keeps its point
    assert dlg.description.toPlainText() == "井盖缺失"


def test_filed_incident_is_selected_with_its_phone_kept(
        workstation: Workstation) -> None:  # noqa: F811
    ws = workstation
    window, qtbot = ws.window, ws.qtbot
    grid, lon, lat = grid_spot(ws, 7)
    ws.js(mouse_js(lat, lon, ctrl=True))
    qtbot.waitUntil(lambda: len(forms()) == 1, timeout=WAIT_MS)
    (dlg,) = forms()
    klass = next(m.code for m in ws.console.catalogue.minors.values() if m.priority == "normal")
    dlg.set_class(klass)
    dlg.reporter.setText("王先生")
    dlg.phone.setText("13800138000")
    dlg.description.setPlainText("路灯不亮已经三天")
    before = set(ws.console.state.incidents)
    dlg.submit()
    qtbot.waitUntil(lambda: bool(dlg.filed_id), timeout=WAIT_MS)
    iid = dlg.filed_id
    assert iid not in before
    qtbot.waitUntil(lambda: ws.console.selected_incident == iid, timeout=WAIT_MS)
    assert window.detail.incident_id == iid
    inc = ws.console.state.incidents[iid]
    assert (inc.grid, inc.reporter) == (grid, "王先生")
    assert ws.srv.server.engine.state.contacts[iid] == "13800138000"
    qtbot.waitUntil(lambda: forms() == [], timeout=WAIT_MS)
