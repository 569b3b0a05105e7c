"""Item models of the console: model tests, row-by-row updates, the filter proxies."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Sequence
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from dispatch.domain import commands as cmd
from dispatch.domain.state import DispatchState, UnitState
from dispatch.domain.status import IncidentStatus, UnitStatus
from dispatch.domain.timelimits import is_overdue
from tests.domain.helpers import DISPATCHER, FIELD
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import report_at
from widgets.incident_cells import CLOCK_ROLE, ID_ROLE, SORT_ROLE, Column
from widgets.incident_filter import IncidentFilterProxy
from widgets.incident_model import IncidentTableModel
from widgets.unit_cells import KIND_ROLE, WARNING_ROLE, UnitColumn
from widgets.unit_filter import UnitFilterProxy
from widgets.unit_model import UnitTreeModel

pytestmark = pytest.mark.ui


class Recorder:
    """Counts a model's structural signals and records dataChanged ranges."""

    def __init__(self, model: QAbstractItemModel) -> None:
        self.changed: list[tuple[int, int, int, int, Any, list[int]]] = []
        self.resets = 0
        self.inserted: list[tuple[Any, int, int]] = []
        self.layout = 0
        model.dataChanged.connect(self._changed)
        model.modelReset.connect(self._reset)
        model.rowsInserted.connect(lambda p, a, b: self.inserted.append((p, a, b)))
        model.layoutChanged.connect(self._layout)

    def _changed(self, tl: QModelIndex, br: QModelIndex,
                 roles: Sequence[int] = ()) -> None:
        self.changed.append((tl.row(), br.row(), tl.column(), br.column(),
                             tl.parent().internalId() if tl.parent().isValid() else None,
                             list(roles)))

    def _reset(self) -> None:
        self.resets += 1

    def _layout(self) -> None:
        self.layout += 1

    def clear(self) -> None:
        self.changed.clear()
        self.inserted.clear()
        self.resets = self.layout = 0


@pytest.fixture
def strict(qtmodeltester: Any, qtlog: Any) -> Any:
    """Attach the Python model tester (asserts) and Qt's C++ tester (its failures are
    warnings, checked at the end) to a model for the rest of the test."""
    testers: list[Any] = []

    def attach(model: QAbstractItemModel, *, py: bool = True) -> None:
        if py:  # thorough but slow on big trees: every signal re-walks the model in Python
            qtmodeltester.check(model, force_py=True)
        testers.append(QAbstractItemModelTester(
            model, QAbstractItemModelTester.FailureReportingMode.Warning))

    yield attach
    failures = [r.message for r in qtlog.records if "FAIL" in r.message]
    assert not failures, failures


# ------------------------------------------------------------------------ incident table


def test_incident_model_rows_and_roles(console: Any, strict: Any) -> None:
    model = IncidentTableModel(console)
    strict(model)
    state = console.state
    assert model.rowCount() == len(state.incidents) == 60
    assert model.columnCount() == len(Column) == 13
    first = sorted(state.incidents)[0]
    assert model.row_of(first) == 0
    inc = state.incidents[first]
    idx = model.index(0, Column.ID)
    assert idx.data() == first
    assert idx.data(ID_ROLE) == first
    assert model.index(0, Column.STATUS).data() == "Reported"
    assert model.index(0, Column.GRID).data().endswith(inc.grid)
    assert model.index(0, Column.REPORTED).data(SORT_ROLE) == inc.reported_at
    assert model.headerData(Column.COUNTDOWN, Qt.Orientation.Horizontal) == "Time left"
    # every cell answers every role without raising
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                         Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole,
                         Qt.ItemDataRole.FontRole, SORT_ROLE, ID_ROLE, CLOCK_ROLE):
                model.index(row, col).data(role)


