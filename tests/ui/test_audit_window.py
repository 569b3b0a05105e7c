"""The audit trail window: its table model (qtmodeltester), filters → query → rows off the GUI
thread, the CSV export read back (Chinese included), and the console's Tools menu against a
real server: shown to a shift lead, absent for a dispatcher."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv
import gc
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import maps

maps.prepare_environment()

from PySide6.QtCore import QDateTime, Qt  # noqa: E402

from console.background import run_in_background  # noqa: E402
from dispatch.adapters.client import CommandClient  # noqa: E402
from dispatch.adapters.client.commands import AuditRead  # noqa: E402
from dispatch.adapters.security.operators import DEMO_PASSWORDS  # noqa: E402
from dispatch.domain.errors import Forbidden  # noqa: E402
from tests.integration.conftest import server_factory  # noqa: E402, F401
from tests.ui.test_widgets_i18n import chinese  # noqa: E402, F401
from widgets.audit_model import ID_ROLE, RAW_ROLE, AuditTableModel, Column  # noqa: E402
from widgets.audit_window import AuditWindow  # noqa: E402

pytestmark = pytest.mark.ui
T0 = 1_794_881_580.0  # 2026-11-17 10:13 Beijing time

LINES: list[dict[str, Any]] = [
    {"id": 1, "ts": T0, "operator": "lead", "workstation": "ws-01", "action": "login",
     "incident_id": None, "detail": '{"role": "shift_lead", "scope": ""}'},
    {"id": 2, "ts": T0 + 60, "operator": "disp", "workstation": "ws-02",
     "action": "login_failed", "incident_id": None, "detail": ""},
    {"id": 3, "ts": T0 + 120, "operator": "lead", "workstation": "ws-01", "action": "note",
     "incident_id": "E000007", "detail": '{"text": "市民反映井盖缺失，已派城管"}'},
    {"id": 4, "ts": T0 + 180, "operator": "lead", "workstation": "ws-01", "action": "query",
     "incident_id": None, "detail": '{"args": {"incident_id": "E000007"}, "type": "recommend"}'},
]


class FakeAudit:
    """Stands in for the server: filters :data:`LINES` as the ``audit`` query does, in
    another thread, and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[dict[str, Any]] = []
        self.threads: list[str] = []
        self.refuse = False

    def __call__(self, filters: dict[str, Any]) -> AuditRead:
        self.asked.append(dict(filters))
        self.threads.append(threading.current_thread().name)
        if self.refuse:
            raise Forbidden("disp (dispatcher) may not read the audit trail")
        rows = [r for r in LINES
                if all(r[k] == filters[k] for k in ("operator", "workstation", "action")
                       if k in filters)
                and ("incident_id" not in filters or filters["incident_id"] in
                     f'{r["incident_id"]} {r["detail"]}')
                and r["ts"] >= filters.get("since_ts", 0)
                and r["ts"] <= filters.get("until_ts", 1e12)]
        return AuditRead(rows, False, 4)


@pytest.fixture
def window(qtbot: Any) -> tuple[AuditWindow, FakeAudit]:
    fake = FakeAudit()
    w = AuditWindow(fake, run_in_background)
    qtbot.addWidget(w)
    w.resize(1200, 600)
    w.show()
    return w, fake


def wait_loaded(qtbot: Any, w: AuditWindow) -> None:
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000):
        w.refresh()


def test_model(qtmodeltester: Any) -> None:
    model = AuditTableModel()
    model.set_rows(LINES[:2])
    qtmodeltester.check(model, force_py=True)  # checks now and after every change below
    model.set_rows(LINES)
    assert model.rowCount() == 4
    assert model.columnCount() == len(Column)
    # newest first, rows by id
    assert [model.index(r, 0).data(ID_ROLE) for r in range(4)] == [4, 3, 2, 1]
    assert model.row_of(3) == 1
    row = model.row_of(3)
    assert row is not None
    assert model.index(row, Column.INCIDENT).data() == "E000007"
    assert model.index(row, Column.DETAIL).data() == LINES[2]["detail"]
    assert model.index(row, Column.TIME).data(RAW_ROLE) == T0 + 120
    assert model.index(row, Column.TIME).data() == QDateTime.fromSecsSinceEpoch(
        int(T0 + 120)).toString("yyyy-MM-dd HH:mm:ss")
    failed = model.row_of(2)
    assert failed is not None
    assert model.index(failed, Column.ACTION).data() == "Failed login"
    assert model.index(failed, Column.ACTION).data(RAW_ROLE) == "login_failed"
    assert model.index(failed, Column.INCIDENT).data() == ""
    # an action the console does not know shows its code
    assert model.index(row, Column.ACTION).data() == "note"
    assert model.headerData(Column.WORKSTATION, Qt.Orientation.Horizontal) == "Workstation"
    model.set_rows([*LINES, LINES[0]])  # the same id twice is one row
    assert model.rowCount() == 4
    model.clear()
    assert model.rowCount() == 0


