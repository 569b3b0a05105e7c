"""The ``audit`` query on a live server (real sockets, SQLite and PostgreSQL): shift leads and
administrators read the audit trail by operator, workstation, action, incident and time, in
pages; every other role is refused, and every read is itself audited."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from dispatch.adapters.client import CommandClient
from dispatch.adapters.security.operators import audit
from dispatch.domain.errors import Forbidden, InvalidCommand
from tests.integration.conftest import RunningServer
from tests.integration.test_server_commands import report


def lines(rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(r["operator"], r["workstation"], r["action"]) for r in rows]


@pytest.fixture
def traffic(server_running: RunningServer) -> dict[str, Any]:
    """A lead and a dispatcher at their workstations, a failed login, a report, a query."""
    rs = server_running
    t0 = time.time()
    lead = rs.client("lead", workstation="ws-lead")
    disp = rs.client("disp", workstation="ws-disp")
    intruder = CommandClient(rs.endpoints.command, curve=rs.curve(), timeout_s=2.0, retries=2)
    rs.clients.append(intruder)
    with pytest.raises(Forbidden):
        intruder.login("disp", "not-the-password", "ws-other")
    t_mid = time.time()
    iid = report(rs, lead)
    other = report(rs, lead, index=7)
    lead.query("recommend", incident_id=iid)   # audited with the id in its detail only
    lead.query("recommend", incident_id=other)
    store = rs.server.store
    assert store is not None
    # a writer that knows the incident fills the column
    audit(store.engine, "lead", "ws-lead", "note", {"text": "看过现场"}, incident_id=iid)
    return {"rs": rs, "lead": lead, "disp": disp, "iid": iid, "other": other, "t0": t0,
            "t_mid": t_mid}


def test_audit_by_operator_workstation_action_and_time(traffic: dict[str, Any]) -> None:
    lead: CommandClient = traffic["lead"]
    got = lead.audit(operator="disp")
    assert lines(got.rows) == [("disp", "ws-disp", "login"), ("disp", "ws-other", "login_failed")]
    assert not got.truncated
    assert [r["id"] for r in got.rows] == sorted(r["id"] for r in got.rows)
    failed = lead.audit(action="login_failed").rows
    assert lines(failed) == [("disp", "ws-other", "login_failed")]
    assert lines(lead.audit(workstation="ws-other").rows) == lines(failed)
    assert {r["action"] for r in lead.audit(workstation="ws-lead").rows} >= {
        "login", "query", "note"}
    # time: everything before t_mid is the two logins and the failed one
    early = lead.audit(since_ts=traffic["t0"], until_ts=traffic["t_mid"]).rows
    assert sorted(lines(early)) == sorted([("lead", "ws-lead", "login"),
                                           ("disp", "ws-disp", "login"),
                                           ("disp", "ws-other", "login_failed")])
    late = lead.audit(since_ts=traffic["t_mid"], operator="disp").rows
    assert late == []
    row = early[0]
    assert set(row) == {"id", "ts", "operator", "workstation", "action", "incident_id",
                        "detail"}
    assert traffic["t0"] <= row["ts"] <= traffic["t_mid"]


def test_audit_by_incident(traffic: dict[str, Any]) -> None:
    lead: CommandClient = traffic["lead"]
    iid = traffic["iid"]
    rows = lead.audit(incident_id=iid).rows
    # (the query's line is written by the server's background thread, the note's by the
    # test itself: either may come first)
    assert sorted(r["action"] for r in rows) == ["note", "query"]
    note, query = sorted(rows, key=lambda r: str(r["action"]))
    assert query["incident_id"] is None
    assert json.loads(query["detail"])["args"] == {
        "incident_id": iid}
    assert note["incident_id"] == iid
    assert "看过现场" in note["detail"]
    assert all(traffic["other"] not in r["detail"] for r in rows)
    assert lead.audit(incident_id="E999999").rows == []
    # a LIKE wildcard is a plain character, not "anything"
    assert lead.audit(incident_id="E%").rows == []


def test_audit_pages_and_pins_the_set(traffic: dict[str, Any]) -> None:
    lead: CommandClient = traffic["lead"]
    everything = lead.audit().rows
    assert len(everything) >= 6
    page = lead.query("audit", limit=2)
    assert len(page["rows"]) == 2
    assert page["more"] is True
    assert page["next_after_id"] == page["rows"][-1]["id"]
    last = page["last_id"]
    page2 = lead.query("audit", limit=2, after_id=page["next_after_id"], to_id=last)
    assert [r["id"] for r in page["rows"] + page2["rows"]] == \
        [r["id"] for r in everything[:4]]
    # page by one: the same lines as in one page (plus the line of that read), and none of
    # the reads made meanwhile
    everything = lead.audit().rows
    one_by_one = lead.audit(limit=1).rows
    assert one_by_one[:-1] == everything
    assert lines(one_by_one[-1:]) == [("lead", "ws-lead", "audit_read")]
    capped = lead.audit(limit=1, max_rows=3)
    assert capped.truncated
    assert [r["id"] for r in capped.rows] == \
        [r["id"] for r in everything[:3]]
    # those reads are in the audit now, with their filters
    reads = lead.audit(action="audit_read").rows
    assert len(reads) >= len(everything) + 2
    assert all(r["operator"] == "lead" and r["workstation"] == "ws-lead" for r in reads)
    assert {"limit", "after_id"} & set(json.loads(reads[-1]["detail"])) == {"after_id"}
    lead.audit(incident_id=traffic["iid"])
    by_incident = lead.audit(incident_id=traffic["iid"], action="audit_read").rows
    assert [r["incident_id"] for r in by_incident] == [traffic["iid"]]


def test_admin_reads_and_others_are_refused(traffic: dict[str, Any]) -> None:
    rs: RunningServer = traffic["rs"]
    admin = rs.client("admin", workstation="ws-admin")
    assert lines(admin.audit(action="login_failed").rows) == [
        ("disp", "ws-other", "login_failed")]
    for user in ("disp", "wall", "field"):
        c = traffic["disp"] if user == "disp" else rs.client(user, workstation=f"ws-{user}")
        with pytest.raises(Forbidden, match="may not read the audit"):
            c.audit()
    refused = traffic["lead"].audit(action="audit_read", operator="disp").rows
    assert len(refused) == 1
    assert json.loads(refused[0]["detail"])["refused"] == "forbidden"


@pytest.mark.parametrize("args", [
    {"limit": 0}, {"limit": 5001}, {"after_id": -1}, {"operator": 7}, {"since_ts": "today"},
    {"until_ts": 1.0, "since_ts": 2.0}, {"to_id": 1, "after_id": 5}, {"operator": "  "},
    {"incident_id": "x" * 65}, {"workstation": "ws\u0000"}, {"who": "lead"},
    {"limit": True}])
def test_arguments_are_checked_strictly(server_running: RunningServer,
                                        args: dict[str, Any]) -> None:
    lead = server_running.client("lead")
    with pytest.raises(InvalidCommand):
        lead.request("audit", args)
