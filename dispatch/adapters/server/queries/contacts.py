"""contacts: callers' phone numbers of incidents, or the incidents a number called in
(a repeat caller), for the roles that may see them (dispatch.domain.contacts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.adapters.protocol.messages import take_args
from dispatch.adapters.server.queries.base import Answer, Call, audit
from dispatch.domain.contacts import check_phone, contacts_of, same_caller
from dispatch.domain.errors import InvalidCommand
from dispatch.domain.roles import Permission

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer

MAX_IDS = 200


def contacts(server: DispatchServer, call: Call) -> Answer:
    actor, state = call.who, server.engine.state
    a = take_args(call.req.args, {"incident_ids": (tuple[str, ...], None), "phone": (str, None)},
                  "contacts")
    actor.require(Permission.CONTACTS, "see callers' phone numbers")
    ids, phone = a["incident_ids"], a["phone"]
    if (ids is None) == (phone is None):
        raise InvalidCommand("contacts needs incident_ids (a list) or phone, not both")
    result: dict[str, object] = {}
    if ids is not None:
        if len(ids) > MAX_IDS or not all(isinstance(i, str) for i in ids):
            raise InvalidCommand(f"contacts.incident_ids: at most {MAX_IDS} incident ids")
        result["phones"] = contacts_of(state, actor, ids)
    else:
        result["incident_ids"] = same_caller(state, actor, check_phone(phone))
    audit(server, actor, "query", {"type": call.req.type,
                                   "args": {k: v for k, v in call.req.args.items()
                                            if k != "phone"}})
    return result
