"""The live city map: a folium-built Leaflet page fed in batches, clicks back over QWebChannel.

Call :func:`prepare_environment` once, before the QApplication is created; then use
:class:`maps.view.MapView`.
"""

from __future__ import annotations

import os

__all__ = ["prepare_environment", "register_scheme"]


def prepare_environment() -> None:
    """Make QtWebEngine usable here. Must run before the QApplication exists.

    - Chromium's sandbox refuses to run as root: disable it for root only
      (``QTWEBENGINE_DISABLE_SANDBOX=1``; an explicit value in the environment wins).
    - Import ``PySide6.QtWebEngineWidgets`` early (it must be loaded before the application).
    - Register the ``gridline://`` URL scheme the map page is served from.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    import PySide6.QtWebEngineWidgets  # noqa: F401  (side effect: load before QApplication)

    from maps.scheme import register_scheme

    register_scheme()


def register_scheme() -> None:
    """Register the ``gridline://`` scheme (see :func:`maps.scheme.register_scheme`)."""
    from maps.scheme import register_scheme as _register

    _register()
