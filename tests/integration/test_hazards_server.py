"""Hazards over the command channel of a live server (SQLite and PostgreSQL): seeded with a new
city, set and read back, scoped, refused for a dispatcher (and audited), kept across a
restart."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from dispatch.adapters.security.operators import read_audit
from dispatch.domain import commands as cmd
from dispatch.domain.errors import Forbidden, InvalidCommand, NotFound
from tests.integration.conftest import RunningServer
from tests.integration.test_server_commands import point_in


def test_a_lead_sets_a_hazard_and_clients_read_it(server_running: RunningServer) -> None:
    rs = server_running
    lead, wall = rs.client("lead"), rs.client("wall")
    seeded = wall.hazards()
    assert {"gas_station", "care_home", "school"} <= {h.kind for h in seeded}
    lon, lat, grid = point_in(rs)
    lead.execute(cmd.SetHazard("HZ-X1", "chemical_plant", "化工厂", "氯气", lon, lat, 800.0))
    got = {h.id: h for h in wall.hazards()}
    assert (got["HZ-X1"].grid, got["HZ-X1"].radius_m) == (grid, 800.0)
    with pytest.raises(InvalidCommand, match=r"radius 5\.0 m is out of range"):
        lead.execute(cmd.SetHazard("HZ-X2", "school", "学校", "", lon, lat, 5.0))
    with pytest.raises(NotFound, match="no grid '320508999999999'"):
        lead.execute(cmd.SetHazard("HZ-X2", "school", "学校", grid="320508999999999"))
    lead.execute(cmd.RemoveHazard("HZ-X1"))
    assert "HZ-X1" not in {h.id for h in wall.hazards()}


def test_a_dispatcher_setting_a_hazard_is_refused_and_audited(
        server_running: RunningServer) -> None:
    rs = server_running
    disp = rs.client("disp", workstation="ws-hazards")
    lon, lat, _grid = point_in(rs)
    with pytest.raises(Forbidden, match="may not edit hazards"):
        disp.execute(cmd.SetHazard("HZ-D", "gas_station", "站", "", lon, lat, 100.0))
    assert "HZ-D" not in rs.state_copy().hazards
    store = rs.server.store
    assert store is not None
    deadline = time.monotonic() + 5
    refused: list[str] = []
    while time.monotonic() < deadline and not refused:
        refused = [e.action for e in read_audit(store.engine, operator="disp")
                   if e.workstation == "ws-hazards" and "set_hazard" in str(e.detail)]
        time.sleep(0.05)
    assert refused


def test_hazards_outlive_a_restart_and_are_seeded_once(
        server_factory: Callable[..., RunningServer]) -> None:
    rs = server_factory()
    seeded = {h.id for h in rs.client("lead").hazards()}
    lon, lat, _grid = point_in(rs)
    rs.client("lead").execute(cmd.SetHazard("HZ-K", "hospital", "医院", "", lon, lat, 200.0))
    rs.stop()
    again = server_factory()
    assert {h.id for h in again.client("lead").hazards()} == seeded | {"HZ-K"}
    disp = again.client("disp")
    assert disp.login_info is not None
    assert disp.login_info.scope
    mine = disp.hazards()  # a dispatcher reads those in its region only
    assert all(h.grid.startswith(disp.login_info.scope) for h in mine)
    assert len(mine) < len(seeded) + 1
