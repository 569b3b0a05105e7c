"""Where the console gets an incident's photos (docs/GATEWAY.md, "The console's photos").

The event log only references a photo (``Incident.media``); its bytes are files the field
gateway stored by content in ``<data dir>/media``. A :class:`PhotoSource` loads one photo (or
its thumbnail) *off the GUI thread* and answers with :attr:`PhotoSource.sig_loaded` or
:attr:`PhotoSource.sig_failed`, keyed by :func:`photo_key`:

- :class:`LocalPhotos` reads the files from the data directory it shares with the gateway
  (the embedded console, or a console on the gateway's machine): no credential beyond the file
  system's;
- :class:`GatewayPhotos` fetches ``GET /media/{id}`` and ``/media/{id}/thumb`` from a gateway
  with ``QNetworkAccessManager`` and an API key (``X-API-Key``) an administrator issued for
  the console.

Both keep the images they loaded (a small cache): a photo's bytes never change (its id is its
hash), so an image once loaded is reused as is.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QSettings,
    QUrl,
    Signal,
)
from PySide6.QtGui import QImage
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest

from dispatch.domain.media import stored_name

_ID = re.compile(r"[0-9a-f]{32}")
CACHE_SIZE = 200


def _tr(text: str) -> str:
    return QCoreApplication.translate("PhotoSource", text)


def photo_key(media_id: str, thumb: bool) -> str:
    """The key a photo's answer carries: its id, with ``/thumb`` for the thumbnail."""
    return f"{media_id}/thumb" if thumb else media_id


