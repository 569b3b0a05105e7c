"""CurveZMQ on real loopback sockets: allow-listed clients talk, unknown keys get nothing."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import zmq
import zmq.auth
from zmq.utils.monitor import recv_monitor_message

from dispatch.adapters.security import keys
from dispatch.adapters.security.keys import (
    ServerKeys,
    allow_client,
    apply_client_curve,
    apply_server_curve,
    ensure_client_keys,
    ensure_local_trust,
    ensure_server_keys,
    reload,
    revoke_client,
    server_public_key,
    start_authenticator,
)

REPLY_TIMEOUT_MS = 3000
DENIED_WAIT_MS = 300


class Server:
    """A CURVE server context with its authenticator; sockets are closed on stop."""

    def __init__(self, data_dir: Path) -> None:
        self.keys: ServerKeys = ensure_server_keys(data_dir)
        self.ctx = zmq.Context()
        self.auth = start_authenticator(self.ctx, self.keys.clients_dir)
        self.sockets: list[zmq.Socket] = []

    def bind(self, kind: int) -> tuple[zmq.Socket, str]:
        sock = self.ctx.socket(kind)
        sock.linger = 0
        apply_server_curve(sock, self.keys)
        port = sock.bind_to_random_port("tcp://127.0.0.1")
        self.sockets.append(sock)
        return sock, f"tcp://127.0.0.1:{port}"

    def stop(self) -> None:
        for s in self.sockets:
            s.close(linger=0)
        self.auth.stop()
        self.ctx.term()


class Clients:
    """Client sockets in their own context, as on a separate workstation."""

    def __init__(self) -> None:
        self.ctx = zmq.Context()
        self.sockets: list[zmq.Socket] = []

    def connect(self, kind: int, endpoint: str, public: bytes, secret: bytes,
                server_public: bytes, *, monitor: bool = False,
                subscribe: bytes | None = None) -> tuple[zmq.Socket, zmq.Socket | None]:
        sock = self.ctx.socket(kind)
        sock.linger = 0
        apply_client_curve(sock, public, secret, server_public)
        if subscribe is not None:
            sock.setsockopt(zmq.SUBSCRIBE, subscribe)
        mon = sock.get_monitor_socket() if monitor else None
        sock.connect(endpoint)
        self.sockets.append(sock)
        if mon is not None:
            self.sockets.append(mon)
        return sock, mon

    def stop(self) -> None:
        for s in self.sockets:
            s.close(linger=0)
        self.ctx.term()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path / "server")
    yield srv
    srv.stop()


@pytest.fixture
def clients() -> Iterator[Clients]:
    c = Clients()
    yield c
    c.stop()


def enrolled(tmp_path: Path, name: str, srv: Server) -> tuple[bytes, bytes]:
    """A workstation key pair in its own data dir, allow-listed on the server."""
    public, secret = ensure_client_keys(tmp_path / name, name)
    allow_client(srv.keys.clients_dir.parent.parent, tmp_path / name / "keys" / f"{name}.key",
                 name)
    reload(srv.auth, srv.keys.clients_dir)
    return public, secret


def recv_or_none(sock: zmq.Socket, timeout_ms: int) -> list[bytes] | None:
    if sock.poll(timeout_ms, zmq.POLLIN):
        return sock.recv_multipart()
    return None


def wait_event(mon: zmq.Socket, wanted: int, timeout_s: float = 3.0) -> bool:
    """True once the monitor reports ``wanted`` (e.g. an authentication failure)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if mon.poll(50, zmq.POLLIN) and recv_monitor_message(mon)["event"] == wanted:
            return True
    return False


# -------------------------------------------------------------------------- allowed clients

def test_allow_listed_req_rep(tmp_path: Path, server: Server, clients: Clients) -> None:
    pub, sec = enrolled(tmp_path, "ws-01", server)
    rep, endpoint = server.bind(zmq.REP)
    req, _ = clients.connect(zmq.REQ, endpoint, pub, sec, server.keys.public)
    req.send(b"ping")
    assert recv_or_none(rep, REPLY_TIMEOUT_MS) == [b"ping"]
    rep.send(b"pong")
    assert recv_or_none(req, REPLY_TIMEOUT_MS) == [b"pong"]


