"""吹哨报到 in the console: what each summoned department's arrival clock says (waiting with
the time left, late, on site in time or late), the queue cell's summary of an incident's
whistle, and the detail panel's table of the summoned departments. The rules (due times, what
is late) are :mod:`dispatch.domain.whistle`'s."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from dispatch.domain.state import Incident, Summons
from dispatch.domain.whistle import (
    ArrivalState,
    arrival_state,
    late_count,
    next_arrival_due,
    waiting,
)
from widgets import labels, theme
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate

_STATES = {
    ArrivalState.WAITING: QT_TRANSLATE_NOOP("Whistle", "Waiting"),
    ArrivalState.LATE: QT_TRANSLATE_NOOP("Whistle", "Late, not on site"),
    ArrivalState.ARRIVED: QT_TRANSLATE_NOOP("Whistle", "On site in time"),
    ArrivalState.ARRIVED_LATE: QT_TRANSLATE_NOOP("Whistle", "On site late"),
}
_COLOURS = {ArrivalState.WAITING: theme.WARNING, ArrivalState.LATE: theme.ERROR,
            ArrivalState.ARRIVED: theme.SUCCESS, ArrivalState.ARRIVED_LATE: theme.ERROR}
_LEVELS = {"street": QT_TRANSLATE_NOOP("Whistle", "Street"),
           "community": QT_TRANSLATE_NOOP("Whistle", "Community")}
_HEADERS = (QT_TRANSLATE_NOOP("Whistle", "Department"),
            QT_TRANSLATE_NOOP("Whistle", "Report by"),
            QT_TRANSLATE_NOOP("Whistle", "On site"),
            QT_TRANSLATE_NOOP("Whistle", "Arrival clock"))
DEPARTMENT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The department code of a row."""


def state_text(state: ArrivalState) -> str:
    return translate("Whistle", str(_STATES[state]))


def state_colour(state: ArrivalState) -> str:
    return _COLOURS[state]


def level_text(level: str) -> str:
    text = _LEVELS.get(level)
    return translate("Whistle", str(text)) if text is not None else level


def clock_text(s: Summons, now: float) -> str:
    """A department's arrival clock: the time left while waiting, how late it is, or how it
    arrived (``+07:12`` late, ``-03:00`` early)."""
    state = arrival_state(s, now)
    if state == ArrivalState.WAITING:
        return translate("Whistle", "%1 left").replace("%1", labels.countdown(s.due - now))
    if state == ArrivalState.LATE:
        return translate("Whistle", "%1 late").replace("%1", labels.countdown(now - s.due))
    return state_text(state)


def queue_summary(inc: Incident, now: float) -> tuple[str, str]:
    """(text, colour) of the queue's whistle cell: on site out of summoned, the time left to
    the next due arrival, or how many are late; ("", "") without a whistle."""
    if not inc.summoned:
        return "", ""
    n = len(inc.summoned)
    on_site = n - len(waiting(inc))
    late = late_count(inc, now)
    head = translate("Whistle", "%1/%2 on site").replace("%1", str(on_site)).replace(
        "%2", str(n))
    if late:
        text = translate("Whistle", "%1 late", "departments").replace("%1", str(late))
        return f"{head} · {text}", theme.ERROR
    due = next_arrival_due(inc)
    if due is None or not inc.is_open:
        return head, theme.SUCCESS
    return f"{head} · {labels.countdown(due - now)}", theme.WARNING


def queue_sort_key(inc: Incident, now: float) -> float:
    """Late first (negative), then by the next due arrival; no whistle last."""
    if not inc.summoned:
        return float("inf")
    if late_count(inc, now):
        return -float(late_count(inc, now))
    due = next_arrival_due(inc)
    return due if due is not None else 1e15


class SummonsTable(QTreeWidget):
    """The departments a whistle summoned, with when each must report, when it did and its
    arrival clock."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRootIsDecorated(False)
        self.setHeaderLabels([translate("Whistle", str(h)) for h in _HEADERS])
        self.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setUniformRowHeights(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def show_summons(self, inc: Incident, c: ConsoleModel) -> int:
        """Fill the table from ``inc``; the number of departments summoned."""
        self.clear()
        now = c.now()
        for s in inc.summoned:
            state = arrival_state(s, now)
            item = QTreeWidgetItem([
                c.department_name(s.department), labels.clock_time(s.due, c.tz, now),
                labels.clock_time(s.arrived_at, c.tz, now), clock_text(s, now)])
            item.setData(0, DEPARTMENT_ROLE, s.department)
            item.setForeground(3, theme.colour(state_colour(state)))
            item.setToolTip(3, state_text(state))
            item.setToolTip(1, labels.full_time(s.due, c.tz))
            if s.arrived_at is not None:
                item.setToolTip(2, translate("Whistle", "%1, reported by %2").replace(
                    "%1", labels.full_time(s.arrived_at, c.tz)).replace("%2", s.arrived_by))
            self.addTopLevelItem(item)
        n = self.topLevelItemCount()
        row_h = self.sizeHintForRow(0) if n else 20
        self.setFixedHeight(self.header().sizeHint().height() + n * row_h + 4)
        return n

    def row_texts(self) -> list[list[str]]:
        """The cells' texts, row by row (what a person reads)."""
        out = []
        for i in range(self.topLevelItemCount()):
            item = self.topLevelItem(i)
            if item is not None:
                out.append([item.text(k) for k in range(self.columnCount())])
        return out


def heading_text(inc: Incident, c: ConsoleModel) -> str:
    """Who blew the whistle, when, and why: ``Street 观前街道 blew the whistle at 10:13
    (lead01): reason``."""
    if inc.whistled_at is None:
        return ""
    r = c.city.regions.get(inc.whistle_region)
    region = r.name if r is not None else inc.whistle_region
    return translate("Whistle", "%1 %2 blew the whistle at %3 (%4): %5").replace(
        "%1", level_text(inc.whistle_level)).replace("%2", region).replace(
        "%3", labels.clock_time(inc.whistled_at, c.tz, c.now())).replace(
        "%4", inc.whistled_by).replace("%5", inc.whistle_reason)
