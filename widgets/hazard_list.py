"""Hazards at a place, as the intake form and the incident details show them: a table marked in
the warning colour (kind, name, how far, the note), under a heading that says how many apply.

:class:`HazardListModel` is a thin model over the hits of
:func:`dispatch.domain.hazards.hazards_at`; :class:`HazardBox` is the heading and the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain.hazards import HazardHit
from widgets import theme

translate = QCoreApplication.translate
Index = QModelIndex | QPersistentModelIndex

KIND_NAMES: dict[str, object] = {
    "chemical_plant": QT_TRANSLATE_NOOP("Hazards", "Chemical plant"),
    "gas_station": QT_TRANSLATE_NOOP("Hazards", "Gas station"),
    "fuel_depot": QT_TRANSLATE_NOOP("Hazards", "Fuel depot"),
    "care_home": QT_TRANSLATE_NOOP("Hazards", "Care home"),
    "school": QT_TRANSLATE_NOOP("Hazards", "School"),
    "kindergarten": QT_TRANSLATE_NOOP("Hazards", "Kindergarten"),
    "hospital": QT_TRANSLATE_NOOP("Hazards", "Hospital"),
    "high_voltage": QT_TRANSLATE_NOOP("Hazards", "High voltage"),
    "construction_site": QT_TRANSLATE_NOOP("Hazards", "Construction site"),
    "crowded_venue": QT_TRANSLATE_NOOP("Hazards", "Crowded venue"),
    "other": QT_TRANSLATE_NOOP("Hazards", "Other"),
}
HEADERS = (QT_TRANSLATE_NOOP("Hazards", "Kind"), QT_TRANSLATE_NOOP("Hazards", "Name"),
           QT_TRANSLATE_NOOP("Hazards", "Where"), QT_TRANSLATE_NOOP("Hazards", "Note"))
WARNING_BACKGROUND = "#fef3c7"  # amber-100 under the warning colour's text


def kind_name(kind: str) -> str:
    """A hazard kind in the interface's language."""
    return translate("Hazards", str(KIND_NAMES[kind])) if kind in KIND_NAMES else kind


def where_text(hit: HazardHit) -> str:
    """"whole grid", or how far the point is and its radius."""
    h = hit.hazard
    if not h.is_point:
        return translate("Hazards", "whole grid")
    return translate("Hazards", "%1 m away (radius %2 m)").replace(
        "%1", f"{hit.distance_m:.0f}").replace("%2", f"{h.radius_m:.0f}")


class HazardListModel(QAbstractTableModel):
    """Hazards that apply at a place, one row each."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[HazardHit] = []

    def set_hits(self, hits: Sequence[HazardHit]) -> None:
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return translate("Hazards", str(HEADERS[section]))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        h, col = hit.hazard, index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (kind_name(h.kind), h.name, where_text(hit), h.text)[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{h.name}\n{h.text}" if h.text else h.name
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(theme.WARNING))
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(WARNING_BACKGROUND))
        if role == Qt.ItemDataRole.UserRole:
            return h.id
        return None


class HazardBox(QWidget):
    """"⚠ N hazards here" and their table; hidden rows say "no hazard noted here"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HazardListModel(self)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.table = QTableView()
        self.table.setObjectName("hazards")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setMaximumHeight(130)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.heading)
        lay.addWidget(self.table)
        self.set_hits([])

    def set_hits(self, hits: Sequence[HazardHit], *, placed: bool = True) -> None:
        """Show these hazards (``placed`` False: there is no point yet)."""
        self.model.set_hits(hits)
        self.table.setVisible(bool(hits))
        if hits:
            self.heading.setText("⚠ " + translate("Hazards", "Hazards at this place: %1")
                                 .replace("%1", str(len(hits))))
            self.heading.setStyleSheet(f"color: {theme.WARNING}; font-weight: 600;")
        else:
            self.heading.setText(translate("Hazards", "No hazard noted at this place")
                                 if placed else "")
            self.heading.setStyleSheet(f"color: {theme.MUTED};")

    def ids(self) -> list[str]:
        return [hit.hazard.id for hit in self.model.hits]
