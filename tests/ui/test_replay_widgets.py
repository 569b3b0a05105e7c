"""The replay's own widgets on their own: the timeline scrubber (positions, steps, playback
speeds, incident jumps, bookmarks, the painted track and its mouse) and the incident timeline
chart (lanes, bars, markers with hover text, time limits, clicks, the cursor)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools
from datetime import timedelta, timezone
from typing import Any

import pyqtgraph as pg
import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import QPoint, Qt

from dispatch.domain.roles import Actor, Role
from dispatch.domain.state import DispatchState
from dispatch.services.replay import (
    LANE_DEPARTMENT,
    LANE_INCIDENT,
    LANE_UNIT,
    Deadline,
    IncidentTimeline,
    Span,
    TimelineItem,
)
from tests.conftest import ARTIFACTS, T0
from widgets.console_model import ConsoleModel
from widgets.incident_timeline import IncidentTimelineChart
from widgets.timeline_scrubber import SPEEDS, TimelineScrubber
from widgets.timeline_track import TICK_STEPS, time_ticks

pytestmark = pytest.mark.ui
TZ = timezone(timedelta(hours=8))
TIMES = [T0 + 10, T0 + 20, T0 + 20, T0 + 50, T0 + 300, T0 + 900, T0 + 3000]


@pytest.fixture
def scrubber(qtbot: Any) -> Any:
    s = TimelineScrubber(tz=TZ)
    qtbot.addWidget(s)
    s.resize(1000, 90)
    s.show()
    s.set_timeline(TIMES, T0, T0 + 3600)
    return s


def test_positions_steps_and_seeks(scrubber: Any, qtbot: Any) -> None:
    s = scrubber
    moves: list[tuple[int, float]] = []
    s.sig_moved.connect(lambda p, t: moves.append((p, t)))
    assert (s.position, s.instant) == (0, T0)
    s.step(1)
    s.step(1)
    s.step(1)
    assert moves == [(1, T0 + 10), (2, T0 + 20), (3, T0 + 20)]  # events of one instant
    s.step(-5)
    assert s.position == 0
    assert s.instant == T0
    s.seek_time(T0 + 100)
    assert (s.position, s.instant) == (4, T0 + 100)
    s.seek_time(T0 + 99999)
    assert (s.position, s.instant) == (7, T0 + 3600)
    assert s.time_label.text() == "2026-11-17 11:13:00"
    assert "7 / 7" in s.count_label.text()
    assert not s.next_button.isEnabled()
    assert s.prev_button.isEnabled()


def test_playback_speeds(scrubber: Any) -> None:
    s = scrubber
    assert SPEEDS == (1, 2, 4, 8, 16, 32, 64, 128, 256)
    states: list[bool] = []
    s.sig_playing_changed.connect(states.append)
    s.set_speed(1)
    s.change_speed(-1)
    assert s.speed == 1
    for _ in range(20):
        s.change_speed(1)
    assert s.speed == 256
    assert s.speed_box.currentText() == "256×"
    with pytest.raises(ValueError, match="speed must be one of"):
        s.set_speed(3)
    s.set_speed(8)
    s.play()
    assert s.playing
    assert states == [True]
    s.advance(2.0)  # 2 s at 8× = 16 s of history
    assert s.instant == T0 + 16
    assert s.position == 1
    s.advance(10.0)
    assert s.instant == T0 + 96
    assert s.position == 4
    s.set_speed(256)
    s.advance(100.0)  # past the end: stops there
    assert s.instant == T0 + 3600
    assert s.position == 7
    assert not s.playing
    assert states == [True, False]
    s.play()  # from the end: starts over
    assert s.position == 0
    assert s.playing
    s.toggle_play()
    assert not s.playing


def test_incident_jumps(scrubber: Any) -> None:
    s = scrubber
    s.set_incident_positions([5, 2, 6])
    assert s.incident_positions == [2, 5, 6]
    assert s.next_incident_button.isEnabled()
    assert not s.prev_incident_button.isEnabled()
    s.jump_incident(1)
    assert s.position == 2
    s.jump_incident(1)
    s.jump_incident(1)
    assert s.position == 6
    s.jump_incident(1)
    assert s.position == 6
    s.jump_incident(-1)
    assert s.position == 5
    s.set_incident_positions([])
    s.jump_incident(-1)
    assert s.position == 5


def test_bookmarks(scrubber: Any) -> None:
    s = scrubber
    added: list[int] = []
    s.sig_bookmark_added.connect(added.append)
    s.seek_time(T0 + 400)
    assert s.add_bookmark("二号积水点") == 0
    s.seek_time(T0 + 100)
    assert s.add_bookmark() == 0  # kept in time order
    assert added == [0, 0]
    assert [(b.position, b.note) for b in s.bookmarks] == [(4, ""), (5, "二号积水点")]
    s.set_bookmark_note(0, "交班")
    assert s.bookmarks[0].note == "交班"
    assert s.bookmarks[0].ts == T0 + 100
    s.remove_bookmark(1)
    assert len(s.bookmarks) == 1


def test_track_mouse_and_paint(scrubber: Any, qtbot: Any) -> None:
    s = scrubber
    s.set_incident_positions([2, 5])
    s.seek_time(T0 + 1800)
    s.add_bookmark("中段检查")
    track = s.track
    x = track.x_of(T0 + 900)
    assert track.ts_of(x) == pytest.approx(T0 + 900, abs=1.0)
    qtbot.mouseClick(track, Qt.MouseButton.LeftButton, pos=QPoint(int(x) + 1, 20))
    assert s.position == 6
    assert abs(s.instant - (T0 + 900)) < 10
    image = s.grab().toImage()
    assert not image.isNull()
    assert image.width() == s.width()
    ARTIFACTS.mkdir(exist_ok=True)
    s.grab().save(str(ARTIFACTS / "replay_scrubber.png"))


# ------------------------------------------------------------------------------- chart


def _timeline(t: float = T0) -> IncidentTimeline:
    iid = "E000042"
    items = (
        TimelineItem(t, 10, 1, LANE_INCIDENT, iid, "status", "reported", "", "gw"),
        TimelineItem(t + 300, 11, 2, LANE_INCIDENT, iid, "status", "registered", "", "disp"),
        TimelineItem(t + 900, 12, 3, LANE_INCIDENT, iid, "status", "dispatched", "", "disp"),
        TimelineItem(t + 900, 12, 3, LANE_DEPARTMENT, "police", "lead", "", "", "disp"),
        TimelineItem(t + 900, 12, 3, LANE_UNIT, "U-police-1", "assigned", "", "", "disp"),
        TimelineItem(t + 1500, 13, 4, LANE_INCIDENT, iid, "escalated", "3", "需要社区协调",
                     "disp"),
        TimelineItem(t + 1500, 13, 4, LANE_DEPARTMENT, "emergency", "assist", "", "", "disp"),
        TimelineItem(t + 2400, 14, 5, LANE_INCIDENT, iid, "clock", "acknowledge:overdue", "",
                     "system"),
        TimelineItem(t + 3000, 15, 6, LANE_UNIT, "U-police-1", "unit_status", "on_scene", "",
                     "gw"),
    )
    spans = (
        Span(LANE_INCIDENT, iid, t, t + 300, "reported"),
        Span(LANE_INCIDENT, iid, t + 300, t + 900, "registered"),
        Span(LANE_INCIDENT, iid, t + 900, None, "dispatched"),
        Span(LANE_DEPARTMENT, "police", t + 900, None, "lead"),
        Span(LANE_DEPARTMENT, "emergency", t + 1500, None, "assist"),
        Span(LANE_UNIT, "U-police-1", t + 900, t + 3000, "dispatched"),
        Span(LANE_UNIT, "U-police-1", t + 3000, None, "on_scene"),
    )
    deadlines = (Deadline("dispatch", t + 600, t, t + 900),
                 Deadline("acknowledge", t + 2100, t + 900, None),
                 Deadline("handle", t + 9000, t + 900, None))
    return IncidentTimeline(iid, t, t + 3600, items, spans, deadlines,
                            ("police", "emergency"), ("U-police-1",), None)


@pytest.fixture
def chart(qtbot: Any, catalogue: Any, demo_city: Any) -> Any:
    console = ConsoleModel(DispatchState(), catalogue, demo_city,
                           Actor("lead", Role.WALL), now=lambda: T0, language="zh")
    c = IncidentTimelineChart(console)
    qtbot.addWidget(c)
    c.resize(1100, 300)
    c.show()
    return c


def test_chart_lanes_markers_and_limits(chart: Any) -> None:
    c = chart
    tl = _timeline()
    c.show_timeline(tl)
    assert c.lanes == [(LANE_INCIDENT, "E000042"), (LANE_DEPARTMENT, "police"),
                       (LANE_DEPARTMENT, "emergency"), (LANE_UNIT, "U-police-1")]
    ticks = c.plot.getAxis("left")._tickLevels[0]
    names = [name for _y, name in ticks]
    assert names[1] == c.console.department_name("police")
    assert names[-1]
    pts = c.marker_positions()
    assert len(pts) == len(tl.items)
    assert pts[0][1] == 0
    assert pts[4][1] == -3
    bars = [i for i in c.plot.getPlotItem().items if isinstance(i, pg.BarGraphItem)]
    assert bars, "status bars are drawn"
    lines = [i for i in c.plot.getPlotItem().items if isinstance(i, pg.InfiniteLine)]
    assert sorted(ln.value() for ln in lines if ln is not c.instant_line) == \
        sorted(d.due for d in tl.deadlines)
    regions = [i for i in c.plot.getPlotItem().items if isinstance(i, pg.LinearRegionItem)]
    # dispatched 5 min after its limit; never acknowledged within the window
    assert sorted(tuple(r.getRegion()) for r in regions) == [
        (T0 + 600, T0 + 900), (T0 + 2100, T0 + 3600)]
    assert len(c.limit_tags) == 3


def test_chart_hover_click_and_cursor(chart: Any, qtbot: Any) -> None:
    c = chart
    c.show_timeline(_timeline())
    tip = c.tip_for(5)
    assert "2026-11-17 10:38:00" in tip
    assert "需要社区协调" in tip
    assert "#13" in tip
    assert "by disp" in tip or "disp" in tip
    assert c.describe(c.items[7]).endswith("overdue") or "超时" in c.describe(c.items[7])
    with qtbot.waitSignal(c.sig_marker_clicked) as got:
        c.click_marker(3)
    assert got.args == [3]
    c.set_instant(T0 + 1234)
    assert c.instant_line.value() == T0 + 1234
    c.plot.setXRange(T0, T0 + 60 * 60 * 24 * 30, padding=0)  # zoomed far out
    c._fit_labels()
    assert not any(label.isVisible() for label, _a, _b in c._span_labels)
    c.plot.setXRange(T0, T0 + 1000, padding=0)
    c._fit_labels()
    assert any(label.isVisible() for label, _a, _b in c._span_labels)
    c.show_timeline(None)
    assert c.items == []
    assert len(c.marker_positions()) == 0


def test_time_labels_fit_the_track() -> None:
    """Labels at whole local steps, never more than the track has room for: a window from the
    epoch (a whole store) gets dated weeks, not thousands of overlapping labels."""
    width, label_w = 1900.0, 80.0
    ticks = time_ticks(0.0, T0, width, label_w, TZ)
    assert 0 < len(ticks) <= width / label_w + 1
    steps = {round(b - a) for (a, _), (b, _) in itertools.pairwise(ticks)}
    assert len(steps) == 1
    assert steps.pop() % TICK_STEPS[-1] == 0
    assert all(len(label) == 10 and label.count("-") == 2 for _t, label in ticks)  # dated
    day = time_ticks(T0, T0 + 86400, width, label_w, TZ)
    assert 0 < len(day) <= width / label_w + 1
    assert all(":" in label or "-" in label for _t, label in day)
    assert all((t + 8 * 3600) % 3600 == 0 for t, _l in day)  # whole local hours
    assert time_ticks(T0, T0, width, label_w, TZ) == []
