"""Thousands of malformed messages at a live server: garbage frames, broken JSON, wrong types,
unknown commands and arguments, random snapshot requests and subscriptions, oversized
messages. The server must answer or count each one, never crash and never fail internally,
and still serve snapshots equal to its state."""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.adapters.protocol.chp import ICANHAZ
from dispatch.adapters.protocol.messages import MAX_MESSAGE_BYTES, QUERY_TYPES
from dispatch.domain import commands as cmd
from dispatch.domain.commands import COMMAND_TYPES
from tests.integration.conftest import RunningServer, mirror_matches, settle
from tests.integration.test_server_commands import report

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=8)
TYPES = sorted(COMMAND_TYPES) + sorted(QUERY_TYPES)


@st.composite
def typed_request(draw: Any, tokens: list[str]) -> bytes:
    """A request with a real type and that type's argument names, random values."""
    rtype = draw(st.sampled_from(TYPES))
    names = [f.name for f in dataclasses.fields(COMMAND_TYPES[rtype])] if rtype in COMMAND_TYPES else \
        ["incident_id", "after_seq", "limit", "user", "password", "lon", "lat", "class_code"]
    args = draw(st.dictionaries(st.sampled_from([*names, "bogus"]), JSON, max_size=len(names)))
    d: dict[str, Any] = {"id": draw(st.text(min_size=1, max_size=70)), "type": rtype,
                         "session": draw(st.sampled_from([*tokens, "", "nope"])), "args": args}
    if draw(st.booleans()):
        d["expected_version"] = draw(JSON)
    return json.dumps(d).encode()


def envelope_garbage() -> Any:
    return st.one_of(
        st.lists(st.binary(max_size=40), min_size=0, max_size=5),  # raw frames
        st.builds(lambda b: [b"", b], st.binary(max_size=200)),  # non-JSON payload
        st.builds(lambda v: [b"", json.dumps(v).encode()], JSON),  # JSON, not a request
    )


def snapshot_garbage(tokens: list[str]) -> Any:
    subtrees = st.sampled_from(["", "/320508/", "/320505/001/", "/x/", "/320508", "//", "/3/"])
    return st.one_of(
        st.lists(st.binary(max_size=30), min_size=1, max_size=4),
        st.builds(lambda s, t: [ICANHAZ, s.encode(), t.encode()], subtrees,
                  st.sampled_from([*tokens, "", "x" * 200])),
        st.builds(lambda s: [ICANHAZ, s], st.binary(max_size=300)),
    )


class Attack:
    def __init__(self, rs: RunningServer) -> None:
        ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context.instance()
        self.cmd = ctx.socket(zmq.DEALER)
        self.snap = ctx.socket(zmq.DEALER)
        self.sub = ctx.socket(zmq.SUB)
        for s in (self.cmd, self.snap, self.sub):
            s.setsockopt(zmq.LINGER, 0)
            s.setsockopt(zmq.RCVHWM, 0)
        self.cmd.connect(rs.endpoints.command)
        self.snap.connect(rs.endpoints.snapshot)
        self.sub.connect(rs.endpoints.update)
        self.sent = 0
        self.sent_cmds = 0

    def drain(self) -> None:
        for s in (self.cmd, self.snap, self.sub):
            while s.poll(0):
                s.recv_multipart()

    def close(self) -> None:
        for s in (self.cmd, self.snap, self.sub):
            s.close()


