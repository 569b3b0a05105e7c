"""A city-scale dispatch server in a subprocess for the console benchmarks (8,000 grids,
26,000 units). Its database is built once and cached under ``bench/.cache``."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class CityServer:
    def __init__(self, data_dir: Path, *, size: str = "city") -> None:
        self.data_dir = data_dir
        self.size = size
        self.ports = free_ports(3)
        self.proc: subprocess.Popen[str] | None = None

    @property
    def db(self) -> Path:
        return self.data_dir / "gridline.sqlite"

    @property
    def command(self) -> str:
        return f"tcp://127.0.0.1:{self.ports[0]}"

    @property
    def snapshot(self) -> str:
        return f"tcp://127.0.0.1:{self.ports[1]}"

    @property
    def update(self) -> str:
        return f"tcp://127.0.0.1:{self.ports[2]}"

    def start(self, timeout_s: float = 600.0) -> float:
        """Start (restoring the cached database); returns seconds until ready."""
        cached = CACHE / f"console-{self.size}.sqlite"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if cached.exists() and not self.db.exists():
            shutil.copy(cached, self.db)
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "main.py", "server", "--data-dir", str(self.data_dir),
             "--city-size", self.size, "--command-port", str(self.ports[0]),
             "--snapshot-port", str(self.ports[1]), "--update-port", str(self.ports[2]),
             "--log-level", "WARNING"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        while time.perf_counter() - t0 < timeout_s:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited with {self.proc.wait()}")
            if line.startswith("gridline server ready"):
                break
        ready = time.perf_counter() - t0
        if not cached.exists():
            CACHE.mkdir(exist_ok=True)
            self._snapshot_db(cached)
        return ready

    def _snapshot_db(self, target: Path) -> None:
        import sqlite3

        src = sqlite3.connect(self.db)
        dst = sqlite3.connect(target)
        src.backup(dst)
        dst.close()
        src.close()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
