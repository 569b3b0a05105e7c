"""Clients given several servers (a leader and its standbys): the address lists, the ring a
client moves along, the settings' client endpoints; and a client that moves on by itself
from a server that does not answer to one that does."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from dispatch.adapters.client import CommandClient
from dispatch.adapters.client.servers import (
    ServerRing,
    join_endpoints,
    parse_addresses,
    split_endpoints,
)
from dispatch.adapters.server.process import free_ports
from dispatch.adapters.settings import Settings
from dispatch.domain.errors import Unavailable


def test_addresses_parse_one_or_several() -> None:
    assert parse_addresses("db1", 5556) == [("db1", 5556)]
    assert parse_addresses("db1:6000, db2:6001", 5556) == [("db1", 6000), ("db2", 6001)]
    assert parse_addresses("[::1]:7000,10.0.0.5", 5556) == [("::1", 7000), ("10.0.0.5", 5556)]
    for bad in ("", ",", "db1:x", "db1:0", ":5556", "db1:70000"):
        with pytest.raises(ValueError, match=r"HOST|no server"):
            parse_addresses(bad, 5556)


def test_ring_moves_along_and_counts() -> None:
    ring = ServerRing("tcp://a:1, tcp://b:1")
    assert (ring.current, len(ring), ring.failovers) == ("tcp://a:1", 2, 0)
    assert ring.next()
    assert ring.current == "tcp://b:1"
    assert ring.next()
    assert (ring.current, ring.failovers) == ("tcp://a:1", 2)
    single = ServerRing("tcp://a:1")
    assert not single.next()
    assert single.failovers == 0
    assert split_endpoints(["tcp://x:1", " "]) == ["tcp://x:1"]
    assert join_endpoints(["tcp://x:1", "tcp://y:2"]) == "tcp://x:1,tcp://y:2"
    with pytest.raises(ValueError, match="no server endpoint"):
        ServerRing(" , ")


def test_settings_client_endpoints(tmp_path: Path) -> None:
    one = Settings(data_dir=tmp_path, host="srv", command_port=6000, snapshot_port=6100,
                   update_port=6200)
    assert one.client_endpoints == ("tcp://srv:6000", "tcp://srv:6100", "tcp://srv:6200")
    pair = Settings(data_dir=tmp_path, servers="a:6000,b")
    assert pair.client_endpoints == ("tcp://a:6000,tcp://b:5556",
                                     "tcp://a:6001,tcp://b:5557",
                                     "tcp://a:6002,tcp://b:5558")
    with pytest.raises(ValidationError, match="HOST"):
        Settings(data_dir=tmp_path, servers="a:b")


def test_command_client_moves_to_the_server_that_answers(server_factory: object) -> None:
    srv = server_factory()  # type: ignore[operator]
    silent = f"tcp://127.0.0.1:{free_ports(1)[0]}"  # nobody listens: a standby
    c = CommandClient(join_endpoints([silent, srv.endpoints.command]), timeout_s=1.5,
                      retries=1)
    try:
        assert c.query("ping") is not None  # tried the silent one, then the next: each once
        assert c.endpoint == srv.endpoints.command
        assert c.failovers == 1
        assert c.query("ping") is not None  # stays where it was answered
        assert c.failovers == 1
    finally:
        c.close()
    alone = CommandClient(silent, timeout_s=0.2, retries=1)
    with pytest.raises(Unavailable, match=silent):
        alone.query("ping")
    alone.close()
