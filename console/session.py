"""A live session: the feed and command workers of one logged-in console, wired to its
:class:`~widgets.console_model.ConsoleModel` on the GUI thread."""

from __future__ import annotations

import time

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal

from console.network import CommandWorker, FeedBatch, FeedWorker, start_in_thread
from dispatch.client.commands import ClientCurve, CommandClient, Login, SessionSource
from dispatch.client.mirror import MirrorInfo, StateMirror
from widgets.console_model import ConsoleModel


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

        self.feed = FeedWorker(make_mirror)
        self.feed.sig_batch.connect(self._on_batch)
        self.feed.sig_info.connect(self._on_info)
        self.commands = CommandWorker(make_client)
        self.commands.sig_finished.connect(self._on_finished)
        self.sig_send.connect(self.commands.send)
        console.sig_command_requested.connect(self.sig_send)
        self._threads: list[QThread] = []

    def start(self) -> None:
        self._threads = [start_in_thread(self.feed, "gridline-feed", self.feed.run),
                         start_in_thread(self.commands, "gridline-commands")]

    def stop(self) -> None:
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
            self.console.reset(batch.full)
        else:
            incs, units = self.console.state.incidents, self.console.state.units
            for iid, inc in batch.incidents.items():
                if inc is None:
                    incs.pop(iid, None)
                else:
                    incs[iid] = inc
            for uid, u in batch.units.items():
                if u is None:
                    units.pop(uid, None)
                else:
                    units[uid] = u
            self.console.apply_changes(batch.incidents.keys(), batch.units.keys())
        if not self.got_first:
            self.got_first = True
            self.sig_first_batch.emit()

    def _on_info(self, info: MirrorInfo) -> None:
        if info.server_time is not None:
            self.clock.set(info.server_time, info.time_speed or self.clock.speed)
        self.sig_info.emit(info)

    def _on_finished(self, context: str, ok: bool, message: str) -> None:
        self.console.command_finished(context, ok, message)
