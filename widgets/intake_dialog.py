"""Hotline intake (一口受理): source, reporter, the caller's address, class, description, the
point (from the address or a map click), the grid, community and street it falls in, an
optional priority override, the city part it is about (from a part's card); sends a
ReportIncident.

The dialog is not modal so the operator can click the map while it is open: the shell connects
the map's click to :meth:`IntakeDialog.set_point`. The address field is a type-ahead search
(:class:`widgets.address_search.AddressSearch`) over the port the shell gives; picking a place
sets the point and says so (:attr:`IntakeDialog.sig_place_picked`, for the map to show it).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain.catalogue.model import Priority
from dispatch.domain.city.locator import Locator
from dispatch.domain.commands import ReportIncident
from dispatch.domain.recommend import find_duplicates
from dispatch.domain.status import Source
from widgets import labels, theme
from widgets.action_forms.base import FormError
from widgets.address_search import AddressSearch, Place, SearchPort
from widgets.class_picker import ClassPicker
from widgets.console_model import ConsoleModel

Locate = Callable[[float, float], "str | None"]


translate = QCoreApplication.translate


class IntakeDialog(QDialog):
    """Take a report (hotline call, walk-in, higher level) and send it."""

    sig_submitted = Signal(object)
    """The ReportIncident just sent."""

    sig_finished = Signal(bool, str)
    """(ok, message) — the server's answer to the report."""

    sig_place_picked = Signal(object)
    """A :class:`~widgets.address_search.Place` picked in the address field: the point."""

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
        self.setWindowTitle(translate("IntakeDialog", "New incident"))
        self.setModal(False)
        self._dup_timer = QTimer(self)
        self._dup_timer.setSingleShot(True)
        self._dup_timer.setInterval(200)
        self._dup_timer.timeout.connect(self._check_duplicates)
        self._build()
        console.sig_command_finished.connect(self._on_finished)

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
        self.reporter.setPlaceholderText(translate("IntakeDialog", "name and phone (optional)"))
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
            spin.valueChanged.connect(lambda _v: self._on_point_changed())
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
        self.point_hint = QLabel(translate("IntakeDialog", "Click the map to set the point"))
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
        form.addRow(translate("IntakeDialog", "Reporter"), self.reporter)
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
        right.addWidget(self.picker, 1)
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
        self.resize(980, 560)
        self._on_point_changed()

    # ----------------------------------------------------------------------- inputs

    def set_point(self, lon: float, lat: float) -> None:
        """Set the point (a map click) and locate its grid."""
        for spin, value in ((self.lon, lon), (self.lat, lat)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self._on_point_changed()

    def set_place(self, place: Place) -> None:
        """A place picked in the address field: its point becomes the incident's."""
        self.place = place
        self.set_point(place.lon, place.lat)
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
        self._dup_timer.start()

    def _on_class_changed(self) -> None:
        code = self.picker.code
        if code:
            default = labels.priority(self.console.catalogue.priority_of(code))
            self.priority.setItemText(0, translate("IntakeDialog", "As the class says (%1)")
                                      .replace("%1", default))
        self._dup_timer.start()

    def _check_duplicates(self) -> list[str]:
        """Open incidents of the same class nearby: likely the same problem."""
        code = self.picker.code
        if not code:
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

    # ---------------------------------------------------------------------- sending

    def command(self) -> ReportIncident:
        """The report as filled in; :class:`FormError` says what is missing."""
        code = self.picker.code
        if not code:
            raise FormError(translate("IntakeDialog", "Pick the event class"))
        description = self.description.toPlainText().strip()
        if not description:
            raise FormError(translate("IntakeDialog", "Describe the problem"))
        if not self.grid:
            raise FormError(
                translate("IntakeDialog", "The point is outside every grid: click the map"))
        return ReportIncident(
            source=str(self.source.currentData()), class_code=code, lon=self.lon.value(),
            lat=self.lat.value(), description=description, reporter=self.reporter.text().strip(),
            priority=str(self.priority.currentData() or ""),
            external_ref=self.external_ref.text().strip(), part_id=self.part_id)

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

    def _on_finished(self, context: str, ok: bool, message: str) -> None:
        if context != self.context:
            return
        self.context = ""
        self.send.setEnabled(True)
        if ok:
            self._say(translate("IntakeDialog", "Reported"), theme.SUCCESS)
            self.clear()
            self.sig_finished.emit(True, "")
            self.accept()
        else:
            self._say(message or translate("IntakeDialog", "refused"), theme.ERROR)
            self.sig_finished.emit(False, message)

    def clear(self) -> None:
        """Empty the form for the next call (source, point and part stay)."""
        self.external_ref.clear()
        self.reporter.clear()
        self.description.clear()
        self.priority.setCurrentIndex(0)
        self.picker.search.clear()
        self.picker.set_code("")

    def _say(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")

