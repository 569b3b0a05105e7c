"""A snapshot stream in progress ends when the grant it was served under ends (the key is
revoked, the session closed): the rest is not sent, the client gets a forbidden answer."""

from __future__ import annotations

import json

import zmq

from dispatch.adapters.server.feed import FeedPublisher
from dispatch.adapters.server.snapshots import SnapshotService
from dispatch.domain.roles import Actor, Role
from dispatch.domain.state import DispatchState, UnitState


def test_abort_ends_the_streams_whose_grant_ended() -> None:
    ctx = zmq.Context()
    router, dealer, pub = ctx.socket(zmq.ROUTER), ctx.socket(zmq.DEALER), ctx.socket(zmq.PUB)
    try:
        router.bind("inproc://snap-abort")
        dealer.connect("inproc://snap-abort")
        feed = FeedPublisher(pub, run_id=1)
        state = DispatchState()
        for i in range(50):
            u = UnitState(f"U-{i}", "police", "patrol_car", f"警{i}", "320508001001001",
                          120.6, 31.3)
            state.units[u.id] = u
        feed.load(state)
        lead = Actor("lead", Role.SHIFT_LEAD, workstation="ws-1")
        service = SnapshotService(router, feed, lambda subtree, token, uid: lead,
                                  state_info=lambda: {"ev": 0, "now": "0", "speed": "1"})
        dealer.send_multipart([b"ICANHAZ?", b"", b"token"])
        assert router.poll(2000)
        service.drain()
        assert service.busy  # captured, not yet streamed
        assert service.abort(lambda actor, uid: actor is not lead) == 1
        assert not service.busy
        got = []
        while dealer.poll(500):
            got.append(dealer.recv_multipart())
        keys = [f[0] for f in got]
        assert keys[-1] == b"KTHXBAI"
        assert not [k for k in keys if b"/unit/" in k]  # none of the records
        error = json.loads(next(f[4] for f in got if f[0].endswith(b".error")))
        assert error["error"] == "forbidden"
    finally:
        for s in (router, dealer, pub):
            s.close(0)
        ctx.term()
