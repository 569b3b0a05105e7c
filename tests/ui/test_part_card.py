"""A city part's card (部件): its fields, attributes and incident history from the mirror, in
English and Chinese; and in the real workstation against a real server, a click on a part of
the map (the page's own click, and the bridge call it makes) opens the card, and "Report
incident here" files an incident referencing the part that the card's history then shows."""

from __future__ import annotations

import math
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import pytest
from PySide6.QtCore import Qt

from dispatch.domain import commands as cmd
from dispatch.domain.city.model import City, Part
from tests.domain.helpers import minor_with
from tests.integration.conftest import server_factory  # noqa: F401
from tests.ui.test_console_live import WAIT_MS, Workstation, workstation  # noqa: F401
from tests.ui.test_widgets_i18n import chinese  # noqa: F401
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import FakeShell, MirroredConsole, report_at
from widgets.intake_dialog import IntakeDialog
from widgets.part_card import PartCard

pytestmark = pytest.mark.ui


def _part(city: City, part_type: str) -> Part:
    return city.parts[min(p.id for p in city.parts.values() if p.part_type == part_type)]


def _card(console: Any, qtbot: Any) -> PartCard:
    card = PartCard(console)
    qtbot.addWidget(card)
    return card


def test_the_card_shows_the_part_and_its_incidents(console: MirroredConsole, shell: FakeShell,
                                                   busy_engine: Any, clock: Any,
                                                   qtbot: Any) -> None:
    c = console
    light = _part(c.city, "streetlight")
    code = minor_with(busy_engine.catalogue)
    first = report_at(busy_engine, 3, code, part_id=light.id)
    clock.advance(120)
    second = report_at(busy_engine, 4, code, part_id=light.id)
    report_at(busy_engine, 5, code)  # about no part
    c.apply_changes(*busy_engine.state.take_changes())

    card = _card(c, qtbot)
    assert not card.show_part("P-nothing-1")
    assert not card.report.isEnabled()
    assert card.show_part(light.id)
    f = {k: v.text() for k, v in card.fields.items()}
    assert f["id"] == light.id
    assert f["type"] == "Streetlight (streetlight)"
    assert f["position"] == f"{light.lat:.6f}N {light.lon:.6f}E"
    assert f["grid"].endswith(light.grid)
    assert f["department"] == c.catalogue.departments[light.owner_department].name_en
    assert (f["owner"], f["maintainer"]) == (light.owner_unit, light.maintainer)
    assert light.owner_unit.endswith("路灯管理所")
    assert f["state"] == {"intact": "Intact", "damaged": "Damaged", "missing": "Missing",
                          "occupied": "Occupied"}[light.state]
    attributes = {}
    for row in range(card.attributes.rowCount()):
        name, value = (card.attributes.itemAtPosition(row, k) for k in (0, 1))
        assert name is not None
        assert value is not None
        attributes[name.widget().text()] = value.widget().text()  # type: ignore[union-attr]
    assert list(attributes) == ["Lamp", "Power", "Pole height", "Circuit"]
    assert attributes["Power"] == f"{light.attributes['power_w']} W"
    assert attributes["Pole height"].endswith(" m")
    assert attributes["Lamp"] in ("LED", "Sodium", "Metal halide")

    # the history: this part's incidents, newest first, with time, class and status
    assert card.history_ids() == [second, first]
    top = card.history.topLevelItem(0)
    assert top is not None
    assert top.text(2) == c.class_name(code)
    assert top.text(3) == "Reported"
    assert card.history_heading.text() == "INCIDENT HISTORY (2)"

    # a double-click selects the incident everywhere
    activated: list[str] = []
    card.sig_incident_activated.connect(activated.append)
    card.history.itemDoubleClicked.emit(top, 0)
    assert c.selected_incident == second
    assert activated == [second]

    # a report against the part through the console appears in the history at once
    ctx = c.request(cmd.ReportIncident("hotline", code, light.lon, light.lat, "路灯不亮",
                                       part_id=light.id))
    assert ctx
    newest = max(busy_engine.state.incidents, key=lambda i: (
        busy_engine.state.incidents[i].reported_at, i))
    assert busy_engine.state.incidents[newest].part_id == light.id
    assert card.history_ids()[0] == newest
    assert len(card.history_ids()) == 3

    # "Report incident here" and Escape ask the shell
    asked: list[str] = []
    closed: list[bool] = []
    card.sig_report.connect(asked.append)
    card.sig_close.connect(lambda: closed.append(True))
    qtbot.mouseClick(card.report, Qt.MouseButton.LeftButton)
    assert asked == [light.id]
    with qtbot.waitExposed(card):
        card.show()
    card.activateWindow()
    qtbot.waitUntil(card.isActiveWindow)
    card.history.setFocus()
    qtbot.keyClick(card.history, Qt.Key.Key_Escape)
    assert closed == [True]


def test_the_card_in_chinese(chinese: Any, console: MirroredConsole,  # noqa: F811
                             qtbot: Any) -> None:
    console.language = "zh"
    cover = _part(console.city, "manhole_cover")
    card = _card(console, qtbot)
    assert card.show_part(cover.id)
    assert card.report.text() == "上报问题"
    names = [label.text() for label in card.field_names.values()]
    assert names == ["编号", "类型", "位置", "所在网格", "主管部门", "所属单位", "养护单位", "状态"]
    assert card.fields["type"].text() == "井盖 (manhole_cover)"
    assert card.fields["department"].text() == "水务局"
    assert card.fields["state"].text() in ("完好", "破损", "缺失", "被占用")
    value = card.attributes.itemAtPosition(2, 1)
    assert value is not None
    assert value.widget().text() == f"{cover.attributes['diameter_mm']} mm"  # type: ignore[union-attr]


