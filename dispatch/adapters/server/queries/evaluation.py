"""evaluation: the indicators and ranking of a period per region level or department
(dispatch.domain.evaluation), over the incidents in the caller's region scope."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dispatch.adapters.protocol.messages import take_args
from dispatch.adapters.server.queries.base import Answer, Call
from dispatch.domain.errors import InvalidCommand
from dispatch.domain.evaluation import Level, evaluate
from dispatch.domain.roles import Permission

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer

LEVELS = ", ".join(level.value for level in Level)


def instant(name: str, value: float | str) -> float:
    """Epoch seconds, or an ISO 8601 date-time with its UTC offset."""
    if isinstance(value, str):
        try:
            t = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidCommand(f"evaluation.{name}: {value!r} is not an ISO 8601 date-time "
                                 "(e.g. 2026-11-01T00:00:00+08:00) or epoch seconds") from None
        if t.tzinfo is None:
            raise InvalidCommand(f"evaluation.{name}: {value!r} has no UTC offset "
                                 "(e.g. 2026-11-01T00:00:00+08:00)")
        return t.timestamp()
    return float(value)


def evaluation(server: DispatchServer, call: Call) -> Answer:
    actor = call.who
    actor.require(Permission.READ, "read the evaluation")
    a = take_args(call.req.args, {"level": (str, ...), "start": (float | str, ...),
                                  "end": (float | str, ...)}, "evaluation")
    try:
        level = Level(a["level"])
    except ValueError:
        raise InvalidCommand(f"evaluation.level must be one of {LEVELS}, "
                             f"got {a['level']!r}") from None
    start, end = instant("start", a["start"]), instant("end", a["end"])
    if not end > start:
        raise InvalidCommand(f"evaluation: the period's end ({end}) must come after its "
                             f"start ({start})")
    engine = server.engine
    now = min(end, engine.clock())
    incidents = (inc for inc in engine.state.incidents.values() if actor.in_scope(inc.grid))
    rows = evaluate(incidents, start, end, level, now=now)
    return {"level": level.value, "start": start, "end": end, "now": now,
            "scope": actor.scope, "rows": [r.as_dict() for r in rows]}
