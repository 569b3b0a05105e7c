"""The incident queue: filter bar with counts, search, the table, its context menu, and the
attention signal for new urgent incidents (a flashing row and a banner, shown by click or by its
key; a sound if the operator turned it on; the focus stays where the operator is working).
Typing a search makes a match the current incident (the one selected already, if it matches, or
the first); Enter in the search goes to the table there."""

from __future__ import annotations

import time

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain.catalogue.model import Priority
from dispatch.domain.city.model import Level
from dispatch.domain.status import OPEN_STATUSES, IncidentStatus
from widgets import labels, theme
from widgets.actions import SPECS, ConsoleActions
from widgets.alert_sound import AlertSound
from widgets.console_model import ConsoleModel
from widgets.filter_counts import FilterCounts
from widgets.incident_cells import Column
from widgets.incident_filter import IncidentFilterProxy
from widgets.incident_model import IncidentTableModel

COLUMN_WIDTHS = {
    Column.ID: 78, Column.STATUS: 140, Column.PRIORITY: 66, Column.COUNTDOWN: 82,
    Column.SOURCE: 104, Column.CLASS: 190, Column.GRID: 250, Column.LEAD: 170,
    Column.UNITS: 170, Column.LEVEL: 72, Column.SUPERVISED: 76, Column.REPORTED: 84,
    Column.DUE: 84, Column.WHISTLE: 150,
}

_STATUS_ORDER = list(IncidentStatus)
_SELECT_ROW = (QItemSelectionModel.SelectionFlag.ClearAndSelect
               | QItemSelectionModel.SelectionFlag.Rows)


translate = QCoreApplication.translate


