"""The console's reader of the audit trail: one command client with its own session, opened on
first use and kept, used by one background call at a time (see :mod:`console.background`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from dispatch.adapters.client.commands import AuditRead, ClientCurve, CommandClient
from dispatch.domain.errors import Unavailable
from widgets.audit_window import MAX_ROWS

T = TypeVar("T")


class AuditSource:
    """``source(filters)`` → :class:`AuditRead`; blocking, so call it off the GUI thread.
    The same session reads the history too (the workload window, the incident summary)."""

    def __init__(self, endpoint: str, user: str, password: str, workstation: str,
                 curve: ClientCurve | None, *, timeout_s: float = 10.0,
                 max_rows: int = MAX_ROWS) -> None:
        self._args = (endpoint, user, password, workstation)
        self._curve, self._timeout, self._max_rows = curve, timeout_s, max_rows
        self._lock = threading.Lock()
        self._client: CommandClient | None = None

    def __call__(self, filters: dict[str, Any]) -> AuditRead:
        max_rows = self._max_rows
        return self.read(lambda client: client.audit(max_rows=max_rows, **filters))

    def shift_activity(self, since_ts: float, server_now: float
                       ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The events since ``since_ts`` (server time: the ``history`` query) and the
        ``refused`` audit lines of the same span, their times moved from the wall clock to the
        server's (a simulated clock may run ahead or faster) — the workload window's read."""
        offset = server_now - time.time()
        max_rows = self._max_rows

        def read(client: CommandClient) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
            events = client.history(since_ts=since_ts)
            refused = client.audit(max_rows=max_rows, action="refused",
                                   since_ts=since_ts - offset).rows
            return events, [{**r, "ts": float(r["ts"]) + offset} for r in refused]

        return self.read(read)

    def incident_history(self, incident_id: str) -> list[dict[str, Any]]:
        """Every event of one incident in the operator's scope (the ``history`` query)."""
        return self.read(lambda client: client.history(incident_id=incident_id))

    def read(self, fn: Callable[[CommandClient], T]) -> T:
        """``fn(client)`` with the logged-in client (logged in on first use)."""
        with self._lock:
            endpoint, user, password, workstation = self._args
            if self._client is None:
                client = CommandClient(endpoint, curve=self._curve, timeout_s=self._timeout,
                                       retries=2)
                try:
                    client.login(user, password, workstation)
                except BaseException:
                    client.close()
                    raise
                self._client = client
            try:
                return fn(self._client)
            except Unavailable:
                self._client.close()
                self._client = None
                raise

    def close(self) -> None:
        """Close the socket (without a logout round trip: the GUI thread calls this). A read
        still running keeps the client; it ends with the process."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self._client is not None:
                self._client.close()
                self._client = None
        finally:
            self._lock.release()
