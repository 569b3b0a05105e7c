"""The state feed of a live server: CHP framing on the wire, snapshots by region subtree,
scope enforcement, live mirrors equal to the server's state, deletes after retention, the
mirror's own recovery when the server goes away and comes back, and the server clock."""

from __future__ import annotations

import json
import struct
import time
from dataclasses import dataclass
from typing import Any

import zmq

from dispatch.adapters.client import MirrorStatus, StateMirror
from dispatch.adapters.protocol.chp import (
    ICANHAZ,
    KTHXBAI,
    KVMsg,
    decode_kv,
    decode_props,
    is_error_key,
    is_status_key,
)
from dispatch.adapters.protocol.records import key_kind, scope_subtree
from dispatch.domain import commands as cmd
from dispatch.domain.status import IncidentStatus, UnitStatus
from tests.integration.conftest import HUGZ_S, RunningServer, mirror_matches, settle
from tests.integration.test_server_commands import point_in, report


@dataclass
class SnapshotEnd:
    """``KTHXBAI`` and what the reserved keys before it said (status or error), as props."""

    msg: KVMsg
    props: dict[str, Any]

    @property
    def body(self) -> bytes:
        return self.msg.body


def raw_snapshot(rs: RunningServer, subtree: str, token: str) -> tuple[list[Any], SnapshotEnd]:
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(rs.endpoints.snapshot)
    sock.send_multipart([ICANHAZ, subtree.encode(), token.encode()])
    records: list[Any] = []
    meta: dict[str, Any] = {}
    top = 0
    try:
        while sock.poll(3000):
            msg = decode_kv(sock.recv_multipart())
            if msg.key == KTHXBAI.decode():
                assert not msg.props, "KTHXBAI as RFC 12 writes it"
                assert msg.seq == top, "KTHXBAI as RFC 12 writes it"
                return records, SnapshotEnd(msg, meta)
            top = max(top, msg.seq)
            if is_status_key(msg.key.encode()) or is_error_key(msg.key.encode()):
                meta.update(json.loads(msg.body))
            else:
                records.append(msg)
        raise AssertionError("no KTHXBAI")
    finally:
        sock.close()


def test_chp_frames_on_the_wire(server_running: RunningServer) -> None:
    rs = server_running
    lead = rs.client("lead")
    raw_snapshot(rs, "", lead.session)  # the whole city is watched: its status follows HUGZ
    sub: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.connect(rs.endpoints.update)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    assert sub.poll(2000), "the server answers a subscription with HUGZ"
    hugz = sub.recv_multipart()
    assert hugz == [b"HUGZ", bytes(8), b"", b"", b""], "HUGZ exactly as RFC 12 writes it"
    status = None
    while status is None and sub.poll(2000):
        f = sub.recv_multipart()
        if f[0] == b"/.status":
            status = f
    assert status is not None
    assert status[2] == status[3] == b""
    props = json.loads(status[4])
    assert {"run", "now", "speed", "ev", "n"} <= set(props)
    iid = report(rs, lead)
    frames = None
    while sub.poll(2000):
        f = sub.recv_multipart()
        if f[0] != b"HUGZ" and not is_status_key(f[0]):
            frames = f
            break
    assert frames is not None
    assert len(frames) == 5
    key, seq_b, uuid, props_b, body = frames
    assert key_kind(key.decode()) == ("inc", iid)
    assert key.decode().startswith(scope_subtree(rs.state.incidents[iid].grid))
    seq = struct.unpack(">Q", seq_b)[0]
    assert len(uuid) == 16
    assert uuid[8:] == seq_b
    p = decode_props(props_b)
    assert int(p["ev"]) == rs.state.incidents[iid].version
    assert len(p["n"].split(",")) == 5
    assert json.loads(body)["id"] == iid
    # heartbeats keep coming when idle, at least once per interval
    t0 = time.monotonic()
    beats = 0
    while time.monotonic() - t0 < 4 * HUGZ_S:
        if sub.poll(100) and sub.recv_multipart()[0] == b"HUGZ":
            beats += 1
    assert beats >= 2
    seqs: list[int] = []
    lead.execute(cmd.AddNote(iid, "a"))
    lead.execute(cmd.AddNote(iid, "b"))
    deadline = time.monotonic() + 3
    while len(seqs) < 2 and time.monotonic() < deadline:
        if sub.poll(100):
            f = sub.recv_multipart()
            if f[0] != b"HUGZ" and not is_status_key(f[0]):
                seqs.append(struct.unpack(">Q", f[1])[0])
    assert len(seqs) == 2
    assert seqs[1] == seqs[0] + 1
    assert seqs[0] > seq
    sub.close()


