"""吹哨报到 on a live server over real ZeroMQ sockets (SQLite and PostgreSQL), with a deadline
profile whose arrival limit is three seconds: the shift lead blows the whistle, police report
on site at once, the server's clock flags fire overdue, fire report after their due time; a live mirror sees each department's clock; the
evaluation query counts fire late (whistle_on_time_rate per department and per street); the
district dispatcher's whistle and an arrival of a department not summoned are refused and
audited."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dispatch.domain import commands as cmd
from dispatch.domain.errors import Forbidden, InvalidCommand
from tests.integration.conftest import RunningServer, settle
from tests.integration.test_citizen_loop_server import wait_for
from tests.integration.test_server_commands import point_in

ARRIVAL_S = 3.0


def profiles_file(tmp_path: Path) -> Path:
    p = tmp_path / "profiles.json"
    p.write_text(json.dumps({"profiles": {"drill": {
        "callback": {"value": 1, "unit": "days"},
        "arrival": {"value": ARRIVAL_S / 60, "unit": "minutes"}}}}), encoding="utf-8")
    return p


def test_whistle_arrivals_late_and_evaluation(
        store_url: str, server_factory: Callable[..., RunningServer], tmp_path: Path) -> None:
    rs = server_factory(store_url, deadline_profile="drill",
                        deadline_profiles_file=profiles_file(tmp_path))
    disp, lead = rs.client("disp", workstation="ws-disp"), rs.client("lead", workstation="ws-lead")
    field = rs.client("field", workstation="gw")
    mirror = rs.mirror("lead")
    start = time.time() - 1
    scope = disp.login_info.scope if disp.login_info is not None else ""
    lon, lat, grid = point_in(rs, scope)
    minor = next(iter(rs.server.engine.catalogue.minors))
    iid = str(disp.execute(cmd.ReportIncident("grid_worker", minor, lon, lat, "占道经营纠纷")
                           ).result["incident_id"])
    disp.execute(cmd.AssignUnits(iid))

    with pytest.raises(Forbidden, match="street or a community"):
        disp.execute(cmd.Whistle(iid, ("police", "fire"), "district dispatcher"))
    out = lead.execute(cmd.Whistle(iid, ("police", "fire"), "街道吹哨: 占道经营引发冲突"))
    assert out.result["events"] == ["incident.whistled"]
    field.execute(cmd.ReportArrival(iid, "police", "民警已到场"))
    with pytest.raises(InvalidCommand, match="water was not summoned"):
        field.execute(cmd.ReportArrival(iid, "water"))

    settle(mirror, rs.server)
    inc = mirror.state.incidents[iid]
    assert inc.whistle_level == "street"
    assert inc.whistle_region == grid[:9]
    police, fire = inc.summoned
    assert police.arrived_at is not None
    assert police.arrived_at <= police.due
    assert fire.arrived_at is None
    # the server's clock flags fire overdue once its due time has passed
    wait_for(lambda: rs.state_copy().incidents[iid].summoned[1].overdue, timeout=ARRIVAL_S + 10)
    assert time.time() >= fire.due
    field.execute(cmd.ReportArrival(iid, "fire"))
    settle(mirror, rs.server)
    fire = mirror.state.incidents[iid].summoned[1]
    assert fire.arrived_at is not None
    assert fire.arrived_at > fire.due  # late

    end = time.time() + 3600
    depts = {r["code"]: r for r in lead.query("evaluation", level="department", start=start,
                                               end=end)["rows"]}
    assert depts["police"]["whistle_on_time_rate"] == 1.0
    assert depts["fire"]["whistle_on_time_rate"] == 0.0
    assert (depts["fire"]["whistle_due"], depts["fire"]["whistle_on_time"]) == (1, 0)
    streets = {r["code"]: r for r in lead.query("evaluation", level="street", start=start,
                                                 end=end)["rows"]}
    assert streets[grid[:9]]["whistle_on_time_rate"] == 0.5

    def refused(user: str, command: str) -> int:
        return len([r for r in lead.audit(operator=user).rows
                    if r["action"] == "refused" and f'"{command}"' in r["detail"]])

    wait_for(lambda: refused("disp", "whistle") == 1 and refused("field", "report_arrival") == 1)
