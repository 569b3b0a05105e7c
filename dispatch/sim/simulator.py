"""The field simulator: the loop and the command line (``python main.py sim``).

One thread does everything, in server time (the server's ``--time-speed``, read at login):

1. drain the live mirror (the field gateway's view of the whole city) and re-plan the
   incidents and units that changed (:mod:`dispatch.sim.field`);
2. run the scenario steps that are due (:mod:`dispatch.sim.scenarios.runner`);
3. carry out due plans: the field's and, for its share, the shift lead's;
4. send new reports, a Poisson stream at ``--incidents-per-hour`` (per hour of server time,
   shaped by the time of day unless ``--flat``);
5. send AVL rows at ``--pings-per-second`` (rows per wall second, in ``positions`` commands
   of up to ``--batch-rows``).

Refusals are counted and logged at debug; an unreachable server is waited for (the client
logs in again after a restart); SIGTERM/SIGINT stop the loop cleanly and print a summary.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
import time
import uuid
from typing import Any

import zmq

from dispatch.adapters.catalogue_loader import default_catalogue
from dispatch.adapters.client.commands import SessionSource
from dispatch.adapters.client.mirror import StateMirror
from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.errors import DispatchError, Forbidden, Unavailable
from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.status import ASSIGNABLE_UNIT_STATUSES
from dispatch.sim.channel import Channel, Result, Who
from dispatch.sim.config import SimConfig, SimError, SimStats
from dispatch.sim.field import FieldAgent
from dispatch.sim.fleet import Fleet
from dispatch.sim.gateway_path import GatewayOptions, GatewayTraffic
from dispatch.sim.reports import Draft, ReportFactory
from dispatch.sim.scenarios.loading import Scenario, load_scenario
from dispatch.sim.scenarios.runner import ScenarioRunner
from dispatch.sim.world import World, load_city

log = logging.getLogger("gridline.sim")

CHINA = dt.timezone(dt.timedelta(hours=8))
# Relative report rate by local hour (12345 and patrols are busiest in working hours).
DIURNAL = (0.35, 0.25, 0.2, 0.2, 0.25, 0.4, 0.7, 1.1, 1.4, 1.5, 1.5, 1.4, 1.3, 1.4, 1.5, 1.5,
           1.4, 1.3, 1.2, 1.2, 1.1, 0.9, 0.7, 0.5)
_DIURNAL_MEAN = sum(DIURNAL) / len(DIURNAL)
# AVL waits while the mirror is this many events behind our last accepted command: our own
# position echoes must not pile up unread (and the field must act on a fresh picture).
MIRROR_BEHIND_EVENTS = 20
MAX_TRACKED_INCIDENTS = 200_000  # incidents remembered in the stats (source, grid aimed at)


class Simulator:
    """Runs the field against one server until stopped (see the module documentation)."""

    def __init__(self, config: SimConfig, *, catalogue: Catalogue | None = None,
                 ctx: zmq.Context | None = None) -> None:
        self.config = config
        self.catalogue = catalogue or default_catalogue()
        self.ctx = ctx or zmq.Context.instance()
        self.stats = SimStats()
        self._stop = threading.Event()
        self.rng = random.Random(config.seed)
        self.scenario: Scenario | None = load_scenario(config.scenario) \
            if config.scenario else None
        self._world: World | None = None
        self.channel: Channel | None = None
        self.mirror: StateMirror | None = None
        self.agent: FieldAgent | None = None
        self.fleet: Fleet | None = None
        self._reports: ReportFactory | None = None
        self.runner: ScenarioRunner | None = None
        self._ref_incident: dict[str, str] = {}  # report command id → incident id
        self._pending_report: tuple[Draft, str] | None = None
        self._report_no = 0
        self._positions_no = 0
        self.gateway: GatewayTraffic | None = None
        # Command ids must be new in every run: the server answers a known id from its
        # memory of earlier commands (idempotency) instead of applying it again.
        self.run_id = uuid.uuid4().hex[:10]

    # ------------------------------------------------------------------------ control

    def stop(self) -> None:
        """Ask the loop to finish (thread- and signal-safe)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # ------------------------------------------------------------- ScenarioHost parts

    @property
    def world(self) -> World:
        assert self._world is not None, "not set up"
        return self._world

    @property
    def reports(self) -> ReportFactory:
        assert self._reports is not None, "not set up"
        return self._reports

    def now(self) -> float:
        assert self.channel is not None
        return self.channel.clock()

    def live_state(self) -> DispatchState:
        assert self.mirror is not None
        return self.mirror.state

    def mirror_seq(self) -> int:
        assert self.mirror is not None
        return self.mirror.state.seq

    def send(self, who: Who, command: Any, *, command_id: str) -> Result:
        assert self.channel is not None
        return self.channel.send(who, command, command_id=command_id)

    def adopt(self, incident_id: str) -> None:
        assert self.agent is not None
        self.agent.scripted.add(incident_id)
        self.agent.plans.pop("i:" + incident_id, None)

    def nearest_units(self, incident: Incident, department: str, n: int, *,
                      exclude: set[str]) -> list[str]:
        assert self.agent is not None
        return self.agent.nearest_units(incident, department, n, exclude=exclude,
                                        statuses=ASSIGNABLE_UNIT_STATUSES)

    def reported(self, draft: Draft, result: Result) -> None:
        if result.ok and result.incident_id:
            self._count_report(draft, result.incident_id)
        elif not result.down:
            self.stats.reports_refused += 1

    def _count_report(self, draft: Draft, iid: str) -> None:
        if iid:
            self.stats.reports[draft.source] += 1
            self.stats.incidents[iid] = draft.source
            self.stats.intended_grid[iid] = draft.grid
            if len(self.stats.incidents) > MAX_TRACKED_INCIDENTS:  # a long run: keep the last
                oldest = next(iter(self.stats.incidents))
                del self.stats.incidents[oldest]
                self.stats.intended_grid.pop(oldest, None)

    # ---------------------------------------------------------------------------- run

    def run(self) -> SimStats:
        """Connect, run until stopped (or the duration / the scenario ends), disconnect."""
        t_wall0 = time.monotonic()
        server_t0: float | None = None
        try:
            self._setup()
            server_t0 = self.now()
            self._loop()
        finally:
            self._teardown()
            self.stats.wall_s = time.monotonic() - t_wall0
            if server_t0 is not None:
                self.stats.server_s = self.now() - server_t0
        log.info("simulator stopped: %s", json.dumps(self.stats.summary(), ensure_ascii=False))
        return self.stats

    def _setup(self) -> None:
        cfg = self.config
        if cfg.city is not None:
            city, origin = cfg.city, "given"
        else:
            city, origin = load_city(db_url=cfg.db_url, size=cfg.city_size, seed=cfg.city_seed,
                                     catalogue=self.catalogue)
        self._world = World(city)
        log.info("city %s (%s): %d districts, %d grids, %d units, %d parts", city.name, origin,
                 len(self.world.districts), len(self.world.grids), len(city.units),
                 len(city.parts))
        lead = (cfg.lead_user, cfg.lead_password) if cfg.lead_user else None
        self.channel = Channel(cfg.command_endpoint, field_user=(cfg.user, cfg.password),
                               lead_user=lead, workstation=cfg.workstation, curve=cfg.curve,
                               ctx=self.ctx, timeout_s=cfg.timeout_s, retries=cfg.retries)
        login = self._connect()
        speed = login.time_speed
        self.stats.server_speed = speed
        if cfg.speed is not None and abs(cfg.speed - speed) > 1e-9:
            log.warning("--speed %g does not match the server's time speed %g; following the "
                        "server", cfg.speed, speed)
        log.info("logged in as %s (%s, scope %r); server time speed %g", login.operator,
                 login.role.value, login.scope, speed)
        source = SessionSource(cfg.command_endpoint, cfg.user, cfg.password,
                               f"{cfg.workstation}-feed", ctx=self.ctx, curve=cfg.curve,
                               timeout_s=cfg.timeout_s, retries=cfg.retries)
        self.mirror = StateMirror(cfg.snapshot_endpoint, cfg.update_endpoint,
                                  subtree=login.subtree, token=source, ctx=self.ctx,
                                  curve=cfg.curve, hugz_interval_s=cfg.hugz_interval_s)
        self.mirror.start()
        self._wait_live()
        self.fleet = Fleet(self.world, random.Random(f"{cfg.seed}|fleet"))
        self.agent = FieldAgent(self.channel, self.live_state, self.fleet, self.catalogue,
                                seed=cfg.seed, behaviour=cfg.behaviour, run_id=self.run_id)
        self._log_character(city_streets=sorted({g[:9] for g in self.world.grids}))
        fleet = self.fleet
        self._reports = ReportFactory(self.world, self.catalogue,
                                     random.Random(f"{cfg.seed}|reports"),
                                     worker_position=lambda uid: fleet.position(uid, self.now()))
        now = self.now()
        self.agent.observe_all(now)
        if cfg.gateway is not None:
            self._start_gateway(cfg.gateway)
        if self.scenario is not None:
            self.runner = ScenarioRunner(self.scenario, self, start=now, seed=cfg.seed)
            log.info("scenario %s (%s): %d steps over %.0f s of server time",
                     self.scenario.name, self.scenario.title, len(self.scenario.steps),
                     self.scenario.duration_s)

    def _log_character(self, city_streets: list[str]) -> None:
        """Which departments and streets this run makes work worst and best (the reasons a
        month's ranking differs: docs/SIMULATOR.md)."""
        assert self.agent is not None
        ch, names = self.agent.character, self.world.city.regions

        def show(kind: str, rows: list[tuple[str, float]]) -> str:
            return ", ".join(f"{names[c].name if kind == 'street' and c in names else c} "
                             f"×{f:.2f}" for c, f in rows)
        for kind, codes in (("department", sorted(self.catalogue.departments)),
                            ("street", city_streets)):
            best, worst = ch.extremes(kind, codes)
            log.info("field character: %ss working worst: %s; best: %s", kind,
                     show(kind, worst), show(kind, best))

    def _start_gateway(self, options: GatewayOptions) -> None:
        """The phones and the citizen app on the gateway (docs/SIMULATOR.md); the direct path
        alone when the gateway does not let them in."""
        traffic = GatewayTraffic(options, random.Random(f"{self.config.seed}|gateway"))
        workers = sorted(u.id for u in self.live_state().units.values()
                         if u.unit_type == "grid_worker")
        if traffic.start(workers[0] if workers else ""):
            self.gateway = traffic
        else:
            traffic.close()

    def _connect(self) -> Any:
        assert self.channel is not None
        end = time.monotonic() + self.config.connect_timeout_s
        while True:
            try:
                return self.channel.connect()
            except Forbidden as exc:
                raise SimError(f"cannot log in as {self.config.user!r}: {exc}") from exc
            except (Unavailable, DispatchError) as exc:
                if self.stopping or time.monotonic() > end:
                    raise SimError(f"no dispatch server at {self.config.command_endpoint}: "
                                   f"{exc}") from exc
                log.warning("waiting for the dispatch server: %s", exc)
                self._stop.wait(1.0)

    def _wait_live(self) -> None:
        assert self.mirror is not None
        end = time.monotonic() + self.config.connect_timeout_s
        while not self.mirror.live:
            if self.stopping:
                return
            if time.monotonic() > end:
                raise SimError(f"no live state from the server ({self.mirror.info().message})")
            self.mirror.run_once(50)

    def _teardown(self) -> None:
        if self.mirror is not None:
            m = self.mirror
            self.stats.mirror = {"updates": m.updates, "resyncs": m.resyncs, "gaps": m.gaps,
                                 "errors": m.errors, "incidents": len(m.state.incidents),
                                 "units": len(m.state.units)}
            m.close()
        if self.channel is not None:
            self.channel.close()
            st = self.channel.stats
            self.stats.commands_ok = st.ok
            self.stats.commands_refused = st.refused_total
            self.stats.refused_by_code = dict(st.refused)
            self.stats.refused_by_type = dict(st.refused_types)
            self.stats.outages = st.outages
        if self.agent is not None:
            self.stats.actions = dict(self.agent.stats.actions)
            self.stats.max_lateness_s = self.agent.stats.late_s
        if self.runner is not None:
            self.stats.scenario = self.runner.summary()
        if self.gateway is not None:
            self.stats.gateway = dict(self.gateway.counts)
            self.gateway.close()

    # ---------------------------------------------------------------------------- loop

    def _loop(self) -> None:
        t0 = time.monotonic()
        try:
            self._loop_body(t0)
        finally:
            self.stats.loop_s = time.monotonic() - t0

    def _loop_body(self, t0: float) -> None:
        cfg = self.config
        assert self.mirror is not None
        assert self.agent is not None
        assert self.channel is not None
        mirror, agent, channel = self.mirror, self.agent, self.channel
        background = cfg.background and not cfg.scenario_only and cfg.incidents_per_hour > 0
        next_report = self._next_arrival(self.now()) if background else float("inf")
        next_ping = last_ping = t0
        ping_credit = 0.0
        next_stats = t0 + cfg.stats_every_s
        last_seen = None
        while not self.stopping:
            mono = time.monotonic()
            if cfg.duration_s is not None and mono - t0 >= cfg.duration_s:
                break
            if cfg.scenario_only and (self.runner is None or self.runner.finished):
                break
            wait_ms = int(max(0.0, min(0.01, next_ping - mono)) * 1000)
            # drain the feed generously: a mirror that falls behind queues updates in memory
            # and the field would act on a stale picture
            changes = mirror.run_once(wait_ms, budget_s=0.25)
            # measured right after draining, before this round's own commands
            behind = channel.last_seq - mirror.state.seq > MIRROR_BEHIND_EVENTS
            seen = mirror.server_time()
            if seen is not None and seen != last_seen:
                last_seen = seen
                channel.clock.correct(seen)
            now = self.now()
            try:
                if changes.resynced:
                    agent.observe_all(now)
                elif changes:
                    agent.observe(changes.incidents, changes.units, now)
                if self.runner is not None and not self.runner.finished:
                    self.runner.tick(now)
                if not cfg.scenario_only:
                    agent.run_due(now)
                n = 0
                while next_report <= now and n < 200 and channel.available():
                    if self._send_report(now):
                        next_report = self._next_arrival(next_report)
                    n += 1
                if (cfg.pings_per_second > 0 and not cfg.scenario_only and mono >= next_ping
                        and not behind):
                    # at most one row per unit per round: high rates mean more rounds
                    interval = self._ping_interval()
                    elapsed = min(mono - last_ping, 1.0)
                    last_ping = mono
                    ping_credit = min(ping_credit + cfg.pings_per_second * elapsed,
                                      2 * cfg.pings_per_second * interval + 1)
                    ping_credit -= self._send_positions(int(ping_credit), now)
                    next_ping = mono + interval
                gw = self.gateway
                if gw is not None and self.fleet is not None and gw.patrol_due(mono):
                    gw.ping(mono, self.fleet.position(gw.patrol_unit, now))
            except Exception as exc:
                # an unexpected reply or state must not end a long run: log it and go on
                self.stats.errors += 1
                log.exception("simulator step failed: %s", exc)
            if mono >= next_stats:
                next_stats = mono + cfg.stats_every_s
                self._log_progress()

    def _log_progress(self) -> None:
        assert self.channel is not None
        assert self.mirror is not None
        st = self.channel.stats
        log.info("reports %d (%s), positions %d rows, commands ok %d refused %d, mirror %s "
                 "%d incidents", sum(self.stats.reports.values()),
                 ", ".join(f"{k} {v}" for k, v in sorted(self.stats.reports.items())),
                 self.stats.position_rows, st.ok, st.refused_total,
                 self.mirror.status().value, len(self.mirror.state.incidents))

    # ------------------------------------------------------------------------ reports

    def _next_arrival(self, after: float) -> float:
        """The next report time of a Poisson stream, thinned by the time of day."""
        rate = self.config.incidents_per_hour / 3600.0
        peak = max(DIURNAL) / _DIURNAL_MEAN if self.config.diurnal else 1.0
        t = after
        while True:
            t += self.rng.expovariate(rate * peak)
            if not self.config.diurnal:
                return t
            hour = dt.datetime.fromtimestamp(t, CHINA).hour
            if self.rng.random() < DIURNAL[hour] / _DIURNAL_MEAN / peak:
                return t

    def _send_report(self, now: float) -> bool:
        """One background report; False when the server is away (kept for later)."""
        assert self.agent is not None
        if self._pending_report is not None:
            draft, cid = self._pending_report
        else:
            self._report_no += 1
            cid = f"sim-{self.run_id}-r{self._report_no}"
            draft = self.reports.make(now, command_id=cid)
            if self.gateway is not None and self.gateway.takes(draft):
                iid = self.gateway.send(draft, cid)
                if iid is not None:
                    self._count_report(draft, iid)
                    return True
        res = self.send("field", draft.command, command_id=cid)
        if res.down:
            self._pending_report = (draft, cid)
            return False
        self._pending_report = None
        self.reported(draft, res)
        if res.ok and res.incident_id:
            if draft.source == "hotline":
                self._ref_incident[cid] = res.incident_id
                if len(self._ref_incident) > 512:
                    self._ref_incident.pop(next(iter(self._ref_incident)))
            if draft.duplicate_of_ref:
                orig = self._ref_incident.get(draft.duplicate_of_ref)
                if orig:
                    self.agent.duplicates[res.incident_id] = orig
        return True

    # ----------------------------------------------------------------------- positions

    def _ping_interval(self) -> float:
        """Wall seconds between AVL rounds: ``ping_interval_s``, shorter when the rate asks
        for more rows per round than there are units (down to 20 ms)."""
        units = len(self.fleet.tracks) if self.fleet is not None else 0
        rate = self.config.pings_per_second
        if units <= 0 or rate <= 0:
            return self.config.ping_interval_s
        return max(0.02, min(self.config.ping_interval_s, units / rate))

    def _send_positions(self, n: int, now: float) -> int:
        """Send up to ``n`` position rows; returns how many went out."""
        assert self.fleet is not None
        rows = self.fleet.rows(n, now)
        sent = 0
        size = self.config.batch_rows
        for i in range(0, len(rows), size):
            chunk = tuple(rows[i:i + size])
            self._positions_no += 1
            res = self.send("field", cmd.ReportPositions(chunk),
                            command_id=f"sim-{self.run_id}-p{self._positions_no}")
            if res.down:
                break
            if res.ok:
                self.stats.position_rows += len(chunk)
                self.stats.position_commands += 1
            sent += len(chunk)
        return sent
