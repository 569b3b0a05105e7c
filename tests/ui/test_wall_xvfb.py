"""The real application as a wall screen under Xvfb: ``--wall`` logs in as the read-only wall
operator, covers the 1920×1080 screen and shows the live city in Chinese; the screenshot is
saved to tests/artifacts/wall.png for someone to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.ui.test_app_xvfb import ARTIFACTS, colours, run_app

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]


def test_wall_starts_full_screen_and_shows_the_live_city(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "wall.png"
    shot.unlink(missing_ok=True)
    proc = run_app(tmp_path, shot, "--wall", "--lang", "zh_CN", "--wall-rotate", "0",
                   "--speed", "20", "--incidents-per-hour", "3000", "--log-level", "INFO")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    # logged in as the read-only wall operator (the server refuses it every command)
    assert "wall screen: operator wall, role wall, screen 0" in proc.stderr, proc.stderr[-3000:]
    m = re.search(r"live seq=(\d+) incidents=(\d+) units=(\d+)", proc.stdout)
    assert m, proc.stdout
    seq, incidents, units = map(int, m.groups())
    assert units > 100
    assert incidents > 0
    assert seq > units
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1920, 1080)  # the whole screen
    assert colours(shot) > 50
    # near-black background: the top-left corner and the gaps between panels
    for x, y in ((2, 2), (1910, 1075)):
        c = image.pixelColor(x, y)
        assert max(c.red(), c.green(), c.blue()) < 24, (x, y, c.name())
