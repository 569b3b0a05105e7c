"""The detail panel's departments of a joint incident (联动): one row per department with its
role, where it stands (dispatched, acknowledged, handling, responded, released) and its own
clock (the stage running for it, when it is due and how it stands)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from dispatch.domain import joint
from dispatch.domain.state import DepartmentTask, Incident
from dispatch.domain.status import WORKING_STATUSES, TaskState
from dispatch.domain.timelimits import Clock, ClockState
from widgets import labels, theme
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate

_HEADERS = (QT_TRANSLATE_NOOP("IncidentDetail", "Department"),
            QT_TRANSLATE_NOOP("IncidentDetail", "Role"),
            QT_TRANSLATE_NOOP("IncidentDetail", "State"),
            QT_TRANSLATE_NOOP("IncidentDetail", "Clock"))
_CLOCK_STATES = {
    ClockState.OK: QT_TRANSLATE_NOOP("IncidentDetail", "running"),
    ClockState.NEAR_DUE: QT_TRANSLATE_NOOP("IncidentDetail", "near due"),
    ClockState.OVERDUE: QT_TRANSLATE_NOOP("IncidentDetail", "overdue"),
}
_STATE_COLOURS = {TaskState.DISPATCHED: theme.MUTED, TaskState.ACKNOWLEDGED: "#0e7490",
                  TaskState.HANDLING: "#6d28d9", TaskState.RESPONDED: theme.SUCCESS,
                  TaskState.RELEASED: theme.MUTED}
DEPARTMENT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The department code of a row."""


class DepartmentTable(QTreeWidget):
    """Each department of the incident (lead first) with its state and clock."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRootIsDecorated(False)
        self.setHeaderLabels([translate("IncidentDetail", str(h)) for h in _HEADERS])
        self.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setUniformRowHeights(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def show_departments(self, inc: Incident, c: ConsoleModel) -> int:
        """Fill the table from ``inc``; the number of departments (0: nothing to show)."""
        tasks = joint.tasks_of(inc)
        self.clear()
        for t in tasks:
            text, colour, tip = self.clock_text(inc, t, c)
            item = QTreeWidgetItem([c.department_name(t.department), labels.task_role(t.role),
                                    labels.task_state(t.state), text])
            item.setData(0, DEPARTMENT_ROLE, t.department)
            item.setForeground(2, theme.colour(_STATE_COLOURS[t.state]))
            item.setForeground(3, theme.colour(colour))
            item.setToolTip(3, tip)
            self.addTopLevelItem(item)
        n = self.topLevelItemCount()
        row_h = self.sizeHintForRow(0) if n else 20
        self.setFixedHeight(self.header().sizeHint().height() + n * row_h + 4)
        return n

    @staticmethod
    def clock_text(inc: Incident, t: DepartmentTask, c: ConsoleModel) -> tuple[str, str, str]:
        """(text, colour, tool tip) of a department's clock: when it finished, or the stage
        running for it with its due time and state."""
        now = c.now()
        if t.is_done:
            at = t.responded_at if t.state == TaskState.RESPONDED else t.released_at
            done = labels.clock_time(at, c.tz, now) if at is not None else ""
            late = t.handle_due is not None and at is not None and at > t.handle_due
            return (done, theme.ERROR if late else theme.SUCCESS,
                    labels.full_time(at, c.tz) if at is not None else "")
        running = joint.task_clock(t)
        if running is None or not inc.is_open:
            return "", theme.MUTED, ""
        stage, started, due = running
        if inc.status not in WORKING_STATUSES:
            state_text, colour = labels.incident_status(inc.status), theme.MUTED
        else:
            cs = Clock(stage, started, due).state(now, c.catalogue.limits.near_due_fraction)
            state_text = translate("IncidentDetail", str(_CLOCK_STATES[cs]))
            colour = theme.CLOCK_COLOURS[cs]
        text = translate("IncidentDetail", "%1 due %2").replace("%1", labels.stage(stage)) \
            .replace("%2", labels.clock_time(due, c.tz, now))
        return f"{text} · {state_text}", colour, labels.full_time(due, c.tz)
