"""The incident table: one row per incident of the mirror, rows by id.

Changes arrive as id sets from :class:`~widgets.console_model.ConsoleModel`: new ids are
inserted (``beginInsertRows``), changed ones get ``dataChanged`` for their rows only; after the
row-level signals of one batch, :attr:`IncidentTableModel.sig_rows_changed` lists every row of
the batch so that a proxy re-filters and re-sorts them once (not once per run of rows). The
model resets only when the mirror does; :meth:`IncidentTableModel.prune` removes the rows of
incidents that left the mirror (a replay going back in time). A one-second tick emits
``dataChanged`` for the countdown column alone, and only for the rows whose countdown text or
colour changed (to the second under an hour, to the minute beyond), so the time left on each
running clock is live without touching anything else and without re-sorting thousands of rows
every second; :meth:`IncidentTableModel.set_tick_rows` limits it to the rows on screen.

Proxies and views that know a row number can skip the ``QModelIndex`` round trip:
:meth:`IncidentTableModel.data_at` and :meth:`IncidentTableModel.sort_value`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from dispatch.domain.catalogue.model import Priority
from dispatch.domain.state import Incident
from dispatch.domain.status import OPEN_STATUSES, IncidentStatus
from dispatch.domain.timelimits import Clock, ClockState, clock_dues, is_overdue, running_clock
from widgets import labels, theme
from widgets.console_model import ConsoleModel
from widgets.rows import row_runs

Index = QModelIndex | QPersistentModelIndex

ID_ROLE = Qt.ItemDataRole.UserRole + 1
"""The incident id of the row (str)."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""A raw value to sort the column by (number or str)."""
CLOCK_ROLE = Qt.ItemDataRole.UserRole + 3
"""Countdown column: the running clock's state (``ok``/``near_due``/``overdue``) or None."""


class Column(IntEnum):
    ID = 0
    STATUS = 1
    PRIORITY = 2
    COUNTDOWN = 3
    SOURCE = 4
    CLASS = 5
    GRID = 6
    LEAD = 7
    UNITS = 8
    LEVEL = 9
    SUPERVISED = 10
    REPORTED = 11
    DUE = 12


HEADERS = {
    Column.ID: QT_TRANSLATE_NOOP("IncidentTableModel", "Incident"),
    Column.STATUS: QT_TRANSLATE_NOOP("IncidentTableModel", "Status"),
    Column.PRIORITY: QT_TRANSLATE_NOOP("IncidentTableModel", "Priority"),
    Column.COUNTDOWN: QT_TRANSLATE_NOOP("IncidentTableModel", "Time left"),
    Column.SOURCE: QT_TRANSLATE_NOOP("IncidentTableModel", "Source"),
    Column.CLASS: QT_TRANSLATE_NOOP("IncidentTableModel", "Class"),
    Column.GRID: QT_TRANSLATE_NOOP("IncidentTableModel", "Grid"),
    Column.LEAD: QT_TRANSLATE_NOOP("IncidentTableModel", "Lead department"),
    Column.UNITS: QT_TRANSLATE_NOOP("IncidentTableModel", "Units"),
    Column.LEVEL: QT_TRANSLATE_NOOP("IncidentTableModel", "Level"),
    Column.SUPERVISED: QT_TRANSLATE_NOOP("IncidentTableModel", "Supervised"),
    Column.REPORTED: QT_TRANSLATE_NOOP("IncidentTableModel", "Reported"),
    Column.DUE: QT_TRANSLATE_NOOP("IncidentTableModel", "Due"),
}

_PRIORITY_RANK = {p.value: i for i, p in enumerate(Priority)}
_STATUS_RANK = {s: i for i, s in enumerate(IncidentStatus)}
COUNTDOWN_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                   Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole, CLOCK_ROLE]
"""Roles of the countdown cells refreshed by the tick (time passing, no record changed)."""
_FLASH_ROLES = [Qt.ItemDataRole.BackgroundRole]
# The roles the table answers (any other gives None).
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, ID_ROLE, SORT_ROLE, CLOCK_ROLE,
                    Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
                    Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole,
                    Qt.ItemDataRole.TextAlignmentRole})
