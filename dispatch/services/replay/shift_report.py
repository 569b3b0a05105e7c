"""The figures of a shift report: KPIs of a replay window (city, districts, departments),
its overdue and escalated incidents with their timelines, and the shift lead's bookmarks.
:func:`shift_report` computes them in two passes over the window (the files are written by
:mod:`dispatch.services.report`: names, csv_file, pdf)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from dispatch.domain import events as ev
from dispatch.domain.events import Event
from dispatch.domain.kpi import GroupBy, Kpi, compute_kpis
from dispatch.domain.media import Media
from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.timelimits import handled_on_time, is_overdue, running_clock
from dispatch.services.replay.timeline import IncidentTimeline, TimelineBuilder


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A note the shift lead pinned to an instant of the replay."""

    ts: float
    position: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class IncidentSummary:
    """One overdue or escalated incident of a shift report."""

    incident_id: str
    class_code: str
    priority: str
    grid: str
    status: str
    reported_at: float
    dispatched_at: float | None
    responded_at: float | None
    closed_at: float | None
    lead_department: str
    level: int
    supervised: bool
    overdue_stages: tuple[str, ...]
    overdue_s: float | None  # how long past the handling limit (at response, or at the end)
    escalations: int  # escalations in the window
    media: tuple[Media, ...] = ()  # its photos at the end of the window

    @property
    def overdue(self) -> bool:
        return bool(self.overdue_stages)

    @property
    def escalated(self) -> bool:
        return self.escalations > 0


def _summary(inc: Incident, end: float, stages: tuple[str, ...], escalations: int
             ) -> IncidentSummary:
    late: float | None = None
    if inc.handle_due is not None and stages:
        done = inc.responded_at if inc.responded_at is not None else (
            end if inc.is_open else None)
        if done is not None and done > inc.handle_due:
            late = done - inc.handle_due
    if late is None and stages and inc.is_open:
        c_due = {"dispatch": inc.dispatch_due, "acknowledge": inc.ack_due,
                 "verify": inc.verify_due}
        dues = [d for s in stages if (d := c_due.get(s)) is not None and d < end]
        if dues:
            late = end - min(dues)
    return IncidentSummary(
        incident_id=inc.id, class_code=inc.class_code, priority=inc.priority, grid=inc.grid,
        status=inc.status.value, reported_at=inc.reported_at, dispatched_at=inc.dispatched_at,
        responded_at=inc.responded_at, closed_at=inc.closed_at,
        lead_department=inc.lead_department, level=int(inc.level), supervised=inc.supervised,
        overdue_stages=stages, overdue_s=late, escalations=escalations, media=inc.media)


@dataclass(frozen=True, slots=True)
class ShiftReport:
    """Figures of a replay window (see :meth:`Replayer.shift_report`); KPI dicts are
    :meth:`dispatch.domain.kpi.Kpi.as_dict`, keyed by region code or department code."""

    start_ts: float
    end_ts: float
    first_seq: int
    last_seq: int
    events: int
    city: dict[str, float | int | None]
    by_district: dict[str, dict[str, float | int | None]]
    by_department: dict[str, dict[str, float | int | None]]
    incidents: tuple[IncidentSummary, ...]
    timelines: dict[str, IncidentTimeline]
    bookmarks: tuple[Bookmark, ...] = ()

    @property
    def overdue(self) -> tuple[IncidentSummary, ...]:
        return tuple(s for s in self.incidents if s.overdue)

    @property
    def escalated(self) -> tuple[IncidentSummary, ...]:
        return tuple(s for s in self.incidents if s.escalated)


class ReportWindow(Protocol):
    """What a shift report reads of a replay window (a :class:`Replayer`)."""

    end_ts: float

    def __len__(self) -> int: ...

    def ts_at(self, position: int) -> float: ...

    def seq_at(self, position: int) -> int: ...

    def state_at(self, position: int) -> DispatchState: ...

    def stream(self, start: int, end: int) -> Iterator[Event]: ...

    def step(self, state: DispatchState, e: Event) -> None: ...


