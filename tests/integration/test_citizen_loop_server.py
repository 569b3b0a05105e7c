"""The citizen's loop on a live server over real ZeroMQ sockets (SQLite and PostgreSQL): a
12345 case under the beijing_2021 deadline profile is worked and closed, the call-back is
unsatisfied and reopens it (重办), a call-back too early is refused and audited, and the citizen's
repeat calls (催办) make the server's clock raise its priority by the urge rule. A live mirror
sees the counts."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from dispatch.domain import commands as cmd
from dispatch.domain.errors import InvalidCommand
from dispatch.domain.status import IncidentStatus
from tests.integration.conftest import RunningServer, settle
from tests.integration.test_server_commands import point_in

S = IncidentStatus


def wait_for(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.02)


def test_callback_reopens_and_urges_raise_priority(
        store_url: str, server_factory: Callable[..., RunningServer]) -> None:
    rs = server_factory(store_url, deadline_profile="beijing_2021")
    disp, lead = rs.client("disp", workstation="ws-disp"), rs.client("lead", workstation="ws-lead")
    mirror = rs.mirror("lead")
    scope = disp.login_info.scope if disp.login_info is not None else ""
    lon, lat, _ = point_in(rs, scope)
    minor = next(m.code for m in rs.server.engine.catalogue.minors.values()
                 if m.priority.value == "low")
    r = disp.execute(cmd.ReportIncident("hotline", minor, lon, lat, "楼下餐馆油烟扰民",
                                        phone="13800138000"))
    iid = str(r.result["incident_id"])
    inc = rs.state_copy().incidents[iid]
    assert inc.dispatch_due - inc.reported_at == pytest.approx(24 * 3600)  # beijing: 24 h
    disp.execute(cmd.AssignUnits(iid))
    for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已整改"),
              cmd.Verify(iid, True, "已核实")):
        lead.execute(c)
    with pytest.raises(InvalidCommand, match="after the case is closed"):
        disp.execute(cmd.Callback(iid, "unsatisfied"))
    r = disp.execute(cmd.CloseIncident(iid, "fixed"))
    assert r.result["events"] == ["incident.closed", "incident.callback_due"]
    r = disp.execute(cmd.Callback(iid, "unsatisfied", "油烟仍然很大", reopen=True,
                                  reason="市民不满意：油烟净化器未安装"))
    assert r.result["events"] == ["incident.called_back", "incident.reopened"]
    inc = rs.state_copy().incidents[iid]
    assert (inc.status, inc.reopen_count, inc.rework_count) == (S.DISPATCHED, 1, 1)
    assert inc.callback_result == "unsatisfied"
    with pytest.raises(InvalidCommand, match="is dispatched: the citizen is called back"):
        disp.execute(cmd.Callback(iid, "satisfied"))  # reopened: open again
    refused = [row for row in lead.audit(incident_id=iid, operator="disp").rows
               if row["action"] == "refused" and '"type": "callback"' in row["detail"]]
    assert refused, "the refused call-back is audited"

    # two repeat calls: the urge rule (rules.json, urge-2-raise) raises low → normal
    disp.execute(cmd.Urge(iid, "市民再次来电催办"))
    disp.execute(cmd.Urge(iid, "市民第三次来电"))
    wait_for(lambda: rs.state_copy().incidents[iid].priority == "normal")
    settle(mirror, rs.server)
    seen = mirror.state.incidents[iid]
    assert (seen.urges, seen.reopen_count, seen.priority) == (2, 1, "normal")
    assert seen.urge_rules == ("urge-2-raise",)
    kinds = [e["kind"] for e in lead.history(incident_id=iid)]
    assert kinds.count("incident.urged") == 2
    assert "incident.priority_raised" in kinds
