"""The dispatch engine: owns the state, runs commands through their handlers, stamps and
applies the resulting events and hands them to the store in batches.

The server drives it (one thread); tests and benchmarks use it directly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.commands import Command
from dispatch.domain.deadlines import DEFAULT_PROFILE, DeadlineProfile
from dispatch.domain.errors import Conflict, InvalidCommand, NotFound, Stale, Unavailable
from dispatch.domain.events import Event, IncidentsArchived
from dispatch.domain.handlers import HANDLERS, Context
from dispatch.domain.projection import apply
from dispatch.domain.roles import Actor
from dispatch.domain.state import DispatchState, Incident
from dispatch.services.archive import archived_records
from dispatch.services.patrol import PatrolWriter
from dispatch.services.ports import ArchiveLog, EventLog, PatrolLog, StoreError
from dispatch.services.rebuild import load_state

Locate = Callable[[float, float], "str | None"]
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    events: tuple[Event, ...]
    seq: int  # last sequence number the command produced (the original's, for a retry)
    duplicate: bool = False


class DispatchEngine:
    """Applies commands to the state; persists through an optional event log
    (:class:`dispatch.services.ports.EventLog`, e.g. the SQLAlchemy event store)."""

    def __init__(self, catalogue: Catalogue, city: City, *, locate: Locate,
                 store: EventLog | None = None, state: DispatchState | None = None,
                 clock: Callable[[], float] = time.time, snapshot_every: int = 20_000,
                 background_snapshots: bool = False, command_cache: int = 20_000) -> None:
        self.catalogue = catalogue
        self.city = city
        # The centre's deadline profile (dispatch.domain.deadlines); the server sets it.
        self.profile: DeadlineProfile = DEFAULT_PROFILE
        self.locate = locate
        self.store = store
        self.clock = clock
        self.snapshot_every = snapshot_every
        # A server writes snapshots from a thread: encoding a city-scale state takes a few
        # hundred milliseconds that commands should not wait for.
        self.background_snapshots = background_snapshots
        self._snapshot_thread: threading.Thread | None = None
        self._command_cache = command_cache
        self._pending: list[Event] = []
        # Records of the incidents archived by the pending events (archive event sequence,
        # record), for the store's archived-incidents read model (ports.ArchiveLog).
        self._archived: list[tuple[int, Incident]] = []
        # command id -> (last sequence, operator, the caller's digest of the command or b"")
        self._commands: OrderedDict[str, tuple[int, str, bytes]] = OrderedDict()
        if state is None:
            state = load_state(store) if store is not None else DispatchState()
        self.state = state
        self._last_snapshot = state.seq
        # The patrol read model's writer (from a thread when snapshots are: a server).
        self.patrol = PatrolWriter(store, background=background_snapshots) \
            if isinstance(store, PatrolLog) else None
        if store is not None:
            for cid, seq, operator in store.command_ids(command_cache):
                self._commands[cid] = (seq, operator, b"")

    # ------------------------------------------------------------------------------ run

    def execute(self, command: Command, actor: Actor, *, command_id: str = "",
                expected_version: int | None = None, now: float | None = None,
                commit: bool = True, digest: bytes = b"") -> Outcome:
        """Validate and apply one command. Raises a DispatchError and changes nothing if the
        command is refused. With ``commit=False`` the events wait for :meth:`commit`.

        A ``command_id`` seen before answers as a duplicate of the first, or is refused when
        another operator used it, or when both the first and this call came with a ``digest``
        (the caller's fingerprint of the request's content, e.g. the server's) and they
        differ; the engine compares digests, it never computes one."""
        if command_id and command_id in self._commands:
            seq, owner, first = self._commands[command_id]
            if owner != actor.operator or (first and digest and first != digest):
                raise Conflict(f"command id {command_id!r} was already used for another "
                               "command; send a new id")
            return Outcome((), seq, duplicate=True)
        handler = HANDLERS.get(type(command))
        if handler is None:
            raise InvalidCommand(f"unknown command {type(command).__name__}")
        if expected_version is not None:
            self._check_version(command, expected_version, actor)
        ts = self.clock() if now is None else now
        ts = max(ts, self.state.ts)  # time never runs backwards in the log
        ctx = Context(self.state, self.catalogue, self.city, self.locate, ts, actor,
                      self.profile)
        payloads = handler(ctx, command)
        out: list[Event] = []
        for p in payloads:
            e = Event(seq=self.state.seq + 1, ts=ts, operator=actor.operator,
                      workstation=actor.workstation, payload=p, command_id=command_id)
            if isinstance(p, IncidentsArchived):
                self._archived.extend(archived_records(self.state, e.seq, p))
            apply(self.state, e)
            out.append(e)
        self._pending.extend(out)
        if command_id:
            self._remember(command_id, (self.state.seq, actor.operator, digest))
        if commit:
            self.commit()
        return Outcome(tuple(out), self.state.seq)

    def _check_version(self, command: Any, expected: int, actor: Actor) -> None:
        """Stale if the record changed since the operator looked; a record outside the
        operator's scope is not found, exactly as an unknown one (its version stays secret)."""
        iid = getattr(command, "incident_id", None)
        if iid is not None:
            inc = self.state.incidents.get(iid)
            if inc is None:
                raise NotFound(f"no incident {iid!r}")
            actor.require_incident_visible(iid, inc.grid)
            if inc.version != expected:
                raise Stale(f"incident {iid} changed since you looked at it (version "
                            f"{inc.version}, you saw {expected}); review it and try again")
            return
        uid = getattr(command, "unit_id", None)
        if uid is not None:
            u = self.state.units.get(uid)
            if u is None:
                raise NotFound(f"no unit {uid!r}")
            actor.require_unit_visible(uid, u.home_grid)
            if u.version != expected:
                raise Stale(f"unit {uid} changed since you looked at it; try again")

    def _remember(self, command_id: str, entry: tuple[int, str, bytes]) -> None:
        self._commands[command_id] = entry
        while len(self._commands) > self._command_cache:
            self._commands.popitem(last=False)

    def follow(self, events: Iterable[Event]) -> int:
        """Apply events another server stored (a standby following its leader), in order,
        remembering their command ids as the leader did, so a retry of a command the leader
        ran is a duplicate here too; returns how many. An event out of sequence is a
        :class:`StoreError` (the caller reloads)."""
        n = 0
        for e in events:
            if e.seq != self.state.seq + 1:
                raise StoreError(f"event {e.seq} does not follow {self.state.seq}")
            apply(self.state, e)
            if e.command_id:
                self._remember(e.command_id, (e.seq, e.operator, b""))
            n += 1
        self._last_snapshot = self.state.seq  # the leader writes the snapshots
        return n

    @property
    def pending(self) -> Sequence[Event]:
        return self._pending

    def commit(self) -> list[Event]:
        """Write the pending events in one transaction; returns them. On a storage failure the
        in-memory state is rebuilt from the store (so nothing unstored is ever published) and
        :class:`Unavailable` is raised."""
        batch, self._pending = self._pending, []
        archived, self._archived = self._archived, []
        if self.store is None or not batch:
            return batch
        try:
            self.store.append(batch)
        except StoreError as exc:
            self._recover(batch)
            raise Unavailable(f"storage failed, nothing was changed: {exc}") from exc
        if archived and isinstance(self.store, ArchiveLog):
            try:
                self.store.save_archived(archived)
            except StoreError:  # the read model catches up from the events at the next start
                log.exception("archived incidents %d… not written to the read model",
                              archived[0][0])
        if self.patrol is not None:
            self.patrol.submit(batch)
        if self.state.seq - self._last_snapshot >= self.snapshot_every:
            self.snapshot()
        return batch

    def _recover(self, lost: list[Event]) -> None:
        assert self.store is not None
        for e in lost:
            if e.command_id:
                self._commands.pop(e.command_id, None)
        self.state = load_state(self.store)

    def snapshot(self) -> None:
        if self.store is None:
            return
        if not self.background_snapshots:
            self.store.save_snapshot(self.state)
            self._last_snapshot = self.state.seq
            return
        if self._snapshot_thread is not None and self._snapshot_thread.is_alive():
            return  # the previous one is still being written; try again after the next batch
        copy = self.state.copy()  # records are immutable values: a shallow copy is a full one
        self._last_snapshot = copy.seq
        store = self.store

        def write() -> None:
            try:
                store.save_snapshot(copy)
            except Exception:  # a lost snapshot costs replay time, never data
                log.exception("snapshot %d could not be written", copy.seq)

        self._snapshot_thread = threading.Thread(target=write, name="snapshot", daemon=True)
        self._snapshot_thread.start()

    def wait_snapshots(self, timeout_s: float = 30.0) -> None:
        """Wait for a snapshot being written in the background (before closing the store),
        and for the patrol read model's writes."""
        if self._snapshot_thread is not None:
            self._snapshot_thread.join(timeout_s)
        if self.patrol is not None:
            self.patrol.close(timeout_s)
