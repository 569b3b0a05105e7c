"""The mirror's side of RFC 12 against a scripted CHP server on loopback: subscribe first,
snapshot, drop updates at or below the snapshot, apply the rest in order, resync on a gap, on
a counter mismatch in the subtree's status record, on a new server run and on silence;
refusals; deletes. Also the framing helpers themselves."""

from __future__ import annotations

import struct
import time
from collections.abc import Iterator
from typing import Any

import pytest
import zmq

from dispatch.adapters.client import MirrorStatus, StateMirror
from dispatch.adapters.protocol.chp import (
    ICANHAZ,
    FeedError,
    FeedStatus,
    KVMsg,
    ProtocolError,
    decode_error,
    decode_icanhaz,
    decode_kv,
    decode_props,
    decode_status,
    encode_props,
    hugz_frames,
    kthxbai_frames,
    pack_seq,
    refusal_frames,
    status_frames,
)
from dispatch.adapters.protocol.records import encode_unit
from dispatch.domain.state import UnitState

HUGZ_S = 0.2
RUN = 1_000_000


def unit(uid: str, lon: float = 120.6) -> tuple[str, bytes]:
    return encode_unit(UnitState(uid, "police", "patrol_car", uid, "320508001001001", lon, 31.3))


class FakeServer:
    """A CHP server the test drives by hand (one ROUTER, one XPUB)."""

    def __init__(self, ctx: zmq.Context) -> None:
        self.router = ctx.socket(zmq.ROUTER)
        self.pub = ctx.socket(zmq.XPUB)
        for s in (self.router, self.pub):
            s.setsockopt(zmq.LINGER, 0)
        self.pub.setsockopt(zmq.XPUB_VERBOSE, 1)  # see every subscription, like the server
        self.snap_ep = f"tcp://127.0.0.1:{self.router.bind_to_random_port('tcp://127.0.0.1')}"
        self.pub_ep = f"tcp://127.0.0.1:{self.pub.bind_to_random_port('tcp://127.0.0.1')}"
        self.seq = 100
        self.n = 5
        self.run = RUN

    def subscriptions(self, mirror: StateMirror, want: int = 1) -> list[bytes]:
        got: list[bytes] = []
        end = time.monotonic() + 3
        while len(got) < want and time.monotonic() < end:
            mirror.run_once(10)
            while self.pub.poll(0):
                msg = self.pub.recv()
                if msg[:1] == b"\x01":  # subscriptions only (a closed socket unsubscribes)
                    got.append(msg)
        return got

    def status(self, n: int | None = None, count: int | None = None) -> FeedStatus:
        return FeedStatus(run=self.run, now=1000.0, speed=1.0, ev=7,
                          n=self.n if n is None else n, count=count)

    def hugz(self, subtree: str = "", n: int | None = None) -> None:
        """RFC 12's HUGZ, then the status record of ``subtree`` (counter ``n``)."""
        self.pub.send_multipart(hugz_frames())
        self.pub.send_multipart(status_frames(subtree, self.seq, self.status(n)))

    def update(self, key: str | bytes, body: bytes, *, seq: int | None = None,
               n: int | None = None, ev: int = 7) -> None:
        self.seq = seq if seq is not None else self.seq + 1
        self.n = n if n is not None else self.n + 1
        props = f"ev={ev}\nn={self.n},{self.n},{self.n},{self.n},{self.n}\n".encode()
        key_b = key.encode() if isinstance(key, str) else key
        self.pub.send_multipart([key_b, pack_seq(self.seq), b"", props, body])

    def serve_snapshot(self, mirror: StateMirror, records: list[tuple[str, bytes]],
                       error: dict[str, Any] | None = None) -> tuple[str, str]:
        end = time.monotonic() + 3
        while time.monotonic() < end:
            mirror.run_once(10)
            if self.router.poll(0):
                ident, *frames = self.router.recv_multipart()
                req = decode_icanhaz(frames)
                if error is not None:
                    for f in refusal_frames(req.subtree.encode(), FeedError(**error)):
                        self.router.send_multipart([ident, *f])
                    return req.subtree, req.token
                for key, body in records:
                    self.router.send_multipart([ident, key.encode(), pack_seq(0), b"", b"",
                                                body])
                self.router.send_multipart([ident, *status_frames(
                    req.subtree, self.seq, self.status(count=len(records)))])
                self.router.send_multipart([ident, *kthxbai_frames(self.seq, req.subtree)])
                return req.subtree, req.token
        raise AssertionError("the mirror sent no ICANHAZ?")

    def close(self) -> None:
        self.router.close()
        self.pub.close()


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    f = FakeServer(zmq.Context.instance())
    yield f
    f.close()


