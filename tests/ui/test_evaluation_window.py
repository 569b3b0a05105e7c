"""The shift lead's evaluation panel: its table model (qtmodeltester, sorting, formatting, the
month-on-month column), the window's reads off the GUI thread (periods, a level the server
refuses, the cases behind a number, the export), and the console's Tools menu against a real
server (a case called back unsatisfied and reopened, its cases found in the console)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
from datetime import date, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import maps

maps.prepare_environment()

from PySide6.QtCore import Qt  # noqa: E402

from console.background import run_in_background  # noqa: E402
from dispatch.domain.errors import InvalidCommand  # noqa: E402
from dispatch.services.evaluation_view import CaseQuery, period_bounds  # noqa: E402
from tests.integration.conftest import server_factory  # noqa: E402, F401
from tests.ui.test_audit_window import consoles  # noqa: E402, F401
from tests.ui.test_widgets_i18n import chinese  # noqa: E402, F401
from widgets.evaluation_model import (  # noqa: E402
    CHANGE_ROLE,
    CODE_ROLE,
    KEY_ROLE,
    RAW_ROLE,
    Column,
    EvaluationModel,
)
from widgets.evaluation_window import EvaluationWindow  # noqa: E402

pytestmark = pytest.mark.ui
CST = timezone(timedelta(hours=8))
TODAY = date(2026, 11, 17)


def row(code: str, rank: int, score: float | None, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"code": code, "rank": rank, "score": score, "closure_rate": None,
                            "on_time_closure_rate": None, "response_rate": None,
                            "resolution_rate": None, "satisfaction_rate": None,
                            "urge_rate": None, "reopen_rate": None, "mean_response_s": None,
                            "mean_handling_s": None, "due": 0, "called_back": 0}
    return {**base, **kw}


ROWS = [
    {**row("S1", 1, 0.912, closure_rate=0.95, satisfaction_rate=0.5, due=40, closed=38,
           called_back=4, satisfied=2, mean_response_s=600.0),
     "previous": {"rank": 2, "score": 0.7, "closure_rate": 0.9, "mean_response_s": 900.0},
     "change": {"score": 0.212, "closure_rate": 0.05, "mean_response_s": -300.0}},
    {**row("S2", 2, 0.75, closure_rate=0.8, due=20, closed=16),
     "previous": {"rank": 1, "score": 0.8, "closure_rate": 0.85},
     "change": {"score": -0.05, "closure_rate": -0.05}},
    {**row("S3", 3, None), "previous": None, "change": {}},
]


def names(level: str, code: str) -> str:
    return {"S1": "观前街道", "S2": "平江街道", "S3": "金阊街道"}.get(code, code)


def test_model(qtmodeltester: Any) -> None:
    model = EvaluationModel(names)
    model.set_answer("street", ROWS[:2])
    qtmodeltester.check(model, force_py=True)  # now and after every change below
    model.set_answer("street", ROWS)
    assert [model.index(r, Column.NAME).data() for r in range(3)] == [
        "观前街道", "平江街道", "金阊街道"]
    s1 = 0
    assert model.index(s1, Column.RANK).data() == "1"
    assert model.index(s1, Column.MOVE).data() == "↑1"
    assert model.index(s1, Column.MOVE).data(CHANGE_ROLE) == 1
    assert model.index(s1, Column.SCORE).data() == "91.2  ↑21.2"
    assert model.index(s1, Column.CLOSURE).data() == "95.0% ↑"
    assert model.index(s1, Column.CLOSURE).data(RAW_ROLE) == 0.95
    assert model.index(s1, Column.CLOSURE).data(KEY_ROLE) == "closure_rate"
    assert model.index(s1, Column.CLOSURE).data(CODE_ROLE) == "S1"
    tip = model.index(s1, Column.CLOSURE).data(Qt.ItemDataRole.ToolTipRole)
    assert "38 of 40 due" in tip
    assert "Previous period: 90.0%" in tip
    assert "Change: ↑5.0 points" in tip
    assert model.index(s1, Column.CLOSURE).data(Qt.ItemDataRole.ForegroundRole).color() \
        .name() == "#15803d"  # better than last month: green
    assert model.index(s1, Column.SATISFACTION).data() == "50.0%"  # nothing to compare
    assert model.index(s1, Column.MEAN_RESPONSE).data() == "10m ↓"
    assert model.index(s1, Column.MEAN_HANDLING).data() == "—"
    assert model.index(s1, Column.DUE).data() == "40"
    assert model.index(1, Column.MOVE).data() == "↓1"
    assert model.index(1, Column.SCORE).data() == "75.0  ↓5.0"
    assert model.index(1, Column.MOVE).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(2, Column.MOVE).data() == "new"
    assert model.index(2, Column.SCORE).data() == "—"
    assert model.headerData(Column.SATISFACTION, Qt.Orientation.Horizontal) == "Satisfaction"
    # an answer without the comparison: no move column text, no arrows
    model.set_answer("street", [row("S1", 1, 0.9, closure_rate=0.9)])
    assert model.rowCount() == 1
    assert model.index(0, Column.MOVE).data() == ""
    assert model.index(0, Column.CLOSURE).data() == "90.0%"
    model.set_answer("department", [row("police", 1, 0.6), row("-", 2, None)])  # reset
    assert model.index(0, Column.NAME).data() == "(not dispatched)"
    assert model.index(1, Column.NAME).data() == "police"
    model.clear()
    assert model.rowCount() == 0


class FakeServer:
    """The evaluation query of a server that knows the five region/department levels."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, float, float]] = []
        self.threads: list[str] = []

    def __call__(self, level: str, start: float, end: float) -> dict[str, Any]:
        self.asked.append((level, start, end))
        self.threads.append(threading.current_thread().name)
        if level in ("dispatcher", "grid_worker"):
            raise InvalidCommand(f"evaluation.level must be one of grid, community, street, "
                                 f"district, department, got {level!r}")
        # the period the server compares with (a calendar one's: the one before it)
        from dispatch.adapters.server.evaluation_data import window_of

        asked = {"period": None, "at": None, "start": start, "end": end}
        return {"now": end, "rows": [dict(r) for r in ROWS],
                "previous_period": window_of("evaluation", asked, end).as_dict()[
                    "previous_period"]}


