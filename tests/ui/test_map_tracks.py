"""Unit tracks on the map page (replay): polylines per unit, replaced wholesale, kept across a
page reload, validated on the Python side; the existing layers are left alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.test_map_view import LAT0, LON0, squares, units

pytestmark = pytest.mark.ui


def _path(n: int, dlat: float = 0.0005) -> list[tuple[float, float]]:
    return [(LAT0 + 0.002 + i * dlat, LON0 + 0.003 + (i % 2) * 0.0004) for i in range(n)]


def test_tracks_are_drawn_and_replaced(map_view: Any, map_js: Any) -> None:
    map_view.set_regions("grid", squares(4))
    map_view.update_units(units(5))
    map_view.set_tracks({"U1": _path(6), "U2": _path(3, -0.0004)})
    info = map_js(map_view, "GL.trackInfo()")
    assert set(info) == {"U1", "U2"}
    assert info["U1"]["points"] == 6
    assert info["U2"]["points"] == 3
    assert info["U1"]["colour"] != info["U2"]["colour"]
    # Polyline + start + end marker per track, on their own pane under the units.
    assert map_js(map_view, "GL.layers.tracks.getLayers().length") == 6
    assert map_js(map_view, "+GL.map.getPane('gl-tracks').style.zIndex") < \
        map_js(map_view, "+GL.map.getPane('gl-units').style.zIndex")
    map_view.set_tracks({"U3": _path(2)})
    assert set(map_js(map_view, "GL.trackInfo()")) == {"U3"}
    map_view.set_tracks({})
    assert map_js(map_view, "GL.trackInfo()") == {}
    counts = map_js(map_view, "GL.counts()")
    assert counts["units"] == 5
    assert counts["regions"] == 4
    assert map_view.tracks == {}


def test_zoom_to_tracks(map_view: Any, map_js: Any) -> None:
    map_view.set_regions("grid", squares(100))
    map_view.fit_city()
    assert map_js(map_view, "GL.fitTracks()") is False  # none yet
    far = [(LAT0 + 0.08, LON0 + 0.08), (LAT0 + 0.081, LON0 + 0.0815)]
    map_view.set_tracks({"U5": far})
    zoom_city = map_js(map_view, "GL.map.getZoom()")
    map_view.fit_tracks()
    assert map_js(map_view, "GL.map.getZoom()") > zoom_city
    c = map_js(map_view, "GL.map.getCenter()")
    assert abs(c["lat"] - (LAT0 + 0.0805)) < 0.002
    assert abs(c["lng"] - (LON0 + 0.08075)) < 0.002


def test_tracks_survive_a_reload(map_view: Any, map_js: Any, qtbot: Any) -> None:
    map_view.set_tracks({"U7": _path(4)})
    assert map_view.tracks == {"U7": [list(p) for p in _path(4)]}
    with qtbot.waitSignal(map_view.sig_ready, timeout=30_000):
        map_view.reload()
    assert map_js(map_view, "GL.trackInfo()") == {"U7": {"points": 4, "colour": "#00b8d4"}}


def test_tracks_set_before_the_page_is_ready(map_view_factory: Any, map_js: Any,
                                              qtbot: Any) -> None:
    view = map_view_factory(wait=False)
    view.set_tracks({"U9": _path(5)})
    qtbot.waitUntil(lambda: view.is_ready, timeout=30_000)
    assert map_js(view, "GL.trackInfo()")["U9"]["points"] == 5


@pytest.mark.parametrize(("bad", "message"), [
    ({"": [(31.3, 120.6)]}, "non-empty"),
    ({"U1": [(91.0, 120.6)]}, "not a valid lat, lon"),
    ({"U1": [(31.3, 120.6, 5.0)]}, r"\(lat, lon\)"),
    ({"U1": [("x", 120.6)]}, "must be numbers"),
])
def test_bad_tracks_are_refused(map_view: Any, bad: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        map_view.set_tracks(bad)
    assert map_view.tracks == {}
