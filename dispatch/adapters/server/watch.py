"""Watches what an administrator changes outside the server: the CURVE allow-list directory
and the operator table. Twice a second a thread compares a cheap signature of each (file
names, sizes and times; the operator table's row count and update times) with the last one and,
when one changed, hands the new contents to the server's loop, which applies them within the
second: sessions of a revoked key or of a disabled or re-scoped operator are closed, the feed
grants recomputed. The same works with several servers on one PostgreSQL database, because
the operator CLI only writes the table.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from dispatch.adapters.security.keys import allow_list_signature
from dispatch.adapters.store.security_schema import operators as operators_table

log = logging.getLogger(__name__)

INTERVAL_S = 0.5


@dataclass(frozen=True, slots=True)
class OperatorGrant:
    """What a session of an operator was opened with; a change closes its sessions."""

    role: str
    scope: str
    disabled: bool


def read_operator_grants(engine: Engine) -> dict[str, OperatorGrant]:
    t = operators_table.c
    with engine.connect() as conn:
        rows = conn.execute(select(t.username, t.role, t.scope, t.disabled)).all()
    return {r.username: OperatorGrant(r.role, r.scope, bool(r.disabled)) for r in rows}


def _operator_signature(engine: Engine) -> tuple[Any, ...]:
    t = operators_table.c
    with engine.connect() as conn:
        row = conn.execute(select(func.count(), func.max(t.updated_at),
                                  func.sum(t.updated_at))).one()
    return tuple(row)


class SecurityWatcher:
    """A daemon thread; ``on_keys()`` / ``on_operators(grants)`` run on the server's loop
    (posted through ``post``, which queues a callable and wakes the loop)."""

    def __init__(self, *, clients_dir: Path | None, engine: Engine | None,
                 post: Callable[[Callable[[], None]], None],
                 on_keys: Callable[[], None],
                 on_operators: Callable[[dict[str, OperatorGrant]], None],
                 interval_s: float = INTERVAL_S) -> None:
        self.clients_dir = clients_dir
        self.engine = engine
        self._post = post
        self._on_keys = on_keys
        self._on_operators = on_operators
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._key_sig = allow_list_signature(clients_dir) if clients_dir is not None else ()
        self._op_sig: tuple[Any, ...] | None = None
        self.errors = 0
        self._thread = threading.Thread(target=self._run, name="gridline-watch", daemon=True)

    def start(self) -> None:
        if self.engine is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._op_sig = _operator_signature(self.engine)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)

    def check_now(self) -> None:
        """One look at both (the thread calls this every ``interval_s``)."""
        if self.clients_dir is not None:
            sig = allow_list_signature(self.clients_dir)
            if sig != self._key_sig:
                self._key_sig = sig
                self._post(self._on_keys)
        if self.engine is not None:
            try:
                sig2 = _operator_signature(self.engine)
                if sig2 != self._op_sig:
                    grants = read_operator_grants(self.engine)
                    self._op_sig = sig2
                    self._post(lambda: self._on_operators(grants))
            except SQLAlchemyError as exc:  # the database is away: look again later
                self.errors += 1
                log.warning("cannot read the operator table: %s", exc)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.check_now()
            except Exception:  # never let the watcher die quietly
                self.errors += 1
                log.exception("security watcher")


