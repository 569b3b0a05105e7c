"""Who is asking: devices (grid workers' and field units' phones) and systems (API keys).

A device logs in with its operator's user name and password (``POST /api/v1/login``); the
gateway passes them to the server's ``login`` and, when the server accepts, keeps the server's
session and hands the device a bearer token of its own (256 random bits) that maps to it.
The password is not kept. ``Authorization: Bearer <token>``.

Device sessions survive a restart of the gateway: they are kept in
``<data dir>/gateway/sessions.jsonl`` (directory 0700, file 0600; the journal of
:class:`DeviceSessions`) under the SHA-256 of their token (never the token itself), with the
operator, unit, device id, the server session (bound on the server to the gateway's CURVE
key, useless without it) and the time of the last request. A login and a logout are written
at once (a logged-out token stays refused after a restart); the times of the last requests at
most once a minute and when the gateway stops. A session idle for longer than the idle limit
is dropped, after a restart too. A session the server ended (the server restarted, the
operator disabled or re-scoped) answers ``unauthorized`` at its next request, as before.

A system sends its API key as ``X-API-Key: <key>`` or, as Open311 says, an ``api_key``
parameter.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from dispatch.adapters.gateway.errors import ApiError
from dispatch.adapters.private_files import FILE_MODE, ensure_private_dir

log = logging.getLogger("gridline.gateway")
SESSION_FILE = "sessions.jsonl"
FLUSH_EVERY_S = 60.0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(slots=True)
class Device:
    """One logged-in device: the hash of its token and the server session of its operator."""

    key: str  # SHA-256 of the bearer token
    session: str
    operator: str
    display_name: str
    role: str
    scope: str
    unit_id: str
    device_id: str = ""  # the phone's own name for itself, as it logged in (may be "")
    address: str = ""  # the client address it logged in from
    created: float = field(default_factory=time.time)
    last_seen: float = field(default_factory=time.time)

    def public(self) -> dict[str, str]:
        return {"operator": self.operator, "display_name": self.display_name,
                "role": self.role, "scope": self.scope, "unit_id": self.unit_id,
                "device_id": self.device_id}


_FIELDS = frozenset(f.name for f in fields(Device))


class DeviceSessions:
    """The device sessions of one gateway, kept in ``<dir>/sessions.jsonl`` when ``dir`` is
    given (else in memory only); safe to use from several threads.

    The file is a journal: one JSON line per login (``{"open": {…}}``), logout or ended
    session (``{"drop": key}``) and, at most once a minute, the last-request times of the
    sessions used since (``{"seen": {key: time}}``), each appended (a login costs one short
    write whatever the number of sessions). When the journal holds many more lines than
    sessions it is rewritten with one ``open`` line per session (atomically). Reading it
    again skips a line cut short by a crash."""

    def __init__(self, directory: Path | None = None, *, idle_ttl_s: float = 12 * 3600.0,
                 max_sessions: int = 50_000) -> None:
        self.idle_ttl_s = idle_ttl_s
        self.max_sessions = max_sessions
        self.dir = directory
        self.path = directory / SESSION_FILE if directory is not None else None
        self._lock = threading.Lock()
        self._lines = 0
        self._torn = False
        self._seen: dict[str, float] = {}  # used since the last "seen" line
        self._flushed = time.monotonic()
        self._devices: dict[str, Device] = self._load()
        if self._torn or self._lines > len(self._devices) + 100:
            self._compact()  # a cut line is not continued by the next one

    # ------------------------------------------------------------------ the file

    def _load(self) -> dict[str, Device]:
        if self.path is None:
            return {}
        devices: dict[str, Device] = {}
        try:
            with self.path.open(encoding="utf-8") as f:
                for line in f:
                    self._lines += 1
                    try:
                        rec = json.loads(line)
                        if "open" in rec:
                            d = rec["open"]
                            devices[str(d["key"])] = Device(
                                **{k: v for k, v in d.items() if k in _FIELDS})
                        elif "drop" in rec:
                            devices.pop(str(rec["drop"]), None)
                        elif "seen" in rec:
                            for key, ts in rec["seen"].items():
                                if key in devices:
                                    devices[key].last_seen = float(ts)
                    except (ValueError, KeyError, TypeError, AttributeError):
                        self._torn = True  # a line cut short (a crash while writing it)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            log.warning("device sessions in %s not read (%s): every device logs in again",
                        self.path, exc)
            return {}
        now = time.time()
        return {k: d for k, d in devices.items() if now - d.last_seen <= self.idle_ttl_s}

    def _append(self, record: dict[str, object]) -> None:
        """One journal line (under the lock)."""
        if self.path is None or self.dir is None:
            return
        ensure_private_dir(self.dir)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            os.write(fd, json.dumps(record, ensure_ascii=False).encode() + b"\n")
        finally:
            os.close(fd)
        self._lines += 1

    def _compact(self) -> None:
        """Rewrite the journal as one line per session (under the lock)."""
        if self.path is None or self.dir is None:
            return
        ensure_private_dir(self.dir)
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-sessions-")
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                for d in self._devices.values():
                    f.write(json.dumps({"open": asdict(d)}, ensure_ascii=False) + "\n")
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        self._lines = len(self._devices)
        self._seen.clear()

    def _write_seen(self) -> None:
        if self._seen:
            if self._lines > 2 * len(self._devices) + 1000:
                self._compact()
            else:
                self._append({"seen": {k: round(v, 1) for k, v in self._seen.items()}})
            self._seen.clear()
        self._flushed = time.monotonic()

    def flush(self) -> None:
        """Write the times of the last requests (the gateway stops)."""
        with self._lock:
            self._write_seen()

    # ------------------------------------------------------------------ sessions

    def open(self, session: str, login: dict[str, object], unit_id: str, *,
             device_id: str = "", address: str = "") -> tuple[str, Device]:
        """A new device session: its bearer token (shown once) and the device."""
        token = secrets.token_urlsafe(32)
        dev = Device(key=token_hash(token), session=session,
                     operator=str(login.get("operator", "")),
                     display_name=str(login.get("display_name") or login.get("operator", "")),
                     role=str(login.get("role", "")), scope=str(login.get("scope", "")),
                     unit_id=unit_id, device_id=device_id, address=address)
        with self._lock:
            if len(self._devices) >= self.max_sessions:
                self._expire(time.time())
            if len(self._devices) >= self.max_sessions:
                raise ApiError("unavailable", "too many devices are logged in; try later")
            self._devices[dev.key] = dev
            self._append({"open": asdict(dev)})
        return token, dev

    def get(self, token: str) -> Device:
        now = time.time()
        key = token_hash(token)
        with self._lock:
            dev = self._devices.get(key)
            if dev is None or now - dev.last_seen > self.idle_ttl_s:
                if self._devices.pop(key, None) is not None:
                    self._append({"drop": key})
                raise ApiError("unauthorized", "not logged in (or the session ended); log in "
                                               "again")
            dev.last_seen = now
            self._seen[key] = now
            if time.monotonic() - self._flushed > FLUSH_EVERY_S:
                self._write_seen()
            return dev

    def drop(self, token: str) -> Device | None:
        """End the session of a bearer token (logout)."""
        return self.drop_key(token_hash(token))

    def drop_key(self, key: str) -> Device | None:
        """End the session of a device (the server ended its operator's session)."""
        with self._lock:
            dev = self._devices.pop(key, None)
            if dev is not None:
                self._append({"drop": key})
                self._seen.pop(key, None)
            return dev

    def _expire(self, now: float) -> None:
        gone = [k for k, d in self._devices.items() if now - d.last_seen > self.idle_ttl_s]
        for k in gone:
            del self._devices[k]
            self._seen.pop(k, None)
        if gone:
            self._compact()

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
