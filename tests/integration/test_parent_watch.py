"""An embedded console's child (server, gateway, simulator) stops by itself when the console
dies without stopping it (dispatch.entrypoints.parent_watch): a real parent process starts a
child with GRIDLINE_PARENT_PID, dies with os._exit, and the child gets SIGTERM."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import signal, sys, time
from dispatch.entrypoints.parent_watch import exit_with_parent
def bye(*_):
    print("stopped by SIGTERM", flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, bye)
print("watching" if exit_with_parent(0.1) else "not watching", flush=True)
time.sleep(60)
"""

PARENT = f"""
import os, subprocess, sys
out = open(sys.argv[1], "w")
os.environ["GRIDLINE_PARENT_PID"] = str(os.getpid())
child = subprocess.Popen([sys.executable, "-c", {CHILD!r}], stdout=out)
print(child.pid, flush=True)
import time; time.sleep(float(sys.argv[2]))
os._exit(0)   # dies without stopping its child
"""


def wait_gone(pid: int, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.05)
    return False


def test_a_child_stops_when_its_console_dies(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GRIDLINE_PARENT_PID", None)
    parent = subprocess.run([sys.executable, "-c", PARENT, str(log), "1.5"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=30)
    child = int(parent.stdout.split()[0])
    assert wait_gone(child, 15), "the child outlived its console"
    assert log.read_text().split() == ["watching", "stopped", "by", "SIGTERM"]


def test_a_process_not_started_by_that_console_does_not_watch(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRIDLINE_PARENT_PID": "1"}
    out = subprocess.run([sys.executable, "-c",
                          "from dispatch.entrypoints.parent_watch import exit_with_parent;"
                          "print(exit_with_parent())"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=30)
    assert out.stdout.strip() == "False"
