"""The scrubber's painted track: how busy the replay window was (events per pixel), the part
already played, the selected incident's events as ticks under it, the bookmarks as flags above
it, and the hours; clicking or dragging it seeks.

The track draws what its :class:`TrackSource` (the scrubber) holds and seeks through it; it
keeps only what it drew (the busy-ness bars, once per size and timeline).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timezone
from typing import Protocol

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from dispatch.services.replay import Bookmark


class TrackSource(Protocol):
    """What the track draws and seeks through (the scrubber)."""

    tz: timezone
    times_array: np.ndarray
    start_ts: float
    end_ts: float
    instant: float
    incident_positions: list[int]
    bookmarks: list[Bookmark]

    def ts_at(self, position: int) -> float: ...

    def seek_time(self, ts: float) -> None: ...

    def format_time(self, ts: float) -> str: ...


# Steps between the track's time labels (seconds), the finest that leaves room for a label.
TICK_STEPS = (60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800)


def time_ticks(start_ts: float, end_ts: float, width: float, label_w: float,
               tz: timezone) -> list[tuple[float, str]]:
    """The labelled instants under a track ``width`` pixels wide for ``[start_ts, end_ts]``:
    whole local steps, at least ``label_w`` pixels apart. A window longer than the steps go
    (one from the epoch) gets whole weeks, as many as fit: never more labels than room."""
    span = end_ts - start_ts
    if span <= 0 or width <= 0:
        return []
    step = next((st for st in TICK_STEPS if width * st / span >= label_w), None)
    if step is None:
        step = TICK_STEPS[-1] * math.ceil(span * label_w / (width * TICK_STEPS[-1]))
    offset = tz.utcoffset(None)
    off_s = offset.total_seconds() if offset is not None else 0.0
    t = ((start_ts + off_s) // step + 1) * step - off_s
    out = []
    while t < end_ts:
        local = datetime.fromtimestamp(t, UTC).astimezone(tz)
        if step > TICK_STEPS[-1]:
            fmt = "%Y-%m-%d"
        else:
            fmt = "%H:%M" if step < 86400 and (local.hour or local.minute) else "%m-%d"
        out.append((t, local.strftime(fmt)))
        t += step
    return out


class TimelineTrack(QWidget):
    """The painted track of the scrubber (see the module docstring)."""

    def __init__(self, source: TrackSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.s = source
        self.setMinimumHeight(54)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._hist: tuple[int, np.ndarray] | None = None
        self._pixmap: QPixmap | None = None
        self._dragging = False

    # geometry
    def _lane(self) -> QRectF:
        return QRectF(8, 14, max(1, self.width() - 16), 22)

    def x_of(self, ts: float) -> float:
        lane, s = self._lane(), self.s
        span = max(1e-9, s.end_ts - s.start_ts)
        return lane.left() + (ts - s.start_ts) / span * lane.width()

    def ts_of(self, x: float) -> float:
        lane, s = self._lane(), self.s
        f = min(1.0, max(0.0, (x - lane.left()) / lane.width()))
        return s.start_ts + f * (s.end_ts - s.start_ts)

    def invalidate(self) -> None:
        self._hist = None
        self._pixmap = None
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(600, 58)

    def _background(self, lane: QRectF) -> QPixmap:
        """The lane with its busy-ness bars (events per pixel column, square-root scaled),
        drawn once per size and timeline."""
        size = QSize(int(lane.width()), int(lane.height()))
        if self._pixmap is not None and self._pixmap.size() == size:
            return self._pixmap
        pm = QPixmap(size)
        pm.fill(self.palette().color(self.palette().ColorRole.Base))
        hist = self._histogram(max(1, size.width() // 2))
        peak = float(hist.max()) if len(hist) else 0.0
        if peak > 0:
            p = QPainter(pm)
            bar = QColor("#5b7a99")
            bar.setAlpha(150)
            col_w = size.width() / len(hist)
            for i, v in enumerate(np.sqrt(hist / peak)):
                if v > 0:
                    h = max(1.0, float(v) * (size.height() - 2))
                    p.fillRect(QRectF(i * col_w, size.height() - h, col_w + 0.5, h), bar)
            p.end()
        self._pixmap = pm
        return pm

    def _histogram(self, bins: int) -> np.ndarray:
        if self._hist is None or self._hist[0] != bins:
            times = self.s.times_array
            if len(times) and self.s.end_ts > self.s.start_ts:
                h, _ = np.histogram(times, bins=bins, range=(self.s.start_ts, self.s.end_ts))
            else:
                h = np.zeros(bins, dtype=np.int64)
            self._hist = (bins, h)
        return self._hist[1]

    def paintEvent(self, event: QPaintEvent) -> None:
        s = self.s
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        lane = self._lane()
        text = pal.color(pal.ColorRole.WindowText)
        mid = QColor(text)
        mid.setAlpha(60)
        p.drawPixmap(lane.topLeft(), self._background(lane))
        # played part
        x = self.x_of(s.instant)
        played = QColor(pal.color(pal.ColorRole.Highlight))
        played.setAlpha(45)
        p.fillRect(QRectF(lane.left(), lane.top(), x - lane.left(), lane.height()), played)
        p.setPen(QPen(mid, 1))
        p.drawRect(lane)
        # hours
        self._paint_hours(p, lane, text)
        # incident events under the lane
        if s.incident_positions:
            p.setPen(QPen(QColor("#d32f2f"), 2))
            for pos in s.incident_positions:
                xi = self.x_of(s.ts_at(pos))
                p.drawLine(QPointF(xi, lane.bottom() + 1), QPointF(xi, lane.bottom() + 7))
        # bookmarks above it
        flag = QColor("#f59e0b")
        for b in s.bookmarks:
            xb = self.x_of(b.ts)
            path = QPainterPath()
            path.moveTo(xb, lane.top())
            path.lineTo(xb - 5, lane.top() - 9)
            path.lineTo(xb + 5, lane.top() - 9)
            path.closeSubpath()
            p.fillPath(path, flag)
            p.setPen(QPen(flag, 1))
            p.drawLine(QPointF(xb, lane.top()), QPointF(xb, lane.bottom()))
        # the handle
        hl = pal.color(pal.ColorRole.Highlight)
        p.setPen(QPen(hl, 2))
        p.drawLine(QPointF(x, lane.top() - 3), QPointF(x, lane.bottom() + 3))
        p.setBrush(hl)
        p.setPen(QPen(pal.color(pal.ColorRole.Base), 1.5))
        p.drawEllipse(QPointF(x, lane.top() - 3), 5, 5)
        p.end()

    def _paint_hours(self, p: QPainter, lane: QRectF, colour: QColor) -> None:
        s = self.s
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        p.setFont(font)
        fm = p.fontMetrics()
        label_w = fm.horizontalAdvance("00-00 00:00") + 12
        tick = QColor(colour)
        tick.setAlpha(110)
        for t, label in time_ticks(s.start_ts, s.end_ts, lane.width(), label_w, s.tz):
            x = self.x_of(t)
            p.setPen(QPen(tick, 1))
            p.drawLine(QPointF(x, lane.bottom()), QPointF(x, lane.bottom() + 4))
            p.setPen(QPen(colour, 1))
            p.drawText(QRectF(x - label_w / 2, lane.bottom() + 4, label_w, fm.height()),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)

    # mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
            self.s.seek_time(self.ts_of(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._dragging:
            self.s.seek_time(self.ts_of(x))
        tip = self.s.format_time(self.ts_of(x))
        for b in self.s.bookmarks:
            if abs(self.x_of(b.ts) - x) <= 5 and b.note:
                tip += f"\n★ {b.note}"
        QToolTip.showText(event.globalPosition().toPoint(), tip, self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = False
