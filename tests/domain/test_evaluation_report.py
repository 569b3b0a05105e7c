"""What a client makes of the evaluation query (dispatch.services.evaluation_view): periods,
the month-on-month comparison (computed, or the server's own), the cases behind a number
picked out of a mirror; and the monthly evaluation report (CSV checked by hand, PDF text)."""

from __future__ import annotations

from datetime import date, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from dispatch.domain.city.model import Level as RegionLevel
from dispatch.services.evaluation_view import (
    CaseQuery,
    compared,
    parse_month,
    period_bounds,
    period_label,
    period_step,
    read_ranking,
)
from dispatch.services.report.evaluation import build_report, read_csv, write_csv
from dispatch.services.report.evaluation_pdf import write_pdf, write_report
from dispatch.services.report.names import names_for
from tests.domain.test_evaluation import G1, fixture
from tests.domain.test_report import pdf_text

CST = timezone(timedelta(hours=8))


def test_periods() -> None:
    d = date(2026, 11, 17)
    assert period_label("day", d) == "2026-11-17"
    assert period_label("month", d) == "2026-11"
    assert period_label("quarter", d) == "2026-Q4"
    assert period_step("month", d, -1) == date(2026, 10, 1)
    assert period_step("month", date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert period_step("quarter", d, 1) == date(2027, 1, 1)
    assert period_step("day", d, -17) == date(2026, 10, 31)
    start, end = period_bounds("month", d, CST)
    assert start == 1793462400.0  # 2026-11-01T00:00+08:00
    assert end - start == 30 * 86400
    assert parse_month("2026-11") == date(2026, 11, 1)
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_month("11/2026")
    with pytest.raises(ValueError, match="period must be one of"):
        period_bounds("week", d, CST)


def row(code: str, rank: int, score: float | None, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"code": code, "rank": rank, "score": score, "closure_rate": None,
                            "on_time_closure_rate": None, "response_rate": None,
                            "resolution_rate": None, "satisfaction_rate": None,
                            "urge_rate": None, "reopen_rate": None, "mean_response_s": None,
                            "mean_handling_s": None, "due": 0, "called_back": 0}
    return {**base, **kw}


def test_month_on_month_by_code() -> None:
    now = [row("A", 1, 0.9, closure_rate=0.95, mean_response_s=600.0),
           row("B", 2, 0.7, closure_rate=0.5), row("C", 3, None)]
    before = [row("B", 1, 0.8, closure_rate=0.75), row("A", 2, 0.85, closure_rate=0.9,
                                                       mean_response_s=900.0)]
    got = {r["code"]: r for r in compared(now, before)}
    assert got["A"]["previous"]["rank"] == 2
    assert got["A"]["change"]["score"] == pytest.approx(0.05)
    assert got["A"]["change"]["closure_rate"] == pytest.approx(0.05)
    assert got["A"]["change"]["mean_response_s"] == -300.0
    assert "satisfaction_rate" not in got["A"]["change"]  # neither month has one
    assert got["B"]["change"]["closure_rate"] == pytest.approx(-0.25)
    assert got["C"]["previous"] is None
    assert got["C"]["change"] == {}


def test_read_ranking_asks_for_the_previous_period_unless_the_server_compares() -> None:
    asked: list[tuple[str, float, float]] = []

    def plain(level: str, start: float, end: float) -> dict[str, Any]:
        asked.append((level, start, end))
        return {"rows": [row("A", 1, 0.9 if start == 100 else 0.8)]}

    got = read_ranking(plain, "street", 100, 200, 0)
    assert asked == [("street", 100, 200), ("street", 0, 100)]
    assert got["rows"][0]["change"]["score"] == pytest.approx(0.1)

    asked.clear()

    def comparing(level: str, start: float, end: float, prev: float = 0.0) -> dict[str, Any]:
        asked.append((level, start, end))
        return {"rows": [{**row("A", 1, 0.9 if start == 100 else 0.8),
                          "previous": {"rank": 3, "score": 0.6}, "change": {"score": 0.3}}],
                "previous_period": {"start": prev, "end": start}}

    got = read_ranking(comparing, "street", 100, 200, 0)
    assert asked == [("street", 100, 200)]  # the server's comparison is used as it is
    assert got["rows"][0]["previous"]["rank"] == 3

    # a server that compared with another window (explicit bounds: the same length before,
    # not the previous calendar month): the console asks for its own previous period
    asked.clear()
    got = read_ranking(lambda lv, s, e: comparing(lv, s, e, prev=10.0), "street", 100, 200, 0)
    assert asked == [("street", 100, 200), ("street", 0, 100)]
    assert got["rows"][0]["change"]["score"] == pytest.approx(0.1)


def test_cases_behind_a_number_from_the_mirror() -> None:
    incs = fixture()

    def ids(level: str, code: str, indicator: str) -> list[str]:
        from dispatch.services.evaluation_view import cases_behind

        return cases_behind(incs, CaseQuery(level, code, indicator, 0, 1000, 1000))

    # called back in the period: A, B, D (satisfaction and reopen rates share them)
    assert ids("district", "320508", "satisfaction_rate") == ["A", "B", "D"]
    assert ids("district", "320508", "reopened") == ["B"]
    assert ids("grid", G1, "urge_rate") == ["A", "B"]  # the grid's citizens' cases
    assert ids("grid", G1, "urged") == ["B"]
    assert ids("department", "D2", "closure_rate") == ["C", "D"]  # due in the period
    assert ids("district", "320508", "mean_response_s") == ["A", "C", "D"]  # acknowledged
    assert ids("district", "320508", "") == ["A", "B", "C", "D", "E"]  # F: after the period
    assert ids("street", "320508002", "score") == ["E"]
    assert ids("dispatcher", "disp", "closure_rate") == []  # a level this client cannot pick


@pytest.fixture
def report(catalogue: Any, demo_city: Any) -> Any:
    d1, d2 = sorted(r.code for r in demo_city.at_level(RegionLevel.DISTRICT))[:2]
    d3 = "320599"  # no such district in the demo city: named by its code
    dept_a, dept_b = sorted(catalogue.departments)[:2]
    answers = {
        ("district", "2026-11"): [
            row(d2, 1, 0.912, closure_rate=0.95, satisfaction_rate=0.9, due=40, called_back=10),
            row(d1, 2, 0.75, closure_rate=0.8, satisfaction_rate=0.5, due=20, called_back=4),
            row(d3, 3, None)],
        ("district", "2026-10"): [
            row(d1, 1, 0.8, closure_rate=0.85, satisfaction_rate=0.75, due=18, called_back=4),
            row(d2, 2, 0.7, closure_rate=0.7, satisfaction_rate=0.8, due=35, called_back=5)],
        ("department", "2026-11"): [row(dept_a, 1, 0.6, closure_rate=0.6, due=5,
                                        mean_handling_s=7200.0)],
        ("department", "2026-10"): [row(dept_a, 1, 0.65, closure_rate=0.65, due=4,
                                        mean_handling_s=5400.0)],
    }

    def fetch(level: str, start: float, end: float) -> dict[str, Any]:
        month = date.fromtimestamp(start + 12 * 3600)
        return {"rows": answers.get((level, f"{month:%Y-%m}"), [])}

    rep = build_report(fetch, date(2026, 11, 1), CST, "姑苏城市运行管理服务指挥中心")
    return rep, (d1, d2, d3), (dept_a, dept_b)


def test_report_csv_by_hand(tmp_path: Path, report: Any, catalogue: Any,
                            demo_city: Any) -> None:
    rep, (d1, d2, d3), (dept_a, _b) = report
    names = names_for(catalogue, demo_city, "zh")
    out = write_csv(rep, tmp_path / "eval.csv", names)
    sections = read_csv(out)
    head = {r["key"]: r["value"] for r in sections["report"]}
    assert head["month"] == "2026-11"
    assert head["centre"] == "姑苏城市运行管理服务指挥中心"
    assert head["start"] == "2026-11-01 00:00:00"
    assert head["end"] == "2026-12-01 00:00:00"
    districts = sections["district"]
    assert [r["code"] for r in districts] == [d2, d1, d3]
    top = districts[0]
    assert top["name"] == demo_city.regions[d2].name
    assert (top["rank"], top["previous_rank"], top["rank_change"]) == ("1", "2", "1")
    assert top["score"] == "0.912"
    assert top["score_change"] == "0.212"  # 0.912 - 0.7
    assert top["closure_rate"] == "0.95"
    assert top["closure_rate_change"] == "0.25"
    assert top["satisfaction_rate_change"] == "0.1"
    assert top["due"] == "40"
    assert top["called_back"] == "10"
    second = districts[1]
    assert (second["rank_change"], second["score_change"]) == ("-1", "-0.05")
    third = districts[2]
    assert (third["score"], third["previous_rank"], third["rank_change"]) == ("", "", "")
    (dept,) = sections["department"]
    assert dept["name"] == catalogue.departments[dept_a].name_zh
    assert dept["mean_handling_s_change"] == "1800.0"
    assert dept["rank_change"] == "0"


def test_report_pdf_shows_the_ranking_in_chinese(tmp_path: Path, report: Any,
                                                  catalogue: Any, demo_city: Any) -> None:
    rep, (d1, d2, _d3), (dept_a, _b) = report
    names = names_for(catalogue, demo_city, "zh")
    text = pdf_text(write_pdf(rep, tmp_path / "eval.pdf", names).read_bytes())
    for words in ("姑苏城市运行管理服务指挥中心", "月度绩效评价报告", "评价月份: 2026-11",
                  "各区排名", "各部门排名", "前三名", "得分", "满意率",
                  demo_city.regions[d2].name, catalogue.departments[dept_a].name_zh):
        assert words in text, words
    # the districts' ranking: first d2 (91.2, up one place), then d1 (down one)
    first, second = demo_city.regions[d2].name, demo_city.regions[d1].name
    ranking = text[text.index("各区排名 · 2026-11"):]
    assert ranking.index(first) < ranking.index(second)
    assert "↑1" in ranking
    assert "↓1" in ranking
    assert "91.2" in ranking
    english = write_report(rep, tmp_path / "en", names_for(catalogue, demo_city, "en"))
    assert [p.name for p in english] == ["evaluation-2026-11.pdf", "evaluation-2026-11.csv"]
    assert "Districts ranked" in pdf_text(english[0].read_bytes())
