"""The live city map: a folium-built Leaflet page fed in batches, clicks back over QWebChannel.

Call :func:`prepare_environment` once, before the QApplication is created; then use
:class:`maps.view.MapView`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["chromium_flags", "prepare_environment", "register_scheme", "sandbox_disabled"]

CHROMIUM_FLAGS_VAR = "QTWEBENGINE_CHROMIUM_FLAGS"
SANDBOX_VAR = "QTWEBENGINE_DISABLE_SANDBOX"
# Qt platform plugins with no GPU to draw with: QtWebEngine falls back to software there.
_NO_GPU_PLATFORMS = ("offscreen", "minimal")


def chromium_flags(platform: str, *, sandboxed: bool = True) -> list[str]:
    """The Chromium switches the map runs with on the Qt ``platform`` plugin given
    (``sandboxed``: Chromium's sandbox is on).

    - ``--js-flags=--max-semi-space-size=1``: V8's young generation stays at 1 MB semi-spaces
      instead of growing to 16 MB. The page is one long-lived map whose 26,000 markers move in
      place at city scale; over two minutes of live updates the renderer process grew to
      580–730 MB with V8's defaults. ``--optimize-for-size`` (used before) kept it near 390 MB
      too, but it also holds back V8's optimizing compiler: the page's per-marker loops ran
      3–6× slower (a replay seek's 26,000 moved units: 75–300 ms of script against 12–44 ms
      without it, 35–110 ms with this flag).
    - ``--disable-gpu`` where there is no GPU (offscreen and similar): Chromium falls back to
      software rendering anyway, but only after the console's process has loaded Mesa's
      LLVM-based software OpenGL to try (~60 MB of it, for nothing). Real displays keep the GPU.
    - ``--no-zygote`` where the sandbox is off (as root): the zygote processes exist to start
      sandboxed renderers quickly; without a sandbox the one renderer the map needs is started
      straight. At city scale the two zygotes held 130 MB of resident memory (mostly pages
      shared with the renderer, ~45 MB proportional) and the renderer came out smaller
      without them (PSS of the console and its QtWebEngine processes 651 -> 563 MB). Chromium
      refuses ``--no-zygote`` with the sandbox on, so it is not given then.
    - ``--enable-low-end-device-mode``: Chromium's budgets for a device short of memory
      (smaller raster and image caches, the renderer's memory given back sooner). The console
      at city scale after two minutes of live load: the renderer's unique memory 224 -> 150–209
      MB, the two processes' resident total ~880 -> ~851 MB (software rendering, three runs);
      the map draws the same pixels (a replay window under Xvfb compared with and without), and
      its scripts run as fast (a 10% unit move: 10–22 ms of script either way).
    """
    flags = ["--js-flags=--max-semi-space-size=1", "--enable-low-end-device-mode"]
    if platform.split(":", 1)[0] in _NO_GPU_PLATFORMS:
        flags.append("--disable-gpu")
    if not sandboxed:
        flags.append("--no-zygote")
    return flags


def sandbox_disabled(environ: Mapping[str, str]) -> bool:
    """QtWebEngine runs Chromium without its sandbox (``QTWEBENGINE_DISABLE_SANDBOX=1`` or
    ``--no-sandbox`` among the switches given)."""
    return environ.get(SANDBOX_VAR, "") == "1" or \
        "--no-sandbox" in environ.get(CHROMIUM_FLAGS_VAR, "").split()


def _merge_flags(ours: list[str], theirs: str) -> str:
    """Our switches first, then the ones already set (which win: a switch given twice takes
    its last value in Chromium); ours are left out where the environment sets the same one."""
    given = {flag.split("=", 1)[0] for flag in theirs.split()}
    return " ".join([f for f in ours if f.split("=", 1)[0] not in given] + theirs.split())


def prepare_environment() -> None:
    """Make QtWebEngine usable here. Must run before the QApplication exists.

    - Chromium's sandbox refuses to run as root: disable it for root only
      (``QTWEBENGINE_DISABLE_SANDBOX=1``; an explicit value in the environment wins).
    - Chromium switches for the map (:func:`chromium_flags`) go into
      ``QTWEBENGINE_CHROMIUM_FLAGS``, after which switches already there still apply.
    - Import ``PySide6.QtWebEngineWidgets`` early (it must be loaded before the application).
    - Register the ``gridline://`` URL scheme the map page is served from.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault(SANDBOX_VAR, "1")
    os.environ[CHROMIUM_FLAGS_VAR] = _merge_flags(
        chromium_flags(os.environ.get("QT_QPA_PLATFORM", ""),
                       sandboxed=not sandbox_disabled(os.environ)),
        os.environ.get(CHROMIUM_FLAGS_VAR, ""))
    import PySide6.QtWebEngineWidgets  # noqa: F401  (side effect: load before QApplication)

    from maps.scheme import register_scheme

    register_scheme()


def register_scheme() -> None:
    """Register the ``gridline://`` scheme (see :func:`maps.scheme.register_scheme`)."""
    from maps.scheme import register_scheme as _register

    _register()
