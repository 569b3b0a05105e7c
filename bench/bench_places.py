"""places: the geocoder on a city-scale server, over the wire (CurveZMQ, loopback).

- ``places_index_ready``: seconds from the server's ready line until ``geocode`` stops
  answering ``unavailable`` (reading the stored gazetteer and building the index on the
  server's own thread, while it serves everything else);
- ``geocode_wire_p50``/``_p99``: round trips of ``geocode`` (limit 10) over a mix of names
  typed character by character and road + house number queries; baseline: ``ping`` round
  trips in the same run;
- ``basemap_first``: the first ``basemap`` answer (computed and compressed), and its size;
- ``server_places_mb``: the server's resident memory with city, state, gazetteer and index.

    python -m bench.bench_places
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

import psutil

from bench.city_server import CityServer
from bench.common import report
from dispatch.adapters.client import CommandClient
from dispatch.adapters.client.commands import ClientCurve
from dispatch.domain.errors import Unavailable


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        srv = CityServer(Path(d) / "server")
        srv.start(timeout=1200)
        try:
            curve = ClientCurve.local(srv.data_dir, "console")
            with CommandClient(srv.command, curve=curve, timeout_s=5, retries=2) as c:
                c.login("lead", "lead-demo", "bench")
                t0 = time.perf_counter()
                refused = 0
                while True:
                    try:
                        c.geocode("观前街", 1)
                        break
                    except Unavailable:
                        refused += 1
                        time.sleep(0.2)
                report("places_index_ready", time.perf_counter() - t0, "s", None,
                       unavailable_answers=refused)
                t1 = time.perf_counter()
                entries = c.basemap()
                report("basemap_first", (time.perf_counter() - t1) * 1000, "ms", None,
                       entries=len(entries))
                rnd = random.Random(7)
                names = [e["name"] for e in entries if e["kind"] in ("road", "compound", "poi")]
                roads = [e["name"] for e in entries if e["kind"] == "road"]
                queries = [n[:k] for n in rnd.sample(names, 150) for k in range(1, len(n) + 1)]
                queries += [f"{r}{rnd.randint(1, 200)}号" for r in rnd.sample(roads, 100)]
                pings, lat = [], []
                for q in queries:
                    t = time.perf_counter()
                    c.query("ping")
                    pings.append((time.perf_counter() - t) * 1000)
                    t = time.perf_counter()
                    c.geocode(q, 10)
                    lat.append((time.perf_counter() - t) * 1000)
                report("geocode_wire_p50", pct(lat, 0.5), "ms", pct(pings, 0.5),
                       queries=len(queries))
                report("geocode_wire_p99", pct(lat, 0.99), "ms", pct(pings, 0.99),
                       target="p99 < 50 ms")
            assert srv.proc is not None
            report("server_places_mb", psutil.Process(srv.proc.pid).memory_info().rss / 1e6,
                   "MB", None)
        finally:
            srv.stop()


if __name__ == "__main__":
    main()
