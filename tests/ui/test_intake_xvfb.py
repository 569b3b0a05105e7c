"""The new-incident form as a real window under Xvfb, in Chinese, over the live console: the
address searched, a map click, the hazards at the point and the place's history with a repeat
caller; then the Hazards editor. The screenshots go to tests/artifacts/intake.png and
intake-hazards.png for someone to look at."""

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


def test_intake_form_over_the_live_console_in_chinese(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    if shutil.which("xvfb-run") is None:
        pytest.fail("xvfb-run is missing: `make setup` installs Debian's xvfb")
    subprocess.run([sys.executable, "-m", "tools.translations", "compile"], cwd=ROOT,
                   check=True)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "intake.png"
    hazards = ARTIFACTS / "intake-hazards.png"
    for f in (shot, hazards):
        f.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, "-m",
         "tests.ui.intake_shot", str(shot), str(tmp_path / "data")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    m = re.search(r"intake screenshot saved to .* history=(\d+) hazards=(\d+)", proc.stdout)
    assert m, proc.stdout[-2000:]
    # the three earlier calls from the same phone near the point, both hazards nearby
    assert int(m.group(1)) >= 3, proc.stdout[-2000:]
    assert int(m.group(2)) == 2, proc.stdout[-2000:]
    for f in (shot, hazards):
        image = QImage(str(f))
        assert image.width() == 1920, f
        assert image.height() == 1080, f
        assert colours(f) > 50, f  # a drawn map and form, not a blank screen
