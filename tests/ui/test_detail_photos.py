"""An incident's photos in the detail panel: thumbnails read off the GUI thread from the media
directory the gateway writes (or fetched from a live gateway with an API key), a placeholder
while loading and a clear message when unavailable, the viewer with previous/next and Escape,
and the before/after photos side by side."""

from __future__ import annotations

import io
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from dispatch.adapters.gateway.media_store import MediaInfo, MediaStore
from dispatch.domain import commands as cmd
from tests.domain.helpers import DISPATCHER
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import report_at, shown
from widgets.actions import ConsoleActions
from widgets.detail_panel import IncidentDetail
from widgets.photo_source import GatewayPhotos, LocalPhotos, PhotoSource

pytestmark = pytest.mark.ui


def photo(colour: str, size: tuple[int, int] = (640, 480)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG", quality=80)
    return buf.getvalue()


def store_photo(store: MediaStore, colour: str) -> MediaInfo:
    return store.save(store.prepare(photo(colour)))


def attach(engine: Any, console: Any, iid: str, info: MediaInfo, kind: str) -> None:
    engine.execute(cmd.AttachMedia(iid, info.media_id, kind, info.sha256, info.content_type,
                                   info.size, info.width, info.height), DISPATCHER)
    console.apply_changes(*engine.state.take_changes())


def incident_with_photos(engine: Any, console: Any, store: MediaStore) -> tuple[str, list[str]]:
    iid = report_at(engine, 5, "0101" if "0101" in engine.catalogue.minors
                    else next(iter(engine.catalogue.minors)), source="grid_worker")
    console.apply_changes(*engine.state.take_changes())
    ids = []
    for colour, kind in (("red", "report"), ("blue", "before"), ("green", "after")):
        info = store_photo(store, colour)
        attach(engine, console, iid, info, kind)
        ids.append(info.media_id)
    return iid, ids


def test_thumbnails_load_and_the_viewer_steps_and_pairs(console: Any, busy_engine: Any,
                                                         tmp_path: Path, qtbot: Any) -> None:
    store = MediaStore(tmp_path / "media")
    source = LocalPhotos(tmp_path / "media")
    console.photos = source
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 620, 1000)
    plain = busy_engine.populated["registered"][0]
    console.select_incident(plain, "test")
    assert d.photos.isHidden()  # no photos: no section

    iid, (report, before, after) = incident_with_photos(busy_engine, console, store)
    console.select_incident(iid, "test")
    assert not d.photos.isHidden()
    tiles = d.photos.tiles
    assert [t.media.media_id for t in tiles] == [report, before, after]
    qtbot.waitUntil(lambda: all(t.state == "loaded" for t in tiles), timeout=5000)
    assert not tiles[0].icon().isNull()
    # the report alone, the before/after pair side by side on one card
    assert [len(p.photos) for p in d.photos.pages] == [1, 2]
    assert tiles[1].parentWidget() is tiles[2].parentWidget()
    assert tiles[0].parentWidget() is not tiles[1].parentWidget()

    tiles[1].click()  # the before photo: the viewer opens on the pair
    viewer = d.photos.viewer
    assert viewer is not None
    assert viewer.isVisible()
    assert viewer.shown_ids() == [before, after]
    qtbot.waitUntil(lambda: all(not lbl.pixmap().isNull() for lbl in viewer.images.values()),
                    timeout=5000)
    full = source.cached(before, False)
    assert full is not None
    assert full.width() == 640
    qtbot.keyClick(viewer, Qt.Key.Key_Right)
    assert viewer.shown_ids() == [report]
    viewer.prev.click()
    assert viewer.shown_ids() == [before, after]
    qtbot.keyClick(viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not viewer.isVisible(), timeout=2000)
    assert source.wait()


def test_missing_photo_and_no_source_say_unavailable(console: Any, busy_engine: Any,
                                                     tmp_path: Path, qtbot: Any) -> None:
    store = MediaStore(tmp_path / "media")
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 620, 1000)
    iid, (_report, _before, _after) = incident_with_photos(busy_engine, console, store)
    console.select_incident(iid, "test")  # no source configured
    assert d.photos.message.isVisible()
    assert "unavailable" in d.photos.message.text()
    assert all(t.state == "failed" for t in d.photos.tiles)

    elsewhere = LocalPhotos(tmp_path / "elsewhere")  # a directory without the files
    console.photos = elsewhere
    console.select_incident("", "test")
    console.select_incident(iid, "test")
    tiles = d.photos.tiles
    assert tiles[0].state == "loading"
    assert "loading" in tiles[0].text()
    qtbot.waitUntil(lambda: all(t.state == "failed" for t in tiles), timeout=5000)
    assert "unavailable" in tiles[0].text()
    assert "not stored here" in tiles[0].toolTip()
    assert elsewhere.wait()


