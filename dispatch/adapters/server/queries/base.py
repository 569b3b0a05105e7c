"""What a query handler is: a function of the server and one call, in a table by type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dispatch.adapters.protocol.messages import Request
from dispatch.adapters.server.audit_log import row as audit_row
from dispatch.domain.errors import Unavailable
from dispatch.domain.roles import Actor

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


@dataclass(frozen=True, slots=True)
class Call:
    """One query: who sent it (the envelope and the CURVE key) and, for the queries that
    need a session, the actor its token names."""

    envelope: list[bytes]
    req: Request
    user_id: str | None
    actor: Actor | None = None

    @property
    def who(self) -> Actor:
        assert self.actor is not None, "this query runs with a session"
        return self.actor


Answer = dict[str, Any] | None  # None: answered by the handler itself (or later, off the loop)


@dataclass(frozen=True, slots=True)
class QueryHandler:
    """A query type's handler. ``session``: the query needs a logged-in actor;
    ``audit_room``: refused (``unavailable``) while the audit trail is full."""

    run: Callable[[DispatchServer, Call], Answer]
    session: bool = True
    audit_room: bool = True


def audit(server: DispatchServer, actor: Actor, action: str, detail: dict[str, Any],
          incident_id: str | None = None) -> None:
    server.audit.write(audit_row(actor.operator, actor.workstation, action, detail,
                                 incident_id=incident_id))


def busy(server: DispatchServer) -> Unavailable:
    server.stats.busy += 1
    return Unavailable("server busy; try again")
