"""How a shift report names things: headings, KPI names, statuses, stages, lanes and
timeline items in Chinese or English, catalogue and city names, local times and durations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from typing import Any

from dispatch.services.replay import LANE_DEPARTMENT, LANE_INCIDENT, LANE_UNIT, TimelineItem

KPI_KEYS = ("reported", "due", "closed", "closed_on_time", "closure_rate", "on_time_rate",
            "rework_rate", "mean_response_s", "mean_handling_s", "escalations", "overdue",
            "open")

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
    "photos": {"zh": "现场照片", "en": "Photos"},
    "photo_report": {"zh": "上报", "en": "reported"},
    "photo_before": {"zh": "处置前", "en": "before"},
    "photo_after": {"zh": "处置后", "en": "after"},
    "photo_missing": {"zh": "照片不可用", "en": "photo not available"},
    "photos_more": {"zh": "另有 {0} 张照片未列出", "en": "{0} more photos not shown"},
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
          "handle": ("处置", "Handle"), "verify": ("核查", "Verify"),
          "arrival": ("报到", "Arrival")}
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
    "handling": ("处置", "Handling"), "responded": ("反馈", "Responded"),
    "department_released": ("解除协办", "Released from the incident"),
    "escalated_skip": ("越级上报", "Escalated past levels"),
    "whistled": ("吹哨", "Whistle blown"), "summoned": ("吹哨召集", "Summoned"),
    "arrived": ("报到", "Reported on site"),
}
_CLOSE_REASON = {"fixed": ("已处置", "fixed"), "duplicate": ("重复", "duplicate"),
                 "not_responsible": ("非本部门职责", "not our responsibility"),
                 "unable_to_fix": ("无法处置", "unable to fix"), "cancelled": ("注销", "cancelled")}
_VALUE = {"on": ("开启", "on"), "off": ("解除", "off"), "approved": ("批准", "approved"),
          "refused": ("驳回", "refused"), "near_due": ("临近超时", "near due"),
          "overdue": ("已超时", "overdue"), "street": ("街道", "street"),
          "community": ("社区", "community"), "on_time": ("按时", "in time"),
          "late": ("迟到", "late")}


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

    def lane(self, lane: str) -> str:
        """A timeline lane's name (incident, department, unit)."""
        return _pick(_LANE, lane, self.language)

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
        elif item.kind in ("escalated", "escalated_skip"):
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
