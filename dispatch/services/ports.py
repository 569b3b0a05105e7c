"""What the services need from storage, as interfaces: the engine, rebuilding and replay work
against these; :class:`dispatch.adapters.store.event_store.EventStore` implements them on
SQLAlchemy (SQLite, PostgreSQL), and tests may pass anything of the same shape."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from dispatch.domain.events import Event
from dispatch.domain.state import DispatchState


class StoreError(RuntimeError):
    """The database refused or could not be reached; the message says which and why."""


class CorruptEvent(StoreError):
    """An event row cannot be decoded (bad JSON payload, unknown kind, missing fields)."""

    def __init__(self, seq: int, kind: str, reason: str) -> None:
        super().__init__(f"event {seq} ({kind}) in the store is corrupt: {reason}")
        self.seq = seq
        self.kind = kind


class EventSource(Protocol):
    """Reading the log: events in order, the sequence at an instant, snapshots."""

    def read(self, *, after_seq: int = 0, to_seq: int | None = None) -> Iterator[Event]: ...

    def seq_at(self, ts: float) -> int: ...

    def latest_snapshot(self, *, at_or_before_seq: int | None = None
                        ) -> DispatchState | None: ...


class EventLog(EventSource, Protocol):
    """The engine's store: append batches, snapshots, command ids for idempotency."""

    def append(self, batch: Sequence[Event]) -> None: ...

    def command_ids(self, limit: int = 10000) -> list[tuple[str, int, str]]: ...

    def save_snapshot(self, state: DispatchState) -> int: ...
