"""ping, whoami and logout."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dispatch.adapters.protocol.messages import take_args
from dispatch.adapters.protocol.records import scope_subtree
from dispatch.adapters.server.queries.base import Answer, Call, audit
from dispatch.domain.roles import Actor

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


def ping(server: DispatchServer, call: Call) -> Answer:
    return server.state_info()


def whoami_result(server: DispatchServer, actor: Actor) -> dict[str, Any]:
    engine = server.engine
    return {"operator": actor.operator, "role": actor.role.value, "scope": actor.scope,
            "subtree": scope_subtree(actor.scope), "workstation": actor.workstation,
            "server_time": engine.clock(), "time_speed": server.clock.speed,
            "city": engine.city.code, "city_name": engine.city.name}


def whoami(server: DispatchServer, call: Call) -> Answer:
    return whoami_result(server, call.who)


def logout(server: DispatchServer, call: Call) -> Answer:
    take_args(call.req.args, {}, "logout")
    result = {"closed": bool(server.sessions.close(call.req.session))}
    audit(server, call.who, "logout", {})
    server.trust.check_feed()
    return result
