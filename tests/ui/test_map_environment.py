"""The Chromium switches the map runs with: V8 tuned for memory everywhere, no GPU where the
Qt platform has none, and switches already in the environment kept (and winning)."""

from __future__ import annotations

import os

import pytest

import maps
from maps import _merge_flags, chromium_flags

pytestmark = pytest.mark.ui


def test_offscreen_gets_no_gpu_and_a_display_keeps_it() -> None:
    assert chromium_flags("offscreen") == ["--js-flags=--max-semi-space-size=1", "--disable-gpu"]
    assert "--disable-gpu" in chromium_flags("offscreen:size=800x600")
    assert chromium_flags("xcb") == ["--js-flags=--max-semi-space-size=1"]
    assert chromium_flags("") == ["--js-flags=--max-semi-space-size=1"]


def test_switches_from_the_environment_stay_and_win() -> None:
    ours = chromium_flags("offscreen")
    assert _merge_flags(ours, "") == "--js-flags=--max-semi-space-size=1 --disable-gpu"
    merged = _merge_flags(ours, "--js-flags=--max-old-space-size=512 --remote-debugging-port=9")
    assert merged == ("--disable-gpu --js-flags=--max-old-space-size=512 "
                      "--remote-debugging-port=9")
    # Merging again (prepare_environment runs more than once in a test session) is a no-op.
    assert _merge_flags(ours, merged) == merged


def test_prepare_environment_has_set_them_for_this_process() -> None:
    # The UI tests' conftest prepared the environment before the QApplication existed.
    flags = os.environ[maps.CHROMIUM_FLAGS_VAR].split()
    assert "--js-flags=--max-semi-space-size=1" in flags
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        assert "--disable-gpu" in flags
