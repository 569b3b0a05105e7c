"""The monthly evaluation report (月度绩效评价): the ranking of the districts and of the
departments for a month, each row with its month-on-month change, as CSV (here) and PDF
(:mod:`.evaluation_pdf`).

The figures are the ``evaluation`` query's (docs/KPI.md "Evaluation"), read through a
``fetch(level, start, end)`` (a server, or a store replayed by
:mod:`dispatch.services.evaluation_month`); :func:`build_report` asks for the month and, unless
the server compares the months itself, for the month before
(:func:`dispatch.services.evaluation_view.read_ranking`).

The CSV is made of sections like the shift report's: a marker row ``[name]``, a header row of
fixed English keys, data rows, a blank row; UTF-8 with a byte-order mark. Rates are fractions,
times seconds, changes this month less last month; ``rank_change`` is how many places a group
rose (negative: fell).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from dispatch.domain.evaluation import INDICATORS
from dispatch.services.evaluation_view import (
    COUNT_KEYS,
    Fetch,
    period_bounds,
    period_step,
    read_ranking,
)
from dispatch.services.report.names import Names

LEVELS = ("district", "department")
"""The report's rankings, in this order."""

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("月度绩效评价报告", "Monthly evaluation report"),
    "month": ("评价月份", "Month"),
    "period": ("统计时段", "Period"),
    "centre": ("评价单位", "Centre"),
    "generated": ("生成时间", "Generated"),
    "district": ("各区排名", "Districts ranked"),
    "department": ("各部门排名", "Departments ranked"),
    "rank": ("排名", "Rank"),
    "ranking": ("排名表", "Ranking"),
    "move": ("环比", "Move"),
    "name": ("名称", "Name"),
    "score": ("得分", "Score"),
    "score_change": ("得分环比", "Score change"),
    "due": ("应结案", "Due"),
    "closure_rate": ("结案率", "Closure"),
    "on_time_closure_rate": ("按期结案率", "On time"),
    "response_rate": ("响应率", "Response"),
    "resolution_rate": ("解决率", "Resolution"),
    "satisfaction_rate": ("满意率", "Satisfaction"),
    "urge_rate": ("催办率", "Urged"),
    "reopen_rate": ("重办率", "Reopened"),
    "mean_response_s": ("平均响应", "Mean response"),
    "mean_handling_s": ("平均处置", "Mean handling"),
    "top": ("前三名", "Best (up to three)"),
    "bottom": ("后三名（由低到高）", "Worst (up to three, lowest first)"),
    "groups": ("参评", "Ranked"),
    "none": ("本月无数据", "Nothing counted this month"),
    "new": ("新", "new"),
    "no_department": ("（未派遣）", "(not dispatched)"),
    "previous_month": ("上月", "last month"),
    "how": ("得分为各项比率的加权平均（结案率、按期结案率、满意率各 20%，响应率、解决率各 15%，"
            "催办率、重办率各 5%，按 1−比率计）；环比为本月减上月。",
            "The score is the weighted mean of the rates (closure, on-time closure and "
            "satisfaction 20% each, response and resolution 15% each, urged and reopened 5% "
            "each as 1 − rate); changes are this month less last month."),
    "page": ("第 {0} 页", "Page {0}"),
}


def centre_name(city_name: str, language: str) -> str:
    """The evaluating centre's name on the title page."""
    return f"{city_name}城市运行管理服务指挥中心" if language == "zh" \
        else f"{city_name} command centre"


def text(key: str, language: str) -> str:
    zh, en = _TEXT[key]
    return zh if language == "zh" else en


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """A month's rankings (rows as :func:`~dispatch.services.evaluation_view.compared` gives
    them, in rank order) and what the title page says."""

    centre: str
    month: date
    start: float
    end: float
    rankings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    generated: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.month:%Y-%m}"


def build_report(fetch: Fetch, month: date, tz: tzinfo, centre: str) -> EvaluationReport:
    """The report of ``month`` (its first day or any day in it) in time zone ``tz``."""
    start, end = period_bounds("month", month, tz)
    previous_start, _ = period_bounds("month", period_step("month", month, -1), tz)
    rankings = {level: list(read_ranking(fetch, level, start, end, previous_start)["rows"])
                for level in LEVELS}
    return EvaluationReport(centre=centre, month=month.replace(day=1), start=start, end=end,
                            rankings=rankings, generated=time.time())


def group_name(names: Names, level: str, code: str) -> str:
    if code in ("", "-"):
        return text("no_department", names.language) if level == "department" else "—"
    return names.department(code) if level == "department" else names.region(code)


def rank_change(row: Mapping[str, Any]) -> int | None:
    """Places risen since the previous period (negative: fallen); None without one."""
    p = row.get("previous")
    if not p or p.get("rank") is None or row.get("rank") is None:
        return None
    return int(p["rank"]) - int(row["rank"])


def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1 else f"{v:.1f}"
    return str(v)


CSV_KEYS = ("rank", "code", "name", "score", "previous_rank", "rank_change", "previous_score",
            "score_change", *(k for ind in INDICATORS for k in (ind, f"{ind}_change")),
            *COUNT_KEYS)


def csv_row(row: Mapping[str, Any], level: str, names: Names) -> list[str]:
    prev = row.get("previous") or {}
    change = row.get("change") or {}
    moved = rank_change(row)
    return [str(row.get("rank", "")), str(row["code"]), group_name(names, level, str(row["code"])),
            _num(row.get("score")), _num(prev.get("rank")), "" if moved is None else str(moved),
            _num(prev.get("score")), _num(change.get("score")),
            *(v for ind in INDICATORS for v in (_num(row.get(ind)), _num(change.get(ind)))),
            *(_num(row.get(k)) for k in COUNT_KEYS)]


def write_csv(report: EvaluationReport, path: Path | str, names: Names) -> Path:
    """Write the report as sectioned CSV (see the module docstring); returns the path."""
    out = Path(path)
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)

        def section(name: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
            w.writerow([f"[{name}]"])
            w.writerow(header)
            w.writerows(rows)
            w.writerow([])

        section("report", ("key", "value"), [
            ("centre", report.centre), ("month", report.label),
            ("start", names.time(report.start, seconds=True)),
            ("end", names.time(report.end, seconds=True)),
            ("start_ts", f"{report.start:.3f}"), ("end_ts", f"{report.end:.3f}"),
            ("generated", names.time(report.generated, seconds=True))])
        for level in LEVELS:
            section(level, CSV_KEYS, [csv_row(r, level, names)
                                      for r in report.rankings.get(level, [])])
    return out


def read_csv(path: Path | str) -> dict[str, list[dict[str, str]]]:
    """The CSV's sections: name → rows as dictionaries by the header's keys."""
    sections: dict[str, list[dict[str, str]]] = {}
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    i = 0
    while i < len(rows):
        row = rows[i]
        if len(row) == 1 and row[0].startswith("[") and row[0].endswith("]"):
            header = rows[i + 1]
            body: list[dict[str, str]] = []
            i += 2
            while i < len(rows) and rows[i]:
                body.append(dict(zip(header, rows[i], strict=False)))
                i += 1
            sections[row[0][1:-1]] = body
        i += 1
    return sections
