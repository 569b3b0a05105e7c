"""Tile sources for the map's basemap: what a source is, and reading them from settings and the
command line.

A source is one tile layer: ``xyz`` (a URL template with ``{z}``, ``{x}``, ``{y}``), ``wmts``
(a WMTS KVP endpoint with its layer, tile matrix set and format, or a full template), or an
offline ``folder`` (``{z}/{x}/{y}.png|jpg|webp``) or ``mbtiles`` file served by the app's own
URL scheme (:mod:`maps.scheme`, ``gridline://map/tiles/<name>/{z}/{x}/{y}``). Each says which
coordinate system it draws in (:class:`dispatch.domain.crs.Crs`): the map shifts its markers
and polygons onto a GCJ-02 source's streets. ``overlay`` sources (annotation layers) sit over
a base.

Shorthands (``--tiles`` and the console's ``map/tiles`` setting), see docs/MAP.md:

- ``https://…/{z}/{x}/{y}.png``  an XYZ source (``gcj02:`` before it: drawn in GCJ-02)
- ``folder:PATH`` / ``mbtiles:PATH``  an offline tile folder or MBTiles file
- ``tianditu:KEY``  天地图's vector base (vec_w) and Chinese annotation (cva_w), WMTS
- ``sources.json`` / ``sources.toml``  a file of sources (a list, or ``sources = [...]``)

Nothing here knows Qt.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dispatch.domain.crs import Crs
from maps.tile_store import TileStoreError, folder_format, mbtiles_metadata

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
RESERVED_NAMES = frozenset({"basemap", "none"})
"""Base layer names the page has of its own: the drawn offline basemap and no basemap."""
URL_SCHEMES = frozenset({"http", "https", "gridline"})
PLACEHOLDERS = ("{z}", "{x}", "{y}")

TIANDITU_WMTS = ("https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
                 "&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                 "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}")
TIANDITU_ATTRIBUTION = "© 天地图 (国家地理信息公共服务平台)"
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class TileSourceError(ValueError):
    """A tile source that cannot be used; the message names the source, the field and why."""


class TileKind(StrEnum):
    XYZ = "xyz"
    WMTS = "wmts"
    FOLDER = "folder"
    MBTILES = "mbtiles"


OFFLINE_KINDS = frozenset({TileKind.FOLDER, TileKind.MBTILES})


class TileSource(BaseModel):
    """One tile layer the map can show (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="identifier: letters a-z, digits, '-' and '_'")
    kind: TileKind
    title: str = Field("", description="shown in the layer switcher (default: the name)")
    url: str = Field("", description="xyz/wmts: URL template, or the WMTS endpoint")
    path: Path | None = Field(None, description="folder/mbtiles: where the tiles are")
    layer: str = Field("", description="wmts: LAYER")
    tilematrixset: str = Field("", description="wmts: TILEMATRIXSET")
    format: str = Field("", description="wmts: FORMAT (default image/png); offline: png, jpg, "
                                        "webp")
    style: str = Field("default", description="wmts: STYLE")
    subdomains: str = Field("abc", description="what {s} in the URL stands for, one a letter")
    attribution: str = ""
    min_zoom: int = Field(0, ge=0, le=24)
    max_zoom: int = Field(18, ge=0, le=24, description="deepest zoom with tiles (the map "
                                                       "enlarges them beyond)")
    crs: Crs = Field(Crs.WGS84, description="the system the tiles draw in: wgs84 (also "
                                            "CGCS2000, 天地图) or gcj02 (Amap, Tencent)")
    opacity: float = Field(1.0, ge=0.0, le=1.0)
    overlay: bool = Field(False, description="an annotation layer over the base")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME_RE.match(v):
            raise ValueError("must be 1-40 of a-z, 0-9, '-' and '_', starting with a letter "
                             "or digit")
        if v in RESERVED_NAMES:
            raise ValueError(f"{v!r} is the name of a built-in base layer")
        return v

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v:
            return v
        if any(c in v for c in " \t\r\n<>\"'\\`"):
            raise ValueError("must not contain spaces, quotes, backslashes or angle brackets "
                             "(percent-encode them)")
        scheme = urlsplit(v).scheme.lower()
        if scheme not in URL_SCHEMES:
            raise ValueError(f"must be an http(s):// or gridline:// URL, got {v!r}")
        return v

    @field_validator("layer", "tilematrixset", "format", "style", "subdomains", "title",
                     "attribution")
    @classmethod
    def _plain(cls, v: str) -> str:
        if any(c in v for c in "\r\n<>\"'"):
            raise ValueError("must not contain line breaks, quotes or angle brackets")
        return v

    @model_validator(mode="after")
    def _by_kind(self) -> TileSource:
        if self.min_zoom > self.max_zoom:
            raise ValueError(f"min_zoom {self.min_zoom} is above max_zoom {self.max_zoom}")
        if self.kind in OFFLINE_KINDS:
            if self.path is None:
                raise ValueError(f"path: a {self.kind.value} source needs a path")
            if self.url:
                raise ValueError(f"url: a {self.kind.value} source is served from its path; "
                                 "give no url")
            return self
        if not self.url:
            raise ValueError(f"url: a {self.kind.value} source needs a url")
        if self.path is not None:
            raise ValueError("path: only folder and mbtiles sources have a path")
        has_all = all(p in self.url for p in PLACEHOLDERS)
        if self.kind is TileKind.XYZ and not has_all:
            raise ValueError(f"url: an xyz template must contain {{z}}, {{x}} and {{y}}: "
                             f"{self.url!r}")
        if self.kind is TileKind.WMTS and not has_all and not (self.layer and
                                                                 self.tilematrixset):
            raise ValueError("layer, tilematrixset: a WMTS endpoint needs its layer and tile "
                             "matrix set (or give a url with {z}, {x} and {y})")
        return self

    @property
    def label(self) -> str:
        return self.title or self.name

    def tile_url(self) -> str:
        """The template the page's tile layer loads (offline sources: under our scheme,
        relative to ``gridline://map/``)."""
        if self.kind in OFFLINE_KINDS:
            return f"tiles/{self.name}/{{z}}/{{x}}/{{y}}"
        if self.kind is TileKind.WMTS and not all(p in self.url for p in PLACEHOLDERS):
            query = (f"SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={self.layer}"
                     f"&STYLE={self.style}&TILEMATRIXSET={self.tilematrixset}"
                     f"&FORMAT={self.format or 'image/png'}"
                     "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}")
            return self.url + ("&" if "?" in self.url else "?") + query
        return self.url

    def page_entry(self) -> dict[str, Any]:
        """What the page's layer switcher needs of this source (its tile layer is written
        into the page separately)."""
        return {"name": self.name, "title": self.label, "crs": self.crs.value,
                "overlay": self.overlay}


