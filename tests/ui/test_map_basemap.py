"""The map's base layers in the real page (QtWebEngine, offscreen): the offline basemap drawn
from roads and names, the layer switcher and opacity, offline tiles drawn from an MBTiles
file, and a GCJ-02 base that shifts everything going to the page and every click back."""

from __future__ import annotations

import math
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from console.map_settings import BASE_KEY, OPACITY_KEY, map_options, remember_choices
from dispatch.domain.crs import Crs, to_display
from maps.basemap import Place, basemap_features
from maps.page import PageOptions
from maps.tiles import parse_tile_spec, source
from maps.view import MapView
from tests.ui.test_map_tiles import make_mbtiles, png
from tests.ui.test_map_view import LAT0, LON0, center_on, squares

pytestmark = pytest.mark.ui

TEXTS = (("basemap", "离线地图"), ("none", "无底图"), ("regions", "区域"),
         ("labels", "区域名称"), ("units", "处置力量"), ("incidents", "事件"),
         ("opacity", "底图不透明度"))


def city_entries() -> list[Place]:
    """A hand-made town: a grid of roads around (LAT0, LON0) and names of every kind."""
    entries: list[Place] = []
    for k in range(7):
        lon = LON0 + k * 0.005
        lat = LAT0 + k * 0.005
        cls = ("人民大道", "干将路", "十全巷")[k % 3]
        entries.append(Place(f"南北{k}{cls}", "road", lon, LAT0,
                             [(lon, LAT0 - 0.01), (lon, LAT0 + 0.04)]))
        entries.append(Place(f"东西{k}{cls}", "road", LON0, lat,
                             [(LON0 - 0.01, lat), (LON0 + 0.04, lat)]))
    entries.append(Place("姑苏区", "district", LON0 + 0.015, LAT0 + 0.015))
    entries.append(Place("平江街道", "street", LON0 + 0.008, LAT0 + 0.022))
    entries.append(Place("双塔街道", "street", LON0 + 0.022, LAT0 + 0.008))
    for i in range(6):
        for j in range(6):
            lon, lat = LON0 + 0.0025 + i * 0.005, LAT0 + 0.0025 + j * 0.005
            entries.append(Place(f"第{i}{j}社区", "community", lon, lat))
            entries.append(Place(f"新苑{i}{j}小区", "compound", lon + 0.001, lat + 0.001))
            entries.append(Place(f"便民超市{i}{j}", "poi", lon - 0.001, lat - 0.001))
    return entries


def stats(view: MapView, map_js: Any) -> dict[str, Any]:
    result = map_js(view, "GLBase.stats()")
    assert isinstance(result, dict)
    return result


def no_overlaps(boxes: list[list[float]]) -> bool:
    return not any(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
                   for a, b in combinations(boxes, 2))


def test_offline_basemap_draws_roads_and_names_by_zoom(map_view_factory: Any, map_js: Any,
                                                       qtbot: Any) -> None:
    view = map_view_factory(options=PageOptions(theme="light"))
    assert view.base_layer == "basemap"
    view.set_basemap(basemap_features(city_entries()))
    got = stats(view, map_js)
    assert (got["base"], got["roads"], got["places"]) == ("basemap", 14, 111)
    assert got["bases"] == ["basemap", "none"]

    center_on(view, map_js, LAT0 + 0.015, LON0 + 0.015, zoom=12)
    city = stats(view, map_js)
    kinds = {kind for _text, kind in city["labels"]}
    assert ["姑苏区", "district"] in city["labels"]
    assert kinds <= {"district", "street"}  # no communities or compounds at city zoom
    assert city["drawnRoads"] == 10  # main and secondary roads; lanes from street zoom

    center_on(view, map_js, LAT0 + 0.0125, LON0 + 0.0125, zoom=17)
    street = stats(view, map_js)
    kinds = {kind for _text, kind in street["labels"]}
    assert {"compound", "poi", "road"} <= kinds
    assert "district" not in kinds
    assert no_overlaps(street["boxes"])
    assert no_overlaps(city["boxes"])

    # On screen: a main road is drawn white over the light land.
    road_lon = LON0 + 0.015  # k = 3: 南北3人民大道
    center_on(view, map_js, LAT0 + 0.0125, road_lon, zoom=16)
    # (below the road's name, which sits at the middle of the screen)
    road = map_js(view, f"GL.map.latLngToContainerPoint([{LAT0 + 0.011}, {road_lon}])")
    land = map_js(view, f"GL.map.latLngToContainerPoint([{LAT0 + 0.0138}, {road_lon + 0.0012}])")

    def drawn() -> bool:
        image = view.grab().toImage()
        r = image.pixelColor(round(road["x"]), round(road["y"]))
        g = image.pixelColor(round(land["x"]), round(land["y"]))
        return bool(min(r.red(), r.green(), r.blue()) >= 250
                    and (g.red(), g.green(), g.blue()) == (0xF2, 0xEF, 0xE9))

    qtbot.waitUntil(drawn, timeout=5_000)


