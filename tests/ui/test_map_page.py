"""The static map page (folium, offline) and the gridline:// scheme handler that serves it."""

from __future__ import annotations

import re

import pytest

from maps.page import PageOptions, build_page
from maps.scheme import MapSchemeHandler, base_url, is_scheme_registered

pytestmark = pytest.mark.ui


def test_page_uses_only_local_leaflet_and_glue() -> None:
    html = build_page()
    assert re.search(r"""(src|href)=["'](https?:)?//""", html) is None
    for needle in ('src="leaflet/leaflet.js"', 'href="leaflet/leaflet.css"',
                   'src="qrc:///qtwebchannel/qwebchannel.js"', 'src="assets/gridline.js"',
                   '"preferCanvas": true', "GL.init("):
        assert needle in html
    for dropped in ("jquery", "bootstrap", "awesome", "fontawesome", "cdn"):
        assert dropped not in html.lower()
    assert "L.tileLayer" not in html


def test_page_with_intranet_tiles_and_theme() -> None:
    opts = PageOptions(theme="light", tile_url="http://tiles.city.local/{z}/{x}/{y}.png",
                       tile_attribution="市测绘院")
    html = build_page(opts)
    assert "L.tileLayer" in html
    assert "http://tiles.city.local/{z}/{x}/{y}.png" in html
    assert '"theme": "light"' in html
    assert opts.page_name() != PageOptions().page_name()
    assert PageOptions().page_name() == PageOptions().page_name()


@pytest.mark.parametrize(('kwargs', 'message'), [
    ({"theme": "neon"}, "unknown map theme"),
    ({"tile_url": "http://tiles.local/tile.png"}, "tile URL template"),
    ({"center": (120.6, 31.3)}, "not a \\(lat, lon\\) pair"),
    ({"zoom": 30}, "zoom levels"),
    ({"max_labels": -1}, "max_labels"),
])
def test_page_options_are_validated(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PageOptions(**kwargs)  # type: ignore[arg-type]  # wrong values on purpose


def _resource(handler: MapSchemeHandler, path: str) -> tuple[bytes, bytes]:
    got = handler.resource(path)
    assert got is not None, path
    return got


def test_scheme_handler_serves_pages_and_package_files() -> None:
    assert is_scheme_registered()  # done by the conftest, before the QApplication
    handler = MapSchemeHandler()
    url = handler.add_page("map-test.html", "<html>地图</html>")
    assert url == base_url() + "map-test.html" == "gridline://map/map-test.html"
    mime, body = _resource(handler, "map-test.html")
    assert mime.startswith(b"text/html")
    assert body.decode() == "<html>地图</html>"
    mime, body = _resource(handler, "leaflet/leaflet.js")
    assert mime.startswith(b"text/javascript")
    assert b"Leaflet 1.9.3" in body
    mime, body = _resource(handler, "leaflet/images/layers.png")
    assert mime == b"image/png"
    assert body[:4] == b"\x89PNG"
    mime, body = _resource(handler, "assets/gridline.js")
    assert b"GL.applyUnitColumns" in body
    for bad in ("../page.py", "assets/../scheme.py", "leaflet//leaflet.js", "nope.js",
                "assets/missing.js", "", "/etc/passwd"):
        assert handler.resource(bad) is None, bad
    with pytest.raises(ValueError, match="page name"):
        handler.add_page("sub/dir.html", "")
