"""Render the audit trail window in Chinese against a real server with some traffic and save
a screenshot: ``python -m tests.ui.audit_shot OUT.png DATA_DIR`` (under Xvfb: see
test_audit_xvfb.py). Prints ``audit screenshot saved to OUT rows=N``."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer


def make_traffic(data_dir: Path) -> tuple[str, DispatchServer]:
    """A server on SQLite in ``data_dir`` with logins, a failed one, reports and queries."""
    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.domain import commands as cmd
    from dispatch.domain.errors import Forbidden
    from tests.ui.shots import demo_server

    demo = demo_server(data_dir, "audit")
    srv, catalogue, city = demo.server, demo.catalogue, demo.city
    ep = demo.command
    lead = CommandClient(ep)
    lead.login("lead", DEMO_PASSWORDS["lead"], "指挥中心-01")
    disp = CommandClient(ep)
    disp_login = disp.login("disp", DEMO_PASSWORDS["disp"], "姑苏区-坐席03")
    for ws in ("姑苏区-坐席07", "ws-unknown"):
        c = CommandClient(ep, retries=1)
        with contextlib.suppress(Forbidden):
            c.login("disp", "wrong-password", ws)
        c.close()
    grids = sorted(r.code for r in city.grids() if r.code.startswith(disp_login.scope))
    klass = next(iter(catalogue.minors))
    texts = ("市民反映路灯不亮", "井盖缺失，存在安全隐患", "小区门口垃圾满溢")
    for i, text in enumerate(texts):
        p = city.regions[grids[i * 5]].geometry.representative_point()
        r = disp.execute(cmd.ReportIncident("hotline", klass, p.x, p.y, text))
        iid = str(r.result["incident_id"])
        disp.query("recommend", incident_id=iid)
        lead.query("duplicates", incident_id=iid)
        lead.history(incident_id=iid)
    disp.close()
    lead.close()
    return ep, srv


def main(argv: list[str]) -> int:
    out, data_dir = Path(argv[0]), Path(argv[1])
    data_dir.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import QTimer

    from console.audit_source import AuditSource
    from console.background import run_in_background
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from tests.ui.shots import chinese_app
    from widgets.audit_window import AuditWindow

    app = chinese_app("gridline-audit-shot", web=False)
    ep, srv = make_traffic(data_dir)
    source = AuditSource(ep, "lead", DEMO_PASSWORDS["lead"], "指挥中心-01", None)
    w = AuditWindow(source, run_in_background)
    w.resize(1500, 700)
    w.show()
    result: dict[str, int] = {}

    def shoot(n: int) -> None:
        w.view.selectRow(2)

        def grab() -> None:
            ok = w.grab().save(str(out))
            result["code"] = 0 if ok else 1
            print(f"audit screenshot {'saved to' if ok else 'FAILED:'} {out} rows={n}",
                  flush=True)
            app.quit()
        QTimer.singleShot(500, grab)

    w.sig_loaded.connect(shoot)
    w.sig_failed.connect(lambda msg: (print(f"audit read failed: {msg}", file=sys.stderr),
                                      app.quit()))
    QTimer.singleShot(300, w.refresh)
    app.exec()
    source.close()
    srv.stop()
    return result.get("code", 1)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
