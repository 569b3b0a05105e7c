"""Helpers for domain tests: pick classes and units from the real catalogue and demo city."""

from __future__ import annotations

from typing import Any

from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain.catalogue.model import Catalogue, Priority
from dispatch.domain.roles import Actor, Role
from dispatch.domain.status import UnitStatus
from dispatch.services.engine import DispatchEngine

LEAD = Actor("lead01", Role.SHIFT_LEAD, workstation="ws-lead")
DISPATCHER = Actor("disp01", Role.DISPATCHER, workstation="ws-01")
FIELD = Actor("gateway", Role.FIELD_GATEWAY, workstation="gw")
WALL = Actor("wall", Role.WALL, workstation="wall")


def minor_with(catalogue: Catalogue, priority: Priority | None = None) -> str:
    for m in catalogue.minors.values():
        if priority is None or m.priority == priority:
            return m.code
    raise LookupError(priority)


def grid_point(engine: DispatchEngine, index: int = 0) -> tuple[float, float, str]:
    grids = sorted(r.code for r in engine.city.grids())
    code = grids[index % len(grids)]
    c = engine.city.regions[code].geometry.representative_point()
    return c.x, c.y, code


def report(engine: DispatchEngine, *, index: int = 0, class_code: str | None = None,
           actor: Actor = DISPATCHER, **kw: Any) -> str:
    lon, lat, _ = grid_point(engine, index)
    code = class_code or minor_with(engine.catalogue, Priority.NORMAL)
    out = engine.execute(cmd.ReportIncident(source=kw.pop("source", "hotline"),
                                            class_code=code, lon=lon, lat=lat,
                                            description="路灯不亮", **kw), actor)
    reported = out.events[0].payload
    assert isinstance(reported, ev.IncidentReported)
    return reported.incident_id


def free_units(engine: DispatchEngine, department: str, n: int = 1) -> tuple[str, ...]:
    ids = [u.id for u in engine.state.units.values()
           if u.department == department and u.status == UnitStatus.AVAILABLE]
    assert len(ids) >= n, f"not enough free units in {department}"
    return tuple(sorted(ids)[:n])