# ------------------------------------------------------------------ the real workstation


def _lonely_part(city: City, state: Any) -> Part:
    """A streetlight with no other part, unit or incident within 40 m (a click on it at the
    closest zoom hits nothing else)."""
    others = [(p.lon, p.lat) for p in city.parts.values()]
    others += [(u.lon, u.lat) for u in state.units.values()]
    others += [(i.lon, i.lat) for i in state.incidents.values()]

    def alone(p: Part) -> bool:
        k = math.cos(math.radians(p.lat))
        return all(math.hypot((lon - p.lon) * k, lat - p.lat) * 111_320 > 40
                   for lon, lat in others if (lon, lat) != (p.lon, p.lat))

    return next(p for p in sorted(city.parts.values(), key=lambda p: p.id)
                if p.part_type == "streetlight" and alone(p))


def test_click_a_part_then_report_from_its_card(workstation: Workstation) -> None:  # noqa: F811
    ws = workstation
    w, c = ws.window, ws.console
    part = _lonely_part(c.city, c.state)
    w.parts_action.setChecked(True)
    ws.qtbot.waitUntil(lambda: ws.js("GL.counts()")["parts"] == len(c.city.parts),
                       timeout=WAIT_MS)

    # the page's own click on the part (hit-tested by gridline.js, sent over the bridge)
    ws.js(f"GL.map.setView([{part.lat}, {part.lon}], GL.map.getMaxZoom(), "
          "{animate: false}) && 1")
    assert ws.js(f"GL.hitTest({part.lat}, {part.lon})") == {"kind": "part", "id": part.id}
    ws.js(f"(function () {{ var ll = L.latLng({part.lat}, {part.lon}); "
          "GL.map.fire('click', {latlng: ll, layerPoint: GL.map.latLngToLayerPoint(ll), "
          "containerPoint: GL.map.latLngToContainerPoint(ll)}); return 1; })()")
    ws.qtbot.waitUntil(lambda: w.part_card.part_id == part.id, timeout=WAIT_MS)
    assert w.part_dock.isVisible()
    assert w.part_card.fields["owner"].text() == part.owner_unit
    # and marked on the map where it is (the selection ring), the view left as it was
    ws.qtbot.waitUntil(lambda: ws.js("GL._selection && [GL._selection.kind, GL._selection.id]")
                       == ["part", part.id], timeout=WAIT_MS)
    ring = ws.js("[GL._selection.layer.getLatLng().lat, GL._selection.layer.getLatLng().lng]")
    assert ring == [pytest.approx(part.lat, abs=1e-6), pytest.approx(part.lon, abs=1e-6)]
    assert w.part_card.history_ids() == []
    # hidden parts are not hit
    w.parts_action.setChecked(False)
    ws.qtbot.waitUntil(lambda: ws.js(f"GL.hitTest({part.lat}, {part.lon})") is None
                       or ws.js(f"GL.hitTest({part.lat}, {part.lon})")["kind"] != "part",
                       timeout=WAIT_MS)
    w.parts_action.setChecked(True)

    # an incident reported against the part elsewhere; the bridge call the page makes
    w.part_dock.hide()
    before = set(c.state.incidents)
    ws.ok(cmd.ReportIncident("hotline", minor_with(c.catalogue), part.lon, part.lat,
                             "路灯杆倾斜", part_id=part.id))
    ws.qtbot.waitUntil(lambda: bool(set(c.state.incidents) - before), timeout=WAIT_MS)
    (earlier,) = set(c.state.incidents) - before
    w.map.bridge.part_clicked(part.id)
    assert w.part_dock.isVisible()
    assert w.part_card.part_id == part.id
    assert w.part_card.history_ids() == [earlier]

    # "Report incident here": the new-incident form at the part, referencing it
    ws.qtbot.mouseClick(w.part_card.report, Qt.MouseButton.LeftButton)
    dialogs = [d for d in w.findChildren(IntakeDialog) if d.isVisible()]
    assert len(dialogs) == 1
    form = dialogs[0]
    assert form.part_id == part.id
    assert form.part_label.text().endswith(part.id)
    assert (round(form.lon.value(), 6), round(form.lat.value(), 6)) == (
        round(part.lon, 6), round(part.lat, 6))
    assert form.grid == part.grid
    assert form.picker.code == c.catalogue.part_types["streetlight"].report_class == "0509"
    form.description.setPlainText("路灯不亮，灯杆有裂缝")
    before = set(c.state.incidents)
    form.submit()
    ws.qtbot.waitUntil(lambda: bool(set(c.state.incidents) - before), timeout=WAIT_MS)
    (new,) = set(c.state.incidents) - before
    inc = c.state.incidents[new]
    assert (inc.part_id, inc.grid, inc.class_code) == (part.id, part.grid, "0509")
    ws.qtbot.waitUntil(lambda: w.part_card.history_ids() == [new, earlier], timeout=WAIT_MS)

    # a double-click in the history selects the incident in the queue and shows its detail
    item = w.part_card.history.topLevelItem(0)
    assert item is not None
    w.part_card.history.itemDoubleClicked.emit(item, 0)
    assert c.selected_incident == new
    assert w.detail.incident_id == new
    ws.qtbot.waitUntil(lambda: w.queue.selected_id() == new, timeout=WAIT_MS)
