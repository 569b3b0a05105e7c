"""What the screenshot scripts (``python -m tests.ui.<name>_shot OUT.png DATA_DIR`` under Xvfb)
share: a demo server on SQLite in a data directory, the Chinese console on it, and waiting for
a condition while Qt runs. The scripts stage a scene and grab the screen; the ``*_xvfb`` tests
run them and check what they printed and saved."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer
    from dispatch.domain.catalogue.model import Catalogue
    from dispatch.domain.city.model import City


def wait(app: Any, cond: Callable[[], object], timeout: float = 60.0) -> None:
    """Run Qt until ``cond()`` is true; TimeoutError after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("screenshot: a condition never came true")
        app.processEvents()
        time.sleep(0.02)


def settle(app: Any, seconds: float) -> None:
    """Run Qt for ``seconds`` (paint, animations) before a grab."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


@dataclass
class DemoServer:
    server: DispatchServer
    endpoints: Any  # dispatch.adapters.server.process.Endpoints
    catalogue: Catalogue
    city: City

    @property
    def command(self) -> str:
        return str(self.endpoints.command)

    def grid_point(self, index: int) -> tuple[float, float]:
        """(lon, lat) inside the demo city's ``index``-th grid (by code)."""
        grids = sorted(r.code for r in self.city.grids())
        p = self.city.regions[grids[index]].geometry.representative_point()
        return p.x, p.y

    def stop(self) -> None:
        self.server.stop()


def demo_server(data: Path, name: str, **settings: Any) -> DemoServer:
    """A dispatch server on the demo city (Suzhou outlines), SQLite ``DATA/NAME.sqlite``,
    without CURVE, on free ports, serving on a daemon thread."""
    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.adapters.district_outlines import suzhou_outlines
    from dispatch.adapters.server.server import open_server
    from dispatch.adapters.settings import Settings
    from dispatch.services.city_generator.generate import generate_city

    data.mkdir(parents=True, exist_ok=True)
    catalogue = default_catalogue()
    city = generate_city("demo", seed=1, catalogue=catalogue, outlines=suzhou_outlines())
    config = Settings(data_dir=data, db_url=f"sqlite:///{data / (name + '.sqlite')}",
                      insecure=True, command_port=0, snapshot_port=0, update_port=0,
                      **settings)
    srv = open_server(config, catalogue=catalogue, city=city)
    endpoints = srv.bind()
    threading.Thread(target=srv.serve_forever, name="server", daemon=True).start()
    return DemoServer(srv, endpoints, catalogue, city)


def chinese_app(name: str, *, web: bool = True) -> Any:
    """The QApplication in the light theme with the Chinese translation installed (and, with
    ``web``, the web engine prepared for a map)."""
    if web:
        import maps

        maps.prepare_environment()
        import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
    from PySide6.QtWidgets import QApplication

    from console.themes import apply_theme
    from widgets.i18n import install_translator

    app = QApplication([name])
    apply_theme(app, "light")
    if not install_translator(app, "zh"):
        raise SystemExit("no compiled Chinese translations (python -m tools.translations "
                         "compile)")
    return app


def live_console(app: Any, demo: DemoServer, login: Any, data: Path,
                 user: str = "lead") -> tuple[Any, Any]:
    """The Chinese console window logged in as ``user`` (``login`` its reply), 1600×900,
    shown and live (first snapshot in, map ready)."""
    from PySide6.QtCore import QSettings

    from console.startup import build_console
    from dispatch.adapters.security.operators import DEMO_PASSWORDS

    qs = QSettings(str(data / "console.ini"), QSettings.Format.IniFormat)
    window, session = build_console(demo.endpoints, login, demo.city, user,
                                    DEMO_PASSWORDS[user], None, settings=qs,
                                    language="zh_CN")
    window.resize(1600, 900)
    window.show()
    wait(app, lambda: session.got_first and window.map.is_ready)
    return window, session
