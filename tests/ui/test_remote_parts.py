"""A console given the city without its parts (a remote console, and the embedded one since it
reads only the regions) fetches them from the real server when the Parts layer is first shown,
and only then: they arrive on the map, and a part's card opens."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from console.loading import load_city_from_db, load_city_from_server
from dispatch.adapters.client import CommandClient
from dispatch.adapters.security.operators import DEMO_PASSWORDS
from tests.integration.conftest import server_factory  # noqa: F401
from tests.ui.test_console_live import WAIT_MS, Workstation

pytestmark = pytest.mark.ui


@pytest.fixture
def remote(qtbot: Any, server_factory: Any, tmp_path: Path  # noqa: F811
           ) -> Iterator[tuple[Workstation, list[int]]]:
    """A console on a real server, its city read with the ``city`` query (no parts); the
    list counts the console's fetches of the parts."""
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings

    from console.startup import build_console
    from dispatch.adapters.server.process import Endpoints

    srv = server_factory()
    ep = srv.endpoints
    thresholds = gc.get_threshold()
    with CommandClient(ep.command) as c:
        login = c.login("lead", DEMO_PASSWORDS["lead"], "ws-remote")
        city = load_city_from_server(c)
    assert city.regions
    assert not city.parts
    assert not city.units
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    window, session = build_console(Endpoints(ep.command, ep.snapshot, ep.update), login, city,
                                    "lead", DEMO_PASSWORDS["lead"], None, settings=settings)
    fetches: list[int] = []
    fetch = window.map_sync.load_parts
    assert fetch is not None  # a city without parts: the console knows how to get them

    def counted() -> Any:
        fetches.append(1)
        return fetch()

    window.map_sync.load_parts = counted
    window.resize(1600, 900)
    window.show()
    qtbot.waitUntil(lambda: session.got_first and window.map.is_ready, timeout=30_000)
    yield Workstation(srv, window, session, qtbot), fetches
    session.stop()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_parts_come_from_the_server_when_the_layer_is_first_shown(
        remote: tuple[Workstation, list[int]]) -> None:
    ws, fetches = remote
    w, c = ws.window, ws.console
    server_parts = ws.srv.server.engine.city.parts
    assert len(server_parts) > 10
    # live, with the map drawn, and no part asked for yet
    assert fetches == []
    assert not c.city.parts
    assert ws.js("GL.counts()")["parts"] == 0

    with ws.qtbot.waitSignal(w.map_sync.sig_parts_loaded, timeout=WAIT_MS):
        w.parts_action.setChecked(True)
    assert fetches == [1]
    assert set(c.city.parts) == set(server_parts)
    ws.qtbot.waitUntil(lambda: ws.js("GL.counts()")["parts"] == len(server_parts),
                       timeout=WAIT_MS)
    some = min(server_parts)
    assert w.show_part(some)
    assert w.part_card.part_id == some
    assert w.part_card.fields["id"].text() == some

    # hidden and shown again: no second fetch, the parts stay on the map
    w.parts_action.setChecked(False)
    w.parts_action.setChecked(True)
    ws.qtbot.waitUntil(lambda: ws.js("GL.counts()")["parts"] == len(server_parts),
                       timeout=WAIT_MS)
    assert fetches == [1]


def test_the_stored_city_is_read_without_its_assets_unless_asked(
        server_factory: Any) -> None:  # noqa: F811
    srv = server_factory()
    url = srv.settings.database_url
    regions_only = load_city_from_db(url)
    whole = load_city_from_db(url, assets=True)
    assert set(regions_only.regions) == set(whole.regions)
    assert not regions_only.parts
    assert not regions_only.units
    assert whole.parts
    assert whole.units
