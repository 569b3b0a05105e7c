"""SIGTERM and Ctrl+C close the console the way its window would, so the embedded server and
simulator it started are stopped too (Qt's event loop alone would leave them running)."""

from __future__ import annotations

import logging
import signal

from PySide6.QtCore import QCoreApplication, QTimer

log = logging.getLogger("gridline.console")
_TICKS: list[QTimer] = []


def quit_on_signals(app: QCoreApplication) -> None:
    """Install the handlers. Call again once QtWebEngine has started: its browser side sets
    handlers of its own for these signals."""

    def on_signal(signum: int, _frame: object) -> None:
        log.warning("signal %d: closing", signum)
        app.quit()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if not _TICKS:
        # Python runs a signal handler only when the interpreter gets control: wake it.
        tick = QTimer(app)
        tick.timeout.connect(lambda: None)
        tick.start(250)
        _TICKS.append(tick)