def test_countdown_colours_follow_the_clock(console: Any, busy_engine: Any, clock: Any) -> None:
    model = IncidentTableModel(console)
    # a fresh report has its whole dispatch limit ahead
    iid = report_at(busy_engine, 3, busy_engine.state.incidents["E000001"].class_code)
    console.apply_changes(*busy_engine.state.take_changes())
    row = model.row_of(iid)
    assert row is not None
    idx = model.index(row, Column.COUNTDOWN)
    inc = busy_engine.state.incidents[iid]
    span = inc.dispatch_due - inc.reported_at
    assert idx.data(CLOCK_ROLE) == "ok"
    assert idx.data(Qt.ItemDataRole.BackgroundRole) is None
    clock.advance(span * 0.9)
    assert idx.data(CLOCK_ROLE) == "near_due"
    assert idx.data(Qt.ItemDataRole.BackgroundRole) is not None
    clock.advance(span * 0.2)
    assert idx.data(CLOCK_ROLE) == "overdue"
    assert idx.data().startswith("-")
    assert idx.data(Qt.ItemDataRole.ForegroundRole).name() == "#b91c1c"
    closed = busy_engine.populated["closed"][0]
    closed_row = model.row_of(closed)
    assert closed_row is not None
    assert model.index(closed_row, Column.COUNTDOWN).data() == ""
    parked = busy_engine.populated["parked"][0]
    parked_row = model.row_of(parked)
    assert parked_row is not None
    assert model.index(parked_row, Column.COUNTDOWN).data() == "Parked"


def test_incident_updates_are_row_by_row(console: Any, busy_engine: Any, strict: Any) -> None:
    model = IncidentTableModel(console)
    strict(model)
    rec = Recorder(model)
    target = busy_engine.populated["registered"][0]
    busy_engine.execute(cmd.AddNote(target, "updated"), DISPATCHER)
    console.apply_changes(*busy_engine.state.take_changes())
    row = model.row_of(target)
    assert rec.changed == [(row, row, 0, len(Column) - 1, None, [])]
    assert rec.resets == 0
    assert not rec.inserted
    # several changes: contiguous rows come in runs, nothing else is touched
    rec.clear()
    ids = sorted(busy_engine.state.incidents)
    console.apply_changes({ids[3], ids[4], ids[5], ids[10]}, set())
    assert [(a, b) for a, b, *_ in rec.changed] == [(3, 5), (10, 10)]
    assert rec.resets == 0


def test_new_incidents_are_inserted(console: Any, busy_engine: Any, strict: Any) -> None:
    model = IncidentTableModel(console)
    strict(model)
    rec = Recorder(model)
    n = model.rowCount()
    code = busy_engine.state.incidents["E000001"].class_code
    new = [report_at(busy_engine, i, code) for i in (1, 2)]
    changed = busy_engine.state.take_changes()[0]
    console.apply_changes(changed, set())
    assert rec.inserted == [(QModelIndex(), n, n + 1)]
    assert rec.resets == 0
    assert rec.changed == []
    assert [model.id_at(n), model.id_at(n + 1)] == new
    assert model.row_of(new[1]) == n + 1


def test_tick_touches_changed_countdown_cells_only(console: Any, busy_engine: Any, clock: Any,
                                                   qtbot: Any) -> None:
    model = IncidentTableModel(console, tick_ms=10_000_000)
    rec = Recorder(model)
    model.tick()
    assert rec.changed == []  # the clock did not move: nothing to redraw
    clock.advance(1)
    model.tick()
    assert rec.changed
    assert rec.resets == 0
    rows: set[int] = set()
    for top, bottom, left, right, _parent, roles in rec.changed:
        assert left == right == Column.COUNTDOWN
        assert Qt.ItemDataRole.DisplayRole in roles
        rows.update(range(top, bottom + 1))
    # exactly the open incidents whose countdown text changed in that second
    now = clock()
    from dispatch.domain.timelimits import running_clock
    from widgets.labels import countdown

    expected = set()
    for iid, inc in busy_engine.state.incidents.items():
        c = running_clock(inc) if inc.is_open else None
        if c is not None and countdown(c.remaining(now - 1)) != countdown(c.remaining(now)):
            expected.add(model.row_of(iid))
    assert rows == expected
    assert len(expected) < len(busy_engine.state.open_incidents())
    rec.clear()
    timer_model = IncidentTableModel(console, tick_ms=20)
    timer_rec = Recorder(timer_model)
    clock.advance(1)
    qtbot.waitUntil(lambda: bool(timer_rec.changed), timeout=2000)