def test_switcher_lists_bases_and_layers_in_the_page_language(map_view_factory: Any,
                                                              map_js: Any, qtbot: Any) -> None:
    vec, cva = parse_tile_spec("tianditu:0123abcd")
    view = map_view_factory(options=PageOptions(theme="light", tiles=(vec, cva), texts=TEXTS))
    text = map_js(view, "GLBase.control.getContainer().textContent")
    for word in ("离线地图", "天地图 · 矢量", "无底图", "天地图 · 注记", "处置力量", "底图不透明度"):
        assert word in text
    got = stats(view, map_js)
    assert (got["base"], got["bases"]) == ("tianditu-vec", ["basemap", "tianditu-vec", "none"])
    assert set(got["overlays"]) == {"tianditu-cva", "regions", "labels", "units", "incidents"}
    assert map_js(view, "GL.layers.tiles._url").startswith("https://t{s}.tianditu.gov.cn/vec_w")

    def click(title: str) -> str:
        return f"""(function () {{
            var labels = GLBase.control.getContainer().querySelectorAll('label');
            for (var i = 0; i < labels.length; i++) {{
                if (labels[i].textContent.trim() === {title!r}) {{
                    labels[i].querySelector('input').click(); return true; }}
            }}
            return false;
        }})()"""

    with qtbot.waitSignal(view.sig_base_changed, timeout=5_000) as switched:
        assert map_js(view, click("离线地图")) is True
    assert switched.args == ["basemap"]
    assert view.base_layer == "basemap"
    assert map_js(view, "GL.layers.tiles === undefined && !!GLBase.basemap._ground") is True

    with qtbot.waitSignal(view.sig_overlay_toggled, timeout=5_000) as toggled:
        assert map_js(view, click("处置力量")) is True
    assert toggled.args == ["units", False]
    assert map_js(view, "GL._visible.units || GL.map.hasLayer(GL.layers.units)") is False
    with qtbot.waitSignal(view.sig_overlay_toggled, timeout=5_000) as toggled:
        assert map_js(view, click("天地图 · 注记")) is True
    assert toggled.args == ["tianditu-cva", False]

    # A reload shows what was chosen, not what the page was built with.
    with qtbot.waitSignal(view.sig_ready, timeout=30_000):  # ready again
        view.reload()
    qtbot.waitUntil(lambda: stats(view, map_js)["base"] == "basemap", timeout=5_000)
    got = stats(view, map_js)
    assert "units" not in got["overlays"]
    assert "tianditu-cva" not in got["overlays"]
    assert map_js(view, "GL._visible.units") is False


def test_base_opacity_from_python_and_from_the_slider(map_view_factory: Any, map_js: Any,
                                                      qtbot: Any) -> None:
    view = map_view_factory(options=PageOptions(theme="light", base_opacity=0.8))
    assert stats(view, map_js)["opacity"] == pytest.approx(0.8)
    view.set_base_opacity(0.4)
    assert stats(view, map_js)["opacity"] == pytest.approx(0.4)
    assert map_js(view, "GLBase.basemap._ground.style.opacity") == "0.4"
    assert map_js(view, "GLBase.opacityInput.value") == "40"
    with qtbot.waitSignal(view.sig_base_opacity_changed, timeout=5_000) as slid:
        view.evaluate("GLBase.opacityInput.value = '55';"
                      "GLBase.opacityInput.dispatchEvent(new Event('input'));"
                      "GLBase.opacityInput.dispatchEvent(new Event('change'))")
    assert slid.args[0] == pytest.approx(0.55)
    assert map_js(view, "GLBase.basemap._ground.style.opacity") == "0.55"
    with pytest.raises(ValueError, match="opacity"):
        view.set_base_opacity(1.5)
    view.set_read_only()
    assert map_js(view, "getComputedStyle(GLBase.control.getContainer()).display") == "none"


