"""whistle_on_time_rate (吹哨报到) against a fixture computed by hand: period [0, 1000) seen
at 1000 (or earlier).

  incident grid           lead  summoned (department: due, arrived)
  W1       320508001001001 D1   D2: 300, 250 (on time)   D3: 300, 400 (late)   D4: 300, - (late)
  W2       320508002001001 D1   D2: 900, 950 (late)      D3: 1200, - (due after the period)
                                D4: 500, 500 (on time: arriving at the due time is in time)

Department: D2 1 of 2, D3 0 of 1, D4 1 of 2; D1 (the lead, never summoned) has none.
Street: 320508001 1 of 3, 320508002 1 of 2. District: 2 of 5.
"""

from __future__ import annotations

import pytest

from dispatch.domain.evaluation import Level, evaluate
from dispatch.domain.state import Incident, Summons
from dispatch.domain.status import IncidentStatus
from tests.domain.test_evaluation import incident

S = IncidentStatus


def fixture() -> list[Incident]:
    return [
        incident("W1", "320508001001001", "D1", "grid_worker", 10, status=S.HANDLING,
                 dispatched_at=20, ack_due=5000, handle_due=9000, whistled_at=0.0,
                 summoned=(Summons("D2", 0, 300, 250), Summons("D3", 0, 300, 400),
                           Summons("D4", 0, 300))),
        incident("W2", "320508002001001", "D1", "grid_worker", 20, status=S.HANDLING,
                 dispatched_at=30, ack_due=5000, handle_due=9000, whistled_at=870.0,
                 summoned=(Summons("D2", 870, 900, 950), Summons("D3", 1170, 1200),
                           Summons("D4", 470, 500, 500))),
    ]


def rate(level: Level, now: float | None = None) -> dict[str, float | None]:
    return {r.code: r.indicators()["whistle_on_time_rate"]
            for r in evaluate(fixture(), 0, 1000, level, now=now)}


def test_per_department_counts_the_summoned_department() -> None:
    got = rate(Level.DEPARTMENT)
    assert got == {"D1": None, "D2": 0.5, "D3": 0.0, "D4": 0.5}
    (d2,) = [r for r in evaluate(fixture(), 0, 1000, Level.DEPARTMENT) if r.code == "D2"]
    assert (d2.as_dict()["whistle_due"], d2.as_dict()["whistle_on_time"]) == (2, 1)


def test_per_region_level() -> None:
    assert rate(Level.STREET) == {"320508001": pytest.approx(1 / 3), "320508002": 0.5}
    assert rate(Level.DISTRICT) == {"320508": pytest.approx(2 / 5)}


def test_seen_before_the_end_only_what_was_due_counts() -> None:
    # at 450: W1's three (one on time); W2's D4 (500) and D2 (900) not yet due
    assert rate(Level.DISTRICT, now=450) == {"320508": pytest.approx(1 / 3)}


def test_not_in_the_score() -> None:
    (row,) = evaluate(fixture(), 0, 1000, Level.DISTRICT)
    assert row.score is None  # nothing closed or due: the whistle alone does not rank


def test_cases_behind_the_rate_are_the_summoned_departments() -> None:
    from dispatch.domain.evaluation import level_key
    from dispatch.domain.evaluation_cases import cases

    d2 = cases(fixture(), level_key(Level.DEPARTMENT), "D2", "whistle_on_time_rate", 0, 1000,
               1000, by_department=True)
    assert [(c.incident.id, c.counted, c.value) for c in d2] == [("W1", True, -50.0),
                                                                  ("W2", False, 50.0)]
    street = cases(fixture(), level_key(Level.STREET), "320508001", "whistle_on_time_rate",
                   0, 1000, 1000)
    assert [(c.counted, c.value) for c in street] == [(True, -50.0), (False, 100.0),
                                                      (False, None)]
    # the lead department was never summoned: nothing behind its (empty) rate
    assert cases(fixture(), level_key(Level.DEPARTMENT), "D1", "whistle_on_time_rate", 0,
                 1000, 1000, by_department=True) == []
