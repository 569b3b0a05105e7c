"""Events picked out by their payload's type, so that a test reads a payload's fields with
the type checker knowing which payload it is.

``Event.payload`` is the union of every payload kind; filtering on ``e.kind == "..."`` is
right at run time but tells the type checker nothing. ``events_of(ev.IncidentDispatched,
events)`` returns the same event objects, typed as events whose payload is an
``IncidentDispatched`` (an ``Of[IncidentDispatched]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, Protocol, TypeGuard, TypeVar

from dispatch.domain.events import Event, Payload

P = TypeVar("P", bound=Payload)
P_co = TypeVar("P_co", bound=Payload, covariant=True)


class Of(Protocol, Generic[P_co]):
    """An :class:`Event` whose payload is known to be a ``P_co``."""

    @property
    def seq(self) -> int: ...
    @property
    def ts(self) -> float: ...
    @property
    def operator(self) -> str: ...
    @property
    def workstation(self) -> str: ...
    @property
    def command_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def payload(self) -> P_co: ...


def is_of(event: Event, kind: type[P]) -> TypeGuard[Of[P]]:
    """True when the event's payload is a ``kind``."""
    return isinstance(event.payload, kind)


def events_of(kind: type[P], events: Iterable[Event]) -> list[Of[P]]:
    """The events whose payload is a ``kind``, in their order."""
    return [e for e in events if is_of(e, kind)]


def payloads_of(kind: type[P], events: Iterable[Event]) -> list[P]:
    """The payloads of the events whose payload is a ``kind``, in their order."""
    return [e.payload for e in events if isinstance(e.payload, kind)]


def first_of(kind: type[P], events: Iterable[Event]) -> Of[P]:
    """The first event whose payload is a ``kind`` (StopIteration when there is none)."""
    return next(e for e in events if is_of(e, kind))