def test_snapshot_of_a_district(server_running: RunningServer) -> None:
    rs = server_running
    lead = rs.client("lead")
    disp = rs.client("disp")
    assert disp.login_info is not None
    subtree = disp.login_info.subtree
    report(rs, lead, prefix=disp.login_info.scope)
    other = next(r.code for r in rs.server.engine.city.grids()
                 if not r.code.startswith(disp.login_info.scope))[:6]
    report(rs, lead, prefix=other)
    records, end = raw_snapshot(rs, subtree, disp.session)
    assert records
    assert all(r.key.startswith(subtree) for r in records)
    assert end.body.decode() == subtree
    assert int(end.props["count"]) == len(records)
    assert int(end.props["ev"]) == rs.state.seq
    units = [r for r in records if key_kind(r.key)[0] == "unit"]
    assert len(units) == sum(1 for u in rs.state.units.values()
                             if u.home_grid.startswith(disp.login_info.scope))
    # the whole city, or another district, is outside the dispatcher's scope
    for bad in ("", f"/{other}/"):
        records, end = raw_snapshot(rs, bad, disp.session)
        assert records == []
        assert end.props["error"] == "forbidden"
    records, end = raw_snapshot(rs, subtree, "not-a-session")
    assert end.props["error"] == "forbidden"
    assert end.props.get("relogin") is True
    records, end = raw_snapshot(rs, "/3205/", lead.session)
    assert end.props["error"] == "invalid"


def test_mirrors_follow_the_server(server_running: RunningServer) -> None:
    rs = server_running
    lead = rs.client("lead")
    city = rs.mirror("lead")
    district = rs.mirror("disp")
    assert city.status() == MirrorStatus.LIVE
    assert city.subtree == ""
    scope = district.subtree
    changed: set[str] = set()
    districts = sorted({r.code[:6] for r in rs.server.engine.city.grids()})
    for i in range(12):
        iid = report(rs, lead, prefix=districts[i % len(districts)], index=i)
        if i % 3 == 0:
            lead.execute(cmd.CancelIncident(iid, "误报"))
        elif i % 2:
            inc = rs.state.incidents[iid]
            dept = rs.server.engine.catalogue.lead_department_of(inc.class_code)
            unit = next((u.id for u in rs.state.units.values()
                         if u.department == dept and u.status == UnitStatus.AVAILABLE), None)
            if unit:
                lead.execute(cmd.AssignUnits(iid, (unit,)))
        changed |= city.run_once(0).incidents
    uid = next(iter(rs.state.units))
    lead.execute(cmd.ReportPositions(((uid, 120.6, 31.3),)))
    settle(city, rs.server)
    settle(district, rs.server)
    mirror_matches(city, rs.server)
    mirror_matches(district, rs.server, scope)
    assert district.state.incidents
    assert len(district.state.incidents) < len(city.state.incidents)
    assert city.state.units[uid].lon == 120.6
    assert city.info().updates > 0
    assert city.info().gaps == 0
    assert city.state.seq == rs.state.seq


def test_closed_incidents_leave_the_feed_after_retention(server_factory: Any) -> None:
    rs = server_factory(closed_retention_h=0.0)
    lead = rs.client("lead")
    keep = report(rs, lead, index=1)
    gone = report(rs, lead, index=2)
    m = rs.mirror("lead")
    assert {keep, gone} <= set(m.state.incidents)
    lead.execute(cmd.CancelIncident(gone, "重复上报"))
    deadline = time.monotonic() + 5
    seen_cancelled = False
    while time.monotonic() < deadline and (gone in m.state.incidents or not seen_cancelled):
        m.run_once(50)
        inc = m.state.incidents.get(gone)
        seen_cancelled |= inc is not None and inc.status == IncidentStatus.CANCELLED
    assert seen_cancelled, "consoles see the incident cancelled before it leaves"
    assert gone not in m.state.incidents
    assert keep in m.state.incidents
    assert gone not in rs.state.incidents
    assert rs.state.archived == 1
    records, _ = raw_snapshot(rs, "", lead.session)
    assert all(key_kind(r.key) != ("inc", gone) for r in records)
    kinds = [e["kind"] for e in lead.history(incident_id=gone)]
    assert kinds[-1] == "incident.cancelled"  # the history keeps it
    settle(m, rs.server)
    mirror_matches(m, rs.server)


def test_mirror_recovers_when_the_server_restarts(server_factory: Any, tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'restart.sqlite'}"
    rs = server_factory(url)
    lead = rs.client("lead")
    report(rs, lead)
    m = rs.mirror("lead")
    ports = [int(e.rsplit(":", 1)[1]) for e in (rs.endpoints.command, rs.endpoints.snapshot,
                                                 rs.endpoints.update)]
    rs.stop()
    deadline = time.monotonic() + 3
    while m.status() == MirrorStatus.LIVE and time.monotonic() < deadline:
        m.run_once(50)
    assert m.status() in (MirrorStatus.DISCONNECTED, MirrorStatus.SYNCING)
    rs2 = server_factory(url, command_port=ports[0], snapshot_port=ports[1],
                         update_port=ports[2])
    lead2 = rs2.client("lead")
    iid = report(rs2, lead2, index=5)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and iid not in m.state.incidents:
        m.run_once(50)
    assert m.live
    assert m.resyncs >= 1
    settle(m, rs2.server)
    mirror_matches(m, rs2.server)


