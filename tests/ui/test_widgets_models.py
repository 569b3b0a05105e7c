"""Item models of the console: model tests, row-by-row updates, the filter proxies."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import QModelIndex, Qt

from dispatch.domain import commands as cmd
from dispatch.domain.state import DispatchState
from dispatch.domain.status import IncidentStatus
from dispatch.domain.timelimits import is_overdue
from tests.domain.helpers import DISPATCHER
from tests.ui.model_recorders import Recorder
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import report_at
from widgets.incident_cells import CLOCK_ROLE, ID_ROLE, SORT_ROLE, Column
from widgets.incident_filter import IncidentFilterProxy
from widgets.incident_model import IncidentTableModel

pytestmark = pytest.mark.ui




def test_incident_model_rows_and_roles(console: Any, strict: Any) -> None:
    model = IncidentTableModel(console)
    strict(model)
    state = console.state
    assert model.rowCount() == len(state.incidents) == 60
    assert model.columnCount() == len(Column) == 16
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
