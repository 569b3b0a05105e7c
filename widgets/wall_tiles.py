"""The wall screen's look (high-contrast colours on black, large type) and its KPI tiles:
today's reported, closed, closure rate, on-time closure rate, mean response and overdue now,
for the whole city or one district (:func:`scope_kpi` over :func:`dispatch.domain.kpi.compute_kpis`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from dispatch.domain.kpi import GroupBy, Kpi, compute_kpis
from dispatch.domain.state import DispatchState
from widgets import labels

translate = QCoreApplication.translate


@dataclass(frozen=True, slots=True)
class WallColours:
    """Colours of the wall: light text on near-black, saturated signal colours."""

    background: str = "#04060a"
    panel: str = "#0b111b"
    border: str = "#223047"
    stripe: str = "#111a28"
    bar: str = "#1f3a5f"
    text: str = "#f8fafc"
    muted: str = "#9fb0c6"  # captions and headers
    muted_text: str = "#cbd5e1"  # secondary cell text
    accent: str = "#fbbf24"  # amber: titles, the current district
    alert: str = "#ff5c5c"
    warn: str = "#fbbf24"
    good: str = "#4ade80"
    urgent_banner: str = "#c81e1e"
    stale_banner: str = "#f59e0b"


WALL = WallColours()

_GROUP_FOR_SCOPE = {6: GroupBy.DISTRICT, 9: GroupBy.STREET, 12: GroupBy.COMMUNITY,
                    15: GroupBy.GRID}


def wall_font(px: int, *, bold: bool = False) -> QFont:
    """The application's font (CJK-capable families) at ``px`` pixels."""
    app = QApplication.instance()
    font = QFont(app.font()) if isinstance(app, QApplication) else QFont()
    font.setFamilies(["Noto Sans CJK SC", "Noto Sans", "DejaVu Sans"])
    font.setPixelSize(px)
    font.setBold(bold)
    return font


def day_start(now: float, tz: tzinfo) -> float:
    """Midnight of ``now``'s day in the city's time zone."""
    local = labels.local(now, tz)  # type: ignore[arg-type]
    return datetime.combine(local.date(), time(0), tzinfo=tz).timestamp()


def scope_kpi(state: DispatchState, start: float, end: float, scope: str = "", *,
              now: float | None = None) -> Kpi:
    """The KPI of ``[start, end)`` at ``now`` (:func:`~dispatch.domain.kpi.compute_kpis`) for a
    region (a code of 6, 9, 12 or 15 digits) or the city."""
    if scope and len(scope) not in _GROUP_FOR_SCOPE:
        raise ValueError(f"scope must be a region code of 6, 9, 12 or 15 digits or '', "
                         f"got {scope!r}")
    group = _GROUP_FOR_SCOPE.get(len(scope), GroupBy.CITY)
    return compute_kpis(state, start, end, group, now=now).get(scope, Kpi())


_TILES = {
    "reported": QT_TRANSLATE_NOOP("WallTiles", "Reported today"),
    "closed": QT_TRANSLATE_NOOP("WallTiles", "Closed today"),
    "closure": QT_TRANSLATE_NOOP("WallTiles", "Closure rate"),
    "on_time": QT_TRANSLATE_NOOP("WallTiles", "On-time closure rate"),
    "response": QT_TRANSLATE_NOOP("WallTiles", "Mean response"),
    "overdue": QT_TRANSLATE_NOOP("WallTiles", "Overdue now"),
}
TILE_KEYS = tuple(_TILES)


class WallTile(QFrame):
    """One figure: a large value, its caption, a small detail line."""

    def __init__(self, caption: str, parent: QWidget | None = None, *,
                 value_px: int = 64) -> None:
        super().__init__(parent)
        self.setObjectName("wallTile")
        self.setStyleSheet(f"QFrame#wallTile {{ background: {WALL.panel}; "
                           f"border: 2px solid {WALL.border}; border-radius: 8px; }}")
        self.value = QLabel("—")
        self.value.setFont(wall_font(value_px, bold=True))
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(caption)
        self.caption.setFont(wall_font(max(14, value_px * 3 // 8), bold=True))
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setStyleSheet(f"color: {WALL.muted}; border: 0;")
        self.detail = QLabel("")
        self.detail.setFont(wall_font(max(12, value_px * 9 // 32)))
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setStyleSheet(f"color: {WALL.muted}; border: 0;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 6)
        lay.setSpacing(0)
        lay.addWidget(self.caption)
        lay.addWidget(self.value, 1)
        lay.addWidget(self.detail)
        self.colour = WALL.text
        self.set("—")

    def set(self, text: str, colour: str | None = None, detail: str = "") -> None:
        self.colour = colour or WALL.text
        self.value.setText(text)
        self.value.setStyleSheet(f"color: {self.colour}; border: 0;")
        self.detail.setText(detail)


def _rate_colour(rate: float | None) -> str | None:
    if rate is None:
        return None
    if rate < 0.8:
        return WALL.alert
    if rate < 0.9:
        return WALL.warn
    return WALL.good


class WallTiles(QWidget):
    """Six KPI tiles in a row; :meth:`show_kpi` fills them."""

    def __init__(self, parent: QWidget | None = None, *, value_px: int = 64) -> None:
        super().__init__(parent)
        self.kpi = Kpi()
        self.tiles = {key: WallTile(translate("WallTiles", str(text)), value_px=value_px)
                      for key, text in _TILES.items()}
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(12)
        for tile in self.tiles.values():
            lay.addWidget(tile, 1)

    def text(self, key: str) -> str:
        """The value shown on a tile (for tests and logs)."""
        return self.tiles[key].value.text()

    def show_kpi(self, k: Kpi) -> None:
        self.kpi = k
        t = self.tiles
        t["reported"].set(f"{k.reported:,}", detail=translate("WallTiles", "open %1").replace(
            "%1", f"{k.open:,}"))
        t["closed"].set(f"{k.closed_in_period:,}", WALL.good if k.closed_in_period else None,
                        translate("WallTiles", "closed since midnight"))
        due = translate("WallTiles", "%1 / %2 due today")
        t["closure"].set(labels.percent(k.closure_rate), _rate_colour(k.closure_rate),
                         due.replace("%1", f"{k.closed:,}").replace("%2", f"{k.due:,}"))
        t["on_time"].set(labels.percent(k.on_time_rate), _rate_colour(k.on_time_rate),
                         due.replace("%1", f"{k.closed_on_time:,}").replace("%2", f"{k.due:,}"))
        t["response"].set(labels.duration(k.mean_response_s), None,
                          translate("WallTiles", "dispatch → acknowledgement"))
        t["overdue"].set(f"{k.overdue:,}", WALL.alert if k.overdue else WALL.good,
                         translate("WallTiles", "open past their time limit"))
