"""The replay window's map is the dispatcher's: the console's theme (light: the light offline
basemap), the tile sources of ``--tiles`` or the ``map/tiles`` setting with the base chosen
last, the unit colour switch, and the server's roads and places drawn on the basemap."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from dispatch.services.replay import Replayer
from maps.tiles import load_sources
from tests.domain.replay_scenario import Recorded, recorded_fixture
from tests.ui.conftest import MAP_READY_TIMEOUT_MS

pytestmark = pytest.mark.ui

recorded = recorded_fixture("replay-map", steps=300, seed=7)

# Two roads and a named place in the demo city (the ``basemap`` query's rows).
ROWS: list[dict[str, Any]] = [{"kind": "road", "name": "人民路", "class": "primary",
         "line": [[120.620, 31.300], [120.625, 31.310]]},
        {"kind": "road", "name": "干将路", "class": "secondary",
         "line": [[120.600, 31.305], [120.630, 31.305]]},
        {"kind": "poi", "name": "观前街", "lon": 120.622, "lat": 31.308}]


class FakePlaces:
    """The server's place queries as the replay window uses them: ``basemap(done)``."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows, self.asked, self.stopped = rows, 0, False

    def basemap(self, done: Callable[[list[dict[str, Any]], str, bool], None]) -> None:
        self.asked += 1
        done(self.rows, "", False)

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture
def open_window(qtbot: Any, recorded: Recorded, catalogue: Any, demo_city: Any
                ) -> Iterator[Callable[..., Any]]:
    from console.replay_window import ReplayWindow

    made: list[Any] = []

    def make(**kwargs: Any) -> Any:
        r = Replayer.from_store(recorded.store, max_checkpoints=4, min_spacing=32)
        r.prepare()
        w = ReplayWindow(r, catalogue, demo_city, source="test", language="zh", **kwargs)
        made.append(w)
        w.resize(1400, 900)
        w.show()
        qtbot.waitUntil(lambda: w.map.is_ready, timeout=MAP_READY_TIMEOUT_MS)
        return w

    yield make
    for w in made:
        w.close()
        w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def js(qtbot: Any, w: Any, expr: str) -> Any:
    box: list[Any] = []
    w.map.evaluate_json(expr, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return box[0]


def test_the_light_offline_basemap_with_the_servers_roads(open_window: Any, qtbot: Any
                                                          ) -> None:
    places = FakePlaces(ROWS)
    w = open_window(theme="light", places=places)
    assert w.map.theme == "light"
    assert js(qtbot, w, "document.body.classList.contains('gl-theme-light')") is True
    assert w.map.base_layer == "basemap"
    assert places.asked == 1
    qtbot.waitUntil(lambda: w.map_sync.basemap_rows == 3, timeout=10_000)
    qtbot.waitUntil(lambda: js(qtbot, w, "GLBase.stats().roads") == 2, timeout=10_000)
    w.close()
    assert places.stopped  # the worker thread of the server's queries ends with the window


def test_a_dark_console_keeps_the_dark_page(open_window: Any, qtbot: Any) -> None:
    w = open_window(theme="dark")
    assert w.map.theme == "dark"
    assert js(qtbot, w, "document.body.classList.contains('gl-theme-light')") is False


def test_tile_sources_from_the_option_or_the_settings(open_window: Any, qtbot: Any,
                                                      tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    settings.setValue("map/tiles", ["tianditu:0123abcd"])
    settings.setValue("map/base", "none")
    w = open_window(settings=settings)
    assert w.map.base_layers() == ["basemap", "tianditu-vec", "none"]
    assert w.map.base_layer == "none"  # the base chosen last
    assert js(qtbot, w, "GLBase.stats().base") == "none"
    with qtbot.waitSignal(w.map.sig_base_changed, timeout=5_000):
        w.map.set_base_layer("tianditu-vec")
    assert settings.value("map/base") == "tianditu-vec"  # remembered as in the console
    # --tiles replaces the setting for the run
    given = load_sources(["http://tiles.example.invalid/{z}/{x}/{y}.png"])
    w2 = open_window(settings=settings, tile_sources=given)
    assert w2.map.base_layers() == ["basemap", given[0].name, "none"]


def test_the_unit_colour_switch(open_window: Any, qtbot: Any, tmp_path: Path) -> None:
    from console.map_units import department_colours

    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    settings.setValue("map/unit_colours", "status")
    w = open_window(settings=settings)
    box = w.map_bar.unit_colour_box
    assert box.currentData() == "status"
    assert w.map_sync.unit_colouring == "status"
    w.scrubber.set_position(len(w.replayer), emit=True)
    unit = next(u for u in w.state.units.values() if u.department)
    uid = unit.id

    def fill() -> Any:
        return js(qtbot, w, f"GL._units.has({uid!r}) && GL._units.get({uid!r}).options.fillColor")

    qtbot.waitUntil(lambda: bool(fill()), timeout=10_000)
    by_status = fill()
    box.setCurrentIndex(box.findData("department"))
    assert w.map_sync.unit_colouring == "department"
    assert settings.value("map/unit_colours") == "department"
    want = department_colours(w.console.catalogue)[unit.department]
    qtbot.waitUntil(lambda: fill() == want, timeout=10_000)
    assert js(qtbot, w, "GL._colouring") == "department"
    assert by_status != want
    with pytest.raises(ValueError, match="unknown unit colouring 'rainbow'"):
        w.map_bar.set_unit_colouring("rainbow")
    assert w.map_sync.unit_colouring == "department"
    assert settings.value("map/unit_colours") == "department"
