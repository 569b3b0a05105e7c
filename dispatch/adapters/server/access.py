"""Who may do what on the server's sockets: the CURVE key a request comes from, the session
it carries, and what the update feed may carry to each key.

- **Requests** (commands, queries, snapshots) carry the ZAP ``User-Id`` of their connection:
  the client's Z85 public key. It must still be on the allow-list (a revoked key is refused
  even on a connection opened before the revocation), and a session token is only valid from
  the key that opened it. The workstation recorded in events and audit rows is the key's
  enrolled name, never what the client claims.
- **Feed**: a subscription is accepted when a session open *now* on that key (or the key's own
  read-only feed grant) covers the topic. The topics accepted per key are remembered; when a
  key's grants shrink (logout, expiry, an operator disabled or re-scoped, a key revoked) and a
  topic it holds is no longer covered, :meth:`AccessControl.feed_needs_reset` says so and the
  server drops every subscription (ZeroMQ cannot drop one peer's), so clients resubscribe and
  are checked again.
- Without CURVE (``--insecure``, tests only) the peer is unknown: tokens are not bound, the
  workstation is the client's claim, and subscriptions are not checked; a server started with
  ``--anonymous-read SUBTREE`` serves that subtree's snapshot to requests without a token.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from dispatch.adapters.protocol.messages import SessionExpired
from dispatch.adapters.protocol.records import scope_subtree, subtree_scope
from dispatch.adapters.security.keys import AllowListAuthenticator, ClientEntry
from dispatch.adapters.security.sessions import SessionTable
from dispatch.domain.errors import Forbidden
from dispatch.domain.roles import Actor, Role

MAX_TOPIC_BYTES = 256
MAX_SUBSCRIPTIONS_PER_KEY = 64
MAX_SUBSCRIPTIONS_ANONYMOUS = 10_000  # without CURVE the peers are not told apart
NOT_ENROLLED = "this workstation's key is not (or no longer) enrolled on the server"


@dataclass(frozen=True, slots=True)
class FeedVerdict:
    allowed: bool
    reason: str = ""


class AccessControl:
    """The server thread's view of keys, sessions and feed grants (not thread-safe)."""

    def __init__(self, sessions: SessionTable, authenticator: AllowListAuthenticator | None,
                 *, anonymous_read: str | None = None) -> None:
        if authenticator is not None and anonymous_read is not None:
            raise ValueError("anonymous read is only for an --insecure test server")
        self.sessions = sessions
        self.authenticator = authenticator
        self.anonymous_read = anonymous_read
        self._accepted: defaultdict[str | None, set[bytes]] = defaultdict(set)

    @property
    def secure(self) -> bool:
        return self.authenticator is not None

    # ------------------------------------------------------------------------ requests

    def peer(self, user_id: str | None) -> ClientEntry | None:
        """The enrolled client of a request (None without CURVE); Forbidden if its key is
        not on the allow-list any more."""
        if self.authenticator is None:
            return None
        entry = self.authenticator.entry(user_id)
        if entry is None:
            raise Forbidden(NOT_ENROLLED)
        return entry

    def workstation(self, user_id: str | None, claimed: str) -> str:
        """What events and audit rows record as the workstation of a request."""
        entry = self.peer(user_id)
        return claimed if entry is None else entry.name

    def login_peer(self, user_id: str | None) -> ClientEntry | None:
        entry = self.peer(user_id)
        if entry is not None and entry.feed_only:
            raise Forbidden(f"key {entry.name} is a read-only feed key: it cannot log in")
        return entry

    def actor(self, token: str, user_id: str | None) -> Actor:
        """The actor of a request: its key enrolled, its session open and opened from that
        key; SessionExpired (relogin) for an unknown, expired or foreign token."""
        self.peer(user_id)
        try:
            return self.sessions.actor(token, user_id)
        except Forbidden as err:
            raise SessionExpired(err.message) from None

    def snapshot_actor(self, subtree: str, token: str, user_id: str | None) -> Actor:
        """Who asks for a snapshot: a session, a read-only feed key, or (test servers only)
        an anonymous reader of the configured subtree."""
        entry = self.peer(user_id)
        if entry is not None and entry.feed_only:
            return Actor(operator=f"feed:{entry.name}", role=Role.WALL, scope=entry.scope,
                         workstation=entry.name)
        if not token:
            if entry is None and self.anonymous_read is not None:
                return Actor(operator="anonymous", role=Role.WALL,
                             scope=subtree_scope(self.anonymous_read), workstation="anonymous")
            raise Forbidden("this server serves snapshots to operators only: log in on the "
                            "command channel and send the session token as the third frame "
                            "of ICANHAZ?")
        return self.actor(token, user_id)

    def still_allowed(self, actor: Actor | None, user_id: str | None) -> bool:
        """Does the grant a request was served under still hold (its key enrolled; for an
        operator, a session of that operator still open on that key)?"""
        if self.authenticator is None:
            return True
        entry = self.authenticator.entry(user_id)
        if entry is None:
            return False
        if actor is None or entry.feed_only or actor.operator == "anonymous":
            return True
        return any(a.operator == actor.operator for a in self.sessions.actors_of_key(user_id))

    # ---------------------------------------------------------------------------- feed

    def _grants(self, user_id: str | None) -> list[str]:
        if self.authenticator is None:
            return [""]
        entry = self.authenticator.entry(user_id)
        if entry is None:
            return []
        if entry.feed_only:
            return [entry.scope]
        return [a.scope for a in self.sessions.actors_of_key(user_id)]

    @staticmethod
    def _covers(scopes: list[str], topic: bytes) -> bool:
        return any(not scope or topic.startswith(scope_subtree(scope).encode())
                   for scope in scopes)

    def subscribe(self, topic: bytes, user_id: str | None) -> FeedVerdict:
        """Decide a subscription (``HUGZ`` included); remember it when accepted."""
        if len(topic) > MAX_TOPIC_BYTES:
            return FeedVerdict(False, f"topic of {len(topic)} bytes (at most "
                                      f"{MAX_TOPIC_BYTES})")
        held = self._accepted[user_id]
        limit = MAX_SUBSCRIPTIONS_PER_KEY if self.secure else MAX_SUBSCRIPTIONS_ANONYMOUS
        if topic not in held and len(held) >= limit:
            return FeedVerdict(False, f"more than {limit} subscriptions")
        if topic != b"HUGZ" and not self._covers(self._grants(user_id), topic):
            return FeedVerdict(False, "no open session covers this region")
        held.add(topic)
        return FeedVerdict(True)

    def feed_needs_reset(self) -> bool:
        """True when some key holds a subscription that its grants no longer cover."""
        if self.authenticator is None:
            return False
        return any(not self._covers(self._grants(user_id), t)  # a revoked key has no grants
                   for user_id, topics in self._accepted.items() for t in topics if t != b"HUGZ")

    def feed_reset(self) -> None:
        """Every subscription was dropped (the update socket was replaced)."""
        self._accepted.clear()

    def name_of(self, user_id: str | None) -> str:
        if self.authenticator is None:
            return ""
        return self.authenticator.name_of(user_id) or (user_id or "")[:12]
