"""The incident table's columns and what each of its cells shows for an incident: the text,
the value it sorts by, its colours, font and tool tip, and the state of the running clock.

Nothing here holds rows: :class:`~widgets.incident_model.IncidentTableModel` finds the incident
of a row and asks :class:`IncidentCells` for the cell.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QFont

from dispatch.domain import joint
from dispatch.domain.catalogue.model import Priority
from dispatch.domain.citizen_loop import awaiting_callback
from dispatch.domain.state import Incident
from dispatch.domain.status import WORKING_STATUSES, IncidentStatus
from dispatch.domain.timelimits import Clock, ClockState, clock_dues, is_overdue, running_clock
from widgets import labels, theme, whistle_view
from widgets.console_model import ConsoleModel

ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""The incident id of the row (str)."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""A raw value to sort the column by (number or str)."""
CLOCK_ROLE = Qt.ItemDataRole.UserRole + 3
"""Countdown column: the running clock's state (``ok``/``near_due``/``overdue``) or None."""


class Column(IntEnum):
    """The table's columns, in order."""

    ID = 0
    STATUS = 1
    PRIORITY = 2
    COUNTDOWN = 3
    SOURCE = 4
    CLASS = 5
    GRID = 6
    LEAD = 7
    UNITS = 8
    LEVEL = 9
    SUPERVISED = 10
    REPORTED = 11
    DUE = 12
    URGES = 13  # repeat calls (催办)
    CALLBACK = 14  # the call-back (回访) of a closed citizen's case: due, overdue, result
    WHISTLE = 15  # 吹哨报到: summoned departments on site, the next arrival's clock, late ones


HEADERS = {
    Column.ID: QT_TRANSLATE_NOOP("IncidentTableModel", "Incident"),
    Column.STATUS: QT_TRANSLATE_NOOP("IncidentTableModel", "Status"),
    Column.PRIORITY: QT_TRANSLATE_NOOP("IncidentTableModel", "Priority"),
    Column.COUNTDOWN: QT_TRANSLATE_NOOP("IncidentTableModel", "Time left"),
    Column.SOURCE: QT_TRANSLATE_NOOP("IncidentTableModel", "Source"),
    Column.CLASS: QT_TRANSLATE_NOOP("IncidentTableModel", "Class"),
    Column.GRID: QT_TRANSLATE_NOOP("IncidentTableModel", "Grid"),
    Column.LEAD: QT_TRANSLATE_NOOP("IncidentTableModel", "Lead department"),
    Column.UNITS: QT_TRANSLATE_NOOP("IncidentTableModel", "Units"),
    Column.LEVEL: QT_TRANSLATE_NOOP("IncidentTableModel", "Level"),
    Column.SUPERVISED: QT_TRANSLATE_NOOP("IncidentTableModel", "Supervised"),
    Column.REPORTED: QT_TRANSLATE_NOOP("IncidentTableModel", "Reported"),
    Column.DUE: QT_TRANSLATE_NOOP("IncidentTableModel", "Due"),
    Column.URGES: QT_TRANSLATE_NOOP("IncidentTableModel", "Urges"),
    Column.CALLBACK: QT_TRANSLATE_NOOP("IncidentTableModel", "Call-back"),
    Column.WHISTLE: QT_TRANSLATE_NOOP("IncidentTableModel", "Whistle"),
}

_PRIORITY_RANK = {p.value: i for i, p in enumerate(Priority)}
_STATUS_RANK = {s: i for i, s in enumerate(IncidentStatus)}
ROLES = frozenset({Qt.ItemDataRole.DisplayRole, ID_ROLE, SORT_ROLE, CLOCK_ROLE,
                   Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
                   Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole,
                   Qt.ItemDataRole.TextAlignmentRole})
"""The roles the table answers (any other gives None)."""