def test_countdown_sorting_never_resorts_on_tick(console: Any, clock: Any) -> None:
    model = IncidentTableModel(console, tick_ms=10_000_000)
    proxy = IncidentFilterProxy(console)
    proxy.setSourceModel(model)
    proxy.sort(Column.COUNTDOWN)
    assert proxy.sortColumn() == Column.DUE  # sorts through the due time
    layouts = []
    proxy.layoutChanged.connect(lambda *a: layouts.append(a))
    clock.advance(1)
    model.tick()
    assert layouts == []


def test_reset_only_on_resync(console: Any, busy_engine: Any, strict: Any) -> None:
    model = IncidentTableModel(console)
    strict(model)
    rec = Recorder(model)
    console.reset(DispatchState())
    assert rec.resets == 1
    assert model.rowCount() == 0
    console.reset(busy_engine.state)
    assert rec.resets == 2
    assert model.rowCount() == 60


def test_flash_blinks_the_row_background_then_stops(console: Any, clock: Any, qtbot: Any) -> None:
    model = IncidentTableModel(console)
    rec = Recorder(model)
    iid = sorted(console.state.incidents)[2]
    model.flash(iid, seconds=5)
    assert model.is_flashing(iid)
    qtbot.waitUntil(lambda: len(rec.changed) >= 2, timeout=3000)
    row = model.row_of(iid)
    assert row is not None
    assert all(c[:2] == (row, row) and c[5] == [Qt.ItemDataRole.BackgroundRole]
               for c in rec.changed)
    clock.advance(6)
    qtbot.waitUntil(lambda: not model.is_flashing(iid), timeout=3000)
    assert model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is None


# --------------------------------------------------------------------------------- proxy


def test_proxy_filters_and_counts(console: Any, busy_engine: Any, clock: Any, strict: Any) -> None:
    model = IncidentTableModel(console)
    proxy = IncidentFilterProxy(console)
    proxy.setSourceModel(model)
    strict(proxy)
    state = busy_engine.state
    open_ids = {i for i, inc in state.incidents.items() if inc.is_open}

    def shown() -> set[str]:
        return {proxy.id_at(r) for r in range(proxy.rowCount())}

    assert shown() == open_ids  # open only by default
    counts = proxy.counts()
    assert counts.total == 60
    assert counts.shown == len(open_ids) == counts.open
    assert counts.status["closed"] == 0  # closed rows fail "open only"
    assert sum(counts.status.values()) == len(open_ids)

    proxy.set_open_only(False)
    assert shown() == set(state.incidents)
    proxy.set_statuses({"dispatched", "acknowledged"})
    want = {i for i, inc in state.incidents.items()
            if inc.status in (IncidentStatus.DISPATCHED, IncidentStatus.ACKNOWLEDGED)}
    assert shown() == want
    counts = proxy.counts()
    # the status facet counts as if no status were picked; the others within the pick
    assert counts.status["closed"] == sum(1 for i in state.incidents.values()
                                          if i.status == IncidentStatus.CLOSED)
    assert counts.base["status"] == 60
    assert counts.base["priority"] == len(want) == counts.shown
    proxy.set_statuses(())

    urgent = {i for i, inc in state.incidents.items() if inc.priority == "urgent"}
    proxy.set_priorities({"urgent"})
    assert shown() == urgent
    assert urgent
    proxy.set_priorities(())

    inc0 = state.incidents["E000001"]
    major = console.catalogue.minor_of(inc0.class_code).major
    proxy.set_majors({major})
    assert "E000001" in shown()
    assert all(console.catalogue.minor_of(state.incidents[i].class_code).major == major
               for i in shown())
    proxy.set_majors(())

    proxy.set_departments({"police"})
    for i in shown():
        inc = state.incidents[i]
        depts = inc.departments or (console.catalogue.lead_department_of(inc.class_code),)
        assert "police" in depts
    assert proxy.counts().department["police"] == len(shown())
    proxy.set_departments(())

    district = inc0.grid[:6]
    proxy.set_region(district)
    assert shown() == {i for i, inc in state.incidents.items() if inc.grid.startswith(district)}
    assert proxy.counts().region[district] == len(shown())
    proxy.set_region(inc0.grid[:9])
    assert "E000001" in shown()
    assert all(state.incidents[i].grid.startswith(inc0.grid[:9])
                                        for i in shown())
    proxy.set_region("")

    now = clock()
    overdue = {i for i, inc in state.incidents.items() if inc.is_open and is_overdue(inc, now)}
    proxy.set_overdue_only(True)
    assert shown() == overdue
    assert overdue
    assert proxy.counts().overdue == len(overdue)
    proxy.clear_filters()
    assert shown() == open_ids


