"""run_cards: every run card (response plan) the state holds, in key order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.adapters.protocol.messages import take_args
from dispatch.adapters.server.queries.base import Answer, Call
from dispatch.domain.roles import Permission

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


def run_cards(server: DispatchServer, call: Call) -> Answer:
    call.who.require(Permission.READ, "read run cards")
    take_args(call.req.args, {}, "run_cards")
    cards = server.engine.state.run_cards
    return {"cards": [{"class_code": c.class_code, "priority": c.priority,
                       "lines": [list(line) for line in c.lines]}
                      for _key, c in sorted(cards.items())]}
