"""The evaluation table: one row per group of the ``evaluation`` query's answer (rows as
:func:`dispatch.services.evaluation_view.read_ranking` gives them), rows by code; rates as
percentages, mean times as durations, groups by name, the rank with its month-on-month move
and every figure with its change. Each cell has its raw value for sorting and the indicator
or count it shows, for the click-through to the cases behind it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from dispatch.domain.evaluation import RATES
from dispatch.services.evaluation_view import FRACTIONS, better, significant
from widgets import labels
from widgets.rows import Index, KeyedRowsModel

translate = QCoreApplication.translate

RAW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The cell's raw value (numbers; a missing one is :data:`MISSING`, first in ascending
order): sort by it."""
CODE_ROLE = Qt.ItemDataRole.UserRole + 2
"""The row's group code (region code, department code, operator)."""
KEY_ROLE = Qt.ItemDataRole.UserRole + 3
"""What the cell shows: an indicator (``closure_rate``…), a count (``due``), ``score``,
``rank`` or ``""`` for the name."""
CHANGE_ROLE = Qt.ItemDataRole.UserRole + 4
"""The cell's month-on-month change (this period less the previous; for the rank, places
risen), None when there is nothing to compare."""

MISSING = -1e18
UP, DOWN = "↑", "↓"
GOOD, BAD = QColor("#15803d"), QColor("#b91c1c")


class Column(IntEnum):
    RANK = 0
    MOVE = 1
    NAME = 2
    SCORE = 3
    CLOSURE = 4
    ON_TIME = 5
    RESPONSE = 6
    RESOLUTION = 7
    SATISFACTION = 8
    URGE = 9
    REOPEN = 10
    MEAN_RESPONSE = 11
    MEAN_HANDLING = 12
    DUE = 13
    CALLED_BACK = 14


KEYS: dict[Column, str] = {
    Column.RANK: "rank", Column.MOVE: "rank", Column.NAME: "", Column.SCORE: "score",
    Column.CLOSURE: "closure_rate", Column.ON_TIME: "on_time_closure_rate",
    Column.RESPONSE: "response_rate", Column.RESOLUTION: "resolution_rate",
    Column.SATISFACTION: "satisfaction_rate", Column.URGE: "urge_rate",
    Column.REOPEN: "reopen_rate", Column.MEAN_RESPONSE: "mean_response_s",
    Column.MEAN_HANDLING: "mean_handling_s", Column.DUE: "due",
    Column.CALLED_BACK: "called_back",
}
"""The answer's field each column shows."""

_HEADERS: tuple[Any, ...] = (
    QT_TRANSLATE_NOOP("EvaluationModel", "Rank"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Move"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Name"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Score"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Closure"),
    QT_TRANSLATE_NOOP("EvaluationModel", "On-time closure"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Response"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Resolution"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Satisfaction"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Urged"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Reopened"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Mean response"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Mean handling"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Due"),
    QT_TRANSLATE_NOOP("EvaluationModel", "Called back"),
)
_LEFT = {Column.NAME, Column.MOVE}
COUNT_NAMES: dict[str, Any] = {
    "due": QT_TRANSLATE_NOOP("EvaluationModel", "due"),
    "closed": QT_TRANSLATE_NOOP("EvaluationModel", "closed"),
    "closed_on_time": QT_TRANSLATE_NOOP("EvaluationModel", "closed on time"),
    "dispatched": QT_TRANSLATE_NOOP("EvaluationModel", "dispatched"),
    "responded_on_time": QT_TRANSLATE_NOOP("EvaluationModel", "acknowledged in time"),
    "closed_in_period": QT_TRANSLATE_NOOP("EvaluationModel", "closed in the period"),
    "resolved": QT_TRANSLATE_NOOP("EvaluationModel", "resolved"),
    "citizen_reported": QT_TRANSLATE_NOOP("EvaluationModel", "citizens' cases"),
    "urged": QT_TRANSLATE_NOOP("EvaluationModel", "urged"),
    "called_back": QT_TRANSLATE_NOOP("EvaluationModel", "called back"),
    "satisfied": QT_TRANSLATE_NOOP("EvaluationModel", "satisfied"),
    "reopened": QT_TRANSLATE_NOOP("EvaluationModel", "reopened"),
}


def points(delta: float) -> str:
    """A change of a rate or score in percentage points: ``↑2.5``, ``↓0.8``, ``0.0``."""
    arrow = UP if delta > 0 else DOWN if delta < 0 else ""
    return f"{arrow}{abs(delta) * 100:.1f}"


def move(row: Mapping[str, Any]) -> int | None:
    """Places risen since the previous period (negative: fallen), None without one."""
    p = row.get("previous")
    if not p or p.get("rank") is None or row.get("rank") is None:
        return None
    return int(p["rank"]) - int(row["rank"])


