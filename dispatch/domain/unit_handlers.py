"""Command handlers of the unit board: registering units, their status and their positions
(see :mod:`dispatch.domain.handlers` for the table every command goes through)."""

from __future__ import annotations

from dispatch.domain import checks as ck
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain.checks import Context, Payloads
from dispatch.domain.errors import Conflict, InvalidCommand, NotFound
from dispatch.domain.roles import Permission
from dispatch.domain.status import UNIT_TRANSITIONS, UnitStatus
from dispatch.domain.validation import check_id, check_position


def register_unit(ctx: Context, c: cmd.RegisterUnit) -> Payloads:
    ctx.actor.require(Permission.ADMIN, "register units")
    unit_id = check_id(c.unit_id, "unit id")
    name = ck.text(c.name, "name", multiline=False)
    lon, lat = check_position(c.lon, c.lat, ck.area(ctx), "position", ctx.city.name)
    if c.unit_id in ctx.state.units:
        raise Conflict(f"unit {c.unit_id} already exists")
    ck.department(ctx, c.department)
    ut = ctx.catalogue.unit_types.get(c.unit_type)
    if ut is None:
        raise NotFound(f"no unit type {c.unit_type!r}")
    if ut.department != c.department:
        raise InvalidCommand(f"unit type {c.unit_type} belongs to {ut.department}, "
                             f"not {c.department}")
    if c.home_grid not in ctx.city.regions:
        raise NotFound(f"no grid {c.home_grid!r}")
    return [ev.UnitRegistered(unit_id, c.department, c.unit_type, name, c.home_grid, lon, lat)]


def unit_status(ctx: Context, c: cmd.SetUnitStatus) -> Payloads:
    ctx.actor.require(Permission.UNITS, "change unit status")
    u = ck.unit(ctx, c.unit_id)
    try:
        status = UnitStatus(c.status)
    except ValueError:
        raise InvalidCommand(f"unknown unit status {c.status!r}") from None
    if status not in UNIT_TRANSITIONS[u.status]:
        hint = " (assign it to an incident instead)" if status == UnitStatus.DISPATCHED else ""
        raise InvalidCommand(f"unit {u.id} cannot go from {u.status.value} to "
                             f"{status.value}{hint}")
    return [ev.UnitStatusChanged(u.id, status.value)]


MAX_POSITION_ROWS = 10_000


def positions(ctx: Context, c: cmd.ReportPositions) -> Payloads:
    ctx.actor.require(Permission.UNITS, "report unit positions")
    ctx.actor.require_rows_visible(c.rows, ctx.state.units)
    if not c.rows:
        raise InvalidCommand("no positions")
    if len(c.rows) > MAX_POSITION_ROWS:
        raise InvalidCommand(f"at most {MAX_POSITION_ROWS} positions per command")
    rows: list[tuple[str, float, float]] = []
    units = ctx.state.units
    area = ck.area(ctx)
    x0, y0, x1, y1 = area.min_lon, area.min_lat, area.max_lon, area.max_lat
    for row in c.rows:
        try:
            uid, lon, lat = row
            lon, lat = float(lon), float(lat)
        except (TypeError, ValueError):
            raise InvalidCommand(f"bad position row {row!r}; expected [unit, lon, lat]") from None
        if uid not in units:
            raise NotFound(f"no unit {uid!r}")
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):  # NaN is never inside
            check_position(lon, lat, area, f"position of {uid}", ctx.city.name)
        rows.append((uid, lon, lat))
    return [ev.UnitsMoved(tuple(rows))]
