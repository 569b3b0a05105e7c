"""ui_latency and console_memory at city scale, with the map open.

- ``ui_latency``: p99 lateness of a 10 ms GUI-thread timer while the console ingests 10,000
  unit updates/s (AVL position reports through the server and the CHP feed). Baseline: the
  same timer in the same console with no load.
- ``console_memory``: resident memory of the console (its process and QtWebEngine's) after
  ``GRIDLINE_BENCH_LOAD_S`` seconds (default 120) of load: 2,000 position reports/s and two
  new incidents/s, the volume of ten minutes of a city simulation at 5×. Baseline: the same
  console live but before that load. The dispatch server and the load generator are child
  processes of this benchmark too but not part of the console: they are left out (the
  server's resident memory is reported beside, as ``server_mb``).
"""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import psutil

from bench.city_server import CityServer
from bench.common import report

if TYPE_CHECKING:
    from PySide6.QtCore import QCoreApplication

RATE = 10_000  # unit updates per second
TICK_MS = 10
LOAD_S = float(os.environ.get("GRIDLINE_BENCH_LOAD_S", "120"))


def lateness(app: QCoreApplication, seconds: float) -> list[float]:
    from PySide6.QtCore import QElapsedTimer, QTimer

    late: list[float] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setTimerType(timer.timerType().PreciseTimer)
    timer.setInterval(TICK_MS)
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        late.append(max(0.0, now - last[0] - TICK_MS))
        last[0] = now

    timer.timeout.connect(tick)
    clock.start()
    timer.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    return late[5:]


def p99(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[int(0.99 * (len(xs) - 1))] if xs else float("nan")


class Load(threading.Thread):
    """Position reports at ``rate`` rows/s (batches of 1,000), and a new incident a second."""

    def __init__(self, command: str, data_dir: Path, units: list[tuple[str, float, float]],
                 rate: int, incidents_per_s: float = 0.0,
                 grids: list[tuple[float, float]] | None = None,
                 classes: list[str] | None = None) -> None:
        super().__init__(daemon=True)
        self.command, self.data_dir = command, data_dir
        self.units, self.rate = units, rate
        self.incidents_per_s, self.grids, self.classes = incidents_per_s, grids or [], classes
        self.stop_flag = threading.Event()
        self.sent = 0
        self.refused = 0

    def run(self) -> None:
        from dispatch.adapters.client import CommandClient
        from dispatch.adapters.client.commands import ClientCurve
        from dispatch.domain import commands as cmd
        from dispatch.domain.errors import DispatchError

        rng = random.Random(1)
        client = CommandClient(self.command,
                               curve=ClientCurve.local(self.data_dir, "simulator"))
        client.login("field", "field-demo", "bench-load")
        batch = 1000
        period = batch / self.rate
        t_next = time.monotonic()
        i = 0
        next_incident = time.monotonic()
        while not self.stop_flag.is_set():
            rows = []
            for _ in range(batch):
                uid, lon, lat = self.units[i % len(self.units)]
                i += 1
                rows.append((uid, lon + rng.uniform(-3e-4, 3e-4), lat + rng.uniform(-3e-4, 3e-4)))
            try:
                client.execute(cmd.ReportPositions(tuple(rows)))
                self.sent += batch
            except DispatchError:
                self.refused += 1
            now = time.monotonic()
            if self.incidents_per_s and now >= next_incident and self.grids and self.classes:
                lon, lat = rng.choice(self.grids)
                try:
                    client.execute(cmd.ReportIncident("hotline", rng.choice(self.classes), lon,
                                                      lat, "市民来电：路面积水严重"))
                except DispatchError:
                    self.refused += 1
                next_incident = now + 1 / self.incidents_per_s
            t_next += period
            time.sleep(max(0.0, t_next - time.monotonic()))
        client.close()


class LoadProcess:
    """The load in a process of its own, as the simulator is in production (a load thread in
    the console's process would compete with its GUI thread for the interpreter lock)."""

    def __init__(self, srv: CityServer, rate: int, incidents_per_s: float = 0.0) -> None:
        import subprocess
        import sys

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.bench_console_live", "load", srv.command,
             str(srv.data_dir), str(rate), str(incidents_per_s)],
            cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE, text=True)

    def stop(self) -> int:
        import signal

        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=60)
        return int(out.strip().splitlines()[-1]) if out.strip() else 0


def load_main(command: str, data_dir: str, rate: str, incidents_per_s: str) -> None:
    import signal

    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.adapters.district_outlines import suzhou_outlines
    from dispatch.services.city_generator.generate import generate_city

    catalogue = default_catalogue()
    city = generate_city("city", seed=1, catalogue=catalogue, outlines=suzhou_outlines())
    units = [(u.id, u.lon, u.lat) for u in city.units.values()]
    grids = [(r.geometry.representative_point().x, r.geometry.representative_point().y)
             for r in list(city.grids())[:2000]]

    load = Load(command, Path(data_dir), units, int(rate),
                incidents_per_s=float(incidents_per_s), grids=grids,
                classes=sorted(catalogue.minors))
    signal.signal(signal.SIGTERM, lambda *_: load.stop_flag.set())
    load.start()
    while load.is_alive():
        load.join(0.2)
    print(load.sent, flush=True)


