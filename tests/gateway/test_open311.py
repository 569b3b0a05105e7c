"""Open311 GeoReport v2 against a live gateway and server (SQLite and PostgreSQL), driven by a
reference client written from the specification (:mod:`tests.gateway.open311_client`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dispatch.adapters.gateway.service import DEMO_OPEN311_KEY
from dispatch.domain import commands as cmd
from tests.gateway.conftest import RunningGateway, photo
from tests.gateway.open311_client import GeoReportClient, Open311Error
from tests.gateway.test_field_api import point_in, unit_and_class


def client(rg: RunningGateway, key: str = DEMO_OPEN311_KEY) -> GeoReportClient:
    return GeoReportClient(rg.http(), f"{rg.url}/open311/v2", api_key=key)


def test_services_requests_and_tokens(gateway: RunningGateway, catalogue: Any,
                                      demo_city: Any) -> None:
    rg = gateway
    c = client(rg)
    services = c.services()
    assert {s["service_code"] for s in services} == set(catalogue.minors)
    for s in services:
        assert set(s) >= {"service_code", "service_name", "description", "metadata", "type",
                          "keywords", "group"}
        assert s["metadata"] is False
    unit, code = unit_and_class(rg, catalogue)
    assert c.service_definition(code) == {"service_code": code, "attributes": []}

    lon, lat = point_in(demo_city, unit.home_grid)
    [made] = c.post_request(code, "小区门口垃圾满溢", lat=lat, long=lon, first_name="李",
                            last_name="明", phone="13800000000", email="li@example.cn",
                            media=photo(gps=(lon, lat)))
    iid, token = made["service_request_id"], made["token"]
    assert iid.startswith("E")
    assert c.token(token) == [{"service_request_id": iid, "token": token}]
    inc = rg.backend.state_copy().incidents[iid]
    assert (inc.source, inc.class_code, inc.external_ref) == ("citizen_app", code,
                                                              f"o311-{token}")
    assert inc.reporter == "李 明 13800000000"
    assert [m.kind for m in inc.media] == ["report"]

    # JSON is accepted too, and an address instead of a position
    r = rg.http().post(f"{rg.url}/open311/v2/requests.json",
                       json={"api_key": DEMO_OPEN311_KEY, "service_code": code,
                             "description": "路灯不亮", "lat": lat, "long": lon})
    assert r.status_code == 201, r.text
    second = r.json()[0]["service_request_id"]

    req = c.request(iid)
    assert (req["service_request_id"], req["status"], req["service_code"]) == (iid, "open",
                                                                                code)
    assert req["status_notes"] == "received, waiting to be registered"
    assert req["requested_datetime"].endswith("+08:00")
    assert req["lat"] == pytest.approx(lat)
    assert req["long"] == pytest.approx(lon)
    assert req["media_url"].endswith(f"/media/{inc.media[0].media_id}")
    got = rg.http().get(req["media_url"], params={"api_key": DEMO_OPEN311_KEY})
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/jpeg"

    # filters: by id, by code, by status, by dates
    assert {x["service_request_id"] for x in c.requests(service_request_id=f"{iid},{second}")
            } == {iid, second}
    assert all(x["service_code"] == code for x in c.requests(service_code=code))
    assert iid in {x["service_request_id"] for x in c.requests(status="open")}
    assert iid not in {x["service_request_id"] for x in c.requests(status="closed")}
    t = datetime.fromtimestamp(inc.reported_at, UTC)
    assert iid in {x["service_request_id"] for x in c.requests(
        start_date=(t - timedelta(minutes=1)).isoformat(),
        end_date=(t + timedelta(minutes=1)).isoformat())}
    assert iid not in {x["service_request_id"] for x in c.requests(
        start_date=(t + timedelta(minutes=1)).isoformat())}

    # the dispatcher cancels it: closed, the detail in status_notes
    rg.backend.client("lead").execute(cmd.CancelIncident(iid, "重复上报"))
    rg.gw.mirror.wait_seq(rg.backend.state_copy().seq)
    req = c.request(iid)
    assert (req["status"], req["status_notes"]) == ("closed", "cancelled (not a valid request)")
    assert iid in {x["service_request_id"] for x in c.requests(status="closed")}


def test_open311_refusals_in_the_spec_format(gateway_factory: Any, catalogue: Any,
                                             demo_city: Any) -> None:
    rg = gateway_factory()
    unit, code = unit_and_class(rg, catalogue)
    lon, lat = point_in(demo_city, unit.home_grid)
    seq = rg.backend.state_copy().seq
    cases: list[tuple[GeoReportClient, dict[str, Any], int]] = [
        (client(rg, ""), {"lat": lat, "long": lon}, 401),             # no key
        (client(rg, "guessed-key"), {"lat": lat, "long": lon}, 403),  # unknown key
        (client(rg), {"lat": 95.0, "long": lon}, 422),                 # bad coordinates
        (client(rg), {"lat": 10.0, "long": 10.0}, 422),                # outside the city
        (client(rg), {}, 422),                                         # no position
    ]
    for c, where, status in cases:
        with pytest.raises(Open311Error) as info:
            c.post_request(code, "井盖缺失", **where)
        assert info.value.status == status
        assert info.value.errors[0]["code"] == status
    with pytest.raises(Open311Error) as info:
        client(rg).post_request(code, "井盖缺失", lat=lat, long=lon, media=b"not a picture")
    assert info.value.status == 415
    with pytest.raises(Open311Error) as info:
        client(rg).requests(status="pending")
    assert info.value.status == 422
    with pytest.raises(Open311Error) as info:
        client(rg).request("E999999")
    assert info.value.status == 404

    # a key issued, used, then revoked: refused from then on, nothing stored
    key = rg.gw.keys.issue("citizen-app-2", ("open311",), "citizen_app")
    [ok] = client(rg, key).post_request(code, "井盖缺失", lat=lat, long=lon)
    seq = rg.backend.state_copy().seq
    assert rg.gw.keys.revoke("citizen-app-2")
    with pytest.raises(Open311Error) as info:
        client(rg, key).post_request(code, "井盖缺失", lat=lat, long=lon)
    assert info.value.status == 403
    assert "revoked" in info.value.errors[0]["description"]
    assert rg.backend.state_copy().seq == seq
    assert ok["service_request_id"] in rg.backend.state_copy().incidents
    # a key for tickets may not post Open311 requests
    tickets_key = rg.gw.keys.issue("hotline", ("tickets",), "hotline")
    with pytest.raises(Open311Error) as info:
        client(rg, tickets_key).post_request(code, "井盖缺失", lat=lat, long=lon)
    assert info.value.status == 403
    assert rg.gw.media.count() == 0
