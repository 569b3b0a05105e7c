"""The server's queries as a registry: a table from query type to handler
(:class:`~dispatch.adapters.server.queries.base.QueryHandler`), one small module each.
Queries are answered after the command batch they arrived with; they change no state."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING

import zmq

from dispatch.adapters.protocol.messages import Request, error_reply, ok_reply
from dispatch.adapters.server.batching import AUDIT_FULL
from dispatch.adapters.server.evaluation_data import ArchiveCache
from dispatch.adapters.server.queries.audit import audit_trail
from dispatch.adapters.server.queries.base import Call, QueryHandler
from dispatch.adapters.server.queries.city import CityQuery
from dispatch.adapters.server.queries.contacts import contacts
from dispatch.adapters.server.queries.duplicates import duplicates
from dispatch.adapters.server.queries.evaluation import evaluation
from dispatch.adapters.server.queries.evaluation_cases import evaluation_cases
from dispatch.adapters.server.queries.hazards import hazards
from dispatch.adapters.server.queries.history import history
from dispatch.adapters.server.queries.login import login
from dispatch.adapters.server.queries.places import BasemapQuery, geocode
from dispatch.adapters.server.queries.recommend import recommend
from dispatch.adapters.server.queries.run_cards import run_cards
from dispatch.adapters.server.queries.session import logout, ping, whoami
from dispatch.adapters.server.queries.state_at import state_at
from dispatch.adapters.server.sockets import user_id as frame_user_id
from dispatch.domain.errors import DispatchError, InvalidCommand, Unavailable
from dispatch.domain.roles import Actor

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer

__all__ = ["Call", "QueryHandler", "QueryRouter", "registry"]

log = logging.getLogger("gridline.server")


def registry() -> dict[str, QueryHandler]:
    """A fresh table of the query handlers (the city and basemap queries keep a cache per
    server, the evaluation queries one of archived records)."""
    archived = ArchiveCache()
    return {
        "ping": QueryHandler(ping, session=False),
        "login": QueryHandler(login, session=False),  # checks the audit room itself
        "whoami": QueryHandler(whoami, audit_room=False),
        "logout": QueryHandler(logout),
        "recommend": QueryHandler(recommend),
        "duplicates": QueryHandler(duplicates),
        "history": QueryHandler(history),
        "city": QueryHandler(CityQuery()),
        "audit": QueryHandler(audit_trail),
        "contacts": QueryHandler(contacts),
        "geocode": QueryHandler(geocode),
        "basemap": QueryHandler(BasemapQuery()),
        "run_cards": QueryHandler(run_cards),
        "hazards": QueryHandler(hazards),
        "state_at": QueryHandler(state_at),
        "evaluation": QueryHandler(partial(evaluation, cache=archived)),
        "evaluation_cases": QueryHandler(partial(evaluation_cases, cache=archived)),
    }


class QueryRouter:
    """Looks a query's handler up, checks the session and the audit room, and answers."""

    def __init__(self, server: DispatchServer,
                 handlers: dict[str, QueryHandler] | None = None) -> None:
        self.server = server
        self.handlers = registry() if handlers is None else handlers

    def answer(self, envelope: list[bytes], req: Request, frame: zmq.Frame) -> None:
        srv = self.server
        srv.stats.queries += 1
        user_id = frame_user_id(frame)
        actor: Actor | None = None
        try:
            handler = self.handlers.get(req.type)
            if handler is None:  # pragma: no cover - parse_request lets known types through
                raise InvalidCommand(f"unknown query {req.type!r}")
            if handler.session:
                actor = srv.access.actor(req.session, user_id)
                if handler.audit_room and not srv.audit.room():
                    srv.stats.audit_full += 1
                    raise Unavailable(AUDIT_FULL)
            result = handler.run(srv, Call(envelope, req, user_id, actor))
        except DispatchError as err:
            srv.batcher.refused(envelope, req, err, actor, user_id)
            return
        except Exception as exc:
            srv.stats.internal_errors += 1
            log.exception("query %s (%s) failed", req.id, req.type)
            srv.sockets.send(envelope, error_reply(
                req.id, "invalid", f"the server could not answer ({type(exc).__name__})"))
            return
        if result is not None:
            srv.sockets.send(envelope, ok_reply(req.id, srv.engine.state.seq, result))
