"""The real application in replay mode under Xvfb: ``--replay --db FILE`` opens the recorded
history straight from a database file, goes to a busy instant with an incident selected and
saves the screenshot to tests/artifacts/replay.png for someone to look at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.domain.replay_scenario import record_scenario
from tests.ui.test_app_xvfb import ARTIFACTS, colours, run_app

pytestmark = [pytest.mark.xvfb, pytest.mark.slow]


def test_replay_opens_a_database_file_and_shows_the_instant(tmp_path: Path, catalogue: Any,
                                                            demo_city: Any) -> None:
    from PySide6.QtGui import QImage

    db = tmp_path / "history.sqlite"
    rec = record_scenario(f"sqlite:///{db}", catalogue, demo_city, steps=600, seed=5)
    events = rec.engine.state.seq
    rec.store.close()
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "replay.png"
    shot.unlink(missing_ok=True)
    proc = run_app(tmp_path, shot, "--replay", "--db", str(db), "--lang", "en",
                   "--log-level", "INFO")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert re.search(r"screenshot saved to", proc.stdout), proc.stdout[-2000:]
    # replay is read-only: it never sent a command, and it loaded the recorded events
    assert "refused" not in proc.stderr, proc.stderr[-3000:]
    assert events > 600
    image = QImage(str(shot))
    assert image.width() >= 1200
    assert image.height() >= 700
    assert colours(shot) > 50  # a drawn window, not a blank frame
