"""Unit recommendation and duplicate detection.

Recommendation ranks the assignable units of the departments an incident needs: units whose
type has a capability the class requires come first, then by distance, then the longest idle.
Duplicate detection finds open incidents of the same minor class within a radius and a window.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.geo import distance_m
from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.status import ASSIGNABLE_UNIT_STATUSES, UnitStatus


@dataclass(frozen=True, slots=True)
class Recommendation:
    unit_id: str
    name: str
    department: str
    unit_type: str
    status: UnitStatus
    distance_m: float
    idle_s: float
    capable: bool


def needed_departments(catalogue: Catalogue, inc: Incident) -> tuple[str, ...]:
    """The departments on the incident, or the class's lead and assisting departments."""
    if inc.lead_department:
        return inc.departments
    minor = catalogue.minor_of(inc.class_code)
    lead = catalogue.lead_department_of(inc.class_code)
    return (lead, *(d for d in minor.assist_departments if d != lead))


def recommend_units(state: DispatchState, catalogue: Catalogue, inc: Incident, *,
                    departments: Iterable[str] | None = None, now: float | None = None,
                    limit: int = 10, max_distance_m: float = 20_000.0, within: str = ""
                    ) -> list[Recommendation]:
    """Ranked assignable units for ``inc`` (per department, nearest capable first); with
    ``within`` (a region code prefix) only the units based in that region."""
    depts = set(departments) if departments is not None else set(needed_departments(catalogue,
                                                                                    inc))
    required = set(catalogue.minor_of(inc.class_code).required_capabilities)
    now = state.ts if now is None else now
    out: list[Recommendation] = []
    for u in state.units.values():
        if u.department not in depts or u.status not in ASSIGNABLE_UNIT_STATUSES:
            continue
        if within and not u.home_grid.startswith(within):
            continue
        d = distance_m(inc.lon, inc.lat, u.lon, u.lat)
        if d > max_distance_m:
            continue
        ut = catalogue.unit_types.get(u.unit_type)
        capable = not required or (ut is not None and bool(required & set(ut.capabilities)))
        out.append(Recommendation(u.id, u.name, u.department, u.unit_type, u.status, d,
                                  max(0.0, now - u.status_since), capable))
    # Available before returning, capable before not, then nearest, then longest idle.
    out.sort(key=lambda r: (r.status != UnitStatus.AVAILABLE, not r.capable,
                            round(r.distance_m / 50), -r.idle_s))
    return out[:limit]


def find_duplicates(state: DispatchState, catalogue: Catalogue, *, class_code: str, lon: float,
                    lat: float, ts: float, radius_m: float = 200.0, window_s: float = 1800.0,
                    exclude: str = "") -> list[Incident]:
    """Open incidents of the same minor class within ``radius_m`` reported within
    ``window_s`` before ``ts``, nearest first; duplicates of others are left out."""
    minor = catalogue.minor_of(class_code).code
    found: list[tuple[float, Incident]] = []
    for inc in state.incidents.values():
        if (inc.id == exclude or not inc.status.is_open or inc.duplicate_of
                or not 0 <= ts - inc.reported_at <= window_s):
            continue
        if catalogue.minor_of(inc.class_code).code != minor:
            continue
        d = distance_m(lon, lat, inc.lon, inc.lat)
        if d <= radius_m:
            found.append((d, inc))
    found.sort(key=lambda x: x[0])
    return [inc for _, inc in found]
