"""The ``gridline://`` URL scheme: serves the map page, our Leaflet glue and Leaflet itself.

Everything the map needs comes from this process: the page built by :mod:`maps.page`, the
files in ``maps/assets`` and Leaflet from the XStatic-Leaflet package. Nothing is fetched
from the network (``qwebchannel.js`` is Qt's ``qrc:`` resource, which pages of this local
scheme may load). URLs look like ``gridline://map/<page>.html``, ``gridline://map/leaflet/
leaflet.js`` and ``gridline://map/assets/gridline.js``.

The scheme must be registered with :func:`register_scheme` *before* the QApplication exists
(a QtWebEngine rule); the handler is installed on a profile later, by the map view.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath

import xstatic.pkg.leaflet
from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

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

    def add_page(self, name: str, html: str) -> str:
        """Serve ``html`` as ``gridline://map/<name>``; returns that URL."""
        if "/" in name or not name.endswith(".html"):
            raise ValueError(f"page name must be a plain '<name>.html', got {name!r}")
        self._pages[name] = html.encode("utf-8")
        return base_url() + name

    def resource(self, path: str) -> tuple[bytes, bytes] | None:
        """``(mime type, body)`` for a path under ``gridline://map/``, or None if unknown."""
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
        found = self.resource(url.path().lstrip("/"))
        if found is None:
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
