"""Run cards and exact departments over the command channel of a live server (SQLite and
PostgreSQL): set, read back, refused for a dispatcher (and audited), kept across a restart."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from dispatch.adapters.security.operators import read_audit
from dispatch.domain import commands as cmd
from dispatch.domain.errors import Forbidden, InvalidCommand
from dispatch.domain.state import RunCard
from dispatch.domain.status import UnitStatus
from tests.integration.conftest import RunningServer
from tests.integration.test_server_commands import point_in


def test_a_lead_sets_a_card_and_every_client_reads_it(server_running: RunningServer) -> None:
    rs = server_running
    lead, disp = rs.client("lead"), rs.client("disp")
    shipped = disp.run_cards()
    assert any(c.class_code == "0304" and c.priority == "urgent" for c in shipped)
    lines = (("water", "drainage_crew", 3), ("city_mgmt", "road_repair_crew", 1))
    lead.execute(cmd.SetRunCard("0517", lines, "high"))
    assert RunCard("0517", "high", lines) in disp.run_cards()
    with pytest.raises(InvalidCommand, match="unknown unit type 'jetpack'"):
        lead.execute(cmd.SetRunCard("0517", (("water", "jetpack", 1),)))
    lead.execute(cmd.RemoveRunCard("0517", "high"))
    assert all(c.class_code != "0517" for c in disp.run_cards())


def test_a_dispatcher_editing_a_card_is_refused_and_audited(
        server_running: RunningServer) -> None:
    rs = server_running
    disp = rs.client("disp", workstation="ws-cards")
    with pytest.raises(Forbidden):
        disp.execute(cmd.SetRunCard("0517", (("water", "drainage_crew", 1),)))
    store = rs.server.store
    assert store is not None
    deadline = time.monotonic() + 5
    refused: list[str] = []
    while time.monotonic() < deadline and not refused:
        refused = [e.action for e in read_audit(store.engine, operator="disp")
                   if e.workstation == "ws-cards" and "set_run_card" in str(e.detail)]
        time.sleep(0.05)
    assert refused


def test_cards_outlive_a_restart(tmp_path: object, server_factory: Callable[..., RunningServer]
                                 ) -> None:
    rs = server_factory()
    rs.client("lead").execute(cmd.SetRunCard("0517", (("water", "drainage_crew", 2),)))
    rs.client("lead").execute(cmd.RemoveRunCard("0701"))
    rs.stop()
    again = server_factory()
    cards = {c.key: c for c in again.client("disp").run_cards()}
    assert cards["0517"].lines == (("water", "drainage_crew", 2),)
    assert "0701" not in cards
    assert "0304/urgent" in cards  # the defaults are not seeded twice nor lost


def test_exact_departments_over_the_wire(server_running: RunningServer) -> None:
    rs = server_running
    lead = rs.client("lead")
    lon, lat, _ = point_in(rs)
    units = rs.server.engine.state.units
    housing = sorted(u.id for u in units.values()
                     if u.department == "housing" and u.status == UnitStatus.AVAILABLE)

    def new_gas_leak() -> str:
        r = lead.execute(cmd.ReportIncident("hotline", "0304", lon, lat, "燃气泄漏"))
        return str(r.result["incident_id"])

    a, b = new_gas_leak(), new_gas_leak()
    lead.execute(cmd.AssignUnits(a, (housing[0],), exact_departments=True))
    lead.execute(cmd.AssignUnits(b, (housing[1],)))  # as an older client sends it
    incs = rs.state_copy().incidents
    assert incs[a].departments == ("housing",)
    assert incs[b].departments == ("housing", "fire", "police")