def test_allow_listed_dealer_router_sees_user_id(tmp_path: Path, server: Server,
                                                 clients: Clients) -> None:
    pub, sec = enrolled(tmp_path, "ws-02", server)
    router, endpoint = server.bind(zmq.ROUTER)
    dealer, _ = clients.connect(zmq.DEALER, endpoint, pub, sec, server.keys.public)
    dealer.send_multipart([b"cmd-1", b'{"op":"assign"}'])
    assert router.poll(REPLY_TIMEOUT_MS, zmq.POLLIN)
    frame = router.recv(copy=False)
    # the ZAP user id is the client's key, which the allow-list names: the server knows
    # which workstation sent it
    assert frame.get("User-Id") == pub.decode()
    assert server.auth.name_of(str(frame.get("User-Id"))) == "ws-02"
    rest = router.recv_multipart()
    assert rest == [b"cmd-1", b'{"op":"assign"}']
    router.send_multipart([frame.bytes, b"cmd-1", b"ok"])
    assert recv_or_none(dealer, REPLY_TIMEOUT_MS) == [b"cmd-1", b"ok"]


def test_allow_listed_pub_sub(tmp_path: Path, server: Server, clients: Clients) -> None:
    pub, sec = enrolled(tmp_path, "wall-1", server)
    publisher, endpoint = server.bind(zmq.PUB)
    sub, mon = clients.connect(zmq.SUB, endpoint, pub, sec, server.keys.public,
                               monitor=True, subscribe=b"")
    assert mon is not None
    assert wait_event(mon, zmq.EVENT_HANDSHAKE_SUCCEEDED)
    got = None
    deadline = time.monotonic() + REPLY_TIMEOUT_MS / 1000
    while got is None and time.monotonic() < deadline:  # the subscription takes a moment
        publisher.send_multipart([b"/city/320508/incidents/I-1", b"\x00" * 7 + b"\x01", b"{}"])
        got = recv_or_none(sub, 50)
    assert got == [b"/city/320508/incidents/I-1", b"\x00" * 7 + b"\x01", b"{}"]


def test_local_trust_console_and_simulator_both_talk(tmp_path: Path) -> None:
    data = tmp_path / "embedded"
    trust = ensure_local_trust(data)
    assert sorted(p.name for p in trust.server.clients_dir.glob("*.key")) == \
        ["console.key", "gateway.key", "simulator.key"]
    assert ensure_local_trust(data) == trust  # idempotent: same keys, no new entries
    srv = Server(data)
    c = Clients()
    try:
        router, endpoint = srv.bind(zmq.ROUTER)
        for name, (pub, sec) in (("console", trust.console), ("simulator", trust.simulator)):
            dealer, _ = c.connect(zmq.DEALER, endpoint, pub, sec, trust.server.public)
            dealer.send(name.encode())
            assert router.poll(REPLY_TIMEOUT_MS, zmq.POLLIN)
            frame = router.recv(copy=False)
            assert srv.auth.name_of(str(frame.get("User-Id"))) == name
            assert router.recv_multipart() == [name.encode()]
    finally:
        c.stop()
        srv.stop()


# -------------------------------------------------------------------------- refused clients

def test_unknown_key_gets_nothing(tmp_path: Path, server: Server, clients: Clients) -> None:
    enrolled(tmp_path, "ws-01", server)  # the allow-list is not empty
    stranger_pub, stranger_sec = zmq.curve_keypair()
    rep, endpoint = server.bind(zmq.REP)
    req, mon = clients.connect(zmq.REQ, endpoint, stranger_pub, stranger_sec,
                               server.keys.public, monitor=True)
    assert mon is not None
    req.send(b"let me in")
    assert wait_event(mon, zmq.EVENT_HANDSHAKE_FAILED_AUTH)
    assert recv_or_none(rep, DENIED_WAIT_MS) is None
    assert recv_or_none(req, DENIED_WAIT_MS) is None


