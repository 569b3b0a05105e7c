"""The unit board's tree model and its filter proxy: rows, groups, counts, big batches."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from dispatch.domain import commands as cmd
from dispatch.domain.state import DispatchState, UnitState
from dispatch.domain.status import UnitStatus
from tests.domain.helpers import FIELD
from tests.ui.model_recorders import Recorder
from tests.ui.widget_fixtures import *  # noqa: F403
from widgets.unit_cells import KIND_ROLE, WARNING_ROLE, UnitColumn
from widgets.unit_filter import UnitFilterProxy
from widgets.unit_model import UnitTreeModel

pytestmark = pytest.mark.ui




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
