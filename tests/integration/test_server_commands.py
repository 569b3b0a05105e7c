"""The command channel of a live server on loopback, on SQLite and PostgreSQL: login and
sessions, strict arguments, typed errors, idempotent retries, concurrency, queries, history."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
import zmq

from dispatch.adapters.client import CommandClient
from dispatch.adapters.protocol.messages import parse_reply
from dispatch.domain import commands as cmd
from dispatch.domain.errors import Conflict, Forbidden, InvalidCommand, NotFound, Stale, Unavailable
from dispatch.domain.status import UnitStatus
from tests.integration.conftest import RunningServer


def point_in(rs: RunningServer, prefix: str = "", index: int = 0) -> tuple[float, float, str]:
    grids = sorted(r.code for r in rs.server.engine.city.grids() if r.code.startswith(prefix))
    code = grids[index % len(grids)]
    p = rs.server.engine.city.regions[code].geometry.representative_point()
    return p.x, p.y, code


def a_class(rs: RunningServer) -> str:
    return next(iter(rs.server.engine.catalogue.minors))


def report(rs: RunningServer, client: CommandClient, prefix: str = "", index: int = 0,
           **kw: Any) -> str:
    lon, lat, _ = point_in(rs, prefix, index)
    r = client.execute(cmd.ReportIncident("hotline", kw.pop("class_code", a_class(rs)), lon,
                                          lat, kw.pop("description", "井盖缺失"), **kw))
    return str(r.result["incident_id"])


def raw_request(rs: RunningServer, payload: bytes | list[bytes], timeout_ms: int = 2000
                ) -> Any:
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(rs.endpoints.command)
    try:
        sock.send_multipart(payload if isinstance(payload, list) else [b"", payload])
        if not sock.poll(timeout_ms):
            return None
        return parse_reply(sock.recv_multipart()[-1])
    finally:
        sock.close()


# ------------------------------------------------------------------------------- sessions


def test_login_whoami_and_bad_password(server_running: RunningServer) -> None:
    rs = server_running
    c = rs.client("disp", workstation="ws-07")
    assert c.login_info is not None
    assert c.login_info.scope
    assert c.login_info.subtree
    me = c.query("whoami")
    assert me["operator"] == "disp"
    assert me["role"] == "dispatcher"
    assert me["workstation"] == "ws-07"
    assert me["subtree"] == c.login_info.subtree
    bad = rs.client(login=False)
    with pytest.raises(Forbidden):
        bad.login("disp", "wrong-password", "ws")
    with pytest.raises(Forbidden):
        bad.login("nobody", "whatever-pass", "ws")


def test_commands_need_a_session(server_running: RunningServer) -> None:
    rs = server_running
    anon = rs.client(login=False)
    lon, lat, _ = point_in(rs)
    reply = anon.request("report", {"source": "hotline", "class_code": a_class(rs), "lon": lon,
                                    "lat": lat, "description": "x"}, raise_errors=False)
    assert not reply.ok
    assert reply.error == "forbidden"
    assert reply.relogin
    assert anon.request("ping").ok  # ping needs no session
    c = rs.client()
    c.logout()
    with pytest.raises(Forbidden):
        c.query("whoami")


def test_client_logs_in_again_after_session_loss(server_running: RunningServer) -> None:
    rs = server_running
    c = rs.client("lead")
    old = c.session
    rs.server.sessions.close(old)  # as after a server restart
    iid = report(rs, c)
    assert iid.startswith("E")
    assert c.session != old


# ---------------------------------------------------------------------- strict arguments


@pytest.mark.parametrize(("args", "words"), [
    ({"source": "hotline", "lon": 120.6, "lat": 31.3, "description": "x"}, "missing"),
    ({"source": "hotline", "class_code": 7, "lon": 120.6, "lat": 31.3, "description": "x"},
     "text"),
    ({"source": "hotline", "class_code": "x", "lon": "120", "lat": 31.3, "description": "x"},
     "number"),
    ({"source": "hotline", "class_code": "x", "lon": True, "lat": 31.3, "description": "x"},
     "number"),
    ({"source": "hotline", "class_code": "x", "lon": 1.0, "lat": 2.0, "description": "x",
      "colour": "red"}, "unknown argument"),
])
def test_arguments_are_checked_strictly(server_running: RunningServer, args: dict[str, Any],
                                        words: str) -> None:
    c = server_running.client()
    with pytest.raises(InvalidCommand, match=words):
        c.request("report", args)


def test_envelope_errors(server_running: RunningServer) -> None:
    rs = server_running
    r = raw_request(rs, b"not json")
    assert r is not None
    assert not r.ok
    assert r.error == "invalid"
    assert r.id is None
    r = raw_request(rs, b'{"id": "a1", "type": "teleport", "args": {}}')
    assert r is not None
    assert r.id == "a1"
    assert r.error == "invalid"
    assert "unknown" in r.message
    r = raw_request(rs, b'{"id": "a2", "type": "note", "args": {}, "extra": 1}')
    assert r is not None
    assert r.id == "a2"
    assert r.error == "invalid"
    r = raw_request(rs, b'{"id": "a3", "type": "report", "args": {"lon": NaN}}')
    assert r is not None
    assert r.error == "invalid"
    r = raw_request(rs, b'{"id": "a4", "type": "note", "expected_version": "7", "args": {}}')
    assert r is not None
    assert r.id == "a4"
    assert r.error == "invalid"
    assert rs.server.stats.malformed >= 5


def test_lists_become_tuples(server_running: RunningServer) -> None:
    rs = server_running
    c = rs.client()
    iid = report(rs, c)
    inc = rs.state.incidents[iid]
    dept = rs.server.engine.catalogue.lead_department_of(inc.class_code)
    unit = sorted(u.id for u in rs.state.units.values()
                  if u.department == dept and u.status == UnitStatus.AVAILABLE)[0]
    r = c.request("assign", {"incident_id": iid, "units": [unit]})
    assert r.ok
    assert r.result["incident_id"] == iid
    assert rs.state.incidents[iid].units == (unit,)
    with pytest.raises(InvalidCommand, match="list"):
        c.request("assign", {"incident_id": iid, "units": unit})


# ---------------------------------------------------------------------------- typed errors


def test_typed_errors(server_running: RunningServer) -> None:
    rs = server_running
    c = rs.client("lead")
    with pytest.raises(NotFound):
        c.execute(cmd.AddNote("E999999", "x"))
    iid = report(rs, c)
    version = rs.state.incidents[iid].version
    c.execute(cmd.AddNote(iid, "first"), expected_version=version)
    with pytest.raises(Stale):
        c.execute(cmd.AddNote(iid, "second"), expected_version=version)
    with pytest.raises(InvalidCommand):
        c.execute(cmd.Respond(iid, "done"))  # not acknowledged yet
    wall = rs.client("wall")
    with pytest.raises(Forbidden):
        wall.execute(cmd.AddNote(iid, "walls do not write"))
    disp = rs.client("disp")
    assert disp.login_info is not None
    other = next(code for code in (r.code for r in rs.server.engine.city.grids())
                 if not code.startswith(disp.login_info.scope))
    with pytest.raises(Forbidden):
        report(rs, disp, prefix=other[:6])


def test_retried_command_is_applied_once(server_running: RunningServer) -> None:
    rs = server_running
    c = rs.client()
    lon, lat, _ = point_in(rs)
    cid = uuid.uuid4().hex
    command = cmd.ReportIncident("hotline", a_class(rs), lon, lat, "重复提交")
    first = c.execute(command, command_id=cid)
    again = c.execute(command, command_id=cid)
    assert again.seq == first.seq
    assert again.result == first.result
    # the reply cache is gone (as after a restart): the engine still knows the id
    rs.server.replies.clear()
    third = c.execute(command, command_id=cid)
    assert third.seq == first.seq
    assert third.result["incident_id"] == first.result["incident_id"]
    store = rs.server.store
    assert store is not None
    assert sum(1 for e in store.read() if e.command_id == cid) == 1
    assert rs.server.stats.replayed >= 1
    assert rs.server.stats.duplicates >= 1


def test_reused_id_with_other_content_is_refused_after_the_reply_cache(
        server_running: RunningServer) -> None:
    """The engine keeps the server's digest of each command id: once the reply is no longer
    cached, a reused id with other content is still refused, and nothing is applied."""
    rs = server_running
    c = rs.client()
    lon, lat, _ = point_in(rs)
    cid = uuid.uuid4().hex
    c.execute(cmd.ReportIncident("hotline", a_class(rs), lon, lat, "第一件事"), command_id=cid)
    rs.server.replies.clear()
    with pytest.raises(Conflict, match="already used"):
        c.execute(cmd.ReportIncident("hotline", a_class(rs), lon, lat, "另一件事"),
                  command_id=cid)
    assert not [i for i in rs.state.incidents.values() if i.description == "另一件事"]


def test_two_dispatchers_assign_the_same_unit(server_running: RunningServer) -> None:
    rs = server_running
    lead = rs.client("lead")
    a, b = report(rs, lead, index=1), report(rs, lead, index=2)
    dept = rs.server.engine.catalogue.lead_department_of(rs.state.incidents[a].class_code)
    unit = sorted(u.id for u in rs.state.units.values()
                  if u.department == dept and u.status == UnitStatus.AVAILABLE)[0]
    clients = [rs.client("lead", workstation=f"ws-{i}") for i in (1, 2)]
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def go(client: CommandClient, iid: str) -> None:
        barrier.wait()
        try:
            results[iid] = client.execute(cmd.AssignUnits(iid, (unit,)))
        except Exception as exc:  # noqa: BLE001 - a boundary: report, never die
            results[iid] = exc

    threads = [threading.Thread(target=go, args=(cl, iid))
               for cl, iid in zip(clients, (a, b), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["Conflict", "Reply"]
    winner = next(iid for iid, r in results.items() if not isinstance(r, Exception))
    assert rs.state.units[unit].incident_id == winner
    assert isinstance(next(r for r in results.values() if isinstance(r, Exception)), Conflict)


def test_unreachable_server_gives_unavailable() -> None:
    c = CommandClient("tcp://127.0.0.1:9", timeout_s=0.2, retries=2)
    with pytest.raises(Unavailable, match="after 2 tries"):
        c.request("ping")
    assert c.reconnects == 2
    c.close()


# ---------------------------------------------------------------------------------- queries


def test_recommend_and_duplicates(server_running: RunningServer) -> None:
    rs = server_running
    c = rs.client()
    iid = report(rs, c, index=3)
    twin = report(rs, c, index=3)
    rec = c.query("recommend", incident_id=iid, limit=5)
    assert rec["incident_id"] == iid
    assert 0 < len(rec["units"]) <= 5
    assert {"unit_id", "distance_m", "status", "capable"} <= set(rec["units"][0])
    dup = c.query("duplicates", incident_id=twin)
    assert [d["incident_id"] for d in dup["incidents"]] == [iid]
    with pytest.raises(InvalidCommand):
        c.query("duplicates", radius_m=5.0)
    with pytest.raises(NotFound):
        c.query("recommend", incident_id="E424242")


def test_history_pages_and_scope(server_running: RunningServer) -> None:
    rs = server_running
    lead = rs.client("lead")
    disp = rs.client("disp")
    assert disp.login_info is not None
    scope = disp.login_info.scope
    mine = [report(rs, lead, prefix=scope, index=i) for i in range(3)]
    other_district = next(r.code for r in rs.server.engine.city.grids()
                          if not r.code.startswith(scope))[:6]
    theirs = [report(rs, lead, prefix=other_district, index=i) for i in range(3)]
    everything = lead.history()
    assert [e["seq"] for e in everything] == list(range(1, rs.state.seq + 1))
    page = lead.query("history", after_seq=0, limit=100)
    assert len(page["events"]) == 100
    assert page["more"] is True
    assert page["next_after_seq"] == 100
    seen = {e["data"].get("incident_id") for e in disp.history()}
    assert set(mine) <= seen
    assert not set(theirs) & seen
    one = lead.history(incident_id=mine[0])
    assert [e["kind"] for e in one] == ["incident.reported"]
    with pytest.raises(InvalidCommand):
        lead.query("history", after_seq=-1)
    wall = rs.client("wall")
    assert len(wall.history(after_seq=rs.state.seq - 2)) == 2


def test_logins_and_queries_are_audited(server_running: RunningServer) -> None:
    import time

    from dispatch.adapters.security.operators import read_audit

    rs = server_running
    c = rs.client("lead", workstation="ws-audit")
    iid = report(rs, c)
    c.query("recommend", incident_id=iid)
    c.history(incident_id=iid)
    store = rs.server.store
    assert store is not None
    deadline = time.monotonic() + 5
    actions: list[str] = []
    while time.monotonic() < deadline:
        entries = [e for e in read_audit(store.engine, operator="lead")
                   if e.workstation == "ws-audit"]
        actions = [e.action for e in entries]
        if {"login", "query", "history"} <= set(actions):
            break
        time.sleep(0.05)
    assert {"login", "query", "history"} <= set(actions)
    events = c.history(incident_id=iid)
    assert events[0]["operator"] == "lead"
    assert events[0]["workstation"] == "ws-audit"


def test_city_query_gives_the_city(server_running: RunningServer) -> None:
    from dispatch.adapters.geojson_io.load import import_geojson

    rs = server_running
    wall = rs.client("wall")
    city = import_geojson(wall.city_geojson())
    assert city.code == rs.server.engine.city.code
    assert set(city.regions) == set(rs.server.engine.city.regions)
    assert not city.units
    assert not city.parts
    assert wall.query("city")["name"] == rs.server.engine.city.name  # cached the second time
    full = import_geojson(wall.city_geojson(assets=True))
    assert set(full.parts) == set(rs.server.engine.city.parts)
    assert full.units


@contextlib.contextmanager
def bound_server(tmp_path: Any, catalogue: Any, demo_city: Any) -> Iterator[Any]:
    """A server bound on loopback whose loop the test drives by hand."""
    from dispatch.adapters.server.server import open_server
    from tests.integration.conftest import server_settings

    srv = open_server(server_settings(tmp_path, f"sqlite:///{tmp_path / 's.sqlite'}"),
                      catalogue=catalogue, city=demo_city)
    srv.bind()
    try:
        yield srv
    finally:
        srv.stop()
        srv.shutdown()


def session_of(srv: Any, user: str) -> str:
    op = srv.operators.get(user)
    assert op is not None
    return str(srv.sessions.open(op, "ws-test"))


def dealers(srv: Any, n: int) -> list[zmq.Socket[bytes]]:
    out: list[zmq.Socket[bytes]] = [zmq.Context.instance().socket(zmq.DEALER)
                                    for _ in range(n)]
    for s in out:
        s.setsockopt(zmq.LINGER, 0)
        s.connect(srv.endpoints.command)
    return out


def received(srv: Any, n: int) -> list[list[zmq.Frame]]:
    """The next ``n`` requests on the server's command socket, each waited for: handed to
    ``srv.batcher.run`` together they are one batch by construction."""
    out: list[list[zmq.Frame]] = []
    for _ in range(n):
        assert srv.cmd.poll(5000), "the commands did not arrive"
        out.append(srv.cmd.recv_multipart(copy=False))
    return out


def test_a_report_does_not_wait_for_a_bulk_position_report_of_its_batch(
        tmp_path: Any, catalogue: Any, demo_city: Any) -> None:
    """Commands received together are stored in one transaction, but each reply waits only
    for the records its own command changed: the report is answered after publishing its
    incident, while the units of the position report in the same batch are still queued."""
    from dispatch.adapters.protocol.messages import Request

    with bound_server(tmp_path, catalogue, demo_city) as srv:
        field_token, lead_token = session_of(srv, "field"), session_of(srv, "lead")
        units = sorted(srv.engine.state.units.values(), key=lambda u: u.id)
        assert len(units) > 64  # more than one publishing chunk
        bulk, single = dealers(srv, 2)
        bulk.send_multipart([b"", Request(id="bulk-1", type="positions", session=field_token,
                                          expected_version=None,
                                          args={"rows": [[u.id, u.lon, u.lat + 1e-5]
                                                         for u in units]}).to_json()])
        grid = sorted(r.code for r in demo_city.grids())[0]
        p = demo_city.regions[grid].geometry.representative_point()
        single.send_multipart([b"", Request(
            id="report-1", type="report", session=lead_token, expected_version=None,
            args={"source": "hotline", "class_code": next(iter(catalogue.minors)),
                  "lon": p.x, "lat": p.y, "description": "井盖缺失"}).to_json()])
        srv.batcher.run(received(srv, 2))
        assert (srv.stats.requests, srv.stats.batches) == (2, 1)
        srv.publish_some(0.0)  # one chunk of records: the smallest waiting reply's first
        assert single.poll(2000), "the report was not answered after its own record"
        reply = parse_reply(single.recv_multipart()[-1])
        assert reply.ok
        assert reply.result["incident_id"]
        assert bulk.poll(0) == 0, "the position report's units were not all published yet"
        while srv.publishing:
            srv.publish_some(1.0)
        assert bulk.poll(2000)
        assert parse_reply(bulk.recv_multipart()[-1]).ok
        for s in (bulk, single):
            s.close()


def test_overlapping_position_reports_publish_each_unit_once_and_answer_both(
        tmp_path: Any, catalogue: Any, demo_city: Any) -> None:
    """Two position reports stored in one batch share most of their units: every changed
    unit goes out on the feed exactly once (encoded from the state after both), and each
    report is answered only once all of its own units are out, the smaller one first."""
    from dispatch.adapters.protocol.messages import Request
    from dispatch.adapters.protocol.records import key_kind

    with bound_server(tmp_path, catalogue, demo_city) as srv:
        token = session_of(srv, "field")
        sub: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect(srv.endpoints.update)
        deadline = time.monotonic() + 5
        while not srv.stats.feed_accepted and time.monotonic() < deadline:
            if srv.pub.poll(100):  # the subscription message has arrived
                srv.handle_subscriptions()
        units = sorted(srv.engine.state.units.values(), key=lambda u: u.id)
        assert len(units) > 3 * 64
        big_rows = [[u.id, u.lon, u.lat + 1e-5] for u in units]
        small_rows = [[u.id, u.lon + 2e-5, u.lat] for u in units[100:140]]
        big, small = dealers(srv, 2)
        for sock, rid, rows in ((big, "big", big_rows), (small, "small", small_rows)):
            sock.send_multipart([b"", Request(id=rid, type="positions", session=token,
                                              expected_version=None,
                                              args={"rows": rows}).to_json()])
        srv.batcher.run(received(srv, 2))
        assert srv.stats.batches == 1
        answered: list[str] = []  # in the order the server sends the replies
        send = srv.outbox.send

        def record(envelope: list[bytes], reply: bytes) -> None:
            answered.append(str(parse_reply(reply).id))
            send(envelope, reply)

        srv.outbox.send = record
        while srv.publishing:
            srv.publish_some(0.0)
        for sock in (big, small):  # both arrive, both ok
            assert sock.poll(2000)
            assert parse_reply(sock.recv_multipart()[-1]).ok
        assert answered == ["small", "big"]
        assert srv.backlog == 0
        seen: dict[str, bytes] = {}
        while sub.poll(500):
            frames = sub.recv_multipart()
            if frames[0] == b"HUGZ":
                continue
            _kind, uid = key_kind(frames[0].decode())
            assert uid not in seen, f"{uid} published twice"
            seen[uid] = frames[4]
        assert set(seen) == {u.id for u in units}
        state = srv.engine.state
        assert all(orjson.loads(seen[u.id])["lon"] == state.units[u.id].lon for u in units)
        for s in (big, small, sub):
            s.close()
