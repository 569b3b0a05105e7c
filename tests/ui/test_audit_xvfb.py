"""The audit trail window as a real window under Xvfb, in Chinese, reading a real server's
audit; the screenshot is saved to tests/artifacts/audit.png for someone to look at."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.test_app_xvfb import ARTIFACTS, ROOT, colours

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]


def test_audit_window_in_chinese(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    if shutil.which("xvfb-run") is None:
        pytest.fail("xvfb-run is missing: `make setup` installs Debian's xvfb")
    subprocess.run([sys.executable, "-m", "tools.translations", "compile"], cwd=ROOT,
                   check=True)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "audit.png"
    shot.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x900x24", sys.executable, "-m",
         "tests.ui.audit_shot", str(shot), str(tmp_path / "data")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    m = re.search(r"audit screenshot saved to .* rows=(\d+)", proc.stdout)
    assert m, proc.stdout[-2000:]
    assert int(m.group(1)) >= 12, proc.stdout[-2000:]
    image = QImage(str(shot))
    assert image.width() >= 1200
    assert image.height() >= 600
    assert colours(shot) > 20
