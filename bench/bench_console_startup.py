"""console_startup: seconds from launching the console to the first live map frame at city
scale (8,000 grids, 26,000 units), logging in with CurveZMQ to a running server.

Baseline: launching a bare PySide6 QtWebEngine window that loads an empty page and quits."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.city_server import ROOT, CityServer
from bench.common import report

BARE = """
import os, sys
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QUrl
app = QApplication(sys.argv[:1])
v = QWebEngineView(); v.resize(1600, 900); v.show()
v.loadFinished.connect(lambda ok: app.quit())
v.load(QUrl("about:blank"))
app.exec()
del v
"""


def timed_run(args: list[str], marker: str | None, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    if marker is None:
        proc.wait(300)
        return time.perf_counter() - t0
    for line in proc.stdout:
        if marker in line:
            dt = time.perf_counter() - t0
            proc.wait(60)
            return dt
    raise RuntimeError(f"console exited ({proc.wait()}) without {marker!r}")


def main() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryDirectory() as d:
        srv = CityServer(Path(d) / "server")
        srv.start()
        try:
            port = srv.ports[0]
            runs = []
            for i in range(3):
                env["XDG_CONFIG_HOME"] = str(Path(d) / f"cfg{i}")
                runs.append(timed_run(
                    [sys.executable, "main.py", "--connect", f"127.0.0.1:{port}",
                     "--snapshot-port", str(srv.ports[1]), "--update-port", str(srv.ports[2]),
                     "--data-dir", str(srv.data_dir), "--workstation", "console",
                     "--user", "lead", "--password", "lead-demo", "--exit-when-live"],
                    "first live frame", env))
            bare = min(timed_run([sys.executable, "-c", BARE], None, env) for _ in range(3))
        finally:
            srv.stop()
    report("console_startup", sorted(runs)[1], "s", bare, target="< 5 s",
           runs=[round(r, 2) for r in runs])


if __name__ == "__main__":
    main()