class EvaluationModel(KeyedRowsModel):
    """The rows of one level's answer (:meth:`set_answer`), by code; ``name(level, code)``
    names a group."""

    CONTEXT = "EvaluationModel"
    HEADERS = _HEADERS

    def __init__(self, name: Callable[[str, str], str] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name or (lambda _level, code: code)
        self.level = ""
        self.compared = False

    def key(self, row: Mapping[str, Any]) -> str:
        return str(row["code"])

    def set_answer(self, level: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Show ``rows`` of ``level`` (another level: the table starts again)."""
        rows = [dict(r) for r in rows]
        self.compared = any("previous" in r for r in rows)
        if level != self.level:
            self.beginResetModel()
            self.level = level
            self._rows = sorted(rows, key=self.key)
            self.endResetModel()
            return
        self.set_rows(rows)

    def row(self, row: int) -> dict[str, Any]:
        return dict(self._rows[row])

    def name(self, code: str) -> str:
        if code in ("", "-"):
            return translate("EvaluationModel", "(not dispatched)") \
                if self.level == "department" else "—"
        return self._name(self.level, code)

    # ------------------------------------------------------------------------ Qt model

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = Column(index.column())
        key = KEYS[col]
        if role == CODE_ROLE:
            return str(r["code"])
        if role == KEY_ROLE:
            return key
        if role == RAW_ROLE:
            return self._raw(r, col)
        if role == CHANGE_ROLE:
            return self._change(r, col)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(r, col)
        if role == Qt.ItemDataRole.ForegroundRole and col not in (Column.NAME, Column.RANK,
                                                                   Column.DUE,
                                                                   Column.CALLED_BACK):
            delta = self._change(r, col)  # green: better than the previous period
            good = None if delta is None else better("rank" if col == Column.MOVE else key,
                                                     delta)
            return None if good is None else QBrush(GOOD if good else BAD)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignLeft if col in _LEFT \
                else Qt.AlignmentFlag.AlignRight
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _raw(self, r: Mapping[str, Any], col: Column) -> Any:
        if col == Column.NAME:
            return self.name(str(r["code"]))
        value = move(r) if col == Column.MOVE else r.get(KEYS[col])
        if col == Column.RANK and r.get("score") is None:
            return 10 ** 9 + int(value or 0)  # unscored groups after the scored ones
        return MISSING if value is None else float(value)

    @staticmethod
    def _change(r: Mapping[str, Any], col: Column) -> float | None:
        if col in (Column.MOVE, Column.RANK):
            return move(r)
        delta = (r.get("change") or {}).get(KEYS[col])
        return None if delta is None else float(delta)

    def _text(self, r: Mapping[str, Any], col: Column) -> str:
        key = KEYS[col]
        if col == Column.NAME:
            return self.name(str(r["code"]))
        if col == Column.RANK:
            return "" if r.get("rank") is None else str(r["rank"])
        if col == Column.MOVE:
            if "previous" not in r:
                return ""
            if r.get("previous") is None:
                return translate("EvaluationModel", "new")
            m = move(r)
            return "=" if not m else f"{UP}{m}" if m > 0 else f"{DOWN}{-m}"
        value = r.get(key)
        delta = self._change(r, col)
        shown = delta is not None and significant(key, delta)
        if col == Column.SCORE:
            text = "—" if value is None else f"{float(value) * 100:.1f}"
            return f"{text}  {points(delta)}" if shown and delta is not None else text
        if key in RATES or key.startswith("mean_"):
            text = labels.percent(value) if key in RATES else labels.duration(value)
            arrow = "" if not shown or delta is None else (UP if delta > 0 else DOWN)
            return f"{text} {arrow}".rstrip()
        return "" if value is None else f"{int(value):,}"

    def _tip(self, r: Mapping[str, Any], col: Column) -> str | None:
        key = KEYS[col]
        lines: list[str] = []
        if key in FRACTIONS:
            num, den = FRACTIONS[key]
            lines.append(translate("EvaluationModel", "%1 of %2 %3").replace(
                "%1", f"{int(r.get(num) or 0):,}").replace("%2", f"{int(r.get(den) or 0):,}")
                .replace("%3", translate("EvaluationModel", COUNT_NAMES[den])))
        previous = r.get("previous")
        if previous and col not in (Column.NAME, Column.DUE, Column.CALLED_BACK):
            was = previous.get(key)
            if col in (Column.RANK, Column.MOVE):
                shown = "—" if was is None else str(was)
            elif key == "score":
                shown = "—" if was is None else f"{float(was) * 100:.1f}"
            elif key in RATES:
                shown = labels.percent(was)
            else:
                shown = labels.duration(was)
            lines.append(translate("EvaluationModel", "Previous period: %1").replace("%1", shown))
            delta = self._change(r, col)
            if delta is not None and key in RATES:
                lines.append(translate("EvaluationModel", "Change: %1 points")
                             .replace("%1", points(delta)))
        elif "previous" in r and previous is None and col == Column.MOVE:
            lines.append(translate("EvaluationModel", "No figures in the previous period"))
        if col not in (Column.NAME, Column.MOVE):
            lines.append(translate("EvaluationModel", "Double-click: the cases behind it"))
        return "\n".join(lines) or None