@pytest.mark.parametrize(("query", "field"), [
    ("E000007", "id"), ("井盖", "description"), ("王先生", "reporter"),
])
def test_search(console: Any, query: Any, field: Any) -> None:
    model = IncidentTableModel(console)
    proxy = IncidentFilterProxy(console)
    proxy.setSourceModel(model)
    proxy.set_open_only(False)
    proxy.set_search(query)
    got = {proxy.id_at(r) for r in range(proxy.rowCount())}
    if field == "id":
        assert got == {"E000007"}
    else:
        assert len(got) == 60  # every fixture incident carries this text


def test_search_grid_and_class_names(console: Any) -> None:
    model = IncidentTableModel(console)
    proxy = IncidentFilterProxy(console)
    proxy.setSourceModel(model)
    proxy.set_open_only(False)
    inc = console.state.incidents["E000001"]
    minor = console.catalogue.minor_of(inc.class_code)
    grid_name = console.city.regions[inc.grid].name
    for text in (grid_name, minor.name_zh, minor.name_en.upper(), inc.grid):
        proxy.set_search(text)
        assert "E000001" in {proxy.id_at(r) for r in range(proxy.rowCount())}, text
    proxy.set_search("no such thing anywhere")
    assert proxy.rowCount() == 0


def test_proxy_follows_updates(console: Any, busy_engine: Any, strict: Any) -> None:
    model = IncidentTableModel(console)
    proxy = IncidentFilterProxy(console)
    proxy.setSourceModel(model)
    strict(proxy)
    iid = busy_engine.populated["reported"][1]
    proxy.set_statuses({"reported"})
    before = proxy.rowCount()
    busy_engine.execute(cmd.RegisterIncident(iid), DISPATCHER)
    console.apply_changes(*busy_engine.state.take_changes())
    assert proxy.rowCount() == before - 1
    busy_engine.execute(cmd.CancelIncident(iid, "test"), DISPATCHER)
    proxy.set_statuses(())
    console.apply_changes(*busy_engine.state.take_changes())
    assert not proxy.proxy_index_of(iid).isValid()  # closed rows leave the open-only view


def test_sorting_by_sort_role(console: Any) -> None:
    model = IncidentTableModel(console)
    proxy = IncidentFilterProxy(console)
    proxy.setSourceModel(model)
    proxy.sort(Column.COUNTDOWN, Qt.SortOrder.AscendingOrder)
    dues = [proxy.index(r, Column.COUNTDOWN).data(SORT_ROLE) for r in range(proxy.rowCount())]
    assert dues == sorted(dues)
    proxy.sort(Column.PRIORITY, Qt.SortOrder.AscendingOrder)
    assert proxy.index(0, Column.PRIORITY).data() == "Urgent"


