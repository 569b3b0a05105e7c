"""Render the workload window in Chinese against a real server with some traffic and save a
screenshot: ``python -m tests.ui.workload_shot OUT.png DATA_DIR`` (under Xvfb). Prints
``workload screenshot saved to OUT operators=N``."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    out, data_dir = Path(argv[0]), Path(argv[1])
    data_dir.mkdir(parents=True, exist_ok=True)
    from PySide6.QtCore import QTimer

    from console.audit_source import AuditSource
    from console.background import run_in_background
    from dispatch.adapters.client import CommandClient
    from dispatch.adapters.security.operators import DEMO_PASSWORDS
    from dispatch.domain import commands as cmd
    from dispatch.domain.errors import DispatchError
    from tests.ui.audit_shot import make_traffic
    from tests.ui.shots import chinese_app
    from widgets.workload_window import WorkloadWindow

    app = chinese_app("gridline-workload-shot", web=False)
    ep, srv = make_traffic(data_dir)
    with CommandClient(ep) as disp, CommandClient(ep) as lead:
        disp.login("disp", DEMO_PASSWORDS["disp"], "姑苏区-坐席03")
        lead.login("lead", DEMO_PASSWORDS["lead"], "指挥中心-01")
        ids = sorted(srv.engine.state.incidents)
        disp.execute(cmd.RegisterIncident(ids[0]))
        disp.execute(cmd.AddNote(ids[0], "已联系市民"))
        lead.execute(cmd.Supervise(ids[1], True, "督办"))
        for iid in ids[:2]:
            with contextlib.suppress(DispatchError):
                disp.execute(cmd.Park(iid, "等待配件"))  # refused: dispatchers may not park
    source = AuditSource(ep, "lead", DEMO_PASSWORDS["lead"], "指挥中心-01", None)
    state = srv.engine.state
    w = WorkloadWindow(lambda since: source.shift_activity(since, time.time()),
                       run_in_background, now=time.time,
                       open_ids=lambda: [i for i, inc in state.incidents.items() if inc.is_open])
    w.resize(1280, 520)
    w.show()
    result: dict[str, int] = {}

    def shoot(n: int) -> None:
        w.pick("disp")

        def grab() -> None:
            ok = w.grab().save(str(out))
            result["code"] = 0 if ok else 1
            print(f"workload screenshot {'saved to' if ok else 'FAILED:'} {out} operators={n}",
                  flush=True)
            app.quit()
        QTimer.singleShot(500, grab)

    w.sig_loaded.connect(shoot)
    w.sig_failed.connect(lambda msg: (print(f"workload read failed: {msg}", file=sys.stderr),
                                      app.quit()))
    QTimer.singleShot(300, w.refresh)
    app.exec()
    source.close()
    srv.stop()
    return result.get("code", 1)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
