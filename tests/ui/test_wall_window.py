"""The wall window offscreen, over a console model fed by the real engine: figures follow the
district on show, rotation, the stale-data banner, the new-urgent highlight, no controls."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit

from dispatch.adapters.client.mirror import MirrorInfo, MirrorStatus
from dispatch.domain.catalogue.model import Priority
from tests.conftest import ARTIFACTS
from tests.domain.helpers import WALL, minor_with
from tests.ui.conftest import MAP_READY_TIMEOUT_MS, _delete_now
from tests.ui.pictures import assert_shows_something
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import MirroredConsole, report_at
from widgets.wall_lists import department_load, most_overdue
from widgets.wall_tiles import day_start, scope_kpi

pytestmark = pytest.mark.ui


class WallClock:
    """The wall's own (real-time) clock, moved by hand."""

    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def wall_console(busy_engine: Any, clock: Any, qapp: Any) -> Any:
    return MirroredConsole(busy_engine, WALL, now=clock)


@pytest.fixture
def make_wall(qtbot: Any, wall_console: Any) -> Iterator[Callable[..., Any]]:
    from console.wall import WallWindow

    made: list[Any] = []

    def make(*, ready: bool = False, **kw: Any) -> Any:
        kw.setdefault("rotate_s", 0)
        w = WallWindow(wall_console, **kw)
        made.append(w)
        w.resize(1920, 1080)
        w.show()
        if ready:
            qtbot.waitUntil(lambda: w.map.is_ready, timeout=MAP_READY_TIMEOUT_MS)
        return w

    yield make
    for w in made:
        _delete_now(w)


def js(qtbot: Any, view: Any, expr: str) -> Any:
    box: list[Any] = []
    view.evaluate_json(expr, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return box[0]


@pytest.fixture
def chinese(qapp: Any, tmp_path: Path, monkeypatch: Any) -> Iterator[None]:
    """The Chinese translation compiled from the .ts and installed for one test."""
    from widgets import i18n

    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent /
                                                       "pyside6-lrelease")
    qm = tmp_path / "gridline_zh_CN.qm"
    subprocess.run([lrelease, str(Path(i18n.I18N_DIR) / "gridline_zh_CN.ts"), "-qm", str(qm)],
                   check=True, capture_output=True)
    monkeypatch.setattr(i18n, "I18N_DIR", tmp_path)
    assert i18n.install_translator(qapp, "zh")
    yield
    i18n.remove_translators(qapp)


def info(status: MirrorStatus, age: float | None) -> MirrorInfo:
    return MirrorInfo(status=status, subtree="", feed_seq=10, state_seq=10,
                      last_message_age_s=age, updates_per_s=0.0, updates=10, resyncs=0,
                      gaps=0, errors=0, server_time=None, time_speed=1.0)


def test_figures_of_the_whole_city_and_of_each_district(make_wall: Any, wall_console: Any,
                                                        busy_engine: Any, clock: Any) -> None:
    wall = make_wall()
    assert wall.scopes == ["", "320505", "320508"]
    assert wall.scope_label.text() == "Whole city"
    assert wall.pager.text() == ""
    wall.set_rotation(3600)
    assert wall.pager.text() == "1 / 3"
    state, now = busy_engine.state, clock()
    start = day_start(now, wall_console.tz)
    for index, scope in enumerate(wall.scopes):
        wall.show_scope(index)
        k = scope_kpi(state, start, now + 1, scope)
        assert wall.tiles.text("reported") == str(k.reported)
        assert wall.tiles.text("overdue") == str(k.overdue)
        assert sum(map(sum, wall.hourly.series.values())) == k.reported
        assert wall.open_chart.current() == k.open
        assert [i.id for i, _ in wall.overdue.items] == \
            [i.id for i, _ in most_overdue(state, now, scope, limit=12)]
        assert wall.departments.loads == department_load(state, scope, busy_engine.catalogue)
        name = wall.scope_name(scope)
        assert wall.scope_label.text() == name
        assert name in wall.map_panel.title.full_text()
        assert name in wall.hourly_panel.title.full_text()
    assert wall.scope_label.text() == busy_engine.city.regions["320508"].name
    assert sum(int(scope_kpi(state, start, now + 1, s).reported) for s in wall.scopes[1:]) \
        == 60
    with pytest.raises(ValueError, match="scope index 3 out of range"):
        wall.show_scope(3)