def source(**fields: Any) -> TileSource:
    """A :class:`TileSource`, or TileSourceError naming the source, each bad field and why."""
    try:
        return TileSource(**fields)
    except ValidationError as exc:
        raise TileSourceError(_explain(fields.get("name"), exc)) from None


def _explain(name: object, exc: ValidationError) -> str:
    what = f"tile source {name!r}" if isinstance(name, str) and name else "tile source"
    problems = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        problems.append(f"{field}: {msg}" if field else msg)
    return f"{what}: " + "; ".join(problems)


def tianditu_sources(key: str) -> tuple[TileSource, TileSource]:
    """天地图 (Tianditu) vector base (vec_w) and Chinese annotation (cva_w) over WMTS, in
    Web Mercator. 天地图 draws in CGCS2000, which agrees with WGS84 to well within a metre: no
    shift."""
    if not _KEY_RE.match(key):
        raise TileSourceError("tile source 'tianditu': key: the 天地图 key must be letters and "
                              f"digits (tianditu:YOUR_KEY), got {key!r}")
    common: dict[str, Any] = {"kind": TileKind.WMTS, "subdomains": "01234567",
                              "attribution": TIANDITU_ATTRIBUTION, "min_zoom": 1,
                              "max_zoom": 18, "crs": Crs.WGS84}
    return (source(name="tianditu-vec", title="天地图 · 矢量",
                   url=TIANDITU_WMTS.format(layer="vec", key=key), **common),
            source(name="tianditu-cva", title="天地图 · 注记",
                   url=TIANDITU_WMTS.format(layer="cva", key=key), overlay=True, **common))


