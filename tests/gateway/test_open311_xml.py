"""Open311 GeoReport v2 in XML (the specification's required format) against a live gateway
and server: every resource as ``.xml``, parsed with an XML parser and checked against the
element names of the specification's examples (wiki.open311.org/GeoReport_v2), refusals as
``<errors><error>``."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import httpx

from dispatch.adapters.gateway.service import DEMO_OPEN311_KEY
from tests.gateway.conftest import RunningGateway
from tests.gateway.test_field_api import point_in, unit_and_class

SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords",
           "group"]
REQUEST = ["service_request_id", "status", "status_notes", "service_name", "service_code",
           "description", "agency_responsible", "service_notice", "requested_datetime",
           "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
           "long", "media_url"]


def xml(r: httpx.Response, status: int = 200) -> ET.Element:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "text/xml; charset=utf-8"
    assert r.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(r.content)


def fields(el: ET.Element) -> dict[str, str | None]:
    return {c.tag: c.text for c in el}


def test_every_resource_in_xml(gateway: RunningGateway, catalogue: Any,
                               demo_city: Any) -> None:
    rg = gateway
    http = rg.http()
    base = f"{rg.url}/open311/v2"
    services = xml(http.get(f"{base}/services.xml"))
    assert services.tag == "services"
    assert {c.tag for c in services} == {"service"}
    assert {fields(s)["service_code"] for s in services} == set(catalogue.minors)
    for s in services:
        assert [c.tag for c in s] == SERVICE
        assert fields(s)["metadata"] == "false"
        assert fields(s)["type"] == "realtime"

    unit, code = unit_and_class(rg, catalogue)
    definition = xml(http.get(f"{base}/services/{code}.xml"))
    assert definition.tag == "service_definition"
    assert fields(definition)["service_code"] == code
    assert definition.find("attributes") is not None
    assert len(definition.find("attributes") or []) == 0

    lon, lat = point_in(demo_city, unit.home_grid)
    made = xml(http.post(f"{base}/requests.xml", data={
        "api_key": DEMO_OPEN311_KEY, "service_code": code, "description": "井盖缺失 <&>",
        "lat": str(lat), "long": str(lon)}), 201)
    assert made.tag == "service_requests"
    [request] = list(made)
    assert request.tag == "request"
    got = fields(request)
    assert {"service_request_id", "token", "service_notice", "account_id"} <= set(got)
    assert got["account_id"] is None  # <account_id/>
    iid, token = got["service_request_id"], got["token"]
    assert iid in rg.backend.state_copy().incidents

    one = xml(http.get(f"{base}/requests/{iid}.xml"))
    assert one.tag == "service_requests"
    [req] = list(one)
    assert req.tag == "request"
    assert [c.tag for c in req][:len(REQUEST)] == REQUEST
    d = fields(req)
    assert (d["service_request_id"], d["status"], d["service_code"]) == (iid, "open", code)
    assert d["description"] == "井盖缺失 <&>"
    assert float(d["lat"] or "nan") == lat
    assert float(d["long"] or "nan") == lon
    assert (d["requested_datetime"] or "").endswith("+08:00")

    many = xml(http.get(f"{base}/requests.xml", params={"service_request_id": iid,
                                                         "status": "open"}))
    assert [fields(r)["service_request_id"] for r in many] == [iid]

    tok = xml(http.get(f"{base}/tokens/{token}.xml"))
    assert tok.tag == "service_requests"
    assert [fields(r) for r in tok] == [{"service_request_id": iid, "token": token}]
    # the JSON answers are the same content
    assert http.get(f"{base}/tokens/{token}.json").json() == [
        {"service_request_id": iid, "token": token}]


def test_refusals_of_xml_requests_are_xml_errors(gateway_factory: Any, catalogue: Any,
                                                 demo_city: Any) -> None:
    rg = gateway_factory()
    http = rg.http()
    base = f"{rg.url}/open311/v2"
    unit, code = unit_and_class(rg, catalogue)
    lon, lat = point_in(demo_city, unit.home_grid)
    seq = rg.backend.state_copy().seq
    for r, status in ((http.get(f"{base}/requests/E999999.xml"), 404),
                      (http.get(f"{base}/services/XXXXXX.xml"), 404),
                      (http.get(f"{base}/requests.xml", params={"status": "pending"}), 422),
                      (http.post(f"{base}/requests.xml", data={
                          "api_key": "guessed", "service_code": code, "description": "x",
                          "lat": str(lat), "long": str(lon)}), 403),
                      (http.post(f"{base}/requests.xml", data={
                          "api_key": DEMO_OPEN311_KEY, "service_code": code,
                          "description": "x", "lat": "95", "long": str(lon)}), 422)):
        errors = xml(r, status)
        assert errors.tag == "errors"
        [error] = list(errors)
        assert error.tag == "error"
        assert [c.tag for c in error] == ["code", "description"]
        assert fields(error)["code"] == str(status)
        assert fields(error)["description"]
    r = http.get(f"{base}/services.yaml")
    assert r.status_code == 404
    assert r.json()[0]["code"] == 404
    assert rg.backend.state_copy().seq == seq
