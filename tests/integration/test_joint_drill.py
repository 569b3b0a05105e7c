"""The Nantong gas-leak drill on a live server over real ZeroMQ sockets: a grid worker reports,
a dispatcher registers and dispatches jointly to police, emergency, fire and traffic police;
each department's field operator acknowledges, works and responds on its own; a dispatcher's
越级 is refused (and audited), the shift lead's goes through; the incident is responded only
when the last department has; then verified and closed. A live mirror sees every department."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from dispatch.adapters.client import CommandClient
from dispatch.domain import commands as cmd
from dispatch.domain.errors import Conflict, Forbidden
from dispatch.domain.roles import Role
from dispatch.domain.status import EscalationLevel, IncidentStatus, TaskState
from tests.integration.conftest import RunningServer, settle
from tests.integration.test_server_commands import point_in

GAS_LEAK = "0304"
LEAD, ASSISTS = "police", ("emergency", "fire", "traffic_police")
S, T = IncidentStatus, TaskState


def field_operator(rs: RunningServer, department: str) -> CommandClient:
    """A field gateway account for one department (the phone app of its crew)."""
    user = f"field-{department.replace('_', '-')}"
    password = f"{user}-drill-pass"
    rs.server.operators.add(user, password, Role.FIELD_GATEWAY, display_name=f"{department} 现场")
    c = CommandClient(rs.endpoints.command, curve=rs.curve(), timeout_s=2.0, retries=2)
    c.login(user, password, f"phone-{department}")
    rs.clients.append(c)
    return c


@pytest.fixture
def drill_server(server_factory: Callable[..., RunningServer]) -> RunningServer:
    return server_factory()


def test_gas_leak_drill_with_four_departments_and_a_skip(drill_server: RunningServer) -> None:
    rs = drill_server
    disp, lead = rs.client("disp", workstation="ws-disp"), rs.client("lead", workstation="ws-lead")
    crews = {d: field_operator(rs, d) for d in (LEAD, *ASSISTS)}
    mirror = rs.mirror("lead")

    # grid worker report → register → joint dispatch
    scope = disp.login_info.scope if disp.login_info is not None else ""
    lon, lat, _ = point_in(rs, scope)
    worker = crews[LEAD]
    r = worker.execute(cmd.ReportIncident("grid_worker", GAS_LEAK, lon, lat,
                                          "小区燃气管道泄漏，有明显气味", "网格员王五"))
    iid = str(r.result["incident_id"])
    disp.execute(cmd.RegisterIncident(iid))
    disp.execute(cmd.AssignUnits(iid, (), LEAD, ASSISTS))
    inc = rs.state_copy().incidents[iid]
    assert [t.department for t in inc.tasks] == [LEAD, *ASSISTS]
    assert inc.priority == "urgent"

    # each department acknowledges on its own, the fire brigade first
    crews["fire"].execute(cmd.Acknowledge(iid, "fire"))
    assert rs.state_copy().incidents[iid].status == S.ACKNOWLEDGED
    with pytest.raises(Conflict, match="fire has already acknowledged"):
        crews["fire"].execute(cmd.Acknowledge(iid, "fire"))
    for d in (LEAD, "emergency", "traffic_police"):
        crews[d].execute(cmd.Acknowledge(iid, d))
    for d in (LEAD, *ASSISTS):
        crews[d].execute(cmd.StartHandling(iid, d))

    # 越级: refused for the dispatcher, done by the shift lead
    with pytest.raises(Forbidden, match="only a shift lead may escalate past community level"):
        disp.execute(cmd.Escalate(iid, "district", "影响范围大"))
    r = lead.execute(cmd.Escalate(iid, "district", "燃气泄漏威胁居民楼，越级上报区应急指挥部"))
    assert r.result["events"] == ["incident.escalated"]
    escalated = [e for e in lead.history(incident_id=iid) if e["kind"] == "incident.escalated"]
    assert [(e["data"]["from_level"], e["data"]["level"], e["data"]["skipped"])
            for e in escalated] == [(EscalationLevel.GRID, EscalationLevel.DISTRICT, True)]

    # responses, one by one: the incident waits for the last department
    for d in ("fire", "emergency", LEAD):
        crews[d].execute(cmd.Respond(iid, f"{d}：处置完毕", d))
        assert rs.state_copy().incidents[iid].status == S.HANDLING
    settle(mirror, rs.server)
    seen = mirror.state.incidents[iid]
    assert {t.department: t.state for t in seen.tasks} == {
        LEAD: T.RESPONDED, "emergency": T.RESPONDED, "fire": T.RESPONDED,
        "traffic_police": T.HANDLING}
    assert seen.level == EscalationLevel.DISTRICT
    crews["traffic_police"].execute(cmd.Respond(iid, "交通管制解除", "traffic_police"))
    assert rs.state_copy().incidents[iid].status == S.RESPONDED

    # verify → close
    worker.execute(cmd.Verify(iid, True, "现场复核无异味"))
    disp.execute(cmd.CloseIncident(iid, "fixed", "联合处置完毕"))
    settle(mirror, rs.server)
    done = mirror.state.incidents[iid]
    assert done.status == S.CLOSED
    assert all(t.state == T.RESPONDED for t in done.tasks)
    assert len({t.responded_at for t in done.tasks}) == 4  # each on its own clock

    # the refusals are audited
    refusals = [(r["operator"], json.loads(r["detail"])["type"], json.loads(r["detail"])["error"])
                for r in lead.audit(incident_id=iid, action="refused").rows]
    assert refusals == [("field-fire", "acknowledge", "conflict"),
                        ("disp", "escalate", "forbidden")]
