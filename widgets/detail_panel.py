"""Incident details: every field, the clocks, the notes timeline, and the actions the operator
may take now, each with its small form and the server's answer shown next to it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain.commands import Command
from dispatch.domain.state import Incident
from dispatch.domain.status import IncidentStatus
from dispatch.domain.timelimits import ClockState, is_overdue, running_clock
from widgets import labels, theme
from widgets.action_forms import IMMEDIATE, make_form, sent_at_once
from widgets.action_forms.base import ActionForm, FormError
from widgets.actions import ACTIONS, WINDOW_SHORTCUTS, ConsoleActions, action_text
from widgets.console_model import ConsoleModel
from widgets.detail_departments import DepartmentTable
from widgets.detail_photos import PhotoSection
from widgets.detail_place import PlaceNotes
from widgets.detail_sections import ClockTable, FieldGrid, NoteList, section
from widgets.flow_layout import FlowLayout
from widgets.whistle_view import SummonsTable, heading_text

translate = QCoreApplication.translate


class IncidentDetail(QWidget):
    """Details and actions of the selected incident."""

    sig_action_sent = Signal(str, str, str)
    """(action key, incident id, context) — a command left for the server."""

    sig_print_summary = Signal(str)
    """The operator asked for the printable summary of this incident."""

    def _on_incident_selected(self, iid: str, _origin: object = None) -> None:
        """A bound slot (not a lambda): Qt drops the connection when this object goes."""
        self.show_incident(iid)

    def _on_reset(self) -> None:
        """A bound slot (not a lambda): Qt drops the connection when this object goes."""
        self.show_incident(self.console.selected_incident)

    def __init__(self, console: ConsoleModel, actions: ConsoleActions | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.console_actions = actions
        self.incident_id = ""
        self.form: ActionForm | None = None
        self.form_key = ""
        self.form_context = ""
        self._pending: dict[str, tuple[str, str]] = {}  # context → (action key, incident id)
        self._build()
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(1000)
        self._clock_timer.timeout.connect(self._update_clock)
        self._clock_timer.start()
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.timeout.connect(lambda: self.action_status.setText(""))
        console.sig_incident_selected.connect(self._on_incident_selected)
        console.sig_incidents_changed.connect(self._on_changed)
        console.sig_reset.connect(self._on_reset)
        console.sig_command_finished.connect(self._on_finished)
        if actions is not None:
            actions.sig_triggered.connect(self._on_triggered)
        self.show_incident(console.selected_incident)

    # ---------------------------------------------------------------------------- layout

    def _build(self) -> None:
        self.placeholder = QLabel(
            translate("IncidentDetail", "Select an incident in the queue or on the map"))
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet(f"color: {theme.MUTED}; padding: 24px;")

        # header
        self.id_label = QLabel()
        font = self.id_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.id_label.setFont(font)
        self.id_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_chip = QLabel()
        self.priority_chip = QLabel()
        self.supervised_chip = QLabel(translate("IncidentDetail", "Supervised"))
        self.supervised_chip.setStyleSheet(theme.chip_style(theme.ERROR))
        self.level_chip = QLabel()
        self.clock_label = QLabel()
        clock_font = self.clock_label.font()
        clock_font.setPointSizeF(clock_font.pointSizeF() * 1.4)
        clock_font.setBold(True)
        clock_font.setStyleHint(clock_font.StyleHint.Monospace)
        self.clock_label.setFont(clock_font)
        self.clock_stage = QLabel()
        self.clock_stage.setStyleSheet(f"color: {theme.MUTED};")
        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(self.id_label)
        for w in (self.status_chip, self.priority_chip, self.level_chip, self.supervised_chip):
            head.addWidget(w)
        head.addStretch(1)
        self.print_action = QAction(translate("IncidentDetail", "Print summary…"), self)
        self.print_action.setShortcut(QKeySequence(WINDOW_SHORTCUTS["print_summary"]))
        self.print_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.print_action.triggered.connect(
            lambda: self.sig_print_summary.emit(self.incident_id) if self.incident_id else None)
        self.addAction(self.print_action)
        print_button = QToolButton()
        print_button.setDefaultAction(self.print_action)
        head.addWidget(print_button)
        clock_box = QVBoxLayout()
        clock_box.setSpacing(0)
        clock_box.addWidget(self.clock_label, 0, Qt.AlignmentFlag.AlignRight)
        clock_box.addWidget(self.clock_stage, 0, Qt.AlignmentFlag.AlignRight)
        head.addLayout(clock_box)

        # fields, clocks
        self.field_grid = FieldGrid()
        self.fields = self.field_grid.fields
        self.clocks = ClockTable()
        self.departments = DepartmentTable()
        self.departments_heading = section(translate("IncidentDetail", "Departments"))
        self.whistle_heading = section(translate("IncidentDetail", "Whistle (吹哨报到)"))
        self.whistle_line = QLabel()
        self.whistle_line.setWordWrap(True)
        self.summons = SummonsTable()
        self.place_notes = PlaceNotes(self.console)
        self.photos = PhotoSection(self.console)

        # actions
        self.buttons: dict[str, QToolButton] = {}
        bar = QWidget()
        self.button_flow = FlowLayout(bar, spacing=4)
        for spec in ACTIONS:
            if not spec.incident:
                continue
            b = QToolButton()
            b.setText(action_text(spec.key))
            keys = QKeySequence(spec.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            b.setToolTip(f"{action_text(spec.key)} ({keys})")
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            b.clicked.connect(lambda _=False, k=spec.key: self.perform(k))
            b.setHidden(True)
            self.buttons[spec.key] = b
            self.button_flow.addWidget(b)
        self.action_status = QLabel()
        self.action_status.setWordWrap(True)

        # form
        self.form_box = QGroupBox()
        self.form_layout = QVBoxLayout(self.form_box)
        self.form_layout.setContentsMargins(6, 6, 6, 6)
        self.submit = QPushButton(translate("IncidentDetail", "Send"))
        self.submit.setDefault(True)
        self.submit.clicked.connect(self.submit_form)
        self.cancel = QPushButton(translate("IncidentDetail", "Cancel"))
        self.cancel.clicked.connect(self.close_form)
        self.form_result = QLabel()
        self.form_result.setWordWrap(True)
        self.form_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.submit)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.form_result, 1)
        self.form_layout.addLayout(buttons)
        self.form_box.hide()
        # An open form is kept in view, its focus given once it can take it: the form is laid
        # out only when the panel shows (a shortcut may open it behind another dock tab), and
        # grows or moves as the operator fills it or the incident changes.
        self._focus_form = False
        self.form_box.installEventFilter(self)
        # Only while the form has the focus (PySide6 ignores a context= keyword here: it is
        # set after, or Escape would be a window-wide shortcut, taken from every other widget).
        for key, slot in ((QKeySequence(Qt.Key.Key_Escape), self.close_form),
                          (QKeySequence("Ctrl+Return"), self.submit_form)):
            shortcut = QShortcut(key, self.form_box)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        # notes
        self.notes = NoteList()
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(
            translate("IncidentDetail", "Add a note and press Enter…"))
        self.note_edit.returnPressed.connect(self._quick_note)

        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(6)
        lay.addLayout(head)
        lay.addLayout(self.field_grid)
        lay.addWidget(self.place_notes)
        lay.addWidget(section(translate("IncidentDetail", "Time limits")))
        lay.addWidget(self.clocks)
        lay.addWidget(self.departments_heading)
        lay.addWidget(self.departments)
        lay.addWidget(self.whistle_heading)
        lay.addWidget(self.whistle_line)
        lay.addWidget(self.summons)
        lay.addWidget(self.photos)
        lay.addWidget(section(translate("IncidentDetail", "Actions")))
        lay.addWidget(bar)
        lay.addWidget(self.action_status)
        lay.addWidget(self.form_box)
        lay.addWidget(section(translate("IncidentDetail", "Notes")))
        lay.addWidget(self.notes, 1)
        lay.addWidget(self.note_edit)
        self.body = body

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        self.scroll_area = scroll
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.placeholder)
        outer.addWidget(scroll, 1)

    # ------------------------------------------------------------------------ showing

    @property
    def incident(self) -> Incident | None:
        return self.console.incident(self.incident_id) if self.incident_id else None

    def show_incident(self, incident_id: str) -> None:
        """Show ``incident_id`` ("" for none); an open form of another incident is dropped."""
        if incident_id != self.incident_id:
            self.close_form()
            self.action_status.setText("")
        self.incident_id = incident_id
        self.refresh()

    def _on_changed(self, ids: set[str]) -> None:
        if self.incident_id in ids:
            self.refresh()

    def refresh(self) -> None:
        inc = self.incident
        self.placeholder.setVisible(inc is None)
        self.scroll_area.setVisible(inc is not None)
        if inc is None:
            return
        c = self.console
        self.id_label.setText(inc.id)
        self.status_chip.setText(labels.incident_status(inc.status))
        self.status_chip.setStyleSheet(theme.chip_style(theme.INCIDENT_STATUS_COLOURS[inc.status]))
        self.priority_chip.setText(labels.priority(inc.priority))
        self.priority_chip.setStyleSheet(theme.chip_style(
            theme.PRIORITY_COLOURS.get(inc.priority, theme.MUTED)))
        self.level_chip.setText(
            translate("IncidentDetail", "Level: %1").replace("%1", labels.level(inc.level)))
        self.level_chip.setStyleSheet(theme.chip_style("#475569"))
        self.supervised_chip.setVisible(inc.supervised)
        self.field_grid.show_incident(inc, c)
        self.place_notes.show_incident(inc)
        self.clocks.show_clocks(inc, c)
        joint_departments = self.departments.show_departments(inc, c) > 1
        self.departments.setVisible(joint_departments)
        self.departments_heading.setVisible(joint_departments)
        self._update_whistle(inc)
        self.notes.show_notes(inc, c)
        self.photos.show_incident(inc)
        self._update_buttons()
        self._update_clock()

    def _update_buttons(self) -> None:
        available = self.console.available_actions(self.incident_id)
        for key, b in self.buttons.items():
            b.setHidden(key not in available)
        self.note_edit.setVisible("note" in available)
        self.button_flow.invalidate()

    def _update_whistle(self, inc: Incident) -> None:
        whistled = self.summons.show_summons(inc, self.console) > 0
        self.whistle_line.setText(heading_text(inc, self.console))
        self.whistle_heading.setVisible(whistled)
        self.whistle_line.setVisible(whistled)
        self.summons.setVisible(whistled)

    def _update_clock(self) -> None:
        inc = self.incident
        if inc is None or not self.isVisible():
            return
        if inc.summoned:
            self._update_whistle(inc)
        now = self.console.now()
        clock = running_clock(inc) if inc.is_open else None
        if clock is None:
            text = labels.incident_status(inc.status) if inc.status == IncidentStatus.PARKED \
                else ""
            self.clock_label.setText(text)
            self.clock_label.setStyleSheet(f"color: {theme.MUTED};")
            self.clock_stage.setText("")
            return
        state = ClockState.OVERDUE if is_overdue(inc, now) else \
            clock.state(now, self.console.catalogue.limits.near_due_fraction)
        self.clock_label.setText(labels.countdown(clock.remaining(now)))
        self.clock_label.setStyleSheet(f"color: {theme.CLOCK_COLOURS[state]};")
        due = labels.clock_time(clock.due, self.console.tz, now)
        self.clock_stage.setText(translate("IncidentDetail", "%1 due %2")
                                 .replace("%1", labels.stage(clock.stage)).replace("%2", due))

    # ------------------------------------------------------------------------ actions

    def visible_actions(self) -> list[str]:
        """Keys of the action buttons shown now (in table order)."""
        return [k for k, b in self.buttons.items() if not b.isHidden()]

    def _on_triggered(self, key: str, incident_id: str) -> None:
        if key in self.buttons:
            if incident_id and incident_id != self.incident_id:
                self.show_incident(incident_id)
            self.perform(key)

    def perform(self, key: str) -> None:
        """Run an action on the shown incident: send it, or open its form."""
        inc = self.incident
        if inc is None:
            return
        if key not in self.console.available_actions(inc.id):
            self._say(translate("IncidentDetail", "%1 is not possible now")
                      .replace("%1", action_text(key)),
                      theme.ERROR)
            return
        if sent_at_once(key, inc):
            self.close_form()
            self._send(key, IMMEDIATE[key](inc.id))
            return
        self.open_form(key)

    def open_form(self, key: str) -> ActionForm:
        self.close_form()
        form = make_form(key, self.console, self.incident_id)
        form.sig_submit.connect(self.submit_form)
        self.form, self.form_key, self.form_context = form, key, ""
        self.form_box.setTitle(action_text(key))
        self.form_layout.insertWidget(0, form)
        self.form_result.setText("")
        self.submit.setEnabled(True)
        self.submit.setText(action_text(key))
        self.form_box.show()
        self._focus_form = True
        self._reveal_form()
        return form

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.form_box and self.form is not None and event.type() in (
                QEvent.Type.Show, QEvent.Type.Resize, QEvent.Type.Move):
            QTimer.singleShot(0, self._reveal_form)  # once the scroll area has caught up
        return super().eventFilter(watched, event)

    def _reveal_form(self) -> None:
        """Scroll the open form fully into view; focus its first field the first time."""
        form = self.form
        if form is None or not self.form_box.isVisible():
            return
        viewport, content = self.scroll_area.viewport(), self.scroll_area.widget()
        if content is None or self.form_box.height() + 12 <= viewport.height():
            self.scroll_area.ensureWidgetVisible(self.form_box, 0, 6)
        else:  # taller than the panel: its top in view (Tab scrolls on through its fields)
            top = self.form_box.mapTo(content, QPoint(0, 0)).y()
            self.scroll_area.verticalScrollBar().setValue(max(0, top - 6))
        if self._focus_form:
            target = form.focus_widget or form
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            # given (or the window was active and it was offered): later changes leave the
            # focus wherever the operator put it
            self._focus_form = not (target.hasFocus() or self.window().isActiveWindow())

    def close_form(self) -> None:
        if self.form is not None:
            self.form_layout.removeWidget(self.form)
            self.form.deleteLater()
        self.form, self.form_key, self.form_context = None, "", ""
        self.form_box.hide()
        # An open form is kept in view, its focus given once it can take it: the form is laid
        # out only when the panel shows (a shortcut may open it behind another dock tab), and
        # grows or moves as the operator fills it or the incident changes.
        self._focus_form = False
        self.form_box.installEventFilter(self)

    def submit_form(self) -> str:
        """Send the open form's command; returns the request context ("" if not sent)."""
        if self.form is None or self.form_context:
            return ""
        try:
            command = self.form.build()
        except FormError as exc:
            self._form_says(exc.message, theme.ERROR)
            return ""
        self.submit.setEnabled(False)
        self._form_says(translate("IncidentDetail", "Sending…"), theme.PENDING)
        return self._send(self.form_key, command, in_form=True)

    def _quick_note(self) -> None:
        text = self.note_edit.text().strip()
        if not text or self.incident is None:
            return
        from dispatch.domain.commands import AddNote

        self._send("note", AddNote(self.incident_id, text))
        self.note_edit.clear()

    def _send(self, key: str, command: Command, *, in_form: bool = False) -> str:
        """Request ``command``; its answer shows next to the form (``in_form``) or the
        action buttons. Notes carry no expected version (they never conflict)."""
        inc = self.incident
        version = None if key == "note" or inc is None else inc.version
        context = self.console.new_context(f"detail-{key}")
        self._pending[context] = (key, self.incident_id)
        if in_form:
            self.form_context = context  # before the request: the answer may come at once
        else:
            self._say(translate("IncidentDetail", "%1: sending…").replace("%1", action_text(key)),
                      theme.PENDING)
        self.console.request(command, version, context)
        self.sig_action_sent.emit(key, self.incident_id, context)
        return context

    def _on_finished(self, context: str, ok: bool, message: str) -> None:
        entry = self._pending.pop(context, None)
        if entry is None:
            return
        key, incident_id = entry
        prefix = "" if incident_id == self.incident_id else f"{incident_id}: "
        if context == self.form_context and self.form is not None:
            if ok:
                self.close_form()
                self._say(prefix + translate("IncidentDetail", "%1: done")
                          .replace("%1", action_text(key)),
                          theme.SUCCESS)
            else:
                self.form_context = ""
                self.submit.setEnabled(True)
                self._form_says(message or translate("IncidentDetail", "refused"), theme.ERROR)
            return
        if ok:
            self._say(prefix + translate("IncidentDetail", "%1: done")
                      .replace("%1", action_text(key)), theme.SUCCESS)
        else:
            self._say(prefix + f"{action_text(key)}: {message}", theme.ERROR, sticky=True)

    def _say(self, text: str, colour: str, *, sticky: bool = False) -> None:
        self.action_status.setText(text)
        self.action_status.setStyleSheet(f"color: {colour};")
        if sticky or colour == theme.ERROR:
            self._status_timer.stop()
        else:
            self._status_timer.start(6000)

    def _form_says(self, text: str, colour: str) -> None:
        self.form_result.setText(text)
        self.form_result.setStyleSheet(f"color: {colour};")

