"""Render the console in Chinese with two whistles (吹哨报到) on a server running 120× fast:
one whose summoned departments are half on site and half late, one just blown with its
clocks running; the incident with the late department selected (detail panel's whistle table)
and the Report arrival… form open: ``python -m tests.ui.whistle_shot OUT.png DATA_DIR [WALL.png]``
(under Xvfb). With WALL.png the wall's whistle list is rendered too. Prints
``whistle screenshot saved to OUT``."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

SPEED = 120.0


def _wait(app: Any, cond: Any, timeout: float = 90.0) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise TimeoutError("screenshot: a condition never came true")
        app.processEvents()
        time.sleep(0.02)


def main(argv: list[str]) -> int:
    import maps

    maps.prepare_environment()
    import PySide6.QtWebEngineWidgets  # noqa: F401
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from console.startup import build_console
    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.district_outlines import suzhou_outlines
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.adapters.server.server import open_server
    from dispatch.adapters.settings import Settings
    from dispatch.domain import commands as cmd
    from dispatch.services.city_generator.generate import generate_city
    from widgets.action_forms.whistle import ArrivalForm
    from widgets.i18n import install_translator
    from widgets.incident_cells import Column
    from widgets.wall_whistles import WhistleList, open_whistles

    out, data = Path(argv[0]), Path(argv[1])
    wall_out = Path(argv[2]) if len(argv) > 2 else None
    data.mkdir(parents=True, exist_ok=True)
    app = QApplication(["gridline-whistle-shot"])
    install_translator(app, "zh")
    catalogue = default_catalogue()
    city = generate_city("demo", seed=1, catalogue=catalogue, outlines=suzhou_outlines())
    settings = Settings(data_dir=data, db_url=f"sqlite:///{data / 'whistle.sqlite'}",
                        insecure=True, command_port=0, snapshot_port=0, update_port=0,
                        time_speed=SPEED)
    srv = open_server(settings, catalogue=catalogue, city=city)
    ep = srv.bind()
    threading.Thread(target=srv.serve_forever, name="server", daemon=True).start()
    lead = CommandClient(ep.command)
    login = lead.login("lead", DEMO_PASSWORDS["lead"], "指挥中心-01")
    grids = sorted(r.code for r in city.grids())
    klass = next(m.code for m in catalogue.minors.values() if m.priority == "high")
    ids = []
    for i, text in enumerate(("商户占道经营引发群体冲突，需多部门到场",
                              "老旧小区外墙脱落，危及行人")):
        p = city.regions[grids[i * 7]].geometry.representative_point()
        r = lead.execute(cmd.ReportIncident("grid_worker", klass, p.x, p.y, text, "网格员"))
        ids.append(str(r.result["incident_id"]))
        lead.execute(cmd.AssignUnits(ids[-1]))
    lead.execute(cmd.Whistle(ids[0], ("police", "city_mgmt", "market"),
                             "占道经营引发冲突，街道吹哨召集公安、城管、市场监管"))
    lead.execute(cmd.ReportArrival(ids[0], "police", "民警已到场"))
    lead.execute(cmd.ReportArrival(ids[0], "city_mgmt"))
    qs = QSettings(str(data / "console.ini"), QSettings.Format.IniFormat)
    window, session = build_console(ep, login, city, "lead", DEMO_PASSWORDS["lead"], None,
                                    settings=qs, language="zh_CN")
    window.resize(1700, 1000)
    window.show()
    _wait(app, lambda: session.got_first and window.map.is_ready)
    console = window.detail.console
    _wait(app, lambda: console.incident(ids[0]) is not None
          and len(console.incident(ids[0]).summoned) == 3)
    due = console.incident(ids[0]).summoned[2].due
    _wait(app, lambda: console.now() > due + 4 * 60)  # market is 4 minutes late
    lead.execute(cmd.Whistle(ids[1], ("housing", "emergency"), "外墙脱落，社区无力处置，街道吹哨"))
    _wait(app, lambda: console.incident(ids[1]) is not None
          and bool(console.incident(ids[1]).summoned))
    window.queue.proxy.sort(Column.WHISTLE)
    console.select_incident(ids[0], "shot")
    window.detail.perform("report_arrival")
    assert isinstance(window.detail.form, ArrivalForm)
    window.detail.form.note.setText("市场监管所人员已到场")
    end = time.monotonic() + 3
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    window.screen().grabWindow(0).save(str(out))
    print(f"whistle screenshot saved to {out}")
    if wall_out is not None:
        wall = WhistleList(console)
        wall.resize(1000, 260)
        wall.setStyleSheet("background: #0b1220;")
        wall.show_whistles(open_whistles(console.state, console.now()))
        wall.show()
        app.processEvents()
        wall.grab().save(str(wall_out))
        print(f"wall whistles saved to {wall_out}")
    session.stop()
    srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
