"""end_to_end: latency from a field report to the event in a client's mirror, under city load.

Ours: a city-scale dispatch server (a child process, 8,000 grids, 26,000 units, CURVE on as
the product runs). A field gateway thread reports the position of every unit every 5 s
(5,200 rows/s in batches of 1,000 paced evenly); another field-gateway thread reports hotline
incidents at ``INCIDENTS_PER_S``, each with a unique external reference, noting the time just
before it sends. A :class:`StateMirror` logged in as the shift lead, in the main thread,
notes when each of those incidents first appears in its state. Latency = arrival − send;
``value`` is its p99 over ``MEASURE_S`` seconds after a warm-up. ``reply_p99_ms`` is the p99
round trip of the same commands (the server answers once their records are published), to
tell the server's share of the latency from the mirror's.

Raw: the same hops with pyzmq and nothing of ours, no load: a DEALER sends a JSON body of the
same size to a ROUTER in a child process, which decodes it, publishes a JSON body on a PUB
and answers the DEALER; a SUB here receives and decodes it. p99 of send → decoded.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import zmq

from bench.city_server import CityServer
from bench.common import report
from dispatch.adapters.server.process import free_ports

ROOT = Path(__file__).resolve().parent.parent
UNITS_PING_S = 5.0  # every unit reports its position every 5 s
BATCH = 1000
INCIDENTS_PER_S = 5.0
WARMUP_S = 5.0
MEASURE_S = 30.0
DRAIN_S = 2.0  # after the last report, how long to wait for it to arrive
RAW_SAMPLES = 1000
DESCRIPTION = "市民来电：路面积水严重，车辆通行困难，请尽快处理"


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))] if s else float("nan")


# --------------------------------------------------------------------------------- load


class PositionLoad(threading.Thread):
    """Reports the position of every unit once per ``UNITS_PING_S``, in even batches."""

    def __init__(self, endpoint: str, curve: Any, units: list[tuple[str, float, float]]
                 ) -> None:
        super().__init__(daemon=True, name="positions")
        self.endpoint, self.curve, self.units = endpoint, curve, units
        self.rate = len(units) / UNITS_PING_S
        self.stop_flag = threading.Event()
        self.sent = 0
        self.refused = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # reported by the main thread  # noqa: BLE001
            self.error = exc

    def _run(self) -> None:
        from dispatch.adapters.client import CommandClient
        from dispatch.domain import commands as cmd
        from dispatch.domain.errors import DispatchError

        rng = random.Random(1)
        client = CommandClient(self.endpoint, curve=self.curve, timeout_s=10)
        client.login("field", "field-demo", "bench-e2e-positions")
        period = BATCH / self.rate
        t_next = time.monotonic()
        i = 0
        try:
            while not self.stop_flag.is_set():
                rows = []
                for _ in range(BATCH):
                    uid, lon, lat = self.units[i % len(self.units)]
                    i += 1
                    rows.append((uid, lon + rng.uniform(-3e-4, 3e-4),
                                 lat + rng.uniform(-3e-4, 3e-4)))
                try:
                    client.execute(cmd.ReportPositions(tuple(rows)))
                    self.sent += BATCH
                except DispatchError:
                    self.refused += 1
                t_next += period
                time.sleep(max(0.0, t_next - time.monotonic()))
        finally:
            client.close()


class IncidentLoad(threading.Thread):
    """Reports hotline incidents, each with a unique external reference and its send time."""

    def __init__(self, endpoint: str, curve: Any, points: list[tuple[float, float]],
                 classes: list[str], rate: float) -> None:
        super().__init__(daemon=True, name="incidents")
        self.endpoint, self.curve, self.points, self.classes = endpoint, curve, points, classes
        self.rate = rate
        self.stop_flag = threading.Event()
        self.sent_at: dict[str, float] = {}  # external_ref -> perf_counter before sending
        self.reply_ms: dict[str, float] = {}  # external_ref -> round trip of its command
        self.refused = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # noqa: BLE001 - a boundary: report, never die
            self.error = exc

    def _run(self) -> None:
        from dispatch.adapters.client import CommandClient
        from dispatch.domain import commands as cmd
        from dispatch.domain.errors import DispatchError

        rng = random.Random(2)
        run = f"{time.time_ns():x}"
        client = CommandClient(self.endpoint, curve=self.curve, timeout_s=10)
        client.login("field", "field-demo", "bench-e2e-incidents")
        period = 1.0 / self.rate
        t_next = time.monotonic()
        n = 0
        try:
            while not self.stop_flag.is_set():
                lon, lat = rng.choice(self.points)
                ref = f"E2E-{run}-{n:06d}"
                n += 1
                command = cmd.ReportIncident("hotline", rng.choice(self.classes), lon, lat,
                                             DESCRIPTION, external_ref=ref)
                self.sent_at[ref] = time.perf_counter()
                try:
                    client.execute(command)
                    self.reply_ms[ref] = (time.perf_counter() - self.sent_at[ref]) * 1000
                except DispatchError:
                    self.refused += 1
                    del self.sent_at[ref]
                t_next += period
                time.sleep(max(0.0, t_next - time.monotonic()))
        finally:
            client.close()


# ------------------------------------------------------------------------------ measuring


def grid_points(db: Path, limit: int = 2000) -> list[tuple[float, float]]:
    """Representative points of the first ``limit`` grids of the server's city."""
    from dispatch.adapters.geojson_io.load import import_geojson
    from dispatch.adapters.store import EventStore

    store = EventStore(f"sqlite:///{db}", migrate=False)
    try:
        data = store.load_city_geojson()
    finally:
        store.close()
    if data is None:
        raise RuntimeError("the server's database holds no city")
    points = []
    for region in list(import_geojson(data).grids())[:limit]:
        p = region.geometry.representative_point()
        points.append((p.x, p.y))
    return points


