"""late_joiner: seconds for a new console to receive a city-scale snapshot (8,000 grids,
26,000 units, 50,000 open incidents) over RFC 12 and be live — every record decoded into its
:class:`DispatchState` — against a raw ROUTER streaming the same number of pre-encoded
messages of the same bodies to a DEALER (no decoding).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import zmq
import zmq.backend

from bench.bench_feed_throughput import CACHE, copy_db
from bench.common import report

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = 50_000
START = 1_795_000_000.0


def late_db() -> Path:
    """A cached database: the city, its units, 50,000 open incidents and a state snapshot."""
    from dispatch.adapters.bootstrap import open_engine
    from dispatch.adapters.store import EventStore
    from dispatch.domain import commands as cmd
    from dispatch.domain.roles import Actor, Role

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"late-joiner-city-{INCIDENTS}.sqlite"
    if path.exists():
        return path
    tmp = path.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    t = [START]
    store = EventStore(f"sqlite:///{tmp}")
    engine = open_engine(store, size="city", seed=1, clock=lambda: t[0])
    grids = sorted(r.code for r in engine.city.grids())
    points = [engine.city.regions[g].geometry.representative_point() for g in grids]
    minors = sorted(engine.catalogue.minors)
    field = Actor("gateway", Role.FIELD_GATEWAY, workstation="bench")
    for i in range(INCIDENTS):
        p = points[(i * 7919) % len(points)]
        t[0] += 0.5
        engine.execute(cmd.ReportIncident("grid_worker", minors[i % len(minors)], p.x, p.y,
                                          f"巡查发现问题 #{i}"), field, commit=False)
        if len(engine.pending) >= 5000:
            engine.commit()
    engine.commit()
    engine.snapshot()
    store.close()
    tmp.rename(path)
    return path


def raw_server(port: int, db: str) -> None:
    """Stream the same records, pre-encoded, to whoever asks."""
    from dispatch.adapters.protocol.records import encode_incident, encode_unit
    from dispatch.adapters.store import EventStore
    from dispatch.services.rebuild import state_at

    store = EventStore(db)
    state = state_at(store)
    store.close()
    msgs = [(k.encode(), b) for k, b in (encode_unit(u) for u in state.units.values())]
    msgs += [(k.encode(), b) for k, b in (encode_incident(i) for i in state.incidents.values())]
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.ROUTER)
    sock.setsockopt(zmq.SNDHWM, 0)
    sock.bind(f"tcp://127.0.0.1:{port}")
    print(f"ready {len(msgs)}", flush=True)
    seq = (0).to_bytes(8, "big")
    send, more = zmq.backend.Socket.send, int(zmq.SNDMORE)  # the fastest pyzmq path
    while True:
        ident, req = sock.recv_multipart()
        if req == b"STOP":
            return
        for key, body in msgs:
            send(sock, ident, more)
            send(sock, key, more)
            send(sock, seq, more)
            send(sock, b"", more)
            send(sock, b"", more)
            send(sock, body, 0)
        sock.send_multipart([ident, b"KTHXBAI", seq, b"", b"", b""])


def measure_ours(db: Path) -> tuple[float, int, int]:
    from dispatch.adapters.client import CommandClient, StateMirror
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.adapters.server.process import ServerProcess

    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        # the cached incidents are long overdue: keep the clock rules out of the measurement
        rules = work / "no-rules.json"
        rules.write_text('{"raise_clock_events": false, "rules": []}')
        sp = ServerProcess(db_url=copy_db(db, work), data_dir=work, insecure=True,
                           extra=["--rules", str(rules)]).start()
        try:
            c = CommandClient(sp.command, timeout_s=10)
            c.login("wall", DEMO_PASSWORDS["wall"], "bench-wall")
            best = float("inf")
            for _ in range(3):
                t0 = time.perf_counter()
                m = StateMirror(sp.snapshot, sp.update, token=c.session)
                m.start()
                m.wait_live(60)
                best = min(best, time.perf_counter() - t0)
                n_units, n_inc = len(m.state.units), len(m.state.incidents)
                m.close()
            c.close()
        finally:
            sp.stop()
    return best, n_units, n_inc


def measure_raw(db: Path) -> float:
    from dispatch.adapters.server.process import free_ports

    port = free_ports(1)[0]
    ch = subprocess.Popen([sys.executable, "-m", "bench.bench_late_joiner", "raw", str(port),
                           f"sqlite:///{db}"], cwd=ROOT, text=True, stdout=subprocess.PIPE)
    assert ch.stdout is not None
    ch.stdout.readline()
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.RCVHWM, 0)
    sock.connect(f"tcp://127.0.0.1:{port}")
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        sock.send(b"ICANHAZ?")
        recv, get, more = zmq.backend.Socket.recv, zmq.backend.Socket.get, int(zmq.RCVMORE)
        while True:
            first = recv(sock, 0)
            while get(sock, more):
                recv(sock, 0)
            if first == b"KTHXBAI":
                break
        best = min(best, time.perf_counter() - t0)
    sock.send(b"STOP")
    ch.wait(30)
    sock.close()
    return best


def main() -> None:
    db = late_db()
    ours, n_units, n_inc = measure_ours(db)
    raw = measure_raw(db)
    report("late_joiner", ours, "s", raw, target="< 2 s", units=n_units, incidents=n_inc)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "raw":
        raw_server(int(sys.argv[2]), sys.argv[3])
    else:
        main()
