"""hazards: the hazard notes on places in the operator's scope (a point hazard by the grid its
point lies in), ordered by id. Not on the feed: see docs/PROTOCOL.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.adapters.protocol.messages import take_args
from dispatch.adapters.server.queries.base import Answer, Call
from dispatch.domain.hazards import hazard_to_dict
from dispatch.domain.roles import Permission

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


def hazards(server: DispatchServer, call: Call) -> Answer:
    actor = call.who
    actor.require(Permission.READ, "read hazards")
    take_args(call.req.args, {}, "hazards")
    found = server.engine.state.hazards
    return {"hazards": [hazard_to_dict(h) for _id, h in sorted(found.items())
                        if actor.in_scope(h.grid)]}
