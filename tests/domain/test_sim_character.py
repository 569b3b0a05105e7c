"""The simulated field's character (dispatch.sim.character): fixed, seeded factors per
department and street scale the late, unsatisfied and urge shares, so a recorded month ranks
streets and departments differently for reasons visible in their cases."""

from __future__ import annotations

import random
from collections import Counter

from dispatch.domain.state import Incident
from dispatch.domain.status import IncidentStatus
from dispatch.sim.character import MAX_LATE, Character
from dispatch.sim.citizen import callback_command
from dispatch.sim.plans import Behaviour

T0 = 1_795_000_000.0


def incident(grid: str, lead: str = "city_management") -> Incident:
    inc = Incident("E000001", "hotline", "0101", "normal", 120.6, 31.3, grid, "x", "",
                   T0, T0 + 1800, status=IncidentStatus.CLOSED)
    inc.lead_department = lead
    inc.closed_at, inc.callback_due = T0, T0 + 86400
    return inc


STREETS = [f"320508{n:03d}" for n in range(1, 21)]
DEPARTMENTS = ["police", "city_management", "fire", "emergency", "traffic_police", "water",
               "gas", "environment"]


def test_factors_are_fixed_by_the_seed_and_differ_between_groups() -> None:
    a, b = Character(7), Character(7)
    assert [a.factor("street", s) for s in STREETS] == [b.factor("street", s) for s in STREETS]
    assert [Character(8).factor("street", s) for s in STREETS] != \
        [a.factor("street", s) for s in STREETS]
    factors = [a.factor("department", d) for d in DEPARTMENTS]
    assert max(factors) / min(factors) > 1.5  # some departments clearly work worse
    assert all(0.3 <= f <= 4.0 for f in factors)
    best, worst = a.extremes("department", DEPARTMENTS, 2)
    assert best[0][1] == min(factors)
    assert worst[0][1] == max(factors)


def test_no_spread_is_the_behaviour_as_given() -> None:
    b = Behaviour()
    flat = Character(7, spread=0.0)
    inc = incident(STREETS[0] + "001001")
    assert flat.for_incident(b, inc) == b
    assert flat.late_share(b, inc, "fire") == b.late_share


def test_late_share_scales_with_department_and_street() -> None:
    b, ch = Behaviour(late_share=0.05), Character(11)
    _, worst = ch.extremes("department", DEPARTMENTS, 1)
    (best,), _ = ch.extremes("department", DEPARTMENTS, 1)
    inc = incident(STREETS[3] + "001001")
    street = ch.factor("street", STREETS[3])
    late_worst = ch.late_share(b, inc, worst[0][0])
    late_best = ch.late_share(b, inc, best[0])
    assert late_worst == min(0.05 * worst[0][1] * street, MAX_LATE)
    assert late_best == min(0.05 * best[1] * street, MAX_LATE)
    assert late_worst > late_best
    # the lead department is the default
    inc.lead_department = worst[0][0]
    assert ch.late_share(b, inc) == late_worst


def test_a_worse_street_has_more_unsatisfied_call_backs_and_urges() -> None:
    b, ch = Behaviour(), Character(5)
    (good, _), = ch.extremes("street", STREETS, 1)[0]
    (bad, _), = ch.extremes("street", STREETS, 1)[1]
    shares = {}
    for street in (good, bad):
        inc = incident(street + "001001")
        tuned = ch.for_incident(b, inc)
        assert tuned.urge_share > 0
        rng = random.Random(1)
        made = Counter(callback_command(inc, tuned, rng).result for _ in range(3000))
        shares[street] = made["unsatisfied"] / 3000
        assert abs(tuned.callback_satisfied + tuned.callback_basic
                   + shares[street] - 1.0) < 0.03
    assert shares[bad] > shares[good] * 1.5
    assert ch.for_incident(b, incident(bad + "001001")).urge_share > \
        ch.for_incident(b, incident(good + "001001")).urge_share
