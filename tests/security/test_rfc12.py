"""RFC 12 (CHP) where the RFC speaks: a plain CHP client, written here from the RFC's text
alone (plain pyzmq, none of the project's client code), reads a real server's feed.

The client subscribes to its subtree and to ``HUGZ``, asks ``ICANHAZ?`` + subtree with no
token frame, stores every ``KVSYNC`` until ``KTHXBAI``, then applies each ``KVPUB`` whose
sequence is above the last one (an empty value deletes) and takes ``HUGZ`` for a heartbeat.
The server runs with ``anonymous_read`` (the test mode ``--insecure --anonymous-read``)."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
import zmq

from dispatch.adapters.protocol.records import encode_incident, encode_unit, scope_subtree
from dispatch.adapters.server.process import free_ports
from dispatch.adapters.settings import Settings
from dispatch.domain import commands as cmd
from dispatch.entrypoints.server import main as server_main
from tests.integration.conftest import ROOT, RunningServer
from tests.integration.test_server_commands import report

# ------------------------------------------------------------- a CHP client from RFC 12


class PlainChpClient:
    """Clone client per RFC 12: SUB to the publisher, DEALER to the snapshot port."""

    def __init__(self, snapshot_ep: str, update_ep: str, subtree: str) -> None:
        ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context.instance()
        self.subtree = subtree.encode()
        self.sub = ctx.socket(zmq.SUB)
        self.sub.setsockopt(zmq.LINGER, 0)
        self.sub.connect(update_ep)
        self.sub.setsockopt(zmq.SUBSCRIBE, self.subtree)
        self.sub.setsockopt(zmq.SUBSCRIBE, b"HUGZ")
        self.snap = ctx.socket(zmq.DEALER)
        self.snap.setsockopt(zmq.LINGER, 0)
        self.snap.connect(snapshot_ep)
        self.kvmap: dict[bytes, bytes] = {}
        self.sequence = 0
        self.hugz: list[list[bytes]] = []
        self.seen_keys: set[bytes] = set()

    def close(self) -> None:
        self.sub.close()
        self.snap.close()

    def wait_heartbeat(self, timeout_s: float = 5.0) -> None:
        """Once a HUGZ arrives the subscription is known to have reached the server."""
        end = time.monotonic() + timeout_s
        while not self.hugz and time.monotonic() < end:
            self.pump(100)
        assert self.hugz, "no HUGZ from the server"

    def snapshot(self, frames: list[bytes] | None = None) -> list[list[bytes]]:
        """Send ICANHAZ? (or ``frames``) and return every message up to KTHXBAI."""
        self.snap.send_multipart(frames if frames is not None else [b"ICANHAZ?", self.subtree])
        got: list[list[bytes]] = []
        while self.snap.poll(5000):
            msg = self.snap.recv_multipart()
            assert len(msg) == 5
            got.append(msg)
            if msg[0] == b"KTHXBAI":
                return got
        raise AssertionError("no KTHXBAI")

    def sync(self) -> list[list[bytes]]:
        got = self.snapshot()
        for key, _seq, _uuid, _props, value in got[:-1]:
            self.kvmap[key] = value
        self.sequence = struct.unpack(">Q", got[-1][1])[0]
        return got

    def pump(self, timeout_ms: int = 0) -> None:
        while self.sub.poll(timeout_ms):
            timeout_ms = 0
            key, seq_b, _uuid, _props, value = self.sub.recv_multipart()
            if key == b"HUGZ":
                self.hugz.append([key, seq_b, _uuid, _props, value])
                continue
            self.seen_keys.add(key)
            seq = struct.unpack(">Q", seq_b)[0]
            if seq <= self.sequence:
                continue  # RFC 12: not strictly greater than the last applied
            self.sequence = seq
            if value:
                self.kvmap[key] = value
            else:
                self.kvmap.pop(key, None)


def is_error_answer(answer: list[list[bytes]], subtree: bytes) -> bool:
    """An error answer, as docs/PROTOCOL.md tells a plain client to read it: the key
    ``<subtree>.error`` (``/.error`` for the empty subtree or no subtree at all)."""
    keys = [m[0] for m in answer[:-1]]
    return keys == [(subtree or b"/") + b".error"] or keys == [b"/.error"]


# ---------------------------------------------------------------------------- helpers


def server_records(rs: RunningServer, subtree: str) -> dict[bytes, Any]:
    state = rs.state
    out: dict[bytes, Any] = {}
    for key, body in [encode_incident(i) for i in list(state.incidents.values())] + \
                     [encode_unit(u) for u in list(state.units.values())]:
        if key.startswith(subtree):
            out[key.encode()] = json.loads(body)
    return out


def records_of(client: PlainChpClient) -> dict[bytes, Any]:
    """The client's hashmap without Gridline's reserved keys (``….status``/``….error``)."""
    return {k: json.loads(v) for k, v in client.kvmap.items()
            if not k.endswith((b"/.status", b"/.error"))}


def wait_until(cond: Callable[[], bool], client: PlainChpClient, timeout_s: float = 10.0
               ) -> None:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        client.pump(50)
        if cond():
            return
    raise AssertionError("condition not met in time")


def districts(rs: RunningServer) -> list[str]:
    return sorted({r.code[:6] for r in rs.server.engine.city.grids()})


# ------------------------------------------------------------------------------ tests


def test_plain_client_mirrors_a_district(server_factory: Any) -> None:
    rs = server_factory(anonymous_read="")
    lead = rs.client("lead")
    mine, other = districts(rs)[:2]
    subtree = scope_subtree(mine)
    client = PlainChpClient(rs.endpoints.snapshot, rs.endpoints.update, subtree)
    try:
        report(rs, lead, prefix=mine, index=1)
        client.wait_heartbeat()
        got = client.sync()
        end = got[-1]
        # KTHXBAI: sequence = the highest KVSYNC sequence, empty UUID and properties, subtree
        assert end[1] == max((m[1] for m in got[:-1]), key=lambda b: struct.unpack(">Q", b))
        assert end[2:] == [b"", b"", subtree.encode()]
        assert all(m[2] == m[3] == b"" for m in got[:-1]), "KVSYNC: frames 2 and 3 empty"
        assert not is_error_answer(got, subtree.encode())
        assert records_of(client) == server_records(rs, subtree)
        # changes in and out of the district, a cancel, an assignment, unit moves
        iid = report(rs, lead, prefix=mine, index=2)
        report(rs, lead, prefix=other, index=3)
        lead.execute(cmd.CancelIncident(report(rs, lead, prefix=mine, index=4), "误报"))
        lead.execute(cmd.AddNote(iid, "到场"))
        units = [u for u in rs.state.units.values() if u.home_grid.startswith(mine)][:3]
        lead.execute(cmd.ReportPositions(tuple((u.id, u.lon + 1e-4, u.lat) for u in units)))
        wait_until(lambda: records_of(client) == server_records(rs, subtree), client)
        assert any(k.endswith(f"/inc/{iid}".encode()) for k in client.kvmap)
        # heartbeats as RFC 12 writes them, never taken for a delete or a sequence jump
        wait_until(lambda: len(client.hugz) >= 3, client)
        assert all(h == [b"HUGZ", bytes(8), b"", b"", b""] for h in client.hugz)
        assert b"HUGZ" not in client.kvmap
        assert client.sequence > 0
        # status records reach only their subtree: no city-wide counters for a district
        status_key = f"{subtree}.status".encode()
        assert status_key in client.seen_keys
        assert status_key in client.kvmap
        assert all(k.startswith(subtree.encode()) for k in client.seen_keys)
        assert records_of(client) == server_records(rs, subtree)
    finally:
        client.close()


def test_every_icanhaz_is_answered_and_errors_are_recognisable(server_factory: Any,
                                                               demo_city: Any) -> None:
    mine = sorted({r.code[:6] for r in demo_city.grids()})[0]
    rs = server_factory(anonymous_read=scope_subtree(mine))  # a district only
    client = PlainChpClient(rs.endpoints.snapshot, rs.endpoints.update, f"/{mine}/")
    try:
        ok = client.snapshot()
        assert not is_error_answer(ok, f"/{mine}/".encode())
        assert ok[-2][0] == f"/{mine}/.status".encode(), "the snapshot ends with its status"
        status = json.loads(ok[-2][4])
        assert status["proto"] == 2
        assert status["count"] == len(ok) - 2
        other = next(d for d in districts(rs) if d != mine)
        for frames, subtree in (
                ([b"ICANHAZ?"], b""),                           # no subtree frame
                ([b"ICANHAZ?", b"", b"t", b"extra"], b""),      # too many frames
                ([b"GIMME", f"/{mine}/".encode()], f"/{mine}/".encode()),  # not ICANHAZ?
                ([b"ICANHAZ?", b"/3205/"], b"/3205/"),          # not a region subtree
                ([b"ICANHAZ?", mine.encode()], b""),            # not a subtree at all
                ([b"ICANHAZ?", b"/\xff\xfe/"], b""),            # not UTF-8
                ([b"ICANHAZ?", b"/" + b"1" * 400 + b"/"], b""),  # too long
                ([b"ICANHAZ?", b""], b""),                      # the city: outside the grant
                ([b"ICANHAZ?", f"/{other}/".encode()], f"/{other}/".encode()),
                ([b"ICANHAZ?", f"/{mine}/".encode(), b"bogus-token"], f"/{mine}/".encode())):
            answer = client.snapshot(frames)
            assert is_error_answer(answer, subtree), frames
            assert len(answer) == 2
            assert answer[1][0] == b"KTHXBAI"
            assert answer[0][1] == answer[1][1] == bytes(8), "sequence zero: nothing revealed"
            err = json.loads(answer[0][4])
            assert err["error"] in ("invalid", "forbidden")
            assert err["message"]
            assert isinstance(err["relogin"], bool)
        assert rs.server.snapshots.stats.refused >= 10
    finally:
        client.close()


def test_token_less_snapshot_without_the_option_is_refused(server_factory: Any) -> None:
    rs = server_factory()
    client = PlainChpClient(rs.endpoints.snapshot, rs.endpoints.update, "")
    try:
        answer = client.snapshot()
        assert is_error_answer(answer, b"")
        err = json.loads(answer[0][4])
        assert err["error"] == "forbidden"
        assert "token" in err["message"]
        assert err["relogin"] is False
    finally:
        client.close()


def test_anonymous_read_needs_insecure(tmp_path: Any, caplog: Any) -> None:
    with pytest.raises(ValueError, match="insecure"):
        Settings(data_dir=tmp_path, insecure=False, anonymous_read="")
    with pytest.raises(ValueError, match="subtree"):
        Settings(data_dir=tmp_path, insecure=True, anonymous_read="320508")
    assert server_main(["--data-dir", str(tmp_path), "--anonymous-read", "",
                        "--log-level", "ERROR"]) == 2
    assert "--insecure" in caplog.text


def test_main_server_serves_a_subtree_to_token_less_clients(tmp_path: Any) -> None:
    """``python main.py server --insecure --anonymous-read /320508/``, end to end."""
    ports = free_ports(3)
    proc = subprocess.Popen(
        [sys.executable, "main.py", "server", "--insecure", "--anonymous-read", "/320508/",
         "--data-dir", str(tmp_path), "--db-url", f"sqlite:///{tmp_path / 'g.sqlite'}",
         "--command-port", str(ports[0]), "--snapshot-port", str(ports[1]),
         "--update-port", str(ports[2]), "--hugz-interval", "0.25", "--log-level", "WARNING"],
        cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    client = PlainChpClient(f"tcp://127.0.0.1:{ports[1]}", f"tcp://127.0.0.1:{ports[2]}",
                            "/320508/")
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("gridline server ready")
        client.wait_heartbeat()
        got = client.sync()
        assert not is_error_answer(got, b"/320508/")
        assert len(got) > 2
        assert all(m[0].startswith(b"/320508/") for m in got[:-1])
        assert is_error_answer(client.snapshot([b"ICANHAZ?", b""]), b"")
    finally:
        client.close()
        proc.terminate()
        proc.wait(15)