def test_mbtiles_tiles_are_drawn_and_gaps_are_transparent(map_view_factory: Any, map_js: Any,
                                                         qtbot: Any, tmp_path: Path) -> None:
    z = 12
    n = 1 << z
    x = int((LON0 + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(LAT0))) / math.pi) / 2 * n)
    tiles = {(z, x + dx, y + dy): png((200, 30, 30)) for dx in (-2, -1, 0, 1, 2)
             for dy in (-2, -1, 0, 1, 2)}
    del tiles[(z, x + 1, y)]  # a gap east of the centre tile
    (src,) = parse_tile_spec(f"mbtiles:{make_mbtiles(tmp_path / 'ortho.mbtiles', tiles)}")
    view = map_view_factory(options=PageOptions(theme="light", tiles=(src,)))
    assert view.base_layer == "ortho"
    centre = map_js(view, f"""(function () {{
        var b = GL.map.options.crs.pointToLatLng(L.point(({x} + 0.5) * 256, ({y} + 0.5) * 256), {z});
        GL.map.setView(b, {z}, {{animate: false}});
        return GL.map.latLngToContainerPoint(b); }})()""")
    loaded = "Object.values(GL.layers.tiles._tiles).filter(function (t) { return t.loaded; }).length"
    qtbot.waitUntil(lambda: map_js(view, loaded) >= 9, timeout=10_000)

    def drawn() -> bool:
        image = view.grab().toImage()
        red = image.pixelColor(round(centre["x"]), round(centre["y"]))
        gap = image.pixelColor(round(centre["x"]) + 256, round(centre["y"]))
        return bool((red.red(), red.green(), red.blue()) == (200, 30, 30)
                    and (gap.red(), gap.green(), gap.blue()) == (0xEE, 0xF0, 0xF2))

    qtbot.waitUntil(drawn, timeout=10_000)


def test_gcj02_base_shifts_everything_out_and_clicks_back(map_view_factory: Any, map_js: Any,
                                                          qtbot: Any) -> None:
    amap = source(name="amap", kind="xyz", url="gridline://map/tiles/amap/{z}/{x}/{y}",
                  crs="gcj02")
    view = map_view_factory(options=PageOptions(theme="light", tiles=(amap,)))
    assert (view.base_layer, view.display_crs) == ("amap", Crs.GCJ02)

    def twin(lat: float, lon: float) -> tuple[float, float]:
        glon, glat = to_display(Crs.GCJ02, lon, lat)
        return glat, glon

    u, i, p = (LAT0 + 0.005, LON0 + 0.005), (LAT0 + 0.012, LON0 + 0.007), (LAT0 + 0.002, LON0 + 0.018)
    view.set_regions("grid", squares(4))
    view.update_units([("U1", *u, "available")])
    view.update_incidents([("I1", *i, "urgent", False, "占道")])
    view.set_parts([("P1", "camera", *p, {})])
    view.set_tracks({"U1": [u, i]})
    view.flush()

    def page_points() -> dict[str, list[float]]:
        got = map_js(view, """(function () {
            var ll = function (l) { return [l.lat, l.lng]; };
            var part = GL.layers.parts.getLayers()[0];
            var track = GL.layers.tracks.getLayers()[0].getLatLngs();
            return {unit: ll(GL._units.get('U1').getLatLng()),
                    incident: ll(GL._incidents.get('I1').m.getLatLng()),
                    part: ll(part.getLatLng()), track: ll(track[1]),
                    corner: GL._regions.get('G0000').rings[0][0][0]}; })()""")
        assert isinstance(got, dict)
        return got

    shown = page_points()
    for key, want in (("unit", twin(*u)), ("incident", twin(*i)), ("part", twin(*p)),
                      ("track", twin(*i)), ("corner", twin(LAT0, LON0))):
        assert shown[key] == pytest.approx(list(want), abs=1e-9), key
    ulat, ulon = twin(*u)
    assert map_js(view, f"GL.hitTest({ulat!r}, {ulon!r})") == {"kind": "unit", "id": "U1"}

    # A click on the page at a point's GCJ-02 twin comes back as the WGS84 point.
    q = (LAT0 + 0.0171, LON0 + 0.0033)
    clicks: list[tuple[float, float]] = []
    view.sig_map_clicked.connect(lambda la, lo: clicks.append((la, lo)))
    qlat, qlon = twin(*q)
    view.evaluate(f"""(function (ll) {{
        GL.map.fire('click', {{latlng: ll, layerPoint: GL.map.latLngToLayerPoint(ll),
                               containerPoint: GL.map.latLngToContainerPoint(ll)}});
    }})(L.latLng({qlat!r}, {qlon!r}))""")
    qtbot.waitUntil(lambda: bool(clicks), timeout=5_000)
    lat, lon = clicks[0]
    metres = math.hypot((lat - q[0]) * 111_320, (lon - q[1]) * 111_320 * math.cos(math.radians(lat)))
    assert metres < 0.01

    # Switching to a WGS84 base on the page sends everything again, unshifted, and the view
    # moves with it (the same streets in view).
    centre = map_js(view, "[GL.map.getCenter().lat, GL.map.getCenter().lng]")
    with qtbot.waitSignal(view.sig_base_changed, timeout=5_000):
        view.evaluate("GLBase.setBase('basemap')")
    assert view.display_crs is Crs.WGS84
    qtbot.waitUntil(lambda: page_points()["unit"] == pytest.approx(list(u), abs=1e-12),
                    timeout=5_000)
    shown = page_points()
    for key, want in (("incident", i), ("part", p), ("track", i), ("corner", (LAT0, LON0))):
        assert shown[key] == pytest.approx(list(want), abs=1e-12), key
    moved = map_js(view, "[GL.map.getCenter().lat, GL.map.getCenter().lng]")
    back = twin(*moved)
    assert back == pytest.approx(tuple(centre), abs=2e-4)  # ~20 m: the shift at the centre

    # And back to GCJ-02 from Python.
    view.set_base_layer("amap")
    assert view.display_crs is Crs.GCJ02
    assert page_points()["unit"] == pytest.approx(list(twin(*u)), abs=1e-9)
    assert view.unit_rows()["U1"] == ("U1", *u, "available")  # kept in WGS84