def test_mirror_that_falls_behind_resyncs(server_running: RunningServer) -> None:
    """A mirror whose held counter disagrees with the heartbeat (lost updates) resyncs."""
    rs = server_running
    lead = rs.client("lead")
    m = rs.mirror("lead")
    m.counter -= 1  # as if one update had been lost
    iid = report(rs, lead)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (m.resyncs == 0 or not m.live):
        m.run_once(50)
    assert m.gaps >= 1
    assert m.resyncs >= 1
    assert m.live
    settle(m, rs.server)
    assert iid in m.state.incidents
    mirror_matches(m, rs.server)


def test_secure_feed_refuses_out_of_scope_subscriptions(server_factory: Any) -> None:
    rs = server_factory(insecure=False)
    lead = rs.client("lead", key="simulator")  # another workstation key
    disp = rs.client("disp")
    assert disp.login_info is not None
    curve = rs.curve()
    assert curve is not None
    m = rs.mirror("disp")
    assert m.live
    assert m.subtree == disp.login_info.subtree
    sneaky: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.SUB)
    sneaky.setsockopt(zmq.LINGER, 0)
    curve.apply(sneaky)
    sneaky.connect(rs.endpoints.update)
    before = rs.server.stats.feed_refused
    sneaky.setsockopt(zmq.SUBSCRIBE, b"/")
    deadline = time.monotonic() + 5  # the server has decided the subscription
    while rs.server.stats.feed_refused <= before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert rs.server.stats.feed_refused > before
    other = next(r.code for r in rs.server.engine.city.grids()
                 if not r.code.startswith(disp.login_info.scope))[:6]
    report(rs, lead, prefix=other)
    report(rs, lead, prefix=disp.login_info.scope)
    settle(m, rs.server)  # the operator's own mirror has both updates' successor: all sent
    assert not sneaky.poll(300), "a subscription wider than the operator's region gets nothing"
    sneaky.close()
    mirror_matches(m, rs.server, m.subtree)


def test_clock_raises_limits_and_applies_rules(server_running: RunningServer) -> None:
    rs = server_running
    lead = rs.client("lead")
    iid = report(rs, lead)
    inc = rs.state.incidents[iid]
    dept = rs.server.engine.catalogue.lead_department_of(inc.class_code)
    unit = next(u.id for u in rs.state.units.values()
                if u.department == dept and u.status == UnitStatus.AVAILABLE)
    lead.execute(cmd.AssignUnits(iid, (unit,)))
    m = rs.mirror("lead")
    ack_due = rs.state.incidents[iid].ack_due
    assert ack_due is not None
    rs.server.clock.rebase(ack_due + 1)  # jump past the acknowledgement limit
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not m.state.incidents[iid].supervised:
        m.run_once(50)
    mine = m.state.incidents[iid]
    assert ("acknowledge", "overdue") in mine.clock
    assert mine.supervised
    events = lead.history(incident_id=iid)
    system = [e for e in events if e["operator"] == "system"]
    assert [e["kind"] for e in system] == ["incident.clock", "incident.supervised"]
    assert all(e["command_id"].startswith(("clock:", "auto:")) for e in system)
    assert rs.server.stats.clock_actions >= 2


def test_scaled_clock_runs_fast(server_factory: Any) -> None:
    rs = server_factory(time_speed=600.0)
    c = rs.client("lead")
    t0 = c.query("ping")
    w0 = time.monotonic()
    while time.monotonic() - w0 < 0.2:  # a fifth of a second of wall time
        t1 = c.query("ping")
    w1 = time.monotonic()
    assert float(t1["speed"]) == 600.0
    # engine time ran 600 times faster than the wall clock between the two answers
    assert 0.8 * 600 * 0.2 <= float(t1["now"]) - float(t0["now"]) <= 600 * (w1 - w0) + 60
    m = rs.mirror("lead")
    st = m.server_time()
    assert st is not None
    assert abs(st - rs.server.engine.clock()) < 120


def test_mirror_in_a_worker_thread(server_running: RunningServer) -> None:
    """The console runs the mirror in its own thread and hands batched ids to the GUI."""
    import queue
    import threading

    rs = server_running
    lead = rs.client("lead")
    out: queue.Queue[Any] = queue.Queue()
    stop = threading.Event()
    m = StateMirror(rs.endpoints.snapshot, rs.endpoints.update, subtree="",
                    token=lead.session, hugz_interval_s=HUGZ_S)

    def work() -> None:
        m.start()
        while not stop.is_set():
            ch = m.run_once(50)
            if ch:
                out.put(ch)
        m.close()

    t = threading.Thread(target=work)
    t.start()
    try:
        first = out.get(timeout=5)
        assert first.resynced
        assert first.units
        iid = report(rs, lead, index=7)
        seen: set[str] = set()
        deadline = time.monotonic() + 5
        while iid not in seen and time.monotonic() < deadline:
            seen |= out.get(timeout=5).incidents
        assert iid in seen
    finally:
        stop.set()
        t.join(5)


def test_point_helper_is_inside_the_city(server_running: RunningServer) -> None:
    lon, lat, code = point_in(server_running)
    assert server_running.server.engine.locate(lon, lat) == code
