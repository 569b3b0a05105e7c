"""``python main.py gateway`` as its own process in front of a dispatch server process with
CurveZMQ (the embedded trust: the gateway's own enrolled key), the way the embedded default
starts it: it prints its address once its view is live, serves the demo Open311 key, logs a
device in, and stops on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dispatch.adapters.server.process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def secure_server(tmp_path: Path) -> Iterator[ServerProcess]:
    sp = ServerProcess(data_dir=tmp_path, extra=["--hugz-interval", "0.25"],
                       stderr=subprocess.DEVNULL).start(120)
    yield sp
    sp.terminate()


def test_gateway_process_with_curve(secure_server: ServerProcess, tmp_path: Path) -> None:
    sp = secure_server
    ports = [sp.command, sp.snapshot, sp.update]
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "gateway", "--data-dir", str(tmp_path),
         "--command-port", ports[0].rsplit(":", 1)[1],
         "--snapshot-port", ports[1].rsplit(":", 1)[1],
         "--update-port", ports[2].rsplit(":", 1)[1], "--hugz-interval", "0.25",
         "--port", "0", "--demo-key", "--log-level", "WARNING"],
        cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        url = json.loads(line)["gateway"]
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url, timeout=15) as http:
            assert http.get("/healthz").json()["live"] is True
            services = http.get("/open311/v2/services.json").json()
            assert len(services) > 10
            r = http.post("/api/v1/login", json={"user": "disp", "password": "disp-demo"})
            assert r.status_code == 200, r.text
            assert r.json()["role"] == "dispatcher"
            token = r.json()["token"]
            orders = http.get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"})
            assert orders.status_code == 200
            assert orders.json()["live"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(20)
    assert code == 0


def test_keys_command_line(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "gateway", "keys",
                               "--data-dir", str(tmp_path), *args], cwd=ROOT, text=True,
                              capture_output=True, timeout=60, check=False)

    issued = run("issue", "iot-platform", "--scope", "tickets", "--source", "sensor")
    assert issued.returncode == 0, issued.stderr
    key = issued.stdout.strip().splitlines()[-1]
    assert key.startswith("glk_")
    stored = (tmp_path / "gateway" / "api_keys.json").read_text()
    assert key not in stored  # only its hash
    assert (tmp_path / "gateway" / "api_keys.json").stat().st_mode & 0o077 == 0
    bad = run("issue", "x", "--scope", "tickets", "--source", "pigeon")
    assert bad.returncode == 1
    assert "source must be one of" in bad.stderr
    assert run("revoke", "iot-platform").returncode == 0
    assert run("revoke", "iot-platform").returncode == 1
    assert "revoked" in run("list").stdout
