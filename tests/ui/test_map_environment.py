"""The Chromium switches the map runs with: V8 tuned for memory everywhere, no GPU where the
Qt platform has none, no zygote processes where there is no sandbox, and switches already in
the environment kept (and winning)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psutil
import pytest

import maps
from maps import _merge_flags, chromium_flags, sandbox_disabled

pytestmark = pytest.mark.ui


ALWAYS = ["--js-flags=--max-semi-space-size=1", "--enable-low-end-device-mode"]


def test_offscreen_gets_no_gpu_and_a_display_keeps_it() -> None:
    assert chromium_flags("offscreen") == [*ALWAYS, "--disable-gpu"]
    assert "--disable-gpu" in chromium_flags("offscreen:size=800x600")
    assert chromium_flags("xcb") == ALWAYS
    assert chromium_flags("") == ALWAYS


def test_switches_from_the_environment_stay_and_win() -> None:
    ours = chromium_flags("offscreen")
    assert _merge_flags(ours, "") == " ".join([*ALWAYS, "--disable-gpu"])
    merged = _merge_flags(ours, "--js-flags=--max-old-space-size=512 --remote-debugging-port=9")
    assert merged == ("--enable-low-end-device-mode --disable-gpu "
                      "--js-flags=--max-old-space-size=512 --remote-debugging-port=9")
    # Merging again (prepare_environment runs more than once in a test session) is a no-op.
    assert _merge_flags(ours, merged) == merged


def test_prepare_environment_has_set_them_for_this_process() -> None:
    # The UI tests' conftest prepared the environment before the QApplication existed.
    flags = os.environ[maps.CHROMIUM_FLAGS_VAR].split()
    assert "--js-flags=--max-semi-space-size=1" in flags
    assert "--enable-low-end-device-mode" in flags
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        assert "--disable-gpu" in flags


def test_no_zygote_only_without_the_sandbox() -> None:
    assert "--no-zygote" not in chromium_flags("offscreen")
    assert "--no-zygote" not in chromium_flags("xcb", sandboxed=True)
    assert chromium_flags("xcb", sandboxed=False) == [*ALWAYS, "--no-zygote"]
    assert sandbox_disabled({"QTWEBENGINE_DISABLE_SANDBOX": "1"})
    assert sandbox_disabled({"QTWEBENGINE_CHROMIUM_FLAGS": "--disable-gpu --no-sandbox"})
    assert not sandbox_disabled({})
    assert not sandbox_disabled({"QTWEBENGINE_DISABLE_SANDBOX": "0",
                                 "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandboxes"})


def _webengine_processes() -> list[list[str]]:
    out = []
    for child in psutil.Process().children(recursive=True):
        try:
            cmd = child.cmdline()
        except psutil.Error:  # just exited
            continue
        if cmd and Path(cmd[0]).name == "QtWebEngineProcess":
            out.append(cmd)
    return out


def test_without_the_sandbox_the_map_runs_in_a_renderer_and_no_zygote(map_view: Any,
                                                                       map_js: Any) -> None:
    if not sandbox_disabled(os.environ):
        pytest.skip("the sandbox is on here: Chromium starts its zygotes")
    assert "--no-zygote" in os.environ[maps.CHROMIUM_FLAGS_VAR].split()
    assert map_js(map_view, "typeof GL.setRegions") == "function"  # the page works
    kinds = [next((a for a in cmd if a.startswith("--type=")), "") for cmd in
             _webengine_processes()]
    assert "--type=renderer" in kinds
    assert "--type=zygote" not in kinds
