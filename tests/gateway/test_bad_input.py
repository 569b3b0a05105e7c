"""Bad input at the gateway is refused with a JSON error (``code``, ``message``) and the
right HTTP status, and nothing is stored: no event on the server, no photo on disk."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.gateway.conftest import RunningGateway, photo
from tests.gateway.test_field_api import point_in, report, unit_and_class


@pytest.fixture
def rg(gateway_factory: Callable[..., RunningGateway]) -> RunningGateway:
    from dispatch.adapters.gateway.media_store import MediaLimits

    return gateway_factory(media=MediaLimits(max_bytes=200_000, max_pixels=4_000_000),
                           max_body_bytes=1_000_000)


def nothing_stored(rg: RunningGateway, seq: int) -> None:
    assert rg.backend.state_copy().seq == seq
    assert rg.gw.media.count() == 0


def refused(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == code
    assert body["message"]
    return dict(body)


def test_bad_reports_are_refused_and_nothing_is_stored(rg: RunningGateway, catalogue: Any,
                                                       demo_city: Any) -> None:
    unit, code = unit_and_class(rg, catalogue)
    user, password = rg.worker(scope_of=unit)
    http = rg.http()
    token = rg.login(http, user, password)
    lon, lat = point_in(demo_city, unit.home_grid)
    seq = rg.backend.state_copy().seq

    def send(photos: list[bytes] | None = None, **kw: Any) -> httpx.Response:
        args = {"lon": lon, "lat": lat, **kw}
        return report(http, token, uuid.uuid4().hex, code, args.pop("lon"), args.pop("lat"),
                      photos, **args)

    # a .jpg that is text
    m = refused(send([b"this is not a picture, only text in a .jpg"]), 415,
                "unsupported_media_type")
    assert "JPEG, PNG or WebP" in m["message"]
    # a GIF (a real image, not accepted)
    refused(send([b"GIF89a" + b"\x00" * 40]), 415, "unsupported_media_type")
    # a truncated JPEG
    refused(send([photo()[:300]]), 422, "invalid")
    # a photo over the photo limit, and a body over the request limit
    big = photo(1500, 1500, orientation=1) + b"\x00" * 200_000
    refused(send([big]), 413, "too_large")
    refused(http.post("/api/v1/reports", content=b"x" * 1_100_000,
                      headers={"Authorization": f"Bearer {token}",
                               "Content-Type": "application/octet-stream"}), 413, "too_large")
    # a decompression bomb: a small PNG claiming 20,000 × 20,000 pixels
    refused(send([bomb()]), 413, "too_large")
    # one good and one bad photo: neither is stored, no incident
    refused(send([photo(), b"text"]), 415, "unsupported_media_type")
    # bad coordinates: not numbers, out of range, outside the city
    refused(send(lon="east", lat=lat), 422, "invalid")
    refused(send(lon=lon, lat=95.0), 422, "invalid")
    refused(send(lon="nan", lat=lat), 422, "invalid")
    refused(send([photo()], lon=10.0, lat=10.0), 422, "invalid")
    refused(send(lon=lon, lat=""), 422, "invalid")
    # no idempotency id, unknown class
    r = http.post("/api/v1/reports", json={"class_code": code, "description": "x",
                                           "lon": lon, "lat": lat},
                  headers={"Authorization": f"Bearer {token}"})
    assert "idempotency_id" in refused(r, 422, "invalid")["message"]
    r = report(http, token, uuid.uuid4().hex, "9999", lon, lat, [photo()])
    refused(r, 404, "not_found")
    # not JSON, not logged in
    refused(http.post("/api/v1/reports", content=b"{", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"}),
        400, "bad_request")
    refused(http.post("/api/v1/reports", json={}), 401, "unauthorized")
    refused(http.post("/api/v1/reports", json={}, headers={"Authorization": "Bearer nope"}),
            401, "unauthorized")
    nothing_stored(rg, seq)


def bomb() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(
        b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")


def test_a_device_over_its_rate_is_refused_with_retry_after(
        gateway_factory: Callable[..., RunningGateway]) -> None:
    from dispatch.adapters.gateway.ratelimit import Rate

    rg = gateway_factory(device_rate=Rate(0.5, 3.0), login_rate=Rate(0.1, 4.0))
    http = rg.http()
    token = rg.login(http, "field", "field-demo")
    auth = {"Authorization": f"Bearer {token}"}
    codes = [http.get("/api/v1/me", headers=auth).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]
    r = http.get("/api/v1/me", headers=auth)
    refused(r, 429, "rate_limited")
    assert int(r.headers["Retry-After"]) >= 1
    # another device is not slowed down by this one
    other = rg.login(http, "field", "field-demo")
    assert http.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}
                    ).status_code == 200
    # behind the trusted proxy (loopback here) each phone's forwarded address has its own
    # login budget (4 in a burst), so one phone does not use up the others'
    phone_a = {"X-Forwarded-For": "10.1.2.3"}
    a = [http.post("/api/v1/login", json={"user": "lead", "password": "lead-demo"},
                   headers=phone_a).status_code for _ in range(5)]
    assert a == [200, 200, 200, 200, 429]
    r = http.post("/api/v1/login", json={"user": "lead", "password": "lead-demo"},
                  headers={"X-Forwarded-For": "10.9.9.9"})
    assert r.status_code == 200, r.text
    # this address: two used above, then wrong passwords, then refused before the server
    bad = [http.post("/api/v1/login", json={"user": "field", "password": "wrong-pass"}
                     ).status_code for _ in range(3)]
    assert bad == [401, 401, 429]
