"""Callers' phone numbers on real sockets: the dispatcher who takes the call and the shift lead
read it back; the wall screen and the field gateway never receive it — not in the snapshot,
not on the feed, not in the history — and asking for it is refused (and audited)."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import zmq

from dispatch.adapters.protocol.messages import Reply
from dispatch.domain import commands as cmd
from tests.integration.conftest import RunningServer, settle
from tests.security.trust_helpers import audit_actions

PHONE = "13912345678"


class BodySub:
    """A plain SUB socket on the whole feed that keeps every frame it receives."""

    def __init__(self, rs: RunningServer) -> None:
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.SUB)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.SUBSCRIBE, b"")
        self.sock.connect(rs.endpoints.update)
        self.frames: list[bytes] = []

    def pump(self, timeout_ms: int = 50) -> None:
        while self.sock.poll(timeout_ms, zmq.POLLIN):
            self.frames.extend(self.sock.recv_multipart())
            timeout_ms = 0

    def close(self) -> None:
        self.sock.close(0)
        self.ctx.term()


def test_wall_and_field_never_receive_the_phone(
        server_factory: Callable[..., RunningServer]) -> None:
    rs = server_factory()
    sub = BodySub(rs)
    lead = rs.client("lead")
    sub.pump()
    grids = sorted(r.code for r in rs.server.engine.city.grids())
    p = rs.server.engine.city.regions[grids[0]].geometry.representative_point()
    klass = next(iter(rs.server.engine.catalogue.minors))
    reply = lead.execute(cmd.ReportIncident("hotline", klass, p.x, p.y, "燃气泄漏", reporter="李",
                                            phone=PHONE))
    iid = str(reply.result["incident_id"])
    assert rs.state.contacts[iid] == PHONE
    # the field gateway may report with a number, and may not read any back
    field = rs.client("field")
    fid = str(field.execute(cmd.ReportIncident("grid_worker", klass, p.x, p.y, "燃气泄漏",
                                               phone="13800000000")).result["incident_id"])
    wall = rs.client("wall")
    for who in (wall, field):
        r: Reply = who.request("contacts", {"incident_ids": [iid, fid]}, raise_errors=False)
        assert (r.ok, r.error) == (False, "forbidden")
        r = who.request("contacts", {"phone": PHONE}, raise_errors=False)
        assert (r.ok, r.error) == (False, "forbidden")
        history = who.query("history", after_seq=0)
        text = orjson.dumps(history).decode()
        assert PHONE not in text
        assert "13800000000" not in text
        assert "incident.contact" not in text
        assert any(e["data"].get("incident_id") == iid for e in history["events"])
    refused = [a for a in audit_actions(rs, "refused") if "contacts" in a.detail]
    assert {a.operator for a in refused} == {"wall", "field"}  # every refusal audited
    assert not any(PHONE in a.detail for a in refused)
    # nor on the feed, nor in a wall's snapshot (the mirror it builds)
    mirror = rs.mirror("wall")
    settle(mirror, rs.server)
    assert iid in mirror.state.incidents
    assert mirror.state.contacts == {}
    sub.pump(200)
    assert sub.frames, "the feed sent nothing"
    assert not any(PHONE.encode() in f or b"13800000000" in f for f in sub.frames)
    # the dispatcher and the shift lead read them back
    assert lead.query("contacts", incident_ids=[iid, fid])["phones"] == {
        iid: PHONE, fid: "13800000000"}
    assert set(lead.query("contacts", phone="139-1234-5678")["incident_ids"]) == {iid}
    lead_history = orjson.dumps(lead.query("history", after_seq=0)).decode()
    assert PHONE in lead_history
    sub.close()

