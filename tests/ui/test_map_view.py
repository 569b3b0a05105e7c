"""MapView against the real page in QtWebEngine (offscreen): data in, counts and clicks out."""

from __future__ import annotations

import math
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)

from maps.page import PageOptions
from maps.view import MapView

pytestmark = pytest.mark.ui

LAT0, LON0, SIZE = 31.30, 120.60, 0.01


def squares(n: int, *, prefix: str = "G", lat0: float = LAT0, lon0: float = LON0,
            size: float = SIZE) -> dict[str, Any]:
    """A FeatureCollection of ``n`` adjacent square polygons laid out row by row."""
    side = max(1, int(n ** 0.5))
    features = []
    for i in range(n):
        row, col = divmod(i, side)
        la, lo = lat0 + row * size, lon0 + col * size
        ring = [[lo, la], [lo + size, la], [lo + size, la + size], [lo, la + size], [lo, la]]
        features.append({"type": "Feature",
                         "properties": {"code": f"{prefix}{i:04d}", "name": f"网格{i}"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return {"type": "FeatureCollection", "features": features}


def units(m: int, status: str = "available") -> list[tuple[str, float, float, str]]:
    return [(f"U{i}", LAT0 + 0.001 + (i % 40) * 0.002, LON0 + 0.001 + (i // 40) * 0.002, status)
            for i in range(m)]


def click_js(lat: float, lon: float) -> str:
    """A real DOM click on whatever element is at (lat, lon) — the path a mouse click takes."""
    return f"""(function () {{
        var p = GL.map.latLngToContainerPoint([{lat}, {lon}]);
        var r = GL.map.getContainer().getBoundingClientRect();
        var x = r.left + p.x, y = r.top + p.y;
        var el = document.elementFromPoint(x, y);
        el.dispatchEvent(new MouseEvent('click', {{clientX: x, clientY: y, bubbles: true,
                                                   cancelable: true, view: window}}));
        return true;
    }})()"""


def center_on(view: MapView, map_js: Any, lat: float, lon: float, zoom: int = 15) -> None:
    assert map_js(view, f"GL.map.setView([{lat}, {lon}], {zoom}, {{animate: false}}) && true")


def test_page_loads_offline_via_custom_scheme(map_view: MapView, map_js: Any, qtbot: Any) -> None:
    seen: list[str] = []

    class Recorder(QWebEngineUrlRequestInterceptor):
        def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
            seen.append(info.requestUrl().toString())

    recorder = Recorder(map_view)
    map_view.page().setUrlRequestInterceptor(recorder)
    # ready again after the reload (is_ready is still True from before until the reload has
    # started, so waiting for it alone could look at a page half torn down)
    with qtbot.waitSignal(map_view.sig_ready, timeout=30_000):
        map_view.reload()
    assert map_view.is_ready

    assert map_view.page_url.scheme() == "gridline"
    assert map_js(map_view, "L.version") == "1.9.3"
    assert map_js(map_view, "GL.map.options.preferCanvas") is True
    assert map_js(map_view, "typeof QWebChannel") == "function"
    assert map_js(map_view, "document.querySelectorAll('[src^=http],[href^=http]').length") == 0
    schemes = {url.split(":", 1)[0] for url in seen}
    assert "gridline" in schemes, seen
    assert schemes <= {"gridline", "qrc", "data"}, seen


def test_counts_follow_regions_units_and_removals(map_view: MapView, map_js: Any) -> None:
    map_view.set_regions("grid", squares(64))
    map_view.update_units(units(150))
    map_view.flush()
    counts = map_js(map_view, "GL.counts()")
    assert (counts["regions"], counts["units"], counts["level"]) == (64, 150, "grid")

    map_view.update_units([], [f"U{i}" for i in range(0, 150, 3)])
    map_view.update_incidents([("I1", LAT0 + 0.005, LON0 + 0.005, "urgent", True, "井盖缺失")])
    map_view.set_regions("community", squares(9, prefix="C", size=0.03))
    map_view.flush()
    counts = map_js(map_view, "GL.counts()")
    assert (counts["regions"], counts["units"], counts["incidents"]) == (9, 100, 1)
    assert counts["level"] == "community"
    assert map_js(map_view, "GL.layers.units.getLayers().length") == 100

    map_view.update_incidents([], ["I1", "nope"])
    map_view.flush()
    assert map_js(map_view, "GL.counts().incidents") == 0


def test_updates_coalesce_per_id_and_latest_position_wins(map_view: MapView, map_js: Any) -> None:
    for k in range(10):
        map_view.update_units([("U1", LAT0 + k * 0.001, LON0, "en_route")])
    map_view.update_units([("U2", LAT0, LON0, "busy")])
    map_view.update_units([], ["U2"])  # a removal cancels the pending upsert
    assert map_view.pending_changes() == 2
    map_view.flush()
    assert map_view.pending_changes() == 0
    lat = map_js(map_view, "GL._units.get('U1').getLatLng().lat")
    assert lat == pytest.approx(LAT0 + 0.009)
    assert map_js(map_view, "GL._units.has('U2')") is False

    map_view.update_units([("U1", LAT0, LON0, "on_scene")])
    map_view.flush()
    assert map_js(map_view, "GL._units.get('U1').options.fillColor") == "#e53935"
    # Re-sending an unchanged row queues nothing.
    map_view.update_units([("U1", LAT0, LON0, "on_scene")])
    assert map_view.pending_changes() == 0


def test_flush_timer_sends_updates_without_explicit_flush(map_view: MapView, map_js: Any,
                                                          qtbot: Any) -> None:
    map_view.update_units(units(5))
    qtbot.waitUntil(lambda: map_view.pending_changes() == 0, timeout=2_000)
    assert map_js(map_view, "GL.counts().units") == 5
    # The page acknowledges each flush once drawn; the next timed flush waits for that.
    qtbot.waitUntil(lambda: map_view.last_flush_paint_ms is not None, timeout=5_000)
    paint_ms = map_view.last_flush_paint_ms
    assert paint_ms is not None
    assert paint_ms >= 0
    map_view.update_units([("U0", LAT0, LON0, "busy")])
    qtbot.waitUntil(lambda: map_view.pending_changes() == 0, timeout=5_000)
    assert map_js(map_view, "GL._units.get('U0')._glStatus") == "busy"


def test_calls_before_ready_are_replayed(map_view_factory: Any, map_js: Any, qtbot: Any) -> None:
    view = map_view_factory(wait=False)
    assert not view.is_ready
    view.set_regions("grid", squares(16))
    view.update_units(units(30))
    view.update_incidents([("I7", LAT0 + 0.015, LON0 + 0.015, "high", False, "占道经营")])
    view.set_choropleth({"G0003": 4}, "overdue")
    view.select("incident", "I7", pan=False)
    qtbot.waitUntil(lambda: view.is_ready, timeout=30_000)
    counts = map_js(view, "GL.counts()")
    assert (counts["regions"], counts["units"], counts["incidents"]) == (16, 30, 1)
    assert counts["selected"] == "incident:I7"

    # A reload loses the page's state; the view pushes it again.
    with qtbot.waitSignal(view.sig_ready, timeout=30_000):  # ready again
        view.reload()
    counts = map_js(view, "GL.counts()")
    assert (counts["regions"], counts["units"], counts["selected"]) == (16, 30, "incident:I7")


def test_incident_click_reaches_python(map_view: MapView, map_js: Any, qtbot: Any) -> None:
    lat, lon = LAT0 + 0.0055, LON0 + 0.0055
    map_view.set_regions("grid", squares(4))
    map_view.update_incidents([("I42", lat, lon, "urgent", True, "<b>火情</b>")])
    map_view.flush()
    center_on(map_view, map_js, lat, lon)
    with qtbot.waitSignal(map_view.sig_incident_clicked, timeout=5_000) as blocker:
        map_view.evaluate(click_js(lat, lon))
    assert blocker.args == ["I42"]


def test_unit_region_and_empty_clicks_reach_python(map_view: MapView, map_js: Any,
                                                   qtbot: Any) -> None:
    map_view.set_regions("grid", squares(4))
    map_view.update_units([("U9", LAT0 + 0.005, LON0 + 0.005, "available")])
    map_view.flush()
    center_on(map_view, map_js, LAT0 + 0.01, LON0 + 0.01, zoom=14)

    with qtbot.waitSignal(map_view.sig_unit_clicked, timeout=5_000) as unit_click:
        map_view.evaluate(click_js(LAT0 + 0.005, LON0 + 0.005))
    assert unit_click.args == ["U9"]

    # Inside grid G0003 (top right square) but away from any marker: region, then map click.
    events: list[tuple[str, Any]] = []
    map_view.sig_region_clicked.connect(lambda code: events.append(("region", code)))
    map_view.sig_map_clicked.connect(lambda la, lo: events.append(("map", (la, lo))))
    lat, lon = LAT0 + 0.015, LON0 + 0.017
    map_view.evaluate(click_js(lat, lon))
    qtbot.waitUntil(lambda: len(events) == 2, timeout=5_000)
    assert events[0] == ("region", "G0003")
    assert events[1][0] == "map"
    assert events[1][1] == (pytest.approx(lat, abs=1e-4), pytest.approx(lon, abs=1e-4))

    # Outside every region: only the map click.
    events.clear()
    map_view.evaluate(click_js(LAT0 - 0.005, LON0 - 0.005))
    qtbot.waitUntil(lambda: len(events) == 1, timeout=5_000)
    assert events[0][0] == "map"
    assert events[0][1][0] == pytest.approx(LAT0 - 0.005, abs=1e-4)

    # Hidden units are not clickable: the click falls through to the region.
    map_view.set_layer_visible("units", False)
    assert map_js(map_view, "GL.map.hasLayer(GL.layers.units)") is False
    with qtbot.waitSignal(map_view.sig_region_clicked, timeout=5_000) as through:
        map_view.evaluate(click_js(LAT0 + 0.005, LON0 + 0.005))
    assert through.args == ["G0000"]


def test_select_highlights_pans_and_clears(map_view: MapView, map_js: Any, qtbot: Any) -> None:
    map_view.set_regions("grid", squares(9))
    map_view.update_units([("U1", LAT0 + 0.025, LON0 + 0.025, "busy")])
    map_view.flush()
    map_view.select("unit", "U1", pan=True)
    assert map_js(map_view, "GL.counts().selected") == "unit:U1"
    # panTo animates: wait for the map to arrive.
    target = (pytest.approx(LAT0 + 0.025, abs=1e-4), pytest.approx(LON0 + 0.025, abs=1e-4))

    def centred() -> bool:
        centre = map_js(map_view, "GL.map.getCenter()")
        return bool((centre["lat"], centre["lng"]) == target)

    qtbot.waitUntil(centred, timeout=5_000)
    # The ring follows the unit when it moves.
    map_view.update_units([("U1", LAT0 + 0.001, LON0 + 0.001, "returning")])
    map_view.flush()
    ring = map_js(map_view, "GL._selection.layer.getLatLng()")
    assert ring["lat"] == pytest.approx(LAT0 + 0.001)

    map_view.select("region", "G0004", pan=False)
    assert map_js(map_view, "GL.counts().selected") == "region:G0004"
    assert map_js(map_view, "GL.layers.select.getLayers().length") == 1
    map_view.select("incident", "missing")
    assert map_js(map_view, "GL.counts().selected") is None
    map_view.select("region", "G0001")
    map_view.select(None)
    assert map_js(map_view, "GL.counts().selected") is None
    assert map_js(map_view, "GL.layers.select.getLayers().length") == 0


def test_choropleth_colours_regions_and_clears(map_view: MapView, map_js: Any) -> None:
    map_view.set_regions("grid", squares(9))
    base = map_js(map_view, "GL._regions.get('G0000').poly.options.fillColor")
    map_view.set_choropleth({"G0000": 10, "G0001": 1, "G0002": 0}, "open")
    fills = map_js(map_view, "['G0000','G0001','G0002'].map(function (c) {"
                             " var o = GL._regions.get(c).poly.options;"
                             " return [o.fillColor, o.fillOpacity]; })")
    assert fills[0] == ["#cc4c02", 0.6]
    assert fills[1][0] not in (base, fills[0][0])
    assert fills[2][0] == base
    assert fills[2][1] < 0.2
    assert map_js(map_view, "document.querySelector('.gl-legend') !== null") is True

    map_view.set_choropleth({"G0000": 3}, "overdue")
    assert map_js(map_view, "GL._regions.get('G0000').poly.options.fillColor") == "#7a0177"
    # Changing level keeps the map consistent; values apply to matching codes only.
    map_view.set_regions("street", squares(4, prefix="S", size=0.02))
    assert map_js(map_view, "GL._regions.get('S0000').poly.options.fillColor") == base
    map_view.set_choropleth({}, None)
    assert map_js(map_view, "document.querySelector('.gl-legend')") is None


def test_incident_overdue_halo_and_priority(map_view: MapView, map_js: Any) -> None:
    map_view.update_incidents([("I1", LAT0, LON0, "low", True, ""),
                               ("I2", LAT0 + 0.01, LON0, "urgent", False, "")])
    map_view.flush()
    assert map_js(map_view, "GL.layers.incidents.getLayers().length") == 3  # 2 markers + 1 halo
    map_view.update_incidents([("I1", LAT0, LON0, "high", False, "")])
    map_view.flush()
    assert map_js(map_view, "GL.layers.incidents.getLayers().length") == 2
    assert map_js(map_view, "GL._incidents.get('I1').m.options.fillColor") == "#ff9100"


def test_parts_layer_draws_camera_sectors(map_view: MapView, map_js: Any) -> None:
    rows = [("C1", "camera", LAT0, LON0, {"range_m": 300, "heading_deg": 90, "angle_deg": 60}),
            ("C2", "camera", LAT0, LON0 + 0.01, {"range_m": 200, "angle_deg": 360}),
            ("L1", "streetlight", LAT0 + 0.01, LON0, {}),
            ("M1", "manhole_cover", LAT0 + 0.01, LON0 + 0.01, {"state": "missing"}),
            ("H1", "hydrant", LAT0 + 0.02, LON0, None)]
    map_view.set_parts(rows)
    assert map_js(map_view, "GL.counts().parts") == 5
    assert map_js(map_view, "GL.layers.parts.getLayers().length") == 7  # 5 markers + 2 sectors
    # The 90° sector points east: its far corner is east of the camera.
    east = map_js(map_view, "GL.layers.parts.getLayers()[0].getBounds().getEast()")
    assert east > LON0 + 0.002
    map_view.set_parts([])
    assert map_js(map_view, "GL.counts().parts") == 0


def test_layer_visibility_and_fit_city(map_view: MapView, map_js: Any) -> None:
    map_view.set_regions("grid", squares(16))
    for name in ("regions", "labels", "parts", "incidents"):
        map_view.set_layer_visible(name, False)
        assert map_js(map_view, f"GL.map.hasLayer(GL.layers.{name})") is False
        map_view.set_layer_visible(name, True)
        assert map_js(map_view, f"GL.map.hasLayer(GL.layers.{name})") is True
    map_view.set_layer_visible("tiles", False)  # no tile layer configured: harmless
    center_on(map_view, map_js, 0.0, 0.0, zoom=5)
    map_view.fit_city()
    bounds = map_js(map_view, "GL.map.getBounds().contains(GL._regionBounds)")
    assert bounds is True


def test_region_labels_appear_only_when_zoomed_in(map_view: MapView, map_js: Any) -> None:
    map_view.set_regions("grid", squares(100, size=0.002))
    center_on(map_view, map_js, LAT0 + 0.01, LON0 + 0.01, zoom=11)
    assert map_js(map_view, "GL.layers.labels.drawn") == 0
    center_on(map_view, map_js, LAT0 + 0.005, LON0 + 0.005, zoom=17)
    drawn = map_js(map_view, "GL.layers.labels.drawn")
    assert 0 < drawn <= 100


def test_page_paints_regions_and_markers(map_view: MapView, map_js: Any, qtbot: Any) -> None:
    map_view.set_regions("grid", squares(4))
    # away from the grid's centre, where its name is drawn above every marker
    map_view.update_units([("U1", LAT0 + 0.002, LON0 + 0.002, "available")])
    map_view.flush()
    center_on(map_view, map_js, LAT0 + 0.01, LON0 + 0.01, zoom=14)
    with qtbot.waitSignal(map_view.sig_painted, timeout=5_000) as painted:
        map_view.after_paint("t1")
    assert painted.args[0] == "t1"
    unit_px = map_js(map_view, f"GL.map.latLngToContainerPoint([{LAT0 + 0.002}, {LON0 + 0.002}])")
    outside = map_js(map_view, f"GL.map.latLngToContainerPoint([{LAT0 - 0.004}, {LON0 - 0.004}])")
    inside = map_js(map_view, f"GL.map.latLngToContainerPoint([{LAT0 + 0.015}, {LON0 + 0.005}])")

    def drawn() -> bool:
        # sig_painted means the page drew; the widget may show that frame a moment later.
        image = map_view.grab().toImage()

        def colour(p: dict[str, float]) -> QColor:
            return image.pixelColor(round(p["x"]), round(p["y"]))

        unit = colour(unit_px)  # "available" green #2ecc71, nearly opaque over the region
        return bool(unit.green() > unit.red() + 80 and unit.green() > unit.blue() + 50
                    and colour(inside) != colour(outside))  # region fill over the background

    qtbot.waitUntil(drawn, timeout=5_000)


def test_bad_input_is_rejected_in_python(map_view: MapView) -> None:
    with pytest.raises(ValueError, match="unknown status"):
        map_view.update_units([("U1", LAT0, LON0, "asleep")])
    with pytest.raises(ValueError, match="valid lat, lon"):
        map_view.update_units([("U1", 95.0, LON0, "busy")])
    with pytest.raises(ValueError, match="unknown priority"):
        map_view.update_incidents([("I1", LAT0, LON0, "meh", False, "")])
    fc = squares(1)
    del fc["features"][0]["properties"]["code"]
    with pytest.raises(ValueError, match=r"properties\.code"):
        map_view.set_regions("grid", fc)
    with pytest.raises(ValueError, match="unknown region level"):
        map_view.set_regions("planet", squares(1))
    with pytest.raises(ValueError, match="choropleth mode"):
        map_view.set_choropleth({}, "closed")
    with pytest.raises(ValueError, match="unknown map layer"):
        map_view.set_layer_visible("weather", True)
    with pytest.raises(ValueError, match="selection kind"):
        map_view.select("building", "B1")
    assert map_view.pending_changes() == 0


@pytest.mark.parametrize(("bad", "message"), [
    (("U7", math.nan, LON0, "busy"), "valid lat, lon"),
    (("U7", LAT0, math.inf, "busy"), "valid lat, lon"),
    (("U7", LAT0, LON0, "asleep"), "unknown status"),
    (("U7", LAT0, LON0, ["busy"]), "unknown status"),
    (("", LAT0, LON0, "busy"), "non-empty string"),
    ((7, LAT0, LON0, "busy"), "non-empty string"),
    (("U7", LAT0, LON0), "unit row must be"),
    ("U7", "unit row must be"),
])
def test_one_bad_row_in_a_big_batch_rejects_the_batch(map_view: MapView, bad: Any,
                                                       message: str) -> None:
    """One bad row among thousands in final form is named, and nothing of the batch is
    kept."""
    rows: list[Any] = [(f"U{i}", LAT0 + i * 1e-5, LON0, "available") for i in range(3000)]
    rows.insert(1500, bad)
    with pytest.raises(ValueError, match=message):
        map_view.update_units(rows)
    assert map_view.pending_changes() == 0
    incidents: list[Any] = [(f"I{i}", LAT0, LON0, "normal", False, "") for i in range(3000)]
    incidents.append(("I-bad", LAT0, LON0, "whenever", False, ""))
    with pytest.raises(ValueError, match="unknown priority"):
        map_view.update_incidents(incidents)
    assert map_view.pending_changes() == 0
    map_view.update_units([r for r in rows if r is not bad])  # the good rows alone
    assert map_view.pending_changes() == 3000


def test_hover_tooltip_shows_labels_as_text(map_view: MapView, map_js: Any, qtbot: Any) -> None:
    label = "<img src=x onerror=alert(1)>井盖"
    map_view.update_incidents([("I1", LAT0, LON0, "normal", False, label)])
    map_view.flush()
    center_on(map_view, map_js, LAT0, LON0)
    map_view.evaluate(f"""(function () {{
        var p = GL.map.latLngToContainerPoint([{LAT0}, {LON0}]);
        var r = GL.map.getContainer().getBoundingClientRect();
        GL.map.getContainer().dispatchEvent(new MouseEvent('mousemove', {{
            clientX: r.left + p.x, clientY: r.top + p.y, bubbles: true}}));
    }})()""")
    tooltip = "GL.map.hasLayer(GL._tooltip) ? GL._tooltip.getElement().textContent : null"
    qtbot.waitUntil(lambda: map_js(map_view, tooltip) is not None, timeout=5_000)
    assert map_js(map_view, tooltip) == "I1 · " + label
    assert map_js(map_view, "GL._tooltip.getElement().querySelector('img')") is None


def test_navigation_away_from_the_map_is_refused(map_view: MapView) -> None:
    link = QWebEnginePage.NavigationType.NavigationTypeLinkClicked
    assert map_view.page().acceptNavigationRequest(QUrl("https://example.com/"), link, True) is False
    assert map_view.page().acceptNavigationRequest(map_view.page_url, link, True) is True


def test_configured_tile_layer_can_be_hidden(map_view_factory: Any, map_js: Any) -> None:
    # A tile URL under our own scheme: the layer is real but nothing leaves the machine.
    options = PageOptions(tile_url="gridline://map/tiles/{z}/{x}/{y}.png",
                          tile_attribution="测试底图")
    view = map_view_factory(options=options)
    assert map_js(view, "GL.layers.tiles instanceof L.TileLayer") is True
    assert map_js(view, "GL.map.hasLayer(GL.layers.tiles)") is True
    assert "测试底图" in map_js(view, "GL.map.attributionControl.getContainer().textContent")
    view.set_layer_visible("tiles", False)
    assert map_js(view, "GL.map.hasLayer(GL.layers.tiles)") is False


def test_display_map_scope_and_focus_survive_a_reload(map_view_factory: Any, map_js: Any,
                                                      qtbot: Any) -> None:
    """The wall's map: read-only, a scope outlined with the rest dimmed, an incident focused
    closer than the scope's view; all of it through the view's methods, pushed again after a
    reload."""
    from shapely.geometry import box

    view = map_view_factory()
    view.set_regions("grid", squares(16))
    view.set_read_only()
    assert map_js(view, "GL.map.dragging.enabled() || GL.map.scrollWheelZoom.enabled()") is False
    assert map_js(view, "!!document.getElementById('gl-read-only')") is True
    scope = box(LON0, LAT0, LON0 + 2 * SIZE, LAT0 + 2 * SIZE)  # four grids
    view.show_scope(scope, colour="#ffb300")
    assert view.has_scope
    assert map_js(view, "GL.hasScope()") is True
    scope_zoom = map_js(view, "GL.map.getZoom()")
    x0, y0, x1, y1 = map(float, map_js(view, "GL.map.getBounds().toBBoxString()").split(","))
    assert x0 <= LON0
    assert y0 <= LAT0
    assert x1 >= LON0 + 2 * SIZE
    assert y1 >= LAT0 + 2 * SIZE
    for _ in range(2):  # the same view each time, from the scope's zoom
        view.focus_incident(LAT0 + 0.005, LON0 + 0.005)
        assert map_js(view, "GL.map.getZoom()") == pytest.approx(min(scope_zoom + 1.5, 18))
    centre = map_js(view, "[GL.map.getCenter().lat, GL.map.getCenter().lng]")
    assert centre == pytest.approx([LAT0 + 0.005, LON0 + 0.005], abs=1e-6)

    with qtbot.waitSignal(view.sig_ready, timeout=30_000):  # ready again
        view.reload()
    assert map_js(view, "GL.hasScope()") is True
    assert map_js(view, "GL.map.dragging.enabled()") is False
    assert map_js(view, "GL.map.getZoom()") == pytest.approx(min(scope_zoom + 1.5, 18))

    view.clear_scope()
    assert not view.has_scope
    assert map_js(view, "GL.hasScope()") is False
    view.set_read_only(False)
    assert map_js(view, "GL.map.dragging.enabled()") is True
    assert map_js(view, "!!document.getElementById('gl-read-only')") is False
    with pytest.raises(ValueError, match="lat, lon"):
        view.focus_incident(95.0, LON0)
