"""Replay: seeking the scrubber and playing back, with every panel of the replay window.

``replay_seek`` — seconds from moving the scrubber to a random instant until every panel of
the replay window shows it (console state swapped or advanced, queue, unit board, KPIs,
detail, map markers sent and drawn by the page), in a history of 1,000,000 events (city
scale, a month: the cached ``bench.history`` database). The window is the whole history
(sparse checkpoints, the store's snapshots as starting points); ``day_*`` fields give the same
for a one-day window (the default window of ``--replay``: dense checkpoints), and
``*state_only*`` the replayer's state alone at another random instant.
Baseline: :func:`dispatch.services.rebuild.state_at` for that instant (state only).

``replay_playback`` — frame time p95 (ms) while playing a city-scale day at 64×: each 40 ms
frame advances the replay (events applied in place, changed rows signalled, overdue clocks
redrawn) and lets Qt handle what is due (map flushes, timers, repaints). Baseline: the same
frames' projection work alone (applying the events to a state).

    python -m bench.bench_replay [--samples N] [--frames N]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import maps

maps.prepare_environment()

from PySide6.QtCore import QCoreApplication, QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.common import report  # noqa: E402
from bench.history import history_db  # noqa: E402

if TYPE_CHECKING:
    from console.replay_window import ReplayWindow
    from dispatch.adapters.store import EventStore
    from dispatch.domain.catalogue.model import Catalogue
    from dispatch.domain.city.model import City
    from dispatch.services.replay import Replayer

EVENTS = int(os.environ.get("GRIDLINE_BENCH_EVENTS", "1000000"))
DAY = 86400.0


def wait_for(app: QCoreApplication, done: Callable[[], object], timeout_s: float = 60.0) -> None:
    t0 = time.monotonic()
    while not done():
        if time.monotonic() - t0 > timeout_s:
            raise TimeoutError("the replay window did not settle in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def painted(app: QCoreApplication, window: ReplayWindow, token: str) -> None:
    """Send the map's pending changes and wait until the page has drawn them."""
    got: list[str] = []
    window.map.sig_painted.connect(lambda t, _ms: got.append(t))
    window.map.flush()
    window.map.after_paint(token)
    wait_for(app, lambda: token in got)


def open_window(app: QCoreApplication, replayer: Replayer, catalogue: Catalogue, city: City
                ) -> ReplayWindow:
    from console.replay_window import ReplayWindow

    w = ReplayWindow(replayer, catalogue, city, source="bench", language="zh")
    w.resize(1920, 1080)
    w.show()
    wait_for(app, lambda: w.map.is_ready)
    painted(app, w, "ready")
    return w


def close(app: QCoreApplication, w: ReplayWindow) -> None:
    from PySide6.QtCore import QEvent

    w.close()
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def seeks(app: QCoreApplication, w: ReplayWindow, store: EventStore, samples: int, seed: int
          ) -> tuple[list[float], list[float], list[float]]:
    """(whole seeks, the replayer's state alone, the baseline state_at) in seconds."""
    from dispatch.services.rebuild import state_at

    r = w.replayer
    rng = random.Random(seed)
    ours, domain, base = [], [], []
    for i in range(samples):
        p = rng.randrange(len(r) + 1)
        t0 = time.perf_counter()
        w.scrubber.set_position(p, emit=True)
        painted(app, w, f"seek-{seed}-{i}")
        ours.append(time.perf_counter() - t0)
        assert w.position == p
        q = rng.randrange(len(r) + 1)  # the state alone, elsewhere (nothing cached)
        t0 = time.perf_counter()
        r.state_at(q)
        domain.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        state_at(store, seq=r.seq_at(q))
        base.append(time.perf_counter() - t0)
    return ours, domain, base


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=12)
    ap.add_argument("--frames", type=int, default=750)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication(["bench-replay"])
    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.adapters.geojson_io.load import import_geojson
    from dispatch.adapters.store import EventStore
    from dispatch.services.replay import Replayer

    path = history_db("city", EVENTS)
    store = EventStore(f"sqlite:///{path}", migrate=False)
    catalogue = default_catalogue()
    geo = store.load_city_geojson()
    assert geo is not None
    city = import_geojson(geo)
    last_ts = next(store.read(after_seq=store.last_seq() - 1)).ts

    # -- seeking in the whole history
    t0 = time.perf_counter()
    whole = Replayer.from_store(store, since_ts=0.0)
    open_all = time.perf_counter() - t0
    w = open_window(app, whole, catalogue, city)
    ours_all, dom_all, base_all = seeks(app, w, store, args.samples, 11)
    close(app, w)

    # -- seeking in one day (dense checkpoints, taken while opening)
    start = last_ts - 10 * DAY
    t0 = time.perf_counter()
    day = Replayer.from_store(store, since_ts=start, until_ts=start + DAY)
    day.prepare()
    open_day = time.perf_counter() - t0
    w = open_window(app, day, catalogue, city)
    ours_day, dom_day, base_day = seeks(app, w, store, args.samples, 12)

    def p95(xs: list[float]) -> float:
        return sorted(xs)[int(0.95 * (len(xs) - 1))]

    report("replay_seek", statistics.median(ours_all), "s", statistics.median(base_all),
           target="< 0.5 s", p95_s=round(p95(ours_all), 4), events=len(whole),
           samples=args.samples, open_s=round(open_all, 2),
           state_only_median_s=round(statistics.median(dom_all), 4),
           day_state_only_median_s=round(statistics.median(dom_day), 4),
           day_median_s=round(statistics.median(ours_day), 4),
           day_p95_s=round(p95(ours_day), 4),
           day_baseline_s=round(statistics.median(base_day), 4), day_events=len(day),
           day_open_s=round(open_day, 2))

    # -- playback of the day at 64×, from 08:00 local, an incident selected
    w.scrubber.set_position(day.position_at(start + 8 * 3600 - (start + 8 * 3600) % 3600),
                            emit=True)
    painted(app, w, "play")
    busy = next((i.id for i in w.state.incidents.values() if i.is_open and i.units), "")
    if busy:
        w.console.select_incident(busy, "bench")
    w.scrubber.set_speed(64)
    frames, work = [], []
    state = day.state_at(w.position)
    pos = w.position
    for _ in range(args.frames):
        t0 = time.perf_counter()
        w.scrubber.advance(0.04)
        app.processEvents()
        dt = time.perf_counter() - t0
        frames.append(dt)
        t1 = time.perf_counter()
        day.advance(state, pos, w.position)
        pos = w.position
        work.append(time.perf_counter() - t1)
        rest = 0.04 - dt
        if rest > 0:  # real time: the map's flush timer and the page get their turn
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, int(rest * 1000))
            left = 0.04 - (time.perf_counter() - t0)
            if left > 0:
                time.sleep(left)
    played = w.instant - day.ts_at(0)
    report("replay_playback", p95(frames) * 1000, "ms", p95(work) * 1000, target="< 50 ms",
           median_ms=round(statistics.median(frames) * 1000, 2),
           max_ms=round(max(frames) * 1000, 2), frames=len(frames), speed=64,
           events_played=w.position, history_s=round(played, 1))
    close(app, w)


if __name__ == "__main__":
    main()
