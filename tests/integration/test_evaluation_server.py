"""The `evaluation` query on a live server over real ZeroMQ sockets (SQLite and PostgreSQL):
a 12345 case closed, called back unsatisfied and reopened (重办) shows in its region's
reopen_rate and satisfaction_rate; a scoped dispatcher sees only its region's rows; bad
arguments are refused with what is wrong, and audited."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from dispatch.domain import commands as cmd
from dispatch.domain.errors import InvalidCommand
from tests.integration.conftest import RunningServer
from tests.integration.test_citizen_loop_server import wait_for
from tests.integration.test_server_commands import point_in


def test_callback_reopen_shows_in_the_evaluation_and_scope_limits_rows(
        store_url: str, server_factory: Callable[..., RunningServer]) -> None:
    rs = server_factory(store_url)
    disp, lead = rs.client("disp", workstation="ws-disp"), rs.client("lead", workstation="ws-lead")
    scope = disp.login_info.scope if disp.login_info is not None else ""
    assert scope, "the demo dispatcher has a region"
    start = time.time() - 1
    minor = next(iter(rs.server.engine.catalogue.minors))
    lon, lat, grid = point_in(rs, scope)
    iid = str(disp.execute(cmd.ReportIncident("hotline", minor, lon, lat, "楼下油烟扰民")
                           ).result["incident_id"])
    disp.execute(cmd.AssignUnits(iid))
    for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已整改"),
              cmd.Verify(iid, True, "已核实")):
        lead.execute(c)
    disp.execute(cmd.CloseIncident(iid, "fixed"))
    # another region's case, reported by the shift lead (city-wide)
    other = next(r.code for r in sorted(rs.server.engine.city.grids(), key=lambda r: r.code)
                 if not r.code.startswith(scope))
    olon, olat, ogrid = point_in(rs, other)
    lead.execute(cmd.ReportIncident("hotline", minor, olon, olat, "路灯不亮"))
    end_iso = datetime.fromtimestamp(time.time() + 3600, UTC).isoformat()

    def grid_row(client_rows: list[dict[str, object]], code: str) -> dict[str, object]:
        return next(r for r in client_rows if r["code"] == code)

    before = grid_row(lead.query("evaluation", level="grid", start=start, end=end_iso)["rows"],
                      grid)
    assert before["closure_rate"] == 1.0
    assert before["satisfaction_rate"] is None  # not called back yet
    assert before["reopen_rate"] is None

    disp.execute(cmd.Callback(iid, "unsatisfied", "油烟仍然很大", reopen=True,
                              reason="市民不满意：油烟净化器未安装"))
    ans = lead.query("evaluation", level="grid", start=start, end=end_iso)
    row = grid_row(ans["rows"], grid)
    assert (row["called_back"], row["satisfied"], row["reopened"]) == (1, 0, 1)
    assert row["satisfaction_rate"] == 0.0
    assert row["reopen_rate"] == 1.0
    assert row["resolution_rate"] is None  # reopened: no longer closed in the period
    assert {r["code"] for r in ans["rows"]} == {grid, ogrid}
    assert sorted(r["rank"] for r in ans["rows"]) == [1, 2]

    mine = disp.query("evaluation", level="district", start=start, end=end_iso)
    assert mine["scope"] == scope
    assert [r["code"] for r in mine["rows"]] == [grid[:6]]
    assert mine["rows"][0]["reopen_rate"] == 1.0
    assert mine["rows"][0]["citizen_reported"] == 1  # the other region's case is not counted
    depts = disp.query("evaluation", level="department", start=start, end=end_iso)["rows"]
    assert sum(int(r["citizen_reported"]) for r in depts) == 1

    with pytest.raises(InvalidCommand, match=r"evaluation\.level must be one of"):
        disp.query("evaluation", level="post", start=start, end=end_iso)
    with pytest.raises(InvalidCommand, match="has no UTC offset"):
        disp.query("evaluation", level="grid", start="2026-11-01T00:00:00", end=end_iso)
    with pytest.raises(InvalidCommand, match="must come after its start"):
        disp.query("evaluation", level="grid", start=start, end=start)

    def refused() -> int:
        return len([r for r in lead.audit(operator="disp").rows
                    if r["action"] == "refused" and '"evaluation"' in r["detail"]])

    wait_for(lambda: refused() == 3)  # the audit writer catches up off the loop
