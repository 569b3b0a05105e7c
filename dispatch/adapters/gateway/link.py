"""The gateway's link to the dispatch server: the command channel and the live view.

**Commands.** One :class:`~dispatch.adapters.client.commands.CommandClient` per worker thread
(a client is not thread-safe), all with the gateway's CURVE key. A device's request goes out
with *the device's* server session (its operator logged in through the gateway: the server
decides what it may do and records it as the operator, at the gateway's workstation); a
system's request (Open311, 12345/110) with the gateway's own session (its ``field_gateway``
operator), logged in on first use and again when the server forgot it.

**View.** A :class:`~dispatch.adapters.client.mirror.StateMirror` of the gateway operator's
subtree runs in a thread of its own; after every round it publishes an immutable
:class:`View` (copy on write: changed records are cloned into new dicts), so request threads
read a consistent state without locks. :meth:`MirrorView.wait_seq` lets a request wait until
the view holds the event its command made.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import zmq

from dispatch.adapters.client.commands import ClientCurve, CommandClient, SessionSource
from dispatch.adapters.client.mirror import StateMirror
from dispatch.adapters.gateway.errors import ApiError, refused
from dispatch.adapters.protocol.messages import Reply
from dispatch.domain.errors import DispatchError, Unavailable
from dispatch.domain.state import INCIDENT_CODEC, UNIT_CODEC, DispatchState, Incident, UnitState

log = logging.getLogger("gridline.gateway")


@dataclass(frozen=True, slots=True)
class Endpoints:
    command: str
    snapshot: str
    update: str


class ServerLink:
    def __init__(self, endpoints: Endpoints, *, user: str, password: str,
                 workstation: str = "gateway", curve: ClientCurve | None = None,
                 ctx: zmq.Context | None = None, timeout_s: float = 2.5,
                 retries: int = 2) -> None:
        self.endpoints = endpoints
        self.curve = curve
        self.ctx = ctx or zmq.Context.instance()
        self.workstation = workstation
        self._timeout, self._retries = timeout_s, retries
        self._local = threading.local()
        self._clients: list[CommandClient] = []
        self._lock = threading.Lock()
        self.gateway = SessionSource(endpoints.command, user, password, workstation,
                                     ctx=self.ctx, curve=curve, timeout_s=timeout_s,
                                     retries=retries)

    def _client(self) -> CommandClient:
        c: CommandClient | None = getattr(self._local, "client", None)
        if c is None:
            c = CommandClient(self.endpoints.command, ctx=self.ctx, curve=self.curve,
                              timeout_s=self._timeout, retries=self._retries)
            self._local.client = c
            with self._lock:
                self._clients.append(c)
        return c

    def close(self) -> None:
        with self._lock:
            for c in self._clients:
                c.close()
            self._clients.clear()

    # ---------------------------------------------------------------- requests

    def call(self, session: str, rtype: str, args: dict[str, Any] | None = None, *,
             command_id: str | None = None) -> Reply:
        """One request under ``session``; the reply as it came (refusals too);
        ``unavailable`` (503) when the server does not answer."""
        c = self._client()
        c.session = session
        try:
            return c.request(rtype, args or {}, command_id=command_id, raise_errors=False)
        except Unavailable as exc:
            raise ApiError("unavailable", f"the dispatch server does not answer: {exc}"
                           ) from None
        except DispatchError as exc:  # e.g. a request too large for the channel
            raise ApiError.of(exc) from None

    def as_gateway(self, rtype: str, args: dict[str, Any] | None = None, *,
                   command_id: str | None = None) -> Reply:
        """A request under the gateway's own session (logging in again once if the server
        forgot it)."""
        for attempt in (1, 2):
            try:
                token = self.gateway()
            except Unavailable as exc:
                raise ApiError("unavailable", f"the dispatch server does not answer: {exc}"
                               ) from None
            except DispatchError as exc:
                log.error("the gateway cannot log in to the dispatch server: %s", exc)
                raise ApiError("unavailable", "the gateway cannot log in to the dispatch "
                                              "server") from None
            reply = self.call(token, rtype, args, command_id=command_id)
            if reply.ok or not reply.relogin or attempt == 2:
                return reply
            self.gateway.invalidate()
        raise AssertionError("unreachable")

    def login(self, user: str, password: str, device: str = "", device_id: str = ""
              ) -> dict[str, Any]:
        """Log an operator in for a device (``device``: its address, by which the server
        throttles failed logins; ``device_id``: the name it gave itself, for the server's
        audit line of the login): the server's ``login`` result; ApiError
        ``unauthorized`` (wrong credentials), ``rate_limited``/``unavailable`` as the server
        said."""
        args = {"user": user, "password": password, "workstation": self.workstation,
                "device": device}
        if device_id:
            args["device_id"] = device_id
        reply = self.call("", "login", args)
        if reply.ok:
            return dict(reply.result)
        msg = reply.message or "login refused"
        if reply.error == "forbidden" and ("slowed down" in msg or "locked" in msg):
            raise ApiError("rate_limited", msg)
        if reply.error in ("forbidden", "invalid", "not_found"):
            raise ApiError("unauthorized", msg)
        raise refused(reply.error, msg)

    def logout(self, session: str) -> None:
        with contextlib.suppress(ApiError):
            self.call(session, "logout")


def ok_or_raise(reply: Reply) -> dict[str, Any]:
    """The result of an accepted request; the refusal as an :class:`ApiError` otherwise."""
    if reply.ok:
        return dict(reply.result)
    if reply.relogin:
        raise ApiError("unauthorized", "your session with the dispatch server ended; log in "
                                       "again")
    raise refused(reply.error, reply.message)


# ------------------------------------------------------------------------------- the view


@dataclass(frozen=True, slots=True)
class View:
    """What the mirror held after one round (never changed afterwards)."""

    incidents: Mapping[str, Incident] = field(default_factory=dict)
    units: Mapping[str, UnitState] = field(default_factory=dict)
    by_ref: Mapping[str, str] = field(default_factory=dict)  # external_ref → incident id
    seq: int = 0
    live: bool = False
    by_media: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # photo → incidents

    def incidents_with_media(self, media_id: str) -> list[Incident]:
        """The incidents in the view that have this photo."""
        return [i for i in (self.incidents.get(x) for x in self.by_media.get(media_id, ()))
                if i is not None]


def _by_ref(incidents: Mapping[str, Incident]) -> dict[str, str]:
    return {i.external_ref: i.id for i in incidents.values() if i.external_ref}


def _add_media(index: dict[str, tuple[str, ...]], inc: Incident) -> None:
    for m in inc.media:
        have = index.get(m.media_id, ())
        if inc.id not in have:
            index[m.media_id] = (*have, inc.id)


def _by_media(incidents: Mapping[str, Incident]) -> dict[str, tuple[str, ...]]:
    index: dict[str, tuple[str, ...]] = {}
    for inc in incidents.values():
        _add_media(index, inc)
    return index


class MirrorView:
    """Runs the mirror in a thread and publishes :class:`View` objects."""

    def __init__(self, endpoints: Endpoints, token: SessionSource, *,
                 curve: ClientCurve | None = None, ctx: zmq.Context | None = None,
                 hugz_interval_s: float = 1.0) -> None:
        self._args = (endpoints, token, curve, ctx, hugz_interval_s)
        self.view = View()
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error = ""

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="gateway-mirror", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        endpoints, token, curve, ctx, hugz = self._args
        subtree = ""
        while not self._stop.is_set():
            try:
                token()
                assert token.login is not None
                subtree = token.login.subtree
                break
            except (DispatchError, zmq.ZMQError) as exc:
                self.error = f"cannot log in for the state feed: {exc}"
                log.warning("%s; trying again", self.error)
                self._stop.wait(1.0)
        mirror = StateMirror(endpoints.snapshot, endpoints.update, subtree=subtree, token=token,
                             curve=curve, ctx=ctx, hugz_interval_s=hugz)
        mirror.start()
        try:
            while not self._stop.is_set():
                changes = mirror.run_once(100, budget_s=0.1)
                if changes or mirror.live != self.view.live or \
                        mirror.state.seq != self.view.seq:
                    self._publish(mirror.state, changes.incidents, changes.units,
                                  changes.resynced, mirror.live)
        finally:
            mirror.close()

    def _publish(self, state: DispatchState, incidents: set[str], units: set[str],
                 resynced: bool, live: bool) -> None:
        old = self.view
        if resynced:
            inc = {k: INCIDENT_CODEC.clone(v) for k, v in state.incidents.items()}
            uni = {k: UNIT_CODEC.clone(v) for k, v in state.units.items()}
            refs = _by_ref(inc)
            media = _by_media(inc)
        else:
            inc, uni = dict(old.incidents), dict(old.units)
            refs = dict(old.by_ref)
            media = dict(old.by_media)
            for iid in incidents:
                got = state.incidents.get(iid)
                if got is None:
                    inc.pop(iid, None)
                else:
                    inc[iid] = INCIDENT_CODEC.clone(got)
                    if got.external_ref:
                        refs[got.external_ref] = iid
                    if got.media:
                        _add_media(media, got)
            for uid in units:
                u = state.units.get(uid)
                if u is None:
                    uni.pop(uid, None)
                else:
                    uni[uid] = UNIT_CODEC.clone(u)
        view = View(MappingProxyType(inc), MappingProxyType(uni), MappingProxyType(refs),
                    state.seq, live, MappingProxyType(media))
        with self._cond:
            self.view = view
            self._cond.notify_all()

    def wait_seq(self, seq: int, timeout_s: float = 2.0) -> View:
        """The view once it holds event ``seq`` (or the latest one after ``timeout_s``)."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self.view.seq < seq:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return self.view

    def wait_live(self, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while not self.view.live:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True
