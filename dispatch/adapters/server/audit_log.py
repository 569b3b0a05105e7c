"""The server's audit writer: a thread that stores audit rows in batches, with a bounded queue.

Every refusal, login, logout, query and key or account change the server sees becomes a row of
the ``audit`` table. Rows are queued here and written a batch per transaction (hundreds per
commit when a flood comes in). The queue is bounded: :meth:`AuditWriter.room` says whether
a row can still be taken, and the server refuses a request (``unavailable``) instead of running
it when its audit row could not be written, so no audit row is ever dropped silently.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError

from dispatch.adapters.security.audit_rows import AuditRow, row
from dispatch.adapters.store.security_schema import audit as audit_table

__all__ = ["AuditRow", "AuditWriter", "row"]

log = logging.getLogger(__name__)

MAX_PENDING = 20_000
_AWAY = (OperationalError, InterfaceError, DisconnectionError)  # the database, not the row
BATCH = 500
RETRY_S = 0.5


class AuditWriter:
    """``write`` from any thread; a daemon thread stores the rows. A database that refuses
    writes keeps the rows queued and retried (the queue then fills and requests are refused)."""

    def __init__(self, engine: Engine | None, *, max_pending: int = MAX_PENDING) -> None:
        self.engine = engine
        self.max_pending = max_pending
        self._rows: deque[AuditRow] = deque()
        self._cond = threading.Condition()
        self._stop = False
        self._inflight = 0
        self.written = 0
        self.refused = 0
        self.failures = 0
        self._thread = threading.Thread(target=self._run, name="gridline-audit", daemon=True)

    def start(self) -> None:
        if self.engine is not None:
            self._thread.start()

    def room(self, n: int = 1) -> bool:
        """Can ``n`` more rows be taken now?"""
        if self.engine is None:
            return True
        with self._cond:
            return len(self._rows) + self._inflight + n <= self.max_pending

    def write(self, *rows: AuditRow) -> bool:
        """Queue rows; False (and nothing queued) when the queue has no room for all."""
        if self.engine is None:
            return True
        with self._cond:
            if len(self._rows) + self._inflight + len(rows) > self.max_pending:
                self.refused += len(rows)
                return False
            self._rows.extend(rows)
            self._cond.notify()
        return True

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._rows) + self._inflight

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued is stored (tests, shutdown)."""
        end = time.monotonic() + timeout
        with self._cond:
            while (self._rows or self._inflight) and self._thread.is_alive():
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.05))
            return not self._rows and not self._inflight

    def stop(self, timeout: float = 3.0) -> None:
        if not self._thread.is_alive():
            return
        if not self.flush(timeout):
            log.error("stopping with %d audit rows not stored (the database refuses them)",
                      self.pending)
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(RETRY_S * 2)

    def _insert(self, rows: list[AuditRow]) -> None:
        assert self.engine is not None
        with self.engine.begin() as conn:
            conn.execute(insert(audit_table), [r.values() for r in rows])

    def _store(self, batch: list[AuditRow]) -> list[AuditRow]:
        """Store a batch; returns the rows not stored (the database is away: retried). A row
        the database refuses for its content is stored in a sanitized form, so one bad row can
        never block the queue."""
        try:
            self._insert(batch)
            return []
        except _AWAY as exc:
            self.failures += 1
            log.error("audit rows not stored yet (%d kept, retrying): %s", len(batch), exc)
            return batch
        except Exception:  # some row's content: find it below
            log.debug("audit batch refused; storing row by row", exc_info=True)
        for i, r in enumerate(batch):
            try:
                try:
                    self._insert([r])
                except _AWAY:
                    raise
                except Exception as exc:  # noqa: BLE001 - a boundary: report, never die
                    log.error("audit row refused by the database, stored sanitized: %s", exc)
                    self._insert([r.sanitized(str(exc))])
            except Exception as exc:  # noqa: BLE001 - a boundary: report, never die
                self.failures += 1
                log.error("audit rows not stored yet (%d kept, retrying): %s",
                          len(batch) - i, exc)
                return batch[i:]
        return []

    def _run(self) -> None:
        assert self.engine is not None
        while True:
            with self._cond:
                while not self._rows and not self._stop:
                    self._cond.wait()
                if self._stop and not self._rows:
                    return
                batch = [self._rows.popleft() for _ in range(min(BATCH, len(self._rows)))]
                self._inflight = len(batch)
            left = self._store(batch)
            with self._cond:
                self._inflight = 0
                self.written += len(batch) - len(left)
                self._rows.extendleft(reversed(left))
                self._cond.notify_all()
            if left:
                time.sleep(RETRY_S)