def _slug(text: str, fallback: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")[:40]
    return slug if slug and NAME_RE.match(slug) and slug not in RESERVED_NAMES else fallback


def _offline(kind: TileKind, raw: str, **extra: Any) -> TileSource:
    path = Path(raw).expanduser()
    fields: dict[str, Any] = {"name": _slug(path.stem if kind is TileKind.MBTILES else path.name,
                                            kind.value),
                              "kind": kind, "path": path}
    try:
        if kind is TileKind.FOLDER:
            fields["format"] = folder_format(path)
        else:
            meta = mbtiles_metadata(path)
            fields.update(format=meta.format, title=meta.name, attribution=meta.attribution)
            if meta.min_zoom is not None and meta.max_zoom is not None:
                fields.update(min_zoom=meta.min_zoom, max_zoom=meta.max_zoom)
    except TileStoreError as exc:
        raise TileSourceError(f"tile source {kind.value}:{raw}: path: {exc}") from None
    fields.update(extra)
    return source(**fields)


def _from_mapping(item: Mapping[str, Any], base_dir: Path) -> list[TileSource]:
    fields = dict(item)
    preset = fields.pop("preset", None)
    if preset is not None:
        if preset != "tianditu":
            raise TileSourceError(f"tile source preset {preset!r}: unknown (expected "
                                  "'tianditu')")
        return list(tianditu_sources(str(fields.get("key", ""))))
    kind = fields.get("kind")
    if kind in ("folder", "mbtiles") and "path" in fields:
        path = Path(str(fields.pop("path"))).expanduser()
        path = path if path.is_absolute() else base_dir / path
        fields.pop("kind")
        return [_offline(TileKind(kind), str(path), **fields)]
    return [source(**fields)]


def _from_file(path: Path) -> list[TileSource]:
    try:
        text = path.read_text(encoding="utf-8")
        data: Any = (tomllib.loads(text) if path.suffix.lower() == ".toml"
                     else json.loads(text))
    except (OSError, ValueError) as exc:
        raise TileSourceError(f"tile sources file {str(path)!r}: {exc}") from None
    if isinstance(data, Mapping):
        data = data.get("sources")
    if not isinstance(data, list) or not all(isinstance(d, Mapping) for d in data):
        raise TileSourceError(f"tile sources file {str(path)!r}: expected a list of sources "
                              "(or sources = [...]), each a table of fields")
    out: list[TileSource] = []
    for item in data:
        out.extend(_from_mapping(item, path.parent))
    return out


def parse_tile_spec(spec: str) -> list[TileSource]:
    """The sources one ``--tiles`` value (or ``map/tiles`` setting) stands for; see the
    module docstring. TileSourceError says what is wrong."""
    text = spec.strip()
    lowered = text.lower()
    if lowered.startswith("gcj02:"):
        return [s.model_copy(update={"crs": Crs.GCJ02}) for s in parse_tile_spec(text[6:])]
    if lowered.startswith("tianditu:"):
        return list(tianditu_sources(text[9:]))
    if lowered.startswith("folder:"):
        return [_offline(TileKind.FOLDER, text[7:])]
    if lowered.startswith("mbtiles:"):
        return [_offline(TileKind.MBTILES, text[8:])]
    if urlsplit(text).scheme.lower() in URL_SCHEMES:
        kind = TileKind.WMTS if "service=wmts" in lowered else TileKind.XYZ
        host = urlsplit(text.replace("{s}", "a")).hostname or ""
        name = _slug(host.split(".")[-2] if host.count(".") >= 1 else host, "tiles")
        return [source(name=name, kind=kind, url=text)]
    if lowered.endswith((".json", ".toml")):
        return _from_file(Path(text).expanduser())
    raise TileSourceError(f"tile source {spec!r}: expected an http(s) URL template with {{z}}, "
                          "{x} and {y}, folder:PATH, mbtiles:PATH, tianditu:KEY, or a .json/"
                          ".toml file of sources")


def load_sources(specs: Iterable[str]) -> tuple[TileSource, ...]:
    """Every source the specs stand for, in order; a repeated name gets a ``-2``, ``-3``…
    suffix when it was made up from a shorthand, and is an error when both were named."""
    out: list[TileSource] = []
    names: set[str] = set()
    for spec in specs:
        for src in parse_tile_spec(spec):
            name, k = src.name, 2
            while name in names:
                name = f"{src.name[:36]}-{k}"
                k += 1
            if name != src.name:
                src = src.model_copy(update={"name": name})
            names.add(name)
            out.append(src)
    return tuple(out)


def base_names(sources: Iterable[TileSource]) -> list[str]:
    """The base layers a page offers, in the switcher's order: the drawn basemap, each base
    source, none."""
    return ["basemap", *(s.name for s in sources if not s.overlay), "none"]


def crs_of(sources: Iterable[TileSource], base: str) -> Crs:
    """The system the base layer ``base`` draws in (the built-in ones: WGS84)."""
    for s in sources:
        if s.name == base and not s.overlay:
            return s.crs
    return Crs.WGS84
