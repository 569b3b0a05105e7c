"""AVL: where every unit is, how it moves, and the position rows the simulator reports.

Each unit follows a :class:`Track`: a straight move from an anchor point towards a target at a
speed, in server time, so a position can be asked for at any instant and pings only sample it.
What a unit does follows its status in the live state:

- available: patrols near home (grid workers inside their own grid), pausing at waypoints;
- dispatched: gets ready where it is; en route: drives to its incident at response speed;
- on scene / busy: stays at the incident; returning: drives home;
- off duty / out of service: silent (no pings).

Rows are handed out moving units first (AVL reports moving vehicles more often), then round
robin over everyone else.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from dispatch.domain.state import UnitState
from dispatch.domain.status import UnitStatus
from dispatch.sim.world import World, metres_to_deg

# Unit types on foot or on an e-bike; the rest drive.
FOOT_TYPES = frozenset({"grid_worker", "foot_patrol", "social_worker", "community_mediator"})
# Units that drive with lights and siren to an incident.
EMERGENCY_TYPES = frozenset({"patrol_car", "swat_team", "traffic_patrol", "fire_engine",
                             "hazmat_team", "rescue_team", "ambulance"})

RESPONSE_MPS = {"emergency": 11.0, "vehicle": 7.5, "foot": 3.0}  # to an incident
PATROL_MPS = {"emergency": 4.0, "vehicle": 4.0, "foot": 1.2}  # around home
WANDER_M = {"emergency": 700.0, "vehicle": 500.0, "foot": 150.0}
ARRIVED_M = 5.0

MOVING = "moving"  # to an incident or home
SCENE = "scene"
WANDER = "wander"
HOLD = "hold"
OFF = "off"


def kind_of(unit_type: str) -> str:
    if unit_type in FOOT_TYPES:
        return "foot"
    return "emergency" if unit_type in EMERGENCY_TYPES else "vehicle"


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> tuple[float, float]:
    dlon, dlat = metres_to_deg(lat1)
    return (lon2 - lon1) / dlon, (lat2 - lat1) / dlat


@dataclass(slots=True)
class Track:
    unit_id: str
    unit_type: str
    home_grid: str
    home: tuple[float, float]
    lon: float  # anchor: where the current leg starts
    lat: float
    t: float  # when the current leg starts moving (server time)
    speed: float = 0.0
    target: tuple[float, float] | None = None
    mode: str = WANDER
    status: str = ""
    incident_id: str = ""

    @property
    def kind(self) -> str:
        return kind_of(self.unit_type)

    def position(self, now: float) -> tuple[float, float]:
        if self.target is None or now <= self.t or self.speed <= 0:
            return self.lon, self.lat
        dx, dy = _metres(self.lon, self.lat, *self.target)
        dist = math.hypot(dx, dy)
        done = self.speed * (now - self.t)
        if done >= dist or dist < 1e-6:
            return self.target
        f = done / dist
        return self.lon + (self.target[0] - self.lon) * f, self.lat + (self.target[1] - self.lat) * f

    def distance_left(self, now: float) -> float:
        if self.target is None:
            return 0.0
        lon, lat = self.position(now)
        return math.hypot(*_metres(lon, lat, *self.target))

    def arrival(self, now: float) -> float:
        """Server time at which the unit reaches its target (``now`` when it has none)."""
        if self.target is None or self.speed <= 0:
            return now
        return max(now, self.t) + self.distance_left(max(now, self.t)) / self.speed

    def go(self, now: float, target: tuple[float, float] | None, speed: float,
           start: float | None = None) -> None:
        self.lon, self.lat = self.position(now)
        self.t = now if start is None else start
        self.target, self.speed = target, speed


@dataclass(slots=True)
class Fleet:
    world: World
    rng: random.Random
    tracks: dict[str, Track] = field(default_factory=dict)
    _order: list[str] = field(default_factory=list)
    _cursor: int = 0

    # ----------------------------------------------------------------------- observing

    def observe(self, u: UnitState, incident_pos: Callable[[str], tuple[float, float] | None],
                now: float) -> Track:
        """Create or update the track of ``u`` from the live state."""
        tr = self.tracks.get(u.id)
        if tr is None:
            home = self._home(u)
            tr = Track(u.id, u.unit_type, u.home_grid, home, u.lon, u.lat, now)
            self.tracks[u.id] = tr
            self._order.append(u.id)
        status = u.status.value
        if status == tr.status and u.incident_id == tr.incident_id:
            return tr
        tr.status, tr.incident_id = status, u.incident_id
        kind = tr.kind
        pos = incident_pos(u.incident_id) if u.incident_id else None
        if u.status == UnitStatus.EN_ROUTE:
            if pos is not None:
                tr.go(now, pos, RESPONSE_MPS[kind])
                tr.mode = MOVING
            else:
                tr.go(now, None, 0.0)
                tr.mode = HOLD
        elif u.status in (UnitStatus.ON_SCENE, UnitStatus.BUSY):
            if pos is not None:
                tr.go(now, self._jitter(pos, 15.0), RESPONSE_MPS[kind])
            tr.mode = SCENE
        elif u.status == UnitStatus.DISPATCHED:
            tr.go(now, None, 0.0)
            tr.mode = HOLD
        elif u.status == UnitStatus.RETURNING:
            tr.go(now, tr.home, RESPONSE_MPS[kind] * 0.7)
            tr.mode = MOVING
        elif u.status == UnitStatus.AVAILABLE:
            tr.mode = WANDER
            tr.go(now, self._waypoint(tr), PATROL_MPS[kind])
        else:  # off duty, out of service
            tr.go(now, None, 0.0)
            tr.mode = OFF
        return tr

    def forget(self, unit_id: str) -> None:
        if self.tracks.pop(unit_id, None) is not None:
            self._order.remove(unit_id)
            self._cursor = 0

    def _home(self, u: UnitState) -> tuple[float, float]:
        unit = self.world.city.units.get(u.id)
        if unit is not None:
            return unit.lon, unit.lat
        return u.lon, u.lat

    def _jitter(self, pos: tuple[float, float], metres: float) -> tuple[float, float]:
        dlon, dlat = metres_to_deg(pos[1])
        r, a = metres * math.sqrt(self.rng.random()), self.rng.uniform(0, 2 * math.pi)
        return pos[0] + r * math.cos(a) * dlon, pos[1] + r * math.sin(a) * dlat

    def _waypoint(self, tr: Track) -> tuple[float, float]:
        if tr.unit_type == "grid_worker" and tr.home_grid in self.world.city.regions:
            return self.world.patrol_point(tr.home_grid, self.rng)
        return self._jitter(tr.home, WANDER_M[tr.kind])

    # ------------------------------------------------------------------------- queries

    def position(self, unit_id: str, now: float) -> tuple[float, float] | None:
        tr = self.tracks.get(unit_id)
        return None if tr is None else tr.position(now)

    def arrival(self, unit_id: str, now: float) -> float | None:
        tr = self.tracks.get(unit_id)
        return None if tr is None or tr.mode not in (MOVING, SCENE) else tr.arrival(now)

    def distance_left(self, unit_id: str, now: float) -> float:
        tr = self.tracks.get(unit_id)
        return 0.0 if tr is None else tr.distance_left(now)

    # -------------------------------------------------------------------------- pings

    def _step_wander(self, tr: Track, now: float) -> None:
        if tr.mode == WANDER and tr.target is not None and tr.arrival(now) <= now:
            # at the waypoint: pause, then head for the next one
            tr.go(now, self._waypoint(tr), PATROL_MPS[tr.kind],
                  start=now + self.rng.uniform(30.0, 600.0))

    def rows(self, n: int, now: float) -> list[tuple[str, float, float]]:
        """Up to ``n`` position rows at ``now``: moving units first, then round robin."""
        if n <= 0 or not self._order:
            return []
        out: list[tuple[str, float, float]] = []
        seen: set[str] = set()
        moving = [tr for tr in self.tracks.values() if tr.mode == MOVING]
        for tr in moving[: max(1, n // 2)]:
            lon, lat = tr.position(now)
            out.append((tr.unit_id, round(lon, 7), round(lat, 7)))
            seen.add(tr.unit_id)
        total = len(self._order)
        looked = 0
        while len(out) < n and looked < total:
            uid = self._order[self._cursor % total]
            self._cursor = (self._cursor + 1) % total
            looked += 1
            if uid in seen:
                continue
            tr = self.tracks[uid]
            if tr.mode == OFF:
                continue
            self._step_wander(tr, now)
            lon, lat = tr.position(now)
            out.append((uid, round(lon, 7), round(lat, 7)))
        return out
