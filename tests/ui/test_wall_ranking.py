"""The wall's ranking tiles: the month's best and worst streets and departments by evaluation
score, of the whole city and of the district on show, from the live state."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import pytest

import maps

maps.prepare_environment()

from dispatch.domain.evaluation import Level, evaluate  # noqa: E402
from tests.domain.test_evaluation import fixture  # noqa: E402
from tests.ui.test_wall_window import chinese, make_wall, wall_console  # noqa: E402, F401
from tests.ui.widget_fixtures import *  # noqa: E402, F403
from widgets.wall_ranking import RankingList, ends, month_ranking  # noqa: E402

pytestmark = pytest.mark.ui


def test_the_ends_of_a_ranking() -> None:
    rows = [r for r in evaluate(fixture(), 0, 1000, Level.GRID) if r.score is not None]
    assert [(r.code, best) for r, best in ends(rows, 1)] == [
        (rows[0].code, True), (rows[-1].code, False)]
    assert len(rows) == 2
    assert [best for _r, best in ends([*rows, rows[0]], 3)] == [True, True, False]
    assert ends([], 3) == []


def test_a_ranking_list_names_and_colours(qtbot: Any) -> None:
    rows = [r for r in evaluate(fixture(), 0, 1000, Level.DEPARTMENT) if r.score is not None]
    table = RankingList("Department", {"D1": "城管局", "D2": "水务局"}.__getitem__)
    qtbot.addWidget(table)
    table.show_rows(rows)
    assert [(name, best) for name, _s, best in table.shown] == [
        ({"D1": "城管局", "D2": "水务局"}[rows[0].code], True),
        ({"D1": "城管局", "D2": "水务局"}[rows[1].code], False)]
    assert table.rows[0][2].text == f"{(rows[0].score or 0) * 100:.1f}"


def test_the_wall_ranks_streets_and_departments_of_the_month(
        make_wall: Any, wall_console: Any, busy_engine: Any, clock: Any,  # noqa: F811
        qtbot: Any) -> None:
    wall = make_wall()
    wall.refresh()
    qtbot.waitUntil(lambda: wall.ranking_pending is None and bool(wall.ranking.streets.shown),
                    timeout=10_000)  # computed off the GUI thread
    incidents, now, tz = busy_engine.state.incidents.values(), clock(), wall_console.tz
    streets = month_ranking(incidents, now, tz, Level.STREET)
    departments = month_ranking(incidents, now, tz, Level.DEPARTMENT)
    assert streets, "the busy city has streets with something due this month"
    n = wall.ranking.streets.per_end()
    assert 1 <= n <= 3
    assert wall.ranking.streets.visible_rows() >= 2 * n  # both ends fit
    assert [n for n, _s, _b in wall.ranking.streets.shown] == [
        wall_console.city.regions[r.code].name for r, _best in ends(streets, n)]
    assert [s for _n, s, _b in wall.ranking.departments.shown] == [
        r.score for r, _best in ends(departments, wall.ranking.departments.per_end())]
    assert wall.ranking_panel.title.full_text() == "Ranking this month · Whole city"
    wall.show_scope(1)
    scope = wall.scopes[1]
    qtbot.waitUntil(lambda: wall.ranking_pending is None, timeout=10_000)
    here = month_ranking(incidents, now, tz, Level.STREET, scope)
    assert all(r.code.startswith(scope) for r in here)
    assert [n for n, _s, _b in wall.ranking.streets.shown] == [
        wall_console.city.regions[r.code].name for r, _best in ends(here, n)]


def test_in_chinese(chinese: Any, make_wall: Any, wall_console: Any) -> None:  # noqa: F811
    wall_console.language = "zh"
    wall = make_wall()
    assert wall.ranking_panel.title.full_text() == "本月排名 · 全市"
    assert [c.title for c in wall.ranking.streets.columns] == ["#", "街道", "得分"]
    assert wall.ranking.departments.columns[1].title == "部门"
