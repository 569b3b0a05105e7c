"""Hotline intake (一口受理): source, caller and phone, the caller's address, class,
description, the point (from the address, a map click or typed), the grid, community and
street it falls in, an optional priority override, the city part it is about (from a part's
card); sends a ReportIncident.

The dialog is not modal so the operator can click the map while it is open: the shell sends
the map's plain click to :meth:`IntakeDialog.set_point` of the open form. The address field
is a type-ahead search (:class:`widgets.address_search.AddressSearch`) over the port the shell
gives; picking a place sets the point and says so (:attr:`IntakeDialog.sig_place_picked`, for
the map to show it). A form whose point was never set (by a click, the address, a part or
typed coordinates) refuses to file: the city centre it starts at is nobody's address.

As the point is set, the form lists the incidents reported near it lately
(:mod:`widgets.intake_history`): a possible duplicate can be opened, or the call filed as its
duplicate. Escape (or Close) on a form with something typed asks before discarding it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QRegularExpression, QTimer, Signal
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain.catalogue.model import Priority
from dispatch.domain.city.locator import Locator
from dispatch.domain.commands import LinkDuplicate, ReportIncident
from dispatch.domain.location_history import DEFAULT_DAYS, DEFAULT_RADIUS_M, location_history
from dispatch.domain.recommend import find_duplicates
from dispatch.domain.status import Source
from widgets import labels, theme
from widgets.action_forms.base import FormError
from widgets.address_search import AddressSearch, Place, SearchPort
from widgets.class_picker import ClassPicker
from widgets.console_model import ConsoleModel
from widgets.hazard_list import HazardBox
from widgets.intake_history import PlaceHistoryPanel

Locate = Callable[[float, float], "str | None"]
PHONE_PATTERN = r"[0-9+][0-9 ()-]{0,31}"  # 12345 callers: mobile, landline with area code


translate = QCoreApplication.translate


class IntakeDialog(QDialog):
    """Take a report (hotline call, walk-in, higher level) and send it."""

    sig_submitted = Signal(object)
    """The ReportIncident just sent."""

    sig_finished = Signal(bool, str)
    """(ok, message) — the server's answer to the report."""

    sig_place_picked = Signal(object)
    """A :class:`~widgets.address_search.Place` picked in the address field: the point."""

    sig_point_set = Signal(float, float, str)
    """(lon, lat, how) — the report's point was set (``click``, ``address``, ``part``,
    ``typed``), for the map to mark it."""

    sig_filed = Signal(str)
    """The id of the incident this form just filed (the server's answer)."""

    sig_open_incident = Signal(str)
    """Show this incident of the place's history in the console."""

    def __init__(self, console: ConsoleModel, locate: Locate | None = None,
                 parent: QWidget | None = None, *, search: SearchPort | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.search_port = search
        self.place: Place | None = None
        self.locate: Locate = locate or Locator(console.city).locate
        self.context = ""
        self.last_command: ReportIncident | None = None
        self.grid = ""
        self.part_id = ""  # the city part reported against ("" = none), see set_part
        self.point_source = ""  # how the point was set: click, address, part, typed; "" never
        self.filed_id = ""  # the incident filed (the server's answer)
        self.radius_m, self.days = DEFAULT_RADIUS_M, DEFAULT_DAYS
        self.discard_box: QMessageBox | None = None
        self._discarding = False
        self._link_context = ""
        self.setWindowTitle(translate("IntakeDialog", "New incident"))
        self.setModal(False)
        self._dup_timer = QTimer(self)
        self._dup_timer.setSingleShot(True)
        self._dup_timer.setInterval(200)
        self._dup_timer.timeout.connect(self._check_duplicates)
        self._build()
        console.sig_command_finished.connect(self._on_finished)
        console.sig_command_result.connect(self._on_result)
        console.sig_hazards_changed.connect(self.refresh_hazards)
        console.sig_caller_changed.connect(self._on_caller)
        self.phone.editingFinished.connect(lambda: console.request_caller(self.phone.text()))
        console.request_hazards()  # they may have changed since the console read them

    def _build(self) -> None:
        c = self.console
        self.source = QComboBox()
        for s in Source:
            self.source.addItem(labels.source(s.value), s.value)
        self.source.setCurrentIndex(self.source.findData(Source.HOTLINE.value))
        self.external_ref = QLineEdit()
        self.external_ref.setPlaceholderText(
            translate("IntakeDialog", "hotline ticket number (optional)"))
        self.reporter = QLineEdit()
        self.reporter.setPlaceholderText(translate("IntakeDialog", "caller's name (optional)"))
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(translate("IntakeDialog", "caller's phone (optional)"))
        self.phone.setToolTip(translate(
            "IntakeDialog", "Kept with the incident; shown only to dispatchers, shift leads "
                            "and administrators"))
        self.phone.setValidator(QRegularExpressionValidator(QRegularExpression(PHONE_PATTERN),
                                                            self.phone))
        self.phone.editingFinished.connect(self._dup_timer.start)
        self.address = AddressSearch(self.search_port)
        self.address.setEnabled(self.search_port is not None)
        self.address.setToolTip(translate(
            "IntakeDialog", "Type the caller's address: Chinese, pinyin or initials; Enter "
                            "takes the best place, Down lists them"))
        self.address.sig_picked.connect(self.set_place)
        self.address_status = QLabel()
        self.address_status.setStyleSheet(f"color: {theme.MUTED};")
        self.address.sig_message.connect(self.address_status.setText)
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(
            translate("IntakeDialog", "What is wrong, where exactly, since when…"))
        self.description.setTabChangesFocus(True)
        self.description.setMinimumHeight(90)
        self.lat = QDoubleSpinBox()
        self.lon = QDoubleSpinBox()
        for spin, lo, hi in ((self.lat, -90.0, 90.0), (self.lon, -180.0, 180.0)):
            spin.setDecimals(6)
            spin.setRange(lo, hi)
            spin.setSingleStep(0.0005)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda _v: self._on_point_typed())
        centre = c.city.regions[c.city.code].geometry.representative_point() \
            if c.city.code in c.city.regions else None
        self.lat.blockSignals(True)
        self.lon.blockSignals(True)
        if centre is not None:
            self.lat.setValue(centre.y)
            self.lon.setValue(centre.x)
        self.lat.blockSignals(False)
        self.lon.blockSignals(False)
        point = QHBoxLayout()
        point.addWidget(QLabel(translate("IntakeDialog", "lat")))
        point.addWidget(self.lat)
        point.addWidget(QLabel(translate("IntakeDialog", "lon")))
        point.addWidget(self.lon)
        point.addStretch(1)
        self.point_hint = QLabel(translate(
            "IntakeDialog", "Click the map to set the point (Ctrl+click or right-click the "
                            "map opens another form)"))
        self.point_hint.setWordWrap(True)
        self.point_hint.setStyleSheet(f"color: {theme.MUTED};")
        self.grid_label = QLabel()
        self.grid_label.setWordWrap(True)
        self.where_label = QLabel()
        self.where_label.setWordWrap(True)
        self.priority = QComboBox()
        self.priority.addItem(translate("IntakeDialog", "As the class says"), "")
        for p in Priority:
            self.priority.addItem(labels.priority(p.value), p.value)
        self.duplicates = QLabel()
        self.duplicates.setWordWrap(True)
        self.duplicates.setStyleSheet(f"color: {theme.WARNING}; font-weight: 600;")
        self.duplicates.hide()

        form = QFormLayout()
        form.setSpacing(5)
        form.addRow(translate("IntakeDialog", "Source"), self.source)
        form.addRow(translate("IntakeDialog", "Ticket"), self.external_ref)
        form.addRow(translate("IntakeDialog", "Caller"), self.reporter)
        form.addRow(translate("IntakeDialog", "Phone"), self.phone)
        form.addRow(translate("IntakeDialog", "Address"), self.address)
        form.addRow("", self.address_status)
        form.addRow(translate("IntakeDialog", "Description"), self.description)
        form.addRow(translate("IntakeDialog", "Point"), point)
        form.addRow("", self.point_hint)
        form.addRow(translate("IntakeDialog", "Grid"), self.grid_label)
        form.addRow(translate("IntakeDialog", "Where"), self.where_label)
        self.part_label = QLabel()
        self.part_label.setWordWrap(True)
        form.addRow(translate("IntakeDialog", "Part"), self.part_label)
        self.part_row = form.rowCount() - 1
        form.setRowVisible(self.part_row, False)
        self.form = form
        form.addRow(translate("IntakeDialog", "Priority"), self.priority)
        form.addRow("", self.duplicates)

        self.picker = ClassPicker(c.catalogue, c.language)
        self.picker.setMinimumWidth(420)
        self.picker.sig_class_changed.connect(lambda _code: self._on_class_changed())

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        columns.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(translate("IntakeDialog", "Class")))
        right.addWidget(self.picker, 3)
        self.hazards = HazardBox()
        right.addWidget(self.hazards)
        self.history = PlaceHistoryPanel(c)
        self.history.sig_open.connect(self.sig_open_incident)
        right.addWidget(self.history, 2)
        columns.addLayout(right, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.send = QPushButton(translate("IntakeDialog", "Report"))
        self.send.setDefault(False)
        self.send.setAutoDefault(False)
        self.send.setToolTip(translate("IntakeDialog", "Send the report (Ctrl+Enter)"))
        self.send.clicked.connect(self.submit)
        self.close_button = QPushButton(translate("IntakeDialog", "Close"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.send)
        buttons.addWidget(self.close_button)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)

        lay = QVBoxLayout(self)
        lay.addLayout(columns, 1)
        lay.addLayout(buttons)
        self.resize(1040, 680)
        self._on_point_changed()
        self.setTabOrder(self.reporter, self.phone)

    # ----------------------------------------------------------------------- inputs

    def set_point(self, lon: float, lat: float, how: str = "click") -> None:
        """Set the point (``how``: a map ``click``, the ``address``, a ``part``) and locate
        its grid."""
        for spin, value in ((self.lon, lon), (self.lat, lat)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.point_source = how
        self._on_point_changed()
        self.sig_point_set.emit(self.lon.value(), self.lat.value(), how)

    def _on_point_typed(self) -> None:
        self.point_source = "typed"
        self._on_point_changed()
        self.sig_point_set.emit(self.lon.value(), self.lat.value(), "typed")

    def set_place(self, place: Place) -> None:
        """A place picked in the address field: its point becomes the incident's."""
        self.place = place
        self.set_point(place.lon, place.lat, "address")
        self.address_status.setText(
            translate("IntakeDialog", "Point set from %1").replace("%1", place.name))
        self.sig_place_picked.emit(place)

    def set_class(self, code: str) -> None:
        self.picker.set_code(code)

    def set_part(self, part_id: str, text: str = "") -> None:
        """Report against a city part (its id; ``text`` what the form shows of it); ""
        for none."""
        self.part_id = part_id
        self.part_label.setText(text or part_id)
        self.form.setRowVisible(self.part_row, bool(part_id))

    def _on_point_changed(self) -> None:
        if not self.point_source:
            self.grid = ""
            self.where_label.setText("")
            self.grid_label.setText(translate(
                "IntakeDialog", "no point yet: click the map or pick the address"))
            self.grid_label.setStyleSheet(f"color: {theme.WARNING};")
            return
        grid = self.locate(self.lon.value(), self.lat.value())
        self.grid = grid or ""
        regions = self.console.city.regions
        self.where_label.setText(" · ".join(regions[c].name for c in (grid[:9], grid[:12])
                                            if c in regions) if grid else "")
        if grid:
            self.grid_label.setText(labels.grid_label(self.console.city, grid))
            self.grid_label.setStyleSheet("")
        else:
            self.grid_label.setText(translate("IntakeDialog", "outside every grid of the city"))
            self.grid_label.setStyleSheet(f"color: {theme.ERROR};")
        self.refresh_hazards()  # at once: a hazard matters before the class is chosen
        self._dup_timer.start()

    def _on_class_changed(self) -> None:
        code = self.picker.code
        if code:
            default = labels.priority(self.console.catalogue.priority_of(code))
            self.priority.setItemText(0, translate("IntakeDialog", "As the class says (%1)")
                                      .replace("%1", default))
        self._dup_timer.start()

    def _check_duplicates(self) -> list[str]:
        """Open incidents of the same class nearby: likely the same problem; and the place's
        history (:meth:`refresh_history`)."""
        self.refresh_history()
        code = self.picker.code
        if not code or not self.point_source:
            self.duplicates.hide()
            return []
        found = find_duplicates(self.console.state, self.console.catalogue, class_code=code,
                                lon=self.lon.value(), lat=self.lat.value(),
                                ts=self.console.now(), window_s=24 * 3600.0)
        ids = [inc.id for inc in found[:5]]
        if ids:
            self.duplicates.setText(translate("IntakeDialog", "Possible duplicates nearby: %1")
                                    .replace("%1", ", ".join(ids)))
        self.duplicates.setVisible(bool(ids))
        return ids

    def refresh_hazards(self) -> list[str]:
        """List the hazards that apply at the point (none before it is set)."""
        placed = bool(self.point_source)
        self.hazards.set_hits(self.console.hazards_at(self.lon.value(), self.lat.value(),
                                                      self.grid) if placed else [],
                              placed=placed)
        return self.hazards.ids()

    def _on_caller(self, phone: str) -> None:
        if phone == self.phone.text():
            self.refresh_history()

    def refresh_history(self) -> list[str]:
        """List the incidents reported near the point lately (none before it is set), and
        the hazards there; a past incident called in from this form's phone number (as the
        server answered) is marked a repeat caller."""
        self.refresh_hazards()
        known = self.console.caller_incidents(self.phone.text()) if self.phone.text() else None
        rows = [] if not self.point_source else location_history(
            self.console.state, self.console.point_index(), self.console.catalogue,
            lon=self.lon.value(), lat=self.lat.value(), now=self.console.now(),
            address=self.place.name if self.place is not None else "",
            class_code=self.picker.code, radius_m=self.radius_m, days=self.days,
            same_caller=(lambda iid: iid in known) if known else None)
        self.history.set_rows(rows, radius_m=self.radius_m, days=self.days)
        return self.history.ids()

    # ---------------------------------------------------------------------- sending

    def command(self) -> ReportIncident:
        """The report as filled in; :class:`FormError` says what is missing."""
        code = self.picker.code
        if not code:
            raise FormError(translate("IntakeDialog", "Pick the event class"))
        description = self.description.toPlainText().strip()
        if not description:
            raise FormError(translate("IntakeDialog", "Describe the problem"))
        if not self.point_source:
            raise FormError(translate(
                "IntakeDialog", "Set the point first: click the map where it is, pick the "
                                "caller's address, or type the coordinates"))
        if not self.grid:
            raise FormError(
                translate("IntakeDialog", "The point is outside every grid: click the map"))
        return ReportIncident(
            source=str(self.source.currentData()), class_code=code, lon=self.lon.value(),
            lat=self.lat.value(), description=description, reporter=self.reporter.text().strip(),
            priority=str(self.priority.currentData() or ""),
            external_ref=self.external_ref.text().strip(), part_id=self.part_id,
            phone=self.phone.text().strip())

    def submit(self) -> str:
        """Send the report; returns the request context ("" if the form is incomplete)."""
        if self.context:
            return ""
        try:
            command = self.command()
        except FormError as exc:
            self._say(exc.message, theme.ERROR)
            return ""
        self.last_command = command
        self.context = self.console.new_context("intake")
        self.send.setEnabled(False)
        self._say(translate("IntakeDialog", "Sending…"), theme.PENDING)
        self.sig_submitted.emit(command)
        self.console.request(command, None, self.context)
        return self.context

    def _on_result(self, context: str, result: dict[str, Any]) -> None:
        if context == self.context and context:
            self.filed_id = str(result.get("incident_id") or "")

    def _on_finished(self, context: str, ok: bool, message: str) -> None:
        if context and context == self._link_context:
            self._link_context = ""
            if not ok:  # filed, but not linked: say so and stay open
                self._say(translate("IntakeDialog", "Reported as %1; not linked as a "
                                                    "duplicate: %2")
                          .replace("%1", self.filed_id).replace("%2", message), theme.ERROR)
                return
            self._done()
            return
        if context != self.context:
            return
        self.context = ""
        self.send.setEnabled(True)
        if ok:
            self._say(translate("IntakeDialog", "Reported"), theme.SUCCESS)
            if self.filed_id:
                self.sig_filed.emit(self.filed_id)
            dup = self.history.duplicate_of
            if self.filed_id and dup:
                self._link_context = self.console.new_context("intake-link")
                self._say(translate("IntakeDialog", "Linking to %1…").replace("%1", dup),
                          theme.PENDING)
                self.console.request(LinkDuplicate(self.filed_id, dup), None,
                                     self._link_context)
                return
            self._done()
        else:
            self._say(message or translate("IntakeDialog", "refused"), theme.ERROR)
            self.sig_finished.emit(False, message)

    def _done(self) -> None:
        self.clear()
        self.sig_finished.emit(True, "")
        self._discarding = True  # filed: nothing left to ask about
        self.accept()

    # ---------------------------------------------------------------------- leaving

    def is_dirty(self) -> bool:
        """Something typed or chosen that closing would lose."""
        return bool(self.reporter.text().strip() or self.phone.text().strip()
                    or self.description.toPlainText().strip()
                    or self.external_ref.text().strip() or self.picker.code)

    def reject(self) -> None:
        """Escape, Close or the window's close button: a half-typed form asks first."""
        if self._discarding or not self.is_dirty():
            super().reject()
            return
        if self.discard_box is not None and self.discard_box.isVisible():
            return
        box = QMessageBox(QMessageBox.Icon.Question,
                          translate("IntakeDialog", "Discard this call?"),
                          translate("IntakeDialog", "The form has text that was not sent. "
                                                    "Discard it?"),
                          QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Cancel).setText(
            translate("IntakeDialog", "Keep editing"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _r, b=box: self._discard_answered(b))
        self.discard_box = box
        box.open()

    def _discard_answered(self, box: QMessageBox) -> None:
        self.discard_box = None
        if box.clickedButton() is box.button(QMessageBox.StandardButton.Discard):
            self._discarding = True
            super().reject()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.reporter.text() and not self.description.toPlainText():
            self.reporter.setFocus()  # the caller first: the call starts with who it is

    def clear(self) -> None:
        """Empty the form for the next call (source, point and part stay)."""
        self.external_ref.clear()
        self.reporter.clear()
        self.phone.clear()
        self.description.clear()
        self.priority.setCurrentIndex(0)
        self.picker.search.clear()
        self.picker.set_code("")

    def _say(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")

