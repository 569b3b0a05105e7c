"""login: the key, the throttle and the fair queue are checked on the loop; scrypt runs on
the backoffice thread. The workstation is the key's enrolled name (the client's claim
without CURVE)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from dispatch.adapters.protocol.messages import error_reply, ok_reply, take_args
from dispatch.adapters.server.audit_log import row as audit_row
from dispatch.adapters.server.batching import AUDIT_FULL
from dispatch.adapters.server.queries.base import Answer, Call
from dispatch.adapters.server.queries.session import whoami_result
from dispatch.domain.errors import Forbidden, Unavailable

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


def login(server: DispatchServer, call: Call) -> Answer:
    req, envelope, user_id = call.req, call.envelope, call.user_id
    a = take_args(req.args, {"user": (str, ...), "password": (str, ...),
                             "workstation": (str, ""), "device": (str, ""),
                             "device_id": (str, "")}, "login")
    from dispatch.adapters.security.operators import normalize_user

    user = normalize_user(a["user"])[:64]
    claim = a["workstation"].strip()[:64]
    audit = server.audit
    if not audit.room(2):
        server.stats.audit_full += 1
        raise Unavailable(AUDIT_FULL)
    try:
        entry = server.access.login_peer(user_id)
    except Forbidden:
        audit.write(audit_row(user, claim, "login_refused",
                              {"reason": "key not enrolled or feed-only"}))
        raise
    workstation = entry.name if entry is not None else claim
    peer = f"key:{user_id}" if user_id is not None else f"peer:{envelope[0].hex()}"
    device = a["device"].strip()[:64]
    # the device a relay key (or, without CURVE, the client) logs in for, named in the
    # audit line of the login
    relayed: dict[str, str] = {}
    if (entry is None or entry.relay) and (device or a["device_id"].strip()):
        relayed = {"device": device, "device_id": a["device_id"].strip()[:64]}
    if device and entry is not None and entry.relay:
        # a relay key (the field gateway) logs in for many devices: each device has its own
        # throttle, so one device's failed logins never lock the others out
        peer = f"{peer}/device:{device}"
    subjects = (f"user:{user}", peer)
    gate = server.trust.logins
    verdict = gate.check(*subjects)
    if not verdict.allowed:
        server.stats.logins_throttled += 1
        audit.write(audit_row(user, workstation, "login_throttled",
                              {"wait_s": round(verdict.wait_s, 1), "locked": verdict.locked,
                               "subject": verdict.subject.split(":")[0]}))
        what = "locked after too many failed logins" if verdict.locked else \
            "slowed down after failed logins"
        raise Forbidden(f"this account or workstation is {what}; try again in "
                        f"{max(1, round(verdict.wait_s))} s")
    gate.enter(peer)
    directory, sessions, engine = server.operators, server.sessions, server.engine

    def job() -> tuple[bytes, Callable[[], None] | None]:
        try:
            try:
                op = directory.authenticate(a["user"], a["password"])
                token = sessions.open(op, workstation, key=user_id)
            except Forbidden:
                locked = gate.failed(*subjects)
                audit.write(audit_row(user, workstation, "login_failed", ""))
                if locked.locked:
                    audit.write(audit_row(user, workstation, "login_locked",
                                          {"subject": locked.subject.split(":")[0],
                                           "for_s": locked.wait_s}))
                raise
            gate.succeeded(subjects[0])
            audit.write(audit_row(op.user, workstation, "login",
                                  {"role": op.role.value, "scope": op.scope, **relayed}))
            actor = sessions.actor(token, user_id)
            result = {"session": token, **whoami_result(server, actor),
                      "display_name": getattr(op, "display_name", op.user)}
            return ok_reply(req.id, engine.state.seq, result), None
        finally:
            gate.leave(peer)

    if not server.backoffice.submit(envelope, req.id, job):
        gate.leave(peer)
        server.stats.busy += 1
        server.sockets.send(envelope, error_reply(req.id, "unavailable",
                                                  "server busy; try again"))
    return None