# ---------------------------------------------------------------------------- unit tree


def test_unit_tree_model(console: Any, strict: Any) -> None:
    model = UnitTreeModel(console)
    strict(model)
    units = console.state.units
    depts = {u.department for u in units.values()}
    assert model.rowCount() == len(depts)
    total = 0
    for d in range(model.rowCount()):
        dept = model.index(d, 0)
        assert dept.data(KIND_ROLE) == "department"
        for t in range(model.rowCount(dept)):
            typ = model.index(t, 0, dept)
            assert typ.data(KIND_ROLE) == "type"
            assert typ.parent() == dept
            for r in range(model.rowCount(typ)):
                unit = model.index(r, 0, typ)
                uid = unit.data(model.IdRole)
                group = model.group_of(dept)
                assert group is not None
                assert units[uid].department == group.code
                assert model.rowCount(unit) == 0
                assert unit.parent() == typ
                total += 1
    assert total == len(units)
    some = next(u for u in units.values() if u.incident_id)
    idx = model.unit_index(some.id, UnitColumn.INCIDENT)
    assert idx.data() == some.incident_id
    assert model.unit_index(some.id, UnitColumn.STATUS).data() == "Dispatched"


def test_unit_updates_touch_the_row_and_its_groups(console: Any, busy_engine: Any,
                                                   strict: Any) -> None:
    model = UnitTreeModel(console)
    strict(model)
    rec = Recorder(model)
    uid = next(u.id for u in busy_engine.state.units.values()
               if u.status == UnitStatus.DISPATCHED)
    typ_index = model.unit_index(uid).parent()
    dept_index = typ_index.parent()
    before = typ_index.siblingAtColumn(UnitColumn.STATUS).data()
    busy_engine.execute(cmd.SetUnitStatus(uid, "en_route"), FIELD)
    console.apply_changes(*busy_engine.state.take_changes())
    assert rec.resets == 0
    assert not rec.inserted
    # (row, internal id of the parent index): the unit, its type group, its department
    rows = {(c[0], c[4]) for c in rec.changed}
    assert rows == {(model.unit_index(uid).row(), typ_index.internalId()),
                    (typ_index.row(), 0), (dept_index.row(), None)}
    assert model.unit_index(uid, UnitColumn.STATUS).data() == "En route"
    assert typ_index.siblingAtColumn(UnitColumn.STATUS).data() == before  # still not available
    # positions only: nothing on the board changes, nothing is signalled
    rec.clear()
    u = busy_engine.state.units[uid]
    busy_engine.execute(cmd.ReportPositions(((uid, u.lon + 0.001, u.lat),)), FIELD)
    console.apply_changes(*busy_engine.state.take_changes())
    assert rec.changed == []
    assert rec.resets == 0


def test_unit_insert(console: Any, busy_engine: Any, strict: Any) -> None:
    model = UnitTreeModel(console)
    strict(model)
    rec = Recorder(model)
    grid = next(iter(busy_engine.city.grids())).code
    from dispatch.adapters.bootstrap import BOOTSTRAP_ACTOR

    busy_engine.execute(cmd.RegisterUnit("U-police-new", "police", "patrol_car", "新巡逻车",
                                         grid, 120.6, 31.3), BOOTSTRAP_ACTOR)
    console.apply_changes(*busy_engine.state.take_changes())
    idx = model.unit_index("U-police-new")
    assert idx.isValid()
    assert idx.data() == "新巡逻车"
    assert len(rec.inserted) == 1
    assert rec.resets == 0
    # a unit of a department and type the board has not seen yet creates both groups
    rec.clear()
    state = busy_engine.state  # the server's: the mirror gets a record decoded from it
    state.units["U-x-1"] = UnitState("U-x-1", "navy", "boat", "Boat 1", grid, 120.6, 31.3)
    console.apply_changes(set(), {"U-x-1"})
    assert len(rec.inserted) == 3  # department, type, unit
    assert model.unit_index("U-x-1").parent().parent().parent() == QModelIndex()


