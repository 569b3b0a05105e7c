"""Run the dispatch server as a child process (benchmarks, the simulator, tools).

    with ServerProcess(db_url="sqlite:///x.sqlite", data_dir=tmp, insecure=True) as sp:
        client = CommandClient(sp.command)
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READY = "gridline server ready"


def free_ports(n: int, host: str = "127.0.0.1") -> list[int]:
    """``n`` TCP ports free right now on ``host``."""
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind((host, 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class ServerProcess:
    """``python -m dispatch.adapters.server.server`` on three free loopback ports."""

    def __init__(self, *, db_url: str, data_dir: Path, insecure: bool = False,
                 extra: list[str] | None = None, log_level: str = "WARNING") -> None:
        self.ports = free_ports(3)
        self.args = ["--db-url", db_url, "--data-dir", str(data_dir),
                     "--command-port", str(self.ports[0]),
                     "--snapshot-port", str(self.ports[1]),
                     "--update-port", str(self.ports[2]), "--log-level", log_level,
                     *(["--insecure"] if insecure else []), *(extra or [])]
        self.proc: subprocess.Popen[str] | None = None
        self.ready_line = ""

    def endpoint(self, i: int) -> str:
        return f"tcp://127.0.0.1:{self.ports[i]}"

    @property
    def command(self) -> str:
        return self.endpoint(0)

    @property
    def snapshot(self) -> str:
        return self.endpoint(1)

    @property
    def update(self) -> str:
        return self.endpoint(2)

    @property
    def ready_seq(self) -> int:
        m = re.search(r"seq=(\d+)", self.ready_line)
        return int(m.group(1)) if m else -1

    def start(self, timeout: float = 300.0) -> ServerProcess:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
        self.proc = subprocess.Popen([sys.executable, "-m", "dispatch.adapters.server.server",
                                      *self.args], cwd=ROOT, env=env, text=True,
                                     stdout=subprocess.PIPE, stderr=None)
        assert self.proc.stdout is not None
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the server exited with code {self.proc.wait()}")
            if line.startswith(READY):
                self.ready_line = line.strip()
                return self
        self.proc.kill()
        raise RuntimeError(f"the server was not ready after {timeout} s")

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait; kill if it does not stop. Returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.terminate()
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> ServerProcess:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
