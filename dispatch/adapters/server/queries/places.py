"""geocode and basemap: the city's places, for everybody who may read the city.

``geocode`` answers a type-ahead query with ranked places (each with its point, grid,
community, street and district); it is searched off the loop, and not audited when answered
(a console asks once per pause in typing) — refusals are, like every refusal. ``basemap``
gives the roads and named places an offline basemap draws, compressed like the ``city``
query and computed once. Neither is limited to the operator's region: addresses and roads
are the city's public geography (docs/SECURITY.md).
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dispatch.adapters.protocol.messages import dumps, ok_reply, take_args
from dispatch.adapters.server.queries.base import Answer, Call, busy
from dispatch.domain.errors import InvalidCommand
from dispatch.domain.gazetteer import normalize
from dispatch.domain.roles import Permission

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer

MAX_QUERY_CHARS = 100
MAX_LIMIT = 50


def geocode_args(args: dict[str, Any]) -> tuple[str, int]:
    """``q`` and ``limit`` of a geocode query, or ``invalid`` saying what is wrong."""
    a = take_args(args, {"q": (str, ...), "limit": (int, 10)}, "geocode")
    q, limit = str(a["q"]), a["limit"]
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidCommand(f"geocode.q is {len(q)} characters long; at most "
                             f"{MAX_QUERY_CHARS}")
    if not normalize(q):
        raise InvalidCommand("geocode.q has nothing to search for (no letter, digit or "
                             "Chinese character)")
    if isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidCommand(f"geocode.limit must be 1 to {MAX_LIMIT}, got {limit!r}")
    return q, int(limit)


def geocode(server: DispatchServer, call: Call) -> Answer:
    req, actor = call.req, call.who
    q, limit = geocode_args(req.args)
    actor.require(Permission.READ, "search the city's places")
    places = server.places
    places.require_index()
    engine = server.engine

    def job() -> tuple[bytes, None]:
        return ok_reply(req.id, engine.state.seq,
                        {"query": q, "places": places.search(q, limit)}), None

    if not server.backoffice.submit(call.envelope, req.id, job):
        raise busy(server)
    return None


class BasemapQuery:
    """The handler, with the compressed answer once computed."""

    def __init__(self) -> None:
        self.result: dict[str, Any] | None = None

    def __call__(self, server: DispatchServer, call: Call) -> Answer:
        req, actor = call.req, call.who
        take_args(req.args, {}, "basemap")
        actor.require(Permission.READ, "read the city's basemap")
        if self.result is not None:
            return self.result
        places, engine = server.places, server.engine
        places.require_gazetteer()
        city = engine.city

        def job() -> tuple[bytes, Callable[[], None]]:
            entries = places.basemap()
            result = {"code": city.code, "encoding": "zlib+base64", "count": len(entries),
                      "entries_z": base64.b64encode(zlib.compress(dumps(entries), 6)).decode()}

            def keep() -> None:
                self.result = result
            return ok_reply(req.id, engine.state.seq, result), keep

        if not server.backoffice.submit(call.envelope, req.id, job):
            raise busy(server)
        return None

