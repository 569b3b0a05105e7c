"""Today's key figures in a strip: reported, open, overdue, closure rate, on-time rate, mean
response; computed from the mirror with :func:`dispatch.domain.kpi.compute_kpis` for the operator's
region (the whole city for a city-wide role), refreshed a little after changes."""

from __future__ import annotations

from datetime import datetime, time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from dispatch.domain.kpi import GroupBy, Kpi, compute_kpis
from widgets import labels, theme
from widgets.console_model import ConsoleModel

_GROUP_FOR_SCOPE = {6: GroupBy.DISTRICT, 9: GroupBy.STREET, 12: GroupBy.COMMUNITY,
                    15: GroupBy.GRID}


translate = QCoreApplication.translate


_TILES = {
    "reported": (QT_TRANSLATE_NOOP("KpiStrip", "Reported today"),
                 QT_TRANSLATE_NOOP("KpiStrip", "Incidents reported since midnight")),
    "open": (QT_TRANSLATE_NOOP("KpiStrip", "Open"),
             QT_TRANSLATE_NOOP("KpiStrip", "Incidents not closed or cancelled")),
    "overdue": (QT_TRANSLATE_NOOP("KpiStrip", "Overdue"),
                QT_TRANSLATE_NOOP("KpiStrip", "Open incidents past their time limit")),
    "closure": (QT_TRANSLATE_NOOP("KpiStrip", "Closure rate"),
                QT_TRANSLATE_NOOP("KpiStrip", "Closed / due today (handling deadline today)")),
    "on_time": (QT_TRANSLATE_NOOP("KpiStrip", "On-time rate"),
                QT_TRANSLATE_NOOP("KpiStrip", "Closed on time / due today, extensions included")),
    "response": (QT_TRANSLATE_NOOP("KpiStrip", "Mean response"),
                 QT_TRANSLATE_NOOP("KpiStrip", "Dispatch → acknowledgement, acknowledged today")),
}


class _Tile(QFrame):
    def __init__(self, caption: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setToolTip(tip)
        self.value = QLabel("—")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(caption)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setStyleSheet(f"color: {theme.MUTED};")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 2, 10, 2)
        lay.setSpacing(0)
        lay.addWidget(self.value)
        lay.addWidget(self.caption)

    def set(self, text: str, colour: str | None = None) -> None:
        self.value.setText(text)
        self.value.setStyleSheet(f"color: {colour};" if colour else "")


class KpiStrip(QWidget):
    """Today's figures for the operator's region."""

    def _on_state_replaced(self, *_args: object) -> None:
        """A bound slot (not a lambda): Qt drops the connection when this object goes."""
        self.refresh()

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None, *,
                 delay_ms: int = 1500, period_ms: int = 30_000) -> None:
        super().__init__(parent)
        self.console = console
        self.kpi = Kpi()
        self.tiles = {key: _Tile(translate("KpiStrip", str(caption)),
                                 translate("KpiStrip", str(tip)))
                      for key, (caption, tip) in _TILES.items()}
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(6)
        for tile in self.tiles.values():
            lay.addWidget(tile)
        lay.addStretch(1)
        self.scope_label = QLabel()
        self.scope_label.setStyleSheet(f"color: {theme.MUTED};")
        lay.addWidget(self.scope_label)
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(delay_ms)
        self._delay.timeout.connect(self.refresh)
        self._period = QTimer(self)
        self._period.setInterval(period_ms)
        self._period.timeout.connect(self.refresh)
        self._period.start()
        console.sig_incidents_changed.connect(self._soon)
        console.sig_reset.connect(self.refresh)
        console.sig_state_replaced.connect(self._on_state_replaced)
        self.refresh()

    def _soon(self, _ids: object = None) -> None:
        if not self._delay.isActive():
            self._delay.start()

    def day_start(self) -> float:
        """Midnight today in the city's time zone."""
        now = labels.local(self.console.now(), self.console.tz)
        return datetime.combine(now.date(), time(0), tzinfo=self.console.tz).timestamp()

    def compute(self) -> Kpi:
        """Today's KPI of the operator's region."""
        c = self.console
        scope = c.actor.scope
        group = _GROUP_FOR_SCOPE.get(len(scope), GroupBy.CITY)
        # today, midnight to midnight, as it stands now (what was reported this very second
        # counts too; what falls due later today does not yet)
        start = self.day_start()
        got = compute_kpis(c.state, start, start + 86400.0, group, now=c.now())
        return got.get(scope if group != GroupBy.CITY else "", Kpi())

    def refresh(self) -> None:
        self._delay.stop()  # a refresh already scheduled would find the same
        k = self.kpi = self.compute()
        c = self.console
        t = self.tiles
        t["reported"].set(str(k.reported))
        t["open"].set(str(k.open))
        t["overdue"].set(str(k.overdue), theme.ERROR if k.overdue else None)
        t["closure"].set(labels.percent(k.closure_rate))
        on_time = k.on_time_rate
        t["on_time"].set(labels.percent(on_time),
                         theme.ERROR if on_time is not None and on_time < 0.8 else None)
        t["response"].set(labels.duration(k.mean_response_s))
        scope = c.actor.scope
        self.scope_label.setText(labels.region_name(c.city, scope) if scope
                                 else c.city.name)
