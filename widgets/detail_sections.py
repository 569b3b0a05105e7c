"""What the detail panel shows of an incident, section by section: the field grid, the table of
time limits and the notes. Each section fills itself from an incident and the console (the
panel around them holds the header, the actions and their forms)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from dispatch.domain.citizen_loop import awaiting_callback
from dispatch.domain.state import Incident
from dispatch.domain.status import IncidentStatus
from dispatch.domain.timelimits import Clock, ClockState, running_clock
from widgets import labels, theme
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate

FIELDS = {
    "class": QT_TRANSLATE_NOOP("IncidentDetail", "Class"),
    "grid": QT_TRANSLATE_NOOP("IncidentDetail", "Grid"),
    "source": QT_TRANSLATE_NOOP("IncidentDetail", "Source"),
    "reporter": QT_TRANSLATE_NOOP("IncidentDetail", "Reporter"),
    "description": QT_TRANSLATE_NOOP("IncidentDetail", "Description"),
    "lead": QT_TRANSLATE_NOOP("IncidentDetail", "Lead department"),
    "assist": QT_TRANSLATE_NOOP("IncidentDetail", "Assisting"),
    "units": QT_TRANSLATE_NOOP("IncidentDetail", "Units"),
    "extension": QT_TRANSLATE_NOOP("IncidentDetail", "Extension"),
    "closure": QT_TRANSLATE_NOOP("IncidentDetail", "Closure"),
    "links": QT_TRANSLATE_NOOP("IncidentDetail", "Duplicates"),
    "evaluation": QT_TRANSLATE_NOOP("IncidentDetail", "Evaluation"),
    "citizen": QT_TRANSLATE_NOOP("IncidentDetail", "Citizen's loop"),
    "history": QT_TRANSLATE_NOOP("IncidentDetail", "History"),
}
"""The field grid's rows: key → name (in the panel's translation context)."""
_CLOCK_HEADERS = (QT_TRANSLATE_NOOP("IncidentDetail", "Stage"),
                  QT_TRANSLATE_NOOP("IncidentDetail", "Started"),
                  QT_TRANSLATE_NOOP("IncidentDetail", "Due"),
                  QT_TRANSLATE_NOOP("IncidentDetail", "State"))
_NOTE_HEADERS = (QT_TRANSLATE_NOOP("IncidentDetail", "Time"),
                 QT_TRANSLATE_NOOP("IncidentDetail", "Operator"),
                 QT_TRANSLATE_NOOP("IncidentDetail", "Note"))
_CLOCK_STATES = {
    ClockState.OK: QT_TRANSLATE_NOOP("IncidentDetail", "running"),
    ClockState.NEAR_DUE: QT_TRANSLATE_NOOP("IncidentDetail", "near due"),
    ClockState.OVERDUE: QT_TRANSLATE_NOOP("IncidentDetail", "overdue"),
}


def _t(text: object) -> str:
    """Translate a string marked with QT_TRANSLATE_NOOP in the panel's context."""
    return translate("IncidentDetail", str(text))


def section(text: str) -> QLabel:
    """A section's heading."""
    label = QLabel(text.upper())
    label.setStyleSheet(f"color: {theme.MUTED}; font-weight: 600; "
                        "border-bottom: 1px solid palette(mid); padding-top: 4px;")
    return label


