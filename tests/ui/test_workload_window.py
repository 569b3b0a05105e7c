"""The shift lead's workload window: its table model (qtmodeltester), the read off the GUI
thread, sorting and picking an operator, and the console's Tools menu against a real server
(events by two operators, a refused command)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
from typing import Any

import pytest

import maps

maps.prepare_environment()

from PySide6.QtCore import Qt  # noqa: E402

from console.background import run_in_background  # noqa: E402
from dispatch.domain.errors import Forbidden  # noqa: E402
from dispatch.services.workload import HOUR_S, compute_workload  # noqa: E402
from tests.domain.test_workload import EVENTS, REFUSALS, T0  # noqa: E402
from tests.integration.conftest import server_factory  # noqa: E402, F401
from tests.ui.test_audit_window import consoles  # noqa: E402, F401
from tests.ui.test_widgets_i18n import chinese  # noqa: E402, F401
from widgets.workload_model import (  # noqa: E402
    OPERATOR_ROLE,
    RAW_ROLE,
    Column,
    WorkloadModel,
    sparkline,
)
from widgets.workload_window import WorkloadWindow  # noqa: E402

pytestmark = pytest.mark.ui
NOW = T0 + 2 * HOUR_S + 600


def workload(events: Any = EVENTS, refusals: Any = REFUSALS) -> Any:
    return compute_workload(events, refusals, since_ts=T0, now=NOW,
                            is_open=lambda iid: iid != "E3")


def test_model(qtmodeltester: Any) -> None:
    model = WorkloadModel()
    model.set_workload(workload(EVENTS[:3], []))
    qtmodeltester.check(model, force_py=True)  # checks now and after every change below
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["disp", "field-gw"]
    model.set_workload(workload())
    assert [model.index(r, 0).data(OPERATOR_ROLE) for r in range(model.rowCount())] == [
        "disp", "field-gw", "lead", "wall"]
    row = model.row_of("disp")
    assert row == 0
    assert model.index(row, Column.OPEN).data() == "1"
    assert model.index(row, Column.OPEN).data(RAW_ROLE) == 1
    assert model.index(row, Column.OPEN).data(Qt.ItemDataRole.ToolTipRole) == "E1"
    assert model.index(row, Column.ACTIONS).data(RAW_ROLE) == 5
    assert model.index(row, Column.REFUSALS).data() == "2"
    assert model.index(row, Column.PER_HOUR).data() == sparkline((4, 1, 0), 4) == "█▃▁"
    assert "4 actions" in model.index(row, Column.PER_HOUR).data(Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(Column.REFUSALS, Qt.Orientation.Horizontal) == "Refusals"
    model.set_workload(workload(EVENTS[5:8], []))  # operators gone are removed
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["disp", "lead"]
    model.clear()
    assert model.rowCount() == 0


class FakeSource:
    def __init__(self) -> None:
        self.asked: list[float] = []
        self.threads: list[str] = []
        self.refuse = False

    def __call__(self, since: float) -> Any:
        self.asked.append(since)
        self.threads.append(threading.current_thread().name)
        if self.refuse:
            raise Forbidden("disp (dispatcher) may not read the audit trail")
        return EVENTS, REFUSALS


def test_window_reads_off_the_gui_thread_sorts_and_lists_held(qtbot: Any) -> None:
    fake = FakeSource()
    shown: list[str] = []
    w = WorkloadWindow(fake, run_in_background, now=lambda: NOW, open_ids=lambda: ["E1", "E2"],
                       show_incident=shown.append)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000) as sig:
        w.refresh()
    assert sig.args == [4]
    assert fake.threads[-1] != threading.current_thread().name
    assert fake.asked[-1] == w.since_ts()
    assert "Updated" in w.status.text()
    assert "4 operators" in w.status.text()
    # sorted by held incidents, most first, then by actions when asked
    w.view.sortByColumn(Column.ACTIONS, Qt.SortOrder.DescendingOrder)
    assert [w.proxy.index(r, 0).data() for r in range(3)] == ["disp", "field-gw", "lead"]
    assert w.pick("disp")
    assert w.picked_operator() == "disp"
    assert [w.held.item(i).text() for i in range(w.held.count())] == ["E1"]
    w.held.itemActivated.emit(w.held.item(0))
    assert shown == ["E1"]
    # the pick survives a refresh
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000):
        w.refresh()
    assert w.picked_operator() == "disp"
    fake.refuse = True
    with qtbot.waitSignal(w.sig_failed, timeout=10_000):
        w.refresh()
    assert "may not read" in w.status.text()
    assert w.refresh_button.isEnabled()
    assert w.model.rowCount() == 4  # the last figures stay


def test_the_console_shows_a_lead_the_workload(consoles: Any, qtbot: Any) -> None:  # noqa: F811
    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.domain import commands as cmd

    disp_window = consoles("disp")
    assert disp_window.workload_action is None  # a dispatcher has no Tools menu
    lead = consoles("lead")
    srv = consoles.server.server
    city, catalogue = srv.engine.city, srv.engine.catalogue
    with CommandClient(consoles.server.endpoints.command) as disp:
        login = disp.login("disp", DEMO_PASSWORDS["disp"], "坐席-03")
        grid = sorted(r.code for r in city.grids() if r.code.startswith(login.scope))[0]
        p = city.regions[grid].geometry.representative_point()
        klass = next(iter(catalogue.minors))
        ids = [str(disp.execute(cmd.ReportIncident("hotline", klass, p.x, p.y, text))
                   .result["incident_id"]) for text in ("路灯不亮", "井盖缺失")]
        disp.execute(cmd.AddNote(ids[0], "已电话联系市民"))
        with pytest.raises(Forbidden):
            disp.execute(cmd.Park(ids[1], "等待配件"))  # dispatchers may not park: refused
    qtbot.waitUntil(lambda: all(lead.console.incident(i) is not None for i in ids),
                    timeout=15_000)
    assert lead.workload_action is not None
    lead.workload_action.trigger()
    w = lead.workload_window
    assert w is not None
    assert w.isVisible()
    qtbot.waitUntil(lambda: w.workload is not None and "disp" in w.workload.operators,
                    timeout=15_000)
    load = w.workload.operators["disp"]
    assert sorted(load.held) == sorted(ids)
    assert load.actions >= 3
    assert load.last_hour == load.actions
    assert load.refusals == 1
    assert load.workstations == ("坐席-03",)
    assert lead.open_workload() is w  # one window per console
    assert w.pick("disp")
    first = w.held.item(0)
    iid = first.data(Qt.ItemDataRole.UserRole)
    assert iid in ids
    inc = lead.console.incident(iid)
    assert inc is not None
    assert first.text() == f"{iid}  {lead.console.class_name(inc.class_code)}"
    w.held.itemActivated.emit(first)
    assert lead.console.selected_incident == iid


def test_in_chinese(chinese: Any, qtbot: Any) -> None:  # noqa: F811
    w = WorkloadWindow(FakeSource(), run_in_background, now=lambda: NOW,
                       open_ids=lambda: ["E1"])
    qtbot.addWidget(w)
    assert w.windowTitle() == "工作量"
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000):
        w.refresh()
    m = w.model
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "操作员", "工作站", "在办事件", "近一小时操作", "本班操作", "每小时", "被拒请求", "最近操作"]
    assert "4 名操作员" in w.status.text()
    assert w.pick("disp")
    assert w.held_label.text() == "disp 的在办事件：1 起"
