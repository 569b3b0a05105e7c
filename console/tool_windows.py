"""The main window's tool windows (Tools menu): shown one per console, raised when asked
again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtWidgets import QWidget

from widgets.console_model import ConsoleModel

W = TypeVar("W", bound=QWidget)


def present(window: W) -> W:
    """``window`` shown, raised and active."""
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def workload_window(console: ConsoleModel, audit_source: Any,
                    show_incident: Callable[[str], None], parent: QWidget) -> Any:
    """The shift lead's workload window over the console's history reader
    (:class:`console.audit_source.AuditSource`); None when the console has no reader."""
    from console.background import run_in_background
    from widgets.workload_window import WorkloadWindow

    read = getattr(audit_source, "shift_activity", None)
    if read is None:
        return None

    def describe(incident_id: str) -> str:
        inc = console.incident(incident_id)
        return "" if inc is None else console.class_name(inc.class_code)

    return WorkloadWindow(
        lambda since: read(since, console.now()), run_in_background, now=console.now,
        open_ids=lambda: [i for i, inc in console.state.incidents.items() if inc.is_open],
        show_incident=show_incident, describe=describe, parent=parent)