class FieldGrid(QGridLayout):
    """Every field of the incident, one row each (name, value); the optional ones (extension,
    closure, duplicates, evaluation, history) show only when they say something."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, QLabel] = {}
        self.field_names: dict[str, QLabel] = {}
        self.setHorizontalSpacing(10)
        self.setVerticalSpacing(3)
        self.setColumnStretch(1, 1)
        for row, (key, text) in enumerate(FIELDS.items()):
            name = QLabel(_t(text))
            name.setStyleSheet(f"color: {theme.MUTED};")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self.addWidget(name, row, 0)
            self.addWidget(value, row, 1)
            self.fields[key] = value
            self.field_names[key] = name

    def show_incident(self, inc: Incident, c: ConsoleModel) -> None:
        """Fill every field from ``inc``."""
        f = self.fields
        f["class"].setText(f"{labels.class_path(c.catalogue, inc.class_code, c.language)} "
                           f"({inc.class_code})")
        f["grid"].setText(labels.grid_label(c.city, inc.grid)
                          + f"  ·  {inc.lat:.5f}N {inc.lon:.5f}E")
        src = labels.source(inc.source)
        if inc.external_ref:
            src += f" · {inc.external_ref}"
        if inc.part_id:
            src += " · " + translate("IncidentDetail", "part %1").replace("%1", inc.part_id)
        f["source"].setText(src)
        f["reporter"].setText(inc.reporter or "—")
        f["description"].setText(inc.description)
        if inc.lead_department:
            f["lead"].setText(c.department_name(inc.lead_department))
        else:
            default = c.department_name(c.catalogue.lead_department_of(inc.class_code))
            f["lead"].setText(translate("IncidentDetail", "%1 (class default, not dispatched yet)")
                              .replace("%1", default))
        f["assist"].setText(", ".join(c.department_name(d) for d in inc.assist_departments)
                            or "—")
        units = []
        for uid in inc.units:
            u = c.unit(uid)
            status = labels.unit_status(u.status) if u is not None else "?"
            units.append(f"{c.unit_name(uid)} ({uid}, {status})")
        f["units"].setText("\n".join(units) or "—")
        ext = []
        if inc.extension_minutes:
            ext.append(translate("IncidentDetail", "requested: %1, waiting for a decision").replace(
                "%1", labels.duration(inc.extension_minutes * 60.0)))
        if inc.extensions_granted:
            ext.append(translate("IncidentDetail", "%1 granted")
                       .replace("%1", str(inc.extensions_granted)))
        self.set_optional("extension", "; ".join(ext))
        closure = ""
        if inc.close_reason:
            closure = labels.close_reason(inc.close_reason)
            if inc.duplicate_of:
                closure += " " + translate("IncidentDetail", "of %1") \
                    .replace("%1", inc.duplicate_of)
            closure += f" · {labels.full_time(inc.closed_at, c.tz)}"
        self.set_optional("closure", closure)
        self.set_optional("links", ", ".join(inc.duplicates))
        self.set_optional("evaluation", "" if inc.evaluation is None else
                          "★" * inc.evaluation + "☆" * (5 - inc.evaluation))
        self.set_optional("citizen", citizen_loop_text(inc, c))
        history = []
        if inc.rework_count:
            history.append(translate("IncidentDetail", "reworked %1×")
                           .replace("%1", str(inc.rework_count)))
        if inc.returns:
            history.append(translate("IncidentDetail", "returned %1×")
                           .replace("%1", str(inc.returns)))
        if inc.escalations:
            history.append(translate("IncidentDetail", "escalated %1×")
                           .replace("%1", str(inc.escalations)))
        self.set_optional("history", " · ".join(history))

    def set_optional(self, key: str, text: str) -> None:
        """An optional field: shown with ``text``, hidden when it is empty."""
        self.fields[key].setText(text)
        self.fields[key].setVisible(bool(text))
        self.field_names[key].setVisible(bool(text))


def citizen_loop_text(inc: Incident, c: ConsoleModel) -> str:
    """The 12345 loop of a citizen's case: urges (催办), the call-back (回访) due or made and
    its result, reopenings (重办); empty when there is nothing to say."""
    now, parts = c.now(), []
    if inc.urges:
        parts.append(translate("IncidentDetail", "urged %1×, last %2")
                     .replace("%1", str(inc.urges))
                     .replace("%2", labels.clock_time(inc.last_urged_at, c.tz, now)))
    if inc.callback_result:
        parts.append(translate("IncidentDetail", "called back %1: %2")
                     .replace("%1", labels.clock_time(inc.called_back_at, c.tz, now))
                     .replace("%2", labels.callback_result(inc.callback_result)))
    elif awaiting_callback(inc) and inc.callback_due is not None:
        due = labels.clock_time(inc.callback_due, c.tz, now)
        parts.append(translate("IncidentDetail", "call-back overdue since %1").replace("%1", due)
                     if now >= inc.callback_due else
                     translate("IncidentDetail", "call back by %1").replace("%1", due))
    if inc.reopen_count:
        parts.append(translate("IncidentDetail", "reopened %1× after call-back")
                     .replace("%1", str(inc.reopen_count)))
    return " · ".join(parts)


class ClockTable(QTreeWidget):
    """The incident's time limits: per stage, when it started, when it is due, and how it
    stands (done on time or late, paused, running, near due, overdue)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRootIsDecorated(False)
        self.setHeaderLabels([_t(h) for h in _CLOCK_HEADERS])
        self.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setUniformRowHeights(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def show_clocks(self, inc: Incident, c: ConsoleModel) -> None:
        """Fill the table from ``inc`` and fit its height to the rows."""
        now = c.now()
        rows = [
            ("dispatch", inc.reported_at, inc.dispatch_due, inc.dispatched_at),
            ("acknowledge", inc.dispatched_at, inc.ack_due, inc.acknowledged_at),
            ("handle", inc.dispatched_at, inc.handle_due, inc.responded_at),
            ("verify", inc.responded_at, inc.verify_due, inc.verified_at),
        ]
        running = running_clock(inc) if inc.is_open else None
        self.clear()
        for stage, started, due, done in rows:
            if due is None and started is None:
                continue
            if done is not None and due is not None:
                state = translate("IncidentDetail", "done on time") if done <= due else \
                    translate("IncidentDetail", "done late")
                colour = theme.SUCCESS if done <= due else theme.ERROR
            elif inc.status == IncidentStatus.PARKED and due is not None:
                state, colour = translate("IncidentDetail", "paused"), theme.MUTED
            elif inc.is_open and started is not None and due is not None and (
                    stage == "handle" or (running is not None and running.stage == stage)):
                # The handling limit counts from dispatch, whichever clock runs in front of it.
                cs = Clock(stage, started, due).state(now, c.catalogue.limits.near_due_fraction)
                state = _t(_CLOCK_STATES[cs])
                colour = theme.CLOCK_COLOURS[cs]
            else:
                state, colour = "", theme.MUTED
            item = QTreeWidgetItem([labels.stage(stage), labels.clock_time(started, c.tz, now),
                                    labels.clock_time(due, c.tz, now), state])
            item.setForeground(3, theme.colour(colour))
            item.setToolTip(2, labels.full_time(due, c.tz))
            self.addTopLevelItem(item)
        n = self.topLevelItemCount()
        row_h = self.sizeHintForRow(0) if n else 20
        self.setFixedHeight(self.header().sizeHint().height() + n * row_h + 4)


class NoteList(QTreeWidget):
    """The incident's notes, oldest first (scrolled to the newest)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRootIsDecorated(False)
        self.setHeaderLabels([_t(h) for h in _NOTE_HEADERS])
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)
        self.setMinimumHeight(120)

    def show_notes(self, inc: Incident, c: ConsoleModel) -> None:
        """Fill the list from ``inc``."""
        self.clear()
        for note in inc.notes:
            item = QTreeWidgetItem([labels.clock_time(note.ts, c.tz, c.now()), note.operator,
                                    note.text])
            item.setToolTip(0, labels.full_time(note.ts, c.tz))
            item.setToolTip(2, note.text)
            self.addTopLevelItem(item)
        if inc.notes:
            self.scrollToBottom()