def test_filters_reach_the_query_and_rows_the_table(window: Any, qtbot: Any) -> None:
    w, fake = window
    w.set_filters(operator=" lead ", workstation="ws-01", action="query",
                  since=QDateTime.fromSecsSinceEpoch(int(T0)))
    wait_loaded(qtbot, w)
    assert fake.asked[-1] == {"operator": "lead", "workstation": "ws-01", "action": "query",
                              "since_ts": T0 - T0 % 60}
    assert fake.threads[-1] != threading.current_thread().name  # off the GUI thread
    assert w.model.rowCount() == 1
    assert w.model.index(0, Column.ACTION).data() == "Query"
    assert "1 lines" in w.status.text()
    assert w.export_button.isEnabled()

    w.set_filters(incident="E000007", action="")
    wait_loaded(qtbot, w)
    assert fake.asked[-1] == {"incident_id": "E000007"}
    assert [w.model.index(r, 0).data(ID_ROLE) for r in range(w.model.rowCount())] == [4, 3]

    # a typed action code the menu does not list, and a closed time window
    w.set_filters(action="note", since=QDateTime.fromSecsSinceEpoch(int(T0)),
                  until=QDateTime.fromSecsSinceEpoch(int(T0 + 60)))
    w.action.setEditText("note")
    wait_loaded(qtbot, w)
    assert fake.asked[-1]["action"] == "note"
    assert fake.asked[-1]["until_ts"] - fake.asked[-1]["since_ts"] == 60 + 59
    assert w.model.rowCount() == 0
    assert not w.export_button.isEnabled()


def test_a_refusal_is_shown_in_words(window: Any, qtbot: Any) -> None:
    w, fake = window
    fake.refuse = True
    with qtbot.waitSignal(w.sig_failed, timeout=10_000) as sig:
        w.refresh()
    assert "may not read the audit trail" in sig.args[0]
    assert "may not read the audit trail" in w.status.text()
    assert w.refresh_button.isEnabled()
    assert not w.loading


def test_csv_export_is_utf8_with_bom_and_reads_back(window: Any, qtbot: Any,
                                                    tmp_path: Path) -> None:
    w, _fake = window
    w.set_filters()
    wait_loaded(qtbot, w)
    path = tmp_path / "审计.csv"
    assert w.export_csv(path) == 4
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["ID", "Time", "Operator", "Workstation", "Action code", "Action",
                       "Incident", "Detail"]
    assert [r[0] for r in rows[1:]] == ["4", "3", "2", "1"]
    note = rows[2]
    assert note[2:5] == ["lead", "ws-01", "note"]
    assert note[6] == "E000007"
    assert note[7] == '{"text": "市民反映井盖缺失，已派城管"}'  # quotes and commas survive
    assert QDateTime.fromString(note[1], Qt.DateFormat.ISODate).toSecsSinceEpoch() == \
        int(T0 + 120)
    assert rows[3][4:6] == ["login_failed", "Failed login"]
    assert "exported" in w.status.text()


def test_in_chinese(chinese: Any, qtbot: Any, tmp_path: Path) -> None:  # noqa: F811
    w = AuditWindow(FakeAudit(), run_in_background)
    qtbot.addWidget(w)
    assert w.windowTitle() == "审计日志"
    assert w.export_button.text() == "导出 CSV…"
    w.set_filters()
    wait_loaded(qtbot, w)
    m = w.model
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "时间", "操作员", "工作站", "操作", "事件", "详情"]
    row = m.row_of(2)
    assert row is not None
    assert m.index(row, Column.ACTION).data() == "登录失败"
    assert w.status.text() == "共 4 条"
    w.export_csv(tmp_path / "audit.csv")
    with open(tmp_path / "audit.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["编号", "时间", "操作员", "工作站", "操作代码", "操作", "事件", "详情"]
    assert rows[3][4:6] == ["login_failed", "登录失败"]


# --------------------------------------------------------------- the console, real server

@pytest.fixture
def consoles(qtbot: Any, server_factory: Any, tmp_path: Any) -> Iterator[Any]:  # noqa: F811
    """``open(user)`` → a console main window logged in on a real server (SQLite)."""
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings

    from console.startup import build_console
    from dispatch.adapters.server.process import Endpoints

    srv = server_factory()
    ep = srv.endpoints
    thresholds = gc.get_threshold()
    opened: list[tuple[Any, Any]] = []

    def open_(user: str) -> Any:
        with CommandClient(ep.command) as c:
            login = c.login(user, DEMO_PASSWORDS[user], f"ws-{user}")
        settings = QSettings(str(tmp_path / f"{user}.ini"), QSettings.Format.IniFormat)
        window, session = build_console(Endpoints(ep.command, ep.snapshot, ep.update), login,
                                        srv.server.engine.city, user, DEMO_PASSWORDS[user],
                                        None, settings=settings)
        opened.append((window, session))
        return window

    open_.server = srv  # type: ignore[attr-defined]  # the tests reach the server through the fixture
    yield open_
    for window, session in opened:
        session.stop()
        window.close()
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_the_console_offers_the_audit_to_a_lead_only(consoles: Any, qtbot: Any) -> None:
    from dispatch.adapters.client import CommandClient as Client

    intruder = Client(consoles.server.endpoints.command, timeout_s=2.0, retries=1)
    with pytest.raises(Forbidden):
        intruder.login("disp", "wrong-password", "ws-intruder")
    intruder.close()
    disp = consoles("disp")
    assert disp.audit_action is None
    assert disp.audit_source is None
    titles = [a.text() for a in disp.menuBar().actions()]
    assert "&Tools" not in titles
    lead = consoles("lead")
    assert lead.audit_action is not None
    assert lead.audit_action.shortcut().toString() == "Ctrl+Shift+U"
    assert "&Tools" in [a.text() for a in lead.menuBar().actions()]
    lead.audit_action.trigger()
    w = lead.audit_window
    assert w is not None
    assert w.isVisible()
    qtbot.waitUntil(lambda: not w.loading and w.model.rowCount() > 0, timeout=15_000)
    w.set_filters(action="login_failed", since=QDateTime.currentDateTime().addSecs(-3600))
    wait_loaded(qtbot, w)
    assert w.model.rowCount() == 1
    line = w.model.line(0)
    assert (line["operator"], line["workstation"]) == ("disp", "ws-intruder")
    assert lead.open_audit() is w  # one window per console
