"""The incident table: one row per incident of the mirror, rows by id.

Changes arrive as id sets from :class:`~widgets.console_model.ConsoleModel`: new ids are
inserted (``beginInsertRows``), changed ones get ``dataChanged`` for their rows only; after the
row-level signals of one batch, :attr:`IncidentTableModel.sig_rows_changed` lists every row of
the batch so that a proxy re-filters and re-sorts them once (not once per run of rows). The
model resets only when the mirror does; an incident a batch reports gone from the mirror
(archived, or not yet reported at a replay's earlier instant) loses its row with that batch, and
:meth:`IncidentTableModel.prune` removes any row left without an incident. A one-second tick emits
``dataChanged`` for the countdown column alone, and only for the rows whose countdown text or
colour changed (to the second under an hour, to the minute beyond), so the time left on each
running clock is live without touching anything else and without re-sorting thousands of rows
every second; :meth:`IncidentTableModel.set_tick_rows` limits it to the rows on screen.

Proxies and views that know a row number can skip the ``QModelIndex`` round trip:
:meth:`IncidentTableModel.data_at` and :meth:`IncidentTableModel.sort_value`. The columns and
what each cell shows are in :mod:`widgets.incident_cells` (:attr:`IncidentTableModel.cells`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from dispatch.domain.state import Incident
from dispatch.domain.status import OPEN_STATUSES
from dispatch.domain.timelimits import ClockState
from widgets.console_model import ConsoleModel
from widgets.incident_cells import (
    CLOCK_ROLE,
    HEADERS,
    ID_ROLE,
    ROLES,
    SORT_ROLE,
    Column,
    IncidentCells,
)
from widgets.rows import row_runs

Index = QModelIndex | QPersistentModelIndex

COUNTDOWN_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                   Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole, CLOCK_ROLE]
"""Roles of the countdown cells refreshed by the tick (time passing, no record changed)."""
_FLASH_ROLES = [Qt.ItemDataRole.BackgroundRole]
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
        # as last signalled: countdown text and state, whistle text and colour
        self._countdown: dict[str, tuple[str, ClockState | None, tuple[str, str]]] = {}
        self._tick_rows: Callable[[], Iterable[int]] | None = None
        self._rows_stale = False
        self._flash_on = False
        self.cells = IncidentCells(console)
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
        self._countdown = {iid: self.cells.countdown_key(incidents[iid], now) for iid in self._open}

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
                countdown[iid] = self.cells.countdown_key(inc, now)
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
        # Incidents that left the mirror (archived; a replay stepping past an archiving) lose
        # their rows with this batch, not at the next prune: a console live for a week must
        # not keep a row for every incident ever archived. Removed last, once the proxies
        # have filtered them out above (a removal a proxy still shows costs it a renumbering
        # per run of rows: a seek removes thousands of runs).
        gone = ids.intersection(self._rows).difference(incidents)
        if gone:
            if self._rows_stale:
                self._renumber()
            self._remove_rows(sorted(map(self._rows.__getitem__, gone)))

    def prune(self) -> int:
        """Remove the rows of incidents no longer in the mirror (archived, or not yet reported
        at a replay's earlier instant); returns how many. One ``beginRemoveRows`` per run of
        rows, from the bottom up."""
        incidents = self.console.state.incidents
        gone = [row for row, iid in enumerate(self._ids) if iid not in incidents]
        if not gone:
            return 0
        self._remove_rows(gone)
        return len(gone)

    def _remove_rows(self, gone: list[int]) -> None:
        """Remove rows ``gone`` (ascending): one ``beginRemoveRows`` per run, bottom up."""
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

    def _renumber(self) -> None:
        self._rows = {iid: i for i, iid in enumerate(self._ids)}
        self._rows_stale = False

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
        whistle_rows: list[int] = []  # the whistle cell's arrival clock (吹哨报到)
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
            key = self.cells.countdown_key(inc, now)
            was = self._countdown.get(iid)
            if was != key:
                self._countdown[iid] = key
                if was is None or was[:2] != key[:2]:
                    rows.append(self._rows[iid])
                if was is None or was[2] != key[2]:
                    whistle_rows.append(self._rows[iid])
        for col, changed in ((Column.COUNTDOWN, rows), (Column.WHISTLE, whistle_rows)):
            for top, bottom in row_runs(sorted(changed)):
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
        return None if inc is None else self.cells.sort_value(inc, column)
    def data_at(self, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What :meth:`data` gives for the cell (``row``, ``column``)."""
        if role not in ROLES or not 0 <= row < len(self._ids):
            return None  # a view asks for a dozen roles per cell it paints
        inc = self.console.state.incidents.get(self._ids[row])
        if inc is None:
            return None
        return self.cells.data(inc, Column(column), role,
                               self._flash_on and inc.id in self._flash)