def window(qtbot: Any, fake: FakeServer, **kw: Any) -> EvaluationWindow:
    w = EvaluationWindow(fake, run_in_background, tz=CST, today=lambda: TODAY, name=names, **kw)
    qtbot.addWidget(w)
    w.show()
    return w


def test_reads_off_the_gui_thread_sorts_and_steps_periods(qtbot: Any) -> None:
    fake = FakeServer()
    w = window(qtbot, fake)
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000) as sig:
        w.refresh()
    assert sig.args == [3]
    assert fake.threads[-1] != threading.current_thread().name
    nov = period_bounds("month", TODAY, CST)
    assert fake.asked[-1] == ("street", *nov)  # the server compares: one query
    assert w.period_label.text() == "2026-11"
    assert not w.next_button.isEnabled()  # no period after the current one
    # ranked by rank, unscored last; then by score change, worst first
    assert [w.proxy.index(r, Column.NAME).data() for r in range(3)] == [
        "观前街道", "平江街道", "金阊街道"]
    w.view.sortByColumn(Column.MOVE, Qt.SortOrder.AscendingOrder)
    assert w.proxy.index(0, Column.NAME).data() == "金阊街道"  # new: no move
    assert w.proxy.index(1, Column.NAME).data() == "平江街道"  # fell one place
    w.view.sortByColumn(Column.CLOSURE, Qt.SortOrder.DescendingOrder)
    assert w.proxy.index(0, Column.CLOSURE).data() == "95.0% ↑"
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000):
        w.step(-1)
    assert w.period_label.text() == "2026-10"
    assert fake.asked[-1] == ("street", *period_bounds("month", date(2026, 10, 1), CST))
    assert w.next_button.isEnabled()
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000):
        w.set_period("quarter")
    assert w.period_label.text() == "2026-Q4"
    assert fake.asked[-1][1:] == period_bounds("quarter", TODAY, CST)
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000):
        w.set_period("day", TODAY)
    assert w.period_label.text() == "2026-11-17"
    assert fake.asked[-1][2] - fake.asked[-1][1] == 86400


def test_a_level_the_server_refuses_is_no_longer_offered(qtbot: Any) -> None:
    fake = FakeServer()
    w = window(qtbot, fake)
    with qtbot.waitSignal(w.sig_failed, timeout=10_000) as sig:
        w.set_level("dispatcher")
    assert "level must be one of" in sig.args[0]
    assert "Could not read the ranking" in w.status.text()
    assert w.refused_levels == {"dispatcher"}
    item = w.level_box.model().item(w.level_box.findData("dispatcher"))  # type: ignore[attr-defined]
    assert not item.isEnabled()
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000):
        w.set_level("department")
    assert fake.asked[-1][0] == "department"


def test_cases_behind_a_number_and_the_export(qtbot: Any, tmp_path: Path) -> None:
    asked: list[CaseQuery] = []
    shown: list[str] = []
    exported: list[tuple[date, Path]] = []

    def cases(q: CaseQuery) -> Any:
        asked.append(q)
        return lambda: (["E000012", "E000007"], "console")

    def export(month: date, directory: Path) -> list[Path]:
        exported.append((month, directory))
        return [directory / "evaluation-2026-11.pdf", directory / "evaluation-2026-11.csv"]

    w = window(qtbot, FakeServer(), cases=cases, show_incident=shown.append,
               describe=lambda iid: "路灯不亮", export=export)
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000):
        w.refresh()
    cell = w.proxy.index(0, Column.SATISFACTION)
    assert not w.show_cases_at(w.proxy.index(0, Column.NAME))  # a name has no cases
    with qtbot.waitSignal(w.sig_cases, timeout=10_000) as sig:
        w.view.activated.emit(cell)
    assert sig.args == [["E000012", "E000007"]]
    q = asked[-1]
    assert (q.level, q.code, q.indicator) == ("street", "S1", "satisfaction_rate")
    assert (q.start, q.end) == period_bounds("month", TODAY, CST)
    assert "观前街道 · Satisfaction: 2 cases" in w.cases_label.text()
    assert "archived cases not listed" in w.cases_label.text()
    assert w.cases.item(0).text() == "E000012  路灯不亮"
    w.cases.itemActivated.emit(w.cases.item(1))
    assert shown == ["E000007"]
    with qtbot.waitSignal(w.sig_exported, timeout=10_000) as done:
        w.export_to(tmp_path)
    assert exported == [(date(2026, 11, 1), tmp_path)]
    assert done.args[0][0].endswith("evaluation-2026-11.pdf")
    assert "Report saved" in w.status.text()


