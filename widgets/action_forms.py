"""The small forms of the detail panel: what an action needs before it becomes a command.

Each form reads the incident from the console's mirror and turns its inputs into one command
(:meth:`ActionForm.build`), raising :class:`FormError` for input it can already tell is
incomplete. Whether the command is allowed is the server's to say; its answer is shown by the
detail panel next to the form.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Priority
from dispatch.domain.commands import Command
from dispatch.domain.state import Incident
from dispatch.domain.status import CloseReason
from widgets import labels, theme
from widgets.class_picker import ClassPicker
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class FormError(ValueError):
    """Input the form can tell is incomplete; ``message`` is shown next to the form."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ActionForm(QWidget):
    """Base of the action forms."""

    sig_submit = Signal()
    """The operator pressed Enter in a field: submit the form."""

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.incident_id = incident_id
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setSpacing(4)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.focus_widget: QWidget | None = None

    @property
    def incident(self) -> Incident:
        inc = self.console.incident(self.incident_id)
        if inc is None:
            raise FormError(translate("ActionForm", "The incident is no longer in the mirror"))
        return inc

    def line(self, label: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.returnPressed.connect(self.sig_submit.emit)
        self.form.addRow(label, edit)
        if self.focus_widget is None:
            self.focus_widget = edit
        return edit

    def build(self) -> Command:
        raise NotImplementedError


def _required(edit: QLineEdit, what: str) -> str:
    text = edit.text().strip()
    if not text:
        edit.setFocus()
        raise FormError(translate("ActionForm", "%1 is required").replace("%1", what))
    return text


class TextForm(ActionForm):
    """One line of text (reason, result, note) → a command."""

    def __init__(self, console: ConsoleModel, incident_id: str, label: str,
                 make: Callable[[str, str], Command], *, required: bool = True,
                 placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.label = label
        self.make = make
        self.required = required
        self.text = self.line(label, placeholder)

    def build(self) -> Command:
        text = _required(self.text, self.label) if self.required else self.text.text().strip()
        return self.make(self.incident_id, text)


class DecideExtensionForm(TextForm):
    def __init__(self, console: ConsoleModel, incident_id: str, approved: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, translate("ActionForm", "Note"),
                         lambda i, t: cmd.DecideExtension(i, approved, t), required=False,
                         placeholder=translate("ActionForm", "optional"), parent=parent)
        minutes = self.incident.extension_minutes
        self.form.insertRow(0, translate("ActionForm", "Requested"),
                            QLabel(labels.duration(minutes * 60.0)))


class RegisterForm(ActionForm):
    """Register as reported, or with another class / priority."""

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        inc = self.incident
        self.picker = ClassPicker(console.catalogue, console.language)
        self.picker.setMinimumHeight(170)
        self.picker.set_code(inc.class_code)
        self.form.addRow(translate("ActionForm", "Class"), self.picker)
        self.priority = QComboBox()
        self.priority.addItem(translate("ActionForm", "As the class says"), "")
        for p in Priority:
            self.priority.addItem(labels.priority(p.value), p.value)
        self.form.addRow(translate("ActionForm", "Priority"), self.priority)
        self.focus_widget = self.picker.search

    def build(self) -> Command:
        inc = self.incident
        code = self.picker.code
        if not code:
            raise FormError(translate("ActionForm", "Pick an event class"))
        priority = str(self.priority.currentData() or "")
        return cmd.RegisterIncident(inc.id, "" if code == inc.class_code else code, priority)


class AssignForm(ActionForm):
    """Ranked recommendations; tick units (several departments for a joint dispatch)."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("ActionForm", "Unit"),
        QT_TRANSLATE_NOOP("ActionForm", "Department"),
        QT_TRANSLATE_NOOP("ActionForm", "Status"),
        QT_TRANSLATE_NOOP("ActionForm", "Distance"),
        QT_TRANSLATE_NOOP("ActionForm", "Capable"),
    )

    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        inc = self.incident
        self.reinforce = bool(inc.lead_department)
        self.lead = QComboBox()
        default_lead = inc.lead_department or console.catalogue.lead_department_of(
            inc.class_code)
        for code in sorted(console.catalogue.departments):
            self.lead.addItem(console.department_name(code), code)
        self.lead.setCurrentIndex(max(0, self.lead.findData(default_lead)))
        self.lead.setEnabled(not self.reinforce)
        if self.reinforce:
            self.lead.setToolTip(
                translate("ActionForm", "Return the incident to change its lead department"))
        self.form.addRow(translate("ActionForm", "Lead"), self.lead)
        self.all_departments = QCheckBox(translate("ActionForm", "Show units of every department"))
        self.all_departments.toggled.connect(self.refresh)
        self.form.addRow("", self.all_departments)
        self.units = QTreeWidget()
        self.units.setRootIsDecorated(False)
        self.units.setUniformRowHeights(True)
        self.units.setAlternatingRowColors(True)
        self.units.setHeaderLabels([QCoreApplication.translate("ActionForm", str(c))
                                    for c in self.COLUMNS])
        self.units.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.units.setMinimumHeight(180)
        header = self.units.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 130)
        self.units.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.units.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.units.itemChanged.connect(lambda *_: self._update_assist())
        self.units.itemActivated.connect(self._toggle)
        self.form.addRow(self.units)
        self.assist = QLabel()
        self.assist.setWordWrap(True)
        self.assist.setStyleSheet(f"color: {theme.MUTED};")
        self.form.addRow(translate("ActionForm", "Joint"), self.assist)
        self.lead.currentIndexChanged.connect(lambda _i: self._update_assist())
        self.focus_widget = self.units
        self.refresh()

    def _toggle(self, item: QTreeWidgetItem, _column: int) -> None:
        checked = item.checkState(0) == Qt.CheckState.Checked
        item.setCheckState(0, Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def refresh(self) -> None:
        """Refill the recommendations (keeps the ticks of units still listed)."""
        c = self.console
        ticked = set(self.checked_units())
        depts = list(c.catalogue.departments) if self.all_departments.isChecked() else None
        self.units.blockSignals(True)
        self.units.clear()
        for r in c.recommend(self.incident_id, departments=depts, limit=40):
            item = QTreeWidgetItem([
                r.name, c.department_name(r.department), labels.unit_status(r.status),
                labels.distance(r.distance_m), "✓" if r.capable else ""])
            item.setToolTip(0, f"{r.name} ({r.unit_id}) · {c.unit_type_name(r.unit_type)}")
            item.setToolTip(1, c.department_name(r.department))
            item.setData(0, Qt.ItemDataRole.UserRole, r.unit_id)
            item.setData(1, Qt.ItemDataRole.UserRole, r.department)
            item.setCheckState(0, Qt.CheckState.Checked if r.unit_id in ticked
                               else Qt.CheckState.Unchecked)
            item.setForeground(2, theme.colour(theme.UNIT_STATUS_COLOURS[r.status]))
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignCenter)
            self.units.addTopLevelItem(item)
        self.units.blockSignals(False)
        self._update_assist()

    def rows(self) -> list[QTreeWidgetItem]:
        items = (self.units.topLevelItem(i) for i in range(self.units.topLevelItemCount()))
        return [item for item in items if item is not None]

    def checked_units(self) -> list[str]:
        return [str(item.data(0, Qt.ItemDataRole.UserRole)) for item in self.rows()
                if item.checkState(0) == Qt.CheckState.Checked]

    def set_checked(self, unit_ids: set[str]) -> None:
        for item in self.rows():
            uid = str(item.data(0, Qt.ItemDataRole.UserRole))
            item.setCheckState(0, Qt.CheckState.Checked if uid in unit_ids
                               else Qt.CheckState.Unchecked)

    def assist_departments(self) -> tuple[str, ...]:
        lead = str(self.lead.currentData())
        out: list[str] = []
        for item in self.rows():
            dept = str(item.data(1, Qt.ItemDataRole.UserRole))
            if item.checkState(0) == Qt.CheckState.Checked and dept != lead and dept not in out:
                out.append(dept)
        return tuple(out)

    def _update_assist(self) -> None:
        names = [self.console.department_name(d) for d in self.assist_departments()]
        self.assist.setText(", ".join(names) if names
                            else translate("ActionForm", "lead department only"))

    def build(self) -> Command:
        units = tuple(self.checked_units())
        if self.reinforce and not units:
            raise FormError(translate("ActionForm", "Tick at least one unit to send"))
        lead = "" if self.reinforce else str(self.lead.currentData())
        return cmd.AssignUnits(self.incident_id, units, lead, self.assist_departments())


class ReleaseForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.unit = QComboBox()
        for uid in self.incident.units:
            self.unit.addItem(f"{console.unit_name(uid)} ({uid})", uid)
        self.form.addRow(translate("ActionForm", "Unit"), self.unit)
        self.focus_widget = self.unit

    def build(self) -> Command:
        uid = self.unit.currentData()
        if not uid:
            raise FormError(translate("ActionForm", "No unit to release"))
        return cmd.ReleaseUnit(self.incident_id, str(uid))


class VerifyForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.passed = QRadioButton(translate("ActionForm", "Passed"))
        self.failed = QRadioButton(translate("ActionForm", "Failed: send back"))
        self.passed.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.passed)
        group.addButton(self.failed)
        row = QHBoxLayout()
        row.addWidget(self.passed)
        row.addWidget(self.failed)
        row.addStretch(1)
        self.form.addRow(translate("ActionForm", "On site"), row)
        self.note = self.line(translate("ActionForm", "Note"),
                              translate("ActionForm", "required when failed"))
        self.focus_widget = self.passed

    def build(self) -> Command:
        passed = self.passed.isChecked()
        note = self.note.text().strip() if passed else \
            _required(self.note, translate("ActionForm", "Note"))
        return cmd.Verify(self.incident_id, passed, note)


class CloseForm(ActionForm):
    """Close with a reason; for a duplicate, pick the original among likely candidates."""

    def __init__(self, console: ConsoleModel, incident_id: str, reason: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        allowed = console.closable_reasons(incident_id)
        self.reasons = QButtonGroup(self)
        box = QVBoxLayout()
        box.setSpacing(2)
        self.buttons: dict[str, QRadioButton] = {}
        for r in CloseReason:
            b = QRadioButton(labels.close_reason(r.value))
            b.setEnabled(r.value in allowed)
            self.reasons.addButton(b)
            self.buttons[r.value] = b
            box.addWidget(b)
        pick = reason if reason in allowed else (allowed[0] if allowed else "")
        if pick:
            self.buttons[pick].setChecked(True)
        self.form.addRow(translate("ActionForm", "Reason"), box)
        self.candidates = QListWidget()
        self.candidates.setMaximumHeight(110)
        for other in console.duplicate_candidates(incident_id):
            when = labels.clock_time(other.reported_at, console.tz, console.now())
            item = QListWidgetItem(
                f"{other.id} · {labels.incident_status(other.status)} · "
                f"{console.class_name(other.class_code)} · {when} · {other.description}")
            item.setData(Qt.ItemDataRole.UserRole, other.id)
            self.candidates.addItem(item)
        self.candidates.currentItemChanged.connect(self._on_candidate)
        self.original = QLineEdit()
        self.original.setPlaceholderText(
            translate("ActionForm", "original incident id, e.g. E000012"))
        self.original.returnPressed.connect(self.sig_submit.emit)
        self.candidates_label = QLabel(translate("ActionForm", "Original"))
        self.no_candidates = QLabel(
            translate("ActionForm", "No open incident of this class nearby"))
        self.no_candidates.setStyleSheet(f"color: {theme.MUTED};")
        orig = QVBoxLayout()
        orig.setSpacing(2)
        orig.addWidget(self.candidates)
        orig.addWidget(self.no_candidates)
        orig.addWidget(self.original)
        self.form.addRow(self.candidates_label, orig)
        self.note = self.line(translate("ActionForm", "Note"), "")
        self.focus_widget = self.buttons[pick] if pick else self.note
        if self.candidates.count():
            self.candidates.setCurrentRow(0)
        for b in self.buttons.values():
            b.toggled.connect(lambda _on: self._sync())
        self._sync()

    def reason(self) -> str:
        for value, b in self.buttons.items():
            if b.isChecked():
                return value
        return ""

    def _on_candidate(self, item: QListWidgetItem | None, _prev: QListWidgetItem | None) -> None:
        if item is not None:
            self.original.setText(str(item.data(Qt.ItemDataRole.UserRole)))

    def _sync(self) -> None:
        dup = self.reason() == CloseReason.DUPLICATE.value
        for w in (self.candidates, self.original, self.candidates_label):
            w.setVisible(dup)
        self.candidates.setVisible(dup and self.candidates.count() > 0)
        self.no_candidates.setVisible(dup and self.candidates.count() == 0)
        needs_note = self.reason() in (CloseReason.NOT_RESPONSIBLE.value,
                                       CloseReason.UNABLE_TO_FIX.value)
        self.note.setPlaceholderText(translate("ActionForm", "required: say why") if needs_note
                                     else translate("ActionForm", "optional"))

    def build(self) -> Command:
        reason = self.reason()
        if not reason:
            raise FormError(translate("ActionForm", "Pick a closure reason"))
        if reason == CloseReason.DUPLICATE.value:
            from dispatch.domain.cmdline.line import CommandLineError, normalize_incident_id

            text = _required(self.original, translate("ActionForm", "Original incident"))
            try:
                original = normalize_incident_id(text)
            except CommandLineError as exc:
                raise FormError(exc.message) from None
            return cmd.CloseIncident(self.incident_id, reason, self.note.text().strip(),
                                     duplicate_of=original)
        if reason in (CloseReason.NOT_RESPONSIBLE.value, CloseReason.UNABLE_TO_FIX.value):
            note = _required(self.note, translate("ActionForm", "Note"))
            return cmd.CloseIncident(self.incident_id, reason, note)
        return cmd.CloseIncident(self.incident_id, reason, self.note.text().strip())


class EvaluateForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.scores = QButtonGroup(self)
        row = QHBoxLayout()
        row.setSpacing(2)
        for n in range(1, 6):
            b = QRadioButton(str(n))
            self.scores.addButton(b, n)
            row.addWidget(b)
        row.addStretch(1)
        self.form.addRow(translate("ActionForm", "Score (1–5)"), row)
        self.comment = self.line(translate("ActionForm", "Comment"),
                                 translate("ActionForm", "optional"))
        self.focus_widget = self.scores.button(5)

    def build(self) -> Command:
        score = self.scores.checkedId()
        if score < 1:
            raise FormError(translate("ActionForm", "Pick a score from 1 to 5"))
        return cmd.Evaluate(self.incident_id, score, self.comment.text().strip())


class ExtensionForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        self.minutes = QSpinBox()
        self.minutes.setRange(15, 30 * 24 * 60)
        self.minutes.setSingleStep(30)
        self.minutes.setValue(240)
        self.minutes.setSuffix(" " + translate("ActionForm", "min"))
        self.form.addRow(translate("ActionForm", "Extend by"), self.minutes)
        self.reason = self.line(translate("ActionForm", "Reason"), "")
        self.focus_widget = self.minutes

    def build(self) -> Command:
        return cmd.RequestExtension(self.incident_id, self.minutes.value(),
                                    _required(self.reason, translate("ActionForm", "Reason")))


class EscalateForm(ActionForm):
    def __init__(self, console: ConsoleModel, incident_id: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        inc = self.incident
        self.next_level = inc.level.next_up
        text = (f"{labels.level(inc.level)} → {labels.level(self.next_level)}"
                if self.next_level is not None
                else translate("ActionForm", "already at city level"))
        self.form.addRow(translate("ActionForm", "Level"), QLabel(text))
        self.reason = self.line(translate("ActionForm", "Reason"), "")
        self.departments = QListWidget()
        self.departments.setFlow(QListView.Flow.LeftToRight)
        self.departments.setWrapping(True)
        self.departments.setResizeMode(QListView.ResizeMode.Adjust)
        self.departments.setMaximumHeight(100)
        self.departments.setUniformItemSizes(True)
        self.departments.setGridSize(QSize(200, 20))
        self.departments.setTextElideMode(Qt.TextElideMode.ElideRight)
        for code in sorted(console.catalogue.departments):
            if code in inc.departments:
                continue
            item = QListWidgetItem(console.department_name(code))
            item.setToolTip(console.department_name(code))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.departments.addItem(item)
        self.form.addRow(translate("ActionForm", "Add departments"), self.departments)

    def added(self) -> tuple[str, ...]:
        out = []
        for i in range(self.departments.count()):
            item = self.departments.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(out)

    def set_added(self, codes: set[str]) -> None:
        for i in range(self.departments.count()):
            item = self.departments.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def build(self) -> Command:
        if self.next_level is None:
            raise FormError(
                translate("ActionForm", "The incident is already handled at city level"))
        return cmd.Escalate(self.incident_id, self.next_level.name.lower(),
                            _required(self.reason, translate("ActionForm", "Reason")), self.added())


# Actions sent at once, without a form.
IMMEDIATE: dict[str, Callable[[str], Command]] = {
    "acknowledge": lambda i: cmd.Acknowledge(i),
    "handle": lambda i: cmd.StartHandling(i),
    "unpark": lambda i: cmd.Unpark(i),
    "unsupervise": lambda i: cmd.Supervise(i, False),
}


def make_form(key: str, console: ConsoleModel, incident_id: str) -> ActionForm:
    """The form of an action that needs input (every key not in :data:`IMMEDIATE`)."""
    reason = translate("ActionForm", "Reason")
    text_forms: dict[str, tuple[str, Callable[[str, str], Command], bool]] = {
        "cancel": (reason, lambda i, t: cmd.CancelIncident(i, t), True),
        "return": (reason, lambda i, t: cmd.ReturnIncident(i, t), True),
        "rework": (reason, lambda i, t: cmd.Rework(i, t), True),
        "park": (reason, lambda i, t: cmd.Park(i, t), True),
        "respond": (translate("ActionForm", "Result"), lambda i, t: cmd.Respond(i, t), True),
        "note": (translate("ActionForm", "Note"), lambda i, t: cmd.AddNote(i, t), True),
        "supervise": (translate("ActionForm", "Note"), lambda i, t: cmd.Supervise(i, True, t),
                      False),
    }
    if key in text_forms:
        label, make, required = text_forms[key]
        return TextForm(console, incident_id, label, make, required=required,
                        placeholder="" if required else translate("ActionForm", "optional"))
    if key == "register":
        return RegisterForm(console, incident_id)
    if key == "assign":
        return AssignForm(console, incident_id)
    if key == "release":
        return ReleaseForm(console, incident_id)
    if key == "verify":
        return VerifyForm(console, incident_id)
    if key in ("close", "close_fixed", "duplicate"):
        initial = {"close_fixed": "fixed", "duplicate": "duplicate"}.get(key, "")
        return CloseForm(console, incident_id, initial)
    if key == "evaluate":
        return EvaluateForm(console, incident_id)
    if key == "request_extension":
        return ExtensionForm(console, incident_id)
    if key in ("approve_extension", "reject_extension"):
        return DecideExtensionForm(console, incident_id, key == "approve_extension")
    if key == "escalate":
        return EscalateForm(console, incident_id)
    raise KeyError(f"no form for action {key!r}")
