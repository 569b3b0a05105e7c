"""The server as a process: kill -9 under load and restart (no acknowledged event lost, none
applied twice, clients carry on and mirrors resync by themselves), and a graceful stop on
SIGTERM. On SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from dispatch.adapters.client import CommandClient, SessionSource, StateMirror
from dispatch.adapters.security.operators import DEMO_PASSWORDS
from dispatch.adapters.store import EventStore
from dispatch.domain import commands as cmd
from dispatch.domain.errors import DispatchError, Unavailable
from dispatch.services.rebuild import state_at
from tests.integration.conftest import HUGZ_S, ServerProcess


def grid_points(url: str, n: int) -> list[tuple[float, float]]:
    from dispatch.adapters.geojson_io.load import import_geojson

    store = EventStore(url)
    try:
        city = import_geojson(store.load_city_geojson() or {})
    finally:
        store.close()
    grids = sorted(r.code for r in city.grids())
    out = []
    for i in range(n):
        p = city.regions[grids[(i * 7) % len(grids)]].geometry.representative_point()
        out.append((p.x, p.y))
    return out


class Loader(threading.Thread):
    """Reports incidents as fast as the server answers; retries the same id until acked."""

    def __init__(self, sp: ServerProcess, points: list[tuple[float, float]], n: int,
                 class_code: str, name: str) -> None:
        super().__init__(name=name, daemon=True)
        self.sp, self.points, self.n, self.class_code = sp, points, n, class_code
        self.acked: dict[str, int] = {}  # command id → seq in the reply
        self.incident_of: dict[str, str] = {}
        self.errors: list[str] = []
        self.retries = 0

    def run(self) -> None:
        client = CommandClient(self.sp.command, timeout_s=0.5, retries=1)
        deadline = time.monotonic() + 60
        try:
            while not self._login(client):
                time.sleep(0.1)
            for i in range(self.n):
                cid = uuid.uuid4().hex
                lon, lat = self.points[i % len(self.points)]
                command = cmd.ReportIncident("hotline", self.class_code, lon, lat,
                                             f"{self.name} #{i}")
                while time.monotonic() < deadline:
                    try:
                        r = client.execute(command, command_id=cid)
                    except Unavailable:
                        self.retries += 1
                        continue  # the server is down: the same id again
                    except DispatchError as exc:
                        self.errors.append(f"{type(exc).__name__}: {exc}")
                        break
                    self.acked[cid] = r.seq
                    self.incident_of[cid] = r.result["incident_id"]
                    break
        finally:
            client.close()

    def _login(self, client: CommandClient) -> bool:
        try:
            client.login("field", DEMO_PASSWORDS["field"], self.name)
            return True
        except Unavailable:
            return False


def test_kill9_under_load_loses_nothing(server_process: Any, store_url: str) -> None:
    sp: ServerProcess = server_process(store_url)
    sp.start()
    points = grid_points(store_url, 20)
    from dispatch.adapters.catalogue_loader import default_catalogue

    class_code = next(iter(default_catalogue().minors))
    source = SessionSource(sp.command, "lead", DEMO_PASSWORDS["lead"], "ws-mirror",
                           timeout_s=0.5, retries=1)
    mirror = StateMirror(sp.snapshot, sp.update, token=source, hugz_interval_s=HUGZ_S)
    mirror.start()
    mirror.wait_live(10)
    loaders = [Loader(sp, points, 60, class_code, f"gw-{i}") for i in range(3)]
    for t in loaders:
        t.start()
    while sum(len(t.acked) for t in loaders) < 30:
        mirror.run_once(10)
    sp.kill()  # kill -9 in the middle of the load
    killed_at = sum(len(t.acked) for t in loaders)
    deadline = time.monotonic() + 20  # until a loader has met the dead server
    while sum(t.retries for t in loaders) == 0 and time.monotonic() < deadline:
        for t in loaders:
            t.join(0.05)
    sp.start()
    assert sp.ready_seq > 0
    for t in loaders:
        while t.is_alive():
            mirror.run_once(20)
            t.join(0.01)
    assert not [e for t in loaders for e in t.errors]
    acked = {cid: seq for t in loaders for cid, seq in t.acked.items()}
    assert len(acked) == 180
    assert killed_at < 180
    assert sum(t.retries for t in loaders) > 0, "the kill should have interrupted someone"

    # the database: every acknowledged command exactly once, at the sequence acknowledged
    store = EventStore(store_url)
    try:
        events = list(store.read())
        by_cid: dict[str, list[int]] = {}
        for e in events:
            if e.command_id:
                by_cid.setdefault(e.command_id, []).append(e.seq)
        assert [e.seq for e in events] == list(range(1, len(events) + 1)), "no holes"
        for cid, seq in acked.items():
            assert by_cid.get(cid) == [seq], f"command {cid} stored {by_cid.get(cid)}"
        assert all(len(v) == 1 for v in by_cid.values()), "nothing applied twice"
        final = state_at(store)
    finally:
        store.close()
    incidents = {iid for t in loaders for iid in t.incident_of.values()}
    assert len(incidents) == 180

    # the mirror resynced by itself and holds the server's state
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not (mirror.live and incidents <= set(
            mirror.state.incidents)):
        mirror.run_once(50)
    assert mirror.resyncs >= 1
    assert mirror.live
    assert set(mirror.state.incidents) == set(final.incidents)
    assert mirror.state.incidents == final.incidents
    assert sp.terminate() == 0
    mirror.close()


def test_sigterm_stops_gracefully(server_process: Any, tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'term.sqlite'}"
    sp: ServerProcess = server_process(url)
    sp.start()
    c = CommandClient(sp.command, timeout_s=2)
    c.login("lead", DEMO_PASSWORDS["lead"], "ws")
    lon, lat = grid_points(url, 1)[0]
    from dispatch.adapters.catalogue_loader import default_catalogue

    class_code = next(iter(default_catalogue().minors))
    r = c.execute(cmd.ReportIncident("hotline", class_code, lon, lat, "收工前"))
    c.close()
    t0 = time.monotonic()
    assert sp.terminate() == 0
    assert time.monotonic() - t0 < 5
    sp.start()
    assert sp.ready_seq == r.seq, "restarts at the same sequence"
    assert sp.terminate() == 0
