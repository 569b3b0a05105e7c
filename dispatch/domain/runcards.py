"""Run cards (response plans): per event class, and optionally per priority, the departments,
unit types and counts to send.

A card is state: a shift lead sets or removes one with a command (``set_run_card``,
``remove_run_card``), the projection keeps it in :attr:`DispatchState.run_cards` under its
:func:`card_key`. The defaults come from ``resources/catalogue/run_cards.json`` when a city is
created. :func:`card_for` finds the card of an incident (its class and priority first, then its
class alone); :func:`plan_units` fills the card with the nearest available units of each type
and says how many of each it could not find.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dispatch.domain.catalogue.model import Catalogue, Priority
from dispatch.domain.errors import InvalidCommand
from dispatch.domain.recommend import Recommendation, recommend_units
from dispatch.domain.state import CardLine, DispatchState, Incident, RunCard, card_key
from dispatch.domain.status import UnitStatus

MAX_LINES = 20
MAX_COUNT = 20

__all__ = ["MAX_COUNT", "MAX_LINES", "CardLine", "PlanLine", "RunCard", "card_for", "card_key",
           "check_card", "plan_units"]

def card_for(cards: Mapping[str, RunCard], catalogue: Catalogue, class_code: str,
             priority: str) -> RunCard | None:
    """The card for an incident of ``class_code`` (minor or problem code) at ``priority``:
    the class's card at that priority, else the class's card for any priority, else None."""
    try:
        minor = catalogue.minor_of(class_code).code
    except KeyError:
        return None
    return cards.get(card_key(minor, priority)) or cards.get(card_key(minor))


def check_card(catalogue: Catalogue, class_code: str, priority: str,
               lines: Sequence[Sequence[object]]) -> RunCard:
    """The card if every part of it is known; else InvalidCommand saying which part is not."""
    if class_code not in catalogue.minors:
        raise InvalidCommand(f"no event class {class_code!r}: a run card is for a minor class "
                             "(4 digits, e.g. 0304)")
    if priority and priority not in {p.value for p in Priority}:
        raise InvalidCommand(f"unknown priority {priority!r}; expected "
                             f"{', '.join(p.value for p in Priority)} or none")
    if not lines:
        raise InvalidCommand("a run card needs at least one line (department, unit type, count)")
    if len(lines) > MAX_LINES:
        raise InvalidCommand(f"a run card has at most {MAX_LINES} lines")
    out: list[CardLine] = []
    for i, line in enumerate(lines, 1):
        if len(line) != 3:
            raise InvalidCommand(f"line {i}: expected [department, unit type, count]")
        dept, utype, count = line
        if not isinstance(dept, str) or dept not in catalogue.departments:
            raise InvalidCommand(f"line {i}: unknown department {dept!r}")
        ut = catalogue.unit_types.get(utype) if isinstance(utype, str) else None
        if ut is None or not isinstance(utype, str):
            raise InvalidCommand(f"line {i}: unknown unit type {utype!r}")
        if ut.department != dept:
            raise InvalidCommand(f"line {i}: unit type {utype} belongs to {ut.department}, "
                                 f"not {dept}")
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
            raise InvalidCommand(f"line {i}: the count is a whole number from 1 to {MAX_COUNT}")
        if any(o[0] == dept and o[1] == utype for o in out):
            raise InvalidCommand(f"line {i}: {dept} {utype} is on the card twice")
        out.append((dept, utype, count))
    return RunCard(class_code, priority, tuple(out))


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One line of a card, filled: the units found (nearest available first)."""

    department: str
    unit_type: str
    count: int
    units: tuple[Recommendation, ...]

    @property
    def short(self) -> int:
        """How many the card asks for that were not found available."""
        return max(0, self.count - len(self.units))


def plan_units(state: DispatchState, catalogue: Catalogue, inc: Incident, card: RunCard, *,
               now: float | None = None, within: str = "",
               exclude: Iterable[str] = (), max_distance_m: float = math.inf
               ) -> list[PlanLine]:
    """For each line of ``card`` the nearest available units of its type (at most its count),
    however far (a plan names the nearest there is), leaving out units in ``exclude`` and
    those already on the incident."""
    taken = set(exclude) | set(inc.units)
    out: list[PlanLine] = []
    for dept, utype, count in card.lines:
        found: list[Recommendation] = []
        for r in recommend_units(state, catalogue, inc, departments=(dept,), now=now,
                                 limit=10_000, max_distance_m=max_distance_m, within=within):
            if len(found) >= count:
                break
            if r.unit_type != utype or r.status != UnitStatus.AVAILABLE or r.unit_id in taken:
                continue
            found.append(r)
            taken.add(r.unit_id)
        found.sort(key=lambda r: r.distance_m)
        out.append(PlanLine(dept, utype, count, tuple(found)))
    return out
