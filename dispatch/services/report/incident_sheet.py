"""A printable one-page summary of one incident, as HTML for a rich-text printer (the console
prints it with ``QTextDocument`` into a PDF, embedding a CJK font).

From the incident's events (the ``history`` query with ``incident_id``) the replay's timeline
code rebuilds the record and its timeline: the header (id, class, priority, status, where,
when, source, external reference), the departments with their own state, the units, the
timeline (times and operators) and the notes. Names come from :class:`.names.Names`, in
Chinese or English like the shift report. Pure: no I/O, no Qt.
"""

from __future__ import annotations

import copy
import html
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dispatch.domain.events import Event
from dispatch.domain.state import DispatchState, Incident, UnitState
from dispatch.services.replay import IncidentTimeline, Replayer, ReplayError
from dispatch.services.report.names import Names

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("事件摘要", "Incident summary"),
    "class": ("类别", "Class"), "priority": ("紧急程度", "Priority"),
    "status": ("状态", "Status"), "level": ("处置层级", "Level"),
    "district": ("区", "District"), "street": ("街道", "Street"),
    "community": ("社区", "Community"), "grid": ("网格", "Grid"),
    "position": ("位置", "Position"), "reported_at": ("上报时间", "Reported"),
    "source": ("来源", "Source"), "external_ref": ("外部编号", "External ref"),
    "reporter": ("上报人", "Reporter"), "description": ("描述", "Description"),
    "supervised": ("督办", "Supervised"), "closed_at": ("结案时间", "Closed"),
    "departments": ("部门", "Departments"), "department": ("部门", "Department"),
    "role": ("角色", "Role"), "state": ("状态", "State"), "dispatched_at": ("派遣", "Sent"),
    "acknowledged_at": ("签收", "Acknowledged"), "responded_at": ("反馈", "Responded"),
    "ack_due": ("签收时限", "Acknowledge by"), "handle_due": ("处置时限", "Handle by"),
    "units": ("力量", "Units"), "timeline": ("时间线", "Timeline"),
    "time": ("时间", "Time"), "what": ("动作", "What"), "lane": ("对象", "Lane"),
    "detail": ("说明", "Detail"), "operator": ("操作员", "Operator"),
    "notes": ("备注", "Notes"), "none": ("无", "None"), "yes": ("是", "yes"),
    "generated": ("生成时间", "Generated"),
    "more": ("另有 {0} 条未列出", "{0} more not listed"),
}
_ROLE = {"lead": ("主办", "lead"), "assist": ("协办", "assisting")}
_TASK = {"dispatched": ("已派遣", "sent"), "acknowledged": ("已签收", "acknowledged"),
         "handling": ("处置中", "handling"), "responded": ("已反馈", "responded"),
         "released": ("已解除", "released")}
_SOURCE = {"patrol": ("网格员巡查", "grid worker patrol"), "hotline": ("12345 热线", "12345 hotline"),
           "citizen_app": ("市民 App", "citizen app"), "iot": ("物联感知", "IoT sensor"),
           "video": ("视频分析", "video analytics"), "higher_level": ("上级交办", "higher level"),
           "110": ("110 转办", "110 hand-over")}

MAX_TIMELINE_ROWS = 40
"""Timeline rows at most (a one-page summary); the rest are counted."""


def _t(table: dict[str, tuple[str, str]], key: str, names: Names) -> str:
    got = table.get(key)
    if got is None:
        return key
    return got[0] if names.language == "zh" else got[1]


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass(frozen=True, slots=True)
class IncidentSheet:
    """What the summary shows: the record at its last event and the timeline."""

    incident_id: str
    record: Incident
    timeline: IncidentTimeline


def build_sheet(events: Sequence[Event], incident_id: str,
                units: Mapping[str, UnitState] | None = None) -> IncidentSheet:
    """The incident rebuilt from its events (oldest first); :class:`ReplayError` if they do
    not hold it. The incident's history does not register its units: ``units`` (the live
    ones, copied here) stand in, or assignments would be lost on the way."""
    if not events:
        raise ReplayError(f"no events of incident {incident_id!r}")
    base = DispatchState()
    named = {u for e in events for u in getattr(e.payload, "units", ()) or ()}
    for uid in named:
        unit = (units or {}).get(uid)
        if unit is not None:
            base.units[uid] = copy.copy(unit)
    base.take_changes()
    replayer = Replayer.from_events(base, list(events), tolerant=True)
    timeline = replayer.incident_timeline(incident_id)
    if timeline.record is None:
        raise ReplayError(f"incident {incident_id!r} is not in its events")
    return IncidentSheet(incident_id, timeline.record, timeline)