def test_units_gone_from_the_mirror_leave_the_board(console: Any, busy_engine: Any,
                                                    strict: Any) -> None:
    """A replay going back before units registered: their rows go (row-level), the group
    counts and the totals follow; they come back as new rows, one insert per type group."""
    model = UnitTreeModel(console)
    strict(model)
    state = busy_engine.state  # the server's: the mirror follows it record by record
    police = sorted(u.id for u in state.units.values() if u.department == "police")
    gone = {uid: state.units.pop(uid) for uid in police[::3]}
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _p, a, b: removed.append((a, b)))
    console.apply_changes(set(), set(gone))
    assert all(not model.unit_index(uid).isValid() for uid in gone)
    assert len(removed) < len(gone)  # runs of rows, not one by one
    assert model.totals() == (len(state.units),
                              sum(u.status == UnitStatus.AVAILABLE for u in state.units.values()),
                              sum(bool(u.incident_id) for u in state.units.values()))
    for uid in police:
        if uid not in gone:
            idx = model.unit_index(uid)
            assert idx.isValid()
            assert idx.data(model.IdRole) == uid
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    state.units.update(gone)
    console.apply_changes(set(), set(gone))
    assert all(model.unit_index(uid).data(model.IdRole) == uid for uid in gone)
    types = {(u.department, u.unit_type) for u in gone.values()}
    assert len(inserted) == len(types)
    assert model.totals()[0] == len(state.units)


def _board_picture(model: UnitTreeModel) -> dict[str, Any]:
    """Every row the board shows (units and groups, every column) and its totals; a group
    left empty by units gone stays (the tree only grows) and is not part of the picture."""
    rows: dict[str, Any] = {}

    def walk(parent: QModelIndex, path: str) -> None:
        for r in range(model.rowCount(parent)):
            index = model.index(r, 0, parent)
            if index.data(model.IdRole) is None and model.rowCount(index) == 0:
                continue
            cells = tuple(model.index(r, c, parent).data() for c in range(len(UnitColumn)))
            key = f"{path}/{cells[0]}:{model.index(r, 0, parent).data(model.IdRole)}"
            rows[key] = cells
            walk(model.index(r, 0, parent), key)

    walk(QModelIndex(), "")
    return {"rows": rows, "totals": model.totals()}


