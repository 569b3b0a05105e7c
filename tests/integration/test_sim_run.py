"""The field simulator against a real server on loopback: background load, AVL, workflow."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from dispatch.domain.geo import distance_m
from dispatch.domain.status import IncidentStatus, UnitStatus
from dispatch.sim import SimConfig, Simulator
from dispatch.sim.field import Behaviour
from tests.integration.conftest import ROOT, RunningServer

CJK = re.compile(r"[\u4e00-\u9fff]{4,}")


def sim_config(rs: RunningServer, **overrides: Any) -> SimConfig:
    ep = rs.endpoints
    base: dict[str, Any] = {
        "command_endpoint": ep.command, "snapshot_endpoint": ep.snapshot,
        "update_endpoint": ep.update, "db_url": rs.settings.db_url, "hugz_interval_s": 0.25,
        "diurnal": False, "stats_every_s": 3600.0}
    return SimConfig(**{**base, **overrides})


def test_seeded_run_feeds_incidents_units_and_closures(
        server_factory: Callable[..., RunningServer], demo_city: Any) -> None:
    rs = server_factory(time_speed=2000)
    homes = {u.id: (u.lon, u.lat) for u in demo_city.units.values()}
    sim = Simulator(sim_config(rs, seed=7, incidents_per_hour=60, pings_per_second=300,
                               duration_s=7.0))
    stats = sim.run()
    state = rs.state_copy()  # every command of the run was answered: all in this state

    mine = {iid: state.incidents[iid] for iid in stats.incidents if iid in state.incidents}
    assert len(mine) >= 100, stats.summary()
    # several sources, each with a Chinese description, each in the grid it was aimed at
    sources = Counter(inc.source for inc in mine.values())
    assert {"grid_worker", "hotline", "sensor", "video"} <= set(sources), sources
    for iid, inc in mine.items():
        assert CJK.search(inc.description), inc.description
        assert inc.grid == stats.intended_grid[iid]
        if inc.source == "grid_worker":
            worker = demo_city.regions[inc.grid].worker_id
            assert worker, (inc.reporter, inc.grid)
            assert worker in inc.reporter, (inc.reporter, inc.grid)
        if inc.source == "hotline":
            assert inc.external_ref.startswith("12345-")
        if inc.part_id:
            assert inc.part_id in demo_city.parts
    assert any("市民来电反映" in inc.description for inc in mine.values())

    # units moved: many away from home, and units on scene stand at their incident
    moved = [u for u in state.units.values()
             if distance_m(u.lon, u.lat, *homes[u.id]) > 20.0]
    assert len(moved) >= 100
    at_scene = [u for u in state.units.values()
                if u.status in (UnitStatus.ON_SCENE, UnitStatus.BUSY) and u.incident_id
                and distance_m(u.lon, u.lat, state.incidents[u.incident_id].lon,
                               state.incidents[u.incident_id].lat) < 100.0]
    assert at_scene or stats.actions.get("on_scene", 0) >= 5
    for step in ("en_route", "on_scene", "busy", "available"):
        assert stats.actions.get(step, 0) >= 1, (step, stats.actions)
    assert stats.position_rows >= 1000

    # the workflow moves on: dispatched, acknowledged, handled, responded, verified, closed
    statuses = Counter(inc.status for inc in mine.values())
    assert statuses[IncidentStatus.CLOSED] >= 5, statuses
    for action in ("register", "assign", "acknowledge", "handle", "respond", "verify", "close"):
        assert stats.actions.get(action, 0) >= 1, (action, stats.actions)
    closed = [inc for inc in mine.values() if inc.status == IncidentStatus.CLOSED]
    assert all(inc.verified_at is not None or inc.close_reason != "fixed" for inc in closed)
    # the citizen's loop: closed 12345 cases are called back, citizens urge open ones
    assert stats.actions.get("callback", 0) >= 1, stats.actions
    assert any(inc.callback_result for inc in mine.values())
    assert stats.actions.get("urge", 0) >= 1, stats.actions

    # few refusals (the mirror lags a little behind the server)
    assert stats.commands_refused <= max(5, 0.02 * stats.commands_ok), stats.summary()
    assert stats.outages == 0
    assert stats.errors == 0


def test_sim_follows_incidents_dispatched_by_humans(
        server_factory: Callable[..., RunningServer]) -> None:
    """With auto-dispatch 0 the simulator leaves registering and dispatching to the consoles,
    and works what a dispatcher sent to the field."""
    rs = server_factory(time_speed=2000)
    lead = rs.client("lead")
    from dispatch.domain import commands as cmd

    city = rs.server.engine.city
    grid = sorted(r.code for r in city.grids())[5]
    pt = city.regions[grid].geometry.representative_point()
    rep = lead.execute(cmd.ReportIncident("dispatcher", "050101", pt.x, pt.y, "暴露垃圾堆积"))
    iid = rep.result["incident_id"]
    lead.execute(cmd.AssignUnits(iid, ()))
    sim = Simulator(sim_config(rs, seed=3, incidents_per_hour=0, pings_per_second=50,
                               duration_s=4.0, behaviour=Behaviour(auto_dispatch=0.0)))
    stats = sim.run()
    inc = rs.state_copy().incidents[iid]
    # the department acknowledged it (or sent it back); the sim never dispatches or closes
    assert inc.acknowledged_at is not None or inc.returns == 1
    assert inc.status != IncidentStatus.CLOSED
    assert not any(k in stats.actions for k in ("register", "assign", "close"))


def test_cli_stops_cleanly_on_sigterm(server_factory: Callable[..., RunningServer]) -> None:
    rs = server_factory(time_speed=300)
    ep = rs.endpoints
    ports = [e.rsplit(":", 1)[1] for e in (ep.command, ep.snapshot, ep.update)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "main.py", "sim", "--insecure", "--db-url", rs.settings.db_url,
         "--command-port", ports[0], "--snapshot-port", ports[1], "--update-port", ports[2],
         "--incidents-per-hour", "600", "--pings-per-second", "100", "--seed", "5",
         "--log-level", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and rs.server.stats.commands_ok < 20:
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["reports_total"] >= 1
    assert summary["position_rows"] >= 1


def test_sim_over_curve_with_the_simulator_keys(
        server_factory: Callable[..., RunningServer]) -> None:
    rs = server_factory(time_speed=600, insecure=False)
    stats = Simulator(sim_config(rs, curve=rs.curve("simulator"), seed=2,
                                 incidents_per_hour=1200, pings_per_second=100,
                                 duration_s=2.0)).run()
    assert sum(stats.reports.values()) >= 5
    assert stats.position_rows > 0
    assert stats.mirror["updates"] > 0
    assert stats.errors == 0


def test_seeded_run_whistles_and_departments_report_in(
        server_factory: Callable[..., RunningServer]) -> None:
    """吹哨报到 with every hard incident whistled on (the default share is a few a day): the
    summoned departments report on site, most in time, a few late; nothing refused."""
    rs = server_factory(time_speed=2000)
    sim = Simulator(sim_config(rs, seed=11, incidents_per_hour=120, pings_per_second=50,
                               duration_s=6.0,
                               behaviour=Behaviour(whistle_share=1.0, whistle_late_share=0.3)))
    stats = sim.run()
    state = rs.state_copy()
    mine = [state.incidents[i] for i in stats.incidents if i in state.incidents]
    whistled = [inc for inc in mine if inc.summoned]
    assert stats.actions.get("whistle", 0) >= 3, stats.actions
    assert len(whistled) >= 3
    assert all(inc.whistle_level == "street" and inc.whistle_region == inc.grid[:9]
               for inc in whistled)
    summons = [s for inc in whistled for s in inc.summoned]
    arrived = [s for s in summons if s.arrived_at is not None]
    assert stats.actions.get("report_arrival", 0) == len(arrived) >= 3, stats.actions
    assert any(s.arrived_at is not None and s.arrived_at <= s.due for s in summons)
    assert stats.actions.get("whistle refused", 0) == 0
    assert stats.actions.get("report_arrival refused", 0) == 0
    print(f"hard incidents whistled: {len(whistled)} of {len(mine)}; "
          f"{len(arrived)} of {len(summons)} departments on site, "
          f"{sum(1 for s in arrived if (s.arrived_at or 0.0) > s.due)} late")