def test_the_console_shows_a_lead_the_evaluation(consoles: Any, qtbot: Any,  # noqa: F811
                                                 tmp_path: Path) -> None:
    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.domain import commands as cmd

    disp_window = consoles("disp")
    assert disp_window.evaluation_action is None  # a dispatcher has no Tools menu
    lead = consoles("lead")
    srv = consoles.server.server
    city, catalogue = srv.engine.city, srv.engine.catalogue
    with CommandClient(consoles.server.endpoints.command) as disp, \
            CommandClient(consoles.server.endpoints.command) as boss:
        login = disp.login("disp", DEMO_PASSWORDS["disp"], "坐席-03")
        boss.login("lead", DEMO_PASSWORDS["lead"], "指挥中心-01")
        grid = sorted(r.code for r in city.grids() if r.code.startswith(login.scope))[0]
        p = city.regions[grid].geometry.representative_point()
        klass = next(iter(catalogue.minors))
        iid = str(disp.execute(cmd.ReportIncident("hotline", klass, p.x, p.y, "油烟扰民"))
                  .result["incident_id"])
        disp.execute(cmd.AssignUnits(iid))
        for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已整改"),
                  cmd.Verify(iid, True, "已核实")):
            boss.execute(c)
        disp.execute(cmd.CloseIncident(iid, "fixed"))
        disp.execute(cmd.Callback(iid, "unsatisfied", "仍有油烟", reopen=True,
                                  reason="市民不满意"))
    qtbot.waitUntil(lambda: (inc := lead.console.incident(iid)) is not None
                    and inc.reopen_count == 1, timeout=15_000)
    assert lead.evaluation_action is not None
    assert lead.evaluation_action.shortcut().toString() == "Ctrl+Shift+R"
    lead.evaluation_action.trigger()
    w = lead.evaluation_window
    assert w is not None
    assert w.isVisible()
    street = grid[:9]
    qtbot.waitUntil(lambda: w.model.row_of(street) is not None, timeout=15_000)
    r = w.model.row(w.model.row_of(street))
    assert (r["called_back"], r["reopened"], r["reopen_rate"]) == (1, 1, 1.0)
    assert "previous" in r  # compared with last month by the console (no row then)
    assert w.model.index(w.model.row_of(street), Column.NAME).data() == \
        city.regions[street].name
    assert lead.open_evaluation() is w  # one window per console
    # the cases behind the reopen rate, from the server's evaluation_cases (the call-backs of
    # the period: the one reopened case)
    cell = w.proxy.mapFromSource(w.model.index(w.model.row_of(street), Column.REOPEN))
    with qtbot.waitSignal(w.sig_cases, timeout=15_000) as sig:
        w.view.activated.emit(cell)
    assert sig.args == [[iid]]
    w.cases.itemActivated.emit(w.cases.item(0))
    assert lead.console.selected_incident == iid
    # Export…: this month's report, in the console's language, from the same server
    with qtbot.waitSignal(w.sig_exported, timeout=30_000) as done:
        w.export_to(tmp_path / "reports")
    pdf, csv_path = (Path(p) for p in done.args[0])
    assert pdf.name == f"evaluation-{w.period_label.text()}.pdf"
    assert pdf.stat().st_size > 1000
    from dispatch.services.report.evaluation import read_csv

    (district,) = [r for r in read_csv(csv_path)["district"] if r["code"] == grid[:6]]
    assert (district["reopened"], district["name"]) == ("1", city.regions[grid[:6]].name)


def test_in_chinese(chinese: Any, qtbot: Any) -> None:  # noqa: F811
    w = window(qtbot, FakeServer())
    assert w.windowTitle() == "绩效评价"
    with qtbot.waitSignal(w.sig_loaded, timeout=10_000):
        w.refresh()
    m = w.model
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "排名", "环比", "名称", "得分", "结案率", "按期结案率", "响应率", "解决率", "满意率",
        "催办率", "重办率", "平均响应", "平均处置", "应结案", "已回访"]
    assert [w.level_box.itemText(i) for i in range(w.level_box.count())] == [
        "区", "街道", "社区", "网格", "部门", "调度员", "网格员"]
    assert m.index(2, Column.MOVE).data() == "新"
    assert "已更新" in w.status.text()
