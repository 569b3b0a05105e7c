"""An incident's timeline in a replay window: lanes for the incident, its departments and its
units, with the items (status changes, assignments, escalations, clocks…), the spans each lane
spent in one state and the time limits as they stood. :class:`TimelineBuilder` records them
while the events are applied to a state (:meth:`Replayer.incident_timeline`, the shift report).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dispatch.domain import events as ev
from dispatch.domain import joint
from dispatch.domain.events import Event
from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.status import IncidentStatus, TaskState

S = IncidentStatus

LANE_INCIDENT, LANE_DEPARTMENT, LANE_UNIT = "incident", "department", "unit"

_TASK_KINDS = {TaskState.ACKNOWLEDGED: "acknowledged", TaskState.HANDLING: "handling",
               TaskState.RESPONDED: "responded", TaskState.RELEASED: "department_released"}
"""The department lane's marker for a department reaching each state."""


@dataclass(frozen=True, slots=True)
class TimelineItem:
    """One marker of an incident's timeline.

    ``kind``: ``status`` (value: the new status), ``start`` (status at the window start),
    ``assigned``/``released``/``unit_status`` (unit lane), ``lead``/``assist`` and each
    department's own steps ``acknowledged``/``handling``/``responded``/``department_released``
    (department lane; a department's ``clock`` too), ``escalated`` and ``escalated_skip``
    (越级; value: the level reached), ``supervised`` (``on``/``off``),
    ``clock`` (``stage:state``), ``extension_requested``, ``extension_decided``
    (``approved``/``refused``), ``verify_failed``, ``rework``, ``returned``, ``note``,
    ``evaluated``, ``archived``; 吹哨报到: ``whistled`` (value: ``street``/``community``),
    ``summoned`` and ``arrived`` (``on_time``/``late``) on the department's lane.
    """

    ts: float
    seq: int
    position: int
    lane: str
    key: str
    kind: str
    value: str = ""
    detail: str = ""
    operator: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a lane in one state: the incident's status, a department on the incident
    (value ``lead``/``assist``) or a unit's status while on it. ``end`` None: still so."""

    lane: str
    key: str
    start: float
    end: float | None
    value: str


@dataclass(frozen=True, slots=True)
class Deadline:
    """A time limit as it stood from ``set_at``: stage ``dispatch``/``acknowledge``/
    ``handle``/``verify``; ``met_at`` when the stage was done (None: not in the window)."""

    stage: str
    due: float
    set_at: float
    met_at: float | None

    def overdue_at(self, end: float) -> bool:
        return (self.met_at if self.met_at is not None else end) > self.due


@dataclass(frozen=True, slots=True)
class IncidentTimeline:
    incident_id: str
    start_ts: float
    end_ts: float
    items: tuple[TimelineItem, ...]
    spans: tuple[Span, ...]
    deadlines: tuple[Deadline, ...]
    departments: tuple[str, ...]
    units: tuple[str, ...]
    record: Incident | None  # the incident at the end (None if it left the window unseen)

    def lane_keys(self) -> list[tuple[str, str]]:
        """Lanes top to bottom: the incident, its departments, its units."""
        return ([(LANE_INCIDENT, self.incident_id)]
                + [(LANE_DEPARTMENT, d) for d in self.departments]
                + [(LANE_UNIT, u) for u in self.units])


_DUE_STAGES = (("dispatch_due", "dispatch"), ("ack_due", "acknowledge"),
               ("handle_due", "handle"), ("verify_due", "verify"))
# The status (or event) that completes a stage.
_STAGE_DONE = {"dispatch": {S.DISPATCHED.value}, "acknowledge": {S.ACKNOWLEDGED.value},
               "handle": {S.RESPONDED.value}, "verify": {S.VERIFIED.value, S.CLOSED.value}}


@dataclass(slots=True)
class _Track:
    items: list[TimelineItem] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    open_spans: dict[tuple[str, str], tuple[float, str]] = field(default_factory=dict)
    deadlines: list[list[Any]] = field(default_factory=list)  # [stage, due, set_at, met_at]
    departments: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    record: Incident | None = None