def measure_ours(srv: CityServer) -> tuple[list[float], dict[str, Any]]:
    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.adapters.client import StateMirror
    from dispatch.adapters.client.commands import ClientCurve, SessionSource

    points = grid_points(srv.db)
    classes = sorted(default_catalogue().minors)
    console_curve = ClientCurve.local(srv.data_dir, "console")
    field_curve = ClientCurve.local(srv.data_dir, "simulator")
    source = SessionSource(srv.command, "lead", "lead-demo", "bench-e2e", curve=console_curve)
    source()
    assert source.login is not None
    mirror = StateMirror(srv.snapshot, srv.update, subtree=source.login.subtree, token=source,
                         curve=console_curve)
    mirror.start()
    positions: PositionLoad | None = None
    incidents: IncidentLoad | None = None
    try:
        mirror.wait_live(120)
        units = [(u.id, u.lon, u.lat) for u in mirror.state.units.values()]
        positions = PositionLoad(srv.command, field_curve, units)
        incidents = IncidentLoad(srv.command, field_curve, points, classes, INCIDENTS_PER_S)
        positions.start()
        incidents.start()

        arrived: dict[str, float] = {}
        sent_at = incidents.sent_at

        def pump(until: float) -> None:
            while time.perf_counter() < until:
                changes = mirror.run_once(5)
                now = time.perf_counter()
                state = mirror.state
                for iid in changes.incidents:
                    inc = state.incidents.get(iid)
                    if inc is None or not inc.external_ref or inc.external_ref in arrived:
                        continue
                    if inc.external_ref in sent_at:
                        arrived[inc.external_ref] = now
                for t in (positions, incidents):
                    if t is not None and t.error is not None:
                        raise RuntimeError(f"{t.name} load failed") from t.error

        t_start = time.perf_counter()
        pump(t_start + WARMUP_S)
        t0 = time.perf_counter()
        rows0, updates0, resyncs0 = positions.sent, mirror.updates, mirror.resyncs
        pump(t0 + MEASURE_S)
        t1 = time.perf_counter()
        rows1, updates1 = positions.sent, mirror.updates
        incidents.stop_flag.set()
        incidents.join(15)
        pump(time.perf_counter() + DRAIN_S)
    finally:
        for t in (incidents, positions):
            if t is not None:
                t.stop_flag.set()
        for t in (incidents, positions):
            if t is not None:
                t.join(15)
        mirror.close()

    measured = {ref: ts for ref, ts in sent_at.items() if t0 <= ts < t1}
    lat_ms = [(arrived[ref] - ts) * 1000 for ref, ts in measured.items() if ref in arrived]
    reply_ms = [incidents.reply_ms[ref] for ref in measured if ref in incidents.reply_ms]
    extra = {
        "reply_p99_ms": round(percentile(reply_ms, 99), 2),
        "reports": len(measured),
        "lost": len(measured) - len(lat_ms),
        "pings_per_s": round((rows1 - rows0) / (t1 - t0)),
        "feed_updates_per_s": round((updates1 - updates0) / (t1 - t0)),
        "units": len(units),
        "resyncs": mirror.resyncs - resyncs0,
        "gaps": mirror.gaps,
        "refused": positions.refused + incidents.refused,
    }
    return lat_ms, extra


# ------------------------------------------------------------------------------------ raw


