"""The simulated citizen (dispatch.sim.citizen): the mix of call-back answers, reopenings and
who calls again."""

from __future__ import annotations

import random
from collections import Counter

from dispatch.domain import commands as cmd
from dispatch.domain.state import Incident
from dispatch.domain.status import IncidentStatus
from dispatch.sim.citizen import callback_command, callback_due_at, urge_due_at
from dispatch.sim.plans import Behaviour

S = IncidentStatus
T0 = 1_795_000_000.0


def incident(source: str = "hotline", status: IncidentStatus = S.CLOSED, **kw: object
             ) -> Incident:
    inc = Incident("E000001", source, "0101", "normal", 120.6, 31.3, "320508001001001", "x", "",
                   T0, T0 + 1800, status=status)
    for k, v in kw.items():
        setattr(inc, k, v)
    return inc


def test_callback_answers_follow_the_realistic_mix() -> None:
    b, rng = Behaviour(), random.Random(3)
    inc = incident(closed_at=T0, callback_due=T0 + 86400)
    made = [callback_command(inc, b, rng) for _ in range(4000)]
    share = Counter(c.result for c in made)
    assert abs(share["satisfied"] / 4000 - 0.85) < 0.03
    assert abs(share["basically_satisfied"] / 4000 - 0.10) < 0.02
    assert abs(share["unsatisfied"] / 4000 - 0.05) < 0.015
    reopened = [c for c in made if c.reopen]
    assert 0 < len(reopened) < share["unsatisfied"]
    assert all(c.result == "unsatisfied" and c.reason for c in reopened)
    assert all(isinstance(c, cmd.Callback) for c in made)


def test_callback_only_when_due_and_urges_only_on_working_citizens_cases() -> None:
    b, rng = Behaviour(urge_share=1.0), random.Random(1)
    assert callback_due_at(incident(closed_at=T0), b, rng, T0) is None  # none due
    due = callback_due_at(incident(closed_at=T0, callback_due=T0 + 86400), b, rng, T0)
    assert due is not None
    assert due > T0
    assert callback_due_at(incident(closed_at=T0, callback_due=T0 + 86400,
                                    callback_result="satisfied"), b, rng, T0) is None
    working = dict(status=S.HANDLING, dispatched_at=T0, handle_due=T0 + 7200)
    assert urge_due_at(incident(**working), b, rng, T0) is not None  # type: ignore[arg-type]
    assert urge_due_at(incident("sensor", **working), b, rng, T0) is None  # type: ignore[arg-type]
    assert urge_due_at(incident(status=S.REGISTERED), b, rng, T0) is None
    assert urge_due_at(incident(urges=3, **working), b, rng, T0) is None  # type: ignore[arg-type]
