"""Fixtures for tests of the dispatch server on real sockets (loopback, random ports).

``server_factory`` starts servers in a thread of the test process (fast; the test can look at
``server.engine.state`` once traffic is quiet); ``server_process`` starts the server the way
everything else does (:class:`dispatch.adapters.server.process.ServerProcess`, ``python -m
dispatch.entrypoints.server``) as a subprocess for kill -9 and signal tests.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from dispatch.adapters.client import ClientCurve, CommandClient, SessionSource, StateMirror
from dispatch.adapters.protocol.records import incident_to_dict, scope_subtree, unit_to_dict
from dispatch.adapters.security.operators import DEMO_PASSWORDS
from dispatch.adapters.server.process import ServerProcess
from dispatch.adapters.server.server import DispatchServer, open_server
from dispatch.adapters.settings import Settings
from dispatch.domain.state import DispatchState

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
HUGZ_S = 0.25  # fast heartbeats so silence is noticed quickly in tests


@dataclass
class RunningServer:
    server: DispatchServer
    thread: threading.Thread
    settings: Settings
    clients: list[CommandClient] = field(default_factory=list)
    mirrors: list[StateMirror] = field(default_factory=list)

    @property
    def endpoints(self) -> Any:
        return self.server.endpoints

    @property
    def state(self) -> Any:
        return self.server.engine.state

    def on_loop(self, fn: Callable[[], T], timeout: float = 10.0) -> T:
        """``fn()``, run on the server's loop thread (posted the way the server's own threads
        post work to it): returns once it has run there, or raises what it raised."""
        ran = threading.Event()
        out: list[T] = []
        failed: list[BaseException] = []

        def call() -> None:
            try:
                out.append(fn())
            except BaseException as exc:  # raised again on the test's thread  # noqa: BLE001
                failed.append(exc)
            finally:
                ran.set()

        self.server.post(call)
        assert ran.wait(timeout), "the server's loop did not run the call"
        if failed:
            raise failed[0]
        return out[0]

    def state_copy(self) -> DispatchState:
        """A copy of the server's state made on its loop: consistent (no command or clock
        event half applied) and holding every command answered before the call."""
        return self.on_loop(self.server.engine.state.copy)

    def curve(self, name: str = "console") -> ClientCurve | None:
        return None if self.settings.insecure else ClientCurve.local(self.settings.data_dir,
                                                                     name)

    def client(self, user: str = "lead", *, workstation: str = "ws-test", timeout_s: float = 2.0,
               retries: int = 2, login: bool = True, key: str = "console") -> CommandClient:
        c = CommandClient(self.endpoints.command, curve=self.curve(key), timeout_s=timeout_s,
                          retries=retries)
        if login:
            c.login(user, DEMO_PASSWORDS[user], workstation)
        self.clients.append(c)
        return c

    def mirror(self, user: str = "lead", *, subtree: str | None = None, live: bool = True
               ) -> StateMirror:
        source = SessionSource(self.endpoints.command, user, DEMO_PASSWORDS[user], "ws-mirror",
                               curve=self.curve())
        if subtree is None:
            source()
            assert source.login is not None
            subtree = source.login.subtree
        m = StateMirror(self.endpoints.snapshot, self.endpoints.update, subtree=subtree,
                        token=source, curve=self.curve(), hugz_interval_s=HUGZ_S)
        m.start()
        self.mirrors.append(m)
        if live:
            m.wait_live(10)
        return m

    def stop(self) -> None:
        for c in self.clients:
            c.close()
        for m in self.mirrors:
            m.close()
        self.server.stop()
        self.thread.join(10)
        assert not self.thread.is_alive(), "server thread did not stop"


def server_settings(data_dir: Path, db_url: str, **overrides: Any) -> Settings:
    base: dict[str, Any] = {"data_dir": data_dir, "db_url": db_url, "insecure": True,
                            "command_port": 0, "snapshot_port": 0, "update_port": 0,
                            "hugz_interval_s": HUGZ_S}
    return Settings(**{**base, **overrides})


@pytest.fixture
def server_factory(tmp_path: Path, catalogue: Any, demo_city: Any
                   ) -> Iterator[Callable[..., RunningServer]]:
    """``start(db_url=None, **settings)`` → a :class:`RunningServer` on random ports."""
    started: list[RunningServer] = []

    def start(db_url: str | None = None, **overrides: Any) -> RunningServer:
        url = db_url or f"sqlite:///{tmp_path / 'server.sqlite'}"
        settings = server_settings(tmp_path, url, **overrides)
        srv = open_server(settings, catalogue=catalogue, city=demo_city)
        srv.bind()
        th = threading.Thread(target=srv.serve_forever, name="test-server", daemon=True)
        th.start()
        rs = RunningServer(srv, th, settings)
        started.append(rs)
        return rs

    yield start
    for rs in started:
        if rs.thread.is_alive():
            rs.stop()


@pytest.fixture
def server_running(store_url: str, server_factory: Callable[..., RunningServer]
                   ) -> RunningServer:
    """A server on SQLite and on PostgreSQL (the ``store_url`` parameters)."""
    return server_factory(store_url)


def mirror_matches(mirror: StateMirror, server: DispatchServer, subtree: str = "") -> None:
    """Assert that the mirror holds exactly the server's records under ``subtree``."""
    state = server.engine.state
    want_inc = {i.id: incident_to_dict(i) for i in state.incidents.values()
                if scope_subtree(i.grid).startswith(subtree)}
    want_units = {u.id: unit_to_dict(u) for u in state.units.values()
                  if scope_subtree(u.home_grid).startswith(subtree)}
    got_inc = {k: incident_to_dict(v) for k, v in mirror.state.incidents.items()}
    got_units = {k: unit_to_dict(v) for k, v in mirror.state.units.items()}
    assert set(got_inc) == set(want_inc)
    assert set(got_units) == set(want_units)
    assert got_inc == want_inc
    assert got_units == want_units


def settle(mirror: StateMirror, server: DispatchServer, timeout: float = 5.0) -> None:
    """Run the mirror until it is live at the server's current event sequence."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        mirror.run_once(20)
        if mirror.live and mirror.state.seq >= server.engine.state.seq:
            # one more round for updates of the same batch still in flight
            mirror.run_once(20)
            return
    raise AssertionError(f"mirror did not catch up: {mirror.info()}")


# ----------------------------------------------------------------------------- subprocess


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[Callable[[str], ServerProcess]]:
    """``make(db_url)`` → a :class:`ServerProcess` (not started) on three free ports."""
    made: list[ServerProcess] = []

    def make(db_url: str) -> ServerProcess:
        sp = ServerProcess(db_url=db_url, data_dir=tmp_path, insecure=True,
                           extra=["--hugz-interval", str(HUGZ_S)],
                           stderr=subprocess.DEVNULL)
        made.append(sp)
        return sp

    yield make
    for sp in made:
        if sp.proc is not None and sp.proc.poll() is None:
            sp.proc.kill()
            sp.proc.wait(10)
