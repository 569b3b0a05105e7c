"""duplicates: open incidents of the same class near a point or an incident (一口受理)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.adapters.protocol.messages import take_args
from dispatch.adapters.server.queries.base import Answer, Call, audit
from dispatch.domain.errors import InvalidCommand, NotFound
from dispatch.domain.geo import distance_m
from dispatch.domain.recommend import find_duplicates
from dispatch.domain.roles import Permission

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


def duplicates(server: DispatchServer, call: Call) -> Answer:
    actor, engine = call.who, server.engine
    a = take_args(call.req.args, {"incident_id": (str, None), "class_code": (str, None),
                                  "lon": (float, None), "lat": (float, None),
                                  "radius_m": (float, 200.0), "window_s": (float, 1800.0),
                                  "limit": (int, 20)}, "duplicates")
    actor.require(Permission.INTAKE, "look for duplicates")
    state = engine.state
    if a["incident_id"] is not None:
        inc = state.incidents.get(a["incident_id"])
        if inc is None:
            raise NotFound(f"no incident {a['incident_id']!r}")
        actor.require_incident_visible(inc.id, inc.grid)
        class_code, lon, lat, ts, exclude = inc.class_code, inc.lon, inc.lat, \
            inc.reported_at, inc.id
    else:
        if a["class_code"] is None or a["lon"] is None or a["lat"] is None:
            raise InvalidCommand("duplicates needs incident_id, or class_code, lon and lat")
        class_code, lon, lat, ts, exclude = a["class_code"], a["lon"], a["lat"], \
            engine.clock(), ""
    if not (0 < a["radius_m"] <= 10_000 and 0 < a["window_s"] <= 7 * 86400
            and 1 <= a["limit"] <= 200):
        raise InvalidCommand("duplicates: radius_m ≤ 10 km, window_s ≤ 7 days, "
                             "limit 1 to 200")
    try:
        found = find_duplicates(state, engine.catalogue, class_code=class_code,
                                lon=lon, lat=lat, ts=ts, radius_m=a["radius_m"],
                                window_s=a["window_s"], exclude=exclude)
    except KeyError:
        raise NotFound(f"no event class {class_code!r} in the catalogue") from None
    out = [{"incident_id": i.id, "status": i.status.value, "class_code": i.class_code,
            "grid": i.grid, "description": i.description, "reported_at": i.reported_at,
            "distance_m": round(distance_m(lon, lat, i.lon, i.lat), 1)}
           for i in found if actor.in_scope(i.grid)][:a["limit"]]
    audit(server, actor, "query", {"type": call.req.type, "args": call.req.args})
    return {"incidents": out}