class IncidentCells:
    """The cells of one incident's row (see the module docstring)."""

    def __init__(self, console: ConsoleModel) -> None:
        self.console = console
        self._bold = QFont()
        self._bold.setBold(True)

    def data(self, inc: Incident, col: Column, role: int, flashing: bool = False) -> Any:
        """What the cell (``inc``, ``col``) gives for ``role`` (one of :data:`ROLES`);
        ``flashing``: the row's blink is on."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(inc, col)
        if role == ID_ROLE:
            return inc.id
        if role == SORT_ROLE:
            return self.sort_value(inc, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(inc, col)
        if role == Qt.ItemDataRole.BackgroundRole:
            if flashing:
                return theme.tint(theme.ERROR, 110)
            if col == Column.COUNTDOWN:
                state = self.clock(inc)
                if state in (ClockState.NEAR_DUE, ClockState.OVERDUE):
                    return theme.tint(theme.CLOCK_COLOURS[state], 45)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(inc, col)
        if role == Qt.ItemDataRole.FontRole:
            if col == Column.ID and inc.priority == Priority.URGENT.value and inc.is_open:
                return self._bold
            if col == Column.COUNTDOWN and self.clock(inc) == ClockState.OVERDUE:
                return self._bold
            return None
        if role == CLOCK_ROLE and col == Column.COUNTDOWN:
            state = self.clock(inc)
            return None if state is None else state.value
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (Column.COUNTDOWN,
                                                                 Column.SUPERVISED,
                                                                 Column.URGES):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def clock(self, inc: Incident) -> ClockState | None:
        return self.clock_state(inc, running_clock(inc)) if inc.is_open else None

    def clock_state(self, inc: Incident, clock: Clock | None) -> ClockState | None:
        """The state of the incident's running clock ``clock`` now."""
        if not inc.is_open:
            return None
        now = self.console.now()
        if is_overdue(inc, now):
            return ClockState.OVERDUE
        if clock is None:
            return None
        return clock.state(now, self.console.catalogue.limits.near_due_fraction)

    def lead(self, inc: Incident) -> tuple[str, bool]:
        """The lead department, and whether it is only the class's default so far."""
        if inc.lead_department:
            return inc.lead_department, False
        try:
            return self.console.catalogue.lead_department_of(inc.class_code), True
        except KeyError:
            return "", True

    def display(self, inc: Incident, col: Column) -> str:
        c = self.console
        if col == Column.ID:
            return inc.id
        if col == Column.STATUS:
            progress = self.progress(inc)
            status = labels.incident_status(inc.status)
            return f"{status} · {progress}" if progress else status
        if col == Column.PRIORITY:
            return labels.priority(inc.priority)
        if col == Column.COUNTDOWN:
            if inc.status == IncidentStatus.PARKED:
                return labels.incident_status(inc.status)
            clock = running_clock(inc) if inc.is_open else None
            return "" if clock is None else labels.countdown(clock.remaining(c.now()))
        if col == Column.SOURCE:
            return labels.source(inc.source)
        if col == Column.CLASS:
            return c.class_name(inc.class_code)
        if col == Column.GRID:
            return labels.grid_label(c.city, inc.grid)
        if col == Column.LEAD:
            lead, _default = self.lead(inc)
            return c.department_name(lead) if lead else ""
        if col == Column.UNITS:
            if not inc.units:
                return ""
            names = ", ".join(c.unit_name(u) for u in inc.units[:3])
            more = "…" if len(inc.units) > 3 else ""
            return f"{len(inc.units)} · {names}{more}"
        if col == Column.LEVEL:
            return labels.level(inc.level)
        if col == Column.SUPERVISED:
            return QCoreApplication.translate("IncidentTableModel", "Supervised") \
                if inc.supervised else ""
        if col == Column.REPORTED:
            return labels.clock_time(inc.reported_at, c.tz, c.now())
        if col == Column.DUE:
            clock = running_clock(inc) if inc.is_open else None
            return "" if clock is None else labels.clock_time(clock.due, c.tz, c.now())
        if col == Column.URGES:
            return QCoreApplication.translate("IncidentTableModel", "Urged ×%1").replace(
                "%1", str(inc.urges)) if inc.urges else ""
        if col == Column.CALLBACK:
            return self.callback_text(inc)
        if col == Column.WHISTLE:
            return whistle_view.queue_summary(inc, c.now())[0]
        return ""

    def callback_text(self, inc: Incident) -> str:
        """The call-back cell: its result once made, else when it is due (待回访)."""
        if inc.callback_result:
            return labels.callback_result(inc.callback_result)
        if not awaiting_callback(inc) or inc.callback_due is None:
            return ""
        c = self.console
        if c.now() >= inc.callback_due:
            return QCoreApplication.translate("IncidentTableModel", "Call-back overdue")
        return QCoreApplication.translate("IncidentTableModel", "Call back by %1").replace(
            "%1", labels.clock_time(inc.callback_due, c.tz, c.now()))

    def progress(self, inc: Incident) -> str:
        """A joint incident's departments while they work on it: ``1/4 acknowledged`` until
        every one has signed, then ``2/4 responded`` (responded or released); "" otherwise."""
        tasks = joint.tasks_of(inc)
        if len(tasks) < 2 or inc.status not in WORKING_STATUSES:
            return ""
        acked, done, n = joint.progress(tasks)
        text = QCoreApplication.translate("IncidentTableModel", "%1/%2 acknowledged") \
            if acked < n else QCoreApplication.translate("IncidentTableModel", "%1/%2 responded")
        return text.replace("%1", str(acked if acked < n else done)).replace("%2", str(n))

    def departments_tip(self, inc: Incident) -> str:
        """One line per department of the incident: its name, role and state."""
        c = self.console
        return "\n".join(
            f"{c.department_name(t.department)} · {labels.task_role(t.role)} · "
            f"{labels.task_state(t.state)}" for t in joint.tasks_of(inc))

    def sort_value(self, inc: Incident, col: int) -> Any:
        """The raw value ``inc`` sorts by in column ``col`` (its ``SORT_ROLE``)."""
        if col == Column.ID:
            return inc.id
        if col == Column.STATUS:
            return _STATUS_RANK.get(inc.status, 99)
        if col == Column.PRIORITY:
            return _PRIORITY_RANK.get(inc.priority, 99)
        if col in (Column.COUNTDOWN, Column.DUE):
            return clock_dues(inc)[0]  # inf: no clock runs
        if col == Column.UNITS:
            return len(inc.units)
        if col == Column.LEVEL:
            return int(inc.level)
        if col == Column.SUPERVISED:
            return int(inc.supervised)
        if col == Column.REPORTED:
            return inc.reported_at
        if col == Column.URGES:
            return inc.urges
        if col == Column.CALLBACK:
            return inc.callback_due if awaiting_callback(inc) and inc.callback_due is not None \
                else float("inf")
        if col == Column.GRID:
            return inc.grid
        if col == Column.WHISTLE:
            return whistle_view.queue_sort_key(inc, self.console.now())
        return self.display(inc, Column(col))

    def foreground(self, inc: Incident, col: Column) -> Any:
        if col == Column.STATUS:
            return theme.colour(theme.INCIDENT_STATUS_COLOURS[inc.status])
        if col == Column.PRIORITY:
            return theme.colour(theme.PRIORITY_COLOURS.get(inc.priority, theme.MUTED))
        if col == Column.COUNTDOWN:
            state = self.clock(inc)
            return None if state is None else theme.colour(theme.CLOCK_COLOURS[state])
        if col == Column.LEAD and self.lead(inc)[1]:
            return theme.colour(theme.MUTED)
        if col == Column.SUPERVISED and inc.supervised:
            return theme.colour(theme.ERROR)
        if col == Column.URGES and inc.urges:
            return theme.colour(theme.ERROR if inc.urges >= 2 else theme.WARNING)
        if col == Column.CALLBACK and awaiting_callback(inc):
            overdue = inc.callback_due is not None and self.console.now() >= inc.callback_due
            return theme.colour(theme.ERROR if overdue else theme.WARNING)
        if col == Column.CALLBACK and inc.callback_result == "unsatisfied":
            return theme.colour(theme.ERROR)
        if col == Column.WHISTLE and inc.summoned:
            return theme.colour(whistle_view.queue_summary(inc, self.console.now())[1])
        if not inc.is_open:
            return theme.colour(theme.MUTED)
        return None

    def tooltip(self, inc: Incident, col: Column) -> str | None:
        c = self.console
        if col in (Column.COUNTDOWN, Column.DUE):
            clock = running_clock(inc) if inc.is_open else None
            if clock is None:
                return None
            text = QCoreApplication.translate("IncidentTableModel", "%1 due %2").replace(
                "%1", labels.stage(clock.stage)).replace("%2", labels.full_time(clock.due, c.tz))
            if (inc.handle_due is not None and clock.stage != "handle"
                    and inc.status in (IncidentStatus.DISPATCHED,)):
                text += "\n" + QCoreApplication.translate(
                    "IncidentTableModel", "Handling due %1").replace(
                    "%1", labels.full_time(inc.handle_due, c.tz))
            return text
        if col == Column.CLASS:
            return labels.class_path(c.catalogue, inc.class_code, c.language)
        if col == Column.UNITS and inc.units:
            return "\n".join(f"{c.unit_name(u)} ({u})" for u in inc.units)
        if col == Column.LEAD:
            lead, default = self.lead(inc)
            names = [c.department_name(d) for d in inc.assist_departments]
            parts = []
            if default and lead:
                parts.append(QCoreApplication.translate(
                    "IncidentTableModel", "Default for the class; not dispatched yet"))
            if names:
                parts.append(QCoreApplication.translate(
                    "IncidentTableModel", "Assisting: %1").replace("%1", ", ".join(names)))
            return "\n".join(parts) or None
        if col == Column.REPORTED:
            return labels.full_time(inc.reported_at, c.tz)
        if col == Column.WHISTLE and inc.summoned:
            now = c.now()
            return "\n".join(x for x in [whistle_view.heading_text(inc, c)] + [
                f"{c.department_name(s.department)} · {whistle_view.clock_text(s, now)}"
                for s in inc.summoned] if x)
        if col == Column.STATUS and len(joint.tasks_of(inc)) > 1:
            return "\n".join(x for x in (inc.description, self.departments_tip(inc)) if x)
        if col in (Column.ID, Column.STATUS):
            return inc.description or None
        return None

    def countdown_key(self, inc: Incident, now: float
                      ) -> tuple[str, ClockState | None, tuple[str, str]]:
        """What the countdown cells show at ``now``: the running clock's text and state, and
        the whistle cell's text and colour (its arrival clock, 吹哨报到)."""
        clock = running_clock(inc)
        text = "" if clock is None else labels.countdown(clock.remaining(now))
        whistle = whistle_view.queue_summary(inc, now) if inc.summoned else ("", "")
        return text, self.clock_state(inc, clock), whistle
