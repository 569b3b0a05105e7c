"""吹哨报到 at the console: the shift lead blows the whistle from the detail panel's form, the
queue's Whistle column and the detail panel's table show each department's arrival clock
ticking, then late; the Report arrival… form records a department on site; the wall lists the
open whistle with the late department (pytest-qt, offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt

from dispatch.domain import commands as cmd
from dispatch.services.replay import LANE_DEPARTMENT, LANE_INCIDENT, TimelineItem
from tests.conftest import T0
from tests.domain.helpers import LEAD
from tests.ui.test_widgets_i18n import chinese  # noqa: F401  (the fixture)
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import shown
from widgets.action_forms.whistle import ArrivalForm, WhistleForm
from widgets.actions import ConsoleActions
from widgets.detail_panel import IncidentDetail
from widgets.incident_cells import Column
from widgets.incident_timeline import IncidentTimelineChart
from widgets.queue_panel import QueuePanel
from widgets.wall_whistles import WhistleList, open_whistles

pytestmark = pytest.mark.ui
MIN = 60.0


def test_whistle_clock_on_queue_and_detail(console: Any, shell: Any, busy_engine: Any,
                                           clock: Any, qtbot: Any) -> None:
    iid = busy_engine.populated["dispatched"][0]
    inc = busy_engine.state.incidents[iid]
    a, b = [d for d in sorted(busy_engine.catalogue.departments) if d not in inc.departments][:2]
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    q = shown(QueuePanel(console, ConsoleActions(console)), qtbot, 1600, 700)
    console.select_incident(iid, "test")
    assert {"whistle"} <= set(d.visible_actions())
    assert "report_arrival" not in d.visible_actions()  # nobody summoned yet
    assert not d.summons.isVisible()

    d.perform("whistle")
    form = d.form
    assert isinstance(form, WhistleForm)
    form.reason.setText("占道经营引发冲突")
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)  # no department checked: the form says so
    assert not shell.requests
    form.set_checked({a, b})
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    assert shell.requests[-1][0] == cmd.Whistle(iid, (a, b), "占道经营引发冲突")

    def cell() -> str:
        for r in range(q.proxy.rowCount()):
            if q.proxy.id_at(r) == iid:
                return str(q.proxy.index(r, Column.WHISTLE).data())
        return ""

    qtbot.waitUntil(lambda: cell() == "0/2 on site · 30:00")
    qtbot.waitUntil(lambda: d.summons.isVisible())
    rows = d.summons.row_texts()
    assert [r[0] for r in rows] == [console.department_name(a), console.department_name(b)]
    assert all(r[3] == "30:00 left" for r in rows)
    assert "blew the whistle" in d.whistle_line.text()
    assert "占道经营引发冲突" in d.whistle_line.text()

    clock.advance(10 * MIN)
    q.table.tick()  # the queue's per-second refresh
    assert cell() == "0/2 on site · 20:00"

    # the first department reports on site in time, from the form
    d.perform("report_arrival")
    arrival = d.form
    assert isinstance(arrival, ArrivalForm)
    assert arrival.department.count() == 2
    arrival.note.setText("已到场")
    qtbot.keyClick(arrival.note, Qt.Key.Key_Return)
    assert shell.requests[-1][0] == cmd.ReportArrival(iid, a, "已到场")
    qtbot.waitUntil(lambda: cell() == "1/2 on site · 20:00")

    # the second's due passes: late, in red, on the queue, in the detail panel and the wall
    clock.advance(25 * MIN)
    q.table.tick()
    assert cell() == "1/2 on site · 1 late"
    d._update_clock()
    rows = d.summons.row_texts()
    assert rows[0][3] == "On site in time"
    assert rows[1][3] == "05:00 late"
    wall = shown(WhistleList(console), qtbot, 900, 300)
    found = open_whistles(console.state, console.now())
    assert [(i.id, n) for i, n in found] == [(iid, 1)]
    wall.show_whistles(found)
    assert wall.rows[0][2].text == "1/2"
    assert wall.rows[0][3].text == console.department_name(b)
    # sortable: late whistles first
    q.proxy.sort(Column.WHISTLE, Qt.SortOrder.AscendingOrder)
    assert q.proxy.id_at(0) == iid


def timeline_items() -> list[TimelineItem]:
    return [TimelineItem(T0, 1, 0, LANE_INCIDENT, "E000001", "whistled", "street", "占道经营"),
            TimelineItem(T0, 1, 0, LANE_DEPARTMENT, "police", "summoned", "", "占道经营"),
            TimelineItem(T0, 2, 1, LANE_DEPARTMENT, "police", "arrived", "on_time"),
            TimelineItem(T0, 3, 2, LANE_DEPARTMENT, "fire", "arrived", "late")]


def test_timeline_reads_the_whistle_as_sentences(console: Any, qtbot: Any) -> None:
    chart = IncidentTimelineChart(console)
    qtbot.addWidget(chart)
    assert [chart.describe(it) for it in timeline_items()] == [
        "The street blew the whistle", "Summoned to report on site",
        "Reported on site in time", "Reported on site late"]


@pytest.mark.usefixtures("chinese")
def test_whistle_in_chinese(console: Any, shell: Any, busy_engine: Any, qtbot: Any) -> None:
    chart = IncidentTimelineChart(console)
    qtbot.addWidget(chart)
    assert [chart.describe(it) for it in timeline_items()] == [
        "街道吹哨召集部门", "被吹哨召集，须到场报到", "按时到场报到", "超时到场报到（迟到）"]
    iid = busy_engine.populated["dispatched"][0]
    inc = busy_engine.state.incidents[iid]
    a, b = [d for d in sorted(busy_engine.catalogue.departments) if d not in inc.departments][:2]
    busy_engine.execute(cmd.Whistle(iid, (a, b), "街道吹哨"), LEAD)
    console.apply_changes(*busy_engine.state.take_changes())
    q = shown(QueuePanel(console, ConsoleActions(console)), qtbot, 1600, 700)
    assert q.proxy.headerData(Column.WHISTLE, Qt.Orientation.Horizontal) == "吹哨报到"
    row = next(r for r in range(q.proxy.rowCount()) if q.proxy.id_at(r) == iid)
    assert q.proxy.index(row, Column.WHISTLE).data() == "已报到 0/2 · 30:00"
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    console.select_incident(iid, "test")
    assert d.summons.row_texts()[0][3] == "剩余 30:00"
    assert "街道" in d.whistle_line.text()
    assert "吹哨" in d.whistle_line.text()
