"""The queue's table and proxy over a replayed history, as the replay drives them: after every
jump (a bulk change) and every step (a few rows) the proxy's rows are exactly the incidents the
filters accept, in the order of the sort column; its counts equal a count from scratch; few
changes give row-level signals and many one layout change; model testers watch every signal."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import dataclasses
import math
import random
from collections import Counter
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtTest import QAbstractItemModelTester

from dispatch.domain.roles import Actor, Role
from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.status import IncidentStatus
from dispatch.domain.timelimits import clock_dues, is_overdue, overdue_from
from dispatch.services.replay import Replayer, changed_between
from tests.domain.replay_scenario import Recorded, recorded_fixture
from widgets import labels
from widgets.console_model import ConsoleModel
from widgets.filter_counts import FilterCounts
from widgets.incident_cells import Column
from widgets.incident_filter import FINE_GRAINED_ROWS, IncidentFilterProxy
from widgets.incident_model import COUNTDOWN_ROLES, IncidentTableModel

pytestmark = pytest.mark.ui


# (seed 17's short steps cross archivings: the table drops an archived incident's row as the
# step reports it gone)
recorded = recorded_fixture("queue-proxy", steps=1500, seed=17)


class Replay:
    """The replay window's way of moving a console: jumps swap the state and report what
    differs, steps apply events in place; prune after jumps."""

    def __init__(self, recorded: Recorded, catalogue: Any, city: Any) -> None:
        self.r = Replayer.from_store(recorded.store, since_ts=0, min_spacing=16, max_spacing=64)
        self.position = 0
        self.instant = self.r.ts_at(0)
        self.state = self.r.state_at(0)
        self.console = ConsoleModel(self.state, catalogue, city,
                                    Actor("replay", Role.WALL, "", "replay"),
                                    now=lambda: self.instant)
        self.table = IncidentTableModel(self.console, tick_ms=10_000_000)
        self.proxy = IncidentFilterProxy(self.console)
        self.proxy.setSourceModel(self.table)

    def jump(self, position: int) -> None:
        new = self.r.state_at(position)
        incidents, units = changed_between(self.state, new)
        self.position, self.instant = position, self.r.ts_at(position)
        self.console.replace_state(new, (incidents, units))
        self.state = new
        self.table.prune()

    def step(self, n: int) -> None:
        target = min(len(self.r), self.position + n)
        incidents, units = self.r.advance(self.state, self.position, target)
        self.position, self.instant = target, self.r.ts_at(target)
        self.console.apply_changes(incidents, units)


@pytest.fixture
def replay(recorded: Recorded, catalogue: Any, demo_city: Any, qapp: Any) -> Replay:
    return Replay(recorded, catalogue, demo_city)


def _shown(proxy: IncidentFilterProxy) -> list[str]:
    return [proxy.id_at(r) for r in range(proxy.rowCount())]


def _expected(replay: Replay, accept: Any, column: int, order: Qt.SortOrder) -> list[str]:
    table = replay.table
    incs = [i for i in replay.state.incidents.values() if accept(i)]
    col = Column.DUE if column == Column.COUNTDOWN else column
    incs.sort(key=lambda i: (table.cells.sort_value(i, col), i.id),
              reverse=order == Qt.SortOrder.DescendingOrder)
    return [i.id for i in incs]


def _check_data(proxy: IncidentFilterProxy) -> None:
    """Every row maps to its incident's row in the table, and shows its data."""
    table = proxy.incident_model()
    for r in range(proxy.rowCount()):
        idx = proxy.index(r, Column.ID)
        src = proxy.mapToSource(idx)
        assert table.id_at(src.row()) == proxy.id_at(r) == idx.data()
        assert proxy.mapFromSource(src) == idx