def run(mirror: StateMirror, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        mirror.run_once(10)


def sync(fake: FakeServer, mirror: StateMirror, records: list[tuple[str, bytes]]) -> None:
    assert fake.subscriptions(mirror)
    fake.hugz()
    fake.serve_snapshot(mirror, records)
    run(mirror, 0.05)
    assert mirror.live


def test_subscribe_first_then_snapshot(fake: FakeServer) -> None:
    m = StateMirror(fake.snap_ep, fake.pub_ep, subtree="/320508/", token="tok",
                    hugz_interval_s=HUGZ_S)
    m.start()
    subs = fake.subscriptions(m, want=2)
    assert set(subs) == {b"\x01/320508/", b"\x01HUGZ"}
    assert not fake.router.poll(50), "no snapshot request before the feed is confirmed"
    fake.hugz("/320508/")
    subtree, token = fake.serve_snapshot(m, [unit("U-1"), unit("U-2")])
    assert (subtree, token) == ("/320508/", "tok")
    run(m, 0.05)
    assert m.live
    assert set(m.state.units) == {"U-1", "U-2"}
    assert m.counter == 5
    assert m.status() == MirrorStatus.LIVE
    m.close()


def test_updates_at_or_below_the_snapshot_are_dropped(fake: FakeServer) -> None:
    m = StateMirror(fake.snap_ep, fake.pub_ep, token="t", hugz_interval_s=HUGZ_S)
    m.start()
    assert fake.subscriptions(m)
    fake.hugz()
    run(m, 0.05)
    # published while the snapshot is being made: one older, one newer than the snapshot
    key, body = unit("U-1", lon=121.0)
    fake.update(key, body, seq=100, n=5)  # already part of the snapshot below
    fake.seq, fake.n = 100, 5
    changes = m.run_once(50)
    fake.serve_snapshot(m, [unit("U-1")])
    fake.update(*unit("U-1", lon=122.0))  # seq 101, n 6: newer
    run(m, 0.1)
    assert m.live
    assert m.state.units["U-1"].lon == 122.0
    assert m.counter == 6
    assert not changes.resynced
    assert m.gaps == 0
    assert m.resyncs == 0
    m.close()


def test_changes_report_what_moved(fake: FakeServer) -> None:
    m = StateMirror(fake.snap_ep, fake.pub_ep, token="t", hugz_interval_s=HUGZ_S)
    m.start()
    assert fake.subscriptions(m)
    fake.hugz()
    seen = []
    end = time.monotonic() + 3
    fake_records = [unit("U-1"), unit("U-2")]
    while not m.live and time.monotonic() < end:
        seen.append(m.run_once(10))
        if fake.router.poll(0):
            ident, *_frames = fake.router.recv_multipart()
            for k, b in fake_records:
                fake.router.send_multipart([ident, k.encode(), pack_seq(0), b"", b"", b])
            fake.router.send_multipart([ident, *status_frames("", fake.seq, fake.status())])
            fake.router.send_multipart([ident, *kthxbai_frames(fake.seq, "")])
    first = next(c for c in seen if c)
    assert first.resynced
    assert first.units == {"U-1", "U-2"}
    fake.update(*unit("U-2", lon=121.5))
    key, _ = unit("U-1")
    fake.update(key, b"")  # an empty body deletes
    changes = m.run_once(200)
    run(m, 0.05)
    assert not changes.resynced
    assert changes.units <= {"U-1", "U-2"}
    assert "U-1" not in m.state.units
    assert m.state.units["U-2"].lon == 121.5
    m.close()


def test_updates_with_bad_keys_are_counted_and_change_nothing(fake: FakeServer) -> None:
    """A key that is not UTF-8 or not a record's is an error each time it comes (the mirror
    remembers split keys, never failed ones); the feed goes on without a resync."""
    m = StateMirror(fake.snap_ep, fake.pub_ep, token="t", hugz_interval_s=HUGZ_S)
    m.start()
    sync(fake, m, [unit("U-1")])
    key, body = unit("U-2")
    for bad in (b"\xff\xfe/unit/U-2", b"320508/parcel/U-2", b"\xff\xfe/unit/U-2"):
        fake.update(bad, body)
    fake.update(*unit("U-1", lon=121.25))
    fake.update(key, body)
    run(m, 0.1)
    assert m.errors == 3
    assert m.resyncs == 0
    assert m.live
    assert set(m.state.units) == {"U-1", "U-2"}
    assert m.state.units["U-1"].lon == 121.25
    m.close()


def test_gap_triggers_a_resync(fake: FakeServer) -> None:
    m = StateMirror(fake.snap_ep, fake.pub_ep, token="t", hugz_interval_s=HUGZ_S)
    m.start()
    sync(fake, m, [unit("U-1")])
    fake.update(*unit("U-1", lon=121.0))
    fake.update(*unit("U-1", lon=121.5), n=fake.n + 2)  # one update lost on the way
    run(m, 0.1)
    assert m.gaps == 1
    assert m.resyncs == 1
    assert not m.live
    assert m.state.units["U-1"].lon == 121.0, "nothing after the gap is applied"
    assert fake.subscriptions(m)  # new sockets, new subscription
    fake.hugz()
    fake.serve_snapshot(m, [unit("U-1", lon=121.5)])
    run(m, 0.05)
    assert m.live
    assert m.state.units["U-1"].lon == 121.5
    m.close()


def test_heartbeat_with_another_counter_or_run_resyncs(fake: FakeServer) -> None:
    m = StateMirror(fake.snap_ep, fake.pub_ep, subtree="/320508/", token="t",
                    hugz_interval_s=HUGZ_S)
    m.start()
    sync(fake, m, [unit("U-1")])
    fake.hugz("/320508/")
    run(m, 0.05)
    assert m.live
    assert m.resyncs == 0
    fake.hugz("/320508/", n=fake.n + 3)  # the server published updates we never saw
    run(m, 0.05)
    assert m.resyncs == 1
    assert m.gaps == 1
    assert fake.subscriptions(m, want=2)
    fake.hugz()
    fake.serve_snapshot(m, [unit("U-1")])
    run(m, 0.05)
    assert m.live
    fake.run += 1  # a restarted server
    fake.hugz("/320508/")
    run(m, 0.05)
    assert m.resyncs == 2
    assert "restarted" in m.message
    m.close()


def test_heartbeats_without_the_subtree_status_resync(fake: FakeServer) -> None:
    """A restarted server sends HUGZ but no status of a subtree nobody asked it for yet."""
    m = StateMirror(fake.snap_ep, fake.pub_ep, subtree="/320508/", token="t",
                    hugz_interval_s=HUGZ_S)
    m.start()
    sync(fake, m, [unit("U-1")])
    fake.hugz("/320508/001/")  # another subtree's status, and heartbeats: not enough
    end = time.monotonic() + 10 * HUGZ_S
    while m.live and time.monotonic() < end:
        fake.pub.send_multipart(hugz_frames())
        run(m, HUGZ_S / 2)
    assert not m.live
    assert m.resyncs == 1
    assert "no longer reports" in m.message
    m.close()


def test_silence_means_disconnected(fake: FakeServer) -> None:
    m = StateMirror(fake.snap_ep, fake.pub_ep, token="t", hugz_interval_s=HUGZ_S)
    m.start()
    sync(fake, m, [unit("U-1")])
    run(m, 4 * HUGZ_S)
    assert m.resyncs == 1
    assert m.status() in (MirrorStatus.DISCONNECTED, MirrorStatus.SYNCING)
    assert "heartbeat" in m.message
    assert m.state.units, "the last known state stays visible while reconnecting"
    m.close()


def test_refused_snapshot(fake: FakeServer) -> None:
    m = StateMirror(fake.snap_ep, fake.pub_ep, subtree="/320505/", token="t",
                    hugz_interval_s=HUGZ_S)
    m.start()
    assert fake.subscriptions(m)
    fake.hugz()
    fake.serve_snapshot(m, [], error={"error": "forbidden", "message": "outside your region"})
    run(m, 0.05)
    assert m.status() == MirrorStatus.REFUSED
    assert "outside your region" in m.message
    assert m.info().status == MirrorStatus.REFUSED
    m.close()


def test_mirror_rejects_a_malformed_subtree() -> None:
    with pytest.raises(ValueError, match="not a region subtree"):
        StateMirror("tcp://127.0.0.1:1", "tcp://127.0.0.1:2", subtree="320508/")


# ------------------------------------------------------------------------------- framing


def test_kv_roundtrip_and_errors() -> None:
    msg = KVMsg("/320508/001/inc/E1", 2**40 + 3, b'{"a":1}', b"u" * 16, {"ev": "9", "n": "1"})
    back = decode_kv(msg.frames())
    assert back == msg
    assert not back.is_delete
    assert struct.unpack(">Q", msg.frames()[1])[0] == 2**40 + 3
    for frames in ([b"k"], [b"", pack_seq(1), b"", b"", b""], [b"k", b"123", b"", b"", b""],
                   [b"k", pack_seq(1), b"short", b"", b""], [b"k", pack_seq(1), b"", b"x", b""],
                   [b"\xff", pack_seq(1), b"", b"", b""]):
        with pytest.raises(ProtocolError):
            decode_kv(frames)
    assert decode_props(encode_props({"a": 1, "b": "x=y"})) == {"a": "1", "b": "x=y"}
    assert decode_icanhaz([ICANHAZ, b"/320508/"]).token == ""
    with pytest.raises(ProtocolError):
        decode_icanhaz([b"GIMME", b""])
    with pytest.raises(ProtocolError):
        decode_icanhaz([ICANHAZ, b"", b"x" * 500])


def test_rfc12_frames_and_reserved_keys() -> None:
    assert hugz_frames() == [b"HUGZ", bytes(8), b"", b"", b""]
    assert kthxbai_frames(7, "/320508/") == [b"KTHXBAI", pack_seq(7), b"", b"", b"/320508/"]
    st = FeedStatus(run=5, now=12.3456, speed=60.0, ev=9, n=3, count=2)
    key, seq, uuid, props, body = status_frames("", 44, st)
    assert (key, seq, uuid, props) == (b"/.status", pack_seq(44), b"", b"")
    assert decode_status(body) == FeedStatus(run=5, now=12.346, speed=60.0, ev=9, n=3, count=2)
    assert decode_status(status_frames("/320508/", 1, st)[4]).proto == 2
    for bad in (b"", b"[]", b'{"run": 1}', b"\xff"):
        with pytest.raises(ProtocolError):
            decode_status(bad)
    assert decode_error(b"nonsense").error == "invalid"
    err = FeedError("forbidden", "no", relogin=True)
    for asked, key in ((b"/320508/", b"/320508/.error"), (b"", b"/.error"),
                       (b"320508", b"/.error"), (b"/\xff/", b"/.error"),
                       (b"/" + b"1" * 300 + b"/", b"/.error")):
        sync, end = refusal_frames(asked, err)
        assert sync[0] == key
        assert sync[1] == end[1] == bytes(8)
        assert sync[3] == end[3] == b""
        assert end[0] == b"KTHXBAI"
        assert decode_error(sync[4]) == err
