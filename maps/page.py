"""Build the map page once with folium: Leaflet from XStatic-Leaflet, our glue, no live data.

The page is static: an empty Leaflet map with the canvas renderer, ``qwebchannel.js``,
``assets/gridline.js`` (the ``GL`` object), ``assets/legend.js`` (its legend) and
``assets/basemap.js`` (``GLBase``: the base layers and the layer switcher; the drawn offline
basemap in ``assets/basemap_draw.js``), with a tile layer for each configured tile source
(:mod:`maps.tiles`). Everything live (regions, units, incidents, parts, the basemap's roads and
names) is pushed later by :class:`maps.view.MapView` with runJavaScript. All URLs in the page
are relative to ``gridline://map/``, so without tile sources on the network it loads fully
offline.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from dispatch.domain.crs import Crs, to_display
from maps.tiles import TileKind, TileSource, base_names, crs_of, source

THEMES = ("dark", "light")

# folium's defaults pull Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; we need only
# Leaflet, served from the XStatic-Leaflet package under our URL scheme.
LEAFLET_JS = [("leaflet", "leaflet/leaflet.js")]
LEAFLET_CSS = [("leaflet_css", "leaflet/leaflet.css")]
# qwebchannel.js comes from Qt's own resources; pages of our scheme may load qrc: URLs because
# the scheme is registered as local with local access allowed.
QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"
GLUE_JS = [("qwebchannel", QWEBCHANNEL_JS), ("gridline_map", "assets/gridline.js"),
           ("gridline_legend", "assets/legend.js"), ("gridline_search", "assets/search.js")]
GLUE_CSS = [("gridline_map_css", "assets/gridline.css"),
            ("gridline_legend_css", "assets/legend.css")]
BASEMAP_JS = [("gridline_basemap_draw", "assets/basemap_draw.js"),
              ("gridline_basemap", "assets/basemap.js")]
BASEMAP_CSS = [("gridline_basemap_css", "assets/basemap.css")]
# A missing tile (a 404 of our scheme, or a gap in a server's coverage) is drawn transparent.
TRANSPARENT_PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lE"
                   "QVR42mNgAAIAAAUAAen63NgAAAAASUVORK5CYII=")

_TILE_PLACEHOLDERS = ("{z}", "{x}", "{y}")
_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageOptions:
    """What the static page is built from (one page per distinct options)."""

    # The view before any region is drawn: all of Suzhou prefecture (about 140 × 130 km) on
    # a 1920 × 1080 screen. The console then fits the city's own bounds (GL.fitCity).
    center: tuple[float, float] = (31.40, 120.64)  # lat, lon
    zoom: int = 9
    min_zoom: int = 3
    max_zoom: int = 19
    theme: str = "dark"
    # An intranet tile URL template such as "http://tiles.example.local/{z}/{x}/{y}.png"
    # (shorthand for one xyz source named "tiles", listed first).
    tile_url: str | None = None
    tile_attribution: str = ""
    # Region names are drawn only when at most this many region centres are in view.
    max_labels: int = 400
    # Tile sources (maps.tiles); none (the default): the offline basemap drawn from the
    # city's roads and names.
    tiles: tuple[TileSource, ...] = ()
    # The base layer shown first: "basemap", "none" or a base source's name; None: the first
    # base source if any, else "basemap".
    base: str | None = None
    base_opacity: float = 1.0
    # Overlay sources shown first (by name); None: all of them.
    overlays: tuple[str, ...] | None = None
    # The page's own words (layer switcher), in the console's language: (key, text) pairs.
    texts: tuple[tuple[str, str], ...] = ()

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
        sources = self.sources()
        names = [s.name for s in sources]
        if len(set(names)) != len(names):
            raise ValueError(f"tile source names must not repeat: {names}")
        if self.base is not None and self.base not in base_names(sources):
            raise ValueError(f"unknown base layer {self.base!r}; expected one of "
                             f"{base_names(sources)}")
        overlay_names = {s.name for s in sources if s.overlay}
        if self.overlays is not None and not set(self.overlays) <= overlay_names:
            raise ValueError(f"unknown overlay(s) {sorted(set(self.overlays) - overlay_names)}; "
                             f"the overlay sources are {sorted(overlay_names)}")
        if not 0.0 <= self.base_opacity <= 1.0:
            raise ValueError(f"base_opacity must be within 0..1, got {self.base_opacity}")

    def sources(self) -> tuple[TileSource, ...]:
        """Every tile source of the page: ``tile_url`` (as the source "tiles") then ``tiles``."""
        if self.tile_url is None:
            return self.tiles
        legacy = source(name="tiles", kind=TileKind.XYZ, url=self.tile_url,
                        attribution=self.tile_attribution or "tiles",
                        min_zoom=self.min_zoom, max_zoom=self.max_zoom)
        return (legacy, *self.tiles)

    def initial_base(self) -> str:
        """The base layer the page starts with."""
        if self.base is not None:
            return self.base
        return next((s.name for s in self.sources() if not s.overlay), "basemap")

    def initial_crs(self) -> Crs:
        """The system the page draws in when it starts (its first base layer's)."""
        return crs_of(self.sources(), self.initial_base())

    def page_name(self) -> str:
        """A stable file name for the page built from these options."""
        text = json.dumps(asdict(self), sort_keys=True,
                          default=lambda o: o.model_dump(mode="json"))
        digest = hashlib.sha1(text.encode()).hexdigest()
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


class _BaseLayers(JSCSSMixin, MacroElement):
    """Loads the basemap glue and hands it the map, its config and a tile layer per source."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            GLBase.init({{ this._parent.get_name() }}, {{ this.config_json }},
                        [{{ this.layers_js }}]);
        {% endmacro %}
    """)
    default_js = BASEMAP_JS
    default_css = BASEMAP_CSS

    def __init__(self, config: dict[str, object], layers: list[str]) -> None:
        super().__init__()
        self._name = "GridlineBaseLayers"
        self.config_json = json.dumps(config, ensure_ascii=True)
        self.layers_js = ",\n".join(layers)


