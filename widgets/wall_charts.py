"""The wall screen's charts (pyqtgraph): incidents reported per hour of today by major class
(stacked bars) and open incidents over the day (a line).

The series come from the live state: :func:`hourly_by_major` counts today's reports per hour;
:class:`OpenSeries` keeps the open count of the city and of every district, backfilled from
the incidents' ``reported_at``/``closed_at`` when it starts (or a new day begins) and sampled
from the live state after that. Charts take no input: mouse, menus and buttons are off.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from html import escape

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.state import DispatchState
from dispatch.domain.status import IncidentStatus
from widgets.wall_tiles import WALL, wall_font

translate = QCoreApplication.translate

HOURS = 24
DAY_S = 86_400.0
# One colour per major class (in code order), bright enough on the wall's black.
MAJOR_COLOURS = ("#60a5fa", "#f87171", "#fbbf24", "#34d399", "#c084fc", "#f472b6",
                 "#22d3ee", "#fb923c", "#a3e635", "#e2e8f0")
OTHER_COLOUR = "#94a3b8"
DISTRICT_DIGITS = 6

_FINISHED = (IncidentStatus.CLOSED, IncidentStatus.CANCELLED)


# ------------------------------------------------------------------------------- figures


def hourly_by_major(state: DispatchState, catalogue: Catalogue, day_start: float,
                    scope: str = "") -> dict[str, list[int]]:
    """Incidents reported in each hour of the day starting at ``day_start``, per major class
    code (``"-"`` for an unknown class), for grids in ``scope`` ("" is the whole city)."""
    majors: dict[str, str] = {}
    out: dict[str, list[int]] = {}
    for inc in state.incidents.values():
        offset = inc.reported_at - day_start
        if not 0.0 <= offset < DAY_S or not inc.grid.startswith(scope):
            continue
        major = majors.get(inc.class_code)
        if major is None:
            try:
                major = catalogue.minor_of(inc.class_code).major
            except KeyError:
                major = "-"
            majors[inc.class_code] = major
        row = out.get(major)
        if row is None:
            row = out[major] = [0] * HOURS
        row[int(offset // 3600.0)] += 1
    return out


def _open_deltas(state: DispatchState) -> dict[str, list[tuple[float, int]]]:
    """Per scope ("" and each district): +1 when an incident was reported, -1 when it was
    closed or cancelled."""
    deltas: dict[str, list[tuple[float, int]]] = {"": []}
    for inc in state.incidents.values():
        district = inc.grid[:DISTRICT_DIGITS]
        lst = deltas.get(district)
        if lst is None:
            lst = deltas[district] = []
        events = [(inc.reported_at, 1)]
        if inc.status in _FINISHED and inc.closed_at is not None:
            events.append((inc.closed_at, -1))
        lst.extend(events)
        deltas[""].extend(events)
    return deltas


class OpenSeries:
    """Open incidents over one day, for the whole city ("") and for each district.

    :meth:`update` is called every few seconds with the live state. On the first call of a
    day it backfills points every ``step_s`` from midnight from the incidents' report and
    closure times (approximate: incidents archived since are missing); after that it samples
    the live open count, keeping a point every ``step_s`` of engine time plus a live tip.
    """

    def __init__(self, step_s: float = 300.0) -> None:
        if step_s <= 0:
            raise ValueError(f"step_s must be > 0, got {step_s}")
        self.step_s = step_s
        self.day_start: float | None = None
        self._fixed: dict[str, list[tuple[float, int]]] = {}
        self._tip: dict[str, tuple[float, int]] = {}

    def scopes(self) -> list[str]:
        return sorted(set(self._fixed) | set(self._tip))

    def points(self, scope: str = "") -> list[tuple[float, int]]:
        """(engine time, open count) from midnight to the last update."""
        fixed = self._fixed.get(scope, [])
        tip = self._tip.get(scope)
        return [*fixed, tip] if tip is not None and (not fixed or tip[0] > fixed[-1][0]) \
            else list(fixed)

    def update(self, state: DispatchState, now: float, day_start: float) -> None:
        if self.day_start != day_start:
            self.backfill(state, now, day_start)
            return
        counts = self._open_now(state)
        for scope in set(counts) | set(self._fixed):
            point = (now, counts.get(scope, 0))
            fixed = self._fixed.setdefault(scope, [])
            if not fixed or now >= fixed[-1][0] + self.step_s:
                fixed.append(point)
                self._tip.pop(scope, None)
            else:
                self._tip[scope] = point

    def backfill(self, state: DispatchState, now: float, day_start: float) -> None:
        """Rebuild the day from ``day_start`` to ``now`` out of the state's incidents."""
        self.day_start = day_start
        self._fixed, self._tip = {}, {}
        times: list[float] = []
        t = day_start
        while t < now:
            times.append(t)
            t += self.step_s
        times.append(now)
        for scope, events in _open_deltas(state).items():
            events.sort()
            at = [e[0] for e in events]
            running, prefix = 0, [0]
            for _ts, d in events:
                running += d
                prefix.append(running)
            self._fixed[scope] = [(ts, prefix[bisect.bisect_right(at, ts)]) for ts in times]

    @staticmethod
    def _open_now(state: DispatchState) -> dict[str, int]:
        counts: dict[str, int] = {"": 0}
        for inc in state.incidents.values():
            if inc.status.is_open:
                d = inc.grid[:DISTRICT_DIGITS]
                counts[d] = counts.get(d, 0) + 1
                counts[""] += 1
        return counts


