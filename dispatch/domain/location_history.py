"""Location history for intake: the incidents reported near a point (or at the same address)
in the last days, so that the operator taking a call sees a possible duplicate or a repeat
caller before filing.

:class:`PointIndex` buckets incidents into square cells of about ``cell_m`` metres, so that a
lookup reads the few cells around the point instead of every incident of the city (tens of
thousands): the intake form asks on every point it is given. The index is kept up to date
with the ids a state reports changed (:meth:`PointIndex.update`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.geo import distance_m
from dispatch.domain.state import DispatchState, Incident

DEFAULT_RADIUS_M = 200.0
DEFAULT_DAYS = 30
METRES_PER_DEGREE = 111_320.0
MAX_ROWS = 50
SAME_ADDRESS_M = 30.0  # a geocoded address point and a report there: the same building


class PointIndex:
    """Incident ids by square cell of ``cell_m`` metres (longitude scaled at ``ref_lat``)."""

    def __init__(self, cell_m: float = DEFAULT_RADIUS_M, ref_lat: float = 31.3) -> None:
        if not cell_m > 0:
            raise ValueError(f"cell size must be > 0 m, got {cell_m!r}")
        self.cell_m = cell_m
        self._dlat = cell_m / METRES_PER_DEGREE
        self._dlon = cell_m / (METRES_PER_DEGREE * max(0.01, math.cos(math.radians(ref_lat))))
        self._cells: dict[tuple[int, int], set[str]] = {}
        self._where: dict[str, tuple[int, int]] = {}

    def __len__(self) -> int:
        return len(self._where)

    def cell(self, lon: float, lat: float) -> tuple[int, int]:
        return math.floor(lon / self._dlon), math.floor(lat / self._dlat)

    def put(self, incident_id: str, lon: float, lat: float) -> None:
        key = self.cell(lon, lat)
        old = self._where.get(incident_id)
        if old == key:
            return
        if old is not None:
            self._cells[old].discard(incident_id)
        self._cells.setdefault(key, set()).add(incident_id)
        self._where[incident_id] = key

    def drop(self, incident_id: str) -> None:
        old = self._where.pop(incident_id, None)
        if old is not None:
            self._cells[old].discard(incident_id)

    def update(self, state: DispatchState, incident_ids: Iterable[str]) -> None:
        """Follow the state for these (changed, new or gone) incidents."""
        for iid in incident_ids:
            inc = state.incidents.get(iid)
            if inc is None:
                self.drop(iid)
            else:
                self.put(iid, inc.lon, inc.lat)

    def rebuild(self, state: DispatchState) -> None:
        self._cells.clear()
        self._where.clear()
        for inc in state.incidents.values():
            self.put(inc.id, inc.lon, inc.lat)

    def near(self, lon: float, lat: float, radius_m: float) -> set[str]:
        """Ids in the cells that a circle of ``radius_m`` around the point touches (a
        superset: the caller measures)."""
        cx, cy = self.cell(lon, lat)
        reach = max(1, math.ceil(radius_m / self.cell_m))
        out: set[str] = set()
        for x in range(cx - reach, cx + reach + 1):
            for y in range(cy - reach, cy + reach + 1):
                ids = self._cells.get((x, y))
                if ids:
                    out |= ids
        return out


@dataclass(frozen=True, slots=True)
class PastIncident:
    """One incident of a place's history as the intake form lists it."""

    incident: Incident
    distance_m: float
    same_address: bool
    possible_duplicate: bool  # open, same minor class (or no class chosen yet), nearby
    repeat_caller: bool  # the same phone number called it in


def location_history(state: DispatchState, index: PointIndex, catalogue: Catalogue, *,
                     lon: float, lat: float, now: float, address: str = "",
                     class_code: str = "", radius_m: float = DEFAULT_RADIUS_M,
                     days: float = DEFAULT_DAYS,
                     same_caller: Callable[[str], bool] | None = None,
                     limit: int = MAX_ROWS) -> list[PastIncident]:
    """Incidents reported in the last ``days`` within ``radius_m`` of the point, nearest
    first and possible duplicates first of all; those within :data:`SAME_ADDRESS_M` of it or
    whose description names ``address`` (the caller's address as picked) are marked as at the
    same address; ``same_caller(incident_id)`` says whether the same phone
    called an incident in (known only to roles that may see phone numbers)."""
    if not radius_m > 0:
        raise ValueError(f"radius must be > 0 m, got {radius_m!r}")
    since = now - days * 86_400.0
    minor = _minor(catalogue, class_code) if class_code else ""
    address = address.strip()
    out: list[PastIncident] = []
    for iid in index.near(lon, lat, radius_m):
        inc = state.incidents.get(iid)
        if inc is None or inc.reported_at < since or inc.reported_at > now:
            continue
        d = distance_m(lon, lat, inc.lon, inc.lat)
        if d > radius_m:
            continue
        at_address = bool(address) and (d <= SAME_ADDRESS_M or address in inc.description)
        same_class = not minor or _minor(catalogue, inc.class_code) == minor
        out.append(PastIncident(
            inc, d, at_address,
            possible_duplicate=inc.status.is_open and same_class and not inc.duplicate_of,
            repeat_caller=bool(same_caller and same_caller(inc.id))))
    out.sort(key=lambda p: (not p.possible_duplicate, not p.repeat_caller, p.distance_m,
                            -p.incident.reported_at))
    return out[:limit]


def _minor(catalogue: Catalogue, class_code: str) -> str:
    try:
        return catalogue.minor_of(class_code).code
    except KeyError:
        return ""
