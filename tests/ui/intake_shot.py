"""Render the new-incident form in Chinese over the live console, with an address searched, a
map click, the hazards at the point, the place's history with a repeat caller, then the
Hazards editor: ``python -m tests.ui.intake_shot OUT.png DATA_DIR`` (under Xvfb; the editor
goes to OUT-hazards.png). Prints ``intake screenshot saved to OUT history=N hazards=M``."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.ui.shots import chinese_app, demo_server, live_console, settle, wait


def main(argv: list[str]) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.domain import commands as cmd

    out, data = Path(argv[0]), Path(argv[1])
    app = chinese_app("gridline-intake-shot")
    demo = demo_server(data, "intake")
    srv, catalogue = demo.server, demo.catalogue
    assert srv.places.wait(120), srv.places.error
    lead = CommandClient(demo.command)
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
    window, session = live_console(app, demo, login, data)
    form = window.new_incident_at(None, None)
    form.move(window.x() + 560, window.y() + 150)
    form.reporter.setText("王先生")
    form.phone.setText("138 0013 8000")  # called before: a repeat caller
    form.phone.editingFinished.emit()
    form.address.setText("观前街18号")
    form.address.setFocus()
    QTest.keyClick(form.address, Qt.Key.Key_Return)
    wait(app, lambda: form.place is not None)
    # then a click on the map, a little way off: the form's point moves there
    window.map.evaluate(f"(function(){{var p=GL.map.latLngToContainerPoint([{place['lat'] + 0.0002},"
                        f"{place['lon'] + 0.0002}]);var r=GL.map.getContainer()"
                        ".getBoundingClientRect();var x=r.left+p.x,y=r.top+p.y;"
                        "document.elementFromPoint(x,y).dispatchEvent(new MouseEvent('click',"
                        "{clientX:x,clientY:y,bubbles:true,cancelable:true,view:window}));"
                        "return true;})()")
    wait(app, lambda: form.point_source == "click")
    form.set_class(klass)
    form.description.setPlainText("观前街18号附近井盖缺失，有行人差点踩空")
    form.refresh_history()
    settle(app, 3)
    wait(app, lambda: window.console.caller_incidents("13800138000") is not None)
    form.refresh_history()
    app.processEvents()
    shot = window.screen().grabWindow(0)
    shot.save(str(out))
    print(f"intake screenshot saved to {out} history={len(form.history.ids())} "
          f"hazards={len(form.hazards.ids())}")
    form.hide()
    editor = window.open_hazards()
    editor.move(window.x() + 400, window.y() + 120)
    wait(app, lambda: "HZ-SHOT1" in editor.model.console.hazards)
    editor.load(window.console.hazards["HZ-SHOT1"])
    settle(app, 1)
    window.screen().grabWindow(0).save(str(out.with_name(out.stem + "-hazards.png")))
    session.stop()
    srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
