"""Render the console in Chinese with the call-back form open on a closed 12345 case (the
queue filtered to 待回访) and an urged case in the queue: ``python -m tests.ui.callback_shot
OUT.png DATA_DIR`` (under Xvfb). Prints ``callback screenshot saved to OUT``."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any


def _wait(app: Any, cond: Any, timeout: float = 60.0) -> None:
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
    from widgets.action_forms.callback import CallbackForm
    from widgets.i18n import install_translator

    out, data = Path(argv[0]), Path(argv[1])
    data.mkdir(parents=True, exist_ok=True)
    app = QApplication(["gridline-callback-shot"])
    install_translator(app, "zh")
    catalogue = default_catalogue()
    city = generate_city("demo", seed=1, catalogue=catalogue, outlines=suzhou_outlines())
    settings = Settings(data_dir=data, db_url=f"sqlite:///{data / 'callback.sqlite'}",
                        insecure=True, command_port=0, snapshot_port=0, update_port=0,
                        deadline_profile="beijing_2021")
    srv = open_server(settings, catalogue=catalogue, city=city)
    ep = srv.bind()
    threading.Thread(target=srv.serve_forever, name="server", daemon=True).start()
    lead = CommandClient(ep.command)
    login = lead.login("lead", DEMO_PASSWORDS["lead"], "指挥中心-01")
    grids = sorted(r.code for r in city.grids())
    klass = next(m.code for m in catalogue.minors.values() if m.priority == "normal")
    ids = []
    for i, text in enumerate(("楼下餐馆油烟扰民，窗户都不敢开", "小区门口路灯不亮",
                              "人行道井盖松动")):
        p = city.regions[grids[i * 5]].geometry.representative_point()
        r = lead.execute(cmd.ReportIncident("hotline", klass, p.x, p.y, text, "市民"))
        ids.append(str(r.result["incident_id"]))
    for iid in ids[:2]:
        lead.execute(cmd.AssignUnits(iid))
        for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已处置"),
                  cmd.Verify(iid, True, "现场核实")):
            lead.execute(c)
        lead.execute(cmd.CloseIncident(iid, "fixed", "已整改"))
    lead.execute(cmd.Urge(ids[2], "市民再次来电"))
    lead.execute(cmd.Urge(ids[2], "市民第三次来电，情绪激动"))
    qs = QSettings(str(data / "console.ini"), QSettings.Format.IniFormat)
    window, session = build_console(ep, login, city, "lead", DEMO_PASSWORDS["lead"], None,
                                    settings=qs, language="zh_CN")
    window.resize(1600, 900)
    window.show()
    _wait(app, lambda: session.got_first and window.map.is_ready)
    _wait(app, lambda: window.detail.console.incident(ids[0]) is not None)
    window.queue.callback.setChecked(True)
    window.detail.console.select_incident(ids[0], "shot")
    window.detail.perform("callback")
    form = window.detail.form
    assert isinstance(form, CallbackForm)
    form.buttons["unsatisfied"].setChecked(True)
    form.reopen.setChecked(True)
    form.note.setText("市民反映油烟仍然很大")
    form.reason.setText("油烟净化器未安装，需重办")
    end = time.monotonic() + 3
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    window.screen().grabWindow(0).save(str(out))
    print(f"callback screenshot saved to {out}")
    session.stop()
    srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
