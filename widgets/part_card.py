"""A city part's card (部件): what a click on a part of the map shows.

Its number (编号, the part id), type, position and grid, the department in charge (主管部门),
the organisation it belongs to (所属单位), its maintainer (养护单位), its state, its type's
attributes with their units, and the incidents reported against it that the console's mirror
holds (open ones and recently finished ones), newest first. A double-click on an incident
selects it everywhere (queue, detail, map); "Report incident here" asks the shell to open the
new-incident form for the part. Escape or Close asks the shell to put the card away.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain.city.model import Part
from widgets import labels, part_labels, theme
from widgets.console_model import ConsoleModel
from widgets.detail_sections import section

translate = QCoreApplication.translate

# The card's fields, in order: key → name (translated in context PartCard).
FIELDS = {
    "id": QT_TRANSLATE_NOOP("PartCard", "Number"),
    "type": QT_TRANSLATE_NOOP("PartCard", "Type"),
    "position": QT_TRANSLATE_NOOP("PartCard", "Position"),
    "grid": QT_TRANSLATE_NOOP("PartCard", "Grid"),
    "department": QT_TRANSLATE_NOOP("PartCard", "Department in charge"),
    "owner": QT_TRANSLATE_NOOP("PartCard", "Owner"),
    "maintainer": QT_TRANSLATE_NOOP("PartCard", "Maintained by"),
    "state": QT_TRANSLATE_NOOP("PartCard", "State"),
}
_STATE_COLOURS = {"intact": theme.SUCCESS, "damaged": theme.ERROR, "missing": theme.ERROR,
                  "occupied": theme.WARNING}
MAX_HISTORY = 200  # rows shown; the title says how many there are


class PartCard(QWidget):
    """The card of one city part (see the module docstring)."""

    sig_report = Signal(str)
    """(part id) — the operator asks to report an incident against the part."""

    sig_incident_activated = Signal(str)
    """(incident id) — an incident of the history was double-clicked (already selected)."""

    sig_close = Signal()
    """Escape or Close: the shell puts the card away."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.part_id = ""
        self._build()
        console.sig_incidents_changed.connect(self._on_incidents)
        console.sig_reset.connect(self.refresh)

    def _build(self) -> None:
        self.title = QLabel(translate("PartCard", "Click a part on the map (show the Parts layer)"))
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600; font-size: 11pt;")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(1, 1)
        self.fields: dict[str, QLabel] = {}
        self.field_names: dict[str, QLabel] = {}
        for row, (key, text) in enumerate(FIELDS.items()):
            name = QLabel(translate("PartCard", str(text)))
            name.setStyleSheet(f"color: {theme.MUTED};")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
            self.fields[key] = value
            self.field_names[key] = name
        self.attributes_heading = section(translate("PartCard", "Attributes"))
        self.attributes = QGridLayout()
        self.attributes.setHorizontalSpacing(10)
        self.attributes.setVerticalSpacing(2)
        self.attributes.setColumnStretch(1, 1)
        self.history_heading = section(translate("PartCard", "Incident history"))
        self.history = QTreeWidget()
        self.history.setRootIsDecorated(False)
        self.history.setUniformRowHeights(True)
        self.history.setAlternatingRowColors(True)
        self.history.setHeaderLabels([translate("PartCard", "Incident"),
                                      translate("PartCard", "Reported"),
                                      translate("PartCard", "Class"),
                                      translate("PartCard", "Status")])
        self.history.itemActivated.connect(self._activated)
        self.history.itemDoubleClicked.connect(self._activated)
        self.history.setToolTip(translate("PartCard", "Double-click to select the incident"))
        self.report = QPushButton(translate("PartCard", "Report incident here"))
        self.report.setToolTip(translate(
            "PartCard", "Open the new-incident form at this part, with the part referenced"))
        self.report.clicked.connect(self._report)
        self.close_button = QPushButton(translate("PartCard", "Close"))
        self.close_button.setToolTip(translate("PartCard", "Put the card away (Esc)"))
        self.close_button.clicked.connect(self.sig_close)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # not window-wide
        escape.activated.connect(self.sig_close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.report)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.title)
        lay.addLayout(grid)
        lay.addWidget(self.attributes_heading)
        lay.addLayout(self.attributes)
        lay.addWidget(self.history_heading)
        lay.addWidget(self.history, 1)
        lay.addLayout(buttons)
        self._set_enabled(False)

    # --------------------------------------------------------------------------- showing

    @property
    def part(self) -> Part | None:
        return self.console.city.parts.get(self.part_id) if self.part_id else None

    def show_part(self, part_id: str) -> bool:
        """Show the card of ``part_id``; False (and the card unchanged) for an unknown part."""
        if part_id not in self.console.city.parts:
            return False
        self.part_id = part_id
        self.refresh()
        return True

    def refresh(self) -> None:
        p = self.part
        self._set_enabled(p is not None)
        if p is None:
            return
        c = self.console
        type_name = part_labels.part_type(c.catalogue, p.part_type, c.language)
        self.title.setText(f"{type_name}  {p.id}")
        f = self.fields
        f["id"].setText(p.id)
        f["type"].setText(f"{type_name} ({p.part_type})")
        f["position"].setText(f"{p.lat:.6f}N {p.lon:.6f}E")
        f["grid"].setText(labels.grid_label(c.city, p.grid))
        f["department"].setText(c.department_name(p.owner_department)
                                if p.owner_department else "—")
        f["owner"].setText(p.owner_unit or "—")
        f["maintainer"].setText(p.maintainer or "—")
        f["state"].setText(part_labels.state(p.state))
        f["state"].setStyleSheet(f"color: {_STATE_COLOURS.get(p.state, theme.MUTED)}; "
                                 "font-weight: 600;")
        self._show_attributes(p)
        self._show_history()

    def _show_attributes(self, p: Part) -> None:
        while self.attributes.count():
            item = self.attributes.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.deleteLater()
        rows = part_labels.attribute_rows(self.console.catalogue, p)
        for row, (name, value) in enumerate(rows):
            n = QLabel(name)
            n.setStyleSheet(f"color: {theme.MUTED};")
            n.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            v = QLabel(value)
            v.setWordWrap(True)
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.attributes.addWidget(n, row, 0)
            self.attributes.addWidget(v, row, 1)
        self.attributes_heading.setVisible(bool(rows))

    def _show_history(self) -> None:
        c = self.console
        found = c.part_history(self.part_id)
        self.history_heading.setText(translate("PartCard", "Incident history (%1)")
                                     .replace("%1", str(len(found))).upper())
        self.history.clear()
        now = c.now()
        items = []
        for inc in found[:MAX_HISTORY]:
            item = QTreeWidgetItem([inc.id, labels.clock_time(inc.reported_at, c.tz, now),
                                    c.class_name(inc.class_code),
                                    labels.incident_status(inc.status)])
            item.setData(0, Qt.ItemDataRole.UserRole, inc.id)
            item.setToolTip(1, labels.full_time(inc.reported_at, c.tz))
            item.setToolTip(2, inc.description)
            item.setForeground(3, QColor(theme.INCIDENT_STATUS_COLOURS.get(inc.status,
                                                                          theme.MUTED)))
            items.append(item)
        self.history.addTopLevelItems(items)
        for col in range(3):
            self.history.resizeColumnToContents(col)

    def history_ids(self) -> list[str]:
        """The incident ids the history shows, top to bottom."""
        items = (self.history.topLevelItem(i) for i in range(self.history.topLevelItemCount()))
        return [str(item.data(0, Qt.ItemDataRole.UserRole)) for item in items
                if item is not None]

    def _set_enabled(self, on: bool) -> None:
        self.report.setEnabled(on)
        for key in self.fields:
            if not on:
                self.fields[key].clear()
        if not on:
            self.history.clear()

    # ---------------------------------------------------------------------------- events

    def _on_incidents(self, ids: set[str]) -> None:
        """Redraw the history when an incident of this part changed, appeared or went."""
        if not self.part_id:
            return
        incs = self.console.state.incidents
        shown = set(self.history_ids())
        if any(i in shown or ((inc := incs.get(i)) is not None and inc.part_id == self.part_id)
               for i in ids):
            self._show_history()

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        iid = str(item.data(0, Qt.ItemDataRole.UserRole))
        self.console.select_incident(iid, "part")
        self.sig_incident_activated.emit(iid)

    def _report(self) -> None:
        if self.part_id:
            self.sig_report.emit(self.part_id)