@pytest.mark.parametrize(("column", "order"), [
    (Column.COUNTDOWN, Qt.SortOrder.AscendingOrder),
    (Column.PRIORITY, Qt.SortOrder.DescendingOrder),
    (Column.CLASS, Qt.SortOrder.AscendingOrder),
    (Column.REPORTED, Qt.SortOrder.DescendingOrder),
])
def test_rows_follow_jumps_and_steps_in_sort_order(replay: Replay, column: int,
                                                   order: Qt.SortOrder, qtlog: Any) -> None:
    proxy = replay.proxy
    # Qt's model tester checks every signal (its failures are warnings, checked at the end)
    tester = QAbstractItemModelTester(proxy,
                                      QAbstractItemModelTester.FailureReportingMode.Warning)
    proxy.sort(column, order)
    rng = random.Random(column)
    n = len(replay.r)
    for i in range(14):
        if i % 2:
            replay.step(rng.randrange(1, 12))
        else:
            replay.jump(rng.randrange(n + 1))
        assert _shown(proxy) == _expected(replay, lambda inc: inc.is_open, column, order)
        assert replay.table.rowCount() == len(replay.state.incidents)  # gone rows pruned
    _check_data(proxy)
    proxy.set_open_only(False)
    assert _shown(proxy) == _expected(replay, lambda inc: True, column, order)
    replay.jump(rng.randrange(n + 1))
    assert _shown(proxy) == _expected(replay, lambda inc: True, column, order)
    assert not [r.message for r in qtlog.records if "FAIL" in r.message]
    del tester


