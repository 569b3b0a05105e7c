"""One incident's timeline as a chart (pyqtgraph): a lane for the incident, one per department
and one per unit; coloured bars for the status each was in, markers for what happened
(status changes, assignments, escalations, supervision, clock warnings…) with the details on
hover, the time limits as dashed lines with the overdue stretch shaded, and a cursor at the
replay's instant. Wheel and drag zoom and pan the time axis (local time); clicking a marker
asks the replay to go there (:attr:`IncidentTimelineChart.sig_marker_clicked`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from dispatch.domain.status import IncidentStatus, UnitStatus
from dispatch.services.replay import (
    LANE_DEPARTMENT,
    LANE_INCIDENT,
    LANE_UNIT,
    IncidentTimeline,
    TimelineItem,
)
from widgets import labels, theme
from widgets.console_model import ConsoleModel

translate = QCoreApplication.translate

_KINDS = {
    "start": QT_TRANSLATE_NOOP("IncidentTimeline", "At the window start"),
    "status": QT_TRANSLATE_NOOP("IncidentTimeline", "Status"),
    "assigned": QT_TRANSLATE_NOOP("IncidentTimeline", "Assigned"),
    "released": QT_TRANSLATE_NOOP("IncidentTimeline", "Released"),
    "unit_status": QT_TRANSLATE_NOOP("IncidentTimeline", "Unit status"),
    "lead": QT_TRANSLATE_NOOP("IncidentTimeline", "Lead department"),
    "assist": QT_TRANSLATE_NOOP("IncidentTimeline", "Assisting department"),
    "acknowledged": QT_TRANSLATE_NOOP("IncidentTimeline", "Acknowledged"),
    "escalated": QT_TRANSLATE_NOOP("IncidentTimeline", "Escalated"),
    "escalated_skip": QT_TRANSLATE_NOOP("IncidentTimeline", "Escalated past levels"),
    "handling": QT_TRANSLATE_NOOP("IncidentTimeline", "Handling"),
    "responded": QT_TRANSLATE_NOOP("IncidentTimeline", "Responded"),
    "department_released": QT_TRANSLATE_NOOP("IncidentTimeline", "Released from the incident"),
    "supervised": QT_TRANSLATE_NOOP("IncidentTimeline", "Supervision"),
    "clock": QT_TRANSLATE_NOOP("IncidentTimeline", "Time limit"),
    "extension_requested": QT_TRANSLATE_NOOP("IncidentTimeline", "Extension requested"),
    "extension_decided": QT_TRANSLATE_NOOP("IncidentTimeline", "Extension decided"),
    "verify_failed": QT_TRANSLATE_NOOP("IncidentTimeline", "Verification failed"),
    "rework": QT_TRANSLATE_NOOP("IncidentTimeline", "Rework"),
    "returned": QT_TRANSLATE_NOOP("IncidentTimeline", "Returned"),
    "note": QT_TRANSLATE_NOOP("IncidentTimeline", "Note"),
    "evaluated": QT_TRANSLATE_NOOP("IncidentTimeline", "Evaluated"),
    "archived": QT_TRANSLATE_NOOP("IncidentTimeline", "Archived"),
    "whistled": QT_TRANSLATE_NOOP("IncidentTimeline", "Whistle blown"),
    "summoned": QT_TRANSLATE_NOOP("IncidentTimeline", "Summoned to report on site"),
    "arrived": QT_TRANSLATE_NOOP("IncidentTimeline", "Reported on site"),
}
# 吹哨报到 markers read as whole sentences: (kind, value) → text
_SENTENCES = {
    ("whistled", "street"): QT_TRANSLATE_NOOP("IncidentTimeline",
                                              "The street blew the whistle"),
    ("whistled", "community"): QT_TRANSLATE_NOOP("IncidentTimeline",
                                                 "The community blew the whistle"),
    ("arrived", "on_time"): QT_TRANSLATE_NOOP("IncidentTimeline", "Reported on site in time"),
    ("arrived", "late"): QT_TRANSLATE_NOOP("IncidentTimeline", "Reported on site late"),
}
_VALUES = {
    "on": QT_TRANSLATE_NOOP("IncidentTimeline", "on"),
    "off": QT_TRANSLATE_NOOP("IncidentTimeline", "off"),
    "approved": QT_TRANSLATE_NOOP("IncidentTimeline", "approved"),
    "refused": QT_TRANSLATE_NOOP("IncidentTimeline", "refused"),
    "near_due": QT_TRANSLATE_NOOP("IncidentTimeline", "near due"),
    "overdue": QT_TRANSLATE_NOOP("IncidentTimeline", "overdue"),
    "lead": QT_TRANSLATE_NOOP("IncidentTimeline", "lead"),
    "assist": QT_TRANSLATE_NOOP("IncidentTimeline", "assisting"),
}
# symbol, colour, size of each kind of marker
_MARKERS: dict[str, tuple[str, str, int]] = {
    "start": ("s", "#6b7280", 9), "status": ("o", "", 10), "assigned": ("t1", "#1d4ed8", 11),
    "released": ("t", "#0e7490", 11), "unit_status": ("o", "", 8),
    "lead": ("d", "#1e3a8a", 11), "assist": ("d", "#3b82f6", 10),
    "acknowledged": ("s", "#0e7490", 9), "escalated": ("star", "#dc2626", 15),
    "escalated_skip": ("star", "#7f1d1d", 18), "handling": ("s", "#6d28d9", 9),
    "responded": ("o", "#047857", 11), "department_released": ("t", "#57534e", 10),
    "supervised": ("d", "#b91c1c", 12), "clock": ("x", "#b45309", 12),
    "extension_requested": ("s", "#7c3aed", 9), "extension_decided": ("s", "#6d28d9", 10),
    "verify_failed": ("x", "#7f1d1d", 12), "rework": ("star", "#9333ea", 13),
    "returned": ("t2", "#57534e", 11), "note": ("h", "#64748b", 8),
    "evaluated": ("p", "#15803d", 10), "archived": ("s", "#9ca3af", 8),
    "whistled": ("star", "#ea580c", 15), "summoned": ("t1", "#ea580c", 10),
    "arrived": ("s", "#15803d", 10),
}
_STAGE_COLOURS = {"dispatch": "#be185d", "acknowledge": "#0e7490", "handle": "#6d28d9",
                  "verify": "#047857"}
_DEPT_COLOURS = {"lead": "#1e3a8a", "assist": "#60a5fa"}
_UNIT_STATUSES = frozenset(s.value for s in UnitStatus)
LANE_HEIGHT = 0.56


def _k(text: object) -> str:
    return translate("IncidentTimeline", str(text))


class IncidentTimelineChart(QWidget):
    """The timeline chart of one incident (see the module docstring)."""

    sig_marker_clicked = Signal(int)
    """A marker was clicked: the replay position right after its event."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.timeline: IncidentTimeline | None = None
        self.lanes: list[tuple[str, str]] = []
        self.items: list[TimelineItem] = []
        self._span_labels: list[tuple[pg.TextItem, float, float]] = []
        offset = console.tz.utcoffset(None)
        self.axis = pg.DateAxisItem(orientation="bottom", utcOffset=-int(
            offset.total_seconds()) if offset is not None else 0)
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis})
        self.plot.setBackground(self.palette().color(self.backgroundRole()))
        self.plot.showGrid(x=True, y=False, alpha=0.18)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        vb = self.plot.getViewBox()
        vb.setMouseEnabled(x=True, y=False)
        vb.sigXRangeChanged.connect(lambda *_: self._fit_labels())
        ink = self.palette().color(self.foregroundRole())
        for name in ("left", "bottom"):
            ax = self.plot.getAxis(name)
            ax.setPen(pg.mkPen(QColor(ink.red(), ink.green(), ink.blue(), 120)))
            ax.setTextPen(pg.mkPen(ink))
        self.plot.getAxis("left").setWidth(150)
        self.title = QLabel(translate("IncidentTimeline",
                                      "Select an incident to see its timeline"))
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addWidget(self.plot, 1)
        self.instant_line = pg.InfiniteLine(angle=90, movable=False,
                                      pen=pg.mkPen("#0061ff", width=2))
        self.scatter = pg.ScatterPlotItem(hoverable=True, tip=self._tip,
                                          hoverPen=pg.mkPen("#111827", width=2), hoverSize=15)
        self.scatter.sigClicked.connect(self._on_clicked)
        self._clear()

    # ------------------------------------------------------------------------ content

    def _clear(self) -> None:
        self.plot.clear()
        self._span_labels = []
        self.limit_tags: list[pg.TextItem] = []
        self.plot.addItem(self.instant_line, ignoreBounds=True)
        self.scatter.clear()
        self.plot.addItem(self.scatter)

    def lane_name(self, lane: str, key: str) -> str:
        c = self.console
        if lane == LANE_INCIDENT:
            return translate("IncidentTimeline", "Incident %1").replace("%1", key)
        if lane == LANE_DEPARTMENT:
            return c.department_name(key)
        return c.unit_name(key)

    def describe(self, item: TimelineItem) -> str:
        """What happened at a marker, in words."""
        sentence = _SENTENCES.get((item.kind, item.value))
        if sentence is not None:
            return _k(sentence)
        what = _k(_KINDS.get(item.kind, item.kind))
        v = item.value
        if not v:
            return what
        if item.kind in ("status", "start"):
            v = labels.incident_status(v)
        elif item.kind in ("unit_status", "released"):
            v = labels.unit_status(v) if v in _UNIT_STATUSES else v
        elif item.kind in ("escalated", "escalated_skip"):
            v = labels.level(int(v))
        elif item.kind == "clock":
            stage, _, state = v.partition(":")
            v = f"{labels.stage(stage)} {_k(_VALUES.get(state, state))}"
        elif item.kind == "extension_requested":
            v = labels.duration(int(v) * 60)
        else:
            v = _k(_VALUES.get(v, v))
        return f"{what} → {v}"

    def _tip(self, x: float, y: float, data: Any) -> str:
        if not isinstance(data, int) or not 0 <= data < len(self.items):
            return ""
        it = self.items[data]
        lines = [labels.full_time(it.ts, self.console.tz),
                 self.lane_name(it.lane, it.key), self.describe(it)]
        detail = it.detail
        if it.kind == "status" and it.value == "closed" and detail:
            detail = labels.close_reason(detail)
        if detail:
            lines.append(detail)
        if it.operator:
            lines.append(translate("IncidentTimeline", "by %1").replace("%1", it.operator))
        lines.append(f"#{it.seq}")
        return "\n".join(lines)

    def tip_for(self, index: int) -> str:
        """The hover text of marker ``index`` (same order as :attr:`items`)."""
        it = self.items[index]
        return self._tip(it.ts, 0.0, index)

    def show_timeline(self, timeline: IncidentTimeline | None) -> None:
        """Draw a timeline (None clears the chart)."""
        self.timeline = timeline
        self._clear()
        if timeline is None:
            self.lanes, self.items = [], []
            self.title.setText(translate("IncidentTimeline",
                                         "Select an incident to see its timeline"))
            return
        self.lanes = timeline.lane_keys()
        row = {lane: -i for i, lane in enumerate(self.lanes)}
        end = timeline.end_ts
        c = self.console
        rec = timeline.record
        if rec is not None:
            self.title.setText(f"{timeline.incident_id} · {c.class_name(rec.class_code)} · "
                               f"{labels.grid_label(c.city, rec.grid)} · " + translate(
                                   "IncidentTimeline", "finally %1").replace(
                                   "%1", labels.incident_status(rec.status)))
        else:
            self.title.setText(timeline.incident_id)
        # lane bands and names
        band = QColor(self.palette().color(self.foregroundRole()))
        band.setAlpha(14)
        left = self.plot.getAxis("left")
        left.setTicks([[(float(y), self._short(self.lane_name(*lane)))
                        for lane, y in row.items()]
                       + [(-len(self.lanes) - 0.1, translate("IncidentTimeline",
                                                              "Time limits"))]])
        # The incident's stretch of the window, and the limits still ahead of it.
        x0 = timeline.start_ts
        x1 = max([end] + [d.due for d in timeline.deadlines
                          if d.due > x0 and d.due - end < max(3600.0, end - x0)])
        for i in range(0, len(self.lanes), 2):
            rect = pg.BarGraphItem(x0=[x0 - 86400 * 30], x1=[x1 + 86400 * 30], y=[-i],
                                   height=1.0, brush=band, pen=pg.mkPen(None))
            rect.setZValue(-20)
            self.plot.addItem(rect, ignoreBounds=True)
        # status bars
        xs0, xs1, ys, brushes = [], [], [], []
        for s in timeline.spans:
            y = row.get((s.lane, s.key))
            if y is None:
                continue
            stop = end if s.end is None else s.end
            if stop <= s.start:
                stop = s.start + 1.0
            xs0.append(s.start)
            xs1.append(stop)
            ys.append(y)
            brushes.append(pg.mkBrush(self._span_colour(s.lane, s.value)))
            if s.lane == LANE_INCIDENT:
                label = pg.TextItem(labels.incident_status(s.value), color="#ffffff",
                                    anchor=(0, 0.5))
                f = QFont(self.font())
                f.setPointSizeF(max(7.0, f.pointSizeF() * 0.85))
                label.setFont(f)
                label.setPos(s.start, y)
                self.plot.addItem(label, ignoreBounds=True)
                self._span_labels.append((label, s.start, stop))
        if xs0:
            bars = pg.BarGraphItem(x0=xs0, x1=xs1, y=ys, height=LANE_HEIGHT, brushes=brushes,
                                   pen=pg.mkPen(None))
            bars.setZValue(-5)
            self.plot.addItem(bars)
        # time limits
        band_y = -len(self.lanes) + 0.2
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        for i, d in enumerate(timeline.deadlines):
            later = any(e.stage == d.stage and e.set_at > d.set_at
                        for e in timeline.deadlines[i + 1:])
            colour = QColor(_STAGE_COLOURS.get(d.stage, "#374151"))
            if later:
                colour.setAlpha(90)
            line = pg.InfiniteLine(
                pos=d.due, angle=90, movable=False,
                pen=pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine))
            line.setZValue(-2)
            self.plot.addItem(line)
            # Its name in the band under the lanes, staggered so neighbours do not collide.
            tag = pg.TextItem(translate("IncidentTimeline", "%1 limit").replace(
                "%1", labels.stage(d.stage)), color=colour, anchor=(0, 0.5))
            tag.setFont(small)
            tag.setPos(d.due, band_y - 0.05 - 0.27 * (i % 3))
            self.plot.addItem(tag, ignoreBounds=True)
            self.limit_tags.append(tag)
            done = d.met_at if d.met_at is not None else end
            if not later and done > d.due:
                shade = QColor(theme.ERROR)
                shade.setAlpha(38)
                region = pg.LinearRegionItem(values=(d.due, done), movable=False,
                                             brush=pg.mkBrush(shade), pen=pg.mkPen(None))
                region.setZValue(-15)
                self.plot.addItem(region)
        # markers
        self.items = list(timeline.items)
        spots = []
        for idx, it in enumerate(self.items):
            y = row.get((it.lane, it.key))
            if y is None:
                continue
            symbol, colour_hex, size = _MARKERS.get(it.kind, ("o", "#374151", 9))
            if not colour_hex:
                colour_hex = self._span_colour(it.lane, it.value)
            spots.append({"pos": (it.ts, y), "symbol": symbol, "size": size, "data": idx,
                          "brush": pg.mkBrush(colour_hex),
                          "pen": pg.mkPen("#ffffff", width=1.2)})
        self.scatter.setData(spots)
        self.scatter.setZValue(10)
        self.plot.setYRange(-len(self.lanes) - 0.7, 0.6, padding=0)
        pad = max(60.0, (x1 - x0) * 0.03)
        self.plot.setXRange(x0 - pad, x1 + pad, padding=0)
        self._fit_labels()

    @staticmethod
    def _short(text: str, n: int = 16) -> str:
        return text if len(text) <= n else text[:n - 1] + "…"

    @staticmethod
    def _span_colour(lane: str, value: str) -> str:
        if lane == LANE_INCIDENT:
            try:
                return theme.INCIDENT_STATUS_COLOURS[IncidentStatus(value)]
            except ValueError:
                return "#6b7280"
        if lane == LANE_UNIT:
            try:
                return theme.UNIT_STATUS_COLOURS[UnitStatus(value)]
            except ValueError:
                return "#6b7280"
        return _DEPT_COLOURS.get(value, "#60a5fa")

    def _fit_labels(self) -> None:
        """Show a status name inside its bar only where the bar is wide enough on screen."""
        if not self._span_labels:
            return
        vb = self.plot.getViewBox()
        (lo, hi), width = vb.viewRange()[0], max(1.0, vb.width())
        per_px = (hi - lo) / width if hi > lo else 1.0
        for label, start, stop in self._span_labels:
            text_px = label.textItem.boundingRect().width() + 6
            label.setVisible((stop - start) / per_px >= text_px)

    # ------------------------------------------------------------------------ replay

    def set_instant(self, ts: float) -> None:
        """Move the cursor to the replay's instant."""
        self.instant_line.setPos(ts)

    def marker_positions(self) -> np.ndarray:
        """(ts, lane y) of every marker, in :attr:`items` order."""
        pts = self.scatter.points()
        return np.array([[p.pos().x(), p.pos().y()] for p in pts])

    def _on_clicked(self, _item: Any, points: Any, _ev: Any) -> None:
        if points is None or not len(points):
            return
        idx = points[0].data()
        if isinstance(idx, int) and 0 <= idx < len(self.items):
            pos = self.items[idx].position
            if pos > 0:
                self.sig_marker_clicked.emit(pos)

    def click_marker(self, index: int) -> None:
        """Act as if marker ``index`` was clicked (keyboard, tests)."""
        target = next((p for p in self.scatter.points() if p.data() == index), None)
        if target is not None:
            self._on_clicked(self.scatter, [target], None)

