"""The map's unit layer against the real page: units coloured by department or status, the unit
board's filter hiding units on the map, clusters at city zoom, the unit tooltip, the legend (in
both languages), region names above the markers and the city fitted on start."""

from __future__ import annotations

from typing import Any

import pytest

from maps.unit_columns import UnitColumns
from maps.unit_details import UnitDetails
from maps.view import MapView
from tests.ui.widget_fixtures import *  # noqa: F403

pytestmark = pytest.mark.ui

LAT0, LON0 = 31.30, 120.60
DEPTS = ("police", "fire", "city_mgmt")
COLOURS = {"police": "#5c6bc0", "fire": "#e53935", "city_mgmt": "#7cb342"}
TEXTS = {
    "departments": {"police": "公安局", "fire": "消防救援支队", "city_mgmt": "城市管理局"},
    "unit_types": {"patrol_car": "巡逻车"},
    "statuses": {"available": "空闲", "on_scene": "到场", "busy": "处置中"},
    "legend": {"title": "图例", "units_department": "力量（按部门）",
               "units_status": "力量（按状态）", "clusters_title": "聚合",
               "incidents": "事件（按优先级）", "parts": "部件"},
    "choropleth": {"open": "各区域未结事件数"},
    "tooltip": {"department": "部门：", "type": "类型：", "status": "状态：",
                "since": "状态时长：", "incident": "事件：", "cluster": "%1 支力量"},
    "durations": {"s": "%1秒", "m": "%1分钟", "hm": "%1时%2分", "dh": "%1天%2时"},
}


