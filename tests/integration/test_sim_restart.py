"""The simulator rides out a server crash and restart (kill -9, same database and ports)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from dispatch.sim import SimConfig, SimStats, Simulator
from tests.integration.conftest import HUGZ_S, ServerProcess


def _wait(cond: Callable[[], bool], timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return cond()


def test_sim_reconnects_after_server_restart(server_process: Callable[[str], ServerProcess],
                                             tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'restart.sqlite'}"
    sp = server_process(url)
    sp.args += ["--time-speed", "60"]
    sp.start()
    sim = Simulator(SimConfig(command_endpoint=sp.command, snapshot_endpoint=sp.snapshot,
                              update_endpoint=sp.update, db_url=url, seed=11,
                              incidents_per_hour=900, pings_per_second=100, diurnal=False,
                              hugz_interval_s=HUGZ_S, timeout_s=0.5, retries=2,
                              stats_every_s=3600.0))
    outcome: list[SimStats | BaseException] = []

    def run() -> None:
        try:
            outcome.append(sim.run())
        except BaseException as exc:  # surfaced by the assertions below  # noqa: BLE001
            outcome.append(exc)

    th = threading.Thread(target=run, name="sim", daemon=True)
    th.start()
    try:
        assert _wait(lambda: sum(sim.stats.reports.values()) >= 5, 20), "no reports"
        sp.kill()
        assert _wait(lambda: sim.channel is not None and sim.channel.down, 20), \
            "the simulator did not notice the server was gone"
        before = sum(sim.stats.reports.values())
        sp.start()
        assert _wait(lambda: sum(sim.stats.reports.values()) >= before + 5, 20), \
            "no reports after the restart"
        assert _wait(lambda: sim.mirror is not None and sim.mirror.live, 10)
    finally:
        sim.stop()
        th.join(15)
    assert not th.is_alive()
    assert len(outcome) == 1, outcome
    assert isinstance(outcome[0], SimStats), outcome
    stats = outcome[0]
    assert stats.outages >= 1
    assert stats.errors == 0
    assert stats.position_rows > 0
    assert sp.terminate() == 0
