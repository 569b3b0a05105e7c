"""history: a page of stored events the actor may see, read off the loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.adapters.protocol.messages import ok_reply
from dispatch.adapters.server.audit_log import row as audit_row
from dispatch.adapters.server.history import HistoryQuery, history_page
from dispatch.adapters.server.queries.base import Answer, Call, busy
from dispatch.domain.errors import Unavailable

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


def history(server: DispatchServer, call: Call) -> Answer:
    req, actor = call.req, call.who
    q = HistoryQuery.from_args(req.args)
    store = server.store
    if store is None:
        raise Unavailable("this server keeps no history (no event store)")
    engine, writer = server.engine, server.audit

    def incident_grid(iid: str) -> str | None:
        inc = engine.state.incidents.get(iid)
        return None if inc is None else inc.grid

    def unit_grid(uid: str) -> str | None:
        u = engine.state.units.get(uid)
        return None if u is None else u.home_grid

    def job() -> tuple[bytes, None]:
        page = history_page(store, q, actor, incident_grid, unit_grid)
        writer.write(audit_row(actor.operator, actor.workstation, "history",
                               {**req.args, "returned": len(page["events"])},
                               incident_id=q.incident_id))
        return ok_reply(req.id, engine.state.seq, page), None

    if not server.backoffice.submit(call.envelope, req.id, job):
        raise busy(server)
    return None