# -------------------------------------------------------------------------------- charts


def _plot(background: str = WALL.panel, tick_px: int = 18) -> pg.PlotWidget:
    """A plot that takes no input, with large ticks in the wall's colours."""
    plot = pg.PlotWidget(background=background)
    plot.setMouseEnabled(x=False, y=False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
    item = plot.getPlotItem()
    font = wall_font(tick_px)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(WALL.border, width=2))
        axis.setTextPen(pg.mkPen(WALL.muted_text))
        axis.setStyle(tickFont=font, tickTextOffset=8, tickLength=-8)
    item.getAxis("left").setWidth(int(tick_px * 3.4))
    item.getAxis("bottom").setHeight(int(tick_px * 2.0))
    item.showGrid(x=False, y=True, alpha=0.18)
    item.getAxis("bottom").setTicks([[(h, f"{h:02d}") for h in range(0, HOURS + 1, 3)]])
    item.setXRange(0, HOURS, padding=0.01)
    plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    return plot


def _now_line() -> pg.InfiniteLine:
    return pg.InfiniteLine(angle=90, movable=False,
                           pen=pg.mkPen(WALL.accent, width=2, style=Qt.PenStyle.DashLine))


def _y_top(value: float) -> float:
    return max(5.0, value * 1.15)


OTHER = "other"


