"""feed_throughput: state updates per second from the dispatch server through the RFC 12 feed
into a client's :class:`StateMirror` (decoded and applied), against raw pyzmq PUB/SUB of the
same JSON bodies with a JSON decode on the subscriber.

Ours: the server (a child process) on a city-sized state (26,000 units) takes position
reports from a field gateway (another child process sending pre-encoded commands of 2,000
rows, a window of three in flight), validates, stores and applies each batch, and publishes
one five-frame CHP update per moved unit; the mirror in this process applies them.

Raw: a child process publishes pre-encoded unit bodies (one frame each) as fast as it can;
this process receives and decodes them. Both sides run while they are counted, as ours do;
high-water marks of 100,000 make the publisher drop rather than queue gigabytes, so the
subscriber's rate is its limit. The baseline decodes with the standard library's
``json.loads``; the same run also reports the raw rate with ``orjson.loads`` (what the mirror
uses), against which no Python server path comes near 0.4. ``server_cpu_us``,
``mirror_cpu_us`` and ``feeder_cpu_us``: each process's CPU time (all its threads, ZeroMQ's
I/O thread included) per update received, steadier between runs than the rate itself.

Peer, in the same run: the same city updates (the 26,000 units' bodies under their feed keys)
through NATS JetStream key-value, a publisher putting them and a KV watcher applying them to a
mirror (bench/peers_nats.py; the NATS server of ``GRIDLINE_BENCH_NATS_URL``, by default
127.0.0.1:4222). ``nats_rate`` is what that watcher applies per second, ``ratio_to_nats``
ours / peer; if NATS cannot be reached, ``nats_error`` says so and the row still has ours.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import timeit
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import psutil
import zmq

from bench import peers_nats
from bench.common import report

CACHE = Path(__file__).resolve().parent / ".cache"
ROOT = Path(__file__).resolve().parent.parent
WARMUP_S = 1.5
MEASURE_S = 5.0
ROWS = 2000
WINDOW = 3


def city_db() -> Path:
    """A cached SQLite database with the city and its 26,000 units (and a state snapshot)."""
    from dispatch.adapters.bootstrap import open_engine
    from dispatch.adapters.store import EventStore

    CACHE.mkdir(exist_ok=True)
    path = CACHE / "feed-city-units.sqlite"
    if not path.exists():
        tmp = path.with_suffix(".partial")
        tmp.unlink(missing_ok=True)
        store = EventStore(f"sqlite:///{tmp}")
        engine = open_engine(store, size="city", seed=1)
        engine.snapshot()
        store.close()
        tmp.rename(path)
    return path


def copy_db(src: Path, work: Path) -> str:
    dst = work / "gridline.sqlite"
    shutil.copy(src, dst)
    return f"sqlite:///{dst}"


def child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bench.bench_feed_throughput", *args],
                            cwd=ROOT, text=True, stdout=subprocess.PIPE)


# ------------------------------------------------------------------------------- children


def feeder(command_ep: str, snapshot_ep: str, update_ep: str, seconds: float) -> None:
    """Log in as the field gateway and report positions of every unit, round and round."""
    from dispatch.adapters.client import CommandClient, StateMirror
    from dispatch.adapters.protocol.messages import parse_reply
    from dispatch.adapters.security.operators import DEMO_PASSWORDS

    c = CommandClient(command_ep, timeout_s=10)
    c.login("field", DEMO_PASSWORDS["field"], "bench-feeder")
    m = StateMirror(snapshot_ep, update_ep, token=c.session)
    m.start()
    m.wait_live(60)
    units = [(u.id, u.lon, u.lat) for u in m.state.units.values()]
    m.close()
    rng = random.Random(1)
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.DEALER)
    sock.connect(command_ep)
    # Two rounds of jittered positions for every unit, encoded once up front (like the raw
    # publisher's bodies), so that the load generator takes little of the two cores.
    chunks: list[bytes] = []
    for _ in range(2):
        for start in range(0, len(units), ROWS):
            rows = [[u, lon + rng.uniform(-1e-4, 1e-4), lat + rng.uniform(-1e-4, 1e-4)]
                    for u, lon, lat in units[start:start + ROWS]]
            chunks.append(json.dumps({"type": "positions", "session": c.session,
                                      "args": {"rows": rows}}).encode()[1:])
    print("ready", flush=True)
    sent = acked = rows_acked = 0
    end = time.monotonic() + seconds
    pending: dict[str, int] = {}
    while time.monotonic() < end:
        while len(pending) < WINDOW:
            rid = uuid.uuid4().hex
            sock.send_multipart([b"", b'{"id":"%s",' % rid.encode() + chunks[sent % len(chunks)]])
            pending[rid] = ROWS
            sent += 1
        if sock.poll(1000):
            r = parse_reply(sock.recv_multipart()[-1])
            n = pending.pop(str(r.id), 0)
            if r.ok:
                acked += 1
                rows_acked += n
    print(json.dumps({"sent": sent, "acked": acked, "rows": rows_acked}), flush=True)


def raw_publisher(port: int, seconds: float, body_file: str) -> None:
    bodies = json.loads(Path(body_file).read_text())
    payloads = [b.encode() for b in bodies]
    pub: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.PUB)
    pub.setsockopt(zmq.SNDHWM, 100_000)  # drop rather than queue gigabytes
    pub.bind(f"tcp://127.0.0.1:{port}")
    time.sleep(0.5)  # let the subscriber connect
    print("ready", flush=True)
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        for p in payloads:
            pub.send(p)
        n += len(payloads)


# ----------------------------------------------------------------------------- measuring


def measure_ours(db: Path) -> tuple[float, dict[str, Any], list[Any]]:
    from dispatch.adapters.client import CommandClient, StateMirror
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.adapters.server.process import ServerProcess

    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        sp = ServerProcess(db_url=copy_db(db, work), data_dir=work, insecure=True).start()
        try:
            c = CommandClient(sp.command, timeout_s=10)
            c.login("lead", DEMO_PASSWORDS["lead"], "bench")
            m = StateMirror(sp.snapshot, sp.update, token=c.session)
            m.start()
            m.wait_live(60)
            f = child("feeder", sp.command, sp.snapshot, sp.update,
                      str(WARMUP_S + MEASURE_S + 1.0))
            assert f.stdout is not None
            f.stdout.readline()  # ready
            end_warm = time.monotonic() + WARMUP_S
            while time.monotonic() < end_warm:
                m.run_once(10)
            assert sp.proc is not None
            procs = {"server": psutil.Process(sp.proc.pid), "mirror": psutil.Process(),
                     "feeder": psutil.Process(f.pid)}
            cpu0 = {name: _cpu_s(p) for name, p in procs.items()}
            n0, t0 = m.updates, time.perf_counter()
            end = time.monotonic() + MEASURE_S
            while time.monotonic() < end:
                m.run_once(10)
            n1, t1 = m.updates, time.perf_counter()
            cpu = {name: _cpu_s(p) - cpu0[name] for name, p in procs.items()}
            fed = json.loads(f.stdout.readline() or "{}")
            f.wait(30)
            info = m.info()
            m.close()
            c.close()
        finally:
            sp.stop()
    rate = (n1 - n0) / (t1 - t0)
    # CPU time (all threads, ZeroMQ's I/O thread included) per update received: steadier
    # than the rate, which also depends on how the two cores are shared at the moment.
    per_update = {f"{name}_cpu_us": round(s * 1e6 / max(1, n1 - n0), 2) for name, s in cpu.items()}
    return rate, {"resyncs": info.resyncs, "gaps": info.gaps, "rows_fed": fed.get("rows"),
                  "units": len(m.state.units), **per_update}, list(m.state.units.values())


def _cpu_s(proc: psutil.Process) -> float:
    t = proc.cpu_times()
    return float(t.user + t.system)


def measure_raw(bodies: list[str], loads: Callable[[bytes], Any]) -> float:
    port = _free_port()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(bodies, fh)
        body_file = fh.name
    sub: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.SUB)
    sub.setsockopt(zmq.RCVHWM, 100_000)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(f"tcp://127.0.0.1:{port}")
    p = child("rawpub", str(port), str(WARMUP_S + MEASURE_S), body_file)
    assert p.stdout is not None
    p.stdout.readline()
    # The publisher outruns the subscriber, so the subscriber is busy for the whole window:
    # count what it decodes between the end of the warm-up and the end of the window (a
    # poll timeout, not an end marker, so an unread backlog at the publisher's exit is fine).
    n = 0
    n0 = 0
    t_start = time.perf_counter()
    t_warm, t_end = t_start + WARMUP_S, t_start + WARMUP_S + MEASURE_S
    t0 = t1 = t_start
    sub.setsockopt(zmq.RCVTIMEO, 2000)
    recv = sub.recv
    while True:
        try:
            msg = recv()
        except zmq.Again:
            break
        loads(msg)
        n += 1
        if not n & 255:
            now = time.perf_counter()
            if not n0 and now >= t_warm:
                n0, t0 = n, now
            elif now >= t_end:
                t1 = now
                break
    sub.close(linger=0)
    p.kill()
    p.wait(30)
    Path(body_file).unlink()
    return (n - n0) / (t1 - t0)


def json_loads_us(body: bytes) -> float:
    """Microseconds for one ``json.loads`` of ``body``, best of five: the machine's phase
    (~3 µs quiet, 5–9 slow for a unit body), to read the run's rates against."""
    n = 50_000
    return min(timeit.repeat(lambda: json.loads(body), number=n, repeat=5)) / n * 1e6


