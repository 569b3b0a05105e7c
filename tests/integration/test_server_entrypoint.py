"""The server's entry point: options generated from Settings (today's names keep working),
process-wide tuning left to entry points (binding a server in a thread does not freeze the
host's heap), and the one launcher with its ready line."""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any

import pytest

from dispatch.adapters.client import CommandClient
from dispatch.adapters.server.process import (
    Endpoints,
    ServerProcess,
    parse_ready,
    ready_line,
)
from dispatch.adapters.server.server import open_server
from dispatch.adapters.settings import Settings
from dispatch.entrypoints.server import CLIENT_ONLY, parser
from dispatch.entrypoints.settings_cli import given_settings, option_name
from tests.integration.conftest import server_settings


def settings_from(argv: list[str]) -> Settings:
    return Settings(**given_settings(parser().parse_args(argv), Settings))


def test_todays_option_names_set_the_settings(tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    s = settings_from([
        "--db-url", "sqlite:///x.sqlite", "--data-dir", str(tmp_path), "--host", "0.0.0.0",
        "--command-port", "6001", "--snapshot-port", "6002", "--update-port", "6003",
        "--time-speed", "60", "--city-size", "city", "--city-seed", "7", "--rules", str(rules),
        "--hugz-interval", "0.5", "--no-demo-operators", "--insecure", "--test-levers",
        "--anonymous-read", "/320508/", "--log-level", "WARNING"])
    assert (s.db_url, s.data_dir, s.host) == ("sqlite:///x.sqlite", tmp_path, "0.0.0.0")
    assert (s.command_port, s.snapshot_port, s.update_port) == (6001, 6002, 6003)
    assert (s.time_speed, s.city_size, s.city_seed) == (60.0, "city", 7)
    assert (s.rules_file, s.hugz_interval_s) == (rules, 0.5)
    assert (s.demo_operators, s.insecure, s.test_levers) == (False, True, True)
    assert s.anonymous_read == "/320508/"
    assert parser().parse_args(["--log-level", "DEBUG"]).log_level == "DEBUG"


def test_every_server_setting_is_an_option_with_its_description_as_help() -> None:
    text = " ".join(parser().format_help().split())
    flags = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", text))
    for name, info in Settings.model_fields.items():
        if name in CLIENT_ONLY:
            assert option_name(name, info) not in flags
            continue
        assert option_name(name, info) in flags, name
        assert info.description, f"{name} has no description (the option's help)"
        assert " ".join(info.description.split())[:30] in text, name
    assert {"--closed-retention-h", "--session-ttl-h", "--snapshot-every"} <= flags


def test_options_not_given_leave_the_environment_in_force(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDLINE_TIME_SPEED", "30")
    monkeypatch.setenv("GRIDLINE_DATA_DIR", str(tmp_path))
    args = parser().parse_args(["--command-port", "0"])
    assert given_settings(args, Settings) == {"command_port": 0}
    s = Settings(**given_settings(args, Settings))
    assert (s.time_speed, s.data_dir, s.demo_operators, s.insecure) == (30.0, tmp_path, True,
                                                                        False)


@pytest.mark.parametrize("argv", [["--city-size", "town"], ["--command-port", "x"],
                                  ["--time-speed", "fast"]])
def test_bad_option_values_are_refused_by_the_parser(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(argv)


def test_bind_does_not_freeze_the_callers_heap(tmp_path: Path, catalogue: Any,
                                               demo_city: Any) -> None:
    srv = open_server(server_settings(tmp_path, f"sqlite:///{tmp_path / 's.sqlite'}"),
                      catalogue=catalogue, city=demo_city)
    frozen = gc.get_freeze_count()
    try:
        srv.bind()
        assert gc.get_freeze_count() == frozen
    finally:
        srv.stop()
        srv.shutdown()


def test_ready_line_round_trip() -> None:
    ep = Endpoints("tcp://127.0.0.1:1", "tcp://127.0.0.1:2", "tcp://[::1]:3")
    assert parse_ready(ready_line(ep, 42)) == (ep, 42)
    assert parse_ready("something else") is None


def test_launcher_reads_the_endpoints_of_a_server_on_ports_it_chose(tmp_path: Path) -> None:
    """The embedded console's way: ports 0, the endpoints come from the ready line."""
    sp = ServerProcess(db_url=f"sqlite:///{tmp_path / 'g.sqlite'}", data_dir=tmp_path,
                       insecure=True, ports=(0, 0, 0), stderr=tmp_path / "logs" / "server.log")
    with sp:
        ep = sp.endpoints
        assert ep is not None
        assert sp.ready_seq >= 0
        assert not any(e.endswith(":0") for e in (ep.command, ep.snapshot, ep.update))
        assert sp.command == ep.command
        with CommandClient(sp.command, timeout_s=5) as c:
            assert c.query("ping")["ev"] >= sp.ready_seq
    assert sp.proc is not None
    assert sp.proc.returncode == 0
    assert (tmp_path / "logs" / "server.log").is_file()

