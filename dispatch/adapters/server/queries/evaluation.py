"""evaluation: the indicators and ranking of a period per region level, department or post
(dispatch.domain.evaluation, dispatch.domain.evaluation_posts) over the incidents in the
caller's region scope, live and archived, with the period before it for the month-on-month
comparison. The live records are copied on the loop; the archived ones are read, and
everything computed, off the loop (the backoffice thread)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dispatch.adapters.protocol.messages import ok_reply, take_args
from dispatch.adapters.server.evaluation_data import (
    PERIOD_ARGS,
    ArchiveCache,
    answer_rows,
    grid_workers,
    level_of,
    live_incidents,
    namer,
    patrol_tracks,
    patrol_visits,
    rows_for,
    window_of,
    with_archived,
)
from dispatch.adapters.server.queries.base import Answer, Call, busy
from dispatch.domain.evaluation import Level
from dispatch.domain.roles import Permission

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


def evaluation(server: DispatchServer, call: Call, cache: ArchiveCache | None = None
               ) -> Answer:
    actor = call.who
    actor.require(Permission.READ, "read the evaluation")
    a = take_args(call.req.args, {"level": (str, ...), **PERIOD_ARGS,
                                  "compare": (bool, True)}, "evaluation")
    level = level_of("evaluation", a["level"])
    engine = server.engine
    clock = engine.clock()
    w = window_of("evaluation", a, clock)
    now = min(w.end, clock)
    prev_now = min(w.prev_end, clock)
    live = live_incidents(engine.state, actor)
    workers = grid_workers(engine.city, actor) if level == Level.GRID_WORKER else []
    name_of = namer(level, engine.city, engine.catalogue.departments)
    store, seq, req = server.store, engine.state.seq, call.req
    city = engine.city

    def compute() -> dict[str, Any]:
        first = w.prev_start if a["compare"] else w.start
        incidents, archived = with_archived(live, store, first, w.end, actor.scope, cache)
        units = {x.unit_id for x in workers}
        visits = patrol_visits(store, w.start, w.end, now, units)
        prev_visits = patrol_visits(store, w.prev_start, w.prev_end, prev_now, units) \
            if a["compare"] else None
        tracks = patrol_tracks(store, first, w.end, units) \
            if workers and visits is None else None
        current = rows_for(level, incidents, w.start, w.end, now, name_of, workers=workers,
                           tracks=tracks, city=city, visits=visits)
        previous = rows_for(level, incidents, w.prev_start, w.prev_end, prev_now, name_of,
                            workers=workers, tracks=tracks, city=city, visits=prev_visits) \
            if a["compare"] else []
        names, rows = answer_rows(level, current, previous)
        if not a["compare"]:
            for r in rows:
                r.pop("previous", None)
                r.pop("change", None)
        return {"level": level.value, **w.as_dict(), "now": now, "scope": actor.scope,
                "indicators": names, "archived": archived, "rows": rows}

    if store is None:
        return compute()

    def job() -> tuple[bytes, None]:
        return ok_reply(req.id, seq, compute()), None

    if not server.backoffice.submit(call.envelope, req.id, job):
        raise busy(server)
    return None
