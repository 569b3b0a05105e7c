"""The ``gridline://`` URL scheme: serves the map page, our Leaflet glue, Leaflet itself and
offline tiles.

Everything the map needs comes from this process: the page built by :mod:`maps.page`, the
files in ``maps/assets``, Leaflet from the XStatic-Leaflet package and the tiles of offline
tile sources (a folder or an MBTiles file, :mod:`maps.tile_store`). Nothing is fetched from
the network unless a tile source says so (``qwebchannel.js`` is Qt's ``qrc:`` resource, which
pages of this local scheme may load). URLs look like ``gridline://map/<page>.html``,
``gridline://map/leaflet/leaflet.js``, ``gridline://map/assets/gridline.js`` and
``gridline://map/tiles/<source>/<z>/<x>/<y>`` (a missing tile: not found, which the page
draws transparent).

The scheme must be registered with :func:`register_scheme` *before* the QApplication exists
(a QtWebEngine rule); the handler is installed on a profile later, by the map view.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path, PurePosixPath

import xstatic.pkg.leaflet
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from maps.tile_store import TileReader, open_tiles, parse_tile_request
from maps.tiles import OFFLINE_KINDS, TileSource

log = logging.getLogger(__name__)

SCHEME = "gridline"
HOST = "map"
ASSETS_DIR = Path(__file__).resolve().parent / "assets"
LEAFLET_DIR = Path(xstatic.pkg.leaflet.BASE_DIR)

MIME_TYPES: dict[str, bytes] = {
    ".html": b"text/html; charset=utf-8",
    ".js": b"text/javascript; charset=utf-8",
    ".css": b"text/css; charset=utf-8",
    ".png": b"image/png",
    ".svg": b"image/svg+xml",
    ".json": b"application/json",
    ".map": b"application/json",
}


def base_url() -> str:
    """``gridline://map/`` — the origin every map resource lives under."""
    return f"{SCHEME}://{HOST}/"


def is_scheme_registered() -> bool:
    return bool(QWebEngineUrlScheme.schemeByName(SCHEME.encode()).name())


def register_scheme() -> None:
    """Register ``gridline://`` with QtWebEngine. Call once before the QApplication exists.

    Idempotent. Raises RuntimeError when called too late (the application already exists
    and the scheme was not registered earlier), since QtWebEngine would silently ignore it.
    """
    if is_scheme_registered():
        return
    if QCoreApplication.instance() is not None:
        raise RuntimeError(
            f"the {SCHEME}:// URL scheme must be registered before the QApplication is "
            "created: call maps.prepare_environment() (or maps.register_scheme()) first")
    scheme = QWebEngineUrlScheme(SCHEME.encode())
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme
                    | QWebEngineUrlScheme.Flag.LocalScheme
                    | QWebEngineUrlScheme.Flag.LocalAccessAllowed
                    | QWebEngineUrlScheme.Flag.ContentSecurityPolicyIgnored)
    QWebEngineUrlScheme.registerScheme(scheme)


class MapSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``gridline://map/...`` requests from memory (pages) or package files."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pages: dict[str, bytes] = {}
        self._files: dict[str, tuple[bytes, bytes]] = {}
        # The map views' data (see maps.layers.MapLayers.payloads): <view key>/<name> → JSON.
        self._data: dict[str, bytes] = {}
        # Offline tile sources by name: (the source, its reader, opened on first use).
        self._tiles: dict[str, tuple[TileSource, TileReader | None]] = {}

    def add_page(self, name: str, html: str) -> str:
        """Serve ``html`` as ``gridline://map/<name>``; returns that URL."""
        if "/" in name or not name.endswith(".html"):
            raise ValueError(f"page name must be a plain '<name>.html', got {name!r}")
        self._pages[name] = html.encode("utf-8")
        return base_url() + name

    def set_data(self, path: str, body: bytes) -> None:
        """Serve ``body`` (JSON) as ``gridline://map/data/<path>`` (``<view key>/<name>``)."""
        self._data[path] = body

    def drop_data(self, key: str) -> None:
        """Forget the data at ``key`` and under it (all of a view's when the view is gone)."""
        for path in [p for p in self._data if p == key or p.startswith(f"{key}/")]:
            del self._data[path]

    def add_tile_source(self, source: TileSource) -> str:
        """Serve an offline source's tiles under ``gridline://map/tiles/<name>/``; returns
        that URL's template. The same name again with another source replaces it."""
        if source.kind not in OFFLINE_KINDS or source.path is None:
            raise ValueError(f"tile source {source.name!r} is not an offline folder or MBTiles "
                             "file")
        known = self._tiles.get(source.name)
        if known is None or known[0] != source:
            if known is not None and known[1] is not None:
                known[1].close()
            self._tiles[source.name] = (source, None)
        return base_url() + source.tile_url()

    def tile(self, path: str) -> tuple[bytes, bytes] | None:
        """``(mime type, body)`` of the tile at ``<source>/<z>/<x>/<y>``, None if there is
        none (or the path names no tile of a known source)."""
        request = parse_tile_request(path)
        if request is None or request[0] not in self._tiles:
            return None
        name, z, x, y = request
        source, reader = self._tiles[name]
        if reader is None:
            try:
                assert source.path is not None
                reader = open_tiles(source.kind.value, source.path, source.format)
            except (OSError, ValueError) as exc:
                log.error("tile source %r cannot be read: %s", name, exc)
                return None
            self._tiles[name] = (source, reader)
        try:
            return reader.tile(z, x, y)
        except (OSError, ValueError, sqlite3.Error) as exc:  # a broken file: no tile
            log.warning("tile %s of %r cannot be read: %s", (z, x, y), name, exc)
            return None

    def resource(self, path: str) -> tuple[bytes, bytes] | None:
        """``(mime type, body)`` for a path under ``gridline://map/``, or None if unknown."""
        if path.startswith("tiles/"):
            return self.tile(path[len("tiles/"):])
        if path.startswith("data/"):
            data = self._data.get(path[len("data/"):])
            return None if data is None else (MIME_TYPES[".json"], data)
        if path in self._pages:
            return MIME_TYPES[".html"], self._pages[path]
        cached = self._files.get(path)
        if cached is not None:
            return cached
        body = self._read(path)
        if body is None:
            return None
        mime = MIME_TYPES.get(PurePosixPath(path).suffix, b"application/octet-stream")
        self._files[path] = (mime, body)
        return mime, body

    @staticmethod
    def _read(path: str) -> bytes | None:
        parts = path.split("/")
        if any(p in ("..", ".", "") or "\\" in p for p in parts):
            return None
        roots = {"leaflet": LEAFLET_DIR, "assets": ASSETS_DIR}
        root = roots.get(parts[0])
        if root is None:
            return None
        file = root.joinpath(*parts[1:])
        if not file.is_file():
            return None
        return file.read_bytes()

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        if job.requestMethod() != b"GET" or url.host() != HOST:
            job.fail(QWebEngineUrlRequestJob.Error.RequestDenied)
            return
        path = url.path().lstrip("/")
        found = self.resource(path)
        if found is None:
            if path.startswith("tiles/"):
                log.debug("no map tile: %s", path)  # beyond a source's coverage: common
            else:
                log.warning("map resource not found: %s", url.toString())
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        mime, body = found
        # The device must outlive the request: parent it to the job, which QtWebEngine
        # deletes when the request is over.
        buf = QBuffer(job)
        buf.setData(QByteArray(body))
        buf.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime, buf)


# Keeps the Python side of installed handlers alive for the life of the process.
_handlers: list[MapSchemeHandler] = []


def scheme_handler(profile: QWebEngineProfile) -> MapSchemeHandler:
    """The handler installed on ``profile`` (installed on first use)."""
    installed = profile.urlSchemeHandler(SCHEME.encode())
    if isinstance(installed, MapSchemeHandler):
        return installed
    if installed is not None:
        raise RuntimeError(f"another handler is installed for {SCHEME}:// on this profile")
    if not is_scheme_registered():
        raise RuntimeError(
            f"the {SCHEME}:// URL scheme is not registered; call maps.prepare_environment() "
            "before creating the QApplication")
    handler = MapSchemeHandler(profile)
    profile.installUrlSchemeHandler(SCHEME.encode(), handler)
    _handlers.append(handler)
    return handler