class TimelineBuilder:
    """Builds the timelines of some incidents while the events are applied to a state."""

    def __init__(self, incident_ids: set[str]) -> None:
        self.targets = set(incident_ids)
        self.tracks: dict[str, _Track] = {iid: _Track() for iid in incident_ids}

    # -- spans

    def _open(self, tr: _Track, lane: str, key: str, ts: float, value: str) -> None:
        cur = tr.open_spans.get((lane, key))
        if cur is not None:
            if cur[1] == value:
                return
            tr.spans.append(Span(lane, key, cur[0], ts, cur[1]))
        tr.open_spans[(lane, key)] = (ts, value)

    def _close(self, tr: _Track, lane: str, key: str, ts: float) -> None:
        cur = tr.open_spans.pop((lane, key), None)
        if cur is not None:
            tr.spans.append(Span(lane, key, cur[0], ts, cur[1]))

    def _dept(self, tr: _Track, dept: str) -> None:
        if dept and dept not in tr.departments:
            tr.departments.append(dept)

    def _unit(self, tr: _Track, uid: str) -> None:
        if uid not in tr.units:
            tr.units.append(uid)

    def _dues(self, tr: _Track, inc: Incident, ts: float) -> None:
        for attr, stage in _DUE_STAGES:
            due = getattr(inc, attr)
            if due is None:
                continue
            same = [d for d in tr.deadlines if d[0] == stage]
            if not same or same[-1][1] != due:
                tr.deadlines.append([stage, due, ts, None])

    # -- the pass

    def begin(self, state: DispatchState, ts: float) -> None:
        """Record where the incidents stand at the start of the pass."""
        for iid in self.targets:
            inc = state.incidents.get(iid)
            if inc is None:
                continue
            tr = self.tracks[iid]
            tr.items.append(TimelineItem(ts, state.seq, 0, LANE_INCIDENT, iid, "start",
                                         inc.status.value))
            self._open(tr, LANE_INCIDENT, iid, ts, inc.status.value)
            for i, d in enumerate(inc.departments):
                self._dept(tr, d)
                if inc.is_open:
                    self._open(tr, LANE_DEPARTMENT, d, ts, "lead" if i == 0 and
                               inc.lead_department else "assist")
            for uid in inc.units:
                self._unit(tr, uid)
                u = state.units.get(uid)
                if u is not None:
                    self._open(tr, LANE_UNIT, uid, ts, u.status.value)
            self._dues(tr, inc, ts)
            done = {"dispatch": inc.dispatched_at, "acknowledge": inc.acknowledged_at,
                    "handle": inc.responded_at, "verify": inc.verified_at or inc.closed_at}
            for dl in tr.deadlines:  # stages done before the window began
                dl[3] = done[dl[0]]
            tr.record = inc

    def observe(self, state: DispatchState, e: Event, position: int,
                step: Callable[[DispatchState, Event], None]) -> None:
        """Apply ``e`` to ``state`` with ``step`` and record what it did to the incidents."""
        p: Any = e.payload
        t = type(p)
        iid = getattr(p, "incident_id", None)
        if t is ev.UnitStatusChanged:
            u = state.units.get(p.unit_id)
            on = u.incident_id if u is not None else ""
            step(state, e)
            if on in self.targets:
                tr = self.tracks[on]
                tr.items.append(TimelineItem(e.ts, e.seq, position, LANE_UNIT, p.unit_id,
                                             "unit_status", p.status, operator=e.operator))
                after = state.units.get(p.unit_id)
                if after is not None and after.incident_id == on:
                    self._open(tr, LANE_UNIT, p.unit_id, e.ts, p.status)
                else:
                    self._close(tr, LANE_UNIT, p.unit_id, e.ts)
            return
        if t is ev.IncidentsArchived:
            hit = [i for i in p.incident_ids if i in self.targets]
            step(state, e)
            for i in hit:
                tr = self.tracks[i]
                tr.items.append(TimelineItem(e.ts, e.seq, position, LANE_INCIDENT, i,
                                             "archived", operator=e.operator))
            return
        if iid is None or iid not in self.targets:
            step(state, e)
            return
        tr = self.tracks[iid]
        before = state.incidents.get(iid)
        b_status = before.status.value if before is not None else ""
        b_units = before.units if before is not None else ()
        b_depts = before.departments if before is not None else ()
        b_tasks = {x.department: x.state for x in joint.tasks_of(before)} \
            if before is not None else {}
        b_unit_status = {u: state.units[u].status.value for u in b_units if u in state.units}
        step(state, e)
        inc = state.incidents.get(iid)
        if inc is None:
            return
        tr.record = inc
        ts, seq, op = e.ts, e.seq, e.operator

        def item(lane: str, key: str, kind: str, value: str = "", detail: str = "") -> None:
            tr.items.append(TimelineItem(ts, seq, position, lane, key, kind, value, detail, op))

        status = inc.status.value
        if status != b_status:
            item(LANE_INCIDENT, iid, "status", status, _detail(p))
            self._open(tr, LANE_INCIDENT, iid, ts, status)
            for dl in tr.deadlines:
                if dl[3] is None and status in _STAGE_DONE[dl[0]] and dl[2] <= ts:
                    dl[3] = ts
        # departments
        if t is ev.IncidentDispatched:
            self._dept(tr, p.lead_department)
            item(LANE_DEPARTMENT, p.lead_department, "lead")
            self._open(tr, LANE_DEPARTMENT, p.lead_department, ts, "lead")
            for d in p.assist_departments:
                self._dept(tr, d)
                item(LANE_DEPARTMENT, d, "assist")
                self._open(tr, LANE_DEPARTMENT, d, ts, "assist")
        else:
            for d in inc.departments:
                if d not in b_depts:
                    self._dept(tr, d)
                    item(LANE_DEPARTMENT, d, "assist", detail=_detail(p))
                    self._open(tr, LANE_DEPARTMENT, d, ts, "assist")
        for task in inc.tasks:  # each department's own steps
            kind = _TASK_KINDS.get(task.state)
            if kind is not None and b_tasks.get(task.department) != task.state:
                self._dept(tr, task.department)
                item(LANE_DEPARTMENT, task.department, kind, "", _detail(p))
        for d in b_depts:
            if d not in inc.departments:
                self._close(tr, LANE_DEPARTMENT, d, ts)
        if not inc.is_open:
            for d in inc.departments:
                self._close(tr, LANE_DEPARTMENT, d, ts)
        # units
        for uid in inc.units:
            if uid not in b_units:
                self._unit(tr, uid)
                item(LANE_UNIT, uid, "assigned")
                u = state.units.get(uid)
                self._open(tr, LANE_UNIT, uid, ts, u.status.value if u is not None else "")
        for uid in b_units:
            if uid in inc.units:
                continue
            u = state.units.get(uid)
            now = u.status.value if u is not None else ""
            item(LANE_UNIT, uid, "released", now)
            self._close(tr, LANE_UNIT, uid, ts)
        for uid, was in b_unit_status.items():
            u = state.units.get(uid)
            if uid in inc.units and u is not None and u.status.value != was:
                item(LANE_UNIT, uid, "unit_status", u.status.value)
                self._open(tr, LANE_UNIT, uid, ts, u.status.value)
        # incident lane
        if t is ev.IncidentEscalated:
            item(LANE_INCIDENT, iid, "escalated_skip" if p.skipped else "escalated",
                 str(p.level), p.reason)
        elif t is ev.IncidentClock and p.department:
            item(LANE_DEPARTMENT, p.department, "clock", f"{p.stage}:{p.state}")
        elif t is ev.IncidentSupervised:
            item(LANE_INCIDENT, iid, "supervised", "on" if p.on else "off", p.note)
        elif t is ev.IncidentClock:
            item(LANE_INCIDENT, iid, "clock", f"{p.stage}:{p.state}")
        elif t is ev.ExtensionRequested:
            item(LANE_INCIDENT, iid, "extension_requested", str(p.minutes), p.reason)
        elif t is ev.ExtensionDecided:
            item(LANE_INCIDENT, iid, "extension_decided",
                 "approved" if p.approved else "refused", p.note)
        elif t is ev.IncidentVerified and not p.passed:
            item(LANE_INCIDENT, iid, "verify_failed", "", p.note)
        elif t is ev.IncidentReworked:
            item(LANE_INCIDENT, iid, "rework", "", p.reason)
        elif t is ev.IncidentReturned:
            item(LANE_INCIDENT, iid, "returned", "", p.reason)
        elif t is ev.IncidentNoted:
            item(LANE_INCIDENT, iid, "note", "", p.text)
        elif t is ev.IncidentEvaluated:
            item(LANE_INCIDENT, iid, "evaluated", str(p.score), p.comment)
        elif t is ev.IncidentWhistled:
            item(LANE_INCIDENT, iid, "whistled", p.level, p.reason)
            for d in p.departments:
                self._dept(tr, d)
                item(LANE_DEPARTMENT, d, "summoned", "", p.reason)
        elif t is ev.DepartmentArrived:
            sm = next((x for x in inc.summoned if x.department == p.department), None)
            late = sm is not None and sm.arrived_at is not None and sm.arrived_at > sm.due
            self._dept(tr, p.department)
            item(LANE_DEPARTMENT, p.department, "arrived", "late" if late else "on_time",
                 p.note)
        if inc.is_open or status != b_status:
            self._dues(tr, inc, ts)

    def finish(self, state: DispatchState, end_ts: float) -> dict[str, IncidentTimeline]:
        out: dict[str, IncidentTimeline] = {}
        for iid, tr in self.tracks.items():
            if not tr.items:
                continue
            spans = list(tr.spans) + [Span(lane, key, start, None, value)
                                      for (lane, key), (start, value) in tr.open_spans.items()]
            spans.sort(key=lambda s: (s.start, s.lane, s.key))
            out[iid] = IncidentTimeline(
                incident_id=iid, start_ts=tr.items[0].ts, end_ts=end_ts,
                items=tuple(tr.items), spans=tuple(spans),
                deadlines=tuple(Deadline(d[0], d[1], d[2], d[3]) for d in tr.deadlines),
                departments=tuple(tr.departments), units=tuple(tr.units),
                record=state.incidents.get(iid, tr.record))
        return out


def _detail(p: Any) -> str:
    for name in ("reason", "note", "result", "text", "comment"):
        v = getattr(p, name, None)
        if isinstance(v, str) and v:
            return v
    return ""