def test_figures_refresh_on_a_timer_not_on_every_update(make_wall: Any, wall_console: Any,
                                                        busy_engine: Any, qtbot: Any) -> None:
    wall = make_wall(refresh_ms=400)
    qtbot.waitUntil(lambda: wall.refreshes >= 1)  # the first picture comes at once
    before = wall.refreshes
    reported = wall.tiles.text("reported")
    new = report_at(busy_engine, 2, minor_with(busy_engine.catalogue, Priority.LOW))
    wall_console.apply_changes(*busy_engine.state.take_changes())
    assert wall.refreshes == before
    assert wall.tiles.text("reported") == reported
    qtbot.waitUntil(lambda: wall.tiles.text("reported") == str(int(reported) + 1),
                    timeout=3000)
    qtbot.waitUntil(lambda: wall.refreshes > before)
    assert new in wall.news.known
    assert wall.last_refresh_ms > 0


def test_rotation_cycles_the_districts_and_back(make_wall: Any, qtbot: Any) -> None:
    wall = make_wall(rotate_s=0.05)
    seen: list[str] = []
    wall.sig_scope_changed.connect(seen.append)
    qtbot.waitUntil(lambda: len(seen) >= 4, timeout=5000)
    assert seen[:4] == ["320505", "320508", "", "320505"]
    wall.set_rotation(0)
    stay = wall.scope
    qtbot.wait(200)
    assert wall.scope == stay
    with pytest.raises(ValueError, match="rotate_s must be >= 0"):
        make_wall(rotate_s=-1)


def test_the_map_zooms_to_the_district_on_show(make_wall: Any, qtbot: Any) -> None:
    wall = make_wall(ready=True)
    qtbot.waitUntil(lambda: js(qtbot, wall.map, "GL.counts()")["regions"] > 200)
    assert js(qtbot, wall.map, "GL.map.dragging.enabled()") is False
    assert js(qtbot, wall.map, "GL._level") == "grid"
    assert js(qtbot, wall.map, "GL.hasScope()") is False
    city_zoom = js(qtbot, wall.map, "GL.map.getZoom()")
    wall.show_scope(2)  # the smaller district
    assert js(qtbot, wall.map, "GL.hasScope()") is True
    assert js(qtbot, wall.map, "GL.map.getZoom()") >= city_zoom
    bounds = js(qtbot, wall.map, "GL.map.getBounds().toBBoxString()")
    x0, y0, x1, y1 = map(float, bounds.split(","))
    dx0, dy0, dx1, dy1 = wall.console.city.regions["320508"].geometry.bounds
    assert x0 <= dx0
    assert y0 <= dy0
    assert x1 >= dx1
    assert y1 >= dy1
    centre = js(qtbot, wall.map, "[GL.map.getCenter().lat, GL.map.getCenter().lng]")
    assert centre == pytest.approx([(dy0 + dy1) / 2, (dx0 + dx1) / 2], abs=2e-4)
    wall.show_scope(0)
    assert js(qtbot, wall.map, "GL.hasScope()") is False
    assert js(qtbot, wall.map, "GL.map.getZoom()") == pytest.approx(city_zoom)


def test_the_whole_city_is_in_view_once_the_regions_arrive(make_wall: Any, qtbot: Any) -> None:
    wall = make_wall(ready=True)
    qtbot.waitUntil(lambda: js(qtbot, wall.map, "GL.counts()")["regions"] > 200)
    qtbot.waitUntil(lambda: js(qtbot, wall.map, "GL.map.getBounds().contains(GL._regionBounds)"
                                                " && GL.map.getBoundsZoom(GL._regionBounds)"
                                                " - GL.map.getZoom() < 1"), timeout=5_000)


