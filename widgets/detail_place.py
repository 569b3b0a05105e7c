"""What the incident details say about the caller and the place: the caller's phone (only for
a role that may see phone numbers: it is read with the ``contacts`` query when the incident is
shown, never from the feed) and the hazards noted at the incident's point or grid."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from dispatch.domain.state import Incident
from widgets import theme
from widgets.console_model import ConsoleModel
from widgets.hazard_list import HazardBox

translate = QCoreApplication.translate


class PlaceNotes(QWidget):
    """The caller's phone and the hazards at the shown incident's place."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.incident_id = ""
        self.phone_caption = QLabel(translate("IncidentDetail", "Caller's phone"))
        self.phone_caption.setStyleSheet(f"color: {theme.MUTED};")
        self.phone = QLabel()
        self.phone.setObjectName("caller_phone")
        self.phone.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.phone_row = QWidget()
        row = QHBoxLayout(self.phone_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.phone_caption)
        row.addWidget(self.phone, 1)
        self.hazards = HazardBox()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.phone_row)
        lay.addWidget(self.hazards)
        self.phone_row.setVisible(console.may_see_contacts)
        console.sig_hazards_changed.connect(self.refresh)
        console.sig_phones_changed.connect(self.refresh)

    def show_incident(self, inc: Incident) -> None:
        """Show ``inc``'s caller and hazards; ask for its phone if the role may see it."""
        if inc.id != self.incident_id:
            self.incident_id = inc.id
            self.console.request_phone(inc.id)  # nothing is sent for a role that may not
        self.refresh()

    def refresh(self) -> None:
        inc = self.console.incident(self.incident_id) if self.incident_id else None
        if inc is None:
            self.hazards.set_hits([], placed=False)
            self.phone.clear()
            return
        self.hazards.set_hits(self.console.hazards_at(inc.lon, inc.lat, inc.grid))
        may = self.console.may_see_contacts
        self.phone_row.setVisible(may)
        if not may:
            self.phone.clear()
            return
        phone = self.console.phone(inc.id)
        self.phone.setText(translate("IncidentDetail", "reading…") if phone is None
                           else phone or translate("IncidentDetail", "none given"))