def test_fuzzed_server_keeps_serving(server_factory: Any) -> None:
    rs = server_factory()
    lead, admin = rs.client("lead"), rs.client("admin")
    for i in range(5):
        report(rs, lead, index=i)
    watcher = rs.mirror("lead")
    tokens = [lead.session, admin.session]
    attack = Attack(rs)

    @settings(max_examples=250, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(cmds=st.lists(st.one_of(envelope_garbage(), typed_request(tokens).map(
               lambda b: [b"", b])), min_size=5, max_size=40),
           snaps=st.lists(snapshot_garbage(tokens), max_size=4),
           topics=st.lists(st.binary(max_size=12), max_size=3))
    def fuzz(cmds: list[list[bytes]], snaps: list[list[bytes]], topics: list[bytes]) -> None:
        for frames in cmds:
            attack.cmd.send_multipart(frames) if frames else attack.cmd.send(b"")
        for frames in snaps:
            attack.snap.send_multipart(frames)
        for t in topics:
            attack.sub.setsockopt(zmq.SUBSCRIBE, t)
        attack.sent += len(cmds) + len(snaps)
        attack.sent_cmds += len(cmds)
        attack.drain()
        watcher.run_once(0)

    fuzz()
    # oversized: refused by the socket (MAXMSGSIZE) and never reaches the loop
    big: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.DEALER)
    big.setsockopt(zmq.LINGER, 0)
    big.connect(rs.endpoints.command)
    big.send_multipart([b"", b"{" + b" " * (MAX_MESSAGE_BYTES + 10) + b"}"])
    big.close()
    # a ping behind the garbage on the same connection: once answered, all of it was read
    attack.cmd.send_multipart([b"", b'{"id": "last", "type": "ping"}'])
    answered = False
    while not answered and attack.cmd.poll(5000):
        answered = json.loads(attack.cmd.recv_multipart()[-1]).get("id") == "last"
    assert answered
    # the same on the snapshot connection: every ICANHAZ? is answered, so once the probe's
    # KTHXBAI is back, every snapshot request before it was read (it was not, sometimes, when
    # the counters below were read: the flake seen in review)
    attack.snap.send_multipart([ICANHAZ, b"/probe/"])
    probed = False
    while not probed and attack.snap.poll(5000):
        frames = attack.snap.recv_multipart()
        probed = frames[0] == b"KTHXBAI" and frames[-1] == b"/probe/"
    assert probed
    attack.close()

    stats = rs.server.stats
    assert attack.sent >= 1000
    assert rs.thread.is_alive()
    assert stats.internal_errors == 0, "a malformed request reached a code path that crashed"
    assert stats.requests >= attack.sent_cmds > 1000
    assert stats.malformed > 500
    assert rs.server.snapshots.stats.malformed + rs.server.snapshots.stats.refused > 10
    # still serving: a command, the long-lived mirror, a new mirror
    iid = report(rs, lead, index=9)
    lead.execute(cmd.AddNote(iid, "还活着"))
    settle(watcher, rs.server, timeout=10)
    mirror_matches(watcher, rs.server)
    fresh = rs.mirror("lead")
    settle(fresh, rs.server)
    mirror_matches(fresh, rs.server)
    assert iid in fresh.state.incidents


# ------------------------------------------------------------------------------ input limits

_BAD_CHARS = st.sampled_from([*map(chr, range(0x00, 0x09)), *map(chr, range(0x0B, 0x20)),
                              "\x7f", *map(chr, range(0x80, 0xA0)), "\u061c", "\u200e",
                              "\u200f", *map(chr, range(0x202A, 0x202F)),
                              *map(chr, range(0x2066, 0x206A)), "\u2028", "\u2029"])
_BAD_TEXT = st.builds(lambda a, c, b: a + c + b, st.text(max_size=8), _BAD_CHARS,
                      st.text(max_size=8))
_BAD_IDS = st.one_of(
    st.builds(lambda a, b: f"{a}/{b}", st.text(max_size=8), st.text(max_size=8)),
    st.builds(lambda a, w, b: a + w + b, st.text(max_size=8),
              st.sampled_from([" ", "\t", "\n", "\u3000", "\xa0"]), st.text(max_size=8)),
    _BAD_TEXT.filter(bool),
    st.text(alphabet="abcXYZ019-_", min_size=65, max_size=300),
)


