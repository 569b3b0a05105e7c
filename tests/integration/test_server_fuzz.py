"""Thousands of malformed messages at a live server: garbage frames, broken JSON, wrong types,
unknown commands and arguments, random snapshot requests and subscriptions, oversized
messages. The server must answer or count each one, never crash and never fail internally,
and still serve snapshots equal to its state."""

from __future__ import annotations

import json
from typing import Any

import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch import commands as cmd
from dispatch.commands import COMMAND_TYPES
from dispatch.protocol.chp import ICANHAZ
from dispatch.protocol.messages import MAX_MESSAGE_BYTES, QUERY_TYPES, _fields
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
    names = [n for n, _, _ in _fields(COMMAND_TYPES[rtype])] if rtype in COMMAND_TYPES else \
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
    subtrees = st.sampled_from(["", "/320508/", "/320571/001/", "/x/", "/320508", "//", "/3/"])
    return st.one_of(
        st.lists(st.binary(max_size=30), min_size=1, max_size=4),
        st.builds(lambda s, t: [ICANHAZ, s.encode(), t.encode()], subtrees,
                  st.sampled_from([*tokens, "", "x" * 200])),
        st.builds(lambda s: [ICANHAZ, s], st.binary(max_size=300)),
    )


class Attack:
    def __init__(self, rs: RunningServer) -> None:
        ctx = zmq.Context.instance()
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
    big = zmq.Context.instance().socket(zmq.DEALER)
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
