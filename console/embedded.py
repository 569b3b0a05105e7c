"""The embedded default: a local dispatch server (SQLite in the data directory) and the field
simulator, started as child processes for a single workstation and stopped with it."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
_READY = re.compile(r"gridline server ready command=(\S+) snapshot=(\S+) update=(\S+)")


@dataclass(frozen=True, slots=True)
class Endpoints:
    command: str
    snapshot: str
    update: str


class BackendError(RuntimeError):
    """The embedded server did not come up; the message says why (and where its log is)."""


class EmbeddedBackend:
    """Starts ``main.py server`` (and ``main.py sim``) and watches for the ready line."""

    def __init__(self, data_dir: Path, *, city_size: str = "demo", time_speed: float = 1.0,
                 incidents_per_hour: float = 240.0, simulator: bool = True,
                 extra_server_args: tuple[str, ...] = ()) -> None:
        self.data_dir = data_dir
        self.city_size = city_size
        self.time_speed = time_speed
        self.incidents_per_hour = incidents_per_hour
        self.simulator = simulator
        self.extra_server_args = extra_server_args
        self.server: subprocess.Popen[str] | None = None
        self.sim: subprocess.Popen[str] | None = None
        self.endpoints: Endpoints | None = None
        self._ready = threading.Event()
        self.log_dir = data_dir / "logs"

    def _spawn(self, args: list[str], log_name: str, *, pipe: bool) -> subprocess.Popen[str]:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        errlog = open(self.log_dir / log_name, "a", encoding="utf-8")  # noqa: SIM115
        return subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), *args], cwd=ROOT, text=True,
            stdout=subprocess.PIPE if pipe else errlog, stderr=errlog,
            stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def start(self) -> None:
        self.server = self._spawn(
            ["server", "--data-dir", str(self.data_dir), "--command-port", "0",
             "--snapshot-port", "0", "--update-port", "0", "--city-size", self.city_size,
             "--time-speed", str(self.time_speed), *self.extra_server_args],
            "server.log", pipe=True)
        threading.Thread(target=self._watch, name="server-stdout", daemon=True).start()

    def _watch(self) -> None:
        assert self.server is not None and self.server.stdout is not None
        for line in self.server.stdout:
            m = _READY.search(line)
            if m and not self._ready.is_set():
                self.endpoints = Endpoints(*m.groups())
                self._ready.set()

    def wait_ready(self, timeout_s: float) -> Endpoints | None:
        """The endpoints once the server is ready; None while it is still starting; raises
        :class:`BackendError` if it died."""
        if self._ready.wait(timeout_s):
            return self.endpoints
        if self.server is not None and self.server.poll() is not None:
            raise BackendError(f"the local dispatch server stopped (exit {self.server.returncode});"
                               f" see {self.log_dir / 'server.log'}")
        return None

    def start_simulator(self) -> None:
        if not self.simulator or self.endpoints is None:
            return
        cmd_port = self.endpoints.command.rsplit(":", 1)[1]
        snap_port = self.endpoints.snapshot.rsplit(":", 1)[1]
        upd_port = self.endpoints.update.rsplit(":", 1)[1]
        self.sim = self._spawn(
            ["sim", "--data-dir", str(self.data_dir), "--command-port", cmd_port,
             "--snapshot-port", snap_port, "--update-port", upd_port,
             "--speed", str(self.time_speed),
             "--incidents-per-hour", str(self.incidents_per_hour)], "simulator.log", pipe=False)

    def stop(self, timeout_s: float = 10.0) -> None:
        for proc in (self.sim, self.server):
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout_s
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if proc.poll() is None:
                log.warning("process %s did not stop in %.0f s; killing it", proc.pid, timeout_s)
                proc.kill()
                proc.wait()
