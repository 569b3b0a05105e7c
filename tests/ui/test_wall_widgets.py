"""The wall screen's figures and widgets (tiles, charts, lists) over a state built by the real
engine on the demo city; no map here (see test_wall_window.py)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest

from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Priority
from dispatch.domain.kpi import GroupBy, compute_kpis
from dispatch.domain.status import UnitStatus
from dispatch.domain.timelimits import is_overdue
from tests.conftest import T0
from tests.domain.helpers import DISPATCHER, FIELD, WALL, free_units, minor_with
from tests.ui.widget_fixtures import *  # noqa: F403
from tests.ui.widget_fixtures import MirroredConsole, report_at
from widgets import i18n, labels
from widgets.wall_charts import HOURS, OTHER, HourlyChart, OpenChart, OpenSeries, hourly_by_major
from widgets.wall_lists import (
    DepartmentLoadList,
    OverdueList,
    department_load,
    most_overdue,
    overdue_seconds,
)
from widgets.wall_tiles import WallTiles, day_start, scope_kpi

pytestmark = pytest.mark.ui

MIDNIGHT = T0 - (10 * 3600 + 13 * 60)  # T0 is 10:13 Beijing time


def wall_console(engine: Any, clock: Any) -> Any:
    return MirroredConsole(engine, WALL, now=clock)


def minor_of_dept(engine: Any, dept: str, priority: Priority | None = None) -> str:
    for m in engine.catalogue.minors.values():
        if m.lead_department == dept and (priority is None or m.priority == priority):
            return m.code
    raise LookupError(dept)


@pytest.fixture
def known(engine: Any, clock: Any) -> dict[str, str]:
    """Three incidents with figures worked out by hand, an hour after the first report:

    - ``closed``: reported at T0, dispatched at +2 min, acknowledged at +7 min (5 min
      response), handled, responded, verified and closed;
    - ``urgent``: reported at +1 min and left alone: its 10-minute dispatch limit ran out at
      +11 min, so at +61 min it is 50 minutes overdue;
    - ``dispatched``: reported at +3 min, dispatched at +4 min, never acknowledged.
    """
    police = "police"
    closed = report_at(engine, 0, minor_of_dept(engine, "city_mgmt", Priority.NORMAL))
    clock.advance(60)
    urgent = report_at(engine, 5, minor_with(engine.catalogue, Priority.URGENT))
    clock.advance(60)
    engine.execute(cmd.RegisterIncident(closed), DISPATCHER)
    engine.execute(cmd.AssignUnits(closed, free_units(engine, "city_mgmt")), DISPATCHER)
    clock.advance(60)
    dispatched = report_at(engine, 9, minor_of_dept(engine, police, Priority.NORMAL))
    clock.advance(60)
    engine.execute(cmd.RegisterIncident(dispatched), DISPATCHER)
    engine.execute(cmd.AssignUnits(dispatched, free_units(engine, police)), DISPATCHER)
    clock.advance(180)  # T0 + 7 min
    engine.execute(cmd.Acknowledge(closed), FIELD)
    engine.execute(cmd.StartHandling(closed), FIELD)
    clock.advance(600)
    engine.execute(cmd.Respond(closed, "已修复"), FIELD)
    engine.execute(cmd.Verify(closed, True, "现场核实"), FIELD)
    engine.execute(cmd.CloseIncident(closed, "fixed"), DISPATCHER)
    clock.t = T0 + 61 * 60
    engine.state.take_changes()
    return {"closed": closed, "urgent": urgent, "dispatched": dispatched}


# ---------------------------------------------------------------------------------- tiles


def test_day_start_is_local_midnight(catalogue: Any) -> None:
    tz = labels.zone(catalogue)
    assert day_start(T0, tz) == MIDNIGHT
    assert day_start(MIDNIGHT, tz) == MIDNIGHT
    assert day_start(MIDNIGHT - 1, tz) == MIDNIGHT - 86400


def test_tiles_show_the_figures_of_a_known_state(engine: Any, clock: Any, known: Any,
                                                 qtbot: Any) -> None:
    tiles = WallTiles()
    qtbot.addWidget(tiles)
    k = scope_kpi(engine.state, MIDNIGHT, clock() + 1, "")
    tiles.show_kpi(k)
    assert tiles.text("reported") == "3"
    assert tiles.text("closed") == "1"
    assert tiles.text("response") == labels.duration(300) == "5m"
    # the urgent one is past its dispatch limit; the dispatched one past its acknowledgement
    overdue = sum(is_overdue(i, clock()) for i in engine.state.incidents.values())
    assert k.overdue == overdue >= 1
    assert tiles.text("overdue") == str(overdue)
    assert tiles.tiles["overdue"].colour == "#ff5c5c"
    want = compute_kpis(engine.state, MIDNIGHT, clock() + 1, GroupBy.CITY)[""]
    assert tiles.text("closure") == labels.percent(want.closure_rate)
    assert tiles.text("on_time") == labels.percent(want.on_time_rate)
    assert tiles.tiles["reported"].detail.text() == "open 2"


def test_tiles_of_a_district(engine: Any, clock: Any, known: Any) -> None:
    inc = engine.state.incidents[known["urgent"]]
    district = inc.grid[:6]
    k = scope_kpi(engine.state, MIDNIGHT, clock() + 1, district)
    in_district = [i for i in engine.state.incidents.values() if i.grid.startswith(district)]
    assert k.reported == len(in_district)
    other = next(r.code for r in engine.city.regions.values()
                 if len(r.code) == 6 and r.code != district)
    assert scope_kpi(engine.state, MIDNIGHT, clock() + 1, other).reported == 3 - len(in_district)
    with pytest.raises(ValueError, match="6, 9, 12 or 15 digits"):
        scope_kpi(engine.state, MIDNIGHT, clock(), "3205")


# --------------------------------------------------------------------------------- charts


def test_hourly_series_by_major_class(busy_engine: Any, qtbot: Any) -> None:
    state, cat = busy_engine.state, busy_engine.catalogue
    series = hourly_by_major(state, cat, MIDNIGHT)
    # populate() reports one incident every 2 minutes from 10:15 to 12:13
    per_hour = [sum(row[h] for row in series.values()) for h in range(HOURS)]
    assert per_hour[10] == 23
    assert per_hour[11] == 30
    assert per_hour[12] == 7
    assert sum(per_hour) == 60
    by_major: dict[str, int] = {}
    for inc in state.incidents.values():
        major = cat.minor_of(inc.class_code).major
        by_major[major] = by_major.get(major, 0) + 1
    assert {m: sum(row) for m, row in series.items()} == by_major
    assert hourly_by_major(state, cat, MIDNIGHT + 86400) == {}  # tomorrow: nothing yet
    district = "320508"
    in_district = sum(1 for i in state.incidents.values() if i.grid.startswith(district))
    assert sum(map(sum, hourly_by_major(state, cat, MIDNIGHT, district).values())) == \
        in_district < 60

    names = {code: m.name_en for code, m in cat.majors.items()}
    chart = HourlyChart(cat, names, groups=4)
    qtbot.addWidget(chart)
    chart.set_series(series, 12.2)
    assert chart.series == {m: row for m, row in series.items() if any(row)}
    assert chart.totals() == by_major
    # the three largest classes get their own bars, the rest are stacked as "other"
    shown = dict(chart.shown)
    ranked = sorted(by_major, key=lambda m: (-by_major[m], m))
    assert set(shown) == {*ranked[:3], OTHER}
    assert sum(shown[OTHER]) == sum(by_major[m] for m in ranked[3:])
    assert [sum(r[h] for r in shown.values()) for h in range(HOURS)] == per_hour
    legend = chart.legend.text()
    assert names[ranked[0]] in legend
    assert "Other" in legend
    with pytest.raises(ValueError, match="24"):
        chart.set_series({"01": [1, 2]}, None)
    chart.set_series({}, None)
    assert chart.shown == []
    assert "No incidents" in chart.legend.text()


def test_open_series_backfills_then_samples(busy_engine: Any, clock: Any,
                                            qtbot: Any) -> None:
    state = busy_engine.state
    now = clock()  # 12:13
    open_now = sum(1 for i in state.incidents.values() if i.is_open)
    series = OpenSeries(step_s=600)
    series.update(state, now, MIDNIGHT)
    pts = series.points("")
    assert pts[0] == (MIDNIGHT, 0)
    assert pts[-1] == (now, open_now)
    assert [t for t, _ in pts[:-1]] == [MIDNIGHT + 600 * k for k in range(len(pts) - 1)]
    assert all(n == 0 for t, n in pts if t < T0)  # nothing before the first report
    at_11 = sum(1 for i in state.incidents.values() if i.reported_at <= MIDNIGHT + 11 * 3600
                and (i.closed_at is None or i.closed_at > MIDNIGHT + 11 * 3600))
    assert dict(pts)[MIDNIGHT + 11 * 3600] == at_11
    district = "320508"
    assert series.points(district)[-1][1] == sum(
        1 for i in state.incidents.values() if i.is_open and i.grid.startswith(district))
    assert set(series.scopes()) == {"", "320505", "320508"}

    # live: a close a minute later moves the tip; ten minutes later a point is kept
    victim = busy_engine.populated["verified"][0]
    busy_engine.execute(cmd.CloseIncident(victim, "fixed"), DISPATCHER)
    series.update(state, now + 60, MIDNIGHT)
    assert series.points("")[-1] == (now + 60, open_now - 1)
    assert len(series.points("")) == len(pts) + 1
    series.update(state, now + 120, MIDNIGHT)
    assert len(series.points("")) == len(pts) + 1  # the tip moved
    series.update(state, now + 600, MIDNIGHT)
    series.update(state, now + 660, MIDNIGHT)
    assert len(series.points("")) == len(pts) + 2
    # a new day starts from scratch
    series.update(state, MIDNIGHT + 86400 + 30, MIDNIGHT + 86400)
    assert series.points("")[0] == (MIDNIGHT + 86400, open_now - 1)

    chart = OpenChart()
    qtbot.addWidget(chart)
    chart.set_points(series.points(""), MIDNIGHT + 86400)
    assert chart.current() == open_now - 1
    assert chart.points == series.points("")
    with pytest.raises(ValueError, match="step_s must be > 0"):
        OpenSeries(0)


# ---------------------------------------------------------------------------------- lists


def test_overdue_seconds_and_ordering(engine: Any, clock: Any, known: Any,
                                      qtbot: Any) -> None:
    state, now = engine.state, clock()
    urgent = state.incidents[known["urgent"]]
    assert overdue_seconds(urgent, now) == pytest.approx(50 * 60)
    assert overdue_seconds(state.incidents[known["closed"]], now) is None
    items = most_overdue(state, now)

    def lateness(iid: str) -> float:
        late = overdue_seconds(state.incidents[iid], now)
        assert late is not None, iid
        return late

    assert [i.id for i, _ in items] == sorted(
        (i.id for i in state.incidents.values() if is_overdue(i, now)),
        key=lambda iid: -lateness(iid))
    assert items[0][0].id == known["urgent"]
    assert most_overdue(state, now, limit=1) == items[:1]
    assert most_overdue(state, now, scope="999999") == []
    with pytest.raises(ValueError, match="limit must be >= 0"):
        most_overdue(state, now, limit=-1)


def test_most_overdue_list_of_a_busy_city(console: Any, busy_engine: Any, clock: Any,
                                          qtbot: Any) -> None:
    clock.advance(3 * 3600)
    now = clock()
    items = most_overdue(busy_engine.state, now, limit=12)
    lates = [late for _, late in items]
    assert len(items) == 12
    assert lates == sorted(lates, reverse=True)
    assert all(is_overdue(i, now) for i, _ in items)
    everything = most_overdue(busy_engine.state, now, limit=1000)
    assert items == everything[:12]
    assert min(lates) >= max(late for _, late in everything[12:])

    view = OverdueList(console)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show_overdue(items)
    first, late = items[0]
    assert view.rows[0][0].text == first.id
    assert view.rows[0][1].text == console.class_name(first.class_code)
    assert view.rows[0][2].text == console.grid_name(first.grid)
    assert view.rows[0][3].text == labels.duration(late)
    supervised = [r for r, (inc, _) in zip(view.rows, items, strict=True) if inc.supervised]
    assert supervised
    assert all(r[4].text == "yes" for r in supervised)
    assert all(r[4].text == "" for r, (inc, _) in zip(view.rows, items, strict=True)
               if not inc.supervised)
    assert 5 <= view.visible_rows() <= 12
    view.grab()  # paints without error
    view.show_overdue([])
    assert view.rows == []


def test_department_load_counts(engine: Any, clock: Any, known: Any, qtbot: Any) -> None:
    state = engine.state
    police_units = [u for u in state.units.values() if u.department == "police"]
    mgmt_units = [u for u in state.units.values() if u.department == "city_mgmt"]
    load = {d.department: d for d in department_load(state, "", engine.catalogue)}
    # the dispatched police incident and its unit
    assert load["police"].open == 1
    assert load["police"].engaged == 1
    assert load["police"].available == len(police_units) - 1
    assert load["police"].units == len(police_units)
    # the closed city-management incident: its unit is back or returning
    assert load["city_mgmt"].open == 0
    assert load["city_mgmt"].engaged == sum(
        1 for u in mgmt_units if u.status in (UnitStatus.DISPATCHED, UnitStatus.EN_ROUTE,
                                              UnitStatus.ON_SCENE, UnitStatus.BUSY))
    urgent = state.incidents[known["urgent"]]
    lead = engine.catalogue.lead_department_of(urgent.class_code)
    assert urgent.lead_department == "" or urgent.lead_department == lead
    assert load[lead].open >= 1  # counted for its class's lead department
    without_catalogue = {d.department: d for d in department_load(state)}
    if not urgent.lead_department:
        assert without_catalogue["-"].open == 1
    ordered = department_load(state, "", engine.catalogue)
    assert [(-d.open, -d.engaged, d.department) for d in ordered] == sorted(
        (-d.open, -d.engaged, d.department) for d in ordered)
    # a scope with no grid of the city has nothing
    assert department_load(state, "999999", engine.catalogue) == []
    # a district: units by home grid
    district = urgent.grid[:6]
    scoped = {d.department: d for d in department_load(state, district, engine.catalogue)}
    assert scoped["police"].units == sum(1 for u in police_units
                                         if u.home_grid.startswith(district))

    console = wall_console(engine, clock)
    view = DepartmentLoadList(console)
    qtbot.addWidget(view)
    view.resize(500, 600)
    view.show_load(ordered)
    row = next(r for r in view.rows if r[0].text == console.department_name("police"))
    assert [c.text for c in row[1:]] == ["1", "1", str(len(police_units) - 1)]
    assert row[1].bar is not None
    view.grab()


# ---------------------------------------------------------------------------- translation

WALL_CONTEXTS = {"Wall", "WallCharts", "WallLists", "WallTiles"}


def test_every_wall_string_is_translated() -> None:
    root = ET.parse(Path(i18n.I18N_DIR) / "gridline_zh_CN.ts").getroot()
    seen = set()
    for ctx in root.findall("context"):
        name = ctx.findtext("name")
        if name not in WALL_CONTEXTS:
            continue
        seen.add(name)
        for msg in ctx.findall("message"):
            tr = msg.find("translation")
            assert tr is not None
            if tr.get("type") in ("vanished", "obsolete"):
                continue  # kept for history, not used
            src = msg.findtext("source") or ""
            assert (tr.text or "").strip(), (name, src)
            assert tr.get("type") != "unfinished", (name, src)
            for ph in ("%1", "%2", "%3"):
                assert (ph in src) == (ph in (tr.text or "")), (name, src, tr.text)
    assert seen == WALL_CONTEXTS
