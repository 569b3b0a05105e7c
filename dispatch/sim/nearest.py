"""The simulated dispatcher's choice of units: the nearest of a department, capable first."""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterable, Mapping

from dispatch.domain.catalogue.model import Catalogue, Priority
from dispatch.domain.state import Incident, UnitState
from dispatch.domain.status import UnitStatus


def nearest(units: Mapping[str, UnitState], ids: Iterable[str], inc: Incident, n: int, *,
            statuses: frozenset[UnitStatus], exclude: set[str] | frozenset[str],
            required: frozenset[str], caps: Mapping[str, frozenset[str]]) -> list[str]:
    """Up to ``n`` of the units ``ids`` in ``statuses`` nearest the incident: capable ones (a
    capability of ``required``) first, available before returning."""
    if n <= 0:
        return []
    kx = math.cos(math.radians(inc.lat))
    ranked: list[tuple[bool, bool, float, str]] = []
    for uid in ids:
        u = units.get(uid)
        if u is None or u.status not in statuses or uid in exclude:
            continue
        capable = not required or bool(required & caps.get(u.unit_type, frozenset()))
        d2 = ((u.lon - inc.lon) * kx) ** 2 + (u.lat - inc.lat) ** 2
        ranked.append((not capable, u.status != UnitStatus.AVAILABLE, d2, uid))
    return [uid for *_, uid in heapq.nsmallest(n, ranked)]


def wanted(catalogue: Catalogue, inc: Incident, rng: random.Random,
           units_lead: tuple[int, int]) -> tuple[str, dict[str, int], list[str]]:
    """The lead department (another one after a return), how many units of each department
    to send (``units_lead`` of the lead, normal or urgent; one of the first assisting
    department when urgent) and the assisting departments."""
    minor = catalogue.minor_of(inc.class_code)
    lead = catalogue.lead_department_of(inc.class_code)
    if inc.returns:
        others = [d for d in (*minor.assist_departments, "street_office") if d != lead]
        lead = rng.choice(others) if others else lead
    urgent = inc.priority == Priority.URGENT.value
    want = {lead: units_lead[1] if urgent else units_lead[0]}
    assist = [d for d in minor.assist_departments if d != lead]
    if urgent and assist:
        want[assist[0]] = 1
    return lead, want, assist