def test_stale_banner_follows_the_feed(make_wall: Any, qtbot: Any) -> None:
    clock = WallClock()
    wall = make_wall(wall_time=clock)
    assert not wall.stale_banner.isVisible()
    assert "Connecting" in wall.connection.text()
    wall.show_info(info(MirrorStatus.LIVE, 0.3))
    assert not wall.stale
    assert not wall.stale_banner.isVisible()
    assert "Live" in wall.connection.text()
    wall.show_info(info(MirrorStatus.DISCONNECTED, 12.0))
    assert wall.stale
    assert wall.stale_banner.isVisible()
    text = wall.stale_banner.text()
    assert "Data feed interrupted" in text
    assert "12 s ago" in text
    from datetime import datetime

    assert datetime.fromtimestamp(clock.t - 12).strftime("%H:%M:%S") in text
    assert "Feed lost" in wall.connection.text()
    clock.t += 30  # the banner counts on, the time it went stale stays
    wall.show_info(info(MirrorStatus.DISCONNECTED, 42.0))
    assert "42 s ago" in wall.stale_banner.text()
    wall.show_info(info(MirrorStatus.SYNCING, 0.1))  # resyncing: still stale
    assert wall.stale_banner.isVisible()
    assert "Resyncing" in wall.connection.text()
    clock.t += 300
    wall._tick()
    assert "ago" in wall.stale_banner.text()
    assert "5m" in wall.stale_banner.text()
    wall.show_info(info(MirrorStatus.LIVE, 0.2))
    assert not wall.stale
    assert not wall.stale_banner.isVisible()
    # live but silent for too long counts as stale too
    wall.show_info(info(MirrorStatus.LIVE, 9.0))
    assert wall.stale_banner.isVisible()
    wall.show_info(info(MirrorStatus.LIVE, 0.5))
    assert not wall.stale_banner.isVisible()


def test_no_stale_banner_before_the_first_snapshot(qtbot: Any, busy_engine: Any,
                                                   clock: Any) -> None:
    from console.wall import WallWindow
    from dispatch.domain.state import DispatchState
    from widgets.console_model import ConsoleModel

    console = ConsoleModel(DispatchState(), busy_engine.catalogue, busy_engine.city, WALL,
                           now=clock)
    wall = WallWindow(console, rotate_s=0)
    try:
        wall.show_info(info(MirrorStatus.CONNECTING, None))
        assert not wall.stale
        assert "Connecting" in wall.connection.text()
        wall.refresh()
        assert wall.refreshes == 0  # nothing to show yet
        console.reset(busy_engine.state)  # the first snapshot
        wall.refresh()
        assert wall.refreshes == 1
        assert wall.tiles.text("reported") == "60"
        wall.show_info(info(MirrorStatus.LIVE, 0.1))
        assert "Live" in wall.connection.text()
        wall.show_info(info(MirrorStatus.SYNCING, 4.0))  # lost it after having data
        assert wall.stale
        assert wall.stale_banner.isVisibleTo(wall)
    finally:
        _delete_now(wall)


def test_a_new_urgent_incident_is_highlighted(make_wall: Any, wall_console: Any,
                                              busy_engine: Any, qtbot: Any) -> None:
    wall = make_wall(ready=True, highlight_s=0.6)
    # urgent incidents already there when the wall starts are not news
    assert any(i.priority == "urgent" for i in busy_engine.state.incidents.values())
    assert wall.highlighted == ""
    assert not wall.urgent_banner.isVisible()
    normal = report_at(busy_engine, 3, minor_with(busy_engine.catalogue, Priority.NORMAL))
    wall_console.apply_changes(*busy_engine.state.take_changes())
    assert wall.highlighted == ""
    assert normal in wall.news.known
    urgent = report_at(busy_engine, 4, minor_with(busy_engine.catalogue, Priority.URGENT))
    wall_console.apply_changes(*busy_engine.state.take_changes())
    assert wall.highlighted == urgent
    assert wall.urgent_banner.isVisible()
    assert urgent in wall.urgent_banner.text()
    inc = busy_engine.state.incidents[urgent]
    assert wall_console.grid_name(inc.grid) in wall.urgent_banner.text()
    qtbot.waitUntil(lambda: js(qtbot, wall.map, "GL.counts().selected")
                    == f"incident:{urgent}", timeout=5000)
    centre = js(qtbot, wall.map, "[GL.map.getCenter().lat, GL.map.getCenter().lng]")
    assert centre == pytest.approx([inc.lat, inc.lon], abs=1e-4)
    # a second one while the first is on show waits its turn
    second = report_at(busy_engine, 8, minor_with(busy_engine.catalogue, Priority.URGENT))
    wall_console.apply_changes(*busy_engine.state.take_changes())
    assert wall.highlighted == urgent
    qtbot.waitUntil(lambda: wall.highlighted == "", timeout=5000)
    assert not wall.urgent_banner.isVisible()
    qtbot.waitUntil(lambda: js(qtbot, wall.map, "GL.counts().selected") is None)
    qtbot.waitUntil(lambda: wall.highlighted == second, timeout=5000)
    qtbot.waitUntil(lambda: wall.highlighted == "", timeout=5000)


