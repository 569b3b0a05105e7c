"""The one way for another thread to hand work to the server's loop: the backoffice's replies
and the watcher's changes both go through a :class:`LoopPost`. An item is queued where the
loop collects it (:meth:`DispatchServer.handle_wakeups`) and an empty message on an inproc
PUSH socket wakes the loop's poller (ZeroMQ sockets are not shared between threads, so each
posting thread has a socket of its own)."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

import zmq


@dataclass(frozen=True, slots=True)
class Done:
    """Work for the loop: run ``after`` (if any), then send ``reply`` to ``envelope`` (if
    both are given)."""

    envelope: list[bytes] | None  # ROUTER envelope to reply to; None when nothing is sent
    reply: bytes | None
    after: Callable[[], None] | None


class LoopPost:
    """Queues :class:`Done` items for the server's loop and wakes it; thread-safe."""

    def __init__(self, ctx: zmq.Context, wake_endpoint: str) -> None:
        self._ctx = ctx
        self._wake = wake_endpoint
        self.done: queue.Queue[Done] = queue.Queue()
        self._local = threading.local()
        self._sockets: list[zmq.Socket] = []
        self._lock = threading.Lock()

    def __call__(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the loop, soon."""
        self.put(Done(None, None, fn))

    def put(self, done: Done) -> None:
        self.done.put(done)
        sock = getattr(self._local, "sock", None)
        if sock is None:
            sock = self._ctx.socket(zmq.PUSH)
            sock.setsockopt(zmq.LINGER, 0)
            sock.connect(self._wake)
            self._local.sock = sock
            with self._lock:
                self._sockets.append(sock)
        with contextlib.suppress(zmq.ZMQError):
            sock.send(b"", zmq.NOBLOCK)

    def release(self) -> None:
        """Close the calling thread's socket (a posting thread calls this on its way out)."""
        sock = getattr(self._local, "sock", None)
        if sock is None:
            return
        self._local.sock = None
        with self._lock:
            self._sockets.remove(sock)
        sock.close(linger=0)

    def close(self) -> None:
        """Close every thread's socket (the server, once the posting threads have stopped)."""
        with self._lock:
            for s in self._sockets:
                s.close(linger=0)
            self._sockets.clear()