def spread(n: int, step: float = 0.0005) -> list[tuple[str, float, float, str]]:
    """``n`` units on a square grid ``step`` degrees apart, statuses in turn."""
    side = int(n ** 0.5) + 1
    statuses = ("available", "on_scene", "busy")
    return [(f"U{i}", LAT0 + (i // side) * step, LON0 + (i % side) * step, statuses[i % 3])
            for i in range(n)]


def details(rows: list[tuple[str, float, float, str]], since: float = 1000.0
            ) -> list[tuple[str, str, str, str, float, str]]:
    return [(r[0], f"巡逻车{r[0]}", DEPTS[i % 3], "patrol_car", since, "E000042" if i == 0 else "")
            for i, r in enumerate(rows)]


def painted(view: MapView, qtbot: Any, token: str) -> None:
    view.flush()
    with qtbot.waitSignal(view.sig_painted, timeout=10_000,
                          check_params_cb=lambda t, _ms: t == token):
        view.after_paint(token)


def fill_of(view: MapView, map_js: Any, ids: list[str]) -> list[str]:
    return map_js(view, f"{ids!r}.map(function (id) {{ return GL._units.get(id).options.fillColor; }})")


def test_colouring_switch_changes_the_colours_the_page_holds(map_view: MapView, map_js: Any,
                                                             qtbot: Any) -> None:
    rows = spread(6)
    map_view.set_department_colours(COLOURS)
    map_view.update_units(rows)
    map_view.update_unit_details(details(rows))
    painted(map_view, qtbot, "status")
    status = map_js(map_view, "GL.palette().status")
    assert fill_of(map_view, map_js, ["U0", "U1", "U2"]) == [
        status["available"], status["on_scene"], status["busy"]]

    map_view.set_unit_colouring("department")
    assert map_view.unit_colouring == "department"
    assert fill_of(map_view, map_js, [r[0] for r in rows]) == [
        COLOURS[DEPTS[i % 3]] for i in range(6)]
    # a unit's colour follows its department, whatever its status does
    map_view.update_units([("U0", LAT0, LON0, "busy")])
    painted(map_view, qtbot, "moved")
    assert fill_of(map_view, map_js, ["U0"]) == [COLOURS["police"]]
    # a department without a colour is grey; a reload keeps the colouring
    map_view.update_unit_details([("U1", "巡逻车U1", "water", "patrol_car", 1000.0, "")])
    painted(map_view, qtbot, "water")
    assert fill_of(map_view, map_js, ["U1"]) == [map_js(map_view, "GL.palette().other")]
    with qtbot.waitSignal(map_view.sig_ready, timeout=30_000):  # ready again
        map_view.reload()
    assert fill_of(map_view, map_js, ["U0", "U2"]) == [COLOURS["police"], COLOURS["city_mgmt"]]

    map_view.set_unit_colouring("status")
    assert fill_of(map_view, map_js, ["U0", "U2"]) == [status["busy"], status["busy"]]
    with pytest.raises(ValueError, match="unknown unit colouring"):
        map_view.set_unit_colouring("rainbow")


def test_clusters_at_city_zoom_and_single_units_closer(map_view: MapView, map_js: Any,
                                                       qtbot: Any) -> None:
    rows = spread(2500, step=0.0016)
    map_view.set_department_colours(COLOURS)
    map_view.update_units(rows)
    map_view.update_unit_details(details(rows))
    map_view.set_unit_colouring("department")
    painted(map_view, qtbot, "load")
    side = 51 * 0.0016
    assert map_js(map_view, f"GL.map.fitBounds([[{LAT0}, {LON0}], [{LAT0 + side}, "
                            f"{LON0 + side}]], {{animate: false}}) && GL.map.getZoom()") < 15
    painted(map_view, qtbot, "city")
    clusters = map_js(map_view, "GL.clusterInfo()")
    shown = map_js(map_view, "GL.unitsShown()")
    singles = map_js(map_view, "GL.renderers.units.lastDrawn")
    assert shown["inView"] == 2500
    assert clusters
    assert all(c["n"] >= 2 for c in clusters)
    # every unit in view is in one cluster or drawn as itself
    assert sum(c["n"] for c in clusters) + singles == shown["inView"]
    assert len(clusters) < 400
    assert {c["colour"] for c in clusters} <= set(COLOURS.values())
    assert map_js(map_view, "GL.counts().clusters") == len(clusters)

    # a click on a cluster zooms in towards its units
    c = max(clusters, key=lambda c: c["n"])
    zoom = map_js(map_view, "GL.map.getZoom()")
    assert map_js(map_view, f"GL.hitTest({c['lat']}, {c['lng']}).kind") == "cluster"
    map_view.evaluate(f"""(function () {{
        var p = GL.map.latLngToContainerPoint([{c['lat']}, {c['lng']}]);
        var r = GL.map.getContainer().getBoundingClientRect();
        document.elementFromPoint(r.left + p.x, r.top + p.y).dispatchEvent(new MouseEvent(
            'click', {{clientX: r.left + p.x, clientY: r.top + p.y, bubbles: true}}));
    }})()""")
    qtbot.waitUntil(lambda: map_js(map_view, "GL.map.getZoom()") > zoom, timeout=5_000)

    # closer than the clusters' zoom: every unit in view drawn as itself
    assert map_js(map_view, f"GL.map.setView([{LAT0 + 0.04}, {LON0 + 0.04}], 16, "
                            "{animate: false}) && true")
    painted(map_view, qtbot, "street")
    assert map_js(map_view, "GL.clusterInfo()") is None
    shown = map_js(map_view, "GL.unitsShown()")
    assert 0 < shown["inView"] < 2500
    assert map_js(map_view, "GL.renderers.units.lastDrawn") == shown["inView"]


def test_unit_tooltip_names_department_status_and_time(map_view: MapView, map_js: Any,
                                                       qtbot: Any) -> None:
    map_view.set_texts(TEXTS)
    map_view.update_units([("U7", LAT0, LON0, "on_scene")])
    map_view.update_unit_details([("U7", "巡逻车07", "fire", "patrol_car", 1000.0, "E000042")])
    map_view.set_clock(1000.0 + 12 * 60 + 5)
    painted(map_view, qtbot, "one")
    assert map_js(map_view, f"GL.map.setView([{LAT0}, {LON0}], 16, {{animate: false}}) && true")
    assert map_js(map_view, "GL.unitTooltip('U7')") == [
        ["", "巡逻车07 · U7"], ["部门：", "消防救援支队"], ["类型：", "巡逻车"], ["状态：", "到场"],
        ["状态时长：", "12分钟"], ["事件：", "E000042"]]
    map_view.evaluate(f"""(function () {{
        var p = GL.map.latLngToContainerPoint([{LAT0}, {LON0}]);
        var r = GL.map.getContainer().getBoundingClientRect();
        GL.map.getContainer().dispatchEvent(new MouseEvent('mousemove', {{
            clientX: r.left + p.x, clientY: r.top + p.y, bubbles: true}}));
    }})()""")
    tooltip = "GL.map.hasLayer(GL._tooltip) ? GL._tooltip.getElement().textContent : null"
    qtbot.waitUntil(lambda: map_js(map_view, tooltip) is not None, timeout=5_000)
    text = map_js(map_view, tooltip)
    for part in ("巡逻车07", "消防救援支队", "到场", "12分钟", "E000042"):
        assert part in text


def test_legend_lists_the_layers_shown_and_follows_colouring(map_view: MapView, map_js: Any,
                                                             qtbot: Any) -> None:
    from tests.ui.test_map_view import squares

    def titles() -> list[str]:
        map_view.flush()
        return map_js(map_view, "GL._legend.titles()")

    map_view.set_texts(TEXTS)
    map_view.set_department_colours(COLOURS)
    assert titles() == []
    assert map_js(map_view, "document.querySelector('.gl-legend')") is None
    map_view.set_regions("grid", squares(9))
    map_view.set_choropleth({"G0000": 2, "G0001": 7}, "open")
    rows = spread(3)
    map_view.update_units(rows)
    map_view.update_unit_details(details(rows))
    map_view.update_incidents([("I1", LAT0, LON0, "urgent", True, "")])
    assert titles() == ["各区域未结事件数", "力量（按状态）", "事件（按优先级）"]
    legend = map_js(map_view, "document.querySelector('.gl-legend').textContent")
    assert "图例" in legend
    assert "空闲" in legend
    assert "7" in legend
    map_view.set_unit_colouring("department")
    assert titles()[1] == "力量（按部门）"
    legend = map_js(map_view, "document.querySelector('.gl-legend').textContent")
    assert all(name in legend for name in TEXTS["departments"].values())
    map_view.set_layer_visible("incidents", False)
    map_view.set_parts([("C1", "camera", LAT0, LON0, {})])
    assert titles() == ["各区域未结事件数", "力量（按部门）", "部件"]
    # folded to its title, and open again
    map_js(map_view, "GL._legend.toggle() || true")
    assert map_js(map_view, "document.querySelector('.gl-legend-body').textContent") == ""
    map_js(map_view, "GL._legend.toggle() || true")
    assert "部件" in map_js(map_view, "document.querySelector('.gl-legend-body').textContent")


def test_region_names_above_markers_and_city_fitted_as_it_resizes(map_view: MapView,
                                                                  map_js: Any,
                                                                  qtbot: Any) -> None:
    from tests.ui.test_map_view import squares

    z = {p: map_js(map_view, f"+GL.map.getPane('gl-{p}').style.zIndex")
         for p in ("labels", "units", "incidents", "parts", "basemap-labels")}
    assert z["labels"] > max(z["units"], z["incidents"], z["parts"])
    # the basemap's road and place names too: a dot never hides a name
    assert z["basemap-labels"] > max(z["units"], z["incidents"], z["parts"])
    map_view.set_regions("grid", squares(64))  # the first regions: the city fitted at once
    contains = "GL.map.getBounds().contains(GL._regionBounds)"
    assert map_js(map_view, contains) is True
    zoom = map_js(map_view, "GL.map.getZoom()")
    map_view.resize(400, 300)  # the window lays out: still the whole city, farther
    qtbot.waitUntil(lambda: map_js(map_view, f"{contains} && GL.map.getZoom() < {zoom}"),
                    timeout=5_000)
    # moved by hand: the view is the operator's
    map_js(map_view, "GL.map.getContainer().dispatchEvent(new MouseEvent('mousedown')) || true")
    map_js(map_view, "GL.map.setZoom(GL.map.getZoom() + 3, {animate: false}) && true")
    map_view.resize(800, 600)
    qtbot.waitUntil(lambda: map_js(map_view, "GL.map.getSize().x") == 800, timeout=5_000)
    assert map_js(map_view, contains) is False


def test_details_and_filter_flags_are_sent_compactly() -> None:
    """Details go once per change, as indexes into code tables; a filter flag change sends
    only the units it flips; nothing counts as told before it is sent."""
    columns = UnitColumns()
    det = UnitDetails(columns)
    columns.upsert([("U1", LAT0, LON0, "available"), ("U2", LAT0, LON0, "busy")])
    det.update([("U1", "一号", "police", "patrol_car", 10.0, ""),
                ("U2", "二号", "police", "motorbike", 20.0, "E1")])
    told = det.changes()
    assert told == {"meta": {"ix": [0, 1], "name": ["一号", "二号"], "dept": [0, 0],
                             "type": [0, 1]},
                    "info": {"ix": [0, 1], "since": [10, 20], "inc": ["", "E1"], "hid": [0, 0]},
                    "depts": ["police"], "types": ["patrol_car", "motorbike"]}
    det.sent(told)
    assert det.changes() is None
    det.update([("U1", "一号", "police", "patrol_car", 10.0, "")])  # the same: nothing
    assert det.pending() == 0
    det.update([("U2", "二号", "police", "motorbike", 99.0, "")])  # status changed
    assert det.changes() == {"info": {"ix": [1], "since": [99], "inc": [""], "hid": [0]}}
    assert det.changes() is not None  # not told until sent
    det.sent(det.changes() or {})
    assert det.hide_only(["U1"]) == 1
    assert det.changes() == {"info": {"ix": [0], "since": [10], "inc": [""], "hid": [1]}}
    det.sent(det.changes() or {})
    assert det.set_hidden(["U2"], ["U1"]) == 2
    assert det.hidden == frozenset({"U2"})
    with pytest.raises(ValueError, match="status_since"):
        det.update([("U3", "三号", "police", "patrol_car", float("nan"), "")])
    with pytest.raises(ValueError, match="unit details must be"):
        det.update([("U3", "三号")])
    assert det.get("U3") is None


def test_board_filter_hides_units_on_the_map(console: Any, busy_engine: Any,
                                            map_view_factory: Any, map_js: Any,
                                            qtbot: Any) -> None:
    from console.map_sync import MapSync
    from dispatch.domain import commands as cmd
    from dispatch.domain.status import UnitStatus
    from tests.domain.helpers import FIELD
    from widgets.unit_board import UnitBoard

    view = map_view_factory()
    sync = MapSync(console, view)
    board = UnitBoard(console)
    qtbot.addWidget(board)
    sync.follow_unit_filter(board.proxy)
    state = console.state

    def page_hidden() -> set[str]:
        view.flush()
        return set(map_js(view, "(function () { var out = [];"
                                " GL._units.forEach(function (m, id) { if (m._glHidden)"
                                " out.push(id); }); return out; })()"))

    assert page_hidden() == set()
    board.department.setCurrentIndex(board.department.findData("police"))
    want = {uid for uid, u in state.units.items() if u.department != "police"}
    assert want
    assert page_hidden() == want == view.hidden_units
    types = {u.unit_type for u in state.units.values() if u.department == "police"}
    board.unit_type.setCurrentIndex(board.unit_type.findData(sorted(types)[0]))
    want = {uid for uid, u in state.units.items()
            if u.department != "police" or u.unit_type != sorted(types)[0]}
    assert page_hidden() == want
    board.unit_type.setCurrentIndex(0)
    board.department.setCurrentIndex(0)
    board.mode_buttons["available"].click()
    want = {uid for uid, u in state.units.items()
            if u.status not in (UnitStatus.AVAILABLE, UnitStatus.RETURNING)}
    assert page_hidden() == want
    # a unit leaves "available": hidden on the map with the next flush
    uid = next(u.id for u in state.units.values() if u.status == UnitStatus.AVAILABLE)
    busy_engine.execute(cmd.SetUnitStatus(uid, "off_duty"), FIELD)
    console.apply_changes(*busy_engine.state.take_changes())
    assert uid in page_hidden()
    # the tooltip reads what the board shows
    tip = map_js(view, f"GL.unitTooltip({uid!r})")
    assert tip[0][1].startswith(state.units[uid].name)
    board.mode_buttons["all"].click()
    assert page_hidden() == set()


def test_legend_and_tooltip_in_chinese(console: Any, map_view_factory: Any, map_js: Any,
                                       qapp: Any, tmp_path: Any, monkeypatch: Any) -> None:
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from console.map_sync import MapSync
    from widgets import i18n

    ts = Path(i18n.I18N_DIR) / "gridline_zh_CN.ts"
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent /
                                                       "pyside6-lrelease")
    subprocess.run([lrelease, str(ts), "-qm", str(tmp_path / "gridline_zh_CN.qm")], check=True,
                   capture_output=True)
    monkeypatch.setattr(i18n, "I18N_DIR", tmp_path)
    assert i18n.install_translator(qapp, "zh")
    try:
        console.language = "zh"
        view = map_view_factory()
        MapSync(console, view, unit_colouring="department")
        view.flush()
        titles = map_js(view, "GL._legend.titles()")
        assert "力量（按部门）" in titles
        assert "各区域未结事件数" in titles
        legend = map_js(view, "document.querySelector('.gl-legend').textContent")
        assert "图例" in legend
        assert "城市管理局" in legend
        uid = next(iter(console.state.units))
        tip = map_js(view, f"GL.unitTooltip({uid!r})")
        assert [line[0] for line in tip[1:4]] == ["部门：", "类型：", "状态："]
    finally:
        i18n.remove_translators(qapp)


def test_every_department_gets_a_stable_distinct_colour(catalogue: Any) -> None:
    from dataclasses import replace

    from console.map_units import SPARE_COLOURS, department_colours

    colours = department_colours(catalogue)
    assert set(colours) == set(catalogue.departments)
    assert len(set(colours.values())) == len(colours)  # distinguishable: no two alike
    assert colours["police"] == catalogue.departments["police"].colour
    # departments the catalogue gives no colour: a spare one each, the same every time
    depts = dict(catalogue.departments)
    depts["parks"] = replace(depts["water"], code="parks", colour="")
    depts["gas"] = replace(depts["water"], code="gas", colour="")
    more = replace(catalogue, departments=depts)
    first, again = department_colours(more), department_colours(more)
    assert first == again
    assert {first["parks"], first["gas"]} <= set(SPARE_COLOURS)
    assert first["parks"] != first["gas"]


def test_the_fitted_city_fills_the_view(map_view: MapView, map_js: Any, qtbot: Any) -> None:
    """Fitted, the city fills the view along its longer side (fractional zoom), instead of
    stopping at the last whole zoom level where it fits (up to half the view lost), whatever
    the size of the view."""
    from tests.ui.test_map_view import squares

    map_view.set_regions("grid", squares(64))
    for w, h in ((600, 400), (700, 520), (820, 610), (1000, 470), (1150, 700)):
        map_view.resize(w, h)
        qtbot.waitUntil(lambda w=w: map_js(map_view, "GL.map.getSize().x") == w, timeout=5_000)
        map_js(map_view, "GL.fitCity() || 1")
        assert 0.8 <= city_fill(map_view, map_js) <= 1.0, (w, h)


def city_fill(map_view: MapView, map_js: Any) -> float:
    return float(map_js(map_view, """(function () {
        var b = GL._regionBounds, m = GL.map, s = m.getSize();
        var p = m.latLngToContainerPoint(b.getNorthWest()),
            q = m.latLngToContainerPoint(b.getSouthEast());
        return Math.max((q.x - p.x) / s.x, (q.y - p.y) / s.y);
    })()"""))
