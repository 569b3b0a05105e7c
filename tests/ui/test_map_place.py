"""A place found by a search, held on the real map page (offscreen): the pulsing ring and its
label, a road's line, the view moved there, kept across a page reload, cleared by Escape."""

from __future__ import annotations

from typing import Any

import pytest

from maps.view import MapView

pytestmark = pytest.mark.ui


def test_a_place_is_held_and_the_map_moves_there(map_view: MapView, map_js: Any,
                                                 qtbot: Any) -> None:
    view = map_view
    assert map_js(view, "GL.place()") is None
    view.show_place(120.6127478, 31.3009442, "观前街18号", zoom=17)
    got = map_js(view, "GL.place()")
    assert got == {"lat": 31.3009442, "lon": 120.6127478, "label": "观前街18号", "points": 0,
                   "shown": True}
    centre = map_js(view, "[GL.map.getCenter().lat, GL.map.getCenter().lng, GL.map.getZoom()]")
    assert centre[0] == pytest.approx(31.3009442, abs=1e-6)
    assert centre[1] == pytest.approx(120.6127478, abs=1e-6)
    assert centre[2] == 17
    assert map_js(view, "document.querySelectorAll('.gl-place-ring').length") == 1
    assert "观前街18号" in map_js(view, "document.querySelector('.gl-place-label').textContent")

    # a road: its line drawn and fitted; the point before is gone
    line = [(120.612747, 31.2999472), (120.6124556, 31.3034244), (120.6123811, 31.3067739)]
    view.show_place(120.6124613, 31.3033565, "观前街", line=line)
    got = map_js(view, "GL.place()")
    assert (got["label"], got["points"]) == ("观前街", 3)
    assert map_js(view, "document.querySelectorAll('.gl-place-ring').length") == 1
    bounds = map_js(view, "GL.map.getBounds().contains(L.latLngBounds("
                          "[[31.2999472,120.6123811],[31.3067739,120.612747]]))")
    assert bounds is True
    assert view.place is not None
    assert view.place.label == "观前街"

    # the page reloads (a renderer crash): the place is shown again
    with qtbot.waitSignal(view.sig_ready, timeout=30_000):  # ready again
        view.reload()
    assert map_js(view, "GL.place()")["label"] == "观前街"

    view.clear_place()
    assert map_js(view, "GL.place()") is None
    assert map_js(view, "document.querySelectorAll('.gl-place-ring').length") == 0
    assert view.place is None


def test_a_bad_place_is_refused_before_the_page() -> None:
    from maps.place import PlaceMark

    mark = PlaceMark()
    with pytest.raises(ValueError, match="not a valid lat, lon"):
        mark.show(500.0, 31.3, "x")
    with pytest.raises(ValueError, match="line points are"):
        mark.show(120.6, 31.3, "x", line=[(120.6, 31.3, 0.0)])
    assert mark.place is None
    assert mark.call() == "GL.clearPlace()"