class PhotoSource(QObject):
    """Loads photos by id, off the GUI thread (GUI thread only; see the module docstring)."""

    sig_loaded = Signal(str, QImage)
    """(key, image) — a photo asked for with :meth:`request` is here."""

    sig_failed = Signal(str, str)
    """(key, message) — a photo asked for could not be had (the message in words)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache: OrderedDict[str, QImage] = OrderedDict()
        self._asked: set[str] = set()

    def cached(self, media_id: str, thumb: bool) -> QImage | None:
        """The image when it is already loaded, else None."""
        image = self._cache.get(photo_key(media_id, thumb))
        if image is not None:
            self._cache.move_to_end(photo_key(media_id, thumb))
        return image

    def request(self, media_id: str, content_type: str, *, thumb: bool) -> None:
        """Load the photo (or its thumbnail); the answer comes as a signal, later, even when
        it is already cached (callers connect first and ask after)."""
        key = photo_key(media_id, thumb)
        image = self.cached(media_id, thumb)
        if image is not None:
            self.sig_loaded.emit(key, image)
            return
        if key in self._asked:  # on its way: one answer serves every asker
            return
        if not _ID.fullmatch(media_id):
            self.sig_failed.emit(key, _tr("not a photo id: {0}").replace("{0}", media_id))
            return
        self._asked.add(key)
        self._load(key, media_id, content_type, thumb)

    def _load(self, key: str, media_id: str, content_type: str, thumb: bool) -> None:
        raise NotImplementedError

    def _done(self, key: str, image: QImage | None, error: str) -> None:
        self._asked.discard(key)
        if image is None or image.isNull():
            self.sig_failed.emit(key, error or _tr("the photo cannot be read"))
            return
        self._cache[key] = image
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        self.sig_loaded.emit(key, image)

    def describe(self) -> str:
        """Where the photos come from, in words (tooltips, logs)."""
        raise NotImplementedError

    def media_dir(self) -> Path | None:
        """The media directory when the photos are local files (the shift report reads the
        thumbnails from it), else None."""
        return None


class _Relay(QObject):
    finished = Signal(str, QImage, str)
    """(key, image, error) — emitted on a reading thread, delivered on the relay's (GUI)
    thread."""


def _read_file(key: str, path: Path, relay: _Relay) -> None:
    """On a reading thread: only the file and the image, no widgets."""
    image = QImage()
    error = ""
    if not path.is_file():
        error = _tr("not stored here ({0})").replace("{0}", path.name)
    elif not image.load(str(path)):
        error = _tr("the photo file cannot be read")
    relay.finished.emit(key, image, error)


class LocalPhotos(PhotoSource):
    """Photos read from the media directory the gateway writes (``<data dir>/media``).

    Files are read on two plain Python threads (``concurrent.futures``), not on Qt's thread
    pool: no Qt object crosses threads but the queued signal's arguments, so no runnable's
    lifetime can end under a thread still returning from it."""

    def __init__(self, root: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.root = Path(root)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="photos")
        self._relay = _Relay(self)  # lives in the GUI thread: its signal is queued back here
        self._relay.finished.connect(self._finished)
        self._running: set[Future[None]] = set()
        pool = self._pool  # not self: the lambda outlives the wrapper
        self.destroyed.connect(lambda *_: pool.shutdown(wait=False, cancel_futures=True))

    def path(self, media_id: str, content_type: str, *, thumb: bool) -> Path:
        return self.root / stored_name(media_id, content_type, thumb=thumb)

    def _load(self, key: str, media_id: str, content_type: str, thumb: bool) -> None:
        future = self._pool.submit(_read_file, key,
                                   self.path(media_id, content_type, thumb=thumb), self._relay)
        self._running.add(future)
        future.add_done_callback(self._running.discard)

    def _finished(self, key: str, image: QImage, error: str) -> None:
        self._done(key, None if error else image, error)

    def describe(self) -> str:
        return str(self.root)

    def media_dir(self) -> Path | None:
        return self.root

    def wait(self, ms: int = 5000) -> bool:
        """Wait until every read started has finished (tests, shutdown)."""
        _, pending = futures_wait(list(self._running), timeout=ms / 1000)
        return not pending


_KEY_PROPERTY = "gridline_photo_key"


class GatewayPhotos(PhotoSource):
    """Photos fetched from a field gateway's ``/media`` with an API key."""

    def __init__(self, base_url: str, api_key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self._net = QNetworkAccessManager(self)
        self._net.setTransferTimeout(15000)
        # one slot for every reply, the key carried by the reply itself: no closure holds a
        # reply or this object (a reference cycle left to Python's collector would destroy
        # the manager at a random moment, inside Qt's event processing)
        self._net.finished.connect(self._reply)

    def _load(self, key: str, media_id: str, content_type: str, thumb: bool) -> None:
        url = QUrl(f"{self.base_url}/media/{media_id}{'/thumb' if thumb else ''}")
        request = QNetworkRequest(url)
        request.setRawHeader(b"X-API-Key", self.api_key.encode())
        reply = self._net.get(request)
        reply.setProperty(_KEY_PROPERTY, key)

    def _reply(self, reply: QNetworkReply) -> None:
        reply.deleteLater()
        key = str(reply.property(_KEY_PROPERTY) or "")
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        if reply.error() != QNetworkReply.NetworkError.NoError:
            if status in (401, 403):
                error = _tr("the gateway refused the console's API key")
            elif status == 404:
                error = _tr("the gateway does not have this photo")
            else:
                error = _tr("the gateway cannot be reached: {0}").replace(
                    "{0}", reply.errorString())
            self._done(key, None, error)
            return
        image = QImage()
        image.loadFromData(bytes(reply.readAll().data()))
        self._done(key, image, "")

    def describe(self) -> str:
        return self.base_url


def photo_source(data_dir: Path | None, gateway_url: str = "", api_key: str = "", *,
                 local: bool = False, parent: QObject | None = None) -> PhotoSource | None:
    """The console's photo source: the shared media directory when there is one (the
    embedded console, ``local``, whose gateway may not have stored a photo yet; a console on
    the gateway's machine), else the gateway with an API key
    when both are configured, else None (the panel then says photos are unavailable)."""
    if data_dir is not None and (local or (Path(data_dir) / "media").is_dir()):
        return LocalPhotos(Path(data_dir) / "media", parent)
    if gateway_url and api_key:
        return GatewayPhotos(gateway_url, api_key, parent)
    return None


def configured_photo_source(settings: QSettings, data_dir: Path | None, *, local: bool,
                            parent: QObject | None = None) -> PhotoSource | None:
    """:func:`photo_source` as the console is configured: the data directory's ``media/``
    (always for the embedded console, ``local``), else the gateway at ``photos/gateway_url``
    with the API key ``photos/api_key`` (settings; ``$GRIDLINE_GATEWAY_URL`` and
    ``$GRIDLINE_GATEWAY_API_KEY`` take precedence)."""
    url = os.environ.get("GRIDLINE_GATEWAY_URL") or str(
        settings.value("photos/gateway_url", "") or "")
    key = os.environ.get("GRIDLINE_GATEWAY_API_KEY") or str(
        settings.value("photos/api_key", "") or "")
    return photo_source(data_dir, url, key, local=local, parent=parent)
