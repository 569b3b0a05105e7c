"""Render the new-incident form in Chinese over the live console, with an address searched, a
map click, the hazards at the point, the place's history with a repeat caller, then the
Hazards editor: ``python -m tests.ui.intake_shot OUT.png DATA_DIR`` (under Xvfb; the editor
goes to OUT-hazards.png). Prints ``intake screenshot saved to OUT history=N hazards=M``."""

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
    from widgets.i18n import install_translator

    out, data = Path(argv[0]), Path(argv[1])
    data.mkdir(parents=True, exist_ok=True)
    app = QApplication(["gridline-intake-shot"])
    install_translator(app, "zh")
    catalogue = default_catalogue()
    city = generate_city("demo", seed=1, catalogue=catalogue, outlines=suzhou_outlines())
    settings = Settings(data_dir=data, db_url=f"sqlite:///{data / 'intake.sqlite'}",
                        insecure=True, command_port=0, snapshot_port=0, update_port=0)
    srv = open_server(settings, catalogue=catalogue, city=city)
    ep = srv.bind()
    threading.Thread(target=srv.serve_forever, name="server", daemon=True).start()
    assert srv.places.wait(120), srv.places.error
    lead = CommandClient(ep.command)
    login = lead.login("lead", DEMO_PASSWORDS["lead"], "指挥中心-01")
    place = lead.geocode("观前街18号", 1)[0]
    klass = next(m.code for m in catalogue.minors.values() if m.priority == "normal")
    for i, text in enumerate(("观前街18号门口井盖缺失", "观前街路灯不亮", "店铺占道经营")):
        lead.execute(cmd.ReportIncident("hotline", klass, place["lon"] + 0.0004 * i,
                                        place["lat"] + 0.0003 * i, text, phone="13800138000"))
    lead.execute(cmd.SetHazard("HZ-SHOT1", "gas_station", "观前街中石化加油站",
                               "禁止明火；燃气/油品泄漏先通知消防，疏散半径100米",
                               place["lon"] + 0.0006, place["lat"], 200.0))
    lead.execute(cmd.SetHazard("HZ-SHOT2", "care_home", "平江社区日间照料中心",
                               "行动不便老人多，疏散需社区协助", place["lon"] - 0.0004,
                               place["lat"] + 0.0002, 150.0))
    qs = QSettings(str(data / "console.ini"), QSettings.Format.IniFormat)
    window, session = build_console(ep, login, city, "lead", DEMO_PASSWORDS["lead"], None,
                                    settings=qs, language="zh_CN")
    window.resize(1600, 900)
    window.show()
    _wait(app, lambda: session.got_first and window.map.is_ready)
    form = window.new_incident_at(None, None)
    form.move(window.x() + 560, window.y() + 150)
    form.reporter.setText("王先生")
    form.phone.setText("138 0013 8000")  # called before: a repeat caller
    form.phone.editingFinished.emit()
    form.address.setText("观前街18号")
    form.address.setFocus()
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClick(form.address, Qt.Key.Key_Return)
    _wait(app, lambda: form.place is not None)
    # then a click on the map, a little way off: the form's point moves there
    window.map.evaluate(f"(function(){{var p=GL.map.latLngToContainerPoint([{place['lat'] + 0.0002},"
                        f"{place['lon'] + 0.0002}]);var r=GL.map.getContainer()"
                        ".getBoundingClientRect();var x=r.left+p.x,y=r.top+p.y;"
                        "document.elementFromPoint(x,y).dispatchEvent(new MouseEvent('click',"
                        "{clientX:x,clientY:y,bubbles:true,cancelable:true,view:window}));"
                        "return true;})()")
    _wait(app, lambda: form.point_source == "click")
    form.set_class(klass)
    form.description.setPlainText("观前街18号附近井盖缺失，有行人差点踩空")
    form.refresh_history()
    end = time.monotonic() + 3
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    _wait(app, lambda: window.console.caller_incidents("13800138000") is not None)
    form.refresh_history()
    app.processEvents()
    shot = window.screen().grabWindow(0)
    shot.save(str(out))
    print(f"intake screenshot saved to {out} history={len(form.history.ids())} "
          f"hazards={len(form.hazards.ids())}")
    form.hide()
    editor = window.open_hazards()
    editor.move(window.x() + 400, window.y() + 120)
    _wait(app, lambda: "HZ-SHOT1" in editor.model.console.hazards)
    editor.load(window.console.hazards["HZ-SHOT1"])
    end = time.monotonic() + 1
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    window.screen().grabWindow(0).save(str(out.with_name(out.stem + "-hazards.png")))
    session.stop()
    srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