def test_console_settings_choose_and_remember_the_base(map_view_factory: Any, map_js: Any,
                                                       qtbot: Any, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    settings.setValue("map/tiles", ["tianditu:0123abcd"])
    settings.setValue(BASE_KEY, "gone")  # a base no longer offered: the default
    from console.map_settings import configured_sources

    sources = configured_sources(settings)
    assert [s.name for s in sources] == ["tianditu-vec", "tianditu-cva"]
    options = map_options(settings, theme="light", sources=sources)
    assert (options.initial_base(), options.theme) == ("tianditu-vec", "light")
    settings.setValue(BASE_KEY, "none")
    settings.setValue(OPACITY_KEY, 0.6)
    options = map_options(settings, theme="light", sources=sources)
    assert (options.initial_base(), options.base_opacity) == ("none", 0.6)

    view = map_view_factory(options=options)
    remember_choices(view, settings)
    assert stats(view, map_js)["base"] == "none"
    with qtbot.waitSignal(view.sig_base_changed, timeout=5_000):
        view.evaluate("GLBase.setBase('basemap')")
    assert settings.value(BASE_KEY) == "basemap"
    view.evaluate("GLBase.setOpacity(0.35, true)")
    qtbot.waitUntil(lambda: settings.value(OPACITY_KEY) in (0.35, "0.35"), timeout=5_000)
    view.evaluate("GLBase.control.getContainer().querySelectorAll("
                  "'input.leaflet-control-layers-selector[type=checkbox]')[0].click()")
    qtbot.waitUntil(lambda: settings.contains("map/overlays"), timeout=5_000)
    assert settings.value("map/overlays") in ([], None, "")
    settings.setValue("map/tiles", "ftp://nope")  # a bad setting: logged, the offline map
    assert configured_sources(settings) == ()


def test_bad_tiles_option_stops_the_console_with_the_reason(capsys: Any) -> None:
    from console.app import main

    assert main(["--tiles", "https://tiles.local/tile.png"]) == 2
    err = capsys.readouterr().err
    assert "--tiles" in err
    assert "url: an xyz template must contain {z}, {x} and {y}" in err
