"""Slow requests off the server thread: logins (scrypt costs tens of milliseconds), history
pages (database reads) and audit writes. Results go back to the server's loop through its
:class:`~dispatch.adapters.server.loop_post.LoopPost`, which sends the replies from its own
thread (ZeroMQ sockets are not shared between threads)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from dispatch.adapters.protocol.messages import error_reply
from dispatch.adapters.server.loop_post import Done, LoopPost
from dispatch.domain.errors import DispatchError

log = logging.getLogger(__name__)

# A job returns the reply bytes and an optional callable the server thread runs afterwards.
Job = Callable[[], "tuple[bytes | None, Callable[[], None] | None]"]


class Backoffice:
    def __init__(self, post: LoopPost, *, max_pending: int = 1000) -> None:
        self._post = post
        self._jobs: queue.Queue[tuple[list[bytes] | None, str | None, Job] | None] = \
            queue.Queue(max_pending)
        self._thread = threading.Thread(target=self._run, name="gridline-backoffice",
                                        daemon=True)
        self.failures = 0

    def start(self) -> None:
        self._thread.start()

    def submit(self, envelope: list[bytes] | None, request_id: str | None, job: Job) -> bool:
        """Queue a job; False when the queue is full (the caller answers ``unavailable``)."""
        try:
            self._jobs.put_nowait((envelope, request_id, job))
            return True
        except queue.Full:
            return False

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            while True:
                item = self._jobs.get()
                if item is None:
                    return
                envelope, rid, job = item
                try:
                    reply, after = job()
                except DispatchError as err:
                    reply, after = error_reply(rid, err), None
                except Exception as exc:  # never let one request kill the worker
                    self.failures += 1
                    log.exception("background request %s failed", rid)
                    reply = error_reply(rid, "unavailable",
                                        f"the server could not answer: {type(exc).__name__}")
                    after = None
                self._post.put(Done(envelope, reply, after))
        finally:
            self._post.release()