class _CountCombo(QComboBox):
    """A combo box of facet values whose item texts carry counts: ``Urgent (5)``."""

    def __init__(self, all_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.all_text = all_text
        self._names: list[str] = []
        self.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(6)  # narrow docks: the window must fit a 1080p screen
        self.view().setMinimumWidth(280)
        self._values: list[str] = [""]
        self._texts: list[str] = []  # the item texts as last set
        self.addItem(all_text, "")
        self._names.append(all_text)

    def add_value(self, name: str, value: str) -> None:
        self.addItem(name, value)
        self._names.append(name)
        self._values.append(value)
        self._texts = []

    def value(self) -> str:
        return str(self.currentData() or "")

    def set_counts(self, counts: dict[str, int], total: int) -> None:
        """Put the counts in the item texts (only the texts that change: a city has
        thousands of streets)."""
        texts = [f"{self._names[0]} ({total})"]
        texts += [f"{self._names[i]} ({counts.get(self._values[i], 0)})"
                  for i in range(1, len(self._names))]
        old = self._texts if len(self._texts) == len(texts) else [None] * len(texts)
        for i, text in enumerate(texts):
            if old[i] != text:
                self.setItemText(i, text)
        self._texts = texts


class QueuePanel(QWidget):
    """The incident queue of the console."""

    sig_activated = Signal(str)
    """An incident was activated (double click or Enter): the shell may raise the details."""

    def _on_incidents_changed(self, *_args: object) -> None:
        """A bound slot (not a lambda): Qt drops the connection when this object goes."""
        self._schedule_counts()

    def __init__(self, console: ConsoleModel, actions: ConsoleActions | None = None,
                 table: IncidentTableModel | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.console_actions = actions
        self.sound = AlertSound(self)
        # New urgent incidents flash (never those a replaced state brings: history, not news).
        self.attention_enabled = True
        self.table = table if table is not None else IncidentTableModel(console, self)
        self.proxy = IncidentFilterProxy(console, self)
        self.proxy.setSourceModel(self.table)
        self._syncing = False
        self._build()
        self._counts_cost_s = 0.0
        self._counts_timer = QTimer(self)
        self._counts_timer.setSingleShot(True)
        self._counts_timer.setInterval(250)
        self._counts_timer.timeout.connect(self.refresh_counts)
        self._periodic = QTimer(self)
        self._periodic.setInterval(5000)
        self._periodic.timeout.connect(self._on_periodic)
        self._periodic.start()
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.timeout.connect(self.banner.hide)
        console.sig_incidents_changed.connect(self._on_incidents_changed)
        console.sig_reset.connect(self._schedule_counts)
        console.sig_state_replaced.connect(self._on_state_replaced)
        console.sig_incident_selected.connect(self._on_selected)
        self.proxy.sig_filter_changed.connect(self._schedule_counts)
        self.table.rowsInserted.connect(self._on_inserted)
        if actions is not None:
            actions.sig_triggered.connect(self._on_action)
        self.refresh_counts()

    # ---------------------------------------------------------------------------- layout

    def _build(self) -> None:
        c = self.console
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            translate("QueuePanel", "Search id, description, grid, class, reporter…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(160)
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self._on_search_entered)
        self.open_only = QCheckBox(translate("QueuePanel", "Open only"))
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(self.proxy.set_open_only)
        self.overdue = QToolButton()
        self.overdue.setCheckable(True)
        self.overdue.setText(translate("QueuePanel", "Overdue"))
        self.overdue.setToolTip(
            translate("QueuePanel", "Show only incidents whose time limit has passed"))
        self.overdue.toggled.connect(self.proxy.set_overdue_only)
        self.callback = QToolButton()
        self.callback.setCheckable(True)
        self.callback.setText(translate("QueuePanel", "Awaiting call-back"))
        self.callback.setToolTip(translate(
            "QueuePanel", "Show only closed citizen's cases whose call-back is due"))
        self.callback.toggled.connect(self.proxy.set_callback_only)
        self.callback.setStyleSheet(
            f"QToolButton {{ color: {theme.WARNING}; font-weight: 600; padding: 2px 8px; }}"
            f"QToolButton:checked {{ color: white; background: {theme.WARNING}; "
            "border-radius: 3px; }")
        self.overdue.setStyleSheet(
            f"QToolButton {{ color: {theme.ERROR}; font-weight: 600; padding: 2px 8px; }}"
            f"QToolButton:checked {{ color: white; background: {theme.ERROR}; "
            "border-radius: 3px; }")

        self.priority = _CountCombo(translate("QueuePanel", "All priorities"))
        for p in Priority:
            self.priority.add_value(labels.priority(p.value), p.value)
        self.major = _CountCombo(translate("QueuePanel", "All classes"))
        for m in sorted(c.catalogue.majors.values(), key=lambda m: m.code):
            self.major.add_value(c.class_name(m.code), m.code)
        self.department = _CountCombo(translate("QueuePanel", "All departments"))
        for d in sorted(c.catalogue.departments):
            self.department.add_value(c.department_name(d), d)
        self.region = _CountCombo(translate("QueuePanel", "Whole city"))
        for district in sorted(c.city.children(c.city.code)):
            self.region.add_value(c.grid_name(district), district)
            for street in c.city.children(district):
                if c.city.regions[street].level == Level.STREET:
                    self.region.add_value("    " + c.grid_name(street), street)
        self.priority.currentIndexChanged.connect(
            lambda _i: self.proxy.set_priorities({self.priority.value()} - {""}))
        self.major.currentIndexChanged.connect(
            lambda _i: self.proxy.set_majors({self.major.value()} - {""}))
        self.department.currentIndexChanged.connect(
            lambda _i: self.proxy.set_departments({self.department.value()} - {""}))
        self.region.currentIndexChanged.connect(
            lambda _i: self.proxy.set_region(self.region.value()))
        self.clear = QPushButton(translate("QueuePanel", "Clear filters"))
        self.clear.clicked.connect(self.clear_filters)
        self.shown = QLabel()
        self.shown.setStyleSheet(f"color: {theme.MUTED};")
        self.shown.setMinimumWidth(40)  # may be cut short rather than widen the window
        self.shown.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        row1 = QHBoxLayout()
        row1.setSpacing(6)
        row1.addWidget(self.search, 2)
        row1.addWidget(self.open_only)
        row1.addWidget(self.overdue)
        row1.addWidget(self.callback)
        for w in (self.priority, self.major, self.department, self.region):
            row1.addWidget(w)
        row1.addWidget(self.clear)
        row1.addStretch(1)
        row1.addWidget(self.shown)

        self.status_buttons: dict[str, QToolButton] = {}
        row2 = QHBoxLayout()
        row2.setSpacing(4)
        for s in _STATUS_ORDER:
            b = QToolButton()
            b.setCheckable(True)
            b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            colour = theme.INCIDENT_STATUS_COLOURS[s]
            b.setStyleSheet(
                f"QToolButton {{ border: 1px solid {colour}; border-radius: 3px; "
                f"padding: 1px 8px; color: {colour}; }}"
                f"QToolButton:checked {{ background: {colour}; color: white; }}")
            b.toggled.connect(lambda _on: self._on_status_toggled())
            self.status_buttons[s.value] = b
            row2.addWidget(b)
        row2.addStretch(1)

        self.banner = QPushButton()
        self.banner.setFlat(True)
        self.banner.setCursor(Qt.CursorShape.PointingHandCursor)
        self.banner.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable; never focused by itself
        self.banner.setStyleSheet(
            f"QPushButton {{ background: {theme.ERROR}; color: white; font-weight: 600; "
            "text-align: left; padding: 4px 8px; border-radius: 3px; }")
        self.banner.hide()
        self.banner.clicked.connect(self._on_banner)
        self._banner_incident = ""

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(Column.COUNTDOWN, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setSectionsMovable(True)
        for col, width in COLUMN_WIDTHS.items():
            self.view.setColumnWidth(col, width)
        # 吹哨报到's arrival clock next to the running clock (a saved layout may move it)
        header.moveSection(header.visualIndex(Column.WHISTLE), Column.COUNTDOWN + 1)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.view.doubleClicked.connect(self._on_activated)
        self.view.activated.connect(self._on_activated)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(self.banner)
        lay.addWidget(self.view, 1)
        self.setFocusProxy(self.view)

    # ---------------------------------------------------------------------------- filters

    def _on_search(self, text: str) -> None:
        self.proxy.set_search(text)
        if text.strip():
            self.select_first_match()

    def _on_search_entered(self) -> None:
        if self.select_first_match():
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def select_first_match(self) -> str:
        """Make a shown incident current (selected everywhere): the selected one if the
        filters show it, else the first row; returns its id ("" if none is shown)."""
        selected = self.console.selected_incident
        if selected and self.proxy.proxy_index_of(selected).isValid():
            self.select(selected)
            return selected
        if self.proxy.rowCount() == 0:
            return ""
        idx = self.proxy.index(0, 0)
        self.view.selectionModel().setCurrentIndex(idx, _SELECT_ROW)  # selects it everywhere
        self.view.scrollTo(idx, QAbstractItemView.ScrollHint.EnsureVisible)
        return str(idx.data(IncidentTableModel.IdRole) or "")

    def _on_status_toggled(self) -> None:
        self.proxy.set_statuses(k for k, b in self.status_buttons.items() if b.isChecked())

    def clear_filters(self) -> None:
        for w in (self.priority, self.major, self.department, self.region):
            w.blockSignals(True)
            w.setCurrentIndex(0)
            w.blockSignals(False)
        for b in self.status_buttons.values():
            b.blockSignals(True)
            b.setChecked(False)
            b.blockSignals(False)
        for cb in (self.open_only, self.overdue, self.callback):
            cb.blockSignals(True)
        self.open_only.setChecked(True)
        self.overdue.setChecked(False)
        self.callback.setChecked(False)
        for cb in (self.open_only, self.overdue, self.callback):
            cb.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.proxy.clear_filters()

    def _on_state_replaced(self, _incidents: set[str], _units: set[str]) -> None:
        self.table.prune()  # rows of incidents absent from the new state (hidden till now)
        self.refresh_counts()

    def source_rows_on_screen(self) -> list[int]:
        """Rows of the queue's table (the source model) shown in the view's viewport."""
        view, proxy = self.view, self.proxy
        if not view.isVisible():
            return []
        top = view.rowAt(0)
        if top < 0:
            return []
        bottom = view.rowAt(view.viewport().height() - 1)
        bottom = proxy.rowCount() - 1 if bottom < 0 else bottom
        return [proxy.mapToSource(proxy.index(r, 0)).row() for r in range(top, bottom + 1)]

    def _schedule_counts(self) -> None:
        """Recount soon: at most every 250 ms, and never more than a tenth of the time."""
        if not self._counts_timer.isActive():
            self._counts_timer.start(max(250, int(self._counts_cost_s * 10_000)))

    def refresh_counts(self) -> FilterCounts:
        """Put the current counts on the filter bar."""
        self._counts_timer.stop()  # a recount already scheduled would find the same
        t0 = time.perf_counter()
        counts = self.proxy.counts()
        self._counts_cost_s = time.perf_counter() - t0
        for value, b in self.status_buttons.items():
            n = counts.status.get(value, 0)
            b.setText(f"{labels.incident_status(value)} {n}")
            hidden_closed = self.proxy.facets.open_only and IncidentStatus(value) not in OPEN_STATUSES
            b.setVisible(not hidden_closed)
        self.priority.set_counts(dict(counts.priority), counts.base["priority"])
        self.major.set_counts(dict(counts.major), counts.base["major"])
        self.department.set_counts(dict(counts.department), counts.base["department"])
        self.region.set_counts(dict(counts.region), counts.base["region"])
        self.overdue.setText(translate("QueuePanel", "Overdue %1")
                             .replace("%1", str(counts.overdue)))
        self.shown.setText(translate("QueuePanel", "%1 of %2 shown")
                           .replace("%1", str(counts.shown)).replace("%2", str(counts.total)))
        return counts

    def _on_periodic(self) -> None:
        self.refresh_counts()

    # -------------------------------------------------------------------------- selection

    def selected_id(self) -> str:
        idx = self.view.currentIndex()
        return str(idx.data(IncidentTableModel.IdRole) or "") if idx.isValid() else ""

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        self.console.select_incident(str(current.data(IncidentTableModel.IdRole)), "queue")

    def _on_selected(self, incident_id: str, origin: str) -> None:
        if origin == "queue":
            return
        self.select(incident_id)

    def select(self, incident_id: str) -> bool:
        """Show ``incident_id`` as the current row (if the filters let it show)."""
        idx = self.proxy.proxy_index_of(incident_id)
        self._syncing = True
        try:
            if not idx.isValid():
                self.view.selectionModel().clearSelection()
                return False
            self.view.selectionModel().setCurrentIndex(idx, _SELECT_ROW)
            self.view.scrollTo(idx, QAbstractItemView.ScrollHint.EnsureVisible)
            return True
        finally:
            self._syncing = False

    def _on_activated(self, index: QModelIndex) -> None:
        iid = str(index.data(IncidentTableModel.IdRole) or "")
        if iid:
            self.console.select_incident(iid, "queue")
            self.sig_activated.emit(iid)

    def _context_menu(self, pos: QPoint) -> None:
        if self.console_actions is None:
            return
        idx = self.view.indexAt(pos)
        if not idx.isValid():
            return
        iid = str(idx.data(IncidentTableModel.IdRole))
        self.view.selectionModel().setCurrentIndex(idx, _SELECT_ROW)
        menu = self.console_actions.menu_for(iid, self)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def _on_action(self, key: str, _incident_id: str) -> None:
        if key == "focus_search":
            self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.search.selectAll()
        elif key == "focus_queue":
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        elif key == "view_urgent":
            self.view_urgent()

    # -------------------------------------------------------------------------- attention

    def _on_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        if not self.attention_enabled or self.console.replacing:
            return
        for row in range(first, last + 1):
            inc = self.table.incident_at(row)
            if inc is not None and inc.is_open and inc.priority == Priority.URGENT.value:
                self.draw_attention(inc.id)

    def draw_attention(self, incident_id: str, seconds: float = 8.0) -> None:
        """Flash the row of a new urgent incident and show a banner; never takes the focus."""
        inc = self.console.incident(incident_id)
        if inc is None:
            return
        self.table.flash(incident_id, seconds)
        self._banner_incident = incident_id
        key = QKeySequence(SPECS["view_urgent"].shortcut).toString(
            QKeySequence.SequenceFormat.NativeText)
        text = translate("QueuePanel",
                         "New urgent incident %1 · %2 · %3 — click or press %4 to view")
        self.banner.setText(text.replace("%1", inc.id)
                            .replace("%2", self.console.class_name(inc.class_code))
                            .replace("%3", self.console.grid_name(inc.grid))
                            .replace("%4", key))
        self.banner.show()
        self._banner_timer.start(int(seconds * 1000))
        self.sound.play()

    def _on_banner(self) -> None:
        self.view_urgent()

    def view_urgent(self) -> str:
        """Select the latest new urgent incident (the banner's, also after it has gone);
        returns its id ("" if there was none)."""
        iid = self._banner_incident
        if iid and self.console.incident(iid) is not None:
            self.console.select_incident(iid, "banner")
            self.select(iid)
        self.banner.hide()
        return iid

