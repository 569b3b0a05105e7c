"""The shift lead's evaluation panel (绩效评价): the ranking of a level's groups (districts,
streets, communities, grids, departments, and the posts where the server evaluates them) over
a day, a month or a quarter, with the month-on-month change, sortable; a number's cases listed
beside it and shown in the console on activation; the monthly report exported from here.

Everything the server is asked goes through ``run(fn, on_done)`` (``fn`` off the GUI thread,
``on_done(result, error)`` on it): ``fetch(level, start, end)`` is the ``evaluation`` query,
``cases(query)`` returns the function that lists the cases behind a number (the
``evaluation_cases`` query, or the console's own incidents), ``export(month, directory)``
writes the monthly report. A level the server refuses is no longer offered.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QDateTime,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain.errors import InvalidCommand
from dispatch.services.evaluation_view import (
    LEVELS,
    PERIODS,
    CaseQuery,
    Fetch,
    period_bounds,
    period_label,
    period_start,
    period_step,
    read_ranking,
)
from widgets.evaluation_model import CODE_ROLE, KEY_ROLE, RAW_ROLE, Column, EvaluationModel
from widgets.table_window import beside, incident_list, sorted_table

translate = QCoreApplication.translate

Runner = Callable[[Callable[[], Any], Callable[[Any, "BaseException | None"], None]], None]
Cases = Callable[[CaseQuery], Callable[[], tuple[list[str], str]]]
Export = Callable[[date, Path], list[Path]]

LEVEL_NAMES: dict[str, Any] = {
    "district": QT_TRANSLATE_NOOP("EvaluationWindow", "Districts"),
    "street": QT_TRANSLATE_NOOP("EvaluationWindow", "Streets"),
    "community": QT_TRANSLATE_NOOP("EvaluationWindow", "Communities"),
    "grid": QT_TRANSLATE_NOOP("EvaluationWindow", "Grids"),
    "department": QT_TRANSLATE_NOOP("EvaluationWindow", "Departments"),
    "dispatcher": QT_TRANSLATE_NOOP("EvaluationWindow", "Dispatchers"),
    "grid_worker": QT_TRANSLATE_NOOP("EvaluationWindow", "Grid workers"),
}
PERIOD_NAMES: dict[str, Any] = {
    "day": QT_TRANSLATE_NOOP("EvaluationWindow", "Day"),
    "month": QT_TRANSLATE_NOOP("EvaluationWindow", "Month"),
    "quarter": QT_TRANSLATE_NOOP("EvaluationWindow", "Quarter"),
}
SOURCES: dict[str, Any] = {
    "server": QT_TRANSLATE_NOOP("EvaluationWindow", "from the server"),
    "console": QT_TRANSLATE_NOOP("EvaluationWindow",
                                 "from this console's incidents (archived cases not listed)"),
    "none": QT_TRANSLATE_NOOP("EvaluationWindow",
                              "this server cannot list the cases of this level"),
}


def _message(error: BaseException) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


class EvaluationWindow(QWidget):
    """The level and period pickers, the ranking table and the cases of a number."""

    sig_loaded = Signal(int)
    """A read finished; the table shows this many groups."""

    sig_failed = Signal(str)
    """A read failed; the message says why (also shown in the window)."""

    sig_cases = Signal(list)
    """The cases behind the number asked for (incident ids) are listed."""

    sig_exported = Signal(list)
    """The monthly report was written (the files' paths as strings)."""

    def __init__(self, fetch: Fetch, run: Runner, *, tz: tzinfo, today: Callable[[], date],
                 name: Callable[[str, str], str] | None = None, cases: Cases | None = None,
                 describe: Callable[[str], str] | None = None,
                 show_incident: Callable[[str], Any] | None = None,
                 export: Export | None = None, level: str = "street",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("evaluation-window")
        self._fetch, self._run, self._tz, self._today = fetch, run, tz, today
        self._cases, self._describe, self._show_incident = cases, describe, show_incident
        self._export = export
        self._token = 0
        self.loading = False
        self.answer: dict[str, Any] | None = None
        self.refused_levels: set[str] = set()
        self.setWindowTitle(translate("EvaluationWindow", "Evaluation"))
        self.resize(1280, 640)

        self.level_box = QComboBox()
        for key in LEVELS:
            self.level_box.addItem(translate("EvaluationWindow", LEVEL_NAMES[key]), key)
        self.level_box.setCurrentIndex(max(0, self.level_box.findData(level)))
        self.level_box.setToolTip(translate("EvaluationWindow", "What is ranked"))
        self.period_box = QComboBox()
        for key in PERIODS:
            self.period_box.addItem(translate("EvaluationWindow", PERIOD_NAMES[key]), key)
        self.period_box.setCurrentIndex(self.period_box.findData("month"))
        self.day = period_start("month", today())
        self.previous_button = QToolButton()
        self.previous_button.setText("◀")
        self.previous_button.setToolTip(translate("EvaluationWindow", "Previous period "
                                                                     "(Alt+Left)"))
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip(translate("EvaluationWindow", "Next period (Alt+Right)"))
        self.period_label = QLabel()
        self.period_label.setMinimumWidth(90)
        self.period_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.refresh_button = QPushButton(translate("EvaluationWindow", "Refresh"))
        self.refresh_button.setToolTip(translate("EvaluationWindow", "Read the ranking again "
                                                                    "(F5)"))
        self.export_button = QPushButton(translate("EvaluationWindow", "Export…"))
        self.export_button.setToolTip(translate(
            "EvaluationWindow", "Write the monthly evaluation report of the month shown "
            "(PDF and CSV, per district and per department)"))
        self.export_button.setEnabled(export is not None)
        self.status = QLabel()
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = EvaluationModel(name, self)
        self.proxy, self.view = sorted_table(self.model, RAW_ROLE, Column.RANK,
                                             Qt.SortOrder.AscendingOrder, whole_rows=False,
                                             parent=self)
        self.view.activated.connect(self.show_cases_at)
        side, self.cases_label, self.cases = incident_list(
            translate("EvaluationWindow", "Double-click a number (or Enter) to list its cases"),
            translate("EvaluationWindow", "Double-click or Enter: show the incident in the "
                                          "console"),
            self._on_case_activated)
        split = beside(self.view, side, (5, 1))
        self.help = QLabel(translate(
            "EvaluationWindow", "Score: the weighted mean of the rates, out of 100. Arrows: the "
            "change since the previous period; hover a cell for its figures."))
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: palette(mid);")

        top = QHBoxLayout()
        for w in (self.level_box, self.period_box, self.previous_button, self.period_label,
                  self.next_button, self.refresh_button, self.export_button):
            top.addWidget(w)
        top.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.help)

        self.level_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period_box.currentIndexChanged.connect(self._on_period_kind)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.ask_export)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        QShortcut(QKeySequence("Alt+Left"), self, lambda: self.step(-1))
        QShortcut(QKeySequence("Alt+Right"), self, lambda: self.step(1))
        self._show_period()

    # -------------------------------------------------------------------------- period

    @property
    def level(self) -> str:
        return str(self.level_box.currentData())

    @property
    def period(self) -> str:
        return str(self.period_box.currentData())

    def bounds(self) -> tuple[float, float]:
        return period_bounds(self.period, self.day, self._tz)

    def set_level(self, level: str) -> None:
        self.level_box.setCurrentIndex(self.level_box.findData(level))

    def set_period(self, kind: str, day: date | None = None) -> None:
        """Show the ``kind`` period holding ``day`` (default: the one shown, or today)."""
        self.day = period_start(kind, day or self.day)
        if self.period != kind:
            self.period_box.blockSignals(True)
            self.period_box.setCurrentIndex(self.period_box.findData(kind))
            self.period_box.blockSignals(False)
        self._show_period()
        self.refresh()

    def step(self, steps: int) -> None:
        """The period ``steps`` after (negative: before) the one shown."""
        self.set_period(self.period, period_step(self.period, self.day, steps))

    def _on_period_kind(self, _index: int) -> None:
        self.set_period(self.period, self.day)

    def _show_period(self) -> None:
        self.period_label.setText(period_label(self.period, self.day))
        self.next_button.setEnabled(period_step(self.period, self.day, 1) <= self._today())

    # ---------------------------------------------------------------------------- read

    def refresh(self) -> None:
        """Read the ranking of the level and period shown, off the GUI thread; an answer to
        an earlier read that comes late is dropped."""
        self._token += 1
        token, level, fetch = self._token, self.level, self._fetch
        start, end = self.bounds()
        previous_start, _ = period_bounds(self.period, period_step(self.period, self.day, -1),
                                          self._tz)
        self.loading = True
        self.status.setText(translate("EvaluationWindow", "Reading the ranking…"))

        def work() -> dict[str, Any]:
            return read_ranking(fetch, level, start, end, previous_start)

        self._run(work, lambda result, error: self._on_read(token, level, result, error))

    def _on_read(self, token: int, level: str, result: Any, error: BaseException | None
                 ) -> None:
        if token != self._token:
            return
        self.loading = False
        if error is not None:
            message = _message(error)
            if isinstance(error, InvalidCommand) and "level must be one of" in message:
                self._refuse_level(level)
            self.status.setText(translate("EvaluationWindow", "Could not read the ranking: %1")
                                .replace("%1", message))
            self.sig_failed.emit(message)
            return
        self.answer = result
        rows = list(result.get("rows") or [])
        self.model.set_answer(level, rows)
        self.view.resizeColumnsToContents()
        self.status.setText(translate("EvaluationWindow", "Updated %1 · %2 ranked")
                            .replace("%1", QDateTime.currentDateTime().toString("HH:mm:ss"))
                            .replace("%2", str(len(rows))))
        self.sig_loaded.emit(len(rows))

    def _refuse_level(self, level: str) -> None:
        """The server does not evaluate ``level``: no longer offered."""
        self.refused_levels.add(level)
        box_model = self.level_box.model()
        i = self.level_box.findData(level)
        if isinstance(box_model, QStandardItemModel) and i >= 0:
            item = box_model.item(i)
            item.setEnabled(False)
            item.setToolTip(translate("EvaluationWindow", "This server does not evaluate "
                                                          "this level"))

    # --------------------------------------------------------------------------- cases

    def show_cases_at(self, index: QModelIndex) -> bool:
        """List the cases behind the number at ``index`` (a view index); False for a cell
        that stands for none (the name)."""
        key = str(index.data(KEY_ROLE) or "")
        code = str(index.data(CODE_ROLE) or "")
        if self._cases is None or index.column() in (Column.NAME, Column.MOVE) or not code:
            return False
        start, end = self.bounds()
        now = float(self.answer.get("now", end)) if self.answer else end
        q = CaseQuery(self.model.level, code, "" if key == "rank" else key, start, end, now)
        work = self._cases(q)
        self.cases.clear()
        self.cases_label.setText(translate("EvaluationWindow", "Reading the cases…"))
        header = self.model.headerData(index.column(), Qt.Orientation.Horizontal)
        title = f"{self.model.name(code)} · {header}"
        self._run(work, lambda result, error: self._on_cases(title, result, error))
        return True

    def _on_cases(self, title: str, result: Any, error: BaseException | None) -> None:
        if error is not None:
            self.cases_label.setText(translate("EvaluationWindow", "Could not list the cases: "
                                                                  "%1").replace("%1", _message(error)))
            return
        ids, source = result
        self.cases_label.setText(translate("EvaluationWindow", "%1: %2 cases, %3")
                                 .replace("%1", title).replace("%2", str(len(ids)))
                                 .replace("%3", translate("EvaluationWindow",
                                                          SOURCES.get(source, source))))
        for iid in ids:
            about = self._describe(iid) if self._describe is not None else ""
            item = QListWidgetItem(f"{iid}  {about}" if about else iid)
            item.setData(Qt.ItemDataRole.UserRole, iid)
            self.cases.addItem(item)
        self.sig_cases.emit(list(ids))

    def _on_case_activated(self, item: QListWidgetItem) -> None:
        if self._show_incident is not None:
            self._show_incident(str(item.data(Qt.ItemDataRole.UserRole)))

    # -------------------------------------------------------------------------- export

    def ask_export(self) -> None:
        directory = QFileDialog.getExistingDirectory(
            self, translate("EvaluationWindow", "Export the monthly evaluation report to"))
        if directory:
            self.export_to(Path(directory))

    def export_to(self, directory: Path) -> None:
        """Write the monthly report of the month shown (or holding the period shown) into
        ``directory``, off the GUI thread."""
        if self._export is None:
            return
        export, month = self._export, period_start("month", self.day)
        self.export_button.setEnabled(False)
        self.status.setText(translate("EvaluationWindow", "Writing the report of %1…")
                            .replace("%1", f"{month:%Y-%m}"))
        self._run(lambda: export(month, directory), self._on_exported)

    def _on_exported(self, result: Any, error: BaseException | None) -> None:
        self.export_button.setEnabled(True)
        if error is not None:
            self.status.setText(translate("EvaluationWindow", "Could not export: %1")
                                .replace("%1", _message(error)))
            return
        paths = [str(p) for p in result]
        self.status.setText(translate("EvaluationWindow", "Report saved: %1")
                            .replace("%1", ", ".join(paths)))
        self.sig_exported.emit(paths)
