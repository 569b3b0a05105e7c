"""Hazards at places: notes a shift lead keeps on a point (with a radius) or on a grid — a
chemical plant, a gas station, a care home — that the operator taking a call and the one
working an incident there should know of.

A point hazard applies to every position within its radius; a grid hazard to every position in
its grid. The commands ``set_hazard`` and ``remove_hazard`` (permission ``hazards``: shift lead,
admin) make the events ``hazard.set`` and ``hazard.removed``; the projection keeps
:attr:`DispatchState.hazards <dispatch.domain.state.DispatchState.hazards>`. Consoles read them
with the ``hazards`` query (in the operator's scope), not from the feed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dispatch.domain import checks as ck
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain.checks import Context, Payloads
from dispatch.domain.city.levels import Level
from dispatch.domain.errors import InvalidCommand, NotFound
from dispatch.domain.geo import distance_m
from dispatch.domain.roles import Permission
from dispatch.domain.state import DispatchState, Hazard
from dispatch.domain.validation import check_id, check_position

KINDS: tuple[str, ...] = ("chemical_plant", "gas_station", "fuel_depot", "care_home", "school",
                          "kindergarten", "hospital", "high_voltage", "construction_site",
                          "crowded_venue", "other")
"""The kinds of hazard, in the order a form offers them."""

MIN_RADIUS_M = 10.0
MAX_RADIUS_M = 5000.0
MAX_NAME = 100
MAX_TEXT = 1000


def check_hazard(ctx: Context, c: cmd.SetHazard) -> Hazard:
    """The hazard ``c`` sets if every part of it is right; InvalidCommand saying what is
    not (NotFound for an unknown grid)."""
    hid = check_id(c.hazard_id, "hazard id")
    if c.kind not in KINDS:
        raise InvalidCommand(f"unknown hazard kind {c.kind!r}; expected one of "
                             f"{', '.join(KINDS)}")
    name = ck.text(c.name, "name", required=False, multiline=False)
    if not name:
        raise InvalidCommand("a hazard needs a name (e.g. 'Jinji Lake gas station')")
    if len(name) > MAX_NAME:
        raise InvalidCommand(f"name is too long ({len(name)} characters, at most {MAX_NAME})")
    text = ck.text(c.text, "text", required=False)
    if len(text) > MAX_TEXT:
        raise InvalidCommand(f"text is too long ({len(text)} characters, at most {MAX_TEXT})")
    has_point = c.lon is not None or c.lat is not None or c.radius_m is not None
    if has_point and c.grid:
        raise InvalidCommand("a hazard is either at a point with a radius or on a grid, "
                             "not both")
    if c.grid:
        region = ctx.city.regions.get(c.grid)
        if region is None or region.level is not Level.GRID:
            raise NotFound(f"no grid {c.grid!r} in {ctx.city.name} (a grid code has 15 "
                           "digits)")
        ctx.actor.require_scope(c.grid, "set a hazard")
        centre = region.geometry.representative_point()
        return Hazard(hid, c.kind, name, text, c.grid, round(centre.x, 6), round(centre.y, 6))
    if c.lon is None or c.lat is None or c.radius_m is None:
        raise InvalidCommand("a hazard needs a point (lon, lat) and a radius in metres, or a "
                             "grid code")
    radius = c.radius_m
    if isinstance(radius, bool) or not isinstance(radius, int | float) \
            or not MIN_RADIUS_M <= radius <= MAX_RADIUS_M:
        raise InvalidCommand(f"radius {radius!r} m is out of range: from {MIN_RADIUS_M:g} to "
                             f"{MAX_RADIUS_M:g} metres")
    lon, lat = check_position(c.lon, c.lat, ck.area(ctx), "point", ctx.city.name)
    grid = ctx.locate(lon, lat)
    if grid is None:
        raise InvalidCommand(f"point {lat:.6f}N {lon:.6f}E is outside every grid of "
                             f"{ctx.city.name}")
    ctx.actor.require_scope(grid, "set a hazard")
    return Hazard(hid, c.kind, name, text, grid, lon, lat, float(radius))


def set_hazard(ctx: Context, c: cmd.SetHazard) -> Payloads:
    ctx.actor.require(Permission.HAZARDS, "edit hazards")
    h = check_hazard(ctx, c)
    return [ev.HazardSet(h.id, h.kind, h.name, h.text, h.grid, h.lon, h.lat, h.radius_m)]


def remove_hazard(ctx: Context, c: cmd.RemoveHazard) -> Payloads:
    ctx.actor.require(Permission.HAZARDS, "edit hazards")
    h = ctx.state.hazards.get(c.hazard_id)
    if h is None or not ctx.actor.in_scope(h.grid):
        raise NotFound(f"no hazard {c.hazard_id!r}")
    return [ev.HazardRemoved(c.hazard_id)]


def apply_set(s: DispatchState, _e: ev.Event, p: ev.HazardSet) -> None:
    s.hazards[p.hazard_id] = Hazard(p.hazard_id, p.kind, p.name, p.text, p.grid, p.lon, p.lat,
                                    p.radius_m)


def apply_removed(s: DispatchState, _e: ev.Event, p: ev.HazardRemoved) -> None:
    s.hazards.pop(p.hazard_id, None)


@dataclass(frozen=True, slots=True)
class HazardHit:
    """A hazard that applies at a position, and how far its point is (0 for a grid's)."""

    hazard: Hazard
    distance_m: float


def hazards_at(hazards: Iterable[Hazard], lon: float, lat: float, grid: str = ""
               ) -> list[HazardHit]:
    """The hazards that apply at (lon, lat): points within their radius, and those of
    ``grid`` (the position's grid); grid hazards first, then the nearest points."""
    out: list[HazardHit] = []
    for h in hazards:
        if h.is_point:
            d = distance_m(lon, lat, h.lon, h.lat)
            if d <= h.radius_m:
                out.append(HazardHit(h, d))
        elif grid and h.grid == grid:
            out.append(HazardHit(h, 0.0))
    out.sort(key=lambda hit: (hit.hazard.is_point, hit.distance_m, hit.hazard.id))
    return out


def hazard_to_dict(h: Hazard) -> dict[str, object]:
    """A hazard as the ``hazards`` query answers it."""
    return {"id": h.id, "kind": h.kind, "name": h.name, "text": h.text, "grid": h.grid,
            "lon": h.lon, "lat": h.lat, "radius_m": h.radius_m}


def hazard_from_dict(d: dict[str, object]) -> Hazard:
    """A hazard of a ``hazards`` answer; ValueError/TypeError if it is malformed."""
    return Hazard(str(d["id"]), str(d["kind"]), str(d["name"]), str(d.get("text") or ""),
                  str(d["grid"]), float(d["lon"]), float(d["lat"]),  # type: ignore[arg-type]
                  float(d.get("radius_m") or 0.0))  # type: ignore[arg-type]