WEBENGINE_EXE = "QtWebEngineProcess"


def _is_webengine(proc: psutil.Process) -> bool:
    cmd = proc.cmdline()
    return bool(cmd) and Path(cmd[0]).name == WEBENGINE_EXE


def console_processes() -> tuple[psutil.Process, list[psutil.Process], list[psutil.Process]]:
    """(this process, QtWebEngine's processes, the other children: server, load generator)."""
    me = psutil.Process()
    web: list[psutil.Process] = []
    other: list[psutil.Process] = []
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):  # a child that just exited
            (web if _is_webengine(child) else other).append(child)
    return me, web, other


def _rss(procs: list[psutil.Process]) -> int:
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total


def rss_parts_mb() -> tuple[float, float]:
    """(this process, QtWebEngine's renderer, GPU and zygote processes) in MB."""
    me, web, _other = console_processes()
    return me.memory_info().rss / 2**20, _rss(web) / 2**20


def rss_mb() -> float:
    return sum(rss_parts_mb())


def console_pss_mb() -> float:
    """The console's proportional set size (pages shared between its processes, such as the
    zygote's and the compositor's shared memory, counted once): the memory it really takes."""
    me, web, _other = console_processes()
    total = 0
    for p in [me, *web]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_full_info().pss
    return total / 2**20


def server_mb() -> float:
    """Resident memory of the children that are not the console's (the dispatch server)."""
    return _rss(console_processes()[2]) / 2**20


def main() -> None:
    import maps

    maps.prepare_environment()
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from console.startup import build_console, load_city_from_db
    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.client.commands import ClientCurve
    from dispatch.adapters.server.process import Endpoints

    app = QApplication.instance() or QApplication(["bench"])
    with tempfile.TemporaryDirectory() as d:
        srv = CityServer(Path(d) / "server")
        srv.start()
        window = session = None
        try:
            curve = ClientCurve.local(srv.data_dir, "console")
            with CommandClient(srv.command, curve=curve) as c:
                login = c.login("lead", "lead-demo", "bench")
            city = load_city_from_db(f"sqlite:///{srv.db}")
            settings = QSettings(str(Path(d) / "console.ini"), QSettings.Format.IniFormat)
            window, session = build_console(Endpoints(srv.command, srv.snapshot, srv.update),
                                            login, city, "lead", "lead-demo", curve,
                                            settings=settings)
            window.resize(1920, 1080)
            window.show()
            end = time.monotonic() + 120
            while not (session.got_first and window.map.is_ready) and time.monotonic() < end:
                app.processEvents()
                time.sleep(0.01)
            assert session.got_first, "console never went live"
            idle = lateness(app, 8.0)
            units = [(u.id, u.lon, u.lat) for u in window.console.state.units.values()]
            load = LoadProcess(srv, RATE)
            lateness(app, 3.0)  # the load process starts up
            mirror = session.feed.mirror
            received, t0 = mirror.updates, time.monotonic()
            busy = lateness(app, 20.0)
            # Updates the console's mirror applied while the timer was measured (the load
            # process's own count below also covers its start-up).
            ingested = (mirror.updates - received) / (time.monotonic() - t0)
            sent = load.stop()
            report("ui_latency", p99(busy), "ms", p99(idle), target="p99 < 50 ms",
                   updates_per_s=round(sent / 23.0), ingested_per_s=round(ingested),
                   units=len(units), p50_ms=sorted(busy)[len(busy) // 2], max_ms=max(busy))

            base = rss_mb()
            load = LoadProcess(srv, 2000, incidents_per_s=2.0)
            end = time.monotonic() + LOAD_S
            while time.monotonic() < end:
                app.processEvents()
                time.sleep(0.005)
            load.stop()
            gui, web = rss_parts_mb()
            report("console_memory", gui + web, "MB", base, target="< 900 MB",
                   python_process_mb=round(gui), webengine_processes_mb=round(web),
                   console_pss_mb=round(console_pss_mb()), server_mb=round(server_mb()),
                   load_s=LOAD_S, incidents=len(window.console.state.incidents))
        finally:
            if session is not None:
                session.stop()
            if window is not None:
                window.close()
                window.deleteLater()
                from PySide6.QtCore import QCoreApplication, QEvent

                QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            srv.stop()


if __name__ == "__main__":
    import sys

    if len(sys.argv) > 1 and sys.argv[1] == "load":
        load_main(*sys.argv[2:6])
    else:
        main()
