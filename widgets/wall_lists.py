"""The wall screen's lists: the most overdue incidents and the load of each department.

The figures come from the live state with :func:`most_overdue` and :func:`department_load`;
:class:`WallTable` paints rows of large text (no item views, no scroll bars, no selection: a
wall is looked at, not clicked), eliding what does not fit and dropping rows that do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.status import ENGAGED_UNIT_STATUSES, IncidentStatus, UnitStatus
from dispatch.domain.timelimits import running_clock
from widgets import labels
from widgets.console_model import ConsoleModel
from widgets.wall_tiles import WALL, wall_font

translate = QCoreApplication.translate

_WORKING = (IncidentStatus.DISPATCHED, IncidentStatus.ACKNOWLEDGED, IncidentStatus.HANDLING)


# ------------------------------------------------------------------------------- figures


def overdue_seconds(inc: Incident, now: float) -> float | None:
    """How long the incident has been overdue at ``now`` (its earliest passed deadline among
    the running clock and, while a department works on it, the handling limit); None when it
    is not overdue. Agrees with :func:`dispatch.domain.timelimits.is_overdue`."""
    passed: list[float] = []
    clock = running_clock(inc)
    if clock is not None and now >= clock.due:
        passed.append(clock.due)
    if inc.status in _WORKING and inc.handle_due is not None and now >= inc.handle_due:
        passed.append(inc.handle_due)
    return now - min(passed) if passed else None


def most_overdue(state: DispatchState, now: float, scope: str = "",
                 limit: int = 10) -> list[tuple[Incident, float]]:
    """The open incidents in ``scope`` (a region code prefix; "" is the whole city) that are
    overdue at ``now``, longest overdue first (ties: by id), at most ``limit``."""
    if limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    found: list[tuple[Incident, float]] = []
    for inc in state.incidents.values():
        if not inc.status.is_open or not inc.grid.startswith(scope):
            continue
        late = overdue_seconds(inc, now)
        if late is not None:
            found.append((inc, late))
    found.sort(key=lambda pair: (-pair[1], pair[0].id))
    return found[:limit]


@dataclass(frozen=True, slots=True)
class DepartmentLoad:
    """Open incidents led by a department and the state of its units, in one scope."""

    department: str
    open: int
    engaged: int
    available: int
    units: int


def department_load(state: DispatchState, scope: str = "",
                    catalogue: Catalogue | None = None) -> list[DepartmentLoad]:
    """Per lead department: open incidents whose grid is in ``scope``, and units whose home
    grid is in it (engaged: dispatched, en route, on scene, busy; available). An incident not
    dispatched yet counts for its class's lead department when ``catalogue`` is given, else
    for ``"-"``. Departments with neither are left out. Busiest first (open, then engaged),
    then by code."""
    open_: dict[str, int] = {}
    engaged: dict[str, int] = {}
    available: dict[str, int] = {}
    units: dict[str, int] = {}
    defaults: dict[str, str] = {}
    for inc in state.incidents.values():
        if inc.status.is_open and inc.grid.startswith(scope):
            dept = inc.lead_department
            if not dept:
                dept = defaults.get(inc.class_code, "")
                if not dept:
                    dept = defaults[inc.class_code] = _default_lead(catalogue, inc.class_code)
            open_[dept] = open_.get(dept, 0) + 1
    for u in state.units.values():
        if not u.home_grid.startswith(scope):
            continue
        units[u.department] = units.get(u.department, 0) + 1
        if u.status in ENGAGED_UNIT_STATUSES:
            engaged[u.department] = engaged.get(u.department, 0) + 1
        elif u.status == UnitStatus.AVAILABLE:
            available[u.department] = available.get(u.department, 0) + 1
    rows = [DepartmentLoad(d, open_.get(d, 0), engaged.get(d, 0), available.get(d, 0),
                           units.get(d, 0)) for d in set(open_) | set(units)]
    rows.sort(key=lambda r: (-r.open, -r.engaged, r.department))
    return rows


def _default_lead(catalogue: Catalogue | None, class_code: str) -> str:
    if catalogue is None:
        return "-"
    try:
        return catalogue.lead_department_of(class_code)
    except KeyError:
        return "-"


# ----------------------------------------------------------------------------- painting


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    stretch: float
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight
    # The column is as wide as this sample in bold (and the title), never elided; "" : a
    # share of the rest by ``stretch``.
    fit: str = ""


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    colour: str = WALL.text
    bold: bool = False
    # 0..1: a bar behind the text (share of the column's largest value); None: no bar.
    bar: float | None = None


class WallTable(QWidget):
    """Rows of large text under a header; as many rows as fit are painted."""

    ROW_SPACING = 1.32  # row height / line height

    def __init__(self, columns: Sequence[Column], empty_text: str = "",
                 parent: QWidget | None = None, *, font_px: int = 22) -> None:
        super().__init__(parent)
        if not columns:
            raise ValueError("a table needs at least one column")
        self.columns = tuple(columns)
        self.empty_text = empty_text
        self.rows: list[tuple[Cell, ...]] = []
        self._font = wall_font(font_px)
        self._bold = wall_font(font_px, bold=True)
        self._header_font = wall_font(max(12, font_px - 4))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    def set_rows(self, rows: Sequence[Sequence[Cell]]) -> None:
        for row in rows:
            if len(row) != len(self.columns):
                raise ValueError(f"row has {len(row)} cells, the table {len(self.columns)} "
                                 "columns")
        new = [tuple(r) for r in rows]
        if new != self.rows:
            self.rows = new
            self.update()

    def row_height(self) -> int:
        return int(QFontMetrics(self._font).height() * self.ROW_SPACING)

    def header_height(self) -> int:
        return int(QFontMetrics(self._header_font).height() * 1.5)

    def visible_rows(self) -> int:
        """How many rows fit in the current height."""
        return max(0, (self.height() - self.header_height()) // max(1, self.row_height()))

    def sizeHint(self) -> QSize:
        return QSize(400, self.header_height() + 8 * self.row_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(200, self.header_height() + 3 * self.row_height())

    PAD = 6.0

    def _widths(self) -> list[float]:
        bold, header = QFontMetrics(self._bold), QFontMetrics(self._header_font)
        fixed = [max(bold.horizontalAdvance(c.fit), header.horizontalAdvance(c.title))
                 + 2 * self.PAD + 2 if c.fit else 0.0 for c in self.columns]
        rest = max(0.0, self.width() - sum(fixed))
        total = sum(c.stretch for c in self.columns if not c.fit) or 1.0
        return [f if c.fit else rest * c.stretch / total
                for c, f in zip(self.columns, fixed, strict=True)]

    def _column_rects(self, y: float, h: float) -> list[QRectF]:
        x, out = 0.0, []
        for w in self._widths():
            out.append(QRectF(x + self.PAD, y, max(0.0, w - 2 * self.PAD), h))
            x += w
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        hh, rh = self.header_height(), self.row_height()
        p.setFont(self._header_font)
        p.setPen(QColor(WALL.muted))
        fm = QFontMetrics(self._header_font)
        for col, rect in zip(self.columns, self._column_rects(0, hh), strict=True):
            p.drawText(rect, int(col.align | Qt.AlignmentFlag.AlignVCenter),
                       fm.elidedText(col.title, Qt.TextElideMode.ElideRight, int(rect.width())))
        p.setPen(QColor(WALL.border))
        p.drawLine(0, hh - 1, self.width(), hh - 1)
        if not self.rows:
            if self.empty_text:
                p.setFont(self._font)
                p.setPen(QColor(WALL.muted))
                p.drawText(QRectF(0, hh, self.width(), rh * 2),
                           int(Qt.AlignmentFlag.AlignCenter), self.empty_text)
            p.end()
            return
        for i, row in enumerate(self.rows[:self.visible_rows()]):
            y = hh + i * rh
            if i % 2:
                p.fillRect(QRectF(0, y, self.width(), rh), QColor(WALL.stripe))
            for col, cell, rect in zip(self.columns, row, self._column_rects(y, rh),
                                       strict=True):
                if cell.bar is not None and cell.bar > 0:
                    bar = QRectF(rect.x(), y + rh * 0.18, rect.width() * min(1.0, cell.bar),
                                 rh * 0.64)
                    p.fillRect(bar, QColor(WALL.bar))
                font = self._bold if cell.bold else self._font
                p.setFont(font)
                p.setPen(QColor(cell.colour))
                text = QFontMetrics(font).elidedText(cell.text, col.elide, int(rect.width()))
                p.drawText(rect, int(col.align | Qt.AlignmentFlag.AlignVCenter), text)
        p.end()


class OverdueList(WallTable):
    """The most overdue open incidents: id, class, grid, how long overdue, supervised."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None, *,
                 font_px: int = 22) -> None:
        right = Qt.AlignmentFlag.AlignRight
        centre = Qt.AlignmentFlag.AlignHCenter
        super().__init__(
            [Column(translate("WallLists", "Incident"), 0, fit="E0000000"),
             Column(translate("WallLists", "Class"), 1.0),
             # the end of a grid's name tells it from its neighbours: "…第03网格"
             Column(translate("WallLists", "Grid"), 1.5, elide=Qt.TextElideMode.ElideMiddle),
             Column(translate("WallLists", "Overdue by"), 0, right,
                    fit=labels.duration(23 * 3600 + 59 * 60)),
             Column(translate("WallLists", "Supervised"), 0, centre,
                    fit=translate("WallLists", "yes"))],
            translate("WallLists", "No overdue incidents"), parent, font_px=font_px)
        self.console = console
        self.items: list[tuple[Incident, float]] = []

    def show_overdue(self, items: Sequence[tuple[Incident, float]]) -> None:
        c = self.console
        self.items = list(items)
        supervised = translate("WallLists", "yes")
        rows = []
        for inc, late in self.items:
            colour = WALL.alert if inc.priority == "urgent" else WALL.text
            rows.append((Cell(inc.id, colour, bold=True),
                         Cell(c.class_name(inc.class_code)),
                         Cell(c.grid_name(inc.grid), WALL.muted_text),
                         Cell(labels.duration(late), WALL.alert, bold=True),
                         Cell(supervised if inc.supervised else "", WALL.accent, bold=True)))
        self.set_rows(rows)


