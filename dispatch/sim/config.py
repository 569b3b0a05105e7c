"""The simulator's settings (:class:`SimConfig`, from the command line) and what a run
counted (:class:`SimStats`, printed as a summary when it stops)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from dispatch.adapters.client.commands import ClientCurve
from dispatch.domain.city.model import City
from dispatch.sim.field import Behaviour
from dispatch.sim.gateway_path import GatewayOptions

MAX_BATCH_ROWS = 10_000  # the server's limit per positions command


class SimError(RuntimeError):
    """The simulator cannot start (bad credentials, no live state, bad scenario)."""


@dataclass(frozen=True, slots=True)
class SimConfig:
    command_endpoint: str
    snapshot_endpoint: str
    update_endpoint: str
    curve: ClientCurve | None = None
    user: str = "field"
    password: str = "field-demo"
    lead_user: str | None = "lead"  # None: no back office (humans dispatch)
    lead_password: str = "lead-demo"
    workstation: str = "simulator"
    city: City | None = None  # given: used as is; else from db_url, else generated
    db_url: str = ""
    city_size: str = "demo"
    city_seed: int = 1
    incidents_per_hour: float = 120.0  # per hour of server time
    pings_per_second: float = 200.0  # position rows per wall second
    batch_rows: int = 2000
    speed: float | None = None  # expected server time speed (checked against the login)
    seed: int = 1
    duration_s: float | None = None  # wall seconds; None = until stopped
    scenario: str | None = None  # bundled name or path
    scenario_only: bool = False
    background: bool = True  # background reports (the workflow and AVL always run)
    diurnal: bool = True
    behaviour: Behaviour = field(default_factory=Behaviour)
    hugz_interval_s: float = 1.0
    timeout_s: float = 1.5
    retries: int = 2
    ping_interval_s: float = 0.25
    stats_every_s: float = 10.0
    connect_timeout_s: float = 60.0
    gateway: GatewayOptions | None = None  # part of the field traffic through the gateway

    def __post_init__(self) -> None:
        if self.incidents_per_hour < 0 or self.pings_per_second < 0:
            raise ValueError("rates must not be negative")
        if not 1 <= self.batch_rows <= MAX_BATCH_ROWS:
            raise ValueError(f"batch rows must be 1 to {MAX_BATCH_ROWS}")
        if self.duration_s is not None and self.duration_s <= 0:
            raise ValueError("duration must be positive")
        if not 0 <= self.behaviour.auto_dispatch <= 1:
            raise ValueError("auto-dispatch share must be 0..1")


@dataclass(slots=True)
class SimStats:
    reports: Counter[str] = field(default_factory=Counter)  # accepted, by source
    reports_refused: int = 0
    incidents: dict[str, str] = field(default_factory=dict)  # incident id → source
    intended_grid: dict[str, str] = field(default_factory=dict)  # incident id → grid aimed at
    position_rows: int = 0
    position_commands: int = 0
    wall_s: float = 0.0
    loop_s: float = 0.0  # wall seconds of the running loop (without connecting and loading)
    server_s: float = 0.0
    server_speed: float = 1.0
    scenario: dict[str, Any] = field(default_factory=dict)
    commands_ok: int = 0
    commands_refused: int = 0
    refused_by_code: dict[str, int] = field(default_factory=dict)
    refused_by_type: dict[str, int] = field(default_factory=dict)
    actions: dict[str, int] = field(default_factory=dict)
    outages: int = 0
    errors: int = 0  # unexpected exceptions caught in the loop (logged with a traceback)
    max_lateness_s: float = 0.0
    mirror: dict[str, Any] = field(default_factory=dict)
    gateway: dict[str, int] = field(default_factory=dict)  # what went through the gateway

    def summary(self) -> dict[str, Any]:
        wall = max(self.loop_s or self.wall_s, 1e-9)
        hours = self.server_s / 3600.0
        return {
            "wall_s": round(self.wall_s, 2), "loop_s": round(self.loop_s, 2),
            "server_s": round(self.server_s, 1),
            "speed": self.server_speed,
            "reports": dict(self.reports), "reports_total": sum(self.reports.values()),
            "reports_refused": self.reports_refused,
            "reports_per_s": round(sum(self.reports.values()) / wall, 1),
            "incidents_per_server_hour": round(sum(self.reports.values()) / hours, 1)
            if hours > 0 else 0.0,
            "position_rows": self.position_rows,
            "position_rows_per_s": round(self.position_rows / wall, 1),
            "commands_ok": self.commands_ok, "commands_refused": self.commands_refused,
            "refused_by_code": self.refused_by_code, "refused_by_type": self.refused_by_type,
            "actions": self.actions, "outages": self.outages, "errors": self.errors,
            "max_lateness_s": round(self.max_lateness_s, 1), "mirror": self.mirror,
            "scenario": self.scenario, "gateway": self.gateway,
        }