class HourlyChart(QWidget):
    """Stacked bars: incidents reported per hour of today by major class. The ``groups - 1``
    largest classes of the day get a colour each (stable per class), the rest are stacked as
    one grey "other" bar; a two-line legend gives today's totals, largest first."""

    def __init__(self, catalogue: Catalogue, names: Mapping[str, str],
                 parent: QWidget | None = None, *, groups: int = 6, tick_px: int = 18,
                 legend_px: int = 19) -> None:
        super().__init__(parent)
        if groups < 2:
            raise ValueError(f"groups must be >= 2, got {groups}")
        self.names = dict(names)
        self.groups = groups
        codes = sorted(catalogue.majors)
        self.colours = {code: MAJOR_COLOURS[i % len(MAJOR_COLOURS)]
                        for i, code in enumerate(codes)}
        self.series: dict[str, list[int]] = {}
        # What is drawn: (major code or OTHER, counts per hour), bottom first.
        self.shown: list[tuple[str, list[int]]] = []
        self.legend = QLabel()
        self.legend.setFont(wall_font(legend_px))
        self._legend_bold = wall_font(legend_px, bold=True)
        self._legend_entries: list[tuple[str, str, int]] = []
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setStyleSheet(f"color: {WALL.text};")
        self.legend.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._legend_lines(2)
        self.plot = _plot(tick_px=tick_px)
        self._bars: dict[str, pg.BarGraphItem] = {}
        self._now = _now_line()
        self.plot.addItem(self._now)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.legend)
        lay.addWidget(self.plot, 1)

    def colour(self, code: str) -> str:
        return self.colours.get(code, OTHER_COLOUR)

    def totals(self) -> dict[str, int]:
        return {code: sum(row) for code, row in self.series.items()}

    def set_series(self, series: Mapping[str, Sequence[int]], now_hour: float | None) -> None:
        for code, row in series.items():
            if len(row) != HOURS:
                raise ValueError(f"series {code!r} has {len(row)} hours, expected {HOURS}")
        self.series = {code: list(row) for code, row in series.items() if any(row)}
        ranked = sorted(self.series, key=lambda code: (-sum(self.series[code]), code))
        if len(ranked) > self.groups:
            keep = sorted(ranked[:self.groups - 1])
            other = [sum(self.series[c][h] for c in ranked[self.groups - 1:])
                     for h in range(HOURS)]
            self.shown = [(c, self.series[c]) for c in keep] + [(OTHER, other)]
        else:
            self.shown = [(c, self.series[c]) for c in sorted(ranked)]
        x = [h + 0.5 for h in range(HOURS)]
        bottom = [0] * HOURS
        drawn = set()
        for code, row in self.shown:
            bar = self._bars.get(code)
            if bar is None:
                bar = self._bars[code] = pg.BarGraphItem(
                    x=x, height=row, y0=list(bottom), width=0.82,
                    brush=QColor(self.colour(code)), pen=pg.mkPen(WALL.panel, width=1))
                self.plot.addItem(bar)
            else:
                bar.setOpts(x=x, height=row, y0=list(bottom))
            bar.setVisible(True)
            drawn.add(code)
            bottom = [b + r for b, r in zip(bottom, row, strict=True)]
        for code, bar in self._bars.items():
            if code not in drawn:
                bar.setVisible(False)
        self.plot.getPlotItem().setYRange(0, _y_top(max(bottom)), padding=0)
        self._now.setVisible(now_hour is not None)
        if now_hour is not None:
            self._now.setValue(now_hour)
        self._update_legend()

    def _update_legend(self) -> None:
        entries = sorted(((code, sum(row)) for code, row in self.shown),
                         key=lambda kv: (kv[0] == OTHER, -kv[1], kv[0]))
        self._legend_entries = [
            (self.colour(code),
             translate("WallCharts", "Other") if code == OTHER else self.names.get(code, code),
             n) for code, n in entries]
        self._layout_legend()

    def _layout_legend(self) -> None:
        """Break the legend into lines between entries, never inside one."""
        if not self._legend_entries:
            self.legend.setText(escape(translate("WallCharts", "No incidents reported today")))
            self._legend_lines(1)
            return
        fm, bold = self.legend.fontMetrics(), QFontMetrics(self._legend_bold)
        gap = fm.horizontalAdvance("\u00a0" * 3)
        width = max(120, self.legend.width() - 8)
        lines: list[list[str]] = [[]]
        used = 0
        for colour, name, n in self._legend_entries:
            w = fm.horizontalAdvance(f"■\u00a0{name}\u00a0") + bold.horizontalAdvance(f"{n:,}")
            if lines[-1] and used + gap + w > width:
                lines.append([])
                used = 0
            used += (gap if lines[-1] else 0) + w
            lines[-1].append(f"<span style='color:{colour}'>■</span>&nbsp;{escape(name)}"
                             f"&nbsp;<b>{n:,}</b>")
        self.legend.setText("<br>".join("&nbsp;&nbsp;&nbsp;".join(line) for line in lines))
        self._legend_lines(len(lines))

    def _legend_lines(self, n: int) -> None:
        height = int(self.legend.fontMetrics().lineSpacing() * (n + 0.2))
        if self.legend.height() != height:
            self.legend.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._layout_legend()


class OpenChart(QWidget):
    """Open incidents over the day: a filled line from midnight to now."""

    def __init__(self, parent: QWidget | None = None, *, tick_px: int = 18) -> None:
        super().__init__(parent)
        self.points: list[tuple[float, int]] = []
        self.day_start = 0.0
        self.plot = _plot(tick_px=tick_px)
        fill = QColor(WALL.accent)
        fill.setAlpha(70)
        self._curve = pg.PlotDataItem([], [], pen=pg.mkPen(WALL.accent, width=4),
                                      fillLevel=0, brush=fill)
        self.plot.addItem(self._curve)
        self._now = _now_line()
        self.plot.addItem(self._now)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot, 1)

    def set_points(self, points: Iterable[tuple[float, int]], day_start: float) -> None:
        self.points = list(points)
        self.day_start = day_start
        xs = [(t - day_start) / 3600.0 for t, _ in self.points]
        ys = [float(n) for _, n in self.points]
        self._curve.setData(xs, ys)
        self.plot.getPlotItem().setYRange(0, _y_top(max(ys, default=0.0)), padding=0)
        self._now.setVisible(bool(xs))
        if xs:
            self._now.setValue(xs[-1])

    def current(self) -> int | None:
        return self.points[-1][1] if self.points else None