# Above this many runs of changed rows in one batch, one dataChanged spans them all.
_RUNS_AT_MOST = 32


class IncidentTableModel(QAbstractTableModel):
    """All incidents of the mirror; filter and sort with
    :class:`~widgets.incident_filter.IncidentFilterProxy`."""

    IdRole = ID_ROLE
    SortRole = SORT_ROLE
    ClockRole = CLOCK_ROLE

    sig_rows_changed = Signal(list)
    """Rows (sorted ints) whose records changed or appeared in one batch, emitted after the
    batch's ``rowsInserted``/``dataChanged`` signals: the queue's proxy re-filters and re-sorts
    them once per batch."""

    def __init__(self, console: ConsoleModel, parent: QObject | None = None, *,
                 tick_ms: int = 1000) -> None:
        super().__init__(parent)
        self.console = console
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._flash: dict[str, float] = {}  # id → flashing until (console time)
        self._open: set[str] = set()  # ids of open incidents (their clocks may run)
        self._countdown: dict[str, tuple[str, ClockState | None]] = {}  # as last signalled
        self._tick_rows: Callable[[], Iterable[int]] | None = None
        self._rows_stale = False
        self._flash_on = False
        self._bold = QFont()
        self._bold.setBold(True)
        console.sig_incidents_changed.connect(self.on_incidents_changed)
        console.sig_reset.connect(self.reload)
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self.tick)
        self._tick.start()
        self._flash_timer = QTimer(self)
        self._flash_timer.setInterval(450)
        self._flash_timer.timeout.connect(self._flash_step)
        self._load()

    # ----------------------------------------------------------------------- structure

    def _load(self) -> None:
        incidents = self.console.state.incidents
        self._ids = sorted(incidents)
        self._rows = {iid: i for i, iid in enumerate(self._ids)}
        self._open = {iid for iid, inc in incidents.items() if inc.status in OPEN_STATUSES}
        now = self.console.now()
        self._countdown = {iid: self._countdown_key(incidents[iid], now) for iid in self._open}

    def reload(self) -> None:
        """Rebuild from the mirror (only after a full resync)."""
        self.beginResetModel()
        self._flash.clear()
        self._load()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def row_of(self, incident_id: str) -> int | None:
        if self._rows_stale:
            self._renumber()
        return self._rows.get(incident_id)

    def ids(self) -> list[str]:
        """The incident ids of the rows, in row order (a copy)."""
        return list(self._ids)

    def id_at(self, row: int) -> str:
        return self._ids[row]

    def ids_at(self, rows: Iterable[int]) -> list[str]:
        """The incident ids of rows ``rows``, in that order."""
        return list(map(self._ids.__getitem__, rows))

    def incident_at(self, row: int) -> Incident | None:
        return self.console.state.incidents.get(self._ids[row])

    def index_of(self, incident_id: str, column: int = 0) -> QModelIndex:
        row = self.row_of(incident_id)
        return QModelIndex() if row is None else self.index(row, column)

    # ------------------------------------------------------------------------- updates

    def on_incidents_changed(self, ids: set[str]) -> None:
        """Insert new incidents at the end; ``dataChanged`` for runs of changed rows; then
        :attr:`sig_rows_changed` with all of them."""
        incidents = self.console.state.incidents
        if not isinstance(ids, (set, frozenset)):
            ids = set(ids)
        # Set operations in C: a replay seek reports 12,000 ids.
        new = sorted(ids.difference(self._rows).intersection(incidents))
        changed = sorted(map(self._rows.__getitem__, ids.intersection(self._rows)))
        now = self.console.now()
        # .get: a replay's copy-on-write state copies a record fetched by subscription
        opened = {iid: inc for iid in ids
                  if (inc := incidents.get(iid)) is not None and inc.status in OPEN_STATUSES}
        self._open |= opened.keys()
        self._open -= ids - opened.keys()
        # The changed rows' countdowns as last signalled are stale. With the tick limited to
        # some rows, a row's countdown is looked at again when it is on screen at a tick.
        countdown = self._countdown
        for iid in countdown.keys() & ids:
            del countdown[iid]
        if self._tick_rows is None:
            for iid, inc in opened.items():
                countdown[iid] = self._countdown_key(inc, now)
        first = len(self._ids)
        if new:
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for iid in new:
                self._rows[iid] = len(self._ids)
                self._ids.append(iid)
            self.endInsertRows()
        last_col = len(Column) - 1
        for top, bottom in row_runs(changed, _RUNS_AT_MOST):  # a seek: one signal
            self.dataChanged.emit(self.index(top, 0), self.index(bottom, last_col))
        if new or changed:
            self.sig_rows_changed.emit(changed + list(range(first, first + len(new))))

    def prune(self) -> int:
        """Remove the rows of incidents no longer in the mirror (archived, or not yet reported
        at a replay's earlier instant); returns how many. One ``beginRemoveRows`` per run of
        rows, from the bottom up."""
        incidents = self.console.state.incidents
        gone = [row for row, iid in enumerate(self._ids) if iid not in incidents]
        if not gone:
            return 0
        for top, bottom in reversed(row_runs(gone)):
            self.beginRemoveRows(QModelIndex(), top, bottom)
            for iid in self._ids[top:bottom + 1]:
                self._flash.pop(iid, None)
                self._open.discard(iid)
                self._countdown.pop(iid, None)
            del self._ids[top:bottom + 1]
            self._rows_stale = True  # renumbered once at the end, or when asked for
            self.endRemoveRows()
        self._renumber()
        return len(gone)

    def _renumber(self) -> None:
        self._rows = {iid: i for i, iid in enumerate(self._ids)}
        self._rows_stale = False

    def _countdown_key(self, inc: Incident, now: float) -> tuple[str, ClockState | None]:
        clock = running_clock(inc)
        text = "" if clock is None else labels.countdown(clock.remaining(now))
        return text, self._clock_state(inc, clock)

    def set_tick_rows(self, rows: Callable[[], Iterable[int]] | None) -> None:
        """Limit the per-second countdown refresh to the rows ``rows()`` returns (the rows on
        screen; the others are drawn afresh when scrolled to); None refreshes every open row.
        A replay playing at 64× changes every countdown of a city every second."""
        self._tick_rows = rows

    def tick(self) -> None:
        """Refresh the countdown cells whose text or colour changed (every second)."""
        incidents = self.console.state.incidents
        now = self.console.now()
        rows: list[int] = []
        if self._tick_rows is None:
            candidates: Iterable[str] = self._open
        else:
            n = len(self._ids)
            candidates = [self._ids[r] for r in set(self._tick_rows()) if 0 <= r < n]
            candidates = [iid for iid in candidates if iid in self._open]
        for iid in candidates:
            inc = incidents.get(iid)
            if inc is None:
                continue
            key = self._countdown_key(inc, now)
            if self._countdown.get(iid) != key:
                self._countdown[iid] = key
                rows.append(self._rows[iid])
        col = Column.COUNTDOWN
        for top, bottom in row_runs(sorted(rows)):
            self.dataChanged.emit(self.index(top, col), self.index(bottom, col),
                                  COUNTDOWN_ROLES)

    def flash(self, incident_id: str, seconds: float = 6.0) -> None:
        """Make a row's background blink for ``seconds`` (a new urgent incident)."""
        if incident_id not in self._rows:
            return
        self._flash[incident_id] = self.console.now() + seconds
        if not self._flash_timer.isActive():
            self._flash_on = True
            self._flash_timer.start()

    def is_flashing(self, incident_id: str) -> bool:
        return incident_id in self._flash

    def _flash_step(self) -> None:
        now = self.console.now()
        self._flash_on = not self._flash_on
        done = [i for i, until in self._flash.items() if until <= now]
        for iid in done:
            del self._flash[iid]
        for iid in (*self._flash, *done):
            row = self._rows[iid]
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1),
                                  _FLASH_ROLES)
        if not self._flash:
            self._flash_timer.stop()

    # ---------------------------------------------------------------------------- data

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return QCoreApplication.translate("IncidentTableModel", str(HEADERS[Column(section)]))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        return self.data_at(index.row(), index.column(), role)

    def sort_value(self, row: int, column: int) -> Any:
        """The raw value row ``row`` sorts by in ``column`` (``SORT_ROLE``); None when the
        row's incident is no longer in the mirror."""
        if not 0 <= row < len(self._ids):
            return None
        inc = self.console.state.incidents.get(self._ids[row])
        return None if inc is None else self.sort_value_of(inc, column)

    def data_at(self, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What :meth:`data` gives for the cell (``row``, ``column``)."""
        if role not in _ROLES or not 0 <= row < len(self._ids):
            return None  # a view asks for a dozen roles per cell it paints
        inc = self.console.state.incidents.get(self._ids[row])
        if inc is None:
            return None
        col = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(inc, col)
        if role == ID_ROLE:
            return inc.id
        if role == SORT_ROLE:
            return self.sort_value_of(inc, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(inc, col)
        if role == Qt.ItemDataRole.BackgroundRole:
            if inc.id in self._flash and self._flash_on:
                return theme.tint(theme.ERROR, 110)
            if col == Column.COUNTDOWN:
                state = self._clock(inc)
                if state in (ClockState.NEAR_DUE, ClockState.OVERDUE):
                    return theme.tint(theme.CLOCK_COLOURS[state], 45)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(inc, col)
        if role == Qt.ItemDataRole.FontRole:
            if col == Column.ID and inc.priority == Priority.URGENT.value and inc.is_open:
                return self._bold
            if col == Column.COUNTDOWN and self._clock(inc) == ClockState.OVERDUE:
                return self._bold
            return None
        if role == CLOCK_ROLE and col == Column.COUNTDOWN:
            state = self._clock(inc)
            return None if state is None else state.value
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (Column.COUNTDOWN,
                                                                 Column.SUPERVISED):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _clock(self, inc: Incident) -> ClockState | None:
        return self._clock_state(inc, running_clock(inc)) if inc.is_open else None

    def _clock_state(self, inc: Incident, clock: Clock | None) -> ClockState | None:
        """The state of the incident's running clock ``clock`` now."""
        if not inc.is_open:
            return None
        now = self.console.now()
        if is_overdue(inc, now):
            return ClockState.OVERDUE
        if clock is None:
            return None
        return clock.state(now, self.console.catalogue.limits.near_due_fraction)

    def _lead(self, inc: Incident) -> tuple[str, bool]:
        """The lead department, and whether it is only the class's default so far."""
        if inc.lead_department:
            return inc.lead_department, False
        try:
            return self.console.catalogue.lead_department_of(inc.class_code), True
        except KeyError:
            return "", True

    def _display(self, inc: Incident, col: Column) -> str:
        c = self.console
        if col == Column.ID:
            return inc.id
        if col == Column.STATUS:
            return labels.incident_status(inc.status)
        if col == Column.PRIORITY:
            return labels.priority(inc.priority)
        if col == Column.COUNTDOWN:
            if inc.status == IncidentStatus.PARKED:
                return labels.incident_status(inc.status)
            clock = running_clock(inc) if inc.is_open else None
            return "" if clock is None else labels.countdown(clock.remaining(c.now()))
        if col == Column.SOURCE:
            return labels.source(inc.source)
        if col == Column.CLASS:
            return c.class_name(inc.class_code)
        if col == Column.GRID:
            return labels.grid_label(c.city, inc.grid)
        if col == Column.LEAD:
            lead, _default = self._lead(inc)
            return c.department_name(lead) if lead else ""
        if col == Column.UNITS:
            if not inc.units:
                return ""
            names = ", ".join(c.unit_name(u) for u in inc.units[:3])
            more = "…" if len(inc.units) > 3 else ""
            return f"{len(inc.units)} · {names}{more}"
        if col == Column.LEVEL:
            return labels.level(inc.level)
        if col == Column.SUPERVISED:
            return QCoreApplication.translate("IncidentTableModel", "Supervised") \
                if inc.supervised else ""
        if col == Column.REPORTED:
            return labels.clock_time(inc.reported_at, c.tz, c.now())
        if col == Column.DUE:
            clock = running_clock(inc) if inc.is_open else None
            return "" if clock is None else labels.clock_time(clock.due, c.tz, c.now())
        return ""

    def sort_value_of(self, inc: Incident, col: int) -> Any:
        """The raw value ``inc`` sorts by in column ``col`` (its ``SORT_ROLE``)."""
        if col == Column.ID:
            return inc.id
        if col == Column.STATUS:
            return _STATUS_RANK.get(inc.status, 99)
        if col == Column.PRIORITY:
            return _PRIORITY_RANK.get(inc.priority, 99)
        if col in (Column.COUNTDOWN, Column.DUE):
            return clock_dues(inc)[0]  # inf: no clock runs
        if col == Column.UNITS:
            return len(inc.units)
        if col == Column.LEVEL:
            return int(inc.level)
        if col == Column.SUPERVISED:
            return int(inc.supervised)
        if col == Column.REPORTED:
            return inc.reported_at
        if col == Column.GRID:
            return inc.grid
        return self._display(inc, Column(col))

    def _foreground(self, inc: Incident, col: Column) -> Any:
        if col == Column.STATUS:
            return theme.colour(theme.INCIDENT_STATUS_COLOURS[inc.status])
        if col == Column.PRIORITY:
            return theme.colour(theme.PRIORITY_COLOURS.get(inc.priority, theme.MUTED))
        if col == Column.COUNTDOWN:
            state = self._clock(inc)
            return None if state is None else theme.colour(theme.CLOCK_COLOURS[state])
        if col == Column.LEAD and self._lead(inc)[1]:
            return theme.colour(theme.MUTED)
        if col == Column.SUPERVISED and inc.supervised:
            return theme.colour(theme.ERROR)
        if not inc.is_open:
            return theme.colour(theme.MUTED)
        return None

    def _tooltip(self, inc: Incident, col: Column) -> str | None:
        c = self.console
        if col in (Column.COUNTDOWN, Column.DUE):
            clock = running_clock(inc) if inc.is_open else None
            if clock is None:
                return None
            text = QCoreApplication.translate("IncidentTableModel", "%1 due %2").replace(
                "%1", labels.stage(clock.stage)).replace("%2", labels.full_time(clock.due, c.tz))
            if (inc.handle_due is not None and clock.stage != "handle"
                    and inc.status in (IncidentStatus.DISPATCHED,)):
                text += "\n" + QCoreApplication.translate(
                    "IncidentTableModel", "Handling due %1").replace(
                    "%1", labels.full_time(inc.handle_due, c.tz))
            return text
        if col == Column.CLASS:
            return labels.class_path(c.catalogue, inc.class_code, c.language)
        if col == Column.UNITS and inc.units:
            return "\n".join(f"{c.unit_name(u)} ({u})" for u in inc.units)
        if col == Column.LEAD:
            lead, default = self._lead(inc)
            names = [c.department_name(d) for d in inc.assist_departments]
            parts = []
            if default and lead:
                parts.append(QCoreApplication.translate(
                    "IncidentTableModel", "Default for the class; not dispatched yet"))
            if names:
                parts.append(QCoreApplication.translate(
                    "IncidentTableModel", "Assisting: %1").replace("%1", ", ".join(names)))
            return "\n".join(parts) or None
        if col == Column.REPORTED:
            return labels.full_time(inc.reported_at, c.tz)
        if col in (Column.ID, Column.STATUS):
            return inc.description or None
        return None
