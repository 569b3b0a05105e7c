"""The wall's ranking tiles: the streets and the departments of the current month, best and
worst by their evaluation score (docs/KPI.md "Evaluation"), computed from the live state's
incidents (:func:`rank_month`: pure, so the wall runs it off the GUI thread — about 0.1 s per
level for 20,000 incidents)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import timezone

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QWidget

from dispatch.domain.evaluation import EvaluationRow, Level, evaluate
from dispatch.domain.state import Incident
from dispatch.services.evaluation_view import period_bounds
from widgets import labels
from widgets.console_model import ConsoleModel
from widgets.wall_lists import Cell, Column, WallTable
from widgets.wall_tiles import WALL

translate = QCoreApplication.translate

SHOWN = 3
"""Groups shown at each end of a ranking."""


def month_ranking(incidents: Iterable[Incident], now: float, tz: timezone, level: Level,
                  scope: str = "") -> list[EvaluationRow]:
    """The ranked groups of ``level`` (scored ones only) over the incidents in ``scope`` (a
    region code prefix), for the month holding ``now`` (in ``tz``) as it stands at ``now``."""
    start, end = period_bounds("month", labels.local(now, tz).date(), tz)
    mine = (i for i in incidents if i.grid.startswith(scope))
    return [r for r in evaluate(mine, start, end, level, now=max(now, start))
            if r.score is not None]


def rank_month(incidents: Sequence[Incident], now: float, tz: timezone, scope: str = ""
               ) -> tuple[list[EvaluationRow], list[EvaluationRow]]:
    """The month's ranked streets and departments in ``scope``."""
    return (month_ranking(incidents, now, tz, Level.STREET, scope),
            month_ranking(incidents, now, tz, Level.DEPARTMENT, scope))


def ends(rows: Sequence[EvaluationRow], n: int = SHOWN) -> list[tuple[EvaluationRow, bool]]:
    """The first ``n`` and the last ``n`` rows (each once), each with whether it is among the
    best (True) or the worst."""
    if len(rows) <= 2 * n:
        half = (len(rows) + 1) // 2
        return [(r, i < half) for i, r in enumerate(rows)]
    return [(r, True) for r in rows[:n]] + [(r, False) for r in rows[-n:]]


class RankingList(WallTable):
    """One ranking's ends: rank, name, score (green the best, red the worst)."""

    def __init__(self, title: str, name: Callable[[str], str], parent: QWidget | None = None, *,
                 font_px: int = 20) -> None:
        right = Qt.AlignmentFlag.AlignRight
        super().__init__(
            [Column("#", 0, right, fit="000"), Column(title, 1.0),
             Column(translate("WallRanking", "Score"), 0, right, fit="100.0")],
            translate("WallRanking", "Nothing due this month"), parent, font_px=font_px)
        self._name = name
        self.ranked: list[EvaluationRow] = []
        self.shown: list[tuple[str, float | None, bool]] = []

    def per_end(self) -> int:
        """Groups shown at each end: :data:`SHOWN`, fewer when the rows do not fit."""
        fit = self.visible_rows() if self.height() > 0 else 2 * SHOWN
        return max(1, min(SHOWN, fit // 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.ranked and self.per_end() * 2 != len(self.shown):
            self.show_rows(self.ranked)

    def show_rows(self, rows: Sequence[EvaluationRow]) -> None:
        cells = []
        self.ranked = list(rows)
        self.shown = []
        for r, best in ends(rows, self.per_end()):
            colour = WALL.good if best else WALL.alert
            name = self._name(r.code)
            self.shown.append((name, r.score, best))
            cells.append((Cell(str(r.rank), colour, bold=True), Cell(name),
                          Cell("—" if r.score is None else f"{r.score * 100:.1f}", colour,
                               bold=True)))
        self.set_rows(cells)


class RankingTiles(QWidget):
    """The streets' and the departments' rankings side by side."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.streets = RankingList(translate("WallRanking", "Street"), self._street_name)
        self.departments = RankingList(translate("WallRanking", "Department"),
                                       self._department_name)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(16)
        lay.addWidget(self.streets, 1)
        lay.addWidget(self.departments, 1)

    def _street_name(self, code: str) -> str:
        return labels.region_name(self.console.city, code)

    def _department_name(self, code: str) -> str:
        if code == "-":
            return translate("WallRanking", "(no department)")
        return self.console.department_name(code)

    def show_ranking(self, streets: Sequence[EvaluationRow],
                     departments: Sequence[EvaluationRow]) -> None:
        """Show the rankings :func:`rank_month` made."""
        self.streets.show_rows(streets)
        self.departments.show_rows(departments)
