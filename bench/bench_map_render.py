"""map_render: a whole city on the live map, and a 10% unit move batch, against raw Leaflet.

In an offscreen QApplication (software rendering), a MapView loads its page; then 8,000 grid
polygons and 26,000 unit circle markers go through the view's own path (validation, JSON,
runJavaScript, ``GL.setRegions`` / ``GL.applyUnitColumns``), and 2,600 units (10%) move through
the view's coalescing flush. Times run until the page reports the frame drawn
(``requestAnimationFrame`` after the canvas redraw): wall seconds in Python, and the JS-side
``performance.now()`` span.

Baseline (raw Leaflet limit, same run, same window): the same objects added with plain
``L.polygon`` / ``L.circleMarker`` on one canvas renderer in a single JS snippet, and the same
2,600 ``setLatLng`` calls in one snippet. Each measure is the median of a few fresh pages.

    python -m bench.bench_map_render [--reps N] [--grids N] [--units N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import maps

maps.prepare_environment()

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.common import report  # noqa: E402
from maps.rows import UNIT_STATUSES  # noqa: E402
from maps.view import MapView  # noqa: E402

LAT0, LON0 = 31.25, 120.55
GRID_DEG = 0.001  # ~100 m squares
WIDTH, HEIGHT = 1920, 1080
TIMEOUT_S = 120.0


def city(n_grids: int, n_units: int, seed: int = 7) -> tuple[dict[str, Any], list[tuple]]:
    side = int(n_grids ** 0.5) + 1
    features = []
    for i in range(n_grids):
        row, col = divmod(i, side)
        la, lo = LAT0 + row * GRID_DEG, LON0 + col * GRID_DEG
        ring = [[lo, la], [lo + GRID_DEG, la], [lo + GRID_DEG, la + GRID_DEG],
                [lo, la + GRID_DEG], [lo, la]]
        features.append({"type": "Feature",
                         "properties": {"code": f"320508{i:09d}", "name": f"网格{i}"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    rnd = random.Random(seed)
    span = side * GRID_DEG
    statuses = sorted(UNIT_STATUSES)
    units = [(f"U{i:05d}", LAT0 + rnd.random() * span, LON0 + rnd.random() * span,
              rnd.choice(statuses)) for i in range(n_units)]
    return {"type": "FeatureCollection", "features": features}, units


def moved(units: list[tuple], fraction: float, seed: int = 11) -> list[tuple]:
    rnd = random.Random(seed)
    picked = rnd.sample(units, int(len(units) * fraction))
    return [(uid, lat + rnd.uniform(-5e-4, 5e-4), lon + rnd.uniform(-5e-4, 5e-4), status)
            for uid, lat, lon, status in picked]


def spin_until(app: QApplication, done: Callable[[], bool], what: str) -> None:
    deadline = time.perf_counter() + TIMEOUT_S
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"map bench: timed out waiting for {what}")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


class Page:
    """A fresh shown MapView, ready, with helpers to wait for JS results and paints."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.view = MapView()
        self.view.resize(WIDTH, HEIGHT)
        self.view.show()
        self.painted: dict[str, float] = {}
        self.view.sig_painted.connect(self.painted.__setitem__)
        spin_until(app, lambda: self.view.is_ready, "page ready")

    def js(self, expr: str) -> Any:
        box: list[Any] = []
        self.view.evaluate(f"JSON.stringify({expr})", box.append)
        spin_until(self.app, lambda: bool(box), expr[:40])
        return json.loads(box[0]) if box[0] else None

    def wait_painted(self, token: str) -> float:
        spin_until(self.app, lambda: token in self.painted, f"paint {token}")
        return self.painted[token]

    def close(self) -> None:
        self.view.close()
        self.view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


Measure = dict[str, float]


def ours(app: QApplication, fc: dict[str, Any], units: list[tuple],
         batch: list[tuple]) -> Measure:
    page = Page(app)
    view = page.view
    try:
        page.js("(GL._t0 = performance.now(), 1)")
        t0 = time.perf_counter()
        view.set_regions("grid", fc)
        view.update_units(units)
        view.flush()
        view.evaluate("GL.afterPaint('load', GL._t0)")
        load_paint = page.wait_painted("load") / 1000
        load_wall = time.perf_counter() - t0
        counts = page.js("GL.counts()")
        assert counts["regions"] == len(fc["features"]), counts
        assert counts["units"] == len(units), counts

        page.js("(GL._t0 = performance.now(), 1)")
        t0 = time.perf_counter()
        view.update_units(batch)
        view.flush()
        move_script = page.js("GL.lastFlushMs") / 1000
        view.evaluate("GL.afterPaint('move', GL._t0)")
        move_paint = page.wait_painted("move") / 1000
        move_wall = time.perf_counter() - t0
        return {"load_wall": load_wall, "load_paint": load_paint, "move_wall": move_wall,
                "move_paint": move_paint, "move_script": move_script}
    finally:
        page.close()


