"""remote_replay_open: seconds for a workstation to open a one-day replay window at the end of
1,000,000 events (city scale, a month: the cached ``bench.history`` database) from a real
dispatch server over the wire, the way ``--replay --connect`` does
(:func:`console.loading.load_from_server`: the ``state_at`` query for the window's start —
the server's nearest stored snapshot and the events after it, one compressed answer — then
the ``history`` pages of the day alone, then the replay's checkpoints, ``prepare``).

Baseline: the same data read locally from the same store, without the wire: ``state_at`` of
the window's start (:func:`dispatch.services.rebuild.state_at`) and the day's events read and
decoded. ``client_cpu_s`` and ``server_cpu_s`` are the processor time the opening took in the
workstation and in the server (what a busy machine does not stretch; ``load_avg_1m`` says how
busy it was). ``local_open_s`` is a local replay of the same window (``Replayer.from_store``,
prepared), ``full_history_s`` (with ``--full``) what opening it cost before ``state_at``:
every event of the history paged over the wire and folded.

    python -m bench.bench_remote_replay [--samples N] [--full]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.bench_feed_throughput import copy_db
from bench.common import report
from bench.history import history_db

EVENTS = int(os.environ.get("GRIDLINE_BENCH_EVENTS", "1000000"))
DAY = 86400.0


def counting(query: Any, calls: dict[str, int], spent: dict[str, float]) -> Any:
    def q(rtype: str, **args: Any) -> dict[str, Any]:
        calls[rtype] = calls.get(rtype, 0) + 1
        t0 = time.perf_counter()
        try:
            return dict(query(rtype, **args))
        finally:
            spent[rtype] = spent.get(rtype, 0.0) + time.perf_counter() - t0
    return q


def settled(c: Any, timeout_s: float = 300.0) -> None:
    """Wait until the server has built its place index (a thread of its own at start that
    would share the interpreter with the measured requests)."""
    from dispatch.domain.errors import Unavailable

    end = time.monotonic() + timeout_s
    while True:
        try:
            c.query("geocode", q="街道", limit=1)
            return
        except Unavailable:
            if time.monotonic() > end:
                raise
            time.sleep(0.5)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=5)
    ap.add_argument("--full", action="store_true",
                    help="also time the whole history paged over the wire (minutes)")
    args = ap.parse_args()
    from console.loading import ReplayWindowSpec, load_from_server
    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.adapters.server.process import ServerProcess
    from dispatch.adapters.store import EventStore
    from dispatch.services.rebuild import state_at
    from dispatch.services.replay import Replayer, iter_history

    path = history_db("city", EVENTS)
    store = EventStore(f"sqlite:///{path}", migrate=False, read_only=True)
    last = store.last_seq()
    end = math.ceil(next(store.read(after_seq=last - 1)).ts) + 1.0  # after the last event
    catalogue = default_catalogue()
    spec = ReplayWindowSpec(since=datetime.fromtimestamp(end - DAY, UTC).isoformat(),
                            until=datetime.fromtimestamp(end, UTC).isoformat())
    since, until = end - DAY, end

    # -- raw: the same state and the same day's events, read locally
    raws, local = [], []
    for _ in range(args.samples):
        t0 = time.perf_counter()
        base = state_at(store, ts=since)
        n_raw = sum(1 for _ in store.read(after_seq=base.seq, until_ts=until))
        raws.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    Replayer.from_store(store, since_ts=since, until_ts=until).prepare()
    local.append(time.perf_counter() - t0)
    store.close()

    import psutil

    with tempfile.TemporaryDirectory() as d:
        work = Path(d)
        # the month's open incidents are long overdue at today's clock: no clock rules
        rules = work / "no-rules.json"
        rules.write_text('{"raise_clock_events": false, "rules": []}')
        sp = ServerProcess(db_url=copy_db(path, work), data_dir=work, insecure=True,
                           extra=["--rules", str(rules)]).start(600)
        try:
            c = CommandClient(sp.command, timeout_s=60, retries=1)
            login = c.login("lead", DEMO_PASSWORDS["lead"], "bench-replay")
            settled(c)
            assert sp.proc is not None
            server = psutil.Process(sp.proc.pid)
            ours, parts, client_cpu, server_cpu = [], [], [], []
            calls: dict[str, int] = {}
            spent: dict[str, float] = {}
            events = 0
            for _ in range(args.samples):
                calls.clear()
                spent.clear()
                done: list[float] = []

                def progress(_i: int, _n: int, done: list[float] = done) -> None:
                    if not done:
                        done.append(time.perf_counter())

                t0, c0, s0 = time.perf_counter(), time.process_time(), server.cpu_times()
                r = load_from_server(counting(c.query, calls, spent), spec, catalogue,
                                     login.server_time, progress)
                ours.append(time.perf_counter() - t0)
                s1 = server.cpu_times()
                client_cpu.append(time.process_time() - c0)
                server_cpu.append(s1.user + s1.system - s0.user - s0.system)
                parts.append(done[0] - t0)  # until prepare starts
                events = len(r)
                del r
            t0 = time.perf_counter()
            answer = c.query("state_at", at=math.nextafter(since, -math.inf))
            state_s = time.perf_counter() - t0
            full_s = None
            if args.full:
                t0 = time.perf_counter()
                Replayer.from_history(iter_history(c.query, until_ts=until), since_ts=since,
                                      until_ts=until).prepare()
                full_s = round(time.perf_counter() - t0, 2)
            c.close()
        finally:
            sp.stop()
    report("remote_replay_open", statistics.median(ours), "s", statistics.median(raws),
           target="< 3 s", min_s=round(min(ours), 3), samples=args.samples, events=last,
           window_events=events, raw_window_events=n_raw,
           fetch_median_s=round(statistics.median(parts), 3),
           client_cpu_s=round(statistics.median(client_cpu), 3),
           server_cpu_s=round(statistics.median(server_cpu), 3),
           load_avg_1m=round(os.getloadavg()[0], 2),
           state_at_query_s=round(state_s, 3), state_records=answer["count"],
           state_replayed=answer["replayed"],
           state_mib_compressed=round(len(answer["records_z"]) / 2**20, 2),
           history_pages=calls.get("history", 0),
           history_s=round(spent.get("history", 0.0), 3), local_open_s=round(local[0], 3),
           full_history_s=full_s)


if __name__ == "__main__":
    main()
