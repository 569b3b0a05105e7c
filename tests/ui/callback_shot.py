"""Render the console in Chinese with the call-back form open on a closed 12345 case (the
queue filtered to 待回访) and an urged case in the queue: ``python -m tests.ui.callback_shot
OUT.png DATA_DIR`` (under Xvfb). Prints ``callback screenshot saved to OUT``."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.ui.shots import chinese_app, demo_server, live_console, settle, wait


def main(argv: list[str]) -> int:
    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.domain import commands as cmd
    from widgets.action_forms.callback import CallbackForm

    out, data = Path(argv[0]), Path(argv[1])
    app = chinese_app("gridline-callback-shot")
    demo = demo_server(data, "callback", deadline_profile="beijing_2021")
    srv, catalogue, city = demo.server, demo.catalogue, demo.city
    lead = CommandClient(demo.command)
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
    window, session = live_console(app, demo, login, data)
    wait(app, lambda: window.detail.console.incident(ids[0]) is not None)
    window.queue.callback.setChecked(True)
    window.detail.console.select_incident(ids[0], "shot")
    window.detail.perform("callback")
    form = window.detail.form
    assert isinstance(form, CallbackForm)
    form.buttons["unsatisfied"].setChecked(True)
    form.reopen.setChecked(True)
    form.note.setText("市民反映油烟仍然很大")
    form.reason.setText("油烟净化器未安装，需重办")
    settle(app, 3)
    window.screen().grabWindow(0).save(str(out))
    print(f"callback screenshot saved to {out}")
    session.stop()
    srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
