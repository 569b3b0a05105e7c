"""Build the map page once with folium: Leaflet from XStatic-Leaflet, our glue, no live data.

The page is static: an empty Leaflet map with the canvas renderer, optional intranet tiles,
``qwebchannel.js`` and ``assets/gridline.js`` (the ``GL`` object). Everything live (regions,
units, incidents, parts) is pushed later by :class:`maps.view.MapView` with runJavaScript.
All URLs in the page are relative to ``gridline://map/``, so it loads fully offline.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

THEMES = ("dark", "light")

# folium's defaults pull Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; we need only
# Leaflet, served from the XStatic-Leaflet package under our URL scheme.
LEAFLET_JS = [("leaflet", "leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", "leaflet/leaflet.css")]
# qwebchannel.js comes from Qt's own resources; pages of our scheme may load qrc: URLs because
# the scheme is registered as local with local access allowed.
QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"
GLUE_JS = [("qwebchannel", QWEBCHANNEL_JS), ("gridline_map", "assets/gridline.js"),
           ("gridline_search", "assets/search.js")]
GLUE_CSS = [("gridline_map_css", "assets/gridline.css")]

_TILE_PLACEHOLDERS = ("{z}", "{x}", "{y}")
_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageOptions:
    """What the static page is built from (one page per distinct options)."""

    center: tuple[float, float] = (31.30, 120.62)  # lat, lon
    zoom: int = 11
    min_zoom: int = 3
    max_zoom: int = 19
    theme: str = "dark"
    # An intranet tile URL template such as "http://tiles.example.local/{z}/{x}/{y}.png";
    # None (the default) means no tiles: a plain background, the grids are the map.
    tile_url: str | None = None
    tile_attribution: str = ""
    # Region names are drawn only when at most this many region centres are in view.
    max_labels: int = 400

    def __post_init__(self) -> None:
        if self.theme not in THEMES:
            raise ValueError(f"unknown map theme {self.theme!r}; expected one of {THEMES}")
        lat, lon = self.center
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise ValueError(f"map centre {self.center!r} is not a (lat, lon) pair")
        if not (0 <= self.min_zoom <= self.zoom <= self.max_zoom <= 24):
            raise ValueError(f"zoom levels must satisfy 0 <= min_zoom <= zoom <= max_zoom <= 24, "
                             f"got {self.min_zoom}, {self.zoom}, {self.max_zoom}")
        if self.tile_url is not None and not all(p in self.tile_url for p in _TILE_PLACEHOLDERS):
            raise ValueError(f"tile URL template must contain {{z}}, {{x}} and {{y}}: "
                             f"{self.tile_url!r}")
        if self.max_labels < 0:
            raise ValueError(f"max_labels must be >= 0, got {self.max_labels}")

    def page_name(self) -> str:
        """A stable file name for the page built from these options."""
        digest = hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()
        return f"map-{digest[:12]}.html"


class _OfflineMap(folium.Map):
    """folium.Map whose only dependency is Leaflet, loaded from a relative URL."""

    default_js = LEAFLET_JS
    default_css = LEAFLET_CSS


class _GridlineGlue(JSCSSMixin, MacroElement):
    """Loads our glue and hands it the Leaflet map object folium created."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            GL.init({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
    """)
    default_js = GLUE_JS
    default_css = GLUE_CSS

    def __init__(self, config: dict[str, object]) -> None:
        super().__init__()
        self._name = "GridlineGlue"
        self.config_json = json.dumps(config, ensure_ascii=True)


def build_page(options: PageOptions | None = None) -> str:
    """Render the static page's HTML; raises RuntimeError if it would touch the network."""
    opts = options or PageOptions()
    fmap = _OfflineMap(
        location=list(opts.center),
        tiles=None,
        zoom_start=opts.zoom,
        prefer_canvas=True,
        attribution_control=opts.tile_url is not None,
    )
    if opts.tile_url is not None:
        folium.TileLayer(
            tiles=opts.tile_url,
            attr=opts.tile_attribution or "tiles",
            name="tiles",
            min_zoom=opts.min_zoom,
            max_zoom=opts.max_zoom,
            overlay=False,
            control=False,
        ).add_to(fmap)
    _GridlineGlue({
        "theme": opts.theme,
        "center": list(opts.center),
        "zoom": opts.zoom,
        "minZoom": opts.min_zoom,
        "maxZoom": opts.max_zoom,
        "maxLabels": opts.max_labels,
        "tiles": opts.tile_url is not None,
    }).add_to(fmap)
    html = fmap.get_root().render()
    checked = html.replace(opts.tile_url, "") if opts.tile_url else html
    if _EXTERNAL.search(checked):
        raise RuntimeError("the map page references a network resource: "
                           f"{_EXTERNAL.search(checked)!r}")
    return html