def shift_report(window: ReportWindow, *, start: int = 0, end: int | None = None,
                 bookmarks: Sequence[Bookmark] = (), max_timelines: int | None = None,
                 progress: Callable[[int, int], None] | None = None) -> ShiftReport:
    """KPIs of the window (positions ``start`` to ``end``), its overdue and escalated
    incidents with their timelines. ``progress(done, total)`` is called now and then."""
    end = len(window) if end is None else end
    t_start, t_end = window.ts_at(start), window.ts_at(end)  # (both checked)
    if end == len(window):
        t_end = window.end_ts
    # Pass 1: what went overdue or was escalated; incidents archived on the way.
    state = window.state_at(start)
    archived: dict[str, Incident] = {}
    overdue: dict[str, set[str]] = {}
    escalated: dict[str, int] = {}
    total = end - start
    for n, e in enumerate(window.stream(start, end), start=1):
        p: Any = e.payload
        t = type(p)
        if t is ev.IncidentsArchived:
            for iid in p.incident_ids:
                inc = state.incidents.get(iid)
                if inc is not None:
                    archived[iid] = inc
        elif t is ev.IncidentClock and p.state == "overdue":
            overdue.setdefault(p.incident_id, set()).add(p.stage)
        elif t is ev.IncidentEscalated:
            escalated[p.incident_id] = escalated.get(p.incident_id, 0) + 1
        window.step(state, e)
        if progress is not None and n % 20000 == 0:
            progress(n, 2 * total)
    state.take_changes()
    every = dict(archived)
    every.update(state.incidents)
    for iid, inc in every.items():
        if inc.is_open and inc.reported_at < t_end and is_overdue(inc, t_end):
            overdue.setdefault(iid, set()).add(_overdue_stage(inc, t_end))
        elif (handled_on_time(inc) is False and inc.responded_at is not None
              and t_start <= inc.responded_at < t_end):
            overdue.setdefault(iid, set()).add("handle")
    union = DispatchState(incidents=every, units=state.units, seq=state.seq, ts=state.ts)
    kpis = {g.value: {k: v.as_dict() for k, v in sorted(
        compute_kpis(union, t_start, t_end, g).items())}
        for g in (GroupBy.CITY, GroupBy.DISTRICT, GroupBy.DEPARTMENT)}
    city = kpis[GroupBy.CITY.value].get("", Kpi().as_dict())
    summaries = []
    for iid in sorted(set(overdue) | set(escalated)):
        inc = every.get(iid)
        if inc is None:
            continue
        summaries.append(_summary(inc, t_end, tuple(sorted(overdue.get(iid, ()))),
                                  escalated.get(iid, 0)))
    summaries.sort(key=lambda s: (-(s.overdue_s or 0.0), s.incident_id))
    # Pass 2: timelines of those incidents.
    chosen = [s.incident_id for s in summaries]
    if max_timelines is not None:
        chosen = chosen[:max_timelines]
    timelines: dict[str, IncidentTimeline] = {}
    if chosen:
        state = window.state_at(start)
        builder = TimelineBuilder(set(chosen))
        builder.begin(state, t_start)
        pos = start
        for e in window.stream(start, end):
            pos += 1
            builder.observe(state, e, pos, window.step)
            if progress is not None and (pos - start) % 20000 == 0:
                progress(total + pos - start, 2 * total)
        timelines = builder.finish(state, t_end)
    if progress is not None:
        progress(1, 1)
    return ShiftReport(
        start_ts=t_start, end_ts=t_end, first_seq=window.seq_at(start) + 1,
        last_seq=window.seq_at(end), events=end - start, city=city,
        by_district=kpis[GroupBy.DISTRICT.value],
        by_department=kpis[GroupBy.DEPARTMENT.value], incidents=tuple(summaries),
        timelines=timelines, bookmarks=tuple(b for b in bookmarks
                                             if t_start <= b.ts <= t_end))


def _overdue_stage(inc: Incident, now: float) -> str:
    c = running_clock(inc)
    if c is not None and now >= c.due:
        return c.stage
    return "handle"
