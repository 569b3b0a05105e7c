"""The one way to run the dispatch server as a child process, and the one :class:`Endpoints`
(the console's embedded mode, the benchmarks, the simulator's tests and the integration tests
all use these).

    with ServerProcess(db_url="sqlite:///x.sqlite", data_dir=tmp, insecure=True) as sp:
        client = CommandClient(sp.command)

The child is ``python -m dispatch.entrypoints.server``; it prints one line on standard output
when it is ready, ``gridline server ready command=… snapshot=… update=… seq=…``, which gives
the endpoints it bound (ports 0 = chosen by the system) and the sequence it started from.
A server of a PostgreSQL pair prints that line each time it starts leading, and
``gridline server standby seq=… leader=…`` each time it starts following (:meth:`wait_line`).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[3]
READY = "gridline server ready"
STANDBY = "gridline server standby"  # a server of a PostgreSQL pair following the leader
SERVER_MODULE = "dispatch.entrypoints.server"
_READY = re.compile(READY + r" command=(\S+) snapshot=(\S+) update=(\S+)(?: seq=(\d+))?")


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where a dispatch server listens: commands, snapshots, updates (ZeroMQ endpoints)."""

    command: str
    snapshot: str
    update: str


def ready_line(endpoints: Endpoints, seq: int) -> str:
    """The line the server prints once it is bound (the parent reads its endpoints)."""
    return (f"{READY} command={endpoints.command} snapshot={endpoints.snapshot} "
            f"update={endpoints.update} seq={seq}")


def parse_ready(line: str) -> tuple[Endpoints, int] | None:
    """(endpoints, sequence) from a ready line; None for any other line."""
    m = _READY.search(line)
    if m is None:
        return None
    return Endpoints(m[1], m[2], m[3]), int(m[4]) if m[4] is not None else -1


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


class ServerExited(RuntimeError):
    """The server process ended before it was ready (``returncode``: its exit code)."""

    def __init__(self, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.returncode = returncode


class ServerProcess:
    """``python -m dispatch.entrypoints.server`` on three loopback ports (free ones unless
    ``ports`` are given; ``(0, 0, 0)`` lets the server choose). ``args`` may be extended
    before :meth:`start`. ``stderr``: a file to append the server's log to, ``None`` to
    inherit, or a ``subprocess`` constant such as ``DEVNULL``."""

    def __init__(self, *, db_url: str | None = None, data_dir: Path,
                 insecure: bool = False, extra: Sequence[str] = (),
                 log_level: str = "WARNING", ports: Sequence[int] | None = None,
                 stderr: Path | int | None = None, host: str = "127.0.0.1") -> None:
        self.ports = list(ports) if ports is not None else free_ports(3, host)
        self.host = host
        self.args = [*(["--db-url", db_url] if db_url else []), "--data-dir", str(data_dir),
                     "--command-port", str(self.ports[0]),
                     "--snapshot-port", str(self.ports[1]),
                     "--update-port", str(self.ports[2]), "--log-level", log_level,
                     *(["--insecure"] if insecure else []), *extra]
        self.stderr = stderr
        self.proc: subprocess.Popen[str] | None = None
        self.ready_line = ""
        self.endpoints: Endpoints | None = None
        self.ready_seq = -1
        self._ready = threading.Event()
        self.lines: list[str] = []  # what it printed (ready and standby lines)
        self._line = threading.Condition()
        self._stderr_file: IO[str] | None = None

    # ----------------------------------------------------------------------- endpoints

    def endpoint(self, i: int) -> str:
        if self.endpoints is not None:
            return (self.endpoints.command, self.endpoints.snapshot, self.endpoints.update)[i]
        return f"tcp://{self.host}:{self.ports[i]}"

    @property
    def command(self) -> str:
        return self.endpoint(0)

    @property
    def snapshot(self) -> str:
        return self.endpoint(1)

    @property
    def update(self) -> str:
        return self.endpoint(2)

    # ------------------------------------------------------------------------- running

    def launch(self) -> ServerProcess:
        """Start the child and return at once (see :meth:`wait_ready`)."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": os.pathsep.join(
            [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
        err: Any = self.stderr
        if isinstance(self.stderr, Path):
            self.stderr.parent.mkdir(parents=True, exist_ok=True)
            err = self._stderr_file = open(self.stderr, "a", encoding="utf-8")  # noqa: SIM115
        self._ready.clear()
        with self._line:
            self.lines.clear()
        self.proc = subprocess.Popen([sys.executable, "-m", SERVER_MODULE, *self.args],
                                     cwd=ROOT, env=env, text=True, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=err)
        threading.Thread(target=self._read_stdout, args=(self.proc,), name="server-stdout",
                         daemon=True).start()
        return self

    def _read_stdout(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:  # read to the end: the pipe never fills
            with self._line:
                self.lines.append(line.strip())
                self._line.notify_all()
            if not self._ready.is_set():
                got = parse_ready(line)
                if got is not None:
                    self.ready_line = line.strip()
                    self.endpoints, self.ready_seq = got
                    self._ready.set()

    def wait_ready(self, timeout: float) -> Endpoints | None:
        """The endpoints once the server is ready; None if it is still starting after
        ``timeout`` seconds; :class:`ServerExited` if it ended."""
        if self.proc is None:
            raise ServerExited("the server was not started")
        end = time.monotonic() + timeout
        while True:
            if self._ready.wait(min(0.1, max(0.0, end - time.monotonic()))):
                return self.endpoints
            if self.proc.poll() is not None and not self._ready.is_set():
                raise ServerExited(f"the server exited with code {self.proc.returncode}",
                                   self.proc.returncode)
            if time.monotonic() >= end:
                return None

    def wait_line(self, prefix: str, timeout: float, count: int = 1) -> bool:
        """Wait until the server has printed ``count`` lines starting with ``prefix`` (e.g.
        :data:`READY` once more after a takeover, :data:`STANDBY`); False after
        ``timeout`` seconds or when it ended."""
        end = time.monotonic() + timeout
        with self._line:
            while sum(1 for x in self.lines if x.startswith(prefix)) < count:
                left = end - time.monotonic()
                if left <= 0 or (self.proc is not None and self.proc.poll() is not None):
                    return False
                self._line.wait(min(0.1, left))
        return True

    def start(self, timeout: float = 300.0) -> ServerProcess:
        """Start the child and wait until it is ready (kill it if it is not in time)."""
        self.launch()
        if self.wait_ready(timeout) is None:
            self.kill()
            raise RuntimeError(f"the server was not ready after {timeout} s")
        return self

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait (``TimeoutExpired`` if it does not stop). Returns the exit code."""
        assert self.proc is not None
        self.proc.terminate()
        return self.proc.wait(timeout)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait; kill if it does not stop. Returns the exit code."""
        if self.proc is None or self.proc.poll() is not None:
            self._close_log()
            return self.proc.returncode if self.proc else 0
        self.proc.terminate()
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
        finally:
            self._close_log()

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close_log()

    def _close_log(self) -> None:
        if self._stderr_file is not None:
            self._stderr_file.close()
            self._stderr_file = None

    def __enter__(self) -> ServerProcess:
        return self.start() if self.proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()
