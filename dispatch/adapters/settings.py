"""Gridline's settings: one typed object read from arguments, ``GRIDLINE_*`` environment
variables and an optional TOML file (``GRIDLINE_CONFIG``, else ``<data dir>/gridline.toml``).

    GRIDLINE_DB_URL=postgresql+psycopg://gridline@db/gridline
    GRIDLINE_DATA_DIR=/var/lib/gridline
    GRIDLINE_HOST=10.0.0.5  GRIDLINE_COMMAND_PORT=5556  GRIDLINE_TIME_SPEED=60

Values given to the constructor win over the environment, which wins over the file.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from dispatch.adapters.client.servers import join_endpoints, parse_addresses
from dispatch.adapters.private_files import ensure_private_dir

CONFIG_ENV = "GRIDLINE_CONFIG"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("gridline", appauthor=False))


def _config_file() -> Path:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        return Path(explicit)
    data = os.environ.get("GRIDLINE_DATA_DIR")
    return (Path(data) if data else default_data_dir()) / "gridline.toml"


class Settings(BaseSettings):
    """Everything the server, the console and the tools can be configured with."""

    model_config = SettingsConfigDict(env_prefix="GRIDLINE_", extra="ignore",
                                      validate_default=True)

    # where things live
    # The descriptions are also the command line's help (dispatch.entrypoints.settings_cli);
    # ``json_schema_extra={"cli": ...}`` names an option other than ``--field-name``.
    data_dir: Path = Field(default_factory=default_data_dir,
                           description="keys, the embedded SQLite database, logs")
    db_url: str = Field("", description="SQLAlchemy URL; empty = SQLite file in data_dir")

    # endpoints (the server binds them, clients connect to them)
    host: str = Field("127.0.0.1", description="address to bind or connect to")
    command_port: int = Field(5556, ge=0, le=65535, description="commands (ROUTER); 0 = any")
    snapshot_port: int = Field(5557, ge=0, le=65535, description="snapshots; 0 = any")
    update_port: int = Field(5558, ge=0, le=65535, description="updates (PUB); 0 = any")
    insecure: bool = Field(False, description="plain sockets without CurveZMQ (tests and "
                                              "benchmarks only)")
    test_levers: bool = Field(
        False, description="accept the test levers clock and archive over the wire (tests "
                           "only; needs insecure)")
    anonymous_read: str | None = Field(
        None, description="serve snapshots of this subtree (\"\" = the whole city, "
                          "\"/320508/\" a district) to plain RFC 12 clients that send no "
                          "session token; only with insecure (tests)",
        json_schema_extra={"metavar": "SUBTREE"})

    # the city a new database starts with
    city_size: Literal["demo", "city"] = Field("demo", description="the generated city of a "
                                                                   "new database")
    city_seed: int = Field(1, description="its random seed")
    demo_operators: bool = Field(True, description="create the demo operators on first run")

    # server behaviour
    time_speed: float = Field(1.0, gt=0, le=10_000,
                              description="engine seconds per real second (simulation)")
    rules_file: Path | None = Field(None, description="clock rules JSON file; default: bundled",
                                    json_schema_extra={"cli": "--rules"})
    deadline_profile: str = Field("default", description="the deadline profile of the "
                                  "citizen's cases (dispatch, feedback, call-back limits)")
    deadline_profiles_file: Path | None = Field(
        None, description="deadline profiles JSON file; default: bundled",
        json_schema_extra={"cli": "--deadline-profiles"})
    hugz_interval_s: float = Field(1.0, gt=0, le=60, description="seconds between heartbeats "
                                                                 "of an idle feed",
                                   json_schema_extra={"cli": "--hugz-interval"})
    closed_retention_h: float = Field(
        24.0, ge=0, description="finished incidents stay live (and on the feed) this long")
    snapshot_every: int = Field(20_000, ge=100, description="events between state snapshots")
    standby: bool = Field(False, description="start as a hot standby of a PostgreSQL pair: "
                                             "follow the leader, take over when it is gone, "
                                             "never set up a new database (on PostgreSQL "
                                             "every server follows while another leads; "
                                             "refused on SQLite)")
    leader_lease_s: float = Field(5.0, ge=0.5, le=120,
                                  description="seconds a stopped leader keeps the PostgreSQL "
                                              "leader lock before a standby takes over",
                                  json_schema_extra={"cli": "--leader-lease"})

    # trust: sessions, login throttling, test-server reading (docs/SECURITY.md)
    session_ttl_h: float = Field(12.0, gt=0, le=24 * 7,
                                 description="hours a login session lasts")
    login_free_failures: int = Field(3, ge=0, description="failed logins before a delay")
    login_delay_s: float = Field(1.0, ge=0, description="first delay; doubles per failure")
    login_lockout_failures: int = Field(10, ge=1,
                                        description="failed logins that lock for a while")
    login_window_s: float = Field(900.0, gt=0, description="failures count within this")
    login_lockout_s: float = Field(900.0, ge=0, description="how long a lockout lasts")

    # client behaviour
    servers: str = Field(
        "", description="the dispatch servers a client uses: HOST[:PORT][,HOST[:PORT]…], a "
                        "leader and its standbys (snapshot and update ports are the command "
                        "port + 1 and + 2); empty: host and the ports above",
        json_schema_extra={"cli": "--connect", "metavar": "HOST[:PORT],…"})
    workstation: str = Field(default_factory=socket.gethostname,
                             description="this workstation's name")
    command_timeout_s: float = Field(2.5, gt=0, description="seconds before a command is "
                                                            "sent again")
    command_retries: int = Field(3, ge=1, description="attempts of a command")

    @field_validator("host")
    @classmethod
    def _host(cls, v: str) -> str:
        v = v.strip()
        if not v or "/" in v or " " in v:
            raise ValueError(f"host {v!r} must be a host name or an address")
        return v

    @model_validator(mode="after")
    def _test_levers_need_insecure(self) -> Settings:
        if self.test_levers and not self.insecure:
            raise ValueError("test levers (--test-levers) are for test servers only: they need "
                             "--insecure")
        return self

    @field_validator("anonymous_read")
    @classmethod
    def _anonymous_read(cls, v: str | None) -> str | None:
        if v is not None:
            from dispatch.adapters.protocol.records import subtree_scope

            subtree_scope(v)  # ValueError names the expected form
        return v

    @model_validator(mode="after")
    def _anonymous_needs_insecure(self) -> Settings:
        if self.anonymous_read is not None and not self.insecure:
            raise ValueError("anonymous_read (--anonymous-read) serves the feed without a "
                             "session: it is allowed only on an insecure test server "
                             "(--insecure)")
        return self

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = _config_file()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path.is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

    # ------------------------------------------------------------------------- derived

    @property
    def database_url(self) -> str:
        if self.db_url:
            return self.db_url
        ensure_private_dir(self.data_dir)  # 0700: keys, the database, logs
        return f"sqlite:///{self.data_dir / 'gridline.sqlite'}"

    def endpoint(self, port: int) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"tcp://{host}:{port}"

    @property
    def command_endpoint(self) -> str:
        return self.endpoint(self.command_port)

    @property
    def snapshot_endpoint(self) -> str:
        return self.endpoint(self.snapshot_port)

    @property
    def update_endpoint(self) -> str:
        return self.endpoint(self.update_port)

    @property
    def client_endpoints(self) -> tuple[str, str, str]:
        """(command, snapshot, update) endpoints a client connects to: each a comma-separated
        list when ``servers`` names several (:mod:`dispatch.adapters.client.servers`)."""
        if not self.servers:
            return self.command_endpoint, self.snapshot_endpoint, self.update_endpoint
        hosts = [(f"[{h}]" if ":" in h else h, p)
                 for h, p in parse_addresses(self.servers, self.command_port)]
        eps = [join_endpoints([f"tcp://{h}:{p + i}" for h, p in hosts]) for i in range(3)]
        return eps[0], eps[1], eps[2]

    @field_validator("servers")
    @classmethod
    def _servers(cls, v: str) -> str:
        if v.strip():
            parse_addresses(v, 5556)  # ValueError names the part that is wrong
        return v.strip()

    def with_(self, **changes: Any) -> Settings:
        """A copy with some values changed (validated)."""
        return Settings(**{**self.model_dump(), **changes})
