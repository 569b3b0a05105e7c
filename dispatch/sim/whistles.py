"""吹哨报到 in the simulated city: the simulated shift lead blows the whistle on a small share
of the hard incidents (several departments on them, being worked), for the incident's street,
summoning two or three departments; each summoned department reports on site, mostly within
its arrival limit and now and then late. Arrivals are reported for any whistle, a human's
too. Pure decisions: :class:`~dispatch.sim.field.FieldAgent` plans and sends them (plans
``w:<incident>``)."""

from __future__ import annotations

import random
from collections.abc import Callable, Collection
from typing import Any

from dispatch.domain import commands as cmd
from dispatch.domain.state import Incident
from dispatch.domain.status import WORKING_STATUSES
from dispatch.domain.whistle import waiting
from dispatch.sim.channel import Who
from dispatch.sim.plans import MIN, Behaviour

SUMMON_POOL = ("police", "city_mgmt", "market", "housing", "emergency", "environment",
               "traffic_police", "water", "street_office")
"""The departments a street usually summons (公安, 城管, 市场监管, 住建, 应急…)."""

REASONS = (
    "情况复杂，街道无力单独处置，吹哨召集相关部门到场。",
    "涉及多个部门职责，街道吹哨，请各部门30分钟内到场报到。",
    "群众反映强烈，街道吹哨召集职能部门现场会商处置。",
    "跨部门问题久拖未决，街道吹哨，部门报到联合执法。",
)
ARRIVAL_NOTES = ("已到场。", "已到达现场，开始处置。", "", "到场，与街道对接。")


def whistle_sig(inc: Incident) -> tuple[Any, ...]:
    """What a planned whistle or arrival depends on."""
    return (inc.status.value, len(inc.departments),
            tuple(s.arrived_at is None for s in inc.summoned))


def hard(inc: Incident) -> bool:
    """Being worked with several departments on it: the incidents a street whistles on."""
    return inc.status in WORKING_STATUSES and len(inc.departments) >= 2


def next_step(inc: Incident, b: Behaviour, rng: Callable[[str], random.Random], now: float,
              auto: bool) -> tuple[str, float] | None:
    """(action, when) of the incident's next whistle step: ``whistle`` (only if the simulated
    shift lead works it), ``arrive:<department>`` for the first summoned department not yet
    on site; None for nothing."""
    if not inc.is_open:
        return None
    if not inc.summoned:
        if not auto or not hard(inc) or rng("whistle").random() >= b.whistle_share:
            return None
        start = inc.dispatched_at or now
        return "whistle", max(now, start + rng("whistle-at").uniform(5, 25) * MIN)
    left = waiting(inc)
    if not left:
        return None
    s = left[0]
    r = rng(f"arrive-{s.department}")
    window = max(s.due - s.summoned_at, MIN)
    if r.random() < b.whistle_late_share:
        at = s.due + r.uniform(2, 25) * MIN
    else:
        at = s.summoned_at + window * r.uniform(0.25, 0.95)
    return f"arrive:{s.department}", max(now, at)


def command(inc: Incident, action: str, departments: Collection[str], rng: random.Random
            ) -> tuple[Who, cmd.Whistle | cmd.ReportArrival] | None:
    """Who sends what for a planned step: the shift lead whistles, the field reports
    arrivals (None: nothing sensible to send any more)."""
    if action == "whistle":
        pool = [d for d in SUMMON_POOL if d in departments and d != inc.lead_department]
        if len(pool) < 2:
            return None
        picked = tuple(rng.sample(pool, rng.choice((2, 2, 3))))
        return "lead", cmd.Whistle(inc.id, picked, rng.choice(REASONS))
    dept = action.partition(":")[2]
    if not any(s.department == dept and s.arrived_at is None for s in inc.summoned):
        return None
    return "field", cmd.ReportArrival(inc.id, dept, rng.choice(ARRIVAL_NOTES))
