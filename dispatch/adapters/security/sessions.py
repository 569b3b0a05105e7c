"""Login sessions: a random token per logged-in operator and workstation, with an expiry.

The server opens a session after :meth:`OperatorDirectory.authenticate` succeeds and gives the
token to the workstation; every later command carries it and the server turns it back into the
:class:`dispatch.domain.roles.Actor` that its handlers check. A session is bound to the CURVE key of
the workstation that opened it: the same token from another key is unknown. Sessions live in
the server's memory: a server restart logs everybody out, which is the safe failure.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from dispatch.adapters.security.operators import Operator
from dispatch.domain.errors import Forbidden
from dispatch.domain.roles import Actor

SESSION_EXPIRED = "session expired or unknown; log in again"
DEFAULT_TTL_S = 12 * 3600.0  # a long shift


@dataclass(frozen=True, slots=True)
class Session:
    """One open session (the token itself is the key of the table, not stored here)."""

    actor: Actor
    opened_at: float
    expires_at: float
    key: str | None = None  # the CURVE key (User-Id) that opened it; None without CURVE


class SessionTable:
    """Open sessions by token; thread-safe; expiry by the injected ``clock`` (seconds)."""

    def __init__(self, ttl_s: float = DEFAULT_TTL_S, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if ttl_s <= 0:
            raise ValueError(f"session lifetime must be positive, got {ttl_s}")
        self.ttl_s = float(ttl_s)
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}

    def open(self, operator: Operator, workstation: str, key: str | None = None) -> str:
        """A new token for ``operator`` at ``workstation``, bound to the CURVE ``key`` it came
        from (None without CURVE); a disabled operator is refused."""
        if operator.disabled:
            raise Forbidden(f"operator {operator.user} is disabled")
        actor = Actor(operator=operator.user, role=operator.role, scope=operator.scope,
                      workstation=workstation)
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._purge_locked(now)
            self._sessions[token] = Session(actor=actor, opened_at=now,
                                            expires_at=now + self.ttl_s, key=key)
        return token

    def actor(self, token: str, key: str | None = None) -> Actor:
        """The actor of a live session opened from ``key``; Forbidden if the token is
        unknown, closed, expired or presented by another key (all look the same)."""
        now = self._clock()
        with self._lock:
            session = self._sessions.get(token) if isinstance(token, str) else None
            if session is None or now >= session.expires_at:
                if session is not None:
                    del self._sessions[token]
                raise Forbidden(SESSION_EXPIRED)
            if session.key != key:
                raise Forbidden(SESSION_EXPIRED)
            return session.actor

    def get(self, token: str) -> Session | None:
        """The live session of ``token`` (no key check: for logout and audit)."""
        now = self._clock()
        with self._lock:
            session = self._sessions.get(token) if isinstance(token, str) else None
            return None if session is None or now >= session.expires_at else session

    def actors_of_key(self, key: str | None) -> list[Actor]:
        """The actors of the live sessions opened from ``key`` (what its feed may carry, whose
        snapshots it may still receive)."""
        now = self._clock()
        with self._lock:
            return [s.actor for s in self._sessions.values()
                    if s.key == key and now < s.expires_at]

    def close_key(self, key: str) -> list[Session]:
        """End every session opened from ``key`` (a revoked workstation); returns them."""
        with self._lock:
            tokens = [t for t, s in self._sessions.items() if s.key == key]
            return [self._sessions.pop(t) for t in tokens]

    def close_where(self, doomed: Callable[[Session], bool]) -> list[Session]:
        """End every session for which ``doomed`` is true (an operator disabled, its role or
        scope changed); returns them."""
        with self._lock:
            tokens = [t for t, s in self._sessions.items() if doomed(s)]
            return [self._sessions.pop(t) for t in tokens]

    def close(self, token: str) -> bool:
        """End a session (logout); False if it was not open."""
        with self._lock:
            return self._sessions.pop(token, None) is not None

    def close_operator(self, user: str) -> int:
        """End every session of ``user`` (after disabling the account); returns how many."""
        with self._lock:
            tokens = [t for t, s in self._sessions.items() if s.actor.operator == user]
            for t in tokens:
                del self._sessions[t]
        return len(tokens)

    def active(self) -> list[Session]:
        """Live sessions, oldest first (for an administrator's view)."""
        now = self._clock()
        with self._lock:
            self._purge_locked(now)
            return sorted(self._sessions.values(), key=lambda s: s.opened_at)

    def purge(self) -> list[Session]:
        """Forget expired sessions; returns them."""
        now = self._clock()
        with self._lock:
            dead = [t for t, s in self._sessions.items() if now >= s.expires_at]
            return [self._sessions.pop(t) for t in dead]

    def __len__(self) -> int:
        return len(self.active())

    def _purge_locked(self, now: float) -> int:
        dead = [t for t, s in self._sessions.items() if now >= s.expires_at]
        for t in dead:
            del self._sessions[t]
        return len(dead)
