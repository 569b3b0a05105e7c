"""audit: a page of the audit trail (shift leads), read off the loop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.adapters.server.audit_query import start_audit_read
from dispatch.adapters.server.queries.base import Answer, Call

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


def audit_trail(server: DispatchServer, call: Call) -> Answer:
    engine = server.engine
    start_audit_read(server.backoffice, server.store, call.envelope, call.req, call.who,
                     lambda: engine.state.seq)
    return None
