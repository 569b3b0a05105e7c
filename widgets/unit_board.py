"""The unit board: every unit by department and type, its status, time in status (with a warning
when too long) and current incident; filter by availability, department, type and text (the
map shows the units the filter shows)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from dispatch.domain import commands as cmd
from dispatch.domain.status import UNIT_TRANSITIONS, UnitStatus
from widgets import labels, theme
from widgets.actions import ConsoleActions
from widgets.console_model import ConsoleModel
from widgets.unit_cells import UnitColumn
from widgets.unit_filter import AVAILABILITY_MODES, UnitFilterProxy
from widgets.unit_model import UnitTreeModel

_EXPAND_ALL_BELOW = 3000  # units; above this only the departments open at start
# Units; above this the board keeps the model's order (department, type, name): a sorting
# proxy re-sorts a whole type group at every change, too slow for a city's 26,000 units.
_SORTABLE_BELOW = 3000

_MODE_TEXT = {
    "all": QT_TRANSLATE_NOOP("UnitBoard", "All"),
    "available": QT_TRANSLATE_NOOP("UnitBoard", "Available"),
    "engaged": QT_TRANSLATE_NOOP("UnitBoard", "Engaged"),
    "unavailable": QT_TRANSLATE_NOOP("UnitBoard", "Off duty"),
}


translate = QCoreApplication.translate


class UnitTree(QTreeView):
    """The board's tree. Changes to rows under a collapsed group are not looked at: Qt's
    item view works out the screen area of a changed range row by row (``intersectedRect``:
    each row's index fetched through the proxy from the Python model), so a replay jump that
    changes most units of a city's type groups, all collapsed, cost tens of milliseconds
    for nothing on screen. Rows under a collapsed group are read afresh when it opens."""

    def dataChanged(self, top_left: QModelIndex | QPersistentModelIndex,
                    bottom_right: QModelIndex | QPersistentModelIndex,
                    roles: Sequence[int] = ()) -> None:
        parent = top_left.parent()
        if parent.isValid() and not self.isExpanded(parent):
            return
        super().dataChanged(top_left, bottom_right, list(roles))


class UnitBoard(QWidget):
    """The units of the city, live."""

    sig_unit_selected = Signal(str)
    """The operator selected a unit (its id) on the board."""

    def _on_units_changed(self, *_args: object) -> None:
        """A bound slot (not a lambda): Qt drops the connection when this object goes."""
        self._summary_soon()

    def _on_state_replaced(self, *_args: object) -> None:
        """A bound slot (not a lambda): Qt drops the connection when this object goes."""
        self.refresh_summary()

    def __init__(self, console: ConsoleModel, actions: ConsoleActions | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.console = console
        self.model = UnitTreeModel(console, self)
        self.proxy = UnitFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self._build()
        self._repaint = QTimer(self)
        self._repaint.setInterval(1000)
        self._repaint.timeout.connect(self.view.viewport().update)
        self._repaint.start()
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(300)
        self._summary_timer.timeout.connect(self.refresh_summary)
        console.sig_units_changed.connect(self._on_units_changed)
        console.sig_reset.connect(self._on_reset)
        console.sig_state_replaced.connect(self._on_state_replaced)
        self.proxy.sig_filter_changed.connect(self._expand)
        self.last_context = ""
        if actions is not None:
            actions.sig_triggered.connect(self._on_action)
        self._expand()
        self.refresh_summary()

    def _build(self) -> None:
        c = self.console
        self.search = QLineEdit()
        self.search.setPlaceholderText(translate("UnitBoard", "Search unit, id, incident…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.modes = QButtonGroup(self)
        self.modes.setExclusive(True)
        self.mode_buttons: dict[str, QToolButton] = {}
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.search, 1)
        for mode in AVAILABILITY_MODES:
            b = QToolButton()
            b.setCheckable(True)
            b.setText(QCoreApplication.translate("UnitBoard", str(_MODE_TEXT[mode])))
            b.setChecked(mode == "all")
            b.clicked.connect(lambda _=False, m=mode: self.proxy.set_availability(m))
            self.modes.addButton(b)
            self.mode_buttons[mode] = b
            row.addWidget(b)
        self.department = QComboBox()
        self.department.addItem(translate("UnitBoard", "All departments"), "")
        for code in sorted({u.department for u in c.state.units.values()}
                           | set(c.catalogue.departments)):
            self.department.addItem(c.department_name(code), code)
        self.department.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.department.setMinimumContentsLength(12)
        self.department.currentIndexChanged.connect(self._on_department)
        row.addWidget(self.department)
        self.unit_type = QComboBox()
        self.unit_type.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.unit_type.setMinimumContentsLength(10)
        self._fill_unit_types("")
        self.unit_type.currentIndexChanged.connect(
            lambda _i: self.proxy.set_unit_types({self.unit_type.currentData()} - {""}))
        row.addWidget(self.unit_type)
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color: {theme.MUTED};")

        self.view = UnitTree()
        self.view.setModel(self.proxy)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        if len(c.state.units) < _SORTABLE_BELOW:
            self.view.header().setSortIndicatorClearable(True)
            self.view.header().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setIndentation(14)
        self.view.setAllColumnsShowFocus(True)
        header = self.view.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in {UnitColumn.NAME: 230, UnitColumn.ID: 130, UnitColumn.STATUS: 104,
                           UnitColumn.TIME: 78, UnitColumn.INCIDENT: 78}.items():
            self.view.setColumnWidth(col, width)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        self.view.doubleClicked.connect(self._on_double_click)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        lay.addLayout(row)
        lay.addWidget(self.summary)
        lay.addWidget(self.view, 1)
        self.setFocusProxy(self.view)

    def _fill_unit_types(self, department: str) -> None:
        """The type box lists the types of the department chosen (all types with none)."""
        c = self.console
        self.unit_type.blockSignals(True)
        self.unit_type.clear()
        self.unit_type.addItem(translate("UnitBoard", "All types"), "")
        codes = {u.unit_type for u in c.state.units.values()
                 if not department or u.department == department}
        codes |= {code for code, t in c.catalogue.unit_types.items()
                  if not department or t.department == department}
        for code in sorted(codes, key=c.unit_type_name):
            self.unit_type.addItem(c.unit_type_name(code), code)
        self.unit_type.blockSignals(False)

    def _on_department(self, _index: int) -> None:
        department = self.department.currentData() or ""
        self._fill_unit_types(department)  # back to all types (of this department)
        self.proxy.set_departments({department} - {""}, ())

    # ---------------------------------------------------------------------------- state

    def _on_reset(self) -> None:
        self._expand()
        self.refresh_summary()

    def keep_proxy_lean(self) -> None:
        """From now on, re-check rows as units change only while a filter or a sort is on.
        With neither, a change cannot show, hide or move a row, and the proxy need not look
        at 26,000 rows when thousands change at once (a replay's seek)."""
        self.proxy.sig_filter_changed.connect(self._tune_proxy)
        self.view.header().sortIndicatorChanged.connect(lambda *_: self._tune_proxy())
        self._tune_proxy()

    def _tune_proxy(self) -> None:
        proxy = self.proxy
        sorted_ = self.view.isSortingEnabled() and proxy.sortColumn() >= 0
        want = proxy.active or sorted_
        if proxy.dynamicSortFilter() != want:
            proxy.setDynamicSortFilter(want)

    def _expand(self) -> None:
        if len(self.console.state.units) < _EXPAND_ALL_BELOW or self.proxy.active:
            self.view.expandToDepth(1)
        else:
            self.view.expandToDepth(0)

    def _summary_soon(self) -> None:
        if not self._summary_timer.isActive():  # throttle: changes may come without pause
            self._summary_timer.start()

    def refresh_summary(self) -> None:
        self._summary_timer.stop()  # a refresh already scheduled would find the same
        total, available, engaged = self.model.totals()
        self.summary.setText(translate("UnitBoard", "%1 units · %2 available · %3 on incidents")
                             .replace("%1", str(total)).replace("%2", str(available))
                             .replace("%3", str(engaged)))

    def unit_at(self, index: QModelIndex) -> str | None:
        if not index.isValid():
            return None
        return self.model.unit_id_of(self.proxy.mapToSource(index))

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        uid = self.unit_at(current)
        if uid:
            self.sig_unit_selected.emit(uid)

    def _on_double_click(self, index: QModelIndex) -> None:
        uid = self.unit_at(index)
        u = self.console.unit(uid) if uid else None
        if u is not None and u.incident_id:
            self.console.select_incident(u.incident_id, "units")

    def select_unit(self, unit_id: str) -> bool:
        idx = self.proxy.mapFromSource(self.model.unit_index(unit_id))
        if not idx.isValid():
            return False
        self.view.setCurrentIndex(idx)
        self.view.scrollTo(idx)
        return True

    def _on_action(self, key: str, _incident_id: str) -> None:
        if key == "focus_units":
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ----------------------------------------------------------------------- commands

    def status_menu(self, unit_id: str) -> QMenu:
        """A menu of the statuses the unit may report now, and its incident."""
        menu = QMenu(self)
        u = self.console.unit(unit_id)
        if u is None:
            return menu
        header = menu.addAction(f"{u.name} · {labels.unit_status(u.status)}")
        header.setEnabled(False)
        if u.incident_id:
            show = menu.addAction(translate("UnitBoard", "Show incident %1")
                                  .replace("%1", u.incident_id))
            show.triggered.connect(
                lambda _=False, i=u.incident_id: self.console.select_incident(i, "units"))
        menu.addSeparator()
        for status in UnitStatus:
            if status not in UNIT_TRANSITIONS[u.status]:
                continue
            act = menu.addAction(translate("UnitBoard", "Set %1")
                                 .replace("%1", labels.unit_status(status)))
            act.triggered.connect(lambda _=False, s=status: self.set_status(unit_id, s))
        return menu

    def set_status(self, unit_id: str, status: UnitStatus) -> str:
        u = self.console.unit(unit_id)
        self.last_context = self.console.request(
            cmd.SetUnitStatus(unit_id, status.value),
            u.version if u is not None else None, self.console.new_context("units"))
        return self.last_context

    def _context_menu(self, pos: QPoint) -> None:
        uid = self.unit_at(self.view.indexAt(pos))
        if uid:
            self.status_menu(uid).exec(self.view.viewport().mapToGlobal(pos))
