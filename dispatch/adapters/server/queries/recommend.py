"""recommend: the units an actor may send to an incident, best first."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from dispatch.adapters.protocol.messages import take_args
from dispatch.adapters.server.queries.base import Answer, Call, audit
from dispatch.domain.errors import InvalidCommand, NotFound
from dispatch.domain.recommend import recommend_units
from dispatch.domain.roles import Permission

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


def recommend(server: DispatchServer, call: Call) -> Answer:
    actor, engine = call.who, server.engine
    actor.require(Permission.DISPATCH, "ask for unit recommendations")
    a = take_args(call.req.args, {"incident_id": (str, ...), "limit": (int, 10)}, "recommend")
    if not 1 <= a["limit"] <= 100:
        raise InvalidCommand("recommend.limit must be 1 to 100")
    inc = engine.state.incidents.get(a["incident_id"])
    if inc is None:
        raise NotFound(f"no incident {a['incident_id']!r}")
    actor.require_incident_visible(inc.id, inc.grid)
    # units it may assign: its region's, or any with mutual aid
    within = "" if actor.may(Permission.MUTUAL_AID) else actor.scope
    recs = recommend_units(engine.state, engine.catalogue, inc, now=engine.clock(),
                           limit=a["limit"], within=within)
    units = []
    for r in recs:
        d = asdict(r)
        d["status"] = r.status.value
        d["distance_m"] = round(r.distance_m, 1)
        d["idle_s"] = round(r.idle_s, 1)
        units.append(d)
    audit(server, actor, "query", {"type": call.req.type, "args": call.req.args})
    return {"incident_id": inc.id, "units": units}
