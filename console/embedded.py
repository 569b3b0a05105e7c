"""The embedded default: a local dispatch server (SQLite in the data directory), the field
simulator and the field gateway (HTTP, on a free loopback port, with the demo Open311 key
``open311-demo``), started as child processes for a single workstation and stopped with it.
The server is launched the one way there is
(:class:`dispatch.adapters.server.process.ServerProcess`)."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from dispatch.adapters.server.process import Endpoints, ServerExited, ServerProcess
from dispatch.entrypoints.parent_watch import ENV as PARENT_ENV

__all__ = ["BackendError", "EmbeddedBackend", "Endpoints"]

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
GATEWAY_WAIT_S = 30.0  # the simulator starts without the gateway after this long


class BackendError(RuntimeError):
    """The embedded server did not come up; the message says why (and where its log is)."""


class EmbeddedBackend:
    """Starts the dispatch server (and ``main.py sim``) and watches for the ready line."""

    def __init__(self, data_dir: Path, *, city_size: str = "demo", time_speed: float = 1.0,
                 incidents_per_hour: float = 240.0, simulator: bool = True,
                 gateway: bool = True, extra_server_args: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self.city_size = city_size
        self.time_speed = time_speed
        self.incidents_per_hour = incidents_per_hour
        self.simulator = simulator
        self.extra_server_args = extra_server_args
        self.server: ServerProcess | None = None
        self.sim: subprocess.Popen[str] | None = None
        self.gateway = gateway
        self.gateway_proc: subprocess.Popen[str] | None = None
        self.gateway_url: str | None = None  # set once the gateway answers
        self.endpoints: Endpoints | None = None
        self.log_dir = data_dir / "logs"
        self._sim_lock = threading.Lock()
        self._stopping = False

    def start(self) -> None:
        # the server, gateway and simulator stop by themselves if this console dies
        os.environ[PARENT_ENV] = str(os.getpid())
        self.server = ServerProcess(
            data_dir=self.data_dir, ports=(0, 0, 0), log_level="INFO",
            extra=["--city-size", self.city_size, "--time-speed", str(self.time_speed),
                   *self.extra_server_args],
            stderr=self.log_dir / "server.log").launch()

    def wait_ready(self, timeout_s: float) -> Endpoints | None:
        """The endpoints once the server is ready; None while it is still starting; raises
        :class:`BackendError` if it died."""
        if self.server is None:
            return None
        try:
            self.endpoints = self.server.wait_ready(timeout_s)
        except ServerExited as exc:
            raise BackendError(f"the local dispatch server stopped (exit {exc.returncode});"
                               f" see {self.log_dir / 'server.log'}") from None
        return self.endpoints

    def start_field(self) -> None:
        """Start the gateway and the simulator; with a gateway, the simulator starts once the
        gateway answers and sends part of its traffic through it (``--gateway URL``), or
        after :data:`GATEWAY_WAIT_S` without it."""
        if not self.gateway:
            self.start_simulator()
            return
        self.start_gateway()
        fallback = threading.Timer(GATEWAY_WAIT_S, self.start_simulator)
        fallback.daemon = True
        fallback.start()

    def start_simulator(self, gateway_url: str | None = None) -> None:
        with self._sim_lock:
            if not self.simulator or self.endpoints is None or self.sim is not None \
                    or self._stopping:
                return
            self._start_simulator(gateway_url)

    def _start_simulator(self, gateway_url: str | None) -> None:
        via = ["--gateway", gateway_url] if gateway_url else []
        self.log_dir.mkdir(parents=True, exist_ok=True)
        errlog = open(self.log_dir / "simulator.log", "a", encoding="utf-8")  # noqa: SIM115
        self.sim = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "sim", "--data-dir", str(self.data_dir),
             *self._ports(), "--speed", str(self.time_speed),
             "--incidents-per-hour", str(self.incidents_per_hour), *via], cwd=ROOT, text=True,
            stdout=errlog, stderr=errlog, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def _ports(self) -> list[str]:
        assert self.endpoints is not None
        return ["--command-port", self.endpoints.command.rsplit(":", 1)[1],
                "--snapshot-port", self.endpoints.snapshot.rsplit(":", 1)[1],
                "--update-port", self.endpoints.update.rsplit(":", 1)[1]]

    def start_gateway(self) -> None:
        """Start ``main.py gateway`` on a free loopback port; :attr:`gateway_url` is set from
        its ready line once it answers (its log: ``logs/gateway.log``)."""
        if not self.gateway or self.endpoints is None:
            return
        self.log_dir.mkdir(parents=True, exist_ok=True)
        errlog = open(self.log_dir / "gateway.log", "a", encoding="utf-8")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "gateway", "--data-dir",
             str(self.data_dir), *self._ports(), "--port", "0", "--demo-key"], cwd=ROOT,
            text=True, stdout=subprocess.PIPE, stderr=errlog, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.gateway_proc = proc

        def read_ready() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                try:
                    url = json.loads(line).get("gateway")
                except (ValueError, AttributeError):
                    continue
                if isinstance(url, str):
                    self.gateway_url = url
                    log.info("field gateway at %s", url)
                    self.start_simulator(url)

        threading.Thread(target=read_ready, name="gateway-ready", daemon=True).start()

    @staticmethod
    def _stop_children(children: list[tuple[subprocess.Popen[str] | None, str]],
                       timeout_s: float) -> None:
        """SIGTERM every running child at once, then wait for them together (a stop costs the
        slowest child's time, not the sum); a child still running after ``timeout_s`` is
        killed."""
        running = [(p, what) for p, what in children if p is not None and p.poll() is None]
        for proc, _what in running:
            proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while any(p.poll() is None for p, _ in running) and time.monotonic() < deadline:
            time.sleep(0.05)
        for proc, what in running:
            if proc.poll() is None:
                log.warning("the %s (%s) did not stop in %.0f s; killing it", what, proc.pid,
                            timeout_s)
                proc.kill()
                proc.wait()

    def stop(self, timeout_s: float = 10.0) -> None:
        with self._sim_lock:
            self._stopping = True
        # the simulator (a client of the gateway) and the gateway together, then the server
        self._stop_children([(self.sim, "simulator"), (self.gateway_proc, "field gateway")],
                            timeout_s)
        if self.server is not None:
            self.server.stop(timeout_s)
