"""The field simulator's command line (:mod:`dispatch.sim`):

    python main.py sim --insecure --command-port 5556 --incidents-per-hour 300 --scenario gas_leak
    python -m dispatch.entrypoints.sim --list-scenarios

It stops on SIGTERM/SIGINT and prints its statistics as one JSON line; exit 2 when it cannot
start, 1 when the server went away, 3 when a ``--scenario-only`` run had a step refused.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from dispatch.adapters.client.commands import ClientCurve
from dispatch.adapters.settings import Settings
from dispatch.entrypoints.parent_watch import exit_with_parent
from dispatch.entrypoints.settings_cli import add_settings_options, given_settings
from dispatch.sim.config import SimConfig, SimError
from dispatch.sim.field import Behaviour
from dispatch.sim.gateway_path import GatewayOptions
from dispatch.sim.scenarios.loading import ScenarioError, list_scenarios, load_scenario
from dispatch.sim.simulator import Simulator

log = logging.getLogger("gridline.sim")

SERVER_OPTIONS = ("data_dir", "db_url", "host", "command_port", "snapshot_port", "update_port",
                  "servers", "insecure", "city_size", "city_seed")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gridline sim",
        description="Field simulator: grid workers, 12345 hotline, IoT and video alarms, AVL "
                    "and departments, against a running dispatch server.")
    c = p.add_argument_group("server")
    # how to reach the server, as the server's own options (dispatch.adapters.settings)
    add_settings_options(c, Settings, only=SERVER_OPTIONS)
    c.add_argument("--user", default="field", help="field gateway operator (default field)")
    c.add_argument("--password", help="its password (default: $GRIDLINE_SIM_PASSWORD or the "
                                      "demo password)")
    c.add_argument("--lead", default="lead",
                   help="shift lead who plays the back office and scenario dispatcher")
    c.add_argument("--lead-password", help="its password (default: "
                                           "$GRIDLINE_SIM_LEAD_PASSWORD or the demo password)")
    c.add_argument("--no-lead", action="store_true",
                   help="no back office: only the field side (humans dispatch at consoles)")
    c.add_argument("--workstation", default="simulator")
    r = p.add_argument_group("load")
    r.add_argument("--incidents-per-hour", type=float, default=120.0,
                   help="new reports per hour of server time (default 120)")
    r.add_argument("--pings-per-second", type=float, default=200.0,
                   help="unit position rows per wall-clock second (default 200)")
    r.add_argument("--batch-rows", type=int, default=2000,
                   help="position rows per positions command (default 2000)")
    r.add_argument("--speed", type=float,
                   help="expected server time speed (checked; the server's is used)")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--duration", type=float, help="stop after this many wall-clock seconds")
    r.add_argument("--auto-dispatch", type=float, default=1.0,
                   help="share of incidents the simulated shift lead registers, dispatches and "
                        "closes (0 = leave them to the consoles; default 1)")
    r.add_argument("--flat", action="store_true",
                   help="same report rate at every hour (default: busier by day)")
    r.add_argument("--scenario", help="bundled scenario name or JSON file")
    r.add_argument("--scenario-only", action="store_true",
                   help="run the scenario and stop (no background load)")
    r.add_argument("--list-scenarios", action="store_true")
    g = p.add_argument_group("field gateway (part of the field traffic through it)")
    g.add_argument("--gateway", metavar="URL",
                   help="the field gateway's address; without it everything goes directly")
    g.add_argument("--gateway-reports", type=float, default=0.5, metavar="SHARE",
                   help="share of grid-worker reports sent through it with a photo (default 0.5)")
    g.add_argument("--gateway-open311", type=float, default=0.5, metavar="SHARE",
                   help="share of citizen-app reports sent as Open311 requests (default 0.5)")
    g.add_argument("--gateway-api-key", default="open311-demo",
                   help="the Open311 API key (default: the demo's open311-demo)")
    g.add_argument("--gateway-patrol", type=float, default=5.0, metavar="SECONDS",
                   help="a patrolling grid worker's phone pings every SECONDS (0: none)")
    p.add_argument("--log-level", default="INFO")
    return p


def _password(given: str | None, env: str, user: str) -> str:
    if given:
        return given
    if os.environ.get(env):
        return os.environ[env]
    from dispatch.adapters.security.operators import DEMO_PASSWORDS

    return DEMO_PASSWORDS.get(user, "")


def config_from_args(args: argparse.Namespace) -> SimConfig:
    given = given_settings(args, Settings, only=SERVER_OPTIONS)
    settings = Settings(**given)
    curve = None if settings.insecure else ClientCurve.local(settings.data_dir, "simulator")
    db_url = settings.db_url
    if not db_url:
        embedded = Path(settings.data_dir) / "gridline.sqlite"
        db_url = f"sqlite:///{embedded}" if embedded.is_file() else ""
    lead = None if args.no_lead else args.lead
    password = _password(args.password, "GRIDLINE_SIM_PASSWORD", args.user)
    gateway = GatewayOptions(
        args.gateway, user=args.user, password=password, report_share=args.gateway_reports,
        open311_share=args.gateway_open311, api_key=args.gateway_api_key,
        patrol_every_s=args.gateway_patrol) if args.gateway else None
    command, snapshot, update = settings.client_endpoints  # a leader and standbys: lists
    return SimConfig(
        command_endpoint=command, snapshot_endpoint=snapshot, update_endpoint=update,
        curve=curve, user=args.user,
        password=password, lead_user=lead, gateway=gateway,
        lead_password=_password(args.lead_password, "GRIDLINE_SIM_LEAD_PASSWORD", args.lead),
        workstation=args.workstation, db_url=db_url, city_size=settings.city_size,
        city_seed=settings.city_seed, incidents_per_hour=args.incidents_per_hour,
        pings_per_second=args.pings_per_second, batch_rows=args.batch_rows, speed=args.speed,
        seed=args.seed, duration_s=args.duration, scenario=args.scenario,
        scenario_only=args.scenario_only, diurnal=not args.flat,
        behaviour=Behaviour(auto_dispatch=args.auto_dispatch),
        hugz_interval_s=settings.hugz_interval_s, timeout_s=settings.command_timeout_s,
        retries=settings.command_retries)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    exit_with_parent()  # an embedded console's child stops with it
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.list_scenarios:
        for name in list_scenarios():
            sc = load_scenario(name)
            print(f"{name:12s} {sc.title} ({len(sc.steps)} steps, {sc.duration_s:.0f} s)")
        return 0
    if args.scenario_only and not args.scenario:
        log.error("--scenario-only needs --scenario")
        return 2
    try:
        config = config_from_args(args)
        sim = Simulator(config)
    except (ScenarioError, ValueError, OSError) as exc:
        log.error("cannot start: %s", exc)
        return 2

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping", signum)
        sim.stop()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
    try:
        stats = sim.run()
    except SimError as exc:
        log.error("%s", exc)
        return 1
    print(json.dumps(stats.summary(), ensure_ascii=False), flush=True)
    if args.scenario_only and stats.scenario.get("refused"):
        return 3
    return 0



if __name__ == "__main__":
    sys.exit(main())