def test_filters_over_a_replayed_state(replay: Replay) -> None:
    proxy = replay.proxy
    proxy.sort(Column.COUNTDOWN)
    replay.jump(len(replay.r) * 2 // 3)
    state = replay.state
    some = next(i for i in state.incidents.values() if i.is_open)
    district = some.grid[:6]
    proxy.set_region(district)
    want = _expected(replay, lambda i: i.is_open and i.grid.startswith(district),
                     Column.COUNTDOWN, Qt.SortOrder.AscendingOrder)
    assert _shown(proxy) == want
    assert want
    proxy.set_region("")
    proxy.set_overdue_only(True)
    overdue = _expected(replay, lambda i: i.is_open and is_overdue(i, replay.instant),
                        Column.COUNTDOWN, Qt.SortOrder.AscendingOrder)
    assert _shown(proxy) == overdue
    # time passes without any record changing: the tick's countdown signal re-filters
    later = replay.instant + 3600
    opened = [i for i in state.incidents.values()
              if i.is_open and replay.instant < overdue_from(i) <= later]
    assert opened, "the scenario has clocks running out within the hour"
    replay.instant = later
    replay.table.tick()
    assert set(_shown(proxy)) == {i.id for i in state.incidents.values()
                                  if i.is_open and is_overdue(i, later)}


def test_few_changes_signal_rows_many_one_layout(replay: Replay) -> None:
    proxy = replay.proxy
    proxy.sort(Column.COUNTDOWN)
    replay.jump(len(replay.r) // 2)
    signals: Counter[str] = Counter()
    for name in ("rowsInserted", "rowsRemoved", "rowsMoved", "layoutChanged", "modelReset"):
        getattr(proxy, name).connect(lambda *_a, n=name: signals.update([n]))
    replay.step(3)
    assert signals["layoutChanged"] == signals["modelReset"] == 0
    signals.clear()
    shown = set(_shown(proxy))

    def moves(position: int) -> int:  # rows that would leave or enter the queue
        st = replay.r.state_at(position)
        return len(shown ^ {i for i, inc in st.incidents.items() if inc.is_open})

    far = next(p for p in range(0, len(replay.r), 50) if moves(p) > FINE_GRAINED_ROWS)
    replay.jump(far)
    assert signals["layoutChanged"] == 1
    assert signals["modelReset"] == 0
    assert signals["rowsInserted"] == signals["rowsRemoved"] == signals["rowsMoved"] == 0


def test_selection_stays_on_its_incident(replay: Replay) -> None:
    proxy = replay.proxy
    proxy.sort(Column.COUNTDOWN)
    replay.jump(len(replay.r) // 2)
    selection = QItemSelectionModel(proxy)
    rows = _shown(proxy)
    stays = [iid for iid in rows if all(
        st.incidents.get(iid) is not None and st.incidents[iid].is_open
        for st in (replay.r.state_at(replay.position + 40), replay.r.state_at(len(replay.r)
                                                                              // 2 + 400)))]
    target = stays[len(stays) // 2]
    selection.setCurrentIndex(proxy.proxy_index_of(target),
                              QItemSelectionModel.SelectionFlag.ClearAndSelect)
    replay.step(40)
    assert proxy.id_at(selection.currentIndex().row()) == target
    replay.jump(len(replay.r) // 2 + 400)
    assert selection.currentIndex().isValid()
    assert proxy.id_at(selection.currentIndex().row()) == target


def _counts_from_scratch(proxy: IncidentFilterProxy, state: DispatchState,
                         now: float) -> FilterCounts:
    """The filter bar's counts, counted incident by incident (as the proxy did before it kept
    them up to date)."""
    out = FilterCounts()
    cat = proxy.console.catalogue
    facets = proxy.facets
    for inc in state.incidents.values():
        out.total += 1
        major = labels.major_of(cat, inc.class_code)
        depts = facets.departments_of(inc)
        fail = {
            "status": bool(facets.statuses) and inc.status.value not in facets.statuses,
            "priority": bool(facets.priorities) and inc.priority not in facets.priorities,
            "major": bool(facets.majors) and major not in facets.majors,
            "department": bool(facets.departments)
            and not facets.departments.intersection(depts),
            "region": bool(facets.region) and not inc.grid.startswith(facets.region),
            "overdue": facets.overdue_only and not (inc.is_open and is_overdue(inc, now)),
            "open": facets.open_only and not inc.is_open,
        }

        def passes(but: str, fail: dict[str, bool] = fail) -> bool:
            return not any(v for k, v in fail.items() if k != but)

        if passes(""):
            out.shown += 1
        if passes("status"):
            out.base["status"] += 1
            out.status[inc.status.value] += 1
        if passes("priority"):
            out.base["priority"] += 1
            out.priority[inc.priority] += 1
        if passes("major"):
            out.base["major"] += 1
            out.major[major] += 1
        if passes("department"):
            out.base["department"] += 1
            for d in depts:
                out.department[d] += 1
        if passes("region"):
            out.base["region"] += 1
            for n in (6, 9, 12):
                out.region[inc.grid[:n]] += 1
        if passes("overdue") and inc.is_open and is_overdue(inc, now):
            out.overdue += 1
        if passes("open") and inc.is_open:
            out.open += 1
    for c in (out.status, out.priority, out.major, out.department, out.region, out.base):
        c += Counter()  # drop zeros, as the proxy's copies do
    return out


def test_counts_equal_a_count_from_scratch(replay: Replay) -> None:
    proxy = replay.proxy
    rng = random.Random(5)
    n = len(replay.r)
    replay.jump(n // 3)
    some = next(i for i in replay.state.incidents.values() if i.is_open)
    settings = [
        lambda: None,
        lambda: proxy.set_priorities({some.priority}),
        lambda: proxy.set_region(some.grid[:9]),
        lambda: proxy.set_overdue_only(True),
        lambda: proxy.set_statuses({"dispatched", "handling"}),
        lambda: proxy.set_open_only(False),
    ]
    for setting in settings:
        setting()
        for i in range(8):
            if i % 3 == 2:
                replay.jump(rng.randrange(n + 1))
            elif i % 3 == 1:
                replay.instant += rng.choice((60.0, 900.0, -300.0))  # time moves alone
            else:
                replay.step(rng.randrange(1, 30))
            got = proxy.counts()
            assert got == _counts_from_scratch(proxy, replay.state, replay.instant), setting
        proxy.clear_filters()


def test_overdue_from_is_when_is_overdue_turns_true(recorded: Recorded) -> None:
    seen = 0
    for state in list(recorded.live.values())[::25]:
        for inc in state.incidents.values():
            t = overdue_from(inc)
            if t == math.inf:
                assert not (inc.is_open and is_overdue(inc, state.ts + 10 * 86400))
                continue
            seen += 1
            assert inc.is_open
            assert is_overdue(inc, t)
            assert not is_overdue(inc, t - 0.001)
    assert seen


def test_clock_dues_are_the_due_sort_value_and_overdue_from(recorded: Recorded,
                                                             replay: Replay) -> None:
    """The proxy's shortcut (dispatch.domain.timelimits.clock_dues) gives what the model sorts the
    due column by (through running_clock) and overdue_from, for incidents in every status."""
    statuses = set()
    for state in list(recorded.live.values())[::10]:
        for inc in state.incidents.values():
            statuses.add(inc.status)
            assert clock_dues(inc) == (replay.table.cells.sort_value(inc, Column.DUE),
                                       overdue_from(inc))
    assert len(statuses) >= 5
    inc = next(iter(replay.r.state_at(len(replay.r)).incidents.values()))
    for status in IncidentStatus:  # every branch, with and without the deadlines
        for gone in ((), ("ack_due",), ("dispatched_at",), ("handle_due",), ("verify_due",),
                     ("responded_at",)):
            cleared: dict[str, Any] = dict.fromkeys(gone)
            probe = dataclasses.replace(inc, status=status, **cleared)
            assert clock_dues(probe) == (replay.table.cells.sort_value(probe, Column.DUE),
                                         overdue_from(probe)), (status, gone)


def test_table_drops_gone_rows_and_announces_batches(replay: Replay) -> None:
    table = replay.table
    replay.jump(len(replay.r))
    batches: list[list[int]] = []
    removed: list[tuple[int, int]] = []
    table.sig_rows_changed.connect(batches.append)
    table.rowsRemoved.connect(lambda _p, a, b: removed.append((a, b)))
    before = set(table.ids())
    early = replay.r.state_at(len(replay.r) // 4)
    incidents, units = changed_between(replay.state, early)
    replay.console.replace_state(early, (incidents, units))
    replay.state = early
    assert len(batches) == 1
    assert batches[0] == sorted(batches[0])
    # the batch names the rows of every incident changed, new or gone (as numbered when it
    # was sent); the rows of those gone leave right after it, in runs: nothing is left for
    # prune
    assert len(batches[0]) == len(incidents & (before | set(early.incidents)))
    assert set(table.ids()) == set(early.incidents)
    assert len(removed) < len(before - set(early.incidents))
    assert table.prune() == 0
    assert all(a <= b for a, b in removed)
    assert len(removed) < len(before - set(early.incidents))
    for iid in list(early.incidents)[:20]:
        row = table.row_of(iid)
        assert row is not None
        assert table.id_at(row) == iid
        for col in Column:
            idx = table.index(row, col)
            assert table.data_at(row, col) == idx.data()
            assert table.sort_value(row, col) == idx.data(IncidentTableModel.SortRole)


def test_tick_rows_limit_the_countdown_refresh(replay: Replay) -> None:
    table = replay.table
    replay.jump(len(replay.r) // 2)
    found = [table.row_of(i) for i, inc in replay.state.incidents.items()
             if inc.is_open and inc.status.value != "parked"]
    open_rows = sorted(r for r in found if r is not None)
    assert len(open_rows) == len(found)
    on_screen = open_rows[:5]
    table.set_tick_rows(lambda: on_screen)
    changed: list[tuple[int, int, list[int]]] = []
    table.dataChanged.connect(lambda tl, br, roles=(): changed.append(
        (tl.row(), br.row(), list(roles))))
    replay.instant += 3600
    table.tick()
    rows = {r for top, bottom, roles in changed for r in range(top, bottom + 1)
            if roles == COUNTDOWN_ROLES}
    assert rows
    assert rows <= set(on_screen)
    changed.clear()
    table.tick()
    assert changed == []  # nothing moved
    # a changed record on screen is looked at again by the next tick
    iid = table.id_at(on_screen[0])
    replay.console.apply_changes({iid}, set())
    changed.clear()
    table.tick()
    assert any(top <= on_screen[0] <= bottom for top, bottom, _r in changed)
    assert QModelIndex() == table.index_of("no such incident")


def test_incident_records_are_compared_by_version(replay: Replay) -> None:
    """The facts the proxy caches are those of the record's version."""
    proxy = replay.proxy
    replay.jump(len(replay.r) // 2)
    inc: Incident = next(i for i in replay.state.incidents.values() if i.is_open)
    f = proxy.facets.facts(inc)
    assert proxy.facets.facts(inc) is f
    later = replay.r.state_at(len(replay.r))
    other = later.incidents.get(inc.id)
    if other is not None and other.version != inc.version:
        assert proxy.facets.facts(other) is not f
