"""A hot standby on the real PostgreSQL: two server processes on one database, one leads.

kill -9 of the leader under load, a leader stopped (SIGSTOP) past its lease, a leader whose
database connection is cut: each time the standby takes over by itself, the sequence has no
gap and no duplicate, every acknowledged command is stored exactly once, clients given both
addresses carry on and a mirror resyncs without being told; the old leader is fenced off and
steps down to follow. Fencing itself is checked on the store. SQLite refuses a standby."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from dispatch.adapters.client import ClientCurve, CommandClient, SessionSource, StateMirror
from dispatch.adapters.client.servers import join_endpoints
from dispatch.adapters.security.operators import DEMO_PASSWORDS
from dispatch.adapters.server.process import READY, STANDBY, ServerProcess
from dispatch.adapters.store import EventStore
from dispatch.adapters.store.event_store import Fenced
from dispatch.adapters.store.leadership import current_leadership
from dispatch.domain import commands as cmd
from dispatch.domain.errors import DispatchError, Unavailable
from dispatch.services.rebuild import state_at
from tests.integration.conftest import HUGZ_S
from tests.integration.test_server_restart import grid_points

LEASE_S = 2.0  # short, but not so short that a starved CI machine loses the lock by itself
TAKEOVER_S = 15.0  # generous bound for a loaded CI machine; it takes well under a second here


class Pair:
    """Two servers on one database, ``a`` started first (it leads), ``b`` following."""

    def __init__(self, url: str, tmp: Path, *, secure: bool = False) -> None:
        self.url = url
        self.tmp = tmp
        self.secure = secure  # CURVE on: the pair shares the data directory, so its keys
        self.a = self._make("a")
        self.b = self._make("b")

    def _make(self, name: str) -> ServerProcess:
        return ServerProcess(db_url=self.url, data_dir=self.tmp, insecure=not self.secure,
                             extra=["--hugz-interval", str(HUGZ_S),
                                    "--leader-lease", str(LEASE_S),
                                    *(["--standby"] if name == "b" else [])],
                             stderr=self.tmp / f"{name}.log", log_level="INFO")

    def start(self) -> Pair:
        self.a.start(120)
        self.b.launch()
        assert self.b.wait_line(STANDBY, 120), "the second server should follow"
        return self

    def log(self, sp: ServerProcess) -> str:
        name = "a" if sp is self.a else "b"
        return (self.tmp / f"{name}.log").read_text(encoding="utf-8")

    def curve(self, name: str = "console") -> ClientCurve | None:
        return ClientCurve.local(self.tmp, name) if self.secure else None

    def endpoints(self, i: int) -> str:
        return join_endpoints([self.a.endpoint(i), self.b.endpoint(i)])

    def mirror(self) -> StateMirror:
        source = SessionSource(self.endpoints(0), "lead", DEMO_PASSWORDS["lead"], "ws-mirror",
                               timeout_s=1.0, retries=1, curve=self.curve())
        source()  # a secure server takes a subscription only from a key with a session
        m = StateMirror(self.endpoints(1), self.endpoints(2), token=source,
                        hugz_interval_s=HUGZ_S, curve=self.curve())
        m.start()
        m.wait_live(20)
        return m

    def stop(self) -> None:
        for sp in (self.a, self.b):
            if sp.proc is not None and sp.proc.poll() is None:
                with_signal(sp, signal.SIGCONT)
                sp.stop(20)


def with_signal(sp: ServerProcess, sig: int) -> None:
    assert sp.proc is not None
    os.kill(sp.proc.pid, sig)


@pytest.fixture
def pair(pg_url: str, tmp_path: Path) -> Iterator[Callable[..., Pair]]:
    made: list[Pair] = []

    def make(secure: bool = False) -> Pair:
        p = Pair(pg_url, tmp_path, secure=secure)
        made.append(p)
        return p.start()

    yield make
    for p in made:
        p.stop()


class Loader(threading.Thread):
    """Reports incidents to whichever server answers; the same id again until acknowledged."""

    def __init__(self, endpoints: str, points: list[tuple[float, float]], n: int,
                 class_code: str, name: str, curve: ClientCurve | None = None) -> None:
        super().__init__(name=name, daemon=True)
        self.curve = curve
        self.endpoints, self.points, self.n, self.class_code = endpoints, points, n, class_code
        self.acked: dict[str, int] = {}  # command id → seq in the reply
        self.errors: list[str] = []
        self.retries = 0
        self.go = threading.Event()  # cleared: pause between commands
        self.go.set()
        self.failovers = 0

    def run(self) -> None:
        client = CommandClient(self.endpoints, timeout_s=0.5, retries=1, curve=self.curve)
        deadline = time.monotonic() + 90
        try:
            while time.monotonic() < deadline:
                try:
                    client.login("field", DEMO_PASSWORDS["field"], self.name)
                    break
                except Unavailable:
                    continue
            for i in range(self.n):
                self.go.wait(30)
                cid = uuid.uuid4().hex
                lon, lat = self.points[i % len(self.points)]
                command = cmd.ReportIncident("hotline", self.class_code, lon, lat,
                                             f"{self.name} #{i}")
                while time.monotonic() < deadline:
                    try:
                        r = client.execute(command, command_id=cid)
                    except Unavailable:
                        self.retries += 1
                        continue  # the leader is gone or stepping down: the same id again
                    except DispatchError as exc:
                        self.errors.append(f"{type(exc).__name__}: {exc}")
                        break
                    self.acked[cid] = r.seq
                    break
        finally:
            self.failovers = client.failovers
            client.close()


def class_code() -> str:
    from dispatch.adapters.catalogue_loader import default_catalogue

    return next(iter(default_catalogue().minors))


def start_load(p: Pair, n: int = 40, loaders: int = 3) -> list[Loader]:
    points = grid_points(p.url, 20)
    code = class_code()
    out = [Loader(p.endpoints(0), points, n, code, f"gw-{i}", p.curve("simulator"))
           for i in range(loaders)]
    for t in out:
        t.start()
    return out


def run_until(mirror: StateMirror, cond: Callable[[], bool], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        mirror.run_once(20)


def acked(loaders: list[Loader]) -> int:
    return sum(len(t.acked) for t in loaders)


def check_log(url: str, loaders: list[Loader], mirror: StateMirror) -> list[Any]:
    """No gap, no duplicate, every acknowledged command once at its sequence; the mirror
    holds the final state. Returns the events."""
    assert not [e for t in loaders for e in t.errors]
    got = {cid: seq for t in loaders for cid, seq in t.acked.items()}
    assert len(got) == sum(t.n for t in loaders)
    store = EventStore(url)
    try:
        events = list(store.read())
        assert [e.seq for e in events] == list(range(1, len(events) + 1)), "no gap, no dup"
        by_cid: dict[str, list[int]] = {}
        for e in events:
            if e.command_id:
                by_cid.setdefault(e.command_id, []).append(e.seq)
        for cid, seq in got.items():
            assert by_cid.get(cid) == [seq], f"command {cid} stored {by_cid.get(cid)}"
        assert all(len(v) == 1 for v in by_cid.values()), "nothing applied twice"
        final = state_at(store)
    finally:
        store.close()
    run_until(mirror, lambda: mirror.live and mirror.state.incidents == final.incidents, 20,
              f"the mirror to hold the final state ({mirror.info()})")
    assert mirror.state.incidents == final.incidents
    return events


def epochs(url: str) -> list[tuple[int, int]]:
    """(seq, epoch) of every event, in order."""
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            return [(int(r[0]), int(r[1] or 0)) for r in
                    conn.execute(text("SELECT seq, epoch FROM events ORDER BY seq"))]
    finally:
        eng.dispose()


def assert_fenced_order(url: str) -> None:
    """Epochs only grow along the sequence: no event of an old leadership after a new one."""
    seen = [e for _s, e in epochs(url)]
    assert seen == sorted(seen), "an old leader appended after it was replaced"


# ----------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("secure", [False, True], ids=["plain", "curve"])
def test_kill9_leader_under_load_standby_takes_over(pair: Callable[..., Pair],
                                                    secure: bool) -> None:
    p = pair(secure)
    mirror = p.mirror()
    loaders = start_load(p)
    run_until(mirror, lambda: acked(loaders) >= 30, 60, "load before the kill")
    p.a.kill()  # kill -9 in the middle of the load
    killed_at = acked(loaders)
    assert p.b.wait_line(READY, TAKEOVER_S), "the standby should take over"
    for t in loaders:
        while t.is_alive():
            mirror.run_once(20)
            t.join(0.01)
    assert killed_at < acked(loaders)
    check_log(p.url, loaders, mirror)
    assert mirror.failovers == 1, "the mirror moved to the new leader by itself, once"
    assert sum(t.failovers for t in loaders) >= 1
    assert "taking over" in p.log(p.b)
    assert_fenced_order(p.url)
    mirror.close()


def test_sigstop_leader_is_replaced_then_fenced(pair: Callable[..., Pair]) -> None:
    p = pair()
    mirror = p.mirror()
    loaders = start_load(p)
    run_until(mirror, lambda: acked(loaders) >= 20, 60, "load before the pause")
    with_signal(p.a, signal.SIGSTOP)  # paused past its lease: PostgreSQL ends its session
    assert p.b.wait_line(READY, TAKEOVER_S), "the standby should take over"
    before = acked(loaders)
    run_until(mirror, lambda: acked(loaders) >= before + 10, 60, "load on the new leader")
    with_signal(p.a, signal.SIGCONT)  # back: it may not write, it steps down and follows
    assert p.a.wait_line(STANDBY, TAKEOVER_S), "the old leader should step down and follow"
    assert "stepping down" in p.log(p.a)
    for t in loaders:
        while t.is_alive():
            mirror.run_once(20)
            t.join(0.01)
    check_log(p.url, loaders, mirror)
    assert_fenced_order(p.url)
    assert p.b.proc is not None
    eng = create_engine(p.url)
    epoch, holder, _ = current_leadership(eng)
    eng.dispose()
    assert holder.endswith(f":{p.b.proc.pid}")
    assert epoch >= 2
    mirror.close()


def test_cut_database_connection_standby_takes_over(pair: Callable[..., Pair]) -> None:
    p = pair()
    mirror = p.mirror()
    loaders = start_load(p, n=30)
    run_until(mirror, lambda: acked(loaders) >= 20, 60, "load before the cut")
    assert p.a.proc is not None
    eng = create_engine(p.url)
    with eng.begin() as conn:  # the leader's lock connection (its lease) is terminated
        cut = conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = :name"),
            {"name": f"gridline-{p.a.proc.pid}-lock"}).all()
    eng.dispose()
    assert cut, "the leader's lock connection was found"
    assert p.b.wait_line(READY, TAKEOVER_S), "the standby should take over"
    assert p.a.wait_line(STANDBY, TAKEOVER_S), "the old leader should step down and follow"
    for t in loaders:
        while t.is_alive():
            mirror.run_once(20)
            t.join(0.01)
    check_log(p.url, loaders, mirror)
    assert_fenced_order(p.url)
    mirror.close()


def test_store_refuses_an_append_from_a_replaced_leadership(pg_url: str) -> None:
    from dispatch.domain.events import Event, IncidentCancelled

    old, new = EventStore(pg_url), EventStore(pg_url)
    try:
        e1 = old.lead("old", LEASE_S)
        e2 = new.lead("new", LEASE_S)
        assert e2 == e1 + 1
        ev = Event(seq=1, ts=1.0, operator="x", workstation="w",
                   payload=IncidentCancelled("E000001", "test"))
        with pytest.raises(Fenced, match="replaced"):
            old.append([ev])
        assert old.fenced
        assert old.count() == 0, "nothing written"
        new.append([ev])
        assert epochs(pg_url) == [(1, e2)]
    finally:
        old.close()
        new.close()


def test_sqlite_refuses_a_standby(tmp_path: Path) -> None:
    sp = ServerProcess(db_url=f"sqlite:///{tmp_path / 'one.sqlite'}", data_dir=tmp_path,
                       insecure=True, extra=["--standby"], stderr=tmp_path / "err.log")
    sp.launch()
    assert sp.proc is not None
    assert sp.proc.wait(60) == 2
    err = (tmp_path / "err.log").read_text(encoding="utf-8")
    assert "SQLite is the single-server embedded store" in err
    assert "needs PostgreSQL" in err
    sp.stop()


def test_stepped_down_leader_leaves_the_lock_to_the_standby(pair: Callable[..., Pair]) -> None:
    """After stepping down, the old leader waits a lease before it contends again, so the
    standby that was waiting leads (no ping-pong)."""
    p = pair()
    with_signal(p.a, signal.SIGSTOP)
    assert p.b.wait_line(READY, TAKEOVER_S)
    with_signal(p.a, signal.SIGCONT)
    assert p.a.wait_line(STANDBY, TAKEOVER_S)
    # b still leads: it answers
    c = CommandClient(p.endpoints(0), timeout_s=1.0, retries=3)
    try:
        assert c.query("ping") is not None
        assert c.endpoint == p.b.command
    finally:
        c.close()
