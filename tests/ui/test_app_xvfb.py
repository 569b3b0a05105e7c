"""The real application under Xvfb (xcb platform, a real window): it starts the embedded
server and simulator, shows the live city and saves a screenshot of the main window to
tests/artifacts/console.png (the README shows one like it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]


def run_app(tmp_path: Path, shot: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("xvfb-run") is None:
        pytest.fail("xvfb-run is missing: `make setup` installs Debian's xvfb")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")  # fresh QSettings
    return subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, "main.py",
         "--data-dir", str(tmp_path / "data"), "--screenshot", str(shot),
         "--screenshot-delay", "5", *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)


def colours(path: Path) -> int:
    from PySide6.QtGui import QImage

    img = QImage(str(path))
    assert not img.isNull(), f"{path} is not an image"
    seen = set()
    for y in range(0, img.height(), 7):
        for x in range(0, img.width(), 7):
            seen.add(img.pixel(x, y))
    return len(seen)


def test_console_starts_for_real_and_shows_a_live_city(tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "console.png"
    shot.unlink(missing_ok=True)
    proc = run_app(tmp_path, shot, "--speed", "20", "--incidents-per-hour", "3000")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    m = re.search(r"live seq=(\d+) incidents=(\d+) units=(\d+)", proc.stdout)
    assert m, proc.stdout
    seq, incidents, units = map(int, m.groups())
    assert units > 100
    assert seq > units
    assert incidents > 0, "the simulator reported nothing before the screenshot"
    assert shot.exists()
    assert colours(shot) > 50


def test_without_a_display_it_says_so_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run([sys.executable, "main.py", "--data-dir", str(tmp_path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "no display" in lines[0]
    assert "--screenshot" in lines[0]


def test_stopping_the_console_stops_its_server_and_simulator(tmp_path: Path) -> None:
    import signal
    import time

    import psutil

    if shutil.which("xvfb-run") is None:
        pytest.fail("xvfb-run is missing: `make setup` installs Debian's xvfb")
    data = str(tmp_path / "data")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    proc = subprocess.Popen(["xvfb-run", "-a", "-s", "-screen 0 1600x900x24", sys.executable,
                             "main.py", "--data-dir", data], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ours() -> list[psutil.Process]:
        found = []
        for p in psutil.process_iter(["cmdline"]):
            cmd = p.info["cmdline"] or []
            python = bool(cmd) and os.path.basename(cmd[0]).startswith("python")
            if python and data in cmd:  # the console, its server and its simulator
                found.append(p)
        return found

    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            kinds = {("sim" if "sim" in p.info["cmdline"] else
                      "server" if "dispatch.entrypoints.server" in p.info["cmdline"]
                      else "console") for p in ours()}
            if kinds == {"console", "server", "sim"}:
                break
            time.sleep(0.5)
        else:
            pytest.fail(f"console, server and simulator did not all start: {kinds}")
        console = next(p for p in ours()
                       if "dispatch.entrypoints.server" not in p.info["cmdline"]
                       and "sim" not in p.info["cmdline"])
        console.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 30
        while ours() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not ours(), [p.info["cmdline"] for p in ours()]
    finally:
        for p in ours():
            p.kill()
        proc.kill()
        proc.wait(30)
