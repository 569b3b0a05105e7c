"""gateway_reports: 500 simulated phones on the field gateway for 60 s, each sending a report
with a 300 KB photo once a minute (at a random second) and its position every 5 s — about 8
reports and 100 pings a second, 2.5 MB/s of photos — with ``httpx.AsyncClient`` on one
asyncio loop (one process drives all 500; two cores are enough for the phones' side at this
rate: the phones wait, they do not compute). p50/p99 submit latency of the reports and the
reports lost (not answered 201). Every report is a new photo (a few bytes differ), so nothing
is saved by the content-addressed store.

Raw baseline, same run: a bare uvicorn endpoint (Starlette, no checks) receiving the same
bodies at the same rate and answering 201 once it has read them.

The dispatch server (insecure loopback, demo city) and the gateway run in their own processes
as in a deployment.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PHONES = int(os.environ.get("GRIDLINE_BENCH_PHONES", "500"))  # smaller for a quick try
SECONDS = float(os.environ.get("GRIDLINE_BENCH_SECONDS", "60"))
PING_EVERY_S = 5.0
PHOTO_BYTES = 300_000
VARIANTS = 16


def percentile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))] if s else float("nan")


def photos() -> list[bytes]:
    """``VARIANTS`` JPEGs of about 300 KB (noise over a gradient, 1280×960), each different."""
    from PIL import Image

    rnd = random.Random(7)
    base = Image.effect_noise((1280, 960), 48).convert("RGB")
    out = []
    for n in range(VARIANTS):
        im = base.copy()
        im.putpixel((n, n), (rnd.randrange(256), 0, 0))
        q, data = 90, b""
        while q > 20:
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=q)
            data = buf.getvalue()
            if len(data) <= PHOTO_BYTES * 1.05:
                break
            q -= 5
        out.append(data)
    return out


# ------------------------------------------------------------------------------ the phones


async def drive(base: str, shots: list[bytes], points: list[tuple[float, float]],
                class_code: str, *, login: dict[str, str] | None) -> dict[str, Any]:
    import httpx

    limits = httpx.Limits(max_connections=PHONES + 10, max_keepalive_connections=PHONES + 10)
    latencies: list[float] = []
    pings: list[float] = []
    lost = 0
    ping_errors = 0
    async with httpx.AsyncClient(base_url=base, timeout=30.0, limits=limits) as http:
        tokens = [""] * PHONES
        if login is not None:
            sem = asyncio.Semaphore(20)

            async def log_in(i: int) -> None:
                async with sem:
                    r = await http.post("/api/v1/login", json={
                        **login, "unit_id": points[i % len(points)][2]})  # type: ignore[misc]
                    r.raise_for_status()
                    tokens[i] = r.json()["token"]
            await asyncio.gather(*(log_in(i) for i in range(PHONES)))
        t0 = time.perf_counter() + 1.0
        rnd = random.Random(3)

        async def phone(i: int) -> None:
            nonlocal lost, ping_errors
            head = {"Authorization": f"Bearer {tokens[i]}"} if tokens[i] else {}
            lon, lat = points[i % len(points)][:2]
            report_at = t0 + rnd.uniform(0, SECONDS - 1)
            next_ping = t0 + rnd.uniform(0, PING_EVERY_S)
            end = t0 + SECONDS
            sent_report = False
            while True:
                nxt = min(next_ping, report_at if not sent_report else end)
                if nxt >= end:
                    break
                await asyncio.sleep(max(0.0, nxt - time.perf_counter()))
                if not sent_report and nxt == report_at:
                    sent_report = True
                    data = {"idempotency_id": uuid.uuid4().hex, "class_code": class_code,
                            "description": "井盖缺失，存在安全隐患", "lon": f"{lon:.6f}",
                            "lat": f"{lat:.6f}"}
                    files = [("photos", ("p.jpg", shots[i % len(shots)], "image/jpeg"))]
                    s = time.perf_counter()
                    try:
                        r = await http.post("/api/v1/reports", data=data, files=files,
                                            headers=head)
                        ok = r.status_code == 201
                    except httpx.HTTPError:
                        ok = False
                    if ok:
                        latencies.append((time.perf_counter() - s) * 1000)
                    else:
                        lost += 1
                    continue
                next_ping += PING_EVERY_S
                s = time.perf_counter()
                try:
                    r = await http.post("/api/v1/positions", headers=head, json={
                        "points": [{"lon": round(lon + rnd.uniform(-1e-4, 1e-4), 6),
                                    "lat": round(lat + rnd.uniform(-1e-4, 1e-4), 6)}]})
                    if r.status_code == 200:
                        pings.append((time.perf_counter() - s) * 1000)
                    else:
                        ping_errors += 1
                except httpx.HTTPError:
                    ping_errors += 1

        await asyncio.gather(*(phone(i) for i in range(PHONES)))
    return {"latencies": latencies, "lost": lost, "pings": pings, "ping_errors": ping_errors}


# ------------------------------------------------------------------------------ raw


def raw_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def body(request: Request) -> JSONResponse:
        data = await request.body()
        return JSONResponse({"received": len(data)}, status_code=201)

    async def ok(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/api/v1/reports", body, methods=["POST"]),
                             Route("/api/v1/positions", ok, methods=["POST"])])


def serve_raw(port: int) -> None:
    import uvicorn

    print("ready", flush=True)
    uvicorn.run(raw_app(), host="127.0.0.1", port=port, log_level="warning")


# ------------------------------------------------------------------------------ ours


def start_gateway(sp: Any, data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "gateway", "--data-dir", str(data_dir),
         "--insecure", "--command-port", str(sp.ports[0]), "--snapshot-port", str(sp.ports[1]),
         "--update-port", str(sp.ports[2]), "--port", "0", "--log-level", "WARNING",
         "--device-rate", "5/s,burst=30", "--login-rate", "100000/min"],
        cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("{"):
            return proc, json.loads(line)["gateway"]
    raise RuntimeError("the gateway did not start")


def measure_ours(shots: list[bytes]) -> dict[str, Any]:
    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.adapters.client import CommandClient, StateMirror
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.adapters.server.process import ServerProcess

    catalogue = default_catalogue()
    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        sp = ServerProcess(db_url=f"sqlite:///{work / 'gridline.sqlite'}", data_dir=work,
                           insecure=True).start()
        gw: subprocess.Popen[str] | None = None
        try:
            c = CommandClient(sp.command, timeout_s=10)
            c.login("lead", DEMO_PASSWORDS["lead"], "bench-gw")
            m = StateMirror(sp.snapshot, sp.update, token=c.session)
            m.start()
            m.wait_live(60)
            units = sorted(m.state.units.values(), key=lambda u: u.id)
            points = [(u.lon, u.lat, u.id) for u in units]
            code = next(x.code for x in catalogue.minors.values())
            seq0 = m.state.seq
            gw, url = start_gateway(sp, work)
            got = asyncio.run(drive(url, shots, points, code,  # type: ignore[arg-type]
                                    login={"user": "field",
                                           "password": DEMO_PASSWORDS["field"]}))
            # every report accepted is in the server's state with its photo
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                m.run_once(100, budget_s=0.5)
                with_photo = sum(1 for i in m.state.incidents.values() if i.media)
                if with_photo >= len(got["latencies"]):
                    break
            got["stored"] = sum(1 for i in m.state.incidents.values() if i.media)
            got["events"] = m.state.seq - seq0
            m.close()
            c.close()
        finally:
            if gw is not None:
                gw.terminate()
                gw.wait(20)
            sp.stop()
    return got


def measure_raw(shots: list[bytes]) -> dict[str, Any]:
    from dispatch.adapters.server.process import free_ports

    port = free_ports(1)[0]
    proc = subprocess.Popen([sys.executable, "-m", "bench.bench_gateway_reports", "raw",
                             str(port)], cwd=ROOT, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    try:
        import httpx

        assert proc.stdout is not None
        proc.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.post(f"{base}/api/v1/positions", json={})
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        points = [(120.6 + i * 1e-3, 31.3, "") for i in range(PHONES)]
        return asyncio.run(drive(base, shots, points, "0101", login=None))  # type: ignore[arg-type]
    finally:
        proc.terminate()
        proc.wait(20)


def main() -> None:
    from bench.common import report

    shots = photos()
    ours = measure_ours(shots)
    raw = measure_raw(shots)
    lat, rlat = ours["latencies"], raw["latencies"]
    extra: dict[str, Any] = {
        "phones": PHONES, "seconds": SECONDS, "photo_kb": round(statistics.mean(map(len, shots))
                                                             / 1000),
        "reports_ok": len(lat), "reports_lost": ours["lost"], "stored_with_photo":
            ours["stored"], "pings_ok": len(ours["pings"]), "ping_errors": ours["ping_errors"],
        "ping_p99_ms": round(percentile(ours["pings"], 99), 1),
        "raw_lost": raw["lost"], "cpus": os.cpu_count()}
    report("gateway_reports_p50", statistics.median(lat), "ms", statistics.median(rlat),
           target="(p99 is the target)", **extra)
    report("gateway_reports_p99", percentile(lat, 99), "ms", percentile(rlat, 99),
           target="< 300 ms, 0 lost (500 phones, 300 KB photo/min, ping/5 s)", **extra)
    report("gateway_reports_lost", float(ours["lost"]), "reports", float(raw["lost"]),
           ratio=None, target="0", **extra)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "raw":
        serve_raw(int(sys.argv[2]))
    else:
        main()
