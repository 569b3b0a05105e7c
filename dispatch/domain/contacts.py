"""Callers' phone numbers: kept with the incident, shown only to roles that may see them.

The incident record goes to every feed subscriber of its region (wall screens, the field
gateway), so the number is not in it. A report with a phone makes a second event,
:class:`~dispatch.domain.events.CallerContactRecorded`; the projection keeps the numbers in
:attr:`DispatchState.contacts <dispatch.domain.state.DispatchState.contacts>`, which no feed
record, snapshot record or console mirror carries. The server answers for them only to roles
with :attr:`~dispatch.domain.roles.Permission.CONTACTS` (the ``contacts`` query) and leaves
the contact events out of the ``history`` it serves to everybody else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from dispatch.domain.errors import InvalidCommand
from dispatch.domain.events import CallerContactRecorded, Event
from dispatch.domain.roles import Actor, Permission
from dispatch.domain.state import DispatchState

MAX_PHONE = 32
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{2,31}")
CONTACT_EVENT_KINDS = frozenset({CallerContactRecorded.KIND})


def check_phone(value: str) -> str:
    """A caller's number as given ("" for none): digits, an optional leading ``+``, spaces,
    brackets and dashes, 3 to 32 characters; InvalidCommand says what is wrong."""
    if not isinstance(value, str):
        raise InvalidCommand("phone must be text")
    phone = value.strip()
    if not phone:
        return ""
    if len(phone) > MAX_PHONE or not _PHONE.fullmatch(phone):
        raise InvalidCommand(f"phone {value[:40]!r} is not a phone number (digits, an "
                             f"optional leading +, spaces, brackets and dashes; at most "
                             f"{MAX_PHONE} characters)")
    return phone


def digits(phone: str) -> str:
    """The number's digits (``+86 138-0013-8000`` → ``8613800138000``), for comparing."""
    return "".join(ch for ch in phone if ch.isdigit())


def may_see_contacts(actor: Actor) -> bool:
    return actor.may(Permission.CONTACTS)


def event_visible(e: Event, actor: Actor) -> bool:
    """False for a contact event and an actor that may not see phone numbers."""
    return e.kind not in CONTACT_EVENT_KINDS or may_see_contacts(actor)


def contacts_of(state: DispatchState, actor: Actor, incident_ids: Iterable[str]
                ) -> dict[str, str]:
    """The phone numbers of these incidents the actor may see (in its scope, with the
    permission; the caller checked the permission)."""
    out: dict[str, str] = {}
    for iid in incident_ids:
        inc = state.incidents.get(iid)
        phone = state.contacts.get(iid)
        if inc is not None and phone and actor.in_scope(inc.grid):
            out[iid] = phone
    return out


def same_caller(state: DispatchState, actor: Actor, phone: str, limit: int = 200
                ) -> list[str]:
    """Incidents in the actor's scope called in from this number (digits compared; a number
    ending like it, for a landline given without its area code), newest first."""
    want = digits(phone)
    if len(want) < 5:
        return []
    found = []
    for iid, other in state.contacts.items():
        d = digits(other)
        if d == want or (len(want) >= 7 and (d.endswith(want) or want.endswith(d))):
            inc = state.incidents.get(iid)
            if inc is not None and actor.in_scope(inc.grid):
                found.append(inc)
    found.sort(key=lambda i: -i.reported_at)
    return [i.id for i in found[:limit]]
