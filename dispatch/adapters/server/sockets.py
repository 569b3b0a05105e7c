"""The server's sockets: the command and snapshot ROUTERs, the update XPUB and the inproc
wake-up PULL, their options (CurveZMQ in secure mode), binding, and replacing the update
socket when a key's grants shrink (ZeroMQ cannot take one peer's subscription away)."""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from typing import Any

import zmq

from dispatch.adapters.protocol.messages import MAX_MESSAGE_BYTES
from dispatch.adapters.server.process import Endpoints

PUB_HWM = 500_000  # updates queued per subscriber before it misses some (and resyncs)
SNAPSHOT_HWM = 20_000
MAX_SUBSCRIPTION_BYTES = 4096  # libzmq drops a peer that sends a longer subscription
_EVENTS, _POLLIN = int(zmq.EVENTS), int(zmq.POLLIN)
_ids = itertools.count(1)


def user_id(frame: zmq.Frame) -> str | None:
    """The CURVE key (Z85) ZAP gave the peer that sent ``frame``, if any."""
    try:
        return str(frame.get("User-Id"))
    except zmq.ZMQError:
        return None


def bind_tcp(sock: zmq.Socket, host: str, port: int) -> str:
    """Bind ``sock`` on ``host:port`` (0: a random free port); the endpoint bound."""
    h = f"[{host}]" if ":" in host else host
    if port == 0:
        port = sock.bind_to_random_port(f"tcp://{h}")
    else:
        sock.bind(f"tcp://{h}:{port}")
    return f"tcp://{h}:{port}"


class ServerSockets:
    """The four sockets of one server and the poller of its loop."""

    def __init__(self, ctx: zmq.Context, server_keys: Any = None) -> None:
        self.ctx = ctx
        self.server_keys = server_keys
        self.cmd = ctx.socket(zmq.ROUTER)
        self.snap = ctx.socket(zmq.ROUTER)
        self.pub = self.make_pub()
        self.wake = ctx.socket(zmq.PULL)
        for s in (self.cmd, self.snap):
            s.setsockopt(zmq.LINGER, 200)
            s.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
            self.curve(s)
        self.cmd.setsockopt(zmq.ROUTER_HANDOVER, 1)
        self.cmd.setsockopt(zmq.SNDHWM, 100_000)
        self.cmd.setsockopt(zmq.RCVHWM, 100_000)
        self.snap.setsockopt(zmq.ROUTER_MANDATORY, 1)
        self.snap.setsockopt(zmq.SNDHWM, SNAPSHOT_HWM)
        self.wake.setsockopt(zmq.LINGER, 0)
        self.wake_endpoint = f"inproc://gridline-wake-{os.getpid()}-{next(_ids)}"
        self.wake.bind(self.wake_endpoint)
        self.poller: zmq.Poller | None = None
        self.endpoints: Endpoints | None = None

    def curve(self, sock: zmq.Socket) -> None:
        if self.server_keys is not None:
            from dispatch.adapters.security.keys import apply_server_curve

            apply_server_curve(sock, self.server_keys)

    def make_pub(self) -> zmq.Socket:
        pub = self.ctx.socket(zmq.XPUB)
        pub.setsockopt(zmq.LINGER, 200)
        pub.setsockopt(zmq.MAXMSGSIZE, MAX_SUBSCRIPTION_BYTES)
        self.curve(pub)
        pub.setsockopt(zmq.XPUB_MANUAL, 1)
        pub.setsockopt(zmq.SNDHWM, PUB_HWM)
        return pub

    def bind(self, host: str, command_port: int, snapshot_port: int,
             update_port: int) -> Endpoints:
        self.endpoints = Endpoints(command=bind_tcp(self.cmd, host, command_port),
                                   snapshot=bind_tcp(self.snap, host, snapshot_port),
                                   update=bind_tcp(self.pub, host, update_port))
        return self.endpoints

    def make_poller(self) -> zmq.Poller:
        poller = self.poller = zmq.Poller()
        for s in (self.cmd, self.snap, self.pub, self.wake):
            poller.register(s, zmq.POLLIN)
        return poller

    def send(self, envelope: list[bytes], reply: bytes) -> None:
        """Answer on the command socket; a client that went away or does not read gets
        nothing (it retries)."""
        with contextlib.suppress(zmq.ZMQError):
            self.cmd.send_multipart([*envelope, reply], zmq.NOBLOCK)

    def command_waiting(self) -> bool:
        """A command has arrived and is waiting to be read."""
        return bool(int(self.cmd.get(_EVENTS)) & _POLLIN)

    def drain_wake(self) -> None:
        while True:
            try:
                self.wake.recv(zmq.NOBLOCK)
            except zmq.ZMQError:
                break

    def replace_pub(self) -> zmq.Socket:
        """Close the update socket and bind a new one on the same endpoint: every peer is
        disconnected (SUB sockets reconnect by themselves within ~0.1 s)."""
        assert self.endpoints is not None
        old = self.pub
        if self.poller is not None:
            self.poller.unregister(old)
        old.close(linger=0)
        new = self.make_pub()
        deadline = time.monotonic() + 5.0
        while True:
            try:
                new.bind(self.endpoints.update)
                break
            except zmq.ZMQError as exc:  # the old listener is still closing
                if exc.errno != zmq.EADDRINUSE or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        self.pub = new
        if self.poller is not None:
            self.poller.register(new, zmq.POLLIN)
        return new

    def close(self) -> None:
        for s in (self.cmd, self.snap, self.pub, self.wake):
            s.close(linger=200)