def raw_router(router_port: int, pub_port: int) -> None:
    """Child: decode each request, publish a JSON body for it, answer the DEALER."""
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context.instance()
    router: zmq.Socket[bytes] = ctx.socket(zmq.ROUTER)
    router.bind(f"tcp://127.0.0.1:{router_port}")
    pub: zmq.Socket[bytes] = ctx.socket(zmq.PUB)
    pub.setsockopt(zmq.SNDHWM, 0)
    pub.bind(f"tcp://127.0.0.1:{pub_port}")
    print("ready", flush=True)
    seq = 0
    while True:
        frames = router.recv_multipart()
        req = json.loads(frames[-1])
        if req.get("type") == "stop":
            router.send_multipart([*frames[:-1], b'{"ok": true}'])
            break
        seq += 1
        body = json.dumps({"id": f"E{seq:06d}", "status": "reported", "version": seq,
                           **req["args"]}, ensure_ascii=False).encode()
        pub.send_multipart([b"incidents/" + str(seq).encode(), seq.to_bytes(8, "big"),
                            b"\0" * 16, f"ev={seq}\nn={seq}\n".encode(), body])
        router.send_multipart([*frames[:-1], json.dumps({"id": req["id"], "ok": True,
                                                         "result": {"id": seq}}).encode()])
    time.sleep(0.2)


def measure_raw() -> list[float]:
    router_port, pub_port = free_ports(2)
    p = subprocess.Popen([sys.executable, "-m", "bench.bench_end_to_end", "rawrouter",
                          str(router_port), str(pub_port)],
                         cwd=ROOT, text=True, stdout=subprocess.PIPE)
    ctx: zmq.Context[zmq.Socket[bytes]] = zmq.Context.instance()
    dealer: zmq.Socket[bytes] = ctx.socket(zmq.DEALER)
    sub: zmq.Socket[bytes] = ctx.socket(zmq.SUB)
    try:
        assert p.stdout is not None
        p.stdout.readline()  # ready
        dealer.setsockopt(zmq.LINGER, 0)
        dealer.connect(f"tcp://127.0.0.1:{router_port}")
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect(f"tcp://127.0.0.1:{pub_port}")
        rng = random.Random(3)
        lat_ms: list[float] = []

        def one(i: int) -> float:
            args = {"source": "hotline", "class_code": "0101", "lon": 120.6 + rng.random(),
                    "lat": 31.3 + rng.random(), "description": DESCRIPTION,
                    "reporter": "", "priority": "", "external_ref": f"RAW-{i:06d}",
                    "part_id": ""}
            t = time.perf_counter()
            dealer.send_multipart([b"", json.dumps({"id": f"{i:032x}", "type": "report",
                                                    "session": "x" * 43, "args": args},
                                                   ensure_ascii=False).encode()])
            json.loads(sub.recv_multipart()[-1])
            dt = time.perf_counter() - t
            json.loads(dealer.recv_multipart()[-1])
            return dt * 1000

        # subscriptions take a moment: send until one comes through, then warm up
        deadline = time.monotonic() + 10
        while not lat_ms:
            dealer.send_multipart([b"", json.dumps({"id": "probe", "type": "probe",
                                                    "args": {}}).encode()])
            dealer.recv_multipart()
            if sub.poll(100):
                sub.recv_multipart()
                lat_ms.append(0.0)
            elif time.monotonic() > deadline:
                raise RuntimeError("raw SUB never received")
        lat_ms.clear()
        for i in range(100):
            one(i)
        for i in range(RAW_SAMPLES):
            lat_ms.append(one(100 + i))
            time.sleep(0.002)
        dealer.send_multipart([b"", b'{"id": "stop", "type": "stop"}'])
        dealer.poll(2000)
    finally:
        dealer.close(0)
        sub.close(0)
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return lat_ms


def main() -> None:
    raw = measure_raw()
    with tempfile.TemporaryDirectory() as d:
        srv = CityServer(Path(d) / "server")
        try:
            ready_s = srv.start()
            lat_ms, extra = measure_ours(srv)
        finally:
            srv.stop()
    if not lat_ms:
        raise RuntimeError(f"no incident reached the mirror ({extra})")
    report("end_to_end", percentile(lat_ms, 99), "ms", percentile(raw, 99),
           target="p99 < 100 ms", p50_ms=round(statistics.median(lat_ms), 2),
           max_ms=round(max(lat_ms), 2), raw_p50_ms=round(statistics.median(raw), 3),
           server_ready_s=round(ready_s, 1), measure_s=MEASURE_S, **extra)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "rawrouter":
        raw_router(int(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