def test_unknown_key_gets_no_publications(tmp_path: Path, server: Server,
                                          clients: Clients) -> None:
    stranger_pub, stranger_sec = zmq.curve_keypair()
    publisher, endpoint = server.bind(zmq.PUB)
    sub, mon = clients.connect(zmq.SUB, endpoint, stranger_pub, stranger_sec,
                               server.keys.public, monitor=True, subscribe=b"")
    assert mon is not None
    assert wait_event(mon, zmq.EVENT_HANDSHAKE_FAILED_AUTH)
    for _ in range(20):
        publisher.send_multipart([b"/city", b"secret"])
    assert recv_or_none(sub, DENIED_WAIT_MS) is None


def test_client_refuses_an_impostor_server(tmp_path: Path, server: Server,
                                           clients: Clients) -> None:
    pub, sec = enrolled(tmp_path, "ws-01", server)
    impostor_public, _ = zmq.curve_keypair()
    rep, endpoint = server.bind(zmq.REP)
    req, mon = clients.connect(zmq.REQ, endpoint, pub, sec, impostor_public, monitor=True)
    assert mon is not None
    req.send(b"hello")
    assert recv_or_none(rep, DENIED_WAIT_MS) is None
    assert recv_or_none(req, DENIED_WAIT_MS) is None


def test_enrol_and_revoke_take_effect_on_reload(tmp_path: Path, server: Server,
                                                clients: Clients) -> None:
    data = server.keys.clients_dir.parent.parent
    pub, sec = ensure_client_keys(tmp_path / "ws-09", "ws-09")
    router, endpoint = server.bind(zmq.ROUTER)

    def try_once() -> bool:
        """A fresh connection: True if the server got the message, False once refused."""
        dealer, mon = clients.connect(zmq.DEALER, endpoint, pub, sec, server.keys.public,
                                      monitor=True)
        assert mon is not None
        dealer.send(b"hi")
        deadline = time.monotonic() + REPLY_TIMEOUT_MS / 1000
        outcome = None
        while outcome is None and time.monotonic() < deadline:
            if recv_or_none(router, 20) is not None:
                outcome = True
            elif mon.poll(0, zmq.POLLIN) and \
                    recv_monitor_message(mon)["event"] == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
                outcome = recv_or_none(router, 100) is not None
        dealer.close(linger=0)
        assert outcome is not None, "neither a message nor an authentication failure"
        return outcome

    assert not try_once()
    allow_client(data, pub, "ws-09")
    assert not try_once()  # written, but the running authenticator has not re-read it yet
    assert reload(server.auth, server.keys.clients_dir) == 1
    assert try_once()
    assert revoke_client(data, "ws-09")
    assert not revoke_client(data, "ws-09")
    assert reload(server.auth, server.keys.clients_dir) == 0
    assert not try_once()


def test_reload_rejects_a_malformed_certificate(server: Server) -> None:
    (server.keys.clients_dir / "broken.key").write_text("curve\n    public-key = \"nope\"\n")
    with pytest.raises(ValueError, match=r"broken\.key"):
        reload(server.auth, server.keys.clients_dir)


def test_ip_allow_list_refuses_other_addresses(tmp_path: Path, clients: Clients) -> None:
    keys_ = ensure_server_keys(tmp_path / "srv")
    pub, sec = ensure_client_keys(tmp_path / "srv", "ws-01")
    allow_client(tmp_path / "srv", pub, "ws-01")
    ctx = zmq.Context()
    auth = start_authenticator(ctx, keys_.clients_dir, allow_addresses=["10.9.9.9"])
    rep = ctx.socket(zmq.REP)
    try:
        rep.linger = 0
        apply_server_curve(rep, keys_)
        port = rep.bind_to_random_port("tcp://127.0.0.1")
        req, _ = clients.connect(zmq.REQ, f"tcp://127.0.0.1:{port}", pub, sec, keys_.public)
        req.send(b"x")
        assert recv_or_none(rep, 500) is None
    finally:
        rep.close(linger=0)
        auth.stop()
        ctx.term()


