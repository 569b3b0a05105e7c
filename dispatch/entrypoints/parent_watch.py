"""Children of the embedded console stop when the console is gone.

The console stops its server, gateway and simulator when it closes, but a console that dies
(killed, crashed, or sent SIGTERM before its own handlers are in place: QtWebEngine sets its
own while it starts) cannot. It puts its process id in ``GRIDLINE_PARENT_PID``; a child
started with it watches its parent and, once it has been re-parented (the console is gone),
sends itself SIGTERM: the same orderly stop as when the console asks.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

ENV = "GRIDLINE_PARENT_PID"
log = logging.getLogger("gridline.parent")


def exit_with_parent(interval_s: float = 0.5) -> bool:
    """Start watching when ``GRIDLINE_PARENT_PID`` names this process's parent; True if
    watching."""
    try:
        parent = int(os.environ.get(ENV, ""))
    except ValueError:
        return False
    if parent <= 1 or os.getppid() != parent:  # not started by that console: nothing to watch
        return False

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval_s)
        log.warning("the console (pid %d) is gone: stopping", parent)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    return True
