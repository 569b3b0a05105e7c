"""Helpers of the trust-edge attacks: a CURVE server, extra workstation keys, raw sockets."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zmq

from dispatch.adapters.client import ClientCurve, CommandClient
from dispatch.adapters.security.keys import allow_client, ensure_client_keys, server_public_key
from dispatch.adapters.security.operators import DEMO_PASSWORDS, read_audit
from tests.integration.conftest import RunningServer


def wait_until(cond: Callable[[], Any], timeout: float = 5.0, what: str = "") -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = cond()
        if got:
            return got
        time.sleep(0.02)
    raise AssertionError(f"not within {timeout} s: {what}")


def workstation_keys(rs: RunningServer, name: str, *, enrol: bool = True) -> ClientCurve:
    """A new workstation key pair in a data dir of its own, enrolled on the server."""
    data = Path(rs.settings.data_dir) / "ws" / name
    public, secret = ensure_client_keys(data, name)
    if enrol:
        allow_client(rs.settings.data_dir, public, name)
        auth = rs.server.authenticator
        wait_until(lambda: auth.entry(public) is not None, 3, f"{name} enrolled")
    return ClientCurve(public, secret, server_public_key(rs.settings.data_dir))


def client_on(rs: RunningServer, curve: ClientCurve | None, user: str | None = "lead",
              workstation: str = "claimed-ws", timeout_s: float = 2.0) -> CommandClient:
    c = CommandClient(rs.endpoints.command, curve=curve, timeout_s=timeout_s, retries=1)
    rs.clients.append(c)
    if user is not None:
        c.login(user, DEMO_PASSWORDS[user], workstation)
    return c


def audit_actions(rs: RunningServer, action: str) -> list[Any]:
    rs.server.audit.flush(5)
    assert rs.server.store is not None
    return read_audit(rs.server.store.engine, action=action)


class RawSub:
    """A plain SUB socket (CURVE when ``curve`` is given) that records what it receives."""

    def __init__(self, rs: RunningServer, curve: ClientCurve | None, *topics: bytes) -> None:
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.SUB)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.RECONNECT_IVL, 50)
        if curve is not None:
            curve.apply(self.sock)
        for t in topics:
            self.sock.setsockopt(zmq.SUBSCRIBE, t)
        self.sock.connect(rs.endpoints.update)
        self.keys: list[bytes] = []

    def pump(self, timeout_ms: int = 50) -> int:
        """Record what has arrived; returns how many messages that was."""
        n = 0
        while self.sock.poll(timeout_ms, zmq.POLLIN):
            frames = self.sock.recv_multipart()
            self.keys.append(frames[0])
            n += 1
            timeout_ms = 0
        return n

    def data_keys(self) -> list[bytes]:
        return [k for k in self.keys if b"/inc/" in k or b"/unit/" in k]

    def heartbeats(self) -> int:
        return sum(1 for k in self.keys if k == b"HUGZ")

    def close(self) -> None:
        self.sock.close(0)
        self.ctx.term()
