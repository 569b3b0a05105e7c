"""Peer for ``feed_throughput``: the same city updates through NATS JetStream key-value
(``nats-py``), the state feed a user might build instead of ours.

A publisher (a child process, like our field gateway) puts the unit bodies our server
publishes — the city's 26,000 units, two rounds of jittered positions, keyed by their feed
keys — into a KV bucket (history 1, file storage: the bucket's defaults), pipelined
(``publish_async`` on the bucket's subjects, at most 4,000 puts awaiting their
acknowledgement: ``KeyValue.put`` awaits each one and is several times slower). This process
runs a KV watcher (``watchall``: an ordered push consumer, the last value per key, then every
change) and applies each entry to a ``DispatchState`` exactly as our mirror does (key split
once, ``orjson`` decode, a ``UnitState``); the rate is entries applied per second, counted
while the publisher runs. The publisher does no domain work: ours also validates, stores and
applies every position report before publishing, so the comparison favours the peer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil

from dispatch.domain.state import DispatchState, UnitState

NATS_URL = os.environ.get("GRIDLINE_BENCH_NATS_URL", "nats://127.0.0.1:4222")
ROOT = Path(__file__).resolve().parent.parent
MAX_PENDING = 4000


def unreachable(url: str = NATS_URL) -> str | None:
    """Why the NATS server at ``url`` cannot be used, or None."""
    u = urlsplit(url)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or 4222), timeout=2):
            return None
    except OSError as exc:
        return f"NATS unreachable at {u.hostname}:{u.port}: {exc}"


def city_updates(units: list[UnitState], rounds: int = 2) -> list[tuple[str, str]]:
    """(key, body) of every unit, ``rounds`` times with jittered positions: what our server
    publishes for the feeder's position reports."""
    from dispatch.adapters.protocol.records import unit_body, unit_key

    rng = random.Random(1)
    out: list[tuple[str, str]] = []
    for _ in range(rounds):
        for u in units:
            moved = replace(u, lon=u.lon + rng.uniform(-1e-4, 1e-4),
                            lat=u.lat + rng.uniform(-1e-4, 1e-4))
            out.append((unit_key(u), unit_body(moved).decode()))
    return out


# ------------------------------------------------------------------------------ publisher


async def _publish(url: str, bucket: str, body_file: str, seconds: float) -> None:
    import nats

    items = [(f"$KV.{bucket}.{k}", b.encode()) for k, b in json.loads(Path(body_file).read_text())]
    nc = await nats.connect(url)
    js = nc.jetstream(publish_async_max_pending=MAX_PENDING)
    acked = failed = 0

    def done(f: asyncio.Future[Any]) -> None:
        nonlocal acked, failed
        if f.cancelled() or f.exception() is not None:
            failed += 1
        else:
            acked += 1

    print("ready", flush=True)
    sent = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for subject, body in items:
            fut = await js.publish_async(subject, body)
            fut.add_done_callback(done)
            sent += 1
            if not sent & 1023 and time.monotonic() >= end:
                break
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(js.publish_async_completed(), 10)
    await nc.close()
    print(json.dumps({"sent": sent, "acked": acked, "failed": failed}), flush=True)


def publisher_main(url: str, bucket: str, body_file: str, seconds: float) -> None:
    asyncio.run(_publish(url, bucket, body_file, seconds))


# ------------------------------------------------------------------------------- mirror


def _nats_server_process(url: str) -> psutil.Process | None:
    """The local nats-server process (for its CPU time), if it can be told."""
    port = urlsplit(url).port or 4222
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            if "nats-server" in (p.info["name"] or "") and str(port) in " ".join(
                    p.info["cmdline"] or []):
                return p
        except psutil.Error:
            continue
    return None


def _cpu_s(p: psutil.Process | None) -> float:
    if p is None:
        return 0.0
    t = p.cpu_times()
    return float(t.user + t.system)


async def _measure(url: str, updates: list[tuple[str, str]], warmup_s: float,
                   measure_s: float) -> dict[str, Any]:
    import nats
    import nats.js.errors
    from nats.js.api import StorageType

    from dispatch.adapters.protocol.records import apply_body, key_kind

    bucket = f"gridline_bench_{os.getpid()}"
    nc = await nats.connect(url)
    js = nc.jetstream()
    with contextlib.suppress(nats.js.errors.NotFoundError):  # a bucket left by a killed run
        await js.delete_key_value(bucket)
    kv = await js.create_key_value(bucket=bucket, history=1, storage=StorageType.FILE)
    watcher = await kv.watchall()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(updates, fh)
        body_file = fh.name
    pub = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.peers_nats", "publish", url, bucket, body_file,
        str(warmup_s + measure_s + 1.0), cwd=ROOT, stdout=asyncio.subprocess.PIPE)
    assert pub.stdout is not None
    await pub.stdout.readline()  # ready
    state = DispatchState()
    keys: dict[str, tuple[str, str]] = {}
    server = _nats_server_process(url)
    procs = {"nats_server": server, "nats_mirror": psutil.Process(),
             "nats_publisher": psutil.Process(pub.pid)}
    n = n0 = 0
    cpu0: dict[str, float] = {}
    t_start = time.perf_counter()
    t_warm, t_end = t_start + warmup_s, t_start + warmup_s + measure_s
    t0 = t1 = t_start
    while True:
        try:
            entry = await watcher.updates(timeout=2.0)
        except nats.errors.TimeoutError:
            break
        if entry is None:
            continue  # the marker after the initial values
        kr = keys.get(entry.key)
        if kr is None:
            kr = keys[entry.key] = key_kind(entry.key)
        apply_body(state, kr[0], kr[1], entry.value or b"")
        n += 1
        if not n & 255:
            state.changed_units.clear()  # as the mirror's caller takes its changes
            now = time.perf_counter()
            if not n0 and now >= t_warm:
                n0, t0 = n, now
                cpu0 = {k: _cpu_s(p) for k, p in procs.items()}
            elif n0 and now >= t_end:
                t1 = now
                break
    cpu = {k: _cpu_s(p) - cpu0.get(k, 0.0) for k, p in procs.items()}
    fed = json.loads((await pub.stdout.readline()) or b"{}")
    await pub.wait()
    await watcher.stop()
    await js.delete_key_value(bucket)
    await nc.close()
    Path(body_file).unlink()
    got = n - n0
    if not n0 or t1 <= t0:
        return {"nats_error": f"the watcher received {n} entries, too few to count"}
    return {"nats_rate": got / (t1 - t0), "nats_units": len(state.units),
            "nats_published": fed.get("sent"), "nats_failed": fed.get("failed"),
            **{f"{k}_cpu_us": round(s * 1e6 / max(1, got), 2) for k, s in cpu.items()
               if procs[k] is not None}}


def measure(units: list[UnitState], warmup_s: float, measure_s: float,
            url: str = NATS_URL) -> dict[str, Any]:
    """The peer's rate (``nats_rate``) and details, or ``nats_error`` saying why not."""
    why = unreachable(url)
    if why:
        return {"nats_error": why}
    import nats.errors

    try:
        return asyncio.run(_measure(url, city_updates(units), warmup_s, measure_s))
    except (OSError, TimeoutError, nats.errors.Error) as exc:  # the row says so; ours stands
        return {"nats_error": f"{type(exc).__name__}: {exc}"}


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "publish":
        publisher_main(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]))