@st.composite
def bad_input(draw: Any, ctx: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A well-formed command whose one bad field must make it ``invalid``."""
    lon, lat, uid = ctx["lon"], ctx["lat"], ctx["uid"]
    x0, _, x1, _ = ctx["bounds"]
    out_lon = draw(st.one_of(st.floats(-180, x0 - 0.06), st.floats(x1 + 0.06, 180)))
    out_lat = draw(st.floats(-90, 90))
    good = {"source": "hotline", "class_code": ctx["class_code"], "lon": lon, "lat": lat,
            "description": "井盖缺失"}
    kind = draw(st.sampled_from(["text", "reporter", "note", "ext", "part", "report_far",
                                 "rows_far", "rows_id", "units", "incident"]))
    if kind == "text":
        return "report", {**good, "description": draw(_BAD_TEXT)}
    if kind == "reporter":
        return "report", {**good, "reporter": draw(_BAD_TEXT)}
    if kind == "note":
        return "note", {"incident_id": ctx["incident_id"], "text": draw(_BAD_TEXT)}
    if kind == "ext":
        return "report", {**good, "external_ref": draw(_BAD_IDS)}
    if kind == "part":
        return "report", {**good, "part_id": draw(_BAD_IDS)}
    if kind == "report_far":
        return "report", {**good, "lon": out_lon, "lat": out_lat}
    if kind == "rows_far":
        return "positions", {"rows": [[uid, lon, lat], [uid, out_lon, out_lat]]}
    if kind == "rows_id":
        return "positions", {"rows": [[draw(_BAD_IDS), lon, lat]]}
    if kind == "units":
        return "assign", {"incident_id": ctx["incident_id"], "units": [draw(_BAD_IDS)]}
    return "note", {"incident_id": draw(_BAD_IDS), "text": "x"}


def test_fuzzed_bad_input_is_refused_and_changes_nothing(server_factory: Any) -> None:
    """Control characters, long or slashed ids, positions outside the city or NaN: every
    such request is answered ``invalid``, the server stays up and its state is unchanged."""
    rs = server_factory()
    lead = rs.client("lead")
    iid = report(rs, lead)
    grid = rs.state.incidents[iid].grid
    p = rs.server.engine.city.regions[grid].geometry.representative_point()
    ctx = {"lon": p.x, "lat": p.y, "uid": next(iter(rs.state.units)), "incident_id": iid,
           "class_code": rs.state.incidents[iid].class_code,
           "bounds": rs.server.engine.city.bounds}
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(rs.endpoints.command)
    seq = rs.state.seq
    counter = iter(range(10**6))

    def ask(rid: str, rtype: str, args: dict[str, Any]) -> dict[str, Any]:
        sock.send_multipart([b"", json.dumps({"id": rid, "type": rtype,
                                              "session": lead.session, "args": args}).encode()])
        assert sock.poll(5000), "the server did not answer"
        return dict(json.loads(sock.recv_multipart()[-1]))

    @settings(max_examples=200, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(request=bad_input(ctx), bad_id=_BAD_IDS,
           nan=st.sampled_from([math.nan, math.inf, -math.inf]))
    def fuzz(request: tuple[str, dict[str, Any]], bad_id: str, nan: float) -> None:
        rtype, args = request
        rid = f"bad-{next(counter)}"
        r = ask(rid, rtype, args)
        assert (r["ok"], r["error"], r["id"]) == (False, "invalid", rid), (rtype, args, r)
        r = ask(bad_id, "ping", {})  # a command id that is not a plain name: not echoed
        assert (r["ok"], r["error"], r["id"]) == (False, "invalid", None)
        r = ask(rid + "n", "positions", {"rows": [[ctx["uid"], nan, ctx["lat"]]]})
        assert (r["ok"], r["error"]) == (False, "invalid")
        assert rs.state.seq == seq

    try:
        fuzz()
        r = ask("still-up", "note", {"incident_id": iid, "text": "还活着"})
        assert r["ok"]
        assert rs.state.seq > seq
    finally:
        sock.close()
    assert rs.thread.is_alive()
    assert rs.server.stats.internal_errors == 0
