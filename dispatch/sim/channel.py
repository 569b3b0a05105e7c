"""The simulator's command channel: the field gateway's session, optionally a shift lead's,
refusals counted instead of raised, outages ridden out, and the server's clock.

A refused command (conflict, stale, invalid…) is logged at debug and counted: the simulator
acts on a live mirror that can lag by a few milliseconds, so a small refusal rate is normal.
When the server does not answer (Lazy Pirate gave up), the channel is *down*: commands are
not sent, and a ``ping`` probes the server once a second until it answers again; the client
logs in again by itself when its session is gone (a restarted server forgets sessions).
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

import zmq

from dispatch.adapters.client.commands import ClientCurve, CommandClient, Login
from dispatch.adapters.protocol.messages import Reply, command_args
from dispatch.domain.errors import DispatchError, Unavailable

log = logging.getLogger("gridline.sim")

Who = Literal["field", "lead"]
PROBE_EVERY_S = 1.0


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one command: ``ok``; refused (``code``); or not sent (``down``)."""

    ok: bool
    reply: Reply | None = None
    code: str = ""
    message: str = ""
    down: bool = False

    @property
    def result(self) -> dict[str, Any]:
        return self.reply.result if self.reply is not None else {}

    @property
    def incident_id(self) -> str:
        return str(self.result.get("incident_id", ""))


@dataclass(slots=True)
class ChannelStats:
    sent: int = 0
    ok: int = 0
    refused: Counter[str] = field(default_factory=Counter)  # by error code
    refused_types: Counter[str] = field(default_factory=Counter)  # by command wire name
    not_sent: int = 0  # while the server was down
    outages: int = 0

    @property
    def refused_total(self) -> int:
        return sum(self.refused.values())


class ServerClock:
    """The server's engine time, extrapolated at its speed from the last observation."""

    def __init__(self) -> None:
        self._t = time.time()
        self._mono = time.monotonic()
        self.speed = 1.0

    def observe(self, server_time: float, speed: float) -> None:
        self._t, self._mono, self.speed = float(server_time), time.monotonic(), float(speed)

    def correct(self, server_time: float) -> None:
        """Take a fresher reading (from the feed's heartbeat), keeping the speed."""
        self._t, self._mono = float(server_time), time.monotonic()

    def __call__(self) -> float:
        return self._t + (time.monotonic() - self._mono) * self.speed


class Channel:
    def __init__(self, endpoint: str, *, field_user: tuple[str, str],
                 lead_user: tuple[str, str] | None = None, workstation: str = "simulator",
                 curve: ClientCurve | None = None, ctx: zmq.Context | None = None,
                 timeout_s: float = 1.5, retries: int = 2) -> None:
        self.endpoint = endpoint
        self.workstation = workstation
        self._field_user = field_user
        self._lead_user = lead_user
        self._curve = curve
        self._ctx = ctx
        self._timeout_s = timeout_s
        self._retries = retries
        self.field = self._client()
        self.lead: CommandClient | None = None
        self.clock = ServerClock()
        self.stats = ChannelStats()
        self.down = False
        self.last_seq = 0  # event sequence of the latest accepted command
        self._next_probe = 0.0
        self._logins: dict[str, Login | None] = {"field": None, "lead": None}
        self.login_info: Login | None = None

    def _client(self) -> CommandClient:
        return CommandClient(self.endpoint, ctx=self._ctx, curve=self._curve,
                             timeout_s=self._timeout_s, retries=self._retries)

    # ------------------------------------------------------------------------ session

    def connect(self) -> Login:
        """Log in the field gateway (errors propagate) and, if configured, the shift lead
        (a failure there only disables the back-office role, with a warning)."""
        user, password = self._field_user
        self.login_info = self.field.login(user, password, self.workstation)
        self._logins["field"] = self.login_info
        self.clock.observe(self.login_info.server_time, self.login_info.time_speed)
        if self._lead_user is not None and self.lead is None:
            lead = self._client()
            try:
                lead.login(self._lead_user[0], self._lead_user[1], self.workstation)
            except DispatchError as exc:
                log.warning("shift lead %r cannot log in (%s): the simulator will not "
                            "register, dispatch or close", self._lead_user[0], exc)
                lead.close()
            else:
                self.lead = lead
                self._logins["lead"] = lead.login_info
        self.down = False
        return self.login_info

    @property
    def has_lead(self) -> bool:
        return self.lead is not None

    def close(self) -> None:
        for c in (self.field, self.lead):
            if c is None:
                continue
            if not self.down:
                with contextlib.suppress(DispatchError, zmq.ZMQError):
                    c.logout()
            c.close()

    # ------------------------------------------------------------------------ sending

    def available(self) -> bool:
        """True when commands may be sent (probing the server when it was down)."""
        if not self.down:
            return True
        now = time.monotonic()
        if now < self._next_probe:
            return False
        self._next_probe = now + PROBE_EVERY_S
        try:
            r = self.field.request("ping", raise_errors=False)
        except Unavailable:
            return False
        if r.ok:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                self.clock.observe(float(r.result["now"]), float(r.result["speed"]))
            log.warning("dispatch server answers again; carrying on")
            self.down = False
        return not self.down

    def send(self, who: Who, command: Any, *, command_id: str | None = None) -> Result:
        """Send ``command`` as the field gateway or the shift lead; never raises for a refusal
        or an outage."""
        client = self.field if who == "field" else self.lead
        name = type(command).NAME
        if client is None:
            self.stats.refused["forbidden"] += 1
            self.stats.refused_types[name] += 1
            return Result(False, code="forbidden", message="no shift lead session")
        if not self.available():
            self.stats.not_sent += 1
            return Result(False, code="unavailable", down=True)
        self.stats.sent += 1
        try:
            reply = client.request(name, command_args(command),
                                   command_id=command_id or uuid.uuid4().hex, raise_errors=False)
        except Unavailable as exc:
            if not self.down:
                self.stats.outages += 1
                log.warning("dispatch server unavailable (%s); waiting for it", exc)
            self.down = True
            self._next_probe = time.monotonic() + PROBE_EVERY_S
            return Result(False, code="unavailable", message=str(exc), down=True)
        except DispatchError as exc:  # e.g. the automatic re-login was refused
            self.stats.refused[exc.code] += 1
            self.stats.refused_types[name] += 1
            log.debug("%s %s refused: %s", who, name, exc)
            return Result(False, code=exc.code, message=exc.message)
        self._after_login(who, client)
        if reply.ok:
            self.stats.ok += 1
            self.last_seq = max(self.last_seq, reply.seq)
            return Result(True, reply)
        self.stats.refused[reply.error] += 1
        self.stats.refused_types[name] += 1
        level = logging.WARNING if reply.error == "forbidden" else logging.DEBUG
        log.log(level, "%s %s refused (%s): %s", who, name, reply.error, reply.message)
        return Result(False, reply, code=reply.error, message=reply.message,
                      down=reply.error == "unavailable")

    def _after_login(self, who: str, client: CommandClient) -> None:
        """After a transparent re-login (server restart), take the server's clock again."""
        info = client.login_info
        if info is not None and info is not self._logins.get(who):
            self._logins[who] = info
            if who == "field":
                self.login_info = info
                self.clock.observe(info.server_time, info.time_speed)
                log.info("logged in again as %s (server restarted?)", info.operator)
