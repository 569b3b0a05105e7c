"""The citizen's loop at the console: the Call-back… and Urge… forms of the detail panel, the
queue's urge badge (sortable) and its "awaiting call-back" filter (pytest-qt, offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import Qt

from dispatch.domain import commands as cmd
from dispatch.domain.status import IncidentStatus
from tests.domain.helpers import DISPATCHER, FIELD
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import report_at, shown
from widgets.action_forms.callback import CallbackForm, UrgeForm
from widgets.actions import ConsoleActions
from widgets.detail_panel import IncidentDetail
from widgets.incident_cells import Column
from widgets.queue_panel import QueuePanel

pytestmark = pytest.mark.ui
S = IncidentStatus


def closed_hotline_case(engine: Any, console: Any, index: int = 3) -> str:
    code = next(m.code for m in engine.catalogue.minors.values()
                if any(u.department == m.lead_department for u in engine.state.units.values()))
    iid = report_at(engine, index, code, source="hotline")
    engine.execute(cmd.AssignUnits(iid), DISPATCHER)
    for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已处置"),
              cmd.Verify(iid, True, "已核实")):
        engine.execute(c, FIELD)
    engine.execute(cmd.CloseIncident(iid, "fixed"), DISPATCHER)
    console.apply_changes(*engine.state.take_changes())
    return iid


def test_callback_form_reopens_an_unsatisfied_case(console: Any, shell: Any, busy_engine: Any,
                                                   qtbot: Any) -> None:
    iid = closed_hotline_case(busy_engine, console)
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    console.select_incident(iid, "test")
    loop = d.fields["citizen"]
    assert loop.isVisibleTo(d)
    assert loop.text().startswith("call back by ")  # the call-back is due
    assert {"callback"} <= set(d.visible_actions())
    assert "urge" not in d.visible_actions()  # closed: no repeat calls
    d.perform("callback")
    form = d.form
    assert isinstance(form, CallbackForm)
    assert not form.reopen.isEnabled()
    assert not form.reason.isEnabled()
    form.buttons["satisfied"].setChecked(True)
    assert not form.reopen.isEnabled()
    form.buttons["unsatisfied"].setChecked(True)
    assert form.reopen.isEnabled()
    assert not form.reason.isEnabled()
    form.reopen.setChecked(True)
    assert form.reason.isEnabled()
    form.note.setText("油烟仍然很大")
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)  # no reason yet: the form says so
    assert not shell.requests
    assert d.form is form
    form.reason.setText("净化器未安装，重办")
    qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    assert shell.requests[-1][0] == cmd.Callback(iid, "unsatisfied", "油烟仍然很大", True,
                                                 "净化器未安装，重办")
    inc = busy_engine.state.incidents[iid]
    assert (inc.status, inc.reopen_count) == (S.DISPATCHED, 1)
    qtbot.waitUntil(lambda: console.incident(iid) is not None
                    and console.incident(iid).status == S.DISPATCHED)
    # the detail panel says what the citizen answered and that it was reopened
    qtbot.waitUntil(lambda: "reopened 1× after call-back" in d.fields["citizen"].text())
    assert "unsatisfied" in d.fields["citizen"].text().lower()
    # back to unsatisfied → satisfied: reopen unticks and goes grey again
    closed2 = closed_hotline_case(busy_engine, console, index=5)
    console.select_incident(closed2, "test")
    d.perform("callback")
    f2 = d.form
    assert isinstance(f2, CallbackForm)
    f2.buttons["unsatisfied"].setChecked(True)
    f2.reopen.setChecked(True)
    f2.buttons["basically_satisfied"].setChecked(True)
    assert not f2.reopen.isChecked()
    assert not f2.reopen.isEnabled()
    assert not f2.reason.isEnabled()


def test_urge_form_counts_and_the_queue_shows_the_badge(console: Any, shell: Any,
                                                        busy_engine: Any, qtbot: Any) -> None:
    iid = busy_engine.populated["dispatched"][0]
    d = shown(IncidentDetail(console, ConsoleActions(console)), qtbot, 560, 1000)
    q = shown(QueuePanel(console, ConsoleActions(console)), qtbot, 1400, 700)
    console.select_incident(iid, "test")
    assert not d.fields["citizen"].isVisibleTo(d)  # nothing to say yet
    for n, text in ((1, "市民再次来电"), (2, "第三次来电")):
        d.perform("urge")
        form = d.form
        assert isinstance(form, UrgeForm)
        form.note.setText(text)
        qtbot.keyClick(form.note, Qt.Key.Key_Return)
        assert shell.requests[-1][0] == cmd.Urge(iid, text, "")
        assert busy_engine.state.incidents[iid].urges == n
        qtbot.waitUntil(lambda n=n: d.fields["citizen"].text().startswith(f"urged {n}×"))

    def badge() -> str:
        for r in range(q.proxy.rowCount()):
            if q.proxy.id_at(r) == iid:
                return str(q.proxy.index(r, Column.URGES).data())
        return ""

    qtbot.waitUntil(lambda: badge() == "Urged ×2")
    # sortable: descending by urges puts it first
    q.proxy.sort(Column.URGES, Qt.SortOrder.DescendingOrder)
    assert q.proxy.id_at(0) == iid


def test_awaiting_callback_filter(console: Any, shell: Any, busy_engine: Any, qtbot: Any
                                  ) -> None:
    waiting = closed_hotline_case(busy_engine, console)
    done = closed_hotline_case(busy_engine, console, index=6)
    busy_engine.execute(cmd.Callback(done, "satisfied"), DISPATCHER)
    console.apply_changes(*busy_engine.state.take_changes())
    q = shown(QueuePanel(console, ConsoleActions(console)), qtbot, 1400, 700)
    assert waiting not in {q.proxy.id_at(r) for r in range(q.proxy.rowCount())}  # open only
    q.callback.setChecked(True)
    assert [q.proxy.id_at(r) for r in range(q.proxy.rowCount())] == [waiting]
    text = str(q.proxy.index(0, Column.CALLBACK).data())
    assert text.startswith("Call back by ")
    q.clear.click()
    assert not q.callback.isChecked()
    assert waiting not in {q.proxy.id_at(r) for r in range(q.proxy.rowCount())}
