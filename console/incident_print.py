"""The printable incident summary from the console: the incident's events are read with the
server's ``history`` query off the GUI thread, rebuilt and laid out as HTML
(:mod:`dispatch.services.report.incident_sheet`), then printed to a PDF the operator picks
(:mod:`widgets.summary_pdf`, fonts embedded)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from console.background import run_in_background
from dispatch.domain.errors import DispatchError
from dispatch.domain.events import event_from_dict
from dispatch.services.replay import ReplayError
from dispatch.services.report.incident_sheet import build_sheet, sheet_html
from dispatch.services.report.names import Names, names_for
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate

ReadHistory = Callable[[str], list[dict[str, Any]]]


class SummaryPrinter(QObject):
    """``ask(incident_id)`` (a file dialog, then :meth:`print_to`)."""

    sig_printed = Signal(str, str)
    """(incident id, path): the summary was written."""

    sig_failed = Signal(str, str)
    """(incident id, message): it could not be."""

    def __init__(self, console: ConsoleModel, read_history: ReadHistory,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self._read = read_history
        self._parent = parent
        self.busy = False

    def names(self) -> Names:
        c = self.console
        names = names_for(c.catalogue, c.city, "zh" if c.language.startswith("zh") else "en")

        def unit(uid: str) -> str:
            u = c.unit(uid)
            return f"{u.name} ({uid})" if u is not None and u.name else uid

        return dataclasses.replace(names, unit=unit)

    def ask(self, incident_id: str) -> None:
        if not incident_id or self.busy:
            return
        path, _ = QFileDialog.getSaveFileName(
            self._parent, translate("SummaryPrinter", "Print the incident summary"),
            f"{incident_id}.pdf", translate("SummaryPrinter", "PDF files (*.pdf)"))
        if path:
            self.print_to(incident_id, path)

    def print_to(self, incident_id: str, path: Path | str) -> None:
        """Read, lay out (off the GUI thread) and print the summary of ``incident_id``."""
        if self.busy:
            return
        self.busy = True
        read, names = self._read, self.names()

        def work() -> list[Any]:
            return [event_from_dict(d) for d in read(incident_id)]

        def done(result: Any, error: BaseException | None) -> None:
            self.busy = False
            from widgets.summary_pdf import write_pdf

            try:
                if error is not None:
                    raise error
                # on the GUI thread: the live units stand in for the ones the incident names
                sheet = build_sheet(result, incident_id, self.console.state.units)
                write_pdf(sheet_html(sheet, names), path, title=incident_id)
            except (DispatchError, ReplayError) as exc:
                self.sig_failed.emit(incident_id, getattr(exc, "message", None) or str(exc))
                return
            except OSError as exc:
                self.sig_failed.emit(incident_id, exc.strerror or str(exc))
                return
            self.sig_printed.emit(incident_id, str(path))

        run_in_background(work, done)


def attach_printer(window: Any, detail: Any, command_line: Any, source: Any
                   ) -> SummaryPrinter | None:
    """The main window's printer: the detail panel's "Print summary…" and the command line's
    ``print`` ask for a file, the window's status bar says how it went. None without a history
    source (then the action is disabled)."""
    read = getattr(source, "incident_history", None)
    if read is None:
        detail.print_action.setEnabled(False)
        return None
    printer = SummaryPrinter(window.console, read, window)
    detail.sig_print_summary.connect(printer.ask)
    command_line.sig_print.connect(printer.ask)
    printer.sig_printed.connect(lambda iid, path: window.statusBar().showMessage(
        translate("SummaryPrinter", "Summary of %1 saved to %2").replace("%1", iid)
        .replace("%2", path), 10_000))
    printer.sig_failed.connect(lambda iid, msg: window.statusBar().showMessage(
        translate("SummaryPrinter", "Could not print the summary of %1: %2").replace("%1", iid)
        .replace("%2", msg), 15_000))
    return printer
