"""state_at: seconds to rebuild the state at a random instant from a store of 1,000,000
events (city scale, a month of activity): latest snapshot before it plus replay.

Baseline: the raw floor of the same work, reading the same event rows with sqlite3 and
decoding their JSON (no projection), plus loading the same snapshot blob.
"""

from __future__ import annotations

import json
import os
import pickle
import random
import sqlite3
import statistics
import time
import zlib

from bench.common import report
from bench.history import history_db
from dispatch.adapters.store import EventStore
from dispatch.services.rebuild import state_at

EVENTS = int(os.environ.get("GRIDLINE_BENCH_EVENTS", "1000000"))
SAMPLES = 12


def main() -> None:
    path = history_db("city", EVENTS)
    store = EventStore(f"sqlite:///{path}")
    last = store.last_seq()
    first_ts = next(store.read(after_seq=last // 50, to_seq=last // 50 + 1)).ts
    last_ts = next(store.read(after_seq=last - 1)).ts
    rng = random.Random(3)
    ours, raws = [], []
    con = sqlite3.connect(path)
    for _ in range(SAMPLES):
        ts = rng.uniform(first_ts, last_ts)
        t0 = time.perf_counter()
        st = state_at(store, ts=ts)
        ours.append(time.perf_counter() - t0)
        snap_seq, blob = con.execute("select seq, data from snapshots where seq <= ? order by seq"
                                     " desc limit 1", (st.seq,)).fetchone()
        t0 = time.perf_counter()
        pickle.loads(zlib.decompress(blob))
        for (data,) in con.execute("select data from events where seq > ? and seq <= ?",
                                   (snap_seq, st.seq)):
            json.loads(data)
        raws.append(time.perf_counter() - t0)
    p95 = sorted(ours)[int(0.95 * (len(ours) - 1))]
    report("state_at", statistics.median(ours), "s", statistics.median(raws),
           target="< 0.5 s", p95_s=round(p95, 4), events=last, samples=SAMPLES)


if __name__ == "__main__":
    main()