def test_nothing_to_click_and_no_cursor(make_wall: Any, busy_engine: Any) -> None:
    wall = make_wall()
    # the wall operator may do nothing to an incident (and the server says so too)
    assert all(wall.console.available_actions(iid) == frozenset()
               for iid in busy_engine.state.incidents)
    for kind in (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox):
        assert wall.findChildren(kind) == []
    assert wall.cursor().shape() == Qt.CursorShape.BlankCursor
    assert wall.hourly.plot.testAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)


def test_chinese_wall(chinese: Any, wall_console: Any, make_wall: Any,
                      busy_engine: Any) -> None:
    wall_console.language = "zh"
    wall = make_wall(rotate_s=30)
    assert wall.title.text() == f"{busy_engine.city.name} · 城市运行一屏统览"
    assert wall.scope_label.text() == "全市"
    assert wall.tiles.tiles["on_time"].caption.text() == "按期结案率"
    assert wall.overdue.columns[4].title == "督办"
    wall.show_info(info(MirrorStatus.DISCONNECTED, 7.0))
    assert wall.stale_banner.text().startswith("数据已中断")
    assert "7 秒前" in wall.stale_banner.text()
    wall.refresh()
    assert wall.departments.rows[0][0].text.endswith(("局", "队", "处", "委员会"))


def test_offscreen_render(chinese: Any, wall_console: Any, make_wall: Any, qtbot: Any,
                          busy_engine: Any, clock: Any, map_js: Any) -> None:
    """A 1920×1080 render of a district, in Chinese, to look at (tests/artifacts): not blank,
    and the district's name, figures and lists are those of the state on show."""
    wall_console.language = "zh"
    clock.advance(3600)
    wall = make_wall(ready=True)
    wall.show_scope(1)
    wall.show_info(info(MirrorStatus.LIVE, 0.2))
    scope = wall.scopes[1]
    state, now = busy_engine.state, clock()
    open_here = sum(1 for i in state.incidents.values() if i.is_open and i.grid.startswith(scope))
    wall.map.flush()
    qtbot.waitUntil(lambda: map_js(wall.map, "GL.counts()")["incidents"] > 0,
                    timeout=MAP_READY_TIMEOUT_MS)
    name = busy_engine.city.regions[scope].name
    assert wall.scope_label.text() == name
    assert name in wall.map_panel.title.full_text()
    assert wall.title.text() == f"{busy_engine.city.name} · 城市运行一屏统览"
    k = scope_kpi(state, day_start(now, wall_console.tz), now + 1, scope)
    assert int(k.reported) > 0
    assert wall.tiles.text("reported") == str(k.reported)
    assert wall.tiles.text("overdue") == str(k.overdue)
    assert wall.open_chart.current() == k.open == open_here
    assert [i.id for i, _ in wall.overdue.items] == \
        [i.id for i, _ in most_overdue(state, now, scope, limit=12)]
    assert wall.departments.loads == department_load(state, scope, busy_engine.catalogue)
    assert not wall.stale_banner.isVisible()
    image = wall.grab().toImage()
    assert (image.width(), image.height()) == (1920, 1080)
    assert_shows_something(image, colours=500, dominant=0.8, spread=10)
    for panel in (wall.tiles, wall.hourly_panel, wall.overdue_panel, wall.departments_panel,
                  wall.ranking_panel):
        assert_shows_something(panel.grab().toImage(), colours=30, dominant=0.95, spread=5)
    ARTIFACTS.mkdir(exist_ok=True)
    assert image.save(str(ARTIFACTS / "wall_offscreen.png"))
