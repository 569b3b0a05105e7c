"""Close with a reason; for a duplicate, the original among likely candidates."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain import commands as cmd
from dispatch.domain.commands import Command
from dispatch.domain.status import CloseReason
from widgets import labels, theme
from widgets.action_forms.base import ActionForm, FormError, required_text
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate


class CloseForm(ActionForm):
    """Close with a reason; for a duplicate, pick the original among likely candidates."""

    def __init__(self, console: ConsoleModel, incident_id: str, reason: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(console, incident_id, parent)
        refusals = console.closure_refusals(incident_id)
        allowed = [r for r, why in refusals.items() if not why]
        self.reasons = QButtonGroup(self)
        box = QVBoxLayout()
        box.setSpacing(2)
        self.buttons: dict[str, QRadioButton] = {}
        why_lines: list[str] = []
        for r in CloseReason:
            b = QRadioButton(labels.close_reason(r.value))
            why = "" if r.value in allowed else self._why_not(r.value, refusals.get(r.value, ""))
            b.setEnabled(not why)
            b.setToolTip(why)
            if why:
                why_lines.append(f"{labels.close_reason(r.value)}: {why}")
            self.reasons.addButton(b)
            self.buttons[r.value] = b
            box.addWidget(b)
        # Only the reason the operator asked for (the "close as fixed" or "duplicate" action)
        # is checked: a plain "close" starts with none, never a silent default.
        if reason in allowed:
            self.buttons[reason].setChecked(True)
        self.why = QLabel("\n".join(why_lines))
        self.why.setWordWrap(True)
        self.why.setStyleSheet(f"color: {theme.MUTED};")
        self.why.setVisible(bool(why_lines))
        box.addWidget(self.why)
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
        self.candidates.itemSelectionChanged.connect(self._on_candidate)
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
        checked = self.reason()
        first = checked or (allowed[0] if allowed else "")
        self.focus_widget = self.buttons[first] if first else self.note
        for b in self.buttons.values():
            b.toggled.connect(lambda _on: self._sync())
        self._sync()

    @staticmethod
    def _why_not(reason: str, server_says: str) -> str:
        """Why ``reason`` is disabled, in the operator's words where the form knows them."""
        if reason == CloseReason.FIXED.value and "only when" in server_says:
            return translate("ActionForm",
                             "only after the site check has verified the fix")
        if reason in (CloseReason.NOT_RESPONSIBLE.value, CloseReason.UNABLE_TO_FIX.value) \
                and "only when" in server_says:
            return translate("ActionForm", "only once the incident is registered")
        return server_says or translate("ActionForm", "not possible now")

    def reason(self) -> str:
        for value, b in self.buttons.items():
            if b.isChecked():
                return value
        return ""

    def _on_candidate(self) -> None:
        """The candidate the operator selected (by key or click; the list's current item on
        taking the focus is not a choice) becomes the original."""
        picked = self.candidates.selectedItems()
        if picked:
            self.original.setText(str(picked[0].data(Qt.ItemDataRole.UserRole)))

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

            text = required_text(self.original, translate("ActionForm", "Original incident"))
            try:
                original = normalize_incident_id(text)
            except CommandLineError as exc:
                raise FormError(exc.message) from None
            return cmd.CloseIncident(self.incident_id, reason, self.note.text().strip(),
                                     duplicate_of=original)
        if reason in (CloseReason.NOT_RESPONSIBLE.value, CloseReason.UNABLE_TO_FIX.value):
            note = required_text(self.note, translate("ActionForm", "Note"))
            return cmd.CloseIncident(self.incident_id, reason, note)
        return cmd.CloseIncident(self.incident_id, reason, self.note.text().strip())