class DepartmentLoadList(WallTable):
    """Open incidents per lead department, with its engaged and available units."""

    def __init__(self, console: ConsoleModel, parent: QWidget | None = None, *,
                 font_px: int = 22) -> None:
        right = Qt.AlignmentFlag.AlignRight
        super().__init__(
            [Column(translate("WallLists", "Department"), 1.0),
             Column(translate("WallLists", "Open"), 0.5, right),
             Column(translate("WallLists", "Engaged"), 0, right, fit="0000"),
             Column(translate("WallLists", "Available"), 0, right, fit="0000")],
            translate("WallLists", "No open incidents"), parent, font_px=font_px)
        self.console = console
        self.loads: list[DepartmentLoad] = []

    def show_load(self, loads: Sequence[DepartmentLoad]) -> None:
        c = self.console
        self.loads = list(loads)
        top = max((d.open for d in self.loads), default=0)
        rows = []
        for d in self.loads:
            name = c.department_name(d.department) if d.department != "-" else \
                translate("WallLists", "(no department)")
            open_cell = Cell(str(d.open), WALL.text, bold=True,
                             bar=d.open / top if top else None)
            if not d.units:  # a department without units here (e.g. the street office)
                rows.append((Cell(name), open_cell, Cell("—", WALL.muted_text),
                             Cell("—", WALL.muted_text)))
                continue
            rows.append((Cell(name), open_cell,
                         Cell(str(d.engaged), WALL.warn if d.engaged else WALL.muted_text),
                         Cell(str(d.available), WALL.good if d.available else WALL.alert)))
        self.set_rows(rows)