@pytest.mark.parametrize("key_ok", [True, False])
def test_gateway_source_fetches_with_the_api_key(key_ok: bool, qapp: Any, qtbot: Any,
                                                 tmp_path: Path) -> None:
    """A remote console: the photo from a gateway's ``/media`` with an API key (a real uvicorn
    gateway app serving a store, without the dispatch server: the media endpoint needs none)."""
    import threading

    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    from dispatch.adapters.gateway.api_keys import ApiKeyStore
    from dispatch.adapters.gateway.errors import ApiError
    from dispatch.adapters.gateway.media_api import router

    store = MediaStore(tmp_path / "media")
    info = store_photo(store, "orange")
    keys = ApiKeyStore(tmp_path)
    keys.issue("console", ("open311",), "citizen_app", key="console-key-1")

    class Gw:  # what the media router reads of the gateway
        media = store

        def __init__(self) -> None:
            self.keys = keys

            class Limit:
                def take(self, name: str) -> None:
                    pass
            self.key_limit = Limit()

        def device(self, token: str) -> None:
            raise ApiError("unauthorized", "no device")

    app = FastAPI()

    @app.exception_handler(ApiError)
    async def refused(_request: Any, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    app.include_router(router(Gw()))  # type: ignore[arg-type]
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    qtbot.waitUntil(lambda: server.started, timeout=10000)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        source: PhotoSource = GatewayPhotos(f"http://127.0.0.1:{port}",
                                            "console-key-1" if key_ok else "wrong-key")
        got: list[tuple[str, Any]] = []
        source.sig_loaded.connect(lambda k, img: got.append((k, img)))
        source.sig_failed.connect(lambda k, msg: got.append((k, msg)))
        source.request(info.media_id, info.content_type, thumb=True)
        qtbot.waitUntil(lambda: bool(got), timeout=10000)
        key, value = got[0]
        assert key == f"{info.media_id}/thumb"
        if key_ok:
            assert not isinstance(value, str)
            assert value.width() == 320
        else:
            assert value == "the gateway refused the console's API key"
        with qtbot.waitSignal(source.destroyed, timeout=5000):
            source.deleteLater()  # the manager goes now, not when the collector gets to it
    finally:
        server.should_exit = True
        thread.join(10)


def test_replay_shows_a_photo_from_its_event(qtbot: Any, tmp_path: Path, catalogue: Any,
                                             demo_city: Any, clock: Any) -> None:
    """The replay window's detail panel: before the ``incident.media_attached`` event the
    incident has no photo; from its position on the thumbnail shows (read from the media
    directory)."""
    from console.replay_window import ReplayWindow
    from dispatch.adapters.bootstrap import open_engine
    from dispatch.adapters.store import EventStore
    from dispatch.services.replay import Replayer
    from tests.ui.conftest import MAP_READY_TIMEOUT_MS

    store = EventStore(f"sqlite:///{tmp_path / 'events.sqlite'}")
    engine = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock)
    media = MediaStore(tmp_path / "media")
    iid = report_at(engine, 9, next(iter(catalogue.minors)), source="grid_worker")
    clock.advance(60)
    engine.execute(cmd.RegisterIncident(iid), DISPATCHER)
    clock.advance(60)
    info = store_photo(media, "purple")
    engine.execute(cmd.AttachMedia(iid, info.media_id, "report", info.sha256, info.content_type,
                                   info.size, info.width, info.height), DISPATCHER)
    events = list(store.read())
    attached = next(e for e in events if e.kind == "incident.media_attached")
    r = Replayer.from_store(store, incident_id=iid, max_checkpoints=10, min_spacing=32)
    r.prepare()
    w = ReplayWindow(r, catalogue, demo_city, source="test", language="en")
    w.console.photos = LocalPhotos(tmp_path / "media")
    try:
        w.resize(1600, 1000)
        w.show()
        qtbot.waitUntil(lambda: w.map.is_ready, timeout=MAP_READY_TIMEOUT_MS)
        assert w.focus_incident(iid)
        at = r.position_of_seq(attached.seq)
        w.go_to(at - 1)
        assert w.detail.incident_id == iid
        assert w.detail.photos.isHidden()
        w.go_to(at)
        assert not w.detail.photos.isHidden()
        tiles = w.detail.photos.tiles
        assert [t.media.media_id for t in tiles] == [info.media_id]
        qtbot.waitUntil(lambda: tiles[0].state == "loaded", timeout=5000)
        w.go_to(at - 1)  # and back: gone again
        assert w.detail.photos.isHidden()
    finally:
        w.close()
        store.close()


def test_configured_source(qapp: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """The embedded console reads its data directory; a remote one needs a gateway and a key;
    neither: None (the panel says photos are unavailable)."""
    from PySide6.QtCore import QObject, QSettings

    from widgets.photo_source import configured_photo_source

    owner = QObject()  # the sources go with it, not at interpreter exit

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    monkeypatch.delenv("GRIDLINE_GATEWAY_URL", raising=False)
    monkeypatch.delenv("GRIDLINE_GATEWAY_API_KEY", raising=False)
    local = configured_photo_source(settings, tmp_path, local=True, parent=owner)
    assert isinstance(local, LocalPhotos)
    assert local.media_dir() == tmp_path / "media"
    assert configured_photo_source(settings, tmp_path, local=False) is None
    settings.setValue("photos/gateway_url", "https://gw.example:8443")
    assert configured_photo_source(settings, tmp_path, local=False) is None  # no key
    monkeypatch.setenv("GRIDLINE_GATEWAY_API_KEY", "glk_x")
    remote = configured_photo_source(settings, tmp_path, local=False, parent=owner)
    assert isinstance(remote, GatewayPhotos)
    assert remote.base_url == "https://gw.example:8443"
    assert remote.media_dir() is None
