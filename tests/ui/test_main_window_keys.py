"""The main window's own keys and screen: it fits the screen and comes back where it was left,
Ctrl+Q asks before quitting, the alert sound is a remembered choice of the View menu, and the
status bar names the operator's role in the console's language."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QRect, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from dispatch.adapters.client.commands import Login
from dispatch.domain.roles import Role
from tests.ui.conftest import _delete_now
from tests.ui.widget_fixtures import *  # noqa: F403

pytestmark = pytest.mark.ui


@pytest.fixture
def make_window(console: Any, qtbot: Any, tmp_path: Any) -> Iterator[Callable[..., Any]]:
    from console.main_window import MainWindow

    made: list[Any] = []
    login = Login("s1", "lead", Role.SHIFT_LEAD, "", "", "ws-1", 0.0, 1.0)

    def make() -> Any:
        settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
        w = MainWindow(console, login, settings=settings)
        made.append(w)
        return w

    yield make
    for w in made:
        _delete_now(w)


def test_the_window_fits_the_screen_and_restores_its_geometry(make_window: Any,
                                                              qtbot: Any) -> None:
    w = make_window()
    hd = QRect(0, 0, 1920, 1040)  # a 1080p screen, less its task bar
    w.fit_screen(hd)
    assert w.minimumSizeHint().width() <= hd.width()
    assert w.minimumSizeHint().height() <= hd.height()
    assert w.width() <= hd.width()
    assert w.height() + 30 <= hd.height()  # a title bar fits above it
    assert hd.contains(w.geometry())
    # on the screen it is shown on (offscreen: a small one), as large as the screen allows
    w.fit_screen()
    area = (w.screen() or QApplication.primaryScreen()).availableGeometry()
    assert w.height() <= area.height()
    w.show()
    qtbot.waitExposed(w)
    assert w.statusBar().isVisible()
    # moved and resized by the operator: the next window comes back there
    w.setGeometry(QRect(area.x() + 10, area.y() + 20, 1600, 700))
    height = w.height()
    assert height == 700
    w.save_layout()
    assert isinstance(w.settings.value("window/geometry"), QByteArray)
    w.close()
    again = make_window()
    again.show()
    qtbot.waitExposed(again)
    assert again.height() == height  # (the width is held to the small screen's)


def test_ctrl_q_asks_before_quitting(make_window: Any, qtbot: Any) -> None:
    w = make_window()
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    asked: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> Callable[[], None]:
        def press() -> None:
            box = w.quit_box
            if box is None:
                QTimer.singleShot(20, press)
                return
            asked.append(box.text())
            box.button(button).click()
        return press

    QTimer.singleShot(0, answer(QMessageBox.StandardButton.Cancel))
    qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert asked  # it asked
    assert w.isVisible()  # and Cancel kept the console open
    w.activateWindow()  # the question had the focus
    qtbot.waitUntil(w.isActiveWindow)
    QTimer.singleShot(0, answer(QMessageBox.StandardButton.Yes))
    qtbot.keyClick(w, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert len(asked) == 2
    assert not w.isVisible()


def test_the_alert_sound_is_a_remembered_menu_choice(make_window: Any, console: Any,
                                                     busy_engine: Any) -> None:
    w = make_window()
    assert not w.sound_action.isChecked()  # off by default
    assert not w.queue.sound.enabled
    assert w.sound_action in w.menuBar().actions()[2].menu().actions()  # View
    w.sound_action.trigger()
    assert w.queue.sound.enabled
    played: list[bool] = []
    w.queue.sound.sig_played.connect(lambda: played.append(True))
    w.queue.draw_attention(busy_engine.populated["registered"][0])
    assert played == [True]
    w.settings.sync()
    again = make_window()
    assert again.sound_action.isChecked()
    assert again.queue.sound.enabled


def test_the_status_bar_names_the_role(make_window: Any) -> None:
    w = make_window()
    assert "Shift lead" in w.status.operator.text()
    assert "shift_lead" not in w.status.operator.text()


def test_a_theme_change_reloads_the_map_page_keeping_the_view(make_window: Any,
                                                              qtbot: Any) -> None:
    """View ▸ Theme: the map page is built again in the new theme (the wall's high-contrast
    theme draws on the dark page), the same centre and zoom; the choice is remembered."""
    from tests.ui.conftest import MAP_READY_TIMEOUT_MS

    w = make_window()
    w.show()
    qtbot.waitUntil(lambda: w.map.is_ready, timeout=MAP_READY_TIMEOUT_MS)
    assert w.map.theme == "light"

    def page(expr: str) -> Any:
        box: list[Any] = []
        w.map.evaluate_json(expr, box.append)
        qtbot.waitUntil(lambda: bool(box), timeout=10_000)
        return box[0]

    # moved by hand (no longer following the city's bounds)
    page("GL.map.setView([31.3051, 120.6102], 14, {animate: false}) && (GL._autoFit = false, 1)")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    # the application's look as the other tests had it
    style, palette, sheet, font = app.style().name(), app.palette(), app.styleSheet(), app.font()
    try:
        with qtbot.waitSignal(w.map.sig_ready, timeout=MAP_READY_TIMEOUT_MS):
            w.set_theme("dark")
        assert w.map.theme == "dark"
        assert w.settings.value("ui/theme") == "dark"
        assert page("document.body.classList.contains('gl-theme-light')") is False
        got = page("[GL.map.getCenter().lat, GL.map.getCenter().lng, GL.map.getZoom()]")
        assert got == pytest.approx([31.3051, 120.6102, 14], abs=1e-4)
        w.set_theme("wall")
        assert w.map.theme == "dark"  # the same page: not reloaded
        with qtbot.waitSignal(w.map.sig_ready, timeout=MAP_READY_TIMEOUT_MS):
            w.set_theme("light")
        assert page("document.body.classList.contains('gl-theme-light')") is True
    finally:
        app.setStyle(style)
        app.setPalette(palette)
        app.setStyleSheet(sheet)
        app.setFont(font)
