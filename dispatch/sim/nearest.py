"""The simulated dispatcher's choice of units: the nearest of a department, capable first."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping

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
