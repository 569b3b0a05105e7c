"""UI tests run offscreen; QtWebEngine is prepared before pytest-qt creates the QApplication."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import maps

# Sandbox switch for root, QtWebEngineWidgets import and gridline:// scheme registration: all
# must happen before the QApplication exists.
maps.prepare_environment()

MAP_READY_TIMEOUT_MS = 30_000


def _delete_now(widget: Any) -> None:
    """Delete a web view before the test ends: a page outliving its profile aborts at exit."""
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def map_view_factory(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """``make(wait=True, **kwargs)``: a shown MapView (kwargs go to MapView), ready if ``wait``."""
    from maps.view import MapView

    made: list[Any] = []

    def make(wait: bool = True, **kwargs: Any) -> Any:
        view = MapView(**kwargs)
        made.append(view)
        view.resize(800, 600)
        view.show()
        if wait:
            qtbot.waitUntil(lambda: view.is_ready, timeout=MAP_READY_TIMEOUT_MS)
        return view

    yield make
    for view in made:
        _delete_now(view)


@pytest.fixture
def map_view(map_view_factory: Callable[..., Any]) -> Any:
    """A shown MapView whose page is loaded and ready."""
    return map_view_factory()


@pytest.fixture
def map_js(qtbot: Any) -> Callable[..., Any]:
    """``map_js(view, expr)``: evaluate a JS expression on the map page, return its JSON value."""

    def run(view: Any, expr: str, timeout: int = 10_000) -> Any:
        box: list[Any] = []
        view.evaluate(f"JSON.stringify({expr})", box.append)
        qtbot.waitUntil(lambda: bool(box), timeout=timeout)
        text = box[0]
        return json.loads(text) if isinstance(text, str) and text else None

    return run


@pytest.fixture
def strict(qtmodeltester: Any, qtlog: Any) -> Any:
    """Attach the Python model tester (asserts) and Qt's C++ tester (its failures are
    warnings, checked at the end) to a model for the rest of the test."""
    from PySide6.QtTest import QAbstractItemModelTester

    testers: list[Any] = []

    def attach(model: Any, *, py: bool = True) -> None:
        if py:  # thorough but slow on big trees: every signal re-walks the model in Python
            qtmodeltester.check(model, force_py=True)
        testers.append(QAbstractItemModelTester(
            model, QAbstractItemModelTester.FailureReportingMode.Warning))

    yield attach
    failures = [r.message for r in qtlog.records if "FAIL" in r.message]
    assert not failures, failures


# ------------------------------------------------------------------------ incident table
