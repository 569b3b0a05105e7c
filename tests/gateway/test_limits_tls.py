"""The rate limiter alone (a clock the test moves), and the gateway serving HTTPS itself
(``--tls-cert``/``--tls-key``) with a certificate made for the test."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from dispatch.adapters.gateway.errors import ApiError
from dispatch.adapters.gateway.ratelimit import Rate, RateLimiter
from dispatch.adapters.gateway.serve import Listen, make_server
from tests.conftest import FakeClock


def test_rate_parse() -> None:
    assert Rate.parse("5/s") == Rate(5.0, 5.0)
    assert Rate.parse("300/min,burst=20") == Rate(5.0, 20.0)
    for bad in ("5", "5/day", "-1/s", "x/s", "5/s,burst=0"):
        with pytest.raises(ValueError, match="rate"):
            Rate.parse(bad)


def test_bucket_refills_at_its_rate() -> None:
    clock = FakeClock(0.0)
    limiter = RateLimiter(Rate(2.0, 3.0), what="device", clock=clock)
    for _ in range(3):
        limiter.take("a")
    with pytest.raises(ApiError) as info:
        limiter.take("a")
    assert info.value.code == "rate_limited"
    assert info.value.retry_after == pytest.approx(0.5)
    limiter.take("b")  # another key has its own bucket
    clock.advance(0.5)
    limiter.take("a")
    with pytest.raises(ApiError):
        limiter.take("a")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_gateway_serves_https(tmp_path: Path, gateway_factory: Any) -> None:
    cert, key = tmp_path / "gw.pem", tmp_path / "gw.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    plain = gateway_factory()  # a server and a gateway; a second gateway over TLS beside it
    gw = plain.gw
    ready = threading.Event()
    urls: list[str] = []

    def on_ready(url: str) -> None:
        urls.append(url)
        ready.set()

    server, sock = make_server(gw, Listen("127.0.0.1", 0, cert, key), on_ready=on_ready)
    server.config.lifespan = "off"  # the gateway object is already running
    th = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    th.start()
    try:
        assert ready.wait(30)
        assert urls[0].startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=str(cert))
        with httpx.Client(base_url=urls[0], verify=context, timeout=10) as http:
            r = http.get("/open311/v2/services.json")
            assert r.status_code == 200
            assert r.json()
        with pytest.raises(httpx.TransportError), httpx.Client(
                base_url=urls[0].replace("https", "http"), timeout=5) as http:
            http.get("/healthz").raise_for_status()
    finally:
        server.should_exit = True
        th.join(15)