# ------------------------------------------------------------------------------ key files

def test_server_keys_persist_and_secret_is_private(tmp_path: Path) -> None:
    first = ensure_server_keys(tmp_path)
    second = ensure_server_keys(tmp_path)
    assert first == second
    assert len(first.public) == 40
    assert len(first.secret) == 40
    assert zmq.curve_public(first.secret) == first.public
    assert first.clients_dir == tmp_path / "keys" / "clients"
    assert first.clients_dir.is_dir()
    assert server_public_key(tmp_path) == first.public
    assert first.secret.decode() not in repr(first)
    secret_file = tmp_path / "keys" / "server.key_secret"
    assert zmq.auth.load_certificate(secret_file) == (first.public, first.secret)
    assert zmq.auth.load_certificate(tmp_path / "keys" / "server.key") == (first.public, None)
    if os.name == "posix":
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert not [p for p in (tmp_path / "keys").iterdir() if p.name.startswith(".new-")]


def test_client_keys_persist_per_name(tmp_path: Path) -> None:
    a1 = ensure_client_keys(tmp_path, "ws-01")
    a2 = ensure_client_keys(tmp_path, "ws-01")
    b = ensure_client_keys(tmp_path, "ws-02")
    assert a1 == a2
    assert a1 != b
    if os.name == "posix":
        mode = (tmp_path / "keys" / "ws-01.key_secret").stat().st_mode
        assert stat.S_IMODE(mode) == 0o600


def test_loose_secret_permissions_are_tightened(tmp_path: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX file modes")
    ensure_server_keys(tmp_path)
    secret_file = tmp_path / "keys" / "server.key_secret"
    os.chmod(secret_file, 0o644)
    ensure_server_keys(tmp_path)
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600


def test_a_copied_public_server_key_is_not_replaced(tmp_path: Path) -> None:
    server_dir, ws_dir = tmp_path / "server", tmp_path / "ws"
    public = ensure_server_keys(server_dir).public
    (ws_dir / "keys").mkdir(parents=True)
    (ws_dir / "keys" / "server.key").write_bytes((server_dir / "keys" / "server.key").read_bytes())
    assert server_public_key(ws_dir) == public
    with pytest.raises(ValueError, match="without its secret key"):
        ensure_server_keys(ws_dir)
    with pytest.raises(FileNotFoundError, match=r"server\.key"):
        server_public_key(tmp_path / "nowhere")


def test_corrupt_secret_is_reported(tmp_path: Path) -> None:
    keys_ = ensure_server_keys(tmp_path)
    other_public, _ = zmq.curve_keypair()
    path = tmp_path / "keys" / "server.key_secret"
    path.write_bytes(path.read_bytes().replace(keys_.public, other_public))
    with pytest.raises(ValueError, match="does not match"):
        ensure_server_keys(tmp_path)


def test_allow_client_copies_only_the_public_key(tmp_path: Path) -> None:
    pub, sec = ensure_client_keys(tmp_path / "ws", "ws-05")
    path = allow_client(tmp_path / "srv", tmp_path / "ws" / "keys" / "ws-05.key_secret", "ws-05")
    assert path == tmp_path / "srv" / "keys" / "clients" / "ws-05.key"
    assert zmq.auth.load_certificate(path) == (pub, None)
    assert sec not in path.read_bytes()
    assert keys.allowed_clients(path.parent) == {"ws-05": pub}


@pytest.mark.parametrize("bad", [b"", b"short", b"~" * 40, b"#" * 40, "é" * 40, b"x" * 41])
def test_allow_client_rejects_bad_keys(tmp_path: Path, bad: bytes | str) -> None:
    with pytest.raises(ValueError, match="Z85"):
        allow_client(tmp_path, bad, "ws-01")  # type: ignore[arg-type]  # a wrong type on purpose


@pytest.mark.parametrize("name", ["server", "SERVER", "", "../evil", "a b", ".hidden", "x" * 65])
def test_bad_key_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="key name"):
        ensure_client_keys(tmp_path, name)
