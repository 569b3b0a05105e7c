"""The network side of a console, off the GUI thread.

:class:`FeedWorker` runs the RFC 12 state mirror in its own thread and hands the GUI thread a
batch a few times a second: the records that changed (or the whole state after a resync).
The mirror never changes a record in place (each update decodes a new one and replaces the
old), so a batch hands the GUI thread the mirror's own record objects instead of copies:
copying 10,000 records a second cost the feed thread half its time, all of it holding the
interpreter lock the GUI thread waits for.

:class:`CommandWorker` sends commands and queries with the Lazy Pirate client in another thread
and reports each answer. The GUI thread never waits on a socket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from dispatch.adapters.client.commands import CommandClient
from dispatch.adapters.client.mirror import Changes, StateMirror
from dispatch.adapters.feed_timing import FEED_BATCH_MS
from dispatch.domain.errors import DispatchError
from dispatch.domain.state import DispatchState, Incident, UnitState


@dataclass(slots=True)
class FeedBatch:
    """What changed in the mirror since the last batch: records new or changed, ids gone.

    The records are shared with the mirror, which replaces them and never mutates them: safe
    to keep, and not to be changed by the receiver either. ``full`` (after a resync: the
    whole state, nothing else set) has dictionaries of its own, as the mirror goes on
    updating its own."""

    full: DispatchState | None = None
    incidents: dict[str, Incident] = field(default_factory=dict)
    units: dict[str, UnitState] = field(default_factory=dict)
    gone_incidents: list[str] = field(default_factory=list)
    gone_units: list[str] = field(default_factory=list)


class FeedWorker(QObject):
    """Drives a :class:`StateMirror` in a worker thread."""

    sig_batch = Signal(object)
    """A :class:`FeedBatch` for the GUI thread."""

    sig_info = Signal(object)
    """The mirror's :class:`~dispatch.adapters.client.mirror.MirrorInfo`, twice a second."""

    def __init__(self, make_mirror: Callable[[], StateMirror], *, batch_ms: int = FEED_BATCH_MS) -> None:
        super().__init__()
        self._make_mirror = make_mirror
        self._batch_s = batch_ms / 1000
        self._stop = threading.Event()
        self.mirror: StateMirror | None = None

    def stop(self) -> None:
        self._stop.set()

    @Slot()
    def run(self) -> None:
        mirror = self.mirror = self._make_mirror()
        mirror.start()
        pending = Changes()
        last_batch = last_info = time.monotonic()
        try:
            while not self._stop.is_set():
                pending.merge(mirror.run_once(50))
                now = time.monotonic()
                if pending and now - last_batch >= self._batch_s:
                    self.sig_batch.emit(self._batch(mirror.state, pending))
                    pending = Changes()
                    last_batch = now
                if now - last_info >= 0.5:
                    self.sig_info.emit(mirror.info())
                    last_info = now
        finally:
            mirror.close()

    @staticmethod
    def _batch(state: DispatchState, changes: Changes) -> FeedBatch:
        if changes.resynced:
            return FeedBatch(full=DispatchState(
                incidents=dict(state.incidents), units=dict(state.units), seq=state.seq,
                ts=state.ts, incident_counter=state.incident_counter, archived=state.archived))
        incs, units = state.incidents, state.units
        return FeedBatch(
            incidents={i: incs[i] for i in changes.incidents if i in incs},
            units={u: units[u] for u in changes.units if u in units},
            gone_incidents=[i for i in changes.incidents if i not in incs],
            gone_units=[u for u in changes.units if u not in units])


class CommandWorker(QObject):
    """Sends commands one at a time with the Lazy Pirate client."""

    sig_finished = Signal(str, bool, str, object)
    """(context, ok, message, result dict or None) — one per :meth:`send`."""

    def __init__(self, make_client: Callable[[], CommandClient]) -> None:
        super().__init__()
        self._make_client = make_client
        self._client: CommandClient | None = None

    def _get(self) -> CommandClient:
        if self._client is None:
            self._client = self._make_client()
        return self._client

    @Slot(object, object, str)
    def send(self, command: Any, expected_version: int | None, context: str) -> None:
        try:
            reply = self._get().execute(command, expected_version=expected_version)
        except DispatchError as exc:
            self.sig_finished.emit(context, False, exc.message, None)
        except Exception as exc:  # a bug must not kill the worker thread  # noqa: BLE001
            self.sig_finished.emit(context, False, f"{type(exc).__name__}: {exc}", None)
        else:
            self.sig_finished.emit(context, True, "", dict(reply.result))

    sig_run_cards = Signal(object)
    """The server's run cards (a list of :class:`~dispatch.domain.state.RunCard`)."""

    @Slot()
    def fetch_run_cards(self) -> None:
        """Read the run cards (the ``run_cards`` query); a failure leaves the last ones."""
        try:
            cards = self._get().run_cards()
        except Exception:  # noqa: BLE001 - a missing answer must not kill the worker thread
            return
        self.sig_run_cards.emit(cards)

    sig_hazards = Signal(object)
    """The hazards at places in the operator's scope (a list of
    :class:`~dispatch.domain.state.Hazard`)."""

    @Slot()
    def fetch_hazards(self) -> None:
        """Read the hazards (the ``hazards`` query); a failure leaves the last ones."""
        try:
            hazards = self._get().hazards()
        except Exception:  # noqa: BLE001 - a missing answer must not kill the worker thread
            return
        self.sig_hazards.emit(hazards)

    sig_phones = Signal(object, object)
    """(incident ids asked, {incident id: phone}) — the ``contacts`` query's answer."""

    @Slot(list)
    def fetch_phones(self, incident_ids: list[str]) -> None:
        try:
            phones = self._get().caller_phones(incident_ids)
        except Exception:  # noqa: BLE001 - a missing answer must not kill the worker thread
            return
        self.sig_phones.emit(list(incident_ids), phones)

    sig_caller = Signal(str, object)
    """(phone, incident ids called in from it) — the ``contacts`` query's answer."""

    @Slot(str)
    def fetch_caller(self, phone: str) -> None:
        try:
            ids = self._get().caller_incidents(phone)
        except Exception:  # noqa: BLE001 - a missing answer must not kill the worker thread
            return
        self.sig_caller.emit(phone, ids)

    @Slot()
    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def start_in_thread(worker: QObject, name: str, run_slot: Callable[[], None] | None = None
                    ) -> QThread:
    """Move ``worker`` to a new started thread (optionally running ``run_slot`` there)."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    if run_slot is not None:
        thread.started.connect(run_slot)
    thread.start()
    return thread
