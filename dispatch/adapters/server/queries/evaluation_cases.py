"""evaluation_cases: the incidents behind one number of the evaluation (drill-through, 穿透),
scoped and computed like ``evaluation`` (dispatch.domain.evaluation_cases)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dispatch.adapters.protocol.messages import ok_reply, take_args
from dispatch.adapters.server.evaluation_data import (
    PERIOD_ARGS,
    ArchiveCache,
    grid_workers,
    level_of,
    live_incidents,
    window_of,
    with_archived,
)
from dispatch.adapters.server.queries.base import Answer, Call, busy
from dispatch.domain.errors import InvalidCommand, NotFound
from dispatch.domain.evaluation import Level, level_key
from dispatch.domain.evaluation_cases import (
    RULES,
    WHISTLE,
    WORKER_INDICATORS,
    Case,
    cases,
    worker_cases,
)
from dispatch.domain.roles import Permission

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer

MAX_CASES = 2000


def case_json(c: Case) -> dict[str, Any]:
    i = c.incident
    return {"id": i.id, "counted": c.counted, "value": c.value, "grid": i.grid,
            "class_code": i.class_code, "priority": i.priority, "source": i.source,
            "status": i.status.value, "lead_department": i.lead_department,
            "reported_at": i.reported_at, "dispatched_at": i.dispatched_at,
            "closed_at": i.closed_at, "close_reason": i.close_reason,
            "description": i.description[:80]}


def evaluation_cases(server: DispatchServer, call: Call,
                     cache: ArchiveCache | None = None) -> Answer:
    actor = call.who
    actor.require(Permission.READ, "read the evaluation")
    a = take_args(call.req.args, {"level": (str, ...), "code": (str, ...),
                                  "indicator": (str, ...), **PERIOD_ARGS,
                                  "previous": (bool, False)}, "evaluation_cases")
    what = "evaluation_cases"
    level = level_of(what, a["level"])
    code, indicator = a["code"], a["indicator"]
    known = WORKER_INDICATORS if level == Level.GRID_WORKER else (*RULES, WHISTLE)
    if indicator not in known:
        raise InvalidCommand(f"{what}.indicator must be one of {', '.join(known)} for level "
                             f"{level.value}, got {indicator!r}")
    engine = server.engine
    clock = engine.clock()
    w = window_of(what, a, clock)
    start, end = (w.prev_start, w.prev_end) if a["previous"] else (w.start, w.end)
    now = min(end, clock)
    worker = None
    if level == Level.GRID_WORKER:
        worker = next((x for x in grid_workers(engine.city, actor) if x.unit_id == code), None)
        if worker is None:
            raise NotFound(f"no grid worker {code!r}")
    live = live_incidents(engine.state, actor)
    store, seq, req = server.store, engine.state.seq, call.req

    def compute() -> dict[str, Any]:
        incidents, _ = with_archived(live, store, start, end, actor.scope, cache)
        if worker is not None:
            found = worker_cases(incidents, worker, indicator, start, end, now)
        else:
            found = cases(incidents, level_key(level), code, indicator, start, end, now,
                          by_department=level == Level.DEPARTMENT)
        return {"level": level.value, "code": code, "indicator": indicator, "start": start,
                "end": end, "now": now, "scope": actor.scope, "total": len(found),
                "counted": sum(c.counted for c in found),
                "truncated": len(found) > MAX_CASES,
                "cases": [case_json(c) for c in found[:MAX_CASES]]}

    if store is None:
        return compute()

    def job() -> tuple[bytes, None]:
        return ok_reply(req.id, seq, compute()), None

    if not server.backoffice.submit(call.envelope, req.id, job):
        raise busy(server)
    return None
