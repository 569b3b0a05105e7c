"""The simulated 吹哨报到 (dispatch.sim.whistles): who whistles on what, which departments are
summoned, and the mix of arrivals in time and late."""

from __future__ import annotations

import random
from collections.abc import Callable

from dispatch.domain import commands as cmd
from dispatch.domain.state import Incident, Summons
from dispatch.domain.status import IncidentStatus
from dispatch.sim.plans import MIN, Behaviour
from dispatch.sim.whistles import SUMMON_POOL, command, next_step

S = IncidentStatus
T0 = 1_795_000_000.0
DEPTS = frozenset(SUMMON_POOL) | {"fire"}


def incident(status: IncidentStatus = S.HANDLING, lead: str = "city_mgmt",
             assist: tuple[str, ...] = ("police",), **kw: object) -> Incident:
    inc = Incident("E000001", "grid_worker", "0101", "high", 120.6, 31.3, "320508001001001",
                   "x", "", T0, T0 + 1800, status=status, lead_department=lead,
                   assist_departments=assist, dispatched_at=T0)
    for k, v in kw.items():
        setattr(inc, k, v)
    return inc


def seeded(i: int) -> Callable[[str], random.Random]:
    return lambda w: random.Random(f"{i}{w}")


def test_only_the_auto_shift_lead_whistles_and_only_on_hard_incidents() -> None:
    b = Behaviour(whistle_share=1.0)

    def pick(w: str) -> random.Random:
        return random.Random(w)

    step = next_step(incident(), b, pick, T0, auto=True)
    assert step is not None
    assert step[0] == "whistle"
    assert T0 + 5 * MIN <= step[1] <= T0 + 25 * MIN
    assert next_step(incident(), b, pick, T0, auto=False) is None  # a human's incident
    assert next_step(incident(assist=()), b, pick, T0, auto=True) is None  # one department
    assert next_step(incident(S.REGISTERED), b, pick, T0, auto=True) is None
    assert next_step(incident(), Behaviour(whistle_share=0.0), pick, T0, auto=True) is None


def test_the_share_whistled_is_small_by_default() -> None:
    b = Behaviour()
    n = sum(next_step(incident(), b, seeded(i), T0, True) is not None for i in range(20000))
    assert 0.001 < n / 20000 < 0.0035


def test_the_whistle_summons_two_or_three_pool_departments_but_not_the_lead() -> None:
    for i in range(200):
        made = command(incident(), "whistle", DEPTS, random.Random(i))
        assert made is not None
        who, c = made
        assert who == "lead"
        assert isinstance(c, cmd.Whistle)
        assert 2 <= len(c.departments) <= 3
        assert len(set(c.departments)) == len(c.departments)
        assert "city_mgmt" not in c.departments
        assert set(c.departments) <= set(SUMMON_POOL)
        assert c.reason


def test_arrivals_mostly_in_time_sometimes_late_reported_by_the_field() -> None:
    b = Behaviour()
    late = 0
    n = 4000
    for i in range(n):
        s = Summons("police", T0, T0 + 30 * MIN)
        inc = incident(summoned=(s,))
        step = next_step(inc, b, seeded(i), T0, auto=False)
        assert step is not None
        action, at = step
        assert action == "arrive:police"
        assert at > T0
        late += at > s.due
    assert abs(late / n - b.whistle_late_share) < 0.03
    on_site = incident(summoned=(Summons("police", T0, T0 + 1800, T0 + 600),
                                 Summons("fire", T0, T0 + 1800)))
    step = next_step(on_site, b, lambda w: random.Random(w), T0, auto=True)
    assert step is not None
    assert step[0] == "arrive:fire"
    made = command(on_site, "arrive:fire", DEPTS, random.Random(1))
    assert made is not None
    assert made[0] == "field"
    assert isinstance(made[1], cmd.ReportArrival)
    assert (made[1].incident_id, made[1].department) == ("E000001", "fire")
    assert command(on_site, "arrive:police", DEPTS, random.Random(1)) is None  # on site
    assert next_step(incident(S.CLOSED, summoned=(Summons("fire", T0, T0 + 1),)), b,
                     lambda w: random.Random(w), T0, auto=True) is None
