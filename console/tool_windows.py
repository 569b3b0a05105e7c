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


def evaluation_window(console: ConsoleModel, reader: Any,
                      show_incident: Callable[[str], None], parent: QWidget) -> Any:
    """The shift lead's evaluation panel over the console's reading session
    (:class:`console.audit_source.AuditSource`: the ``evaluation`` and ``evaluation_cases``
    queries); the click-through falls back to the console's own incidents on a server
    without ``evaluation_cases``. None when the console has no reader."""
    from console.background import run_in_background
    from dispatch.domain.errors import InvalidCommand
    from dispatch.domain.evaluation import Level
    from dispatch.domain.evaluation_cases import CASE_INDICATORS
    from dispatch.services.evaluation_view import CaseQuery, cases_behind
    from widgets import labels
    from widgets.evaluation_window import EvaluationWindow

    read = getattr(reader, "read", None)
    if read is None:
        return None
    server_cases = [True]  # until the server says it does not know evaluation_cases
    local_levels = {level.value for level in Level}  # the levels this console can evaluate

    def fetch(level: str, start: float, end: float) -> dict[str, Any]:
        return dict(read(lambda c: c.query("evaluation", level=level, start=start, end=end)))

    def cases(q: CaseQuery) -> Callable[[], tuple[list[str], str]]:
        mine = list(console.state.incidents.values())  # the mirror, taken on the GUI thread

        def work() -> tuple[list[str], str]:
            # the server's cases for an indicator (archived ones too); a count or the score
            # is the console's own reading of its incidents
            if server_cases[0] and q.indicator in CASE_INDICATORS:
                try:
                    answer = read(lambda c: c.query(
                        "evaluation_cases", level=q.level, code=q.code,
                        indicator=q.indicator, start=q.start, end=q.end))
                    return [str(c["id"]) for c in answer.get("cases", [])], "server"
                except InvalidCommand as exc:
                    if "unknown query" not in str(exc):
                        raise
                    server_cases[0] = False  # an older server
            if q.level not in local_levels:
                return [], "none"  # a level only the server knows (a post)
            return cases_behind(mine, q), "console"
        return work

    def name(level: str, code: str) -> str:
        if level == "department":
            return console.department_name(code)
        if code in console.city.regions:
            return labels.region_name(console.city, code)
        return code

    def describe(incident_id: str) -> str:
        inc = console.incident(incident_id)
        return "" if inc is None else console.class_name(inc.class_code)

    def export(month: Any, directory: Any) -> list[Any]:
        from dispatch.services.report.evaluation import build_report, centre_name
        from dispatch.services.report.evaluation_pdf import write_report
        from dispatch.services.report.names import names_for

        names = names_for(console.catalogue, console.city,
                          "zh" if console.language == "zh" else "en")
        report = build_report(fetch, month, console.tz,
                              centre_name(console.city.name, names.language))
        return write_report(report, directory, names)

    return EvaluationWindow(
        fetch, run_in_background, tz=console.tz,
        today=lambda: labels.local(console.now(), console.tz).date(), name=name, cases=cases,
        describe=describe, show_incident=show_incident, export=export, parent=parent)


def add_tools_menu(window: Any) -> None:
    """The main window's Tools menu, by what the operator's role may do: run cards, hazards,
    and for those who read the audit trail the audit, workload and evaluation windows."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QKeySequence

    from dispatch.domain.roles import AUDIT_READERS, HAZARD_EDITORS, PLANNERS
    from widgets.actions import WINDOW_SHORTCUTS

    translate = QCoreApplication.translate
    reads_audit = window.audit_source is not None and window.login.role in AUDIT_READERS
    plans = window.login.role in PLANNERS
    edits_hazards = window.login.role in HAZARD_EDITORS
    t = window.menuBar().addMenu(translate("MainWindow", "&Tools")) \
        if reads_audit or plans or edits_hazards else None
    if t is not None and plans:
        window.run_cards_action = t.addAction(translate("MainWindow", "&Run cards…"))
        window.run_cards_action.triggered.connect(window.open_run_cards)
    if t is not None and edits_hazards:
        window.hazards_action = t.addAction(translate("MainWindow", "&Hazards…"))
        window.hazards_action.triggered.connect(window.open_hazards)
    if t is not None and reads_audit:
        window.audit_action = t.addAction(translate("MainWindow", "&Audit trail…"))
        window.audit_action.setShortcut(QKeySequence(WINDOW_SHORTCUTS["audit_trail"]))
        window.audit_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        window.audit_action.triggered.connect(window.open_audit)
        window.workload_action = t.addAction(translate("MainWindow", "&Workload…"))
        window.workload_action.triggered.connect(window.open_workload)
        window.evaluation_action = t.addAction(translate("MainWindow", "&Evaluation…"))
        window.evaluation_action.setShortcut(QKeySequence(WINDOW_SHORTCUTS["evaluation"]))
        window.evaluation_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        window.evaluation_action.triggered.connect(window.open_evaluation)