@pytest.mark.parametrize("recount_above", [0, 10**9], ids=["recount", "row-by-row"])
def test_a_big_batch_leaves_the_board_as_a_fresh_one(console: Any, busy_engine: Any,
                                                      monkeypatch: Any,
                                                      recount_above: int) -> None:
    """Status, incident and since changes, units gone and units back, all in one batch (a
    replay jump): the board shows what a board built on that state shows, whether the batch
    is taken row by row or (past ``RECOUNT_ABOVE`` units and a quarter of the board) by a
    recount."""
    import random

    from widgets import unit_model

    monkeypatch.setattr(unit_model, "RECOUNT_ABOVE", recount_above)
    model = UnitTreeModel(console)
    state = busy_engine.state  # the server's: the mirror follows it record by record
    rng = random.Random(5)
    ids = sorted(state.units)
    gone = {uid: state.units.pop(uid) for uid in rng.sample(ids, len(ids) // 10)}
    console.apply_changes(set(), set(gone))  # away first, so that some come back below
    back = set(rng.sample(sorted(gone), len(gone) // 2))
    state.units.update((uid, gone[uid]) for uid in back)
    statuses = list(UnitStatus)
    touched = set(back)
    for uid in rng.sample(sorted(state.units), len(state.units) // 2):
        u = state.units[uid]
        u.status = rng.choice(statuses)
        u.status_since = rng.uniform(0, 1e9)
        u.incident_id = rng.choice(["", "", "INC-1", "INC-2"])
        touched.add(uid)
    touched |= set(rng.sample(sorted(state.units), 20))  # reported, unchanged on the board
    touched |= set(gone) - back  # still gone: reported again, nothing to do
    console.apply_changes(set(), touched)
    fresh = UnitTreeModel(console)
    assert _board_picture(model) == _board_picture(fresh)


def test_unit_board_summary_follows_changes(console: Any, busy_engine: Any, qtbot: Any) -> None:
    from widgets.unit_board import UnitBoard

    board = UnitBoard(console)
    qtbot.addWidget(board)

    def expected() -> str:
        units = console.state.units.values()
        return (f"{len(console.state.units)} units · "
                f"{sum(u.status == UnitStatus.AVAILABLE for u in units)} available · "
                f"{sum(bool(u.incident_id) for u in units)} on incidents")

    assert board.summary.text() == expected()
    uid = next(u.id for u in busy_engine.state.units.values()
               if u.status == UnitStatus.AVAILABLE)
    busy_engine.execute(cmd.SetUnitStatus(uid, "off_duty"), FIELD)
    console.apply_changes(*busy_engine.state.take_changes())
    board.refresh_summary()
    assert board.summary.text() == expected()


def test_unit_warning_after_too_long_in_status(console: Any, busy_engine: Any, clock: Any) -> None:
    model = UnitTreeModel(console)
    uid = next(u.id for u in busy_engine.state.units.values()
               if u.status == UnitStatus.DISPATCHED)
    idx = model.unit_index(uid, UnitColumn.TIME)
    clock.advance(-clock() + busy_engine.state.units[uid].status_since + 60)
    assert idx.data(WARNING_ROLE) is False
    clock.advance(11 * 60)
    assert idx.data(WARNING_ROLE) is True
    assert idx.data(Qt.ItemDataRole.ForegroundRole).name() == "#b91c1c"
    assert "Longer than expected" in idx.data(Qt.ItemDataRole.ToolTipRole)


def test_unit_proxy(console: Any, qtlog: Any) -> None:
    model = UnitTreeModel(console)
    proxy = UnitFilterProxy()
    proxy.setSourceModel(model)
    units = console.state.units
    # Qt's model tester over the proxy through filter changes on two departments (it re-walks
    # the tree at every signal: seconds per change on the whole board), then without it
    proxy.set_departments({"police", "city_mgmt"})
    tester = QAbstractItemModelTester(proxy,
                                      QAbstractItemModelTester.FailureReportingMode.Warning)
    proxy.set_availability("engaged")
    proxy.set_availability("available")
    proxy.set_departments({"police"})
    proxy.set_availability("all")
    del tester
    proxy.set_departments(())
    assert not [r.message for r in qtlog.records if "FAIL" in r.message]

    def visible_units() -> set[str]:
        out: set[str] = set()

        def walk(parent: QModelIndex) -> None:
            for r in range(proxy.rowCount(parent)):
                idx = proxy.index(r, 0, parent)
                uid = idx.data(model.IdRole)
                if uid:
                    out.add(uid)
                walk(idx)
        walk(QModelIndex())
        return out

    assert visible_units() == set(units)
    proxy.set_availability("available")
    assert visible_units() == {u.id for u in units.values()
                               if u.status in (UnitStatus.AVAILABLE, UnitStatus.RETURNING)}
    proxy.set_availability("engaged")
    engaged = visible_units()
    assert engaged
    assert all(units[u].incident_id for u in engaged)
    assert proxy.rowCount() == len({units[u].department for u in engaged})
    proxy.set_availability("all")
    proxy.set_departments({"fire"})
    assert visible_units() == {u.id for u in units.values() if u.department == "fire"}
    assert proxy.rowCount() == 1
    proxy.set_departments(())
    proxy.set_search("u-police-1")
    assert "U-police-1" in visible_units()
    with pytest.raises(ValueError, match="unknown availability filter"):
        proxy.set_availability("sleeping")


def test_unit_board_scales_to_a_city(console: Any, qapp: Any) -> None:
    """26,000 units: a batch of status changes reaches the views as one span per type group,
    not row by row (how long it takes is bench console_live's business, not a test's)."""
    state = DispatchState()
    types = [("police", "patrol_car"), ("city_mgmt", "enforcement_team"),
             ("street_office", "grid_worker"), ("fire", "fire_engine")]
    for i in range(26_000):
        dept, typ = types[i % len(types)]
        state.units[f"U-{i}"] = UnitState(f"U-{i}", dept, typ, f"unit {i}", "320508001001001",
                                          120.6, 31.3)
    console.reset(state)
    model = UnitTreeModel(console)
    proxy = UnitFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_availability("available")
    rec = Recorder(model)
    changed = {f"U-{i}" for i in range(0, 26_000, 7)}
    for uid in changed:
        state.units[uid].status = UnitStatus.OFF_DUTY
        state.units[uid].status_since = 1.0
    moved = {f"U-{i}" for i in range(1, 26_000, 7)}
    console.apply_changes(set(), changed | moved)
    assert rec.resets == 0
    assert rec.layout == 0
    assert not rec.inserted
    # one span per type group (many rows of each changed) and one signal per group row
    units_changed = [c for c in rec.changed if c[4] is not None and c[4] != 0]
    covered = set()
    for top, bottom, left, right, parent, _roles in units_changed:
        assert (left, right) == (UnitColumn.STATUS, UnitColumn.INCIDENT)
        covered |= {(parent, r) for r in range(top, bottom + 1)}
    assert len(units_changed) == len(types)
    for uid in changed:
        idx = model.unit_index(uid)
        assert (idx.parent().internalId(), idx.row()) in covered
    assert len(rec.changed) == len(types) * 3  # + each type group and each department
    type_rows = [c for c in rec.changed if c[4] == 0]
    assert all((c[2], c[3]) == (UnitColumn.STATUS, UnitColumn.STATUS) for c in type_rows)
    assert proxy.rowCount(proxy.index(0, 0)) > 0


def test_unit_board_skips_changes_under_collapsed_groups(console: Any, busy_engine: Any,
                                                         qtbot: Any) -> None:
    """Qt's item view works out the screen area of a changed range row by row, calling back
    into the model for each: the board's tree leaves ranges under a collapsed group alone
    (nothing of them is on screen) and handles those under an open one."""
    import sys

    from widgets.unit_board import UnitBoard

    board = UnitBoard(console)
    qtbot.addWidget(board)
    board.resize(900, 600)
    board.show()
    view = board.view
    view.collapseAll()
    state = busy_engine.state  # the server's: the mirror follows it record by record
    police = [u for u in state.units.values() if u.department == "police"]
    calls: list[str] = []

    def count(frame: Any, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code.co_name == "index" \
                and frame.f_code.co_filename.endswith("unit_model.py"):
            calls.append("index")

    def apply_all() -> int:
        for u in police:
            u.status = UnitStatus.BUSY if u.status != UnitStatus.BUSY else UnitStatus.AVAILABLE
            u.status_since += 1.0
        calls.clear()
        sys.setprofile(count)
        try:
            console.apply_changes(set(), {u.id for u in police})
        finally:
            sys.setprofile(None)
        return len(calls)

    collapsed = apply_all()
    view.expandAll()
    expanded = apply_all()
    assert len(police) > 20
    # (without the skip: ~200 calls collapsed, several per changed row)
    assert collapsed < len(police) < expanded  # the open groups' rows are looked at
    uid = police[0].id
    shown = board.proxy.mapFromSource(board.model.unit_index(uid, UnitColumn.STATUS))
    from widgets import labels

    assert shown.data() == labels.unit_status(police[0].status)
