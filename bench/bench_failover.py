"""failover: a PostgreSQL pair under city load, the leader killed (kill -9) ``ROUNDS`` times.

Two dispatch servers (child processes, CURVE on, sharing the server key and the client
allow-list as a deployed pair does) on one scratch PostgreSQL schema of
``GRIDLINE_BENCH_PG_URL`` (default: the test server); the city of ``GRIDLINE_BENCH_FAILOVER_SIZE``
(default ``city``: 8,000 grids, 26,000 units). The load, through clients given both
addresses: every unit's position every 5 s (5,200 rows/s in batches of 1,000) and hotline
reports at ``INCIDENTS_PER_S``; each command is sent again with the same id until it is
acknowledged. A mirror of the whole city (the shift lead) follows in the main thread.

Each round kills the leader with SIGKILL and measures, from the kill, until a probe command
is acknowledged by the new leader **and** the mirror is live again on it: ``failover_time``
is the p99 (with 10 rounds, the worst) of that. The killed server is then started again and
follows as the standby before the next round. ``failover_lost``: acknowledged commands that
are not in the events table exactly once at the end (also counted: gaps and duplicates of
the sequence, which must be none). The feed's heartbeat is 0.3 s here (``--hugz-interval``),
so a mirror notices a silent leader within a second; the lease (``--leader-lease``) is the
default, a kill frees the lock at once. No raw baseline: there is nothing of ours to leave
out of a failover.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench.common import report
from dispatch.adapters.server.process import READY, STANDBY, ServerProcess

PG_URL = os.environ.get("GRIDLINE_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SIZE = os.environ.get("GRIDLINE_BENCH_FAILOVER_SIZE", "city")
ROUNDS = int(os.environ.get("GRIDLINE_BENCH_FAILOVER_ROUNDS", "10"))
HUGZ_S = 0.3
UNITS_PING_S = 5.0
BATCH = 1000
INCIDENTS_PER_S = 5.0
WARM_S = 3.0  # load on the new leader before the next kill
PROBE_TIMEOUT_S = 0.5  # a command not answered in this is sent to the next server
START_S = 1800.0  # a city on a new schema is generated and stored first


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))] if s else float("nan")


@contextmanager
def scratch_schema() -> Iterator[str]:
    schema = f"gl_bench_failover_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Load(threading.Thread):
    """Sends commands at a pace to whichever server leads; the same id again until it is
    acknowledged; ``acked`` holds the ids acknowledged."""

    def __init__(self, name: str, endpoints: str, curve: Any, period_s: float,
                 make: Any) -> None:
        super().__init__(daemon=True, name=name)
        self.endpoints, self.curve, self.period_s, self.make = endpoints, curve, period_s, make
        self.stop_flag = threading.Event()
        self.acked: list[str] = []
        self.retries = 0
        self.refused: list[str] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        from dispatch.adapters.client import CommandClient
        from dispatch.domain.errors import DispatchError, Unavailable

        client = CommandClient(self.endpoints, curve=self.curve, timeout_s=2.5, retries=1)
        try:
            client.login("field", "field-demo", f"bench-failover-{self.name}")
            t_next = time.monotonic()
            i = 0
            while not self.stop_flag.is_set():
                command = self.make(i)
                i += 1
                cid = uuid.uuid4().hex
                while True:  # until acknowledged, even while stopping: nothing left hanging
                    try:
                        client.execute(command, command_id=cid)
                        self.acked.append(cid)
                        break
                    except Unavailable:
                        self.retries += 1
                    except DispatchError as exc:
                        self.refused.append(f"{type(exc).__name__}: {exc}")
                        break
                t_next += self.period_s
                time.sleep(max(0.0, t_next - time.monotonic()))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            self.error = exc
        finally:
            client.close()


class Probe(threading.Thread):
    """After ``go`` is set: one command, sent until a leader acknowledges it; ``done_at``."""

    def __init__(self, endpoints: str, curve: Any, command: Any) -> None:
        super().__init__(daemon=True, name="probe")
        self.endpoints, self.curve, self.command = endpoints, curve, command
        self.go = threading.Event()
        self.done_at: float | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        from dispatch.adapters.client import CommandClient
        from dispatch.domain.errors import Unavailable

        # the first login (a password hash to check, under load) may take a while
        client = CommandClient(self.endpoints, curve=self.curve, timeout_s=5.0, retries=1)
        try:
            client.login("lead", "lead-demo", "bench-failover-probe")
            client.timeout_s = PROBE_TIMEOUT_S
            self.go.wait()
            cid = uuid.uuid4().hex
            while True:
                try:
                    client.execute(self.command, command_id=cid)
                    self.done_at = time.monotonic()
                    return
                except Unavailable:
                    continue
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            self.error = exc
        finally:
            client.close()


def server(url: str, data_dir: Path, name: str) -> ServerProcess:
    return ServerProcess(db_url=url, data_dir=data_dir,
                         extra=["--city-size", SIZE, "--hugz-interval", str(HUGZ_S)],
                         stderr=data_dir / f"{name}.log", log_level="WARNING")


def check_store(url: str, acked: list[str]) -> dict[str, int]:
    """Acknowledged ids missing or stored more than once; gaps and duplicates of seq."""
    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            n, top = conn.execute(text("SELECT count(*), coalesce(max(seq), 0) FROM events")
                                  ).one()
            # a command stores its events together: one applied twice would not be contiguous
            spans = {cid: (int(k), int(lo), int(hi)) for cid, k, lo, hi in conn.execute(text(
                "SELECT command_id, count(*), min(seq), max(seq) FROM events "
                "WHERE command_id IS NOT NULL GROUP BY command_id")).all()}
    finally:
        eng.dispose()
    lost = sum(1 for cid in acked if cid not in spans)
    twice = sum(1 for cid in acked if cid in spans
                and spans[cid][2] - spans[cid][1] + 1 != spans[cid][0])
    return {"lost": lost, "twice": twice, "gaps": int(top) - int(n), "events": int(n)}


def main() -> int:
    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.adapters.client import SessionSource, StateMirror
    from dispatch.adapters.client.commands import ClientCurve
    from dispatch.adapters.client.servers import join_endpoints
    from dispatch.domain import commands as cmd

    with scratch_schema() as url, tempfile.TemporaryDirectory(prefix="gl-failover-") as tmp:
        data_dir = Path(tmp)
        a, b = server(url, data_dir, "a"), server(url, data_dir, "b")
        t0 = time.perf_counter()
        a.start(START_S)
        b.launch()
        if not b.wait_line(STANDBY, START_S):
            print((data_dir / "b.log").read_text()[-3000:], file=sys.stderr)
            raise RuntimeError("the second server did not follow")
        print(f"# pair ready in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        eps = [join_endpoints([a.endpoint(i), b.endpoint(i)]) for i in range(3)]
        console_curve = ClientCurve.local(data_dir, "console")
        field_curve = ClientCurve.local(data_dir, "simulator")
        source = SessionSource(eps[0], "lead", "lead-demo", "bench-failover-mirror",
                               curve=console_curve, timeout_s=2.5, retries=1)
        source()
        assert source.login is not None
        mirror = StateMirror(eps[1], eps[2], subtree=source.login.subtree, token=source,
                             curve=console_curve, hugz_interval_s=HUGZ_S)
        mirror.start()
        mirror.wait_live(300)
        units = [(u.id, u.lon, u.lat) for u in mirror.state.units.values()]
        points = [(lon, lat) for _u, lon, lat in units[:2000]]
        classes = sorted(default_catalogue().minors)
        rng = random.Random(1)

        def positions(i: int) -> Any:
            rows = []
            for k in range(BATCH):
                uid, lon, lat = units[(i * BATCH + k) % len(units)]
                rows.append((uid, lon + rng.uniform(-3e-4, 3e-4), lat + rng.uniform(-3e-4, 3e-4)))
            return cmd.ReportPositions(tuple(rows))

        def incident(i: int) -> Any:
            lon, lat = points[i % len(points)]
            return cmd.ReportIncident("hotline", classes[i % len(classes)], lon, lat,
                                      f"市民来电：路面积水 #{i}")

        loads = [Load("positions", eps[0], field_curve,
                      BATCH / (len(units) / UNITS_PING_S), positions),
                 Load("incidents", eps[0], field_curve, 1.0 / INCIDENTS_PER_S, incident)]
        for t in loads:
            t.start()
        leader, standby = a, b
        times: list[float] = []
        try:
            for r in range(ROUNDS):
                end = time.monotonic() + WARM_S
                while time.monotonic() < end:
                    mirror.run_once(20)
                uid, lon, lat = units[r % len(units)]
                probe = Probe(eps[0], console_curve, cmd.ReportPositions(((uid, lon, lat),)))
                probe.start()
                time.sleep(0.5)  # logged in
                assert leader.proc is not None
                readies = sum(1 for x in standby.lines if x.startswith(READY))
                t_kill = time.monotonic()
                os.kill(leader.proc.pid, signal.SIGKILL)
                probe.go.set()
                resyncs = mirror.resyncs
                mirror_at: float | None = None
                while mirror_at is None or probe.done_at is None:
                    mirror.run_once(5)
                    if (mirror_at is None and mirror.live and mirror.resyncs > resyncs
                            and mirror.snapshot_endpoint == standby.snapshot):
                        mirror_at = time.monotonic()
                    if time.monotonic() - t_kill > 60:
                        raise RuntimeError(f"round {r}: no failover in 60 s "
                                           f"({mirror.info()}, probe {probe.done_at})")
                    if probe.error is not None:
                        raise probe.error
                took = max(mirror_at, probe.done_at) - t_kill
                times.append(took)
                assert standby.wait_line(READY, 1, readies + 1)
                print(f"# round {r}: {took:.2f} s (command {probe.done_at - t_kill:.2f} s, "
                      f"mirror {mirror_at - t_kill:.2f} s)", file=sys.stderr, flush=True)
                leader.proc.wait(10)
                leader.launch()  # the killed one comes back and follows
                if not leader.wait_line(STANDBY, START_S):
                    raise RuntimeError(f"round {r}: the killed server did not come back")
                leader, standby = standby, leader
        finally:
            for t in loads:
                t.stop_flag.set()
            for t in loads:
                while t.is_alive():
                    mirror.run_once(20)
                    t.join(0.01)
            moves = mirror.failovers  # one per round: it never went back to a dead server
            mirror.close()
            for sp in (a, b):
                sp.stop(30)
            keep = os.environ.get("GRIDLINE_BENCH_FAILOVER_LOGS")
            if keep:  # the servers' logs (leadership changes, timings) for a look afterwards
                Path(keep).mkdir(parents=True, exist_ok=True)
                for name in ("a.log", "b.log"):
                    shutil.copy(data_dir / name, Path(keep) / name)
        for t in loads:
            if t.error is not None:
                raise t.error
        acked = [cid for t in loads for cid in t.acked]
        got = check_store(url, acked)
        refused = [m for t in loads for m in t.refused]
        report("failover_time", percentile(times, 99), "s", None, target="< 3 s",
               rounds=len(times), mean_s=round(statistics.fmean(times), 3),
               min_s=round(min(times), 3), mirror_moves=moves, size=SIZE)
        report("failover_lost", got["lost"], "commands", None, target="0",
               acked=len(acked), refused=len(refused), applied_twice=got["twice"],
               sequence_gaps=got["gaps"],
               events=got["events"], retries=sum(t.retries for t in loads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
