"""command_rtt: round trip of a command (report an incident) from a :class:`CommandClient` to
the dispatch server and back — validated, stored, published, acknowledged — at 100 commands/s
while 10,000 unit updates/s flow through the feed to a live mirror; against a raw pyzmq
DEALER/ROUTER echo of a message of the same size at the same rate.

The load (position reports and a mirror consuming the feed) runs in a child process; the
server in another; the measuring client here.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import zmq

from bench.bench_feed_throughput import city_db, copy_db
from bench.common import report

ROOT = Path(__file__).resolve().parent.parent
RATE = 100.0  # commands per second
SECONDS = 6.0
LOAD_UPDATES_PER_S = 10_000
LOAD_ROWS = 500


def child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bench.bench_command_rtt", *args],
                            cwd=ROOT, text=True, stdout=subprocess.PIPE)


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


# -------------------------------------------------------------------------------- load


def load(command_ep: str, snapshot_ep: str, update_ep: str, seconds: float) -> None:
    """Report positions of 10,000 units a second and consume the feed with a mirror."""
    import random
    import threading

    from dispatch.adapters.client import CommandClient, StateMirror
    from dispatch.adapters.security.operators import DEMO_PASSWORDS

    c = CommandClient(command_ep, timeout_s=10)
    c.login("field", DEMO_PASSWORDS["field"], "bench-load")
    m = StateMirror(snapshot_ep, update_ep, token=c.session)
    m.start()
    m.wait_live(60)
    units = [(u.id, u.lon, u.lat) for u in m.state.units.values()]
    stop = threading.Event()

    def consume() -> None:
        while not stop.is_set():
            m.run_once(20)

    t = threading.Thread(target=consume, daemon=True)
    t.start()
    print("ready", flush=True)
    rng = random.Random(2)
    period = LOAD_ROWS / LOAD_UPDATES_PER_S
    pos = 0
    sent = 0
    next_t = time.monotonic()
    end = next_t + seconds
    while time.monotonic() < end:
        rows = tuple((u, lon + rng.uniform(-1e-4, 1e-4), lat) for u, lon, lat in
                     (units[(pos + i) % len(units)] for i in range(LOAD_ROWS)))
        pos += LOAD_ROWS
        c.request("positions", {"rows": [list(r) for r in rows]})
        sent += LOAD_ROWS
        next_t += period
        time.sleep(max(0.0, next_t - time.monotonic()))
    stop.set()
    t.join(5)
    print(json.dumps({"rows": sent, "mirror_updates": m.updates, "resyncs": m.resyncs}),
          flush=True)


def echo(port: int) -> None:
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.ROUTER)
    sock.bind(f"tcp://127.0.0.1:{port}")
    print("ready", flush=True)
    while True:
        frames = sock.recv_multipart()
        if frames[-1] == b"STOP":
            return
        sock.send_multipart(frames)


# ----------------------------------------------------------------------------- measure


def paced(fn: Callable[[int], object], n: int) -> list[float]:
    out: list[float] = []
    period = 1.0 / RATE
    next_t = time.monotonic()
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000.0)
        next_t += period
        time.sleep(max(0.0, next_t - time.monotonic()))
    return out


def measure_ours() -> tuple[list[float], dict[str, Any]]:
    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.adapters.client import CommandClient, StateMirror
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.adapters.server.process import ServerProcess
    from dispatch.domain import commands as cmd

    class_code = next(iter(default_catalogue().minors))
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        sp = ServerProcess(db_url=copy_db(city_db(), work), data_dir=work,
                           insecure=True).start()
        try:
            c = CommandClient(sp.command, timeout_s=10)
            c.login("lead", DEMO_PASSWORDS["lead"], "bench-rtt")
            m = StateMirror(sp.snapshot, sp.update, token=c.session)
            m.start()
            m.wait_live(60)
            points = [(u.lon, u.lat) for u in list(m.state.units.values())[:2000]]
            m.close()
            ld = child("load", sp.command, sp.snapshot, sp.update, str(SECONDS + 3))
            assert ld.stdout is not None
            ld.stdout.readline()
            time.sleep(1.0)  # let the load settle

            def one(i: int) -> None:
                lon, lat = points[(i * 37) % len(points)]
                c.execute(cmd.ReportIncident("hotline", class_code, lon, lat, "井盖缺失"))

            rtts = paced(one, int(RATE * SECONDS))
            stats = json.loads(ld.stdout.readline() or "{}")
            ld.wait(60)
            c.close()
        finally:
            sp.stop()
    return rtts, stats


def measure_raw() -> list[float]:
    from dispatch.adapters.server.process import free_ports

    port = free_ports(1)[0]
    ch = child("echo", str(port))
    assert ch.stdout is not None
    ch.stdout.readline()
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.DEALER)
    sock.connect(f"tcp://127.0.0.1:{port}")
    body = json.dumps({"id": uuid.uuid4().hex, "type": "report", "session": "x" * 43,
                       "args": {"source": "hotline", "class_code": "0101", "lon": 120.6,
                                "lat": 31.3, "description": "井盖缺失"}}).encode()

    def one(_i: int) -> None:
        sock.send_multipart([b"", body])
        sock.recv_multipart()

    for _ in range(50):
        one(0)
    rtts = paced(one, int(RATE * SECONDS))
    sock.send_multipart([b"", b"STOP"])
    ch.wait(10)
    sock.close()
    return rtts


def main() -> None:
    rtts, load_stats = measure_ours()
    raw = measure_raw()
    p50, p99 = statistics.median(rtts), percentile(rtts, 99)
    r50, r99 = statistics.median(raw), percentile(raw, 99)
    extra: dict[str, Any] = {"commands": len(rtts), "load_rows_per_s": round(load_stats.get("rows", 0)
                                                              / (SECONDS + 3)),
             "mirror_resyncs": load_stats.get("resyncs")}
    report("command_rtt_p50", p50, "ms", r50, target="(p99 is the target)", **extra)
    report("command_rtt_p99", p99, "ms", r99, target="< 20 ms at 100 cmd/s under 10k upd/s",
           **extra)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "load":
        load(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "echo":
        echo(int(sys.argv[2]))
    else:
        main()
