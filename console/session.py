"""A live session: the feed and command workers of one logged-in console, wired to its
:class:`~widgets.console_model.ConsoleModel` on the GUI thread.

A feed batch updates the console's state at once, but its changed units reach the views in
slices, one per turn of the event loop, each sized to take about :data:`SLICE_BUDGET_S` of the
GUI thread: at 10,000 position reports a second a batch holds some 2,500 units, and telling
the map and the unit board about all of them in one go kept the GUI thread busy for tens of
milliseconds at a time, with every timer, paint and keystroke waiting behind it. Changed
incidents and removed units are told with the batch itself, so no view is left showing a
record the state no longer holds.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal

from console.network import CommandWorker, FeedBatch, FeedWorker, start_in_thread
from console.place_search import BasemapDone, PlaceSearch
from dispatch.adapters.client.commands import ClientCurve, CommandClient, Login, SessionSource
from dispatch.adapters.client.mirror import MirrorInfo, StateMirror
from dispatch.adapters.feed_timing import GUI_SLICE_BUDGET_S, GUI_SLICE_MAX, GUI_SLICE_MIN
from widgets.address_search import Done
from widgets.console_model import ConsoleModel

SLICE_BUDGET_S, SLICE_MIN, SLICE_MAX = GUI_SLICE_BUDGET_S, GUI_SLICE_MIN, GUI_SLICE_MAX


class ServerClock:
    """The server's engine time, extrapolated locally (the server may run faster than real
    time in a simulation)."""

    def __init__(self, server_time: float, speed: float) -> None:
        self.set(server_time, speed)

    def set(self, server_time: float, speed: float) -> None:
        self._t, self._mono, self.speed = server_time, time.monotonic(), speed

    def __call__(self) -> float:
        return self._t + (time.monotonic() - self._mono) * self.speed


class LiveSession(QObject):
    """Owns the worker threads; applies feed batches to the console's state."""

    sig_info = Signal(object)
    """The mirror's :class:`MirrorInfo` (connection state, sequence, rate), twice a second."""

    sig_first_batch = Signal()
    """The first snapshot arrived: the console shows a live city."""

    sig_send = Signal(object, object, str)

    sig_fetch_run_cards = Signal()
    """Read the run cards on the command thread (queued to :class:`CommandWorker`)."""

    sig_fetch_hazards = Signal()
    """Read the hazards on the command thread."""

    sig_fetch_phones = Signal(list)
    """Read callers' phones of these incidents on the command thread."""

    sig_fetch_caller = Signal(str)
    """Read the incidents a number called in on the command thread."""

    def __init__(self, console: ConsoleModel, *, command_endpoint: str, snapshot_endpoint: str,
                 update_endpoint: str, login: Login, user: str, password: str,
                 curve: ClientCurve | None, clock: ServerClock) -> None:
        super().__init__()
        self.console = console
        self.clock = clock
        self.login = login
        self.got_first = False
        self.batches = 0
        tokens = SessionSource(command_endpoint, user, password, login.workstation, curve=curve)

        def make_mirror() -> StateMirror:
            return StateMirror(snapshot_endpoint, update_endpoint, subtree=login.subtree,
                               token=tokens, curve=curve)

        def make_client() -> CommandClient:
            c = CommandClient(command_endpoint, curve=curve)
            c.login(user, password, login.workstation)
            return c

        def make_search_client() -> CommandClient:
            c = CommandClient(command_endpoint, curve=curve, timeout_s=2.0, retries=2)
            c.login(user, password, login.workstation)
            return c

        self._make_search_client = make_search_client
        self.places: PlaceSearch | None = None

        self.feed = FeedWorker(make_mirror)
        self.feed.sig_batch.connect(self._on_batch)
        self.feed.sig_info.connect(self._on_info)
        self.commands = CommandWorker(make_client)
        self.commands.sig_finished.connect(self._on_finished)
        self.sig_send.connect(self.commands.send)
        console.sig_command_requested.connect(self.sig_send)
        self.commands.sig_run_cards.connect(console.set_run_cards)
        self.sig_fetch_run_cards.connect(self.commands.fetch_run_cards)
        console.sig_run_cards_wanted.connect(self.sig_fetch_run_cards)
        self.commands.sig_hazards.connect(console.set_hazards)
        self.sig_fetch_hazards.connect(self.commands.fetch_hazards)
        console.sig_hazards_wanted.connect(self.sig_fetch_hazards)
        self.commands.sig_phones.connect(console.set_phones)
        self.sig_fetch_phones.connect(self.commands.fetch_phones)
        console.sig_phones_wanted.connect(self.sig_fetch_phones)
        self.commands.sig_caller.connect(console.set_caller_incidents)
        self.sig_fetch_caller.connect(self.commands.fetch_caller)
        console.sig_caller_wanted.connect(self.sig_fetch_caller)
        self._threads: list[QThread] = []
        # Unit ids changed in the state but not yet told to the views (an ordered set).
        self._pending_units: dict[str, None] = {}
        self.slice_size = 500
        """Unit ids in the next slice; follows the measured cost per unit."""
        self._slice_timer = QTimer(self)
        self._slice_timer.setSingleShot(True)
        self._slice_timer.setInterval(0)
        self._slice_timer.timeout.connect(self._notify_slice)

    def start(self) -> None:
        self._threads = [start_in_thread(self.feed, "gridline-feed", self.feed.run),
                         start_in_thread(self.commands, "gridline-commands")]
        self.sig_fetch_run_cards.emit()  # the run cards are not on the feed: read them once
        self.sig_fetch_hazards.emit()  # nor are the hazards
        self.places = PlaceSearch(self._make_search_client)

    def search_places(self, query: str, limit: int, done: Done) -> None:
        """The console's search port (:mod:`console.place_search`): the server's geocoder."""
        if self.places is None:
            done([], "not connected to the dispatch server")
            return
        self.places(query, limit, done)

    def fetch_basemap(self, done: BasemapDone) -> None:
        """The server's roads and named places for the offline basemap, off the GUI thread;
        ``done(entries, error)`` is called from the worker thread."""
        if self.places is None:
            done([], "not connected to the dispatch server", False)
            return
        self.places.basemap(done)

    def stop(self) -> None:
        self._slice_timer.stop()
        if self.places is not None:
            self.places.stop()
            self.places = None
        self.feed.stop()
        if self._threads:
            # Close the command client's socket in its own thread before that thread ends.
            QMetaObject.invokeMethod(self.commands, "close",
                                     Qt.ConnectionType.BlockingQueuedConnection)
        for t in self._threads:
            t.quit()
            t.wait(5000)
        self._threads = []

    # ------------------------------------------------------------------ GUI thread

    def _on_batch(self, batch: FeedBatch) -> None:
        self.batches += 1
        if batch.full is not None:
            self._pending_units.clear()
            self._slice_timer.stop()
            self.console.reset(batch.full)
        else:
            state, pending = self.console.state, self._pending_units
            state.incidents.update(batch.incidents)
            state.units.update(batch.units)
            pending.update(dict.fromkeys(batch.units))
            for iid in batch.gone_incidents:
                state.incidents.pop(iid, None)
            for uid in batch.gone_units:
                state.units.pop(uid, None)
                pending.pop(uid, None)
            self.console.apply_changes([*batch.incidents, *batch.gone_incidents],
                                       batch.gone_units)
            if pending and not self._slice_timer.isActive():
                self._slice_timer.start()
        if not self.got_first:
            self.got_first = True
            self.sig_first_batch.emit()

    @property
    def pending_unit_changes(self) -> int:
        """Unit changes applied to the state that the views have not been told about yet."""
        return len(self._pending_units)

    def _notify_slice(self) -> None:
        """Tell the views about the next slice of changed units; the rest on the next turn of
        the event loop. The slice size follows the measured cost of the last one."""
        pending = self._pending_units
        if not pending:
            return
        ids = list(itertools.islice(pending, self.slice_size))
        for uid in ids:
            del pending[uid]
        t0 = time.perf_counter()
        self.console.apply_changes((), ids)
        per_unit = (time.perf_counter() - t0) / len(ids)
        if per_unit > 0:
            target = int(SLICE_BUDGET_S / per_unit)
            self.slice_size = max(SLICE_MIN, min(SLICE_MAX, (self.slice_size + target) // 2))
        if pending:
            self._slice_timer.start()

    def _on_info(self, info: MirrorInfo) -> None:
        if info.server_time is not None:
            self.clock.set(info.server_time, info.time_speed or self.clock.speed)
        self.sig_info.emit(info)

    def _on_finished(self, context: str, ok: bool, message: str,
                     result: dict[str, Any] | None = None) -> None:
        self.console.command_finished(context, ok, message, result)