def _tile_layer_js(src: TileSource, opts: PageOptions) -> str:
    options: dict[str, Any] = {
        "attribution": src.attribution, "minZoom": max(src.min_zoom, opts.min_zoom),
        "maxZoom": opts.max_zoom, "maxNativeZoom": src.max_zoom, "opacity": src.opacity,
        "subdomains": src.subdomains, "errorTileUrl": TRANSPARENT_PNG,
        "zIndex": 2 if src.overlay else 1,
    }
    return f"L.tileLayer({json.dumps(src.tile_url())}, {json.dumps(options, ensure_ascii=True)})"


def _base_config(opts: PageOptions) -> dict[str, object]:
    lat, lon = opts.center
    glon, glat = to_display(Crs.GCJ02, lon, lat)
    sources = opts.sources()
    return {
        "theme": opts.theme,
        "base": opts.initial_base(),
        "opacity": opts.base_opacity,
        "overlays": [s.name for s in sources if s.overlay
                     and (opts.overlays is None or s.name in opts.overlays)],
        "sources": [s.page_entry() for s in sources],
        "texts": dict(opts.texts),
        # How far GCJ-02 moves the city's centre: the view follows a switch between systems.
        "gcjShift": [glat - lat, glon - lon],
    }


def build_page(options: PageOptions | None = None) -> str:
    """Render the static page's HTML; raises RuntimeError if it would touch the network."""
    opts = options or PageOptions()
    fmap = _OfflineMap(
        location=list(opts.center),
        tiles=None,
        zoom_start=opts.zoom,
        prefer_canvas=True,
        attribution_control=bool(opts.sources()),
        # Quarter zoom steps: fitting the city fills the view instead of stopping at the
        # last whole zoom level where it fits (up to half the view lost); +/- keep whole steps.
        zoom_snap=0.25,
    )
    _GridlineGlue({
        "theme": opts.theme,
        "center": list(opts.center),
        "zoom": opts.zoom,
        "minZoom": opts.min_zoom,
        "maxZoom": opts.max_zoom,
        "maxLabels": opts.max_labels,
        "tiles": bool(opts.sources()),
    }).add_to(fmap)
    _BaseLayers(_base_config(opts), [_tile_layer_js(s, opts) for s in opts.sources()]
                ).add_to(fmap)
    html = fmap.get_root().render()
    checked = html
    for src in opts.sources():
        checked = checked.replace(json.dumps(src.tile_url()), "")
    if _EXTERNAL.search(checked):
        raise RuntimeError("the map page references a network resource: "
                           f"{_EXTERNAL.search(checked)!r}")
    return html
