"""The replay window against a recorded scenario: every panel shows the state the engine had at
the scrubber's instant (seeks both ways, steps, playback), nothing is ever sent, the selected
incident's timeline, tracks and event ticks follow the selection, bookmarks, reports."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt

from console.map_sync import LEVEL_PREFIX
from dispatch.domain import commands as cmd
from dispatch.domain.kpi import GroupBy, compute_kpis
from dispatch.domain.timelimits import is_overdue
from dispatch.services.replay import Replayer
from dispatch.services.report.csv_file import read_csv
from tests.conftest import ARTIFACTS
from tests.domain.replay_scenario import Recorded, recorded_fixture
from tests.ui.conftest import MAP_READY_TIMEOUT_MS
from tests.ui.pictures import assert_shows_something

pytestmark = pytest.mark.ui


recorded = recorded_fixture("replay-ui", steps=1000, seed=31)


@pytest.fixture
def window(qtbot: Any, recorded: Recorded, catalogue: Any, demo_city: Any) -> Iterator[Any]:
    from console.replay_window import ReplayWindow

    events = list(recorded.store.read())
    r = Replayer.from_store(recorded.store, since_ts=events[450].ts, max_checkpoints=10,
                            min_spacing=32)
    r.prepare()
    w = ReplayWindow(r, catalogue, demo_city, source="test", language="zh")
    w.resize(1600, 1000)
    w.show()
    qtbot.waitUntil(lambda: w.map.is_ready, timeout=MAP_READY_TIMEOUT_MS)
    yield w
    w.close()
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _live_at(recorded: Recorded, seq: int) -> Any:
    return recorded.live[max(s for s in recorded.live if s <= seq)]


def _assert_panels_show(w: Any, recorded: Recorded) -> None:
    seq = w.replayer.seq_at(w.position)
    live = _live_at(recorded, seq)
    if seq in recorded.live:
        assert w.console.state == live
    st = w.console.state
    # queue: every open incident is a row the filter shows (open only is on by default)
    shown = {w.queue.table.id_at(w.queue.proxy.mapToSource(w.queue.proxy.index(r, 0)).row())
             for r in range(w.queue.proxy.rowCount())}
    assert shown == {i.id for i in st.incidents.values() if i.is_open}
    # unit board: the summary counts the state's units
    w.units.refresh_summary()
    engaged = sum(1 for u in st.units.values() if u.incident_id)
    assert f"{len(st.units)}" in w.units.summary.text()
    assert f"{engaged}" in w.units.summary.text()
    # KPI strip: today's figures at the replay's instant
    w.kpis.refresh()
    assert w.kpis.kpi == compute_kpis(st, w.kpis.day_start(), w.now() + 1.0,
                                      GroupBy.CITY).get("", w.kpis.kpi)
    # map: one marker per unit where the state has it, open incidents with their halo
    units = w.map.unit_rows()
    assert set(units) == set(st.units)
    u = next(iter(st.units.values()))
    assert units[u.id][1:] == (u.lat, u.lon, u.status.value)
    incs = w.map.incident_rows()
    assert set(incs) == {i.id for i in st.incidents.values() if i.is_open}
    for iid, row in incs.items():
        assert row[4] == is_overdue(st.incidents[iid], w.now())


def _assert_shading_shows(w: Any) -> None:
    """The regions are shaded by the open incidents at the instant shown (a jump redraws the
    shading at once; playing on, the map's clock tick does every two seconds)."""
    cut = LEVEL_PREFIX[w.map_sync.level]
    want = Counter(i.grid[:cut] for i in w.state.incidents.values() if i.is_open)
    values, mode = w.map.choropleth
    assert mode == "open"
    assert values == {code: float(n) for code, n in want.items()}


def test_seeks_steps_and_playback_show_the_recorded_state(window: Any,
                                                          recorded: Recorded) -> None:
    w, r = window, window.replayer
    _assert_panels_show(w, recorded)
    rng = random.Random(2)
    seqs = [s for s in recorded.live if r.base.seq < s <= r.seq_at(len(r))]
    for seq in rng.sample(seqs, 12):  # both ways, near and far
        w.scrubber.set_position(r.position_of_seq(seq), emit=True)
        assert w.position == r.position_of_seq(seq)
        _assert_panels_show(w, recorded)
    for _ in range(5):  # single steps, then back
        w.scrubber.step(1)
    _assert_panels_show(w, recorded)
    w.scrubber.step(-1)
    w.scrubber.step(-1)
    _assert_panels_show(w, recorded)
    # playback: frames of 40 ms at 256×
    w.scrubber.set_position(0, emit=True)
    w.scrubber.set_speed(256)
    start = w.instant
    for _ in range(30):
        w.scrubber.advance(0.04)
    assert w.instant == pytest.approx(start + 30 * 0.04 * 256)
    assert w.position == r.position_at(w.instant)
    _assert_panels_show(w, recorded)
    assert w.now() == w.instant


def test_replay_never_sends_commands(window: Any, recorded: Recorded, qtbot: Any) -> None:
    w = window
    w.scrubber.set_position(len(w.replayer) // 2, emit=True)
    iid = next(i.id for i in w.console.state.incidents.values() if i.is_open)
    w.console.select_incident(iid, "test")
    assert w.console.available_actions(iid) == frozenset()
    assert w.detail.visible_actions() == []
    before = recorded.store.last_seq()
    with qtbot.waitSignal(w.console.sig_command_finished) as got:
        ctx = w.console.request(cmd.AddNote(iid, "回放中不应发送"))
    context, ok, message = got.args
    assert context == ctx
    assert ok is False
    assert "read-only" in message
    assert w.refused == 1
    assert not w.console.pending
    assert recorded.store.last_seq() == before


def test_selection_draws_timeline_ticks_and_tracks(window: Any, recorded: Recorded,
                                                   qtbot: Any, map_js: Any) -> None:
    w, r = window, window.replayer
    events = list(recorded.store.read())
    in_window = {e.incident_id for e in events if e.seq > r.base.seq and e.incident_id}
    iid = next(e.incident_id for e in events if e.kind == "incident.dispatched"
               and e.seq > r.base.seq and e.incident_id in in_window)
    positions = r.incident_positions(iid)
    w.scrubber.set_position(positions[-1], emit=True)
    w.console.select_incident(iid, "queue")
    assert w.timeline is not None
    assert w.timeline.incident_id == iid
    assert w.chart.timeline is w.timeline
    assert len(w.chart.items) == len(w.timeline.items)
    assert w.scrubber.incident_positions == positions
    # Jumps go through the incident's events.
    w.scrubber.set_position(0, emit=True)
    w.scrubber.jump_incident(1)
    assert w.position == positions[0]
    w.scrubber.jump_incident(1)
    assert w.position == positions[1] if len(positions) > 1 else positions[0]
    # Its units' paths are on the map.
    assert set(w.map.tracks) == set(w.timeline.units)
    qtbot.waitUntil(lambda: set(map_js(w.map, "GL.trackInfo()")) == set(w.timeline.units),
                    timeout=10_000)
    # A click on a marker goes to its event.
    idx = next(i for i, it in enumerate(w.chart.items) if it.position)
    w.chart.click_marker(idx)
    assert w.position == w.chart.items[idx].position
    # A unit picked on the board: its own path only.
    uid = w.timeline.units[0]
    w.units.sig_unit_selected.emit(uid)
    assert set(w.map.tracks) == {uid}
    w.tracks_action.setChecked(False)
    assert w.map.tracks == {}
    w.console.select_incident("", "test")
    assert w.chart.timeline is None
    assert w.scrubber.incident_positions == []


def test_city_fitted_and_board_filter_on_the_map(window: Any, qtbot: Any, map_js: Any) -> None:
    w = window
    fitted = ("GL.map.getBounds().contains(GL._regionBounds)"
              " && GL.map.getBoundsZoom(GL._regionBounds) - GL.map.getZoom() < 1")
    qtbot.waitUntil(lambda: map_js(w.map, fitted), timeout=5_000)
    w.units.department.setCurrentIndex(w.units.department.findData("police"))
    others = {uid for uid, u in w.console.state.units.items() if u.department != "police"}
    assert others
    w.map.flush()
    assert set(map_js(w.map, "(function () { var out = []; GL._units.forEach(function (m, id)"
                             " { if (m._glHidden) out.push(id); }); return out; })()")) == others


def test_bookmarks_with_notes(window: Any, qtbot: Any) -> None:
    w = window
    w.activateWindow()
    w.scrubber.set_position(40, emit=True)
    w.scrubber.actions_by_key()["bookmark"].trigger()  # Ctrl+B
    assert len(w.scrubber.bookmarks) == 1
    assert w.bookmarks.rowCount() == 1
    w.bookmarks.item(0, 1).setText("交接：E000012 超时原因待查")
    assert w.scrubber.bookmarks[0].note == "交接：E000012 超时原因待查"
    assert w.scrubber.bookmarks[0].position == 40
    w.scrubber.set_position(len(w.replayer), emit=True)
    w.bookmarks.cellDoubleClicked.emit(0, 0)  # on the time
    assert w.position == 40


def test_reports_from_the_window(window: Any, tmp_path: Path) -> None:
    w = window
    w.scrubber.set_position(10, emit=True)
    w.scrubber.add_bookmark("开始巡查")
    csv_path = w.export_report(tmp_path / "shift.csv")
    got = read_csv(csv_path)
    assert int(got["window"][7]["value"]) == len(w.replayer)
    assert [b["note"] for b in got["bookmarks"]] == ["开始巡查"]
    pdf = w.export_report(tmp_path / "shift.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    with pytest.raises(ValueError, match="pdf or csv"):
        w.export_report(tmp_path / "shift.txt")


def test_keyboard(window: Any, qtbot: Any) -> None:
    w = window
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    w.scrubber.set_position(5, emit=True)
    w.map.clearFocus()
    w.scrubber.setFocus()
    qtbot.keyClick(w.scrubber, Qt.Key.Key_Right)
    assert w.position == 6
    qtbot.keyClick(w.scrubber, Qt.Key.Key_Left)
    qtbot.keyClick(w.scrubber, Qt.Key.Key_Left)
    assert w.position == 4
    qtbot.keyClick(w.scrubber, Qt.Key.Key_Space)
    assert w.scrubber.playing
    qtbot.keyClick(w.scrubber, Qt.Key.Key_Space)
    assert not w.scrubber.playing
    qtbot.keyClick(w.scrubber, Qt.Key.Key_End)
    assert w.position == len(w.replayer)
    qtbot.keyClick(w.scrubber, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert len(w.scrubber.bookmarks) == 1


def test_screenshot(window: Any, recorded: Recorded, qtbot: Any, map_js: Any) -> None:
    """Render the window offscreen for a person to look at (tests/artifacts): the picture is
    not blank, and what it shows is the instant on the scrubber with its selected incident."""
    w = window
    w.showcase()
    selected = w.console.selected_incident
    assert selected
    inc = w.state.incidents[selected]
    assert inc.is_open
    assert inc.units
    w.map.flush()
    qtbot.waitUntil(lambda: map_js(w.map, "GL.counts()")["selected"] == f"incident:{selected}",
                    timeout=MAP_READY_TIMEOUT_MS)
    counts = map_js(w.map, "GL.counts()")
    assert counts["units"] == len(w.state.units)
    assert counts["incidents"] == sum(1 for i in w.state.incidents.values() if i.is_open)
    _assert_panels_show(w, recorded)
    assert w.detail.id_label.text() == selected
    assert w.queue.selected_id() == selected
    assert w.chart.timeline is not None
    assert w.chart.timeline.incident_id == selected
    assert len(w.chart.items) >= 3  # reported, dispatched, … on the incident's lanes
    assert w.console.city.name in w.windowTitle()
    image = w.grab().toImage()
    assert (image.width(), image.height()) == (w.width(), w.height()) == (1600, 1000)
    assert_shows_something(image, colours=1000, dominant=0.6, spread=20)
    assert_shows_something(w.queue.view.viewport().grab().toImage(), colours=300,
                           dominant=0.8, spread=10)
    chart = w.chart.grab().toImage()
    assert_shows_something(chart, colours=50, dominant=0.95, spread=5)
    ARTIFACTS.mkdir(exist_ok=True)
    assert image.save(str(ARTIFACTS / "replay.png"))
    assert chart.save(str(ARTIFACTS / "replay_timeline.png"))


@pytest.mark.parametrize("map_columns", [False, True], ids=["map rows", "map columns"])
def test_jumps_update_every_view_row_by_row(window: Any, recorded: Recorded, monkeypatch: Any,
                                            map_columns: bool) -> None:
    """Jumps tell the views what differs; nothing is reset, the queue keeps rows only for the
    incidents at the instant shown, and the collector runs again afterwards. The map gets the
    units as rows (a few changed) or as columns of every unit (a city's jump)."""
    import gc

    import console.map_sync

    monkeypatch.setattr(console.map_sync, "COLUMNS_FROM", 1 if map_columns else 10**9)
    w, r = window, window.replayer
    resets: list[str] = []
    w.console.sig_reset.connect(lambda: resets.append("console"))
    w.queue.proxy.modelReset.connect(lambda: resets.append("queue"))
    w.units.model.modelReset.connect(lambda: resets.append("units"))
    for p in (len(r), 3, len(r) // 2, len(r) - 1, 0):
        w.scrubber.set_position(p, emit=True)
        assert w.queue.table.rowCount() == len(w.state.incidents)
        _assert_panels_show(w, recorded)
        _assert_shading_shows(w)
        assert gc.isenabled()
    assert resets == []


def test_a_jump_forward_plays_on_when_cheaper(qtbot: Any, recorded: Recorded, catalogue: Any,
                                              demo_city: Any) -> None:
    """In a sparse window (few checkpoints, far apart), a jump forward applies the events in
    between to the state shown rather than rebuild it; every panel still shows the instant."""
    from console.replay_window import ReplayWindow

    events = list(recorded.store.read())
    r = Replayer.from_store(recorded.store, since_ts=events[450].ts, max_checkpoints=2,
                            min_spacing=8, max_spacing=16, snapshot_cost=10**9)
    assert r.sparse
    w = ReplayWindow(r, catalogue, demo_city, source="test", language="zh")
    w.resize(1200, 800)
    w.show()
    qtbot.waitUntil(lambda: w.map.is_ready, timeout=MAP_READY_TIMEOUT_MS)
    try:
        w.scrubber.set_position(len(r) // 3, emit=True)
        state = w.state
        target = w.position + 3 * r.spacing  # more than a playback step
        assert target - w.position < r.rebuild_cost(target)
        w.scrubber.set_position(target, emit=True)
        assert w.position == target
        assert w.state is state
        _assert_panels_show(w, recorded)
        w.scrubber.set_position(len(r) // 4, emit=True)  # back: rebuilt
        assert w.state is not state
        _assert_panels_show(w, recorded)
    finally:
        w.close()
        w.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_replay_of_one_incident_opens_on_it(qtbot: Any, recorded: Recorded, catalogue: Any,
                                            demo_city: Any) -> None:
    """``--replay --incident ID``: the window opens with the incident selected in every panel,
    in the queue even once closed, its timeline drawn."""
    from console.replay_window import ReplayWindow

    events = list(recorded.store.read())
    iid = next(e.incident_id for e in events if e.kind == "incident.closed" and e.incident_id)
    r = Replayer.from_store(recorded.store, incident_id=iid, max_checkpoints=10, min_spacing=32)
    r.prepare()
    w = ReplayWindow(r, catalogue, demo_city, source="test", language="en")
    try:
        w.resize(1600, 1000)
        w.show()
        qtbot.waitUntil(lambda: w.map.is_ready, timeout=MAP_READY_TIMEOUT_MS)
        assert w.focus_incident(iid)
        assert w.console.selected_incident == iid
        assert w.detail.incident_id == iid
        assert w.queue.selected_id() == iid
        assert w.timeline is not None
        assert w.timeline.incident_id == iid
        assert w.chart.timeline.incident_id == iid
        assert len(w.chart.items) >= 3
        assert w.scrubber.incident_positions == r.incident_positions(iid)
        # at its end, closed: still the selected row of the queue
        w.scrubber.set_position(len(r), emit=True)
        assert not w.state.incidents[iid].is_open
        assert w.queue.selected_id() == iid
        assert not w.queue.open_only.isChecked()
        assert not w.focus_incident("E999999")
        assert w.console.selected_incident == iid  # unknown: the window as it was
    finally:
        w.close()
        w.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
