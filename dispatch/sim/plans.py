"""What the field agent (:mod:`dispatch.sim.field`) keeps: the shares and delays of its
behaviour, one plan per record, its counters, and the state signatures a plan was decided
under (a plan whose record's signature changed is dropped)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dispatch.domain.state import Incident, UnitState

MIN = 60.0
HOUR = 3600.0
HANDLING_CAP_S = 6 * HOUR  # long limits (working days) are worked within hours in the sim
RESERVE_S = 180.0  # a unit we just assigned is not offered again for this long (server time)


@dataclass(frozen=True, slots=True)
class Behaviour:
    """Shares and delays of the simulated field; the defaults look like a busy city."""

    auto_dispatch: float = 1.0  # share of incidents the simulated shift lead works
    cancel_share: float = 0.03
    return_share: float = 0.04
    extension_share: float = 0.05
    extension_approve: float = 0.8
    escalate_urgent_share: float = 0.1
    late_share: float = 0.05  # a stage done after its time limit
    verify_fail: float = 0.15
    evaluate_share: float = 0.35
    callback_satisfied: float = 0.85  # call-backs (回访): satisfied, basically satisfied, the
    callback_basic: float = 0.10  # rest unsatisfied
    reopen_share: float = 0.6  # unsatisfied call-backs that reopen the case (重办)
    urge_share: float = 0.08  # open citizen's cases the citizen calls about again (催办)
    urge_again_share: float = 0.3  # of those, calling once more
    whistle_share: float = 0.002  # hard incidents (several departments; about a third of all)
    # a street whistles on: a few a day at the demo's 240 incidents an hour
    whistle_late_share: float = 0.15  # summoned departments reporting on site late (报到)
    units_lead: tuple[int, int] = (1, 2)  # units of the lead department (normal, urgent)
    # how much departments and streets differ (dispatch.sim.character; 0: all alike)
    character_spread: float = 0.6


@dataclass(slots=True)
class Plan:
    key: str  # "i:E000012", "u:U-police-3", "c:E000012" (the citizen's repeat call) or
    # "w:E000012" (吹哨报到: the whistle and each department's arrival)
    sig: tuple[Any, ...]
    action: str
    due: float
    token: int
    command_id: str = ""
    done: bool = False
    tries: int = 0


@dataclass(slots=True)
class AgentStats:
    actions: Counter[str] = field(default_factory=Counter)
    skipped: int = 0  # plans dropped because the state moved on before they were due
    late_s: float = 0.0  # worst lateness of a due action (server seconds)


def incident_sig(inc: Incident) -> tuple[Any, ...]:
    return (inc.status.value, inc.rework_count, inc.returns, inc.extension_minutes,
            inc.extensions_granted, int(inc.level), inc.evaluation is None,
            tuple(t.state.value for t in inc.tasks), inc.callback_result)


def citizen_sig(inc: Incident) -> tuple[Any, ...]:
    """What a planned repeat call depends on."""
    return (inc.status.value, inc.urges, inc.rework_count)


def window(start: float | None, due: float | None, default: float, cap: float) -> float:
    """The time from ``start`` to ``due`` (at most ``cap``; ``default`` when unknown)."""
    if start is None or due is None or due <= start:
        return default
    return min(due - start, cap)


def unit_sig(u: UnitState) -> tuple[Any, ...]:
    return (u.status.value, u.incident_id)
