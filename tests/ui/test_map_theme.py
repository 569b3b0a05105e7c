"""A theme change while running: the map page is built again in the new theme and loaded, with
everything it showed and the same view."""

from __future__ import annotations

from typing import Any

import pytest

from maps.view import MapView

pytestmark = pytest.mark.ui

LAT0, LON0 = 31.30, 120.60


def test_a_new_theme_reloads_the_page_keeping_data_and_view(map_view: MapView, map_js: Any,
                                                             qtbot: Any) -> None:
    assert map_view.theme == "dark"
    assert map_js(map_view, "GL.config.theme") == "dark"
    map_view.update_units([(f"U{i}", LAT0 + i * 0.001, LON0, "available") for i in range(20)])
    map_view.update_incidents([("I1", LAT0, LON0, "high", False, "井盖缺失")])
    map_view.flush()
    map_js(map_view, "GL.map.setView([31.3123, 120.6045], 15, {animate: false}) && "
                     "(GL._fitted = true, GL._autoFit = false, true)")  # as moved by hand
    old_url = map_view.page_url
    map_view.set_theme("light")
    assert map_view.theme == "light"
    qtbot.waitUntil(lambda: map_view.page_url != old_url, timeout=5_000)
    with qtbot.waitSignal(map_view.sig_ready, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: map_js(map_view, "GL.config.theme") == "light", timeout=10_000)
    got = map_js(map_view, "[GL.map.getCenter().lat, GL.map.getCenter().lng, GL.map.getZoom()]")
    assert got == pytest.approx([31.3123, 120.6045, 15], abs=1e-4)
    assert map_js(map_view, "GL.counts().units") == 20
    assert map_js(map_view, "GL.counts().incidents") == 1


def test_an_unknown_theme_changes_nothing(map_view: MapView) -> None:
    url = map_view.page_url
    with pytest.raises(ValueError, match="unknown map theme 'sepia'"):
        map_view.set_theme("sepia")
    assert map_view.theme == "dark"
    assert map_view.page_url == url
