"""Fixtures for the gateway's tests: a live dispatch server (SQLite and PostgreSQL, in a
thread, as tests/integration does) and a live gateway in front of it (uvicorn on a free
loopback port, in a thread), reached with httpx like any other client; photos made with
Pillow."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from dispatch.adapters.gateway.link import Endpoints
from dispatch.adapters.gateway.serve import GatewayServer, Listen, make_server
from dispatch.adapters.gateway.service import Gateway, GatewayConfig
from dispatch.adapters.security.operators import DEMO_PASSWORDS
from dispatch.domain.roles import Role
from dispatch.domain.state import UnitState
from tests.integration.conftest import HUGZ_S, RunningServer, server_factory  # noqa: F401

WORKER_PASSWORD = "grid-worker-pass-1"


@dataclass
class RunningGateway:
    gw: Gateway
    server: GatewayServer
    thread: threading.Thread
    url: str
    backend: RunningServer
    clients: list[httpx.Client] = field(default_factory=list)

    def http(self, **kw: Any) -> httpx.Client:
        c = httpx.Client(base_url=self.url, timeout=15.0, **kw)
        self.clients.append(c)
        return c

    def stop(self) -> None:
        for c in self.clients:
            c.close()
        self.server.should_exit = True
        self.thread.join(15)
        assert not self.thread.is_alive(), "gateway thread did not stop"

    def worker(self, user: str = "gw01", *, scope_of: UnitState | None = None,
               unit: UnitState | None = None) -> tuple[str, str]:
        """A grid worker's operator account (role field_gateway, scoped to the community of
        ``scope_of``'s home grid); (user, password)."""
        target = scope_of or unit
        scope = target.home_grid[:12] if target is not None else ""
        self.backend.server.operators.add(user, WORKER_PASSWORD, Role.FIELD_GATEWAY, scope,
                                          f"网格员{user}")
        return user, WORKER_PASSWORD

    def login(self, http: httpx.Client, user: str, password: str = WORKER_PASSWORD,
              unit_id: str = "") -> str:
        r = http.post("/api/v1/login", json={"user": user, "password": password,
                                             "unit_id": unit_id})
        assert r.status_code == 200, r.text
        return str(r.json()["token"])


def start_gateway(backend: RunningServer, data_dir: Path, catalogue: Any, **overrides: Any
                  ) -> RunningGateway:
    ep = backend.endpoints
    config = GatewayConfig(
        endpoints=Endpoints(ep.command, ep.snapshot, ep.update), data_dir=data_dir,
        user="field", password=DEMO_PASSWORDS["field"], curve=backend.curve("gateway"),
        hugz_interval_s=HUGZ_S, demo_key=True, **overrides)
    gw = Gateway(config, catalogue)
    ready = threading.Event()
    urls: list[str] = []

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    server, sock = make_server(gw, Listen("127.0.0.1", 0), on_ready=on_ready,
                               live_timeout_s=20)
    th = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="test-gateway",
                          daemon=True)
    th.start()
    assert ready.wait(30), "the gateway did not start"
    assert gw.view.live, "the gateway's view of the server is not live"
    return RunningGateway(gw, server, th, urls[0], backend)


@pytest.fixture
def gateway_factory(server_factory: Callable[..., RunningServer],  # noqa: F811
                    tmp_path: Path, catalogue: Any) -> Iterator[Callable[..., RunningGateway]]:
    """``start(db_url=None, backend=None, data_dir=None, **config)`` → a live gateway (and
    server); ``data_dir`` another gateway's directory (a restart of that gateway)."""
    started: list[RunningGateway] = []

    def start(db_url: str | None = None, *, backend: RunningServer | None = None,
              data_dir: Path | None = None, **overrides: Any) -> RunningGateway:
        rs = backend or server_factory(db_url)
        rg = start_gateway(rs, data_dir or tmp_path / f"gw{len(started)}", catalogue,
                           **overrides)
        started.append(rg)
        return rg

    yield start
    for rg in started:
        if rg.thread.is_alive():
            rg.stop()


@pytest.fixture
def gateway(store_url: str, gateway_factory: Callable[..., RunningGateway]) -> RunningGateway:
    """A gateway in front of a server on SQLite and on PostgreSQL."""
    return gateway_factory(store_url)


# ------------------------------------------------------------------------------ photos


def photo(width: int = 60, height: int = 30, *, orientation: int = 6,
          gps: tuple[float, float] | None = (120.6, 31.3), fmt: str = "JPEG",
          taken: str = "2026:12:07 10:00:00") -> bytes:
    """A photo as a phone makes it: left half red, right half blue, EXIF orientation (6: the
    camera was turned, show it rotated 90° clockwise), GPS position, time, camera make and a
    serial number (which must not survive)."""
    im = Image.new("RGB", (width, height), (255, 0, 0))
    im.paste((0, 0, 255), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Model X"
    sub = exif.get_ifd(0x8769)
    sub[36867] = taken
    sub[0xA431] = "SERIAL-123456"
    if gps is not None:
        lon, lat = gps
        g = exif.get_ifd(0x8825)
        g[1], g[3] = "N", "E"
        g[2] = _dms(lat)
        g[4] = _dms(lon)
    out = io.BytesIO()
    im.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 4)
    return (float(d), float(m), s)
