"""Shift report files: CSV (the ``csv`` module) and PDF (reportlab).

Both hold the KPIs of the window (city, by district, by department), the overdue and
escalated incidents, their timelines and the bookmarks. The CSV is made of sections, each
a marker row ``[name]``, a header row of fixed English keys and data rows, then a blank row;
it is written as UTF-8 with a byte-order mark so spreadsheet programs read the Chinese names.
:func:`read_csv` reads it back. Times are local (the city's time zone), rates are fractions.

The PDF uses reportlab's CID font ``STSong-Light`` for Chinese (Adobe-GB1, no font file
needed; PDF viewers supply the glyphs).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from pathlib import Path
from typing import Any

from dispatch.services.replay import (
    LANE_DEPARTMENT,
    LANE_INCIDENT,
    LANE_UNIT,
    IncidentSummary,
    ShiftReport,
    TimelineItem,
)

KPI_KEYS = ("reported", "due", "closed", "closed_on_time", "closure_rate", "on_time_rate",
            "rework_rate", "mean_response_s", "mean_handling_s", "escalations", "overdue",
            "open")
INCIDENT_KEYS = ("incident_id", "class_code", "class", "priority", "grid", "grid_name",
                 "status", "reported_at", "dispatched_at", "responded_at", "closed_at",
                 "lead_department", "department", "level", "supervised", "overdue",
                 "overdue_stages", "overdue_minutes", "escalated", "escalations")
TIMELINE_KEYS = ("incident_id", "time", "seq", "lane", "key", "name", "kind", "value",
                 "detail", "operator")
CJK_FONT = "STSong-Light"
WIDTH_MM = 273.0  # A4 landscape less the margins

_TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "交接班报告", "en": "Shift report"},
    "window": {"zh": "时段", "en": "Window"},
    "events": {"zh": "事件记录", "en": "Events"},
    "generated": {"zh": "生成时间", "en": "Generated"},
    "summary": {"zh": "全市指标", "en": "City figures"},
    "by_district": {"zh": "各区指标", "en": "By district"},
    "by_department": {"zh": "各部门指标", "en": "By department"},
    "overdue": {"zh": "超时事件", "en": "Overdue incidents"},
    "escalated": {"zh": "升级事件", "en": "Escalated incidents"},
    "bookmarks": {"zh": "书签", "en": "Bookmarks"},
    "timelines": {"zh": "事件时间线", "en": "Incident timelines"},
    "none": {"zh": "无", "en": "None"},
    "more": {"zh": "另有 {0} 起未列出时间线（见 CSV）", "en": "{0} more without timelines "
             "here (see the CSV)"},
    "region": {"zh": "区域", "en": "Region"},
    "department": {"zh": "部门", "en": "Department"},
    "incident": {"zh": "事件", "en": "Incident"},
    "class": {"zh": "类别", "en": "Class"},
    "grid": {"zh": "网格", "en": "Grid"},
    "priority": {"zh": "紧急程度", "en": "Priority"},
    "status": {"zh": "状态", "en": "Status"},
    "lead": {"zh": "主办部门", "en": "Lead"},
    "stages": {"zh": "超时环节", "en": "Overdue stage"},
    "late_by": {"zh": "超时", "en": "Late by"},
    "level": {"zh": "处置层级", "en": "Level"},
    "escalations": {"zh": "升级次数", "en": "Escalations"},
    "supervised": {"zh": "督办", "en": "Supervised"},
    "reported_at": {"zh": "上报时间", "en": "Reported"},
    "time": {"zh": "时间", "en": "Time"},
    "lane": {"zh": "泳道", "en": "Lane"},
    "what": {"zh": "动作", "en": "What"},
    "detail": {"zh": "说明", "en": "Detail"},
    "operator": {"zh": "操作员", "en": "Operator"},
    "note": {"zh": "备注", "en": "Note"},
    "yes": {"zh": "是", "en": "yes"},
    "page": {"zh": "第 {0} 页", "en": "Page {0}"},
    "deadlines": {"zh": "时限", "en": "Time limits"},
    "due": {"zh": "到期", "en": "due"},
    "met": {"zh": "完成", "en": "done"},
    "not_met": {"zh": "未完成", "en": "not done"},
}
_KPI_TEXT: dict[str, dict[str, str]] = {
    "reported": {"zh": "上报", "en": "Reported"},
    "due": {"zh": "应结案", "en": "Due"},
    "closed": {"zh": "已结案", "en": "Closed"},
    "closed_on_time": {"zh": "按期结案", "en": "On time"},
    "closure_rate": {"zh": "结案率", "en": "Closure rate"},
    "on_time_rate": {"zh": "按期结案率", "en": "On-time rate"},
    "rework_rate": {"zh": "返工率", "en": "Rework rate"},
    "mean_response_s": {"zh": "平均响应", "en": "Mean response"},
    "mean_handling_s": {"zh": "平均处置", "en": "Mean handling"},
    "escalations": {"zh": "升级", "en": "Escalations"},
    "overdue": {"zh": "超时", "en": "Overdue"},
    "open": {"zh": "未结案", "en": "Open"},
}
_STATUS = {
    "reported": ("已上报", "Reported"), "registered": ("已立案", "Registered"),
    "dispatched": ("已派遣", "Dispatched"), "acknowledged": ("已签收", "Acknowledged"),
    "handling": ("处置中", "Handling"), "responded": ("已反馈", "Responded"),
    "verified": ("已核查", "Verified"), "parked": ("挂账", "Parked"),
    "closed": ("已结案", "Closed"), "cancelled": ("已注销", "Cancelled"),
}
_UNIT_STATUS = {
    "available": ("空闲", "Available"), "dispatched": ("已派出", "Dispatched"),
    "en_route": ("在途", "En route"), "on_scene": ("到场", "On scene"),
    "busy": ("忙碌", "Busy"), "returning": ("返回", "Returning"),
    "off_duty": ("下班", "Off duty"), "out_of_service": ("停用", "Out of service"),
}
_PRIORITY = {"urgent": ("特急", "Urgent"), "high": ("紧急", "High"),
             "normal": ("一般", "Normal"), "low": ("低", "Low")}
_STAGE = {"dispatch": ("派遣", "Dispatch"), "acknowledge": ("签收", "Acknowledge"),
          "handle": ("处置", "Handle"), "verify": ("核查", "Verify")}
_LEVEL = {4: ("网格", "Grid"), 3: ("社区", "Community"), 2: ("街道", "Street"),
          1: ("区", "District"), 0: ("市", "City")}
_LANE = {LANE_INCIDENT: ("事件", "Incident"), LANE_DEPARTMENT: ("部门", "Department"),
         LANE_UNIT: ("力量", "Unit")}
_KIND = {
    "start": ("时段开始时", "At window start"), "status": ("状态", "Status"),
    "assigned": ("派出", "Assigned"), "released": ("撤回", "Released"),
    "unit_status": ("力量状态", "Unit status"), "lead": ("主办", "Lead"),
    "assist": ("协办", "Assisting"), "acknowledged": ("签收", "Acknowledged"),
    "escalated": ("升级", "Escalated"), "supervised": ("督办", "Supervision"),
    "clock": ("时限提醒", "Time limit"), "extension_requested": ("申请延期", "Extension asked"),
    "extension_decided": ("延期审批", "Extension decided"),
    "verify_failed": ("核查未通过", "Verification failed"), "rework": ("返工", "Rework"),
    "returned": ("回退", "Returned"), "note": ("备注", "Note"),
    "evaluated": ("评价", "Evaluated"), "archived": ("归档", "Archived"),
}
_CLOSE_REASON = {"fixed": ("已处置", "fixed"), "duplicate": ("重复", "duplicate"),
                 "not_responsible": ("非本部门职责", "not our responsibility"),
                 "unable_to_fix": ("无法处置", "unable to fix"), "cancelled": ("注销", "cancelled")}
_VALUE = {"on": ("开启", "on"), "off": ("解除", "off"), "approved": ("批准", "approved"),
          "refused": ("驳回", "refused"), "near_due": ("临近超时", "near due"),
          "overdue": ("已超时", "overdue")}


def _pick(table: dict[Any, tuple[str, str]], key: Any, language: str) -> str:
    got = table.get(key)
    if got is None:
        return str(key)
    return got[0] if language == "zh" else got[1]


@dataclass(frozen=True, slots=True)
class Names:
    """How the report names things: catalogue and city names in the report's language, and
    the city's time zone."""

    language: str
    tz: timezone
    city_name: str = ""
    class_name: Callable[[str], str] = str
    department: Callable[[str], str] = str
    region: Callable[[str], str] = str
    unit: Callable[[str], str] = str

    def text(self, key: str) -> str:
        got = _TEXT[key]
        return got["zh"] if self.language == "zh" else got["en"]

    def kpi(self, key: str) -> str:
        got = _KPI_TEXT[key]
        return got["zh"] if self.language == "zh" else got["en"]

    def zone(self) -> str:
        off = self.tz.utcoffset(None)
        minutes = int(off.total_seconds() // 60) if off is not None else 0
        sign = "+" if minutes >= 0 else "-"
        h, m = divmod(abs(minutes), 60)
        return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")

    def time(self, ts: float | None, *, seconds: bool = False) -> str:
        if ts is None:
            return ""
        fmt = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
        return datetime.fromtimestamp(ts, UTC).astimezone(self.tz).strftime(fmt)

    def duration(self, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        s = int(max(0.0, seconds))
        d, h, m = s // 86400, s % 86400 // 3600, s % 3600 // 60
        if self.language == "zh":
            if d:
                return f"{d}天{h}小时"
            return f"{h}小时{m:02d}分" if h else (f"{m}分钟" if m else f"{s}秒")
        if d:
            return f"{d}d {h}h"
        return f"{h}h {m:02d}m" if h else (f"{m}m" if m else f"{s}s")

    def status(self, value: str) -> str:
        return _pick(_STATUS, value, self.language)

    def priority(self, value: str) -> str:
        return _pick(_PRIORITY, value, self.language)

    def stage(self, value: str) -> str:
        return _pick(_STAGE, value, self.language)

    def level(self, value: int) -> str:
        return _pick(_LEVEL, value, self.language)

    def lane_key(self, lane: str, key: str) -> str:
        if lane == LANE_DEPARTMENT:
            return self.department(key)
        if lane == LANE_UNIT:
            return self.unit(key)
        return key

    def detail(self, item: TimelineItem) -> str:
        """The item's detail; a closure reason in words."""
        if item.kind == "status" and item.value == "closed":
            return _pick(_CLOSE_REASON, item.detail, self.language)
        return item.detail

    def item(self, item: TimelineItem) -> str:
        """What happened, in words: ``状态 → 已派遣``, ``升级 → 社区``…"""
        what = _pick(_KIND, item.kind, self.language)
        v = item.value
        if not v:
            return what
        if item.kind in ("status", "start"):
            v = self.status(v)
        elif item.kind in ("unit_status", "released"):
            v = _pick(_UNIT_STATUS, v, self.language)
        elif item.kind == "escalated":
            v = self.level(int(v))
        elif item.kind == "clock":
            stage, _, state = v.partition(":")
            v = f"{self.stage(stage)} {_pick(_VALUE, state, self.language)}"
        elif item.kind == "extension_requested":
            v = f"{v} min" if self.language != "zh" else f"{v} 分钟"
        else:
            v = _pick(_VALUE, v, self.language)
        return f"{what} → {v}"


def names_for(catalogue: Any, city: Any, language: str = "zh") -> Names:
    """:class:`Names` from the catalogue and the city (``language``: ``zh`` or ``en``)."""
    from dispatch.services.replay import city_zone

    zh = language == "zh"

    def class_name(code: str) -> str:
        e = (catalogue.problems.get(code) or catalogue.minors.get(code)
             or catalogue.majors.get(code))
        return code if e is None else (e.name_zh if zh else e.name_en)

    def department(code: str) -> str:
        d = catalogue.departments.get(code)
        return code if d is None else (d.name_zh if zh else d.name_en)

    def region(code: str) -> str:
        r = city.regions.get(code)
        return code if r is None else r.name

    def unit(uid: str) -> str:
        u = city.units.get(uid)
        return uid if u is None else f"{u.name} ({uid})"

    return Names(language="zh" if zh else "en",
                 tz=city_zone(catalogue.calendar.utc_offset_minutes), city_name=city.name,
                 class_name=class_name, department=department, region=region, unit=unit)


# ------------------------------------------------------------------------------------ CSV


def _num(v: float | int | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1 else f"{v:.1f}"
    return str(v)


def _incident_row(s: IncidentSummary, names: Names) -> list[str]:
    return [s.incident_id, s.class_code, names.class_name(s.class_code), s.priority, s.grid,
            names.region(s.grid), s.status, names.time(s.reported_at, seconds=True),
            names.time(s.dispatched_at, seconds=True), names.time(s.responded_at, seconds=True),
            names.time(s.closed_at, seconds=True), s.lead_department,
            names.department(s.lead_department) if s.lead_department else "", str(s.level),
            "1" if s.supervised else "0", "1" if s.overdue else "0", " ".join(s.overdue_stages),
            "" if s.overdue_s is None else f"{s.overdue_s / 60:.1f}",
            "1" if s.escalated else "0", str(s.escalations)]


def write_csv(report: ShiftReport, path: Path | str, names: Names) -> Path:
    """Write the report as sectioned CSV (see the module docstring); returns the path."""
    out = Path(path)
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)

        def section(name: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
            w.writerow([f"[{name}]"])
            w.writerow(header)
            w.writerows(rows)
            w.writerow([])

        section("window", ("key", "value"), [
            ("city", names.city_name), ("start", names.time(report.start_ts, seconds=True)),
            ("end", names.time(report.end_ts, seconds=True)),
            ("start_ts", f"{report.start_ts:.3f}"), ("end_ts", f"{report.end_ts:.3f}"),
            ("first_seq", str(report.first_seq)), ("last_seq", str(report.last_seq)),
            ("events", str(report.events)),
            ("generated", names.time(time.time(), seconds=True))])
        kpi_rows: list[list[str]] = [["city", "", names.city_name,
                                      *(_num(report.city.get(k)) for k in KPI_KEYS)]]
        for code, k in report.by_district.items():
            kpi_rows.append(["district", code, names.region(code),
                             *(_num(k.get(key)) for key in KPI_KEYS)])
        for code, k in report.by_department.items():
            kpi_rows.append(["department", code, names.department(code) if code != "-" else "",
                             *(_num(k.get(key)) for key in KPI_KEYS)])
        section("kpi", ("scope", "code", "name", *KPI_KEYS), kpi_rows)
        section("incidents", INCIDENT_KEYS,
                (_incident_row(s, names) for s in report.incidents))
        rows = []
        for iid, tl in report.timelines.items():
            for it in tl.items:
                rows.append([iid, names.time(it.ts, seconds=True), str(it.seq), it.lane, it.key,
                             names.lane_key(it.lane, it.key), it.kind, it.value, it.detail,
                             it.operator])
        section("timeline", TIMELINE_KEYS, rows)
        section("bookmarks", ("time", "position", "note"),
                ([names.time(b.ts, seconds=True), str(b.position), b.note]
                 for b in report.bookmarks))
    return out


def read_csv(path: Path | str) -> dict[str, list[dict[str, str]]]:
    """The sections of a report CSV: name → rows as dicts keyed by the header."""
    out: dict[str, list[dict[str, str]]] = {}
    name: str | None = None
    header: list[str] | None = None
    with Path(path).open(encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            if not row:
                name, header = None, None
            elif name is None:
                if not (len(row) == 1 and row[0].startswith("[") and row[0].endswith("]")):
                    raise ValueError(f"not a shift report CSV: unexpected row {row!r}")
                name = row[0][1:-1]
                out[name] = []
            elif header is None:
                header = row
            else:
                out[name].append(dict(zip(header, row, strict=False)))
    return out


# ------------------------------------------------------------------------------------ PDF


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    return CJK_FONT


def write_pdf(report: ShiftReport, path: Path | str, names: Names, *,
              max_timelines: int = 40, max_rows: int = 400) -> Path:
    """Write the report as a PDF (A4 landscape); at most ``max_timelines`` timelines and
    ``max_rows`` rows per incident table (the CSV has everything). Returns the path."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = _register_font()
    out = Path(path)
    t = names.text
    ink, muted, band = colors.HexColor("#1b2631"), colors.HexColor("#6b7280"), \
        colors.HexColor("#eef2f6")
    head_bg, alert = colors.HexColor("#23364a"), colors.HexColor("#b91c1c")
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=24, textColor=ink),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=12.5, leading=18, textColor=ink,
                             spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", fontName=font, fontSize=10, leading=14, textColor=ink,
                             spaceBefore=6, spaceAfter=2),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=13, textColor=ink),
        "muted": ParagraphStyle("muted", fontName=font, fontSize=8.5, leading=12,
                                textColor=muted),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5,
                               textColor=ink),
        "head": ParagraphStyle("head", fontName=font, fontSize=7.5, leading=9.5,
                               textColor=colors.white),
    }

    def p(text: str, style: str = "cell") -> Paragraph:
        esc = (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
        return Paragraph(esc, styles[style])

    def table(header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float]
              ) -> Table:
        data = [[p(h, "head") for h in header]] + [[c if isinstance(c, Paragraph) else p(str(c))
                                            for c in r] for r in rows]
        scale = WIDTH_MM / sum(widths)
        tb = Table(data, colWidths=[w * scale * mm for w in widths], repeatRows=1,
                   hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), font, 7.5),
            ("BACKGROUND", (0, 0), (-1, 0), head_bg),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d2dc")),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        for i in range(1, len(data)):
            if i % 2 == 0:
                style.append(("BACKGROUND", (0, i), (-1, i), band))
        tb.setStyle(TableStyle(style))
        return tb

    story: list[Any] = []
    story.append(p(f"{names.city_name} {t('title')}", "title"))
    story.append(p(f"{t('window')}: {names.time(report.start_ts)} — {names.time(report.end_ts)}"
                   f" ({names.zone()})  ·  {t('events')}: {report.events:,} (#{report.first_seq}–"
                   f"#{report.last_seq})  ·  {t('generated')}: {names.time(time.time())}",
                   "muted"))
    story.append(Spacer(1, 4 * mm))

    def kpi_cells(k: dict[str, Any]) -> list[str]:
        out = []
        for key in KPI_KEYS:
            v = k.get(key)
            if key.endswith("_rate"):
                out.append("—" if v is None else f"{v * 100:.1f}%")
            elif key.endswith("_s"):
                out.append(names.duration(v))
            else:
                out.append("—" if v is None else f"{v:,}")
        return out

    story.append(p(t("summary"), "h2"))
    story.append(table([names.kpi(k) for k in KPI_KEYS], [kpi_cells(report.city)], [20] * 12))
    for key, rows, name in (("by_district", report.by_district, names.region),
                            ("by_department", report.by_department, names.department)):
        if not rows:
            continue
        story.append(p(t(key), "h2"))
        story.append(table([t("region" if key == "by_district" else "department"),
                            *(names.kpi(k) for k in KPI_KEYS)],
                           [[name(code) if code not in ("", "-") else "—", *kpi_cells(k)]
                            for code, k in rows.items()], [37] + [20] * 12))

    def incident_rows(items: Sequence[IncidentSummary]) -> list[list[Any]]:
        rows = []
        for s in items[:max_rows]:
            late = names.duration(s.overdue_s) if s.overdue_s is not None else ""
            rows.append([s.incident_id, names.class_name(s.class_code), names.region(s.grid),
                         names.priority(s.priority), names.status(s.status),
                         names.department(s.lead_department) if s.lead_department else "",
                         names.time(s.reported_at),
                         " ".join(names.stage(x) for x in s.overdue_stages),
                         p(late) if not late else Paragraph(
                             f'<font color="#b91c1c">{late}</font>', styles["cell"]),
                         names.level(s.level), str(s.escalations) if s.escalations else "",
                         t("yes") if s.supervised else ""])
        return rows

    header = [t("incident"), t("class"), t("grid"), t("priority"), t("status"), t("lead"),
              t("reported_at"), t("stages"), t("late_by"), t("level"), t("escalations"),
              t("supervised")]
    widths = [20, 38, 38, 14, 16, 30, 25, 20, 20, 14, 13, 12]
    for key, items in (("overdue", report.overdue), ("escalated", report.escalated)):
        story.append(p(f"{t(key)} ({len(items)})", "h2"))
        if items:
            story.append(table(header, incident_rows(items), widths))
            if len(items) > max_rows:
                story.append(p(t("more").replace("{0}", str(len(items) - max_rows)), "muted"))
        else:
            story.append(p(t("none"), "muted"))
    if report.bookmarks:
        story.append(p(t("bookmarks"), "h2"))
        story.append(table([t("time"), t("note")],
                           [[names.time(b.ts, seconds=True), b.note] for b in report.bookmarks],
                           [40, 220]))
    if report.timelines:
        story.append(p(t("timelines"), "h2"))
        shown = 0
        by_id = {s.incident_id: s for s in report.incidents}
        for iid, tl in report.timelines.items():
            if shown >= max_timelines:
                break
            shown += 1
            s = by_id.get(iid)
            title = iid if s is None else (f"{iid}  {names.class_name(s.class_code)} · "
                                           f"{names.region(s.grid)} · {names.status(s.status)}")
            dl = "；".join(
                f"{names.stage(d.stage)} {t('due')} {names.time(d.due)}"
                f" ({t('met')} {names.time(d.met_at)})" if d.met_at is not None else
                f"{names.stage(d.stage)} {t('due')} {names.time(d.due)} ({t('not_met')})"
                for d in tl.deadlines)
            lines = [[names.time(it.ts, seconds=True),
                      f"{_pick(_LANE, it.lane, names.language)} · "
                      f"{names.lane_key(it.lane, it.key)}",
                      names.item(it), names.detail(it), it.operator] for it in tl.items]
            story.append(KeepTogether([
                p(title, "h3"), p(f"{t('deadlines')}: {dl}" if dl else "", "muted")]))
            story.append(table([t("time"), t("lane"), t("what"), t("detail"), t("operator")],
                               lines, [32, 62, 52, 90, 27]))
        if len(report.timelines) > shown:
            story.append(p(t("more").replace("{0}", str(len(report.timelines) - shown)),
                           "muted"))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(muted)
        w, _h = landscape(A4)
        canvas.drawString(12 * mm, 7 * mm, f"Gridline · {names.city_name} {t('title')} · "
                          f"{names.time(report.start_ts)} — {names.time(report.end_ts)}")
        canvas.drawRightString(w - 12 * mm, 7 * mm,
                               t("page").replace("{0}", str(doc.page)))
        canvas.setStrokeColor(alert)
        canvas.setLineWidth(1.2)
        canvas.line(12 * mm, landscape(A4)[1] - 9 * mm, w - 12 * mm, landscape(A4)[1] - 9 * mm)
        canvas.restoreState()

    doc = SimpleDocTemplate(str(out), pagesize=landscape(A4), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=13 * mm, bottomMargin=13 * mm,
                            title=f"{names.city_name} {t('title')}", author="Gridline",
                            subject=f"{names.time(report.start_ts)} — "
                                    f"{names.time(report.end_ts)}")
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out
