"""Render the evaluation panel in Chinese against a real server with two months of cases, write
that month's evaluation report and render its first page::

    python -m tests.ui.evaluation_shot OUT_DIR DATA_DIR     (under Xvfb)

Writes ``evaluation-panel.png``, ``evaluation-YYYY-MM.pdf`` / ``.csv`` and
``evaluation-report-page1.png`` into OUT_DIR and prints what it saved. The server's clock is
moved a month ahead between the two months (closed cases stay live: a long retention), so the
ranking has a month to be compared with.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

MONTH_S = 31 * 86400.0


def make_month(client: Any, city: Any, catalogue: Any, variant: int) -> int:
    """Cases in a dozen streets, handled better in some than in others (``variant`` shifts
    who does well); the number of cases."""
    from dispatch.domain import commands as cmd

    streets = sorted({g.code[:9] for g in city.grids()})[:12]
    by_dept: dict[str, str] = {}
    for code in sorted(catalogue.minors):
        by_dept.setdefault(catalogue.lead_department_of(code), code)
    classes = sorted(by_dept.values())
    n = 0
    for s_i, street in enumerate(streets):
        grids = sorted(g.code for g in city.grids() if g.code.startswith(street))
        quality = (s_i * 7 + variant * 5) % 12  # 0 worst … 11 best
        for k in range(4):
            grid = grids[k % len(grids)]
            p = city.regions[grid].geometry.representative_point()
            klass = classes[(s_i + k + variant) % len(classes)]
            source = "hotline" if k % 2 == 0 else "citizen_app"
            iid = str(client.execute(cmd.ReportIncident(source, klass, p.x, p.y, "市民反映问题"))
                      .result["incident_id"])
            n += 1
            if quality < 3 and k == 3:
                client.execute(cmd.Urge(iid, "市民再次来电"))
                continue  # left open and urged
            client.execute(cmd.AssignUnits(iid))
            for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid),
                      cmd.Respond(iid, "已处置"), cmd.Verify(iid, True, "已核实")):
                client.execute(c)
            reason = "unable_to_fix" if quality < 5 and k == 1 else "fixed"
            client.execute(cmd.CloseIncident(iid, reason, "缺少配件，无法修复" if reason != "fixed" else ""))
            if source == "hotline" or quality > 6:
                result = ("unsatisfied" if quality < 4 and k == 0 else
                          "basically_satisfied" if quality < 8 else "satisfied")
                client.execute(cmd.Callback(iid, result, "回访", reopen=result == "unsatisfied",
                                            reason="市民不满意" if result == "unsatisfied" else ""))
    return n


def main(argv: list[str]) -> int:
    out, data_dir = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import QSize, QTimer
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtWidgets import QApplication

    from console.audit_source import AuditSource
    from console.background import run_in_background
    from console.themes import apply_theme
    from dispatch.adapters.catalogue_loader import default_catalogue
    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.district_outlines import suzhou_outlines
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.adapters.server.server import open_server
    from dispatch.adapters.settings import Settings
    from dispatch.services.city_generator.generate import generate_city
    from dispatch.services.report.evaluation import build_report, centre_name
    from dispatch.services.report.evaluation_pdf import write_report
    from dispatch.services.report.names import names_for
    from widgets import labels
    from widgets.evaluation_window import EvaluationWindow
    from widgets.i18n import install_translator

    app = QApplication(["gridline-evaluation-shot"])
    apply_theme(app, "light")
    if not install_translator(app, "zh"):
        print("no compiled Chinese translations (python -m tools.translations compile)",
              file=sys.stderr)
        return 2
    catalogue = default_catalogue()
    city = generate_city("demo", seed=1, catalogue=catalogue, outlines=suzhou_outlines())
    settings = Settings(data_dir=data_dir, db_url=f"sqlite:///{data_dir / 'eval.sqlite'}",
                        insecure=True, command_port=0, snapshot_port=0, update_port=0,
                        closed_retention_h=24 * 90)
    srv = open_server(settings, catalogue=catalogue, city=city)
    ep = srv.bind().command
    threading.Thread(target=srv.serve_forever, name="server", daemon=True).start()
    clock = srv.engine.clock
    with CommandClient(ep) as lead:
        lead.login("lead", DEMO_PASSWORDS["lead"], "指挥中心-01")
        cases = make_month(lead, city, catalogue, 0)
        clock.rebase(clock() + MONTH_S)  # type: ignore[attr-defined]  # a month later
        cases += make_month(lead, city, catalogue, 1)
    source = AuditSource(ep, "lead", DEMO_PASSWORDS["lead"], "指挥中心-01", None)

    def fetch(level: str, start: float, end: float) -> dict[str, Any]:
        return source.read(lambda c: c.query("evaluation", level=level, start=start, end=end))

    tz = labels.zone(catalogue)
    today = labels.local(clock(), tz).date()

    def name(level: str, code: str) -> str:
        if level == "department":
            return labels.department(catalogue, code, "zh")
        return labels.region_name(city, code) if code in city.regions else code

    w = EvaluationWindow(fetch, run_in_background, tz=tz, today=lambda: today, name=name)
    w.resize(1500, 620)
    w.show()
    result: dict[str, int] = {"code": 1}

    def shoot(n: int) -> None:
        def grab() -> None:
            panel = out / "evaluation-panel.png"
            ok = w.grab().save(str(panel))
            print(f"evaluation panel {'saved to' if ok else 'FAILED:'} {panel} rows={n} "
                  f"cases={cases}", flush=True)
            names = names_for(catalogue, city, "zh")
            report = build_report(fetch, today, tz, centre_name(city.name, "zh"))
            pdf, csv_path = write_report(report, out, names)
            doc = QPdfDocument()
            doc.load(str(pdf))
            size = doc.pagePointSize(0)
            page = doc.render(0, QSize(int(size.width() * 2), int(size.height() * 2)))
            first = out / "evaluation-report-page1.png"
            saved = page.save(str(first))
            print(f"evaluation report {pdf} {csv_path} pages={doc.pageCount()}; first page "
                  f"{'saved to' if saved else 'FAILED:'} {first}", flush=True)
            result["code"] = 0 if ok and saved else 1
            app.quit()
        QTimer.singleShot(500, grab)

    w.sig_loaded.connect(shoot)
    w.sig_failed.connect(lambda msg: (print(f"evaluation read failed: {msg}", file=sys.stderr),
                                      app.quit()))
    QTimer.singleShot(300, w.refresh)
    app.exec()
    source.close()
    srv.stop()
    return result["code"]


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