def _free_port() -> int:
    from dispatch.adapters.server.process import free_ports

    return free_ports(1)[0]


def main() -> None:
    db = city_db()
    rate, extra, units = measure_ours(db)
    from dispatch.adapters.protocol.records import dumps, unit_to_dict
    from dispatch.domain.state import UnitState

    bodies = [dumps(unit_to_dict(UnitState(f"U-police-{i}", "police", "patrol_car", f"警{i}",
                                           "320508001001001", 120.6 + i * 1e-5, 31.3)))
              .decode() for i in range(2000)]
    raw = measure_raw(bodies, json.loads)
    raw_orjson = measure_raw(bodies, orjson.loads)
    nats = peers_nats.measure(units, WARMUP_S, MEASURE_S)
    if "nats_rate" in nats:
        nats["ratio_to_nats"] = round(rate / nats["nats_rate"], 3)
        nats["nats_rate"] = round(nats["nats_rate"])
    report("feed_throughput", rate, "updates/s", raw,
           target="≥ 80,000/s (pure Python); ahead of the NATS KV peer",
           raw_orjson=round(raw_orjson), ratio_orjson=round(rate / raw_orjson, 3),
           json_loads_us=round(json_loads_us(bodies[0].encode()), 2),
           **extra, peer="NATS JetStream KV (nats-py)", **nats)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "feeder":
        feeder(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "rawpub":
        raw_publisher(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
    else:
        main()
