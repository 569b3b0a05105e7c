"""What the evaluation queries read: the period from their arguments, the incidents of the
caller's scope (the live ones, copied on the loop, plus the archived records of the period
from the store's read model, read off the loop), the grid workers and their patrol tracks.

See docs/KPI.md "Archived incidents" and docs/PROTOCOL.md "Evaluation".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dispatch.adapters.collector import collector_paused
from dispatch.domain.city.model import City
from dispatch.domain.errors import InvalidCommand
from dispatch.domain.evaluation import Counts, EvaluationRow, Level, evaluate
from dispatch.domain.evaluation_compare import compare
from dispatch.domain.evaluation_period import Period, PeriodKind, parse_day, period_at, period_of
from dispatch.domain.evaluation_posts import INDICATORS as WORKER_INDICATORS
from dispatch.domain.evaluation_posts import GridWorker, evaluate_grid_workers
from dispatch.domain.events import UnitsMoved
from dispatch.domain.kpi import Kpi
from dispatch.domain.patrol import TrackPoint
from dispatch.domain.patrol_raster import Visits
from dispatch.domain.roles import Actor
from dispatch.domain.state import INCIDENT_CODEC, DispatchState, Incident
from dispatch.services.patrol import visits_between
from dispatch.services.ports import ArchiveLog, PatrolLog

LEVELS = ", ".join(level.value for level in Level)
KINDS = ", ".join(k.value for k in PeriodKind)
PERIOD_ARGS: dict[str, tuple[Any, Any]] = {
    "start": (float | str | None, None), "end": (float | str | None, None),
    "period": (str | None, None), "at": (float | str | None, None)}


def instant(what: str, name: str, value: float | str) -> float:
    """Epoch seconds, or an ISO 8601 date-time with its UTC offset."""
    if isinstance(value, str):
        try:
            t = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidCommand(f"{what}.{name}: {value!r} is not an ISO 8601 date-time "
                                 "(e.g. 2026-11-01T00:00:00+08:00) or epoch seconds") from None
        if t.tzinfo is None:
            raise InvalidCommand(f"{what}.{name}: {value!r} has no UTC offset "
                                 "(e.g. 2026-11-01T00:00:00+08:00)")
        return t.timestamp()
    return float(value)


def level_of(what: str, value: str) -> Level:
    try:
        return Level(value)
    except ValueError:
        raise InvalidCommand(f"{what}.level must be one of {LEVELS}, got {value!r}") from None


@dataclass(frozen=True, slots=True)
class Window:
    """The period asked for, and the one it is compared with (same kind, just before; for
    explicit bounds, the same length just before)."""

    start: float
    end: float
    period: Period | None
    prev_start: float
    prev_end: float

    def as_dict(self) -> dict[str, Any]:
        prev = self.period.previous().as_dict() if self.period is not None else \
            {"kind": None, "label": None, "start": self.prev_start, "end": self.prev_end}
        return {"start": self.start, "end": self.end,
                "period": None if self.period is None else self.period.as_dict(),
                "previous_period": prev}


def window_of(what: str, a: dict[str, Any], clock: float) -> Window:
    """The window of the arguments: ``period`` (``day``, ``month``, ``quarter``) with an
    optional ``at`` (a day ``2026-11-07``, a month ``2026-11``, a quarter ``2026-Q4``, or an
    instant; default: now), or explicit ``start`` and ``end``."""
    if a["period"] is not None:
        if a["start"] is not None or a["end"] is not None:
            raise InvalidCommand(f"{what}: give either period (and at) or start and end, "
                                 "not both")
        try:
            kind = PeriodKind(a["period"])
        except ValueError:
            raise InvalidCommand(f"{what}.period must be one of {KINDS}, "
                                 f"got {a['period']!r}") from None
        at = a["at"]
        if at is None:
            p = period_at(kind, clock)
        elif isinstance(at, str) and "T" not in at:
            try:
                p = period_of(kind, parse_day(at))
            except ValueError:
                raise InvalidCommand(f"{what}.at: {at!r} is not a day (2026-11-07), a month "
                                     "(2026-11), a quarter (2026-Q4) or an instant") from None
        else:
            p = period_at(kind, instant(what, "at", at))
        prev = p.previous()
        return Window(p.start, p.end, p, prev.start, prev.end)
    if a["at"] is not None:
        raise InvalidCommand(f"{what}.at goes with period")
    if a["start"] is None or a["end"] is None:
        raise InvalidCommand(f"{what}: give period (day, month or quarter) or both start "
                             "and end")
    start, end = instant(what, "start", a["start"]), instant(what, "end", a["end"])
    if not end > start:
        raise InvalidCommand(f"{what}: the period's end ({end}) must come after its "
                             f"start ({start})")
    # bounds that are exactly a calendar day, month or quarter are compared with the one
    # before it (October for November, not the 30 days before 1 November)
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.DAY):
        p = period_at(kind, start)
        if (p.start, p.end) == (start, end):
            prev = p.previous()
            return Window(start, end, None, prev.start, prev.end)
    return Window(start, end, None, start - (end - start), start)


def live_incidents(state: DispatchState, actor: Actor) -> list[Incident]:
    """Copies of the live incidents in the actor's scope (taken on the loop: the projection
    changes records in place)."""
    clone = INCIDENT_CODEC.clone
    return [clone(inc) for inc in state.incidents.values() if actor.in_scope(inc.grid)]


class ArchiveCache:
    """The archived records last read for a few windows, topped up with those archived
    since (archived records never change, so a window's records only grow): the evaluation
    panel, the wall's tiles and the monthly report ask for the same month again and again.
    Used from the backoffice thread only."""

    def __init__(self, windows: int = 2) -> None:
        self.windows = windows
        self._kept: dict[tuple[float, float, str], tuple[int, list[Incident]]] = {}

    def read(self, store: ArchiveLog, start: float, end: float, scope: str) -> list[Incident]:
        key = (start, end, scope)
        mark = store.archive_seq()
        kept = self._kept.pop(key, None)
        if kept is None:
            records = store.archived_between(start, end, scope)
        elif kept[0] < mark:  # by id: a record may have been read just as it was written
            more = store.archived_between(start, end, scope, after_seq=kept[0])
            records = list({i.id: i for i in (*kept[1], *more)}.values())
        else:
            records = kept[1]
        self._kept[key] = (mark, records)  # most recent last
        while len(self._kept) > self.windows:
            self._kept.pop(next(iter(self._kept)))
        return records


def with_archived(live: list[Incident], store: object, start: float, end: float,
                  scope: str, cache: ArchiveCache | None = None) -> tuple[list[Incident], int]:
    """The live incidents and the archived records that can count in ``[start, end)``
    (an id in both: the live record wins); the number of archived records added."""
    if not isinstance(store, ArchiveLog):
        return live, 0
    ids = {inc.id for inc in live}
    with collector_paused():  # tens of thousands of acyclic records decoded at once
        read = cache.read(store, start, end, scope) if cache is not None else \
            store.archived_between(start, end, scope)
    archived = [inc for inc in read if inc.id not in ids]
    return live + archived, len(archived)


def grid_workers(city: City, actor: Actor) -> list[GridWorker]:
    """The grid workers of the grids in the actor's scope (each grid's ``worker_id``)."""
    return [GridWorker(r.worker_id, r.worker_name or r.worker_id, r.code)
            for r in sorted(city.grids(), key=lambda r: r.code)
            if r.worker_id and actor.in_scope(r.code)]


def patrol_tracks(store: Any, start: float, end: float, units: set[str]
                  ) -> dict[str, list[TrackPoint]]:
    """The position reports of ``units`` from ``start`` to ``end`` (the events), by unit."""
    out: dict[str, list[TrackPoint]] = {}
    if store is None or not units or not hasattr(store, "seq_span"):
        return out
    span = store.seq_span(start, end)
    if span is None:
        return out
    for e in store.position_reports(span[0], span[1], units if len(units) <= 8 else None):
        if not isinstance(e.payload, UnitsMoved) or not start <= e.ts < end:
            continue
        for uid, lon, lat in e.payload.rows:
            if uid in units:
                out.setdefault(uid, []).append((e.ts, lon, lat))
    return out


def patrol_visits(store: Any, start: float, end: float, now: float, units: set[str]
                  ) -> dict[str, Visits] | None:
    """The visited cells of ``units`` in ``[start, end)`` seen at ``now``, from the store's
    patrol read model (docs/KPI.md "Posts"); None for a store without one (then the tracks
    are read from the events: :func:`patrol_tracks`)."""
    if not units or not isinstance(store, PatrolLog):
        return None
    with collector_paused():
        return visits_between(store, start, end, now, units)


def namer(level: Level, city: City, departments: dict[str, Any]) -> Callable[[str], str]:
    """The name of a row's code: the region's, the department's (Chinese), else the code
    (a dispatcher's operator id)."""
    if level == Level.DEPARTMENT:
        return lambda code: getattr(departments.get(code), "name_zh", code)
    if level == Level.DISPATCHER:
        return lambda code: code
    return lambda code: getattr(city.regions.get(code), "name", code)


def incident_indicators() -> list[str]:
    """The indicator names of a region, department or dispatcher row (as the rows have them:
    an indicator added to the evaluation comes along)."""
    return list(EvaluationRow("", Kpi(), Counts(), None, 0).indicators())


def rows_for(level: Level, incidents: Sequence[Incident], start: float, end: float,
             now: float, name_of: Callable[[str], str], *, workers: Sequence[GridWorker] = (),
             tracks: dict[str, list[TrackPoint]] | None = None, city: City | None = None,
             visits: dict[str, Visits] | None = None) -> list[dict[str, Any]]:
    """The answer rows of one period (``name`` added by ``name_of``)."""
    # every instant on a record comes at or after its report: later reports cannot count
    incidents = [inc for inc in incidents if inc.reported_at < end]
    if level == Level.GRID_WORKER:
        grids = {w.grid: city.regions[w.grid].geometry for w in workers
                 if city is not None and w.grid in city.regions}
        return [r.as_dict() for r in evaluate_grid_workers(workers, incidents, start, end,
                                                           now=now, tracks=tracks, grids=grids,
                                                           visits=visits)]
    if now < start:
        return []
    out = []
    for r in evaluate(incidents, start, end, level, now=now):
        d = r.as_dict()
        d["name"] = name_of(r.code)
        out.append(d)
    return out


def answer_rows(level: Level, current: list[dict[str, Any]], previous: list[dict[str, Any]]
                ) -> tuple[list[str], list[dict[str, Any]]]:
    """The indicator names of the level and the rows with ``previous`` and ``change``."""
    names = list(WORKER_INDICATORS) if level == Level.GRID_WORKER else incident_indicators()
    return names, compare(current, previous, names)
