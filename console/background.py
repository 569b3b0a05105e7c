"""Run a function off the GUI thread and get its result back on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    sig_done = Signal(object, object)
    """(result, exception or None), delivered on the thread that owns the relay."""


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn, self.relay = fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # handed to the GUI thread, not lost  # noqa: BLE001
            self.relay.sig_done.emit(None, exc)
        else:
            self.relay.sig_done.emit(result, None)


_LIVE: set[_Relay] = set()


def run_in_background(fn: Callable[[], Any],
                      on_done: Callable[[Any, BaseException | None], None]) -> None:
    """Call ``fn()`` in the thread pool; ``on_done(result, error)`` runs on the GUI thread."""
    relay = _Relay()
    _LIVE.add(relay)

    def done(result: Any, error: BaseException | None) -> None:
        _LIVE.discard(relay)
        on_done(result, error)

    relay.sig_done.connect(done)
    QThreadPool.globalInstance().start(_Job(fn, relay))
