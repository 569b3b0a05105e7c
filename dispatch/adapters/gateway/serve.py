"""Running the gateway on uvicorn: on a socket bound first (so port 0 picks a free port and
the caller learns it), TLS when given a certificate and key, the X-Forwarded-* headers of the
proxies named in ``forwarded_allow_ips`` trusted (docs/GATEWAY.md, "Behind a reverse proxy").
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from dispatch.adapters.gateway.app import create_app
from dispatch.adapters.gateway.service import Gateway


@dataclass(frozen=True, slots=True)
class Listen:
    host: str = "127.0.0.1"
    port: int = 8080
    tls_cert: Path | None = None
    tls_key: Path | None = None
    forwarded_allow_ips: str = "127.0.0.1"
    log_level: str = "warning"

    @property
    def scheme(self) -> str:
        return "https" if self.tls_cert else "http"


def bind(listen: Listen) -> socket.socket:
    family = socket.AF_INET6 if ":" in listen.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((listen.host, listen.port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def url_of(listen: Listen, sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"{listen.scheme}://{shown}:{port}"


class GatewayServer(uvicorn.Server):
    """A uvicorn server that calls ``on_ready(url)`` once it serves and the gateway's view of
    the dispatch server is live (or ``live_timeout_s`` passed)."""

    def __init__(self, config: uvicorn.Config, gw: Gateway, url: str,
                 on_ready: Callable[[str], None] | None, live_timeout_s: float) -> None:
        super().__init__(config)
        self.gw = gw
        self.url = url
        self.on_ready = on_ready
        self.live_timeout_s = live_timeout_s

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        await asyncio.to_thread(self.gw.mirror.wait_live, self.live_timeout_s)
        if self.on_ready is not None:
            self.on_ready(self.url)


def make_server(gw: Gateway, listen: Listen, *, on_ready: Callable[[str], None] | None = None,
                live_timeout_s: float = 30.0) -> tuple[GatewayServer, socket.socket]:
    """The server and its bound socket; ``server.run(sockets=[sock])`` serves until
    ``server.should_exit`` (or SIGINT/SIGTERM in the main thread)."""
    if (listen.tls_cert is None) != (listen.tls_key is None):
        raise ValueError("TLS needs both a certificate and its key")
    sock = bind(listen)
    config = uvicorn.Config(
        create_app(gw), log_level=listen.log_level, access_log=False, proxy_headers=True,
        forwarded_allow_ips=listen.forwarded_allow_ips,
        ssl_certfile=str(listen.tls_cert) if listen.tls_cert else None,
        ssl_keyfile=str(listen.tls_key) if listen.tls_key else None,
        timeout_graceful_shutdown=5, server_header=False)
    return GatewayServer(config, gw, url_of(listen, sock), on_ready, live_timeout_s), sock
