"""Typed errors of the dispatch core.

Each carries a ``code`` that the command channel sends back to the client as it is, and a message
written for a dispatcher. Raising one of these never changes state: handlers validate everything
before an event exists.
"""

from __future__ import annotations


class DispatchError(Exception):
    """Base of every error a command can end in."""

    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidCommand(DispatchError):
    """The command is malformed or not allowed in the incident's current state."""

    code = "invalid"


class Forbidden(DispatchError):
    """The operator's role or region does not allow this command."""

    code = "forbidden"


class Conflict(DispatchError):
    """The command collides with the current state (e.g. the unit is already busy)."""

    code = "conflict"


class NotFound(DispatchError):
    """The incident, unit, class or region named by the command does not exist."""

    code = "not_found"


class Stale(DispatchError):
    """The operator acted on an older version of the incident than the server holds."""

    code = "stale"


class Unavailable(DispatchError):
    """The service cannot take the command now (stopping, storage failing)."""

    code = "unavailable"


ERROR_CODES: dict[str, type[DispatchError]] = {
    cls.code: cls for cls in (InvalidCommand, Forbidden, Conflict, NotFound, Stale, Unavailable)
}