def sheet_html(sheet: IncidentSheet, names: Names, *, generated_ts: float | None = None,
               max_rows: int = MAX_TIMELINE_ROWS) -> str:
    """The summary as HTML (the subset ``QTextDocument`` renders: tables, inline styles)."""
    rec, t = sheet.record, (lambda key: _t(_TEXT, key, names))
    grid = rec.grid
    where = [(t("district"), names.region(grid[:6])), (t("street"), names.region(grid[:9])),
             (t("community"), names.region(grid[:12])),
             (t("grid"), f"{names.region(grid)} ({grid})" if names.region(grid) != grid
              else grid)]
    fields = [
        (t("class"), f"{names.class_name(rec.class_code)} ({rec.class_code})"),
        (t("priority"), names.priority(rec.priority)),
        (t("status"), names.status(rec.status.value)),
        (t("level"), names.level(int(rec.level))),
        *where,
        (t("position"), f"{rec.lon:.6f}, {rec.lat:.6f}"),
        (t("reported_at"), names.time(rec.reported_at, seconds=True)),
        (t("source"), _t(_SOURCE, rec.source, names)),
        (t("external_ref"), rec.external_ref or "—"),
        (t("reporter"), rec.reporter or "—"),
        (t("supervised"), t("yes") if rec.supervised else "—"),
        (t("closed_at"), names.time(rec.closed_at, seconds=True) or "—"),
    ]
    out: list[str] = [
        "<html><body style='font-size:9pt; color:#1b2631'>",
        f"<p style='font-size:16pt; font-weight:bold; margin:0'>{_e(t('title'))} "
        f"{_e(rec.id)}</p>",
        f"<p style='color:#6b7280; margin:0'>{_e(names.city_name)} · {_e(t('generated'))}: "
        f"{_e(names.time(generated_ts if generated_ts is not None else time.time()))} "
        f"({_e(names.zone())})</p>",
        f"<p style='margin-top:6px'><b>{_e(t('description'))}:</b> {_e(rec.description)}</p>",
        "<table width='100%' cellspacing='0' cellpadding='2' style='border-collapse:collapse'>",
    ]
    for i in range(0, len(fields), 2):
        cells = "".join(f"<td width='14%' style='color:#6b7280'>{_e(k)}</td>"
                        f"<td width='36%'>{_e(v)}</td>" for k, v in fields[i:i + 2])
        out.append(f"<tr>{cells}</tr>")
    out.append("</table>")

    def table(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        out.append(f"<p style='font-size:11pt; font-weight:bold; margin-top:8px; "
                   f"margin-bottom:2px'>{_e(title)}</p>")
        if not rows:
            out.append(f"<p style='color:#6b7280'>{_e(t('none'))}</p>")
            return
        out.append("<table width='100%' cellspacing='0' cellpadding='2' border='0.5' "
                   "style='border-collapse:collapse; border-color:#c9d2dc'>")
        out.append("<tr style='background-color:#23364a; color:white'>"
                   + "".join(f"<th align='left'>{_e(h)}</th>" for h in header) + "</tr>")
        for n, row in enumerate(rows):
            bg = " style='background-color:#eef2f6'" if n % 2 else ""
            out.append(f"<tr{bg}>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
        out.append("</table>")

    table(t("departments"),
          [t("department"), t("role"), t("state"), t("dispatched_at"), t("acknowledged_at"),
           t("responded_at"), t("ack_due"), t("handle_due")],
          [[names.department(task.department), _t(_ROLE, task.role.value, names),
            _t(_TASK, task.state.value, names), names.time(task.dispatched_at),
            names.time(task.acknowledged_at), names.time(task.responded_at),
            names.time(task.ack_due), names.time(task.handle_due)] for task in rec.tasks])
    units = list(dict.fromkeys([*sheet.timeline.units, *rec.units]))
    out.append(f"<p style='font-size:11pt; font-weight:bold; margin-top:8px; "
               f"margin-bottom:2px'>{_e(t('units'))}</p>")
    out.append(f"<p>{_e('、'.join(names.unit(u) for u in units) or t('none'))}</p>")
    items = [it for it in sheet.timeline.items if it.kind != "start"]
    table(t("timeline"), [t("time"), t("lane"), t("what"), t("detail"), t("operator")],
          [[names.time(it.ts, seconds=True),
            f"{names.lane(it.lane)} · {names.lane_key(it.lane, it.key)}",
            names.item(it), names.detail(it), it.operator] for it in items[:max_rows]])
    if len(items) > max_rows:
        out.append(f"<p style='color:#6b7280'>"
                   f"{_e(t('more').replace('{0}', str(len(items) - max_rows)))}</p>")
    table(t("notes"), [t("time"), t("operator"), t("notes")],
          [[names.time(n.ts, seconds=True), n.operator, n.text] for n in rec.notes])
    out.append("</body></html>")
    return "\n".join(out)