RAW_LOAD = """(function (fc, units) {
  var t0 = performance.now(), map = GL.map, r = L.canvas({padding: 0.2});
  var b = L.latLngBounds([]);
  fc.features.forEach(function (f) {
    f.geometry.coordinates[0].forEach(function (c) { b.extend([c[1], c[0]]); });
  });
  map.fitBounds(b, {padding: [12, 12], animate: false});
  var colours = {available: '#2ecc71', dispatched: '#f1c40f', en_route: '#ff9800',
                 on_scene: '#e53935', busy: '#ab47bc', returning: '#29b6f6',
                 off_duty: '#78909c', out_of_service: '#455a64'};
  window._raw = {};
  fc.features.forEach(function (f) {
    var ring = f.geometry.coordinates[0].map(function (c) { return [c[1], c[0]]; });
    L.polygon(ring, {renderer: r, weight: 1, fillOpacity: 0.12}).addTo(map);
  });
  for (var i = 0; i < units.length; i++) {
    var u = units[i];
    window._raw[u[0]] = L.circleMarker([u[1], u[2]], {renderer: r, radius: 4, weight: 1,
      fillColor: colours[u[3]], fillOpacity: 0.95}).addTo(map);
  }
  GL.afterPaint('rawload', t0);
  return performance.now() - t0;
})"""

RAW_MOVE = """(function (rows) {
  var t0 = performance.now();
  for (var i = 0; i < rows.length; i++) {
    window._raw[rows[i][0]].setLatLng([rows[i][1], rows[i][2]]);
  }
  GL.afterPaint('rawmove', t0);
  return performance.now() - t0;
})"""


def raw(app: QApplication, fc: dict[str, Any], units: list[tuple],
        batch: list[tuple]) -> Measure:
    page = Page(app)
    view = page.view
    try:
        load_src = f"{RAW_LOAD}({json.dumps(fc)},{json.dumps(units)})"
        t0 = time.perf_counter()
        view.evaluate(load_src)
        load_paint = page.wait_painted("rawload") / 1000
        load_wall = time.perf_counter() - t0

        move_src = f"{RAW_MOVE}({json.dumps(batch)})"
        t0 = time.perf_counter()
        script: list[float] = []
        view.evaluate(move_src, script.append)
        move_paint = page.wait_painted("rawmove") / 1000
        move_wall = time.perf_counter() - t0
        spin_until(app, lambda: bool(script), "raw move result")
        return {"load_wall": load_wall, "load_paint": load_paint, "move_wall": move_wall,
                "move_paint": move_paint, "move_script": script[0] / 1000}
    finally:
        page.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--grids", type=int, default=8_000)
    parser.add_argument("--units", type=int, default=26_000)
    args = parser.parse_args(argv)

    app = QApplication([sys.argv[0]])
    fc, units = city(args.grids, args.units)
    batch = moved(units, 0.10)

    # One small warm-up of each path (JIT, fonts, renderer start-up), not measured.
    small_fc, small_units = city(200, 500)
    ours(app, small_fc, small_units, moved(small_units, 0.1))
    raw(app, small_fc, small_units, moved(small_units, 0.1))

    mine: list[Measure] = []
    base: list[Measure] = []
    for _ in range(args.reps):
        base.append(raw(app, fc, units, batch))
        mine.append(ours(app, fc, units, batch))

    def med(rows: list[Measure], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    def extra(key: str) -> dict[str, float]:
        return {f"{key}_s": round(med(mine, key), 4), f"raw_{key}_s": round(med(base, key), 4)}

    common = {"grids": args.grids, "units": args.units, "reps": args.reps,
              "window": f"{WIDTH}x{HEIGHT}", "cpus": os.cpu_count() or 0}
    report("map_load_city", med(mine, "load_wall"), "s", med(base, "load_wall"),
           target="< 2 s until drawn, within 1.5x of raw Leaflet",
           **extra("load_paint"), **common)
    report("map_move_10pct", med(mine, "move_wall"), "s", med(base, "move_wall"),
           target="script < 50 ms; drawn within 1.5x of raw Leaflet",
           moved=len(batch), **extra("move_script"), **extra("move_paint"), **common)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
