"""Who is asking: devices (grid workers' and field units' phones) and systems (API keys).

A device logs in with its operator's user name and password (``POST /api/v1/login``); the
gateway passes them to the server's ``login`` and, when the server accepts, keeps the server's
session and hands the device a bearer token of its own (256 random bits) that maps to it.
The password is not kept. Device sessions live in the gateway's memory: a restarted gateway
forgets them and the devices log in again (so does a restarted server: the next request of
such a device is answered ``unauthorized``). ``Authorization: Bearer <token>``.

A system sends its API key as ``X-API-Key: <key>`` or, as Open311 says, an ``api_key``
parameter.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

from dispatch.adapters.gateway.errors import ApiError


@dataclass(slots=True)
class Device:
    """One logged-in device: its token and the server session of its operator."""

    token: str
    session: str
    operator: str
    display_name: str
    role: str
    scope: str
    unit_id: str
    created: float = field(default_factory=time.time)
    last_seen: float = field(default_factory=time.monotonic)

    def public(self) -> dict[str, str]:
        return {"operator": self.operator, "display_name": self.display_name,
                "role": self.role, "scope": self.scope, "unit_id": self.unit_id}


class DeviceSessions:
    def __init__(self, *, idle_ttl_s: float = 12 * 3600.0, max_sessions: int = 50_000) -> None:
        self.idle_ttl_s = idle_ttl_s
        self.max_sessions = max_sessions
        self._lock = threading.Lock()
        self._devices: dict[str, Device] = {}

    def open(self, session: str, login: dict[str, object], unit_id: str) -> Device:
        token = secrets.token_urlsafe(32)
        dev = Device(token=token, session=session, operator=str(login.get("operator", "")),
                     display_name=str(login.get("display_name") or login.get("operator", "")),
                     role=str(login.get("role", "")), scope=str(login.get("scope", "")),
                     unit_id=unit_id)
        with self._lock:
            if len(self._devices) >= self.max_sessions:
                self._expire(time.monotonic())
            if len(self._devices) >= self.max_sessions:
                raise ApiError("unavailable", "too many devices are logged in; try later")
            self._devices[token] = dev
        return dev

    def get(self, token: str) -> Device:
        now = time.monotonic()
        with self._lock:
            dev = self._devices.get(token)
            if dev is None or now - dev.last_seen > self.idle_ttl_s:
                self._devices.pop(token, None)
                raise ApiError("unauthorized", "not logged in (or the session ended); log in "
                                               "again")
            dev.last_seen = now
            return dev

    def drop(self, token: str) -> Device | None:
        with self._lock:
            return self._devices.pop(token, None)

    def _expire(self, now: float) -> None:
        self._devices = {k: d for k, d in self._devices.items()
                         if now - d.last_seen <= self.idle_ttl_s}

    def __len__(self) -> int:
        return len(self._devices)


def bearer(header: str | None) -> str:
    """The token of an ``Authorization: Bearer …`` header; ``unauthorized`` otherwise."""
    if not header:
        raise ApiError("unauthorized", "log in first: send Authorization: Bearer <token>")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError("unauthorized", "the Authorization header must be 'Bearer <token>'")
    return token.strip()
