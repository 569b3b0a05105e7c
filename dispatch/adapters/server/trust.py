"""The trust edges of a running server: who may subscribe to the feed or take a snapshot
(refusals audited), taking the feed back when grants shrink, sessions that expire or are
closed when the allow-list or the operator table changes, and login throttling with a fair
queue per workstation (docs/SECURITY.md)."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from dispatch.adapters.security.throttle import LoginThrottle, ThrottlePolicy, Verdict
from dispatch.adapters.server.audit_log import row as audit_row
from dispatch.adapters.server.watch import OperatorGrant
from dispatch.adapters.settings import Settings
from dispatch.domain.errors import DispatchError, Unavailable
from dispatch.domain.roles import Actor

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer

log = logging.getLogger("gridline.server")

MAX_LOGINS_PER_PEER = 2  # logins of one key (or connection) waiting at once: a fair queue


def throttle_for(settings: Settings) -> LoginThrottle:
    return LoginThrottle(ThrottlePolicy(
        free_failures=settings.login_free_failures, base_delay_s=settings.login_delay_s,
        lockout_failures=max(settings.login_lockout_failures,
                             settings.login_free_failures + 1),
        window_s=settings.login_window_s, lockout_s=settings.login_lockout_s))


class LoginGate:
    """Failed-login throttling by user and by peer, and at most
    :data:`MAX_LOGINS_PER_PEER` logins of one peer waiting at once (thread-safe: the
    password check runs on the backoffice thread)."""

    def __init__(self, throttle: LoginThrottle) -> None:
        self.throttle = throttle
        self._lock = threading.Lock()
        self._waiting: dict[str, int] = {}  # logins waiting per key (or connection)

    def check(self, *subjects: str) -> Verdict:
        return self.throttle.check(*subjects)

    def failed(self, *subjects: str) -> Verdict:
        return self.throttle.failed(*subjects)

    def succeeded(self, subject: str) -> None:
        self.throttle.succeeded(subject)

    def enter(self, peer: str) -> None:
        """Count a login of ``peer`` in; :class:`Unavailable` if it has too many waiting."""
        with self._lock:
            if self._waiting.get(peer, 0) >= MAX_LOGINS_PER_PEER:
                raise Unavailable("a login from this workstation is already in progress; "
                                  "wait for its answer")
            self._waiting[peer] = self._waiting.get(peer, 0) + 1

    def leave(self, peer: str) -> None:
        with self._lock:
            left = self._waiting.get(peer, 1) - 1
            if left > 0:
                self._waiting[peer] = left
            else:
                self._waiting.pop(peer, None)


class TrustEdge:
    """The server's reactions at its trust edges; see the module documentation."""

    def __init__(self, server: DispatchServer) -> None:
        self.server = server
        self.logins = LoginGate(server.throttle)
        self._feed_refusals: dict[str, list[str]] = {}  # key name → reasons (audited 1/s)

    # ------------------------------------------------------------------- feed, snapshot

    def feed_allowed(self, topic: bytes, user_id: str | None) -> bool:
        access = self.server.access
        verdict = access.subscribe(topic, user_id)
        if not verdict.allowed:  # audited once a second per key, with the reasons
            reasons = self._feed_refusals.setdefault(access.name_of(user_id), [])
            if len(reasons) < 20:
                reasons.append(f"{topic[:64]!r}: {verdict.reason}")
            else:
                reasons[-1] = f"… and more (last: {verdict.reason})"
        return verdict.allowed

    def audit_feed_refusals(self) -> None:
        for name, reasons in self._feed_refusals.items():
            self.server.audit.write(audit_row("?", name, "feed_refused", {"reasons": reasons}))
        self._feed_refusals.clear()

    def authorize_snapshot(self, subtree: str, token: str, user_id: str | None = None
                           ) -> Actor:
        return self.server.access.snapshot_actor(subtree, token, user_id)

    def snapshot_refused(self, subtree: str, err: DispatchError, user_id: str | None) -> None:
        srv = self.server
        srv.audit.write(audit_row("?", srv.access.name_of(user_id), "snapshot_refused",
                                  {"subtree": subtree[:64], "error": err.code,
                                   "message": err.message[:300]}))

    def check_feed(self) -> None:
        """After grants shrank: if a key holds a subscription no grant covers any more, drop
        every subscription (clients resubscribe at once and are checked again)."""
        if self.server.access.feed_needs_reset():
            self.reset_feed()
        self.server.snapshots.abort(self.server.access.still_allowed)

    def reset_feed(self) -> None:
        """Replace the update socket: ZeroMQ cannot take one peer's subscription away, so all
        peers are disconnected; SUB sockets reconnect by themselves within ~0.1 s and their
        subscriptions are decided again. A revoked key cannot reconnect (ZAP refuses it)."""
        srv = self.server
        srv.feed.socket = srv.sockets.replace_pub()
        srv.access.feed_reset()
        srv.stats.feed_resets += 1
        log.info("update feed reset: a key's grants shrank")
        srv.audit.write(audit_row("system", "server", "feed_reset", {}))

    # ------------------------------------------------------------------------ sessions

    def expire_sessions(self) -> None:
        srv = self.server
        expired = srv.sessions.purge()
        for sess in expired:
            srv.audit.write(audit_row(sess.actor.operator, sess.actor.workstation,
                                      "session_expired", {}))
        if expired:
            self.check_feed()
        self.audit_feed_refusals()

    def keys_changed(self) -> None:
        """The allow-list directory changed (enrolment, revocation): apply it now."""
        srv = self.server
        auth = srv.authenticator
        if auth is None or srv.server_keys is None:
            return
        from dispatch.adapters.security.keys import reload

        before = dict(auth.entries)
        try:
            reload(auth, srv.server_keys.clients_dir)
        except (ValueError, OSError) as exc:
            log.error("allow-list not reloaded (the previous one stays): %s", exc)
            srv.audit.write(audit_row("system", "server", "allow_list_invalid",
                                      {"error": str(exc)[:500]}))
            return
        after = auth.entries
        for key, entry in before.items():
            if after.get(key) != entry:
                closed = srv.sessions.close_key(key.decode("ascii"))
                srv.audit.write(audit_row("system", entry.name, "key_revoked",
                                          {"name": entry.name, "role": entry.role,
                                           "sessions_closed": len(closed)}))
        for key, entry in after.items():
            if before.get(key) != entry:
                srv.audit.write(audit_row("system", entry.name, "key_enrolled",
                                          {"name": entry.name, "role": entry.role,
                                           "scope": entry.scope}))
        self.check_feed()

    def operators_changed(self, grants: dict[str, OperatorGrant]) -> None:
        """The operator table changed: close every session whose operator is gone, disabled,
        or now has another role or scope (the workstation logs in again and gets the new)."""
        srv = self.server

        def doomed(sess: Any) -> bool:
            g = grants.get(sess.actor.operator)
            return g is None or g.disabled or g.role != sess.actor.role.value \
                or g.scope != sess.actor.scope

        closed = srv.sessions.close_where(doomed)
        for sess in closed:
            g = grants.get(sess.actor.operator)
            reason = "removed" if g is None else "disabled" if g.disabled else "role or scope"
            srv.audit.write(audit_row(sess.actor.operator, sess.actor.workstation,
                                      "session_closed", {"reason": reason}))
        if closed:
            self.check_feed()
