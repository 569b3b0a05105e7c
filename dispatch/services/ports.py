"""What the services need from storage, as interfaces: the engine, rebuilding and replay work
against these; :class:`dispatch.adapters.store.event_store.EventStore` implements them on
SQLAlchemy (SQLite, PostgreSQL), and tests may pass anything of the same shape."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from dispatch.domain.events import Event
from dispatch.domain.patrol_days import PatrolDay, Report
from dispatch.domain.state import DispatchState, Incident


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


@runtime_checkable
class ArchiveLog(Protocol):
    """The archived incidents' read model (records as they were when archived): the engine
    writes it, the evaluation reads it, :mod:`dispatch.services.archive` catches it up."""

    def save_archived(self, records: Sequence[tuple[int, Incident]]) -> None:
        """Store ``(archive event sequence, record)`` pairs and move the high-water mark."""
        ...

    def archive_seq(self) -> int:
        """The sequence of the last archive event whose records are stored (0: none)."""
        ...

    def archive_events_after(self, seq: int) -> list[int]:
        """Sequences of the ``incidents.archived`` events after ``seq``, in order."""
        ...

    def archive_outdated(self) -> bool:
        """True when the stored records have another shape than this version's."""
        ...

    def clear_archive(self) -> None:
        """Empty the model, for a rebuild from the events."""
        ...

    def archived_between(self, start: float, end: float, grid_prefix: str = "",
                         after_seq: int = 0) -> list[Incident]:
        """The archived records that can count in ``[start, end)``, in the region (only those
        archived after event ``after_seq``, if given)."""
        ...


@runtime_checkable
class PatrolLog(Protocol):
    """The patrol read model (per unit and local day, the cells its position reports visited:
    :mod:`dispatch.domain.patrol_days`): the engine writes it, the grid workers' evaluation
    reads it, :mod:`dispatch.services.patrol` catches it up."""

    def save_patrol(self, first_seq: int, last_seq: int,
                    reports: Sequence[tuple[int, Report]]) -> int:
        """Take in the reports ``(event sequence, report)`` of events ``first_seq`` …
        ``last_seq`` and move the high-water mark to ``last_seq``."""
        ...

    def patrol_seq(self) -> int:
        """The sequence of the last event the model has taken in (0: none)."""
        ...

    def patrol_outdated(self) -> bool:
        """True when the stored cells were made with another raster than this version's."""
        ...

    def clear_patrol(self) -> None:
        """Empty the model, for a rebuild from the events."""
        ...

    def last_seq(self) -> int: ...

    def position_reports_after(self, after_seq: int, to_seq: int | None = None
                               ) -> list[tuple[int, Report]]:
        """The position reports of the events after ``after_seq`` (up to ``to_seq``)."""
        ...

    def patrol_between(self, first_day: float, end_day: float,
                       units: set[str] | None = None) -> Iterator[PatrolDay]:
        """The stored days from ``first_day`` to ``end_day`` (excluded), of ``units``."""
        ...

    def patrol_horizon(self) -> float | None:
        """The instant of the last event taken in: every report before it is in the model."""
        ...

    def seq_span(self, start_ts: float, end_ts: float) -> tuple[int, int] | None: ...


class ReplayStore(EventSource, Protocol):
    """What replay reads from a store (:mod:`dispatch.services.replay`): the bounds of a
    window, then its events by sequence range, fast (a seek reads a few hundred events, a
    report the whole window). Sequence ranges include both ends; events come in order."""

    def incident_span(self, incident_id: str) -> tuple[int, int, float, float] | None:
        """``(first_seq, last_seq, first_ts, last_ts)`` of an incident's events, or None."""
        ...

    def time_span(self) -> tuple[float, float] | None:
        """``(first_ts, last_ts)`` of the whole history, or None if it is empty."""
        ...

    def seq_span(self, start_ts: float, end_ts: float) -> tuple[int, int] | None:
        """``(first_seq, last_seq)`` of the events from ``start_ts`` to ``end_ts``, or None."""
        ...

    def event_times(self, first_seq: int, last_seq: int) -> Iterator[tuple[int, float]]:
        """``(seq, ts)`` of each event of the range, without decoding any."""
        ...

    def read_range(self, first_seq: int, last_seq: int) -> Iterator[Event]: ...

    def incident_seqs(self, incident_id: str, first_seq: int, last_seq: int) -> list[int]: ...

    def position_reports(self, first_seq: int, last_seq: int,
                         unit_ids: set[str] | None = None) -> Iterator[Event]:
        """Position reports and unit registrations of the range; with ``unit_ids``, at least
        those naming one of them."""
        ...

    def snapshot_seqs(self) -> list[int]:
        """Sequence numbers of the snapshots :meth:`latest_snapshot` can read, in order."""
        ...
