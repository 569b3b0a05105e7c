"""``python main.py evaluation-report``: the monthly report of a live server (``--connect``) and
of its event store (``--db``; SQLite and PostgreSQL) agree on a 12345 case closed, called back unsatisfied and
reopened; bad arguments end with status 2 and what is wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from dispatch.adapters.security.operators import DEMO_PASSWORDS
from dispatch.domain import commands as cmd
from dispatch.entrypoints.evaluation_report import main
from dispatch.services.report.evaluation import read_csv
from tests.integration.conftest import RunningServer
from tests.integration.test_server_commands import point_in

CST = timezone(timedelta(hours=8))


def test_report_from_the_server_and_from_its_store(
        tmp_path: Path, store_url: str, server_factory: Callable[..., RunningServer],
        capsys: pytest.CaptureFixture[str]) -> None:
    rs = server_factory(store_url)
    disp, lead = rs.client("disp", workstation="ws-disp"), rs.client("lead")
    scope = disp.login_info.scope if disp.login_info is not None else ""
    minor = next(iter(rs.server.engine.catalogue.minors))
    lon, lat, grid = point_in(rs, scope)
    iid = str(disp.execute(cmd.ReportIncident("hotline", minor, lon, lat, "楼下油烟扰民")
                           ).result["incident_id"])
    disp.execute(cmd.AssignUnits(iid))
    for c in (cmd.Acknowledge(iid), cmd.StartHandling(iid), cmd.Respond(iid, "已整改"),
              cmd.Verify(iid, True, "已核实")):
        lead.execute(c)
    disp.execute(cmd.CloseIncident(iid, "fixed"))
    disp.execute(cmd.Callback(iid, "unsatisfied", "油烟仍然很大", reopen=True,
                              reason="市民不满意"))
    month = f"{datetime.now(UTC).astimezone(CST):%Y-%m}"
    common = ["--month", month, "--lang", "zh"]

    assert main([*common, "--out", str(tmp_path / "live"), "--connect",
                 rs.endpoints.command, "--insecure", "--user", "lead",
                 "--password", DEMO_PASSWORDS["lead"]]) == 0
    printed = capsys.readouterr().out.split()
    assert [Path(p).name for p in printed] == [f"evaluation-{month}.pdf",
                                               f"evaluation-{month}.csv"]
    assert main([*common, "--out", str(tmp_path / "store"), "--db",
                 rs.settings.db_url]) == 0
    capsys.readouterr()
    for where in ("live", "store"):
        sections = read_csv(tmp_path / where / f"evaluation-{month}.csv")
        (row,) = [r for r in sections["district"] if r["code"] == grid[:6]]
        assert row["name"] == rs.server.engine.city.regions[grid[:6]].name, where
        assert (row["called_back"], row["satisfied"], row["reopened"]) == ("1", "0", "1")
        assert (row["reopen_rate"], row["satisfaction_rate"]) == ("1.0", "0"), where
        assert row["rank"] == "1"
        assert sum(int(r["citizen_reported"]) for r in sections["department"]) == 1
        assert (tmp_path / where / f"evaluation-{month}.pdf").stat().st_size > 1000

    assert main([*common, "--out", str(tmp_path), "--data-dir", str(tmp_path / "none")]) == 2
    assert "no event store" in capsys.readouterr().err
    assert main(["--month", "11/2026", "--out", str(tmp_path), "--db",
                 rs.settings.db_url]) == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert main([*common, "--out", str(tmp_path), "--connect", rs.endpoints.command,
                 "--insecure"]) == 2
    assert "--user" in capsys.readouterr().err
