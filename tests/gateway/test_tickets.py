"""The 12345/110 hand-over against a live gateway and server (SQLite and PostgreSQL): a ticket
pushed twice is one incident (idempotent by the hotline's own ticket id, its external_ref),
the same id with other content is refused, a dispatcher hands it back (退回) with a reason and
the hotline system reads that back; keys are issued and revoked with the command line."""

from __future__ import annotations

import time
from typing import Any

import pytest

from dispatch.domain import commands as cmd
from dispatch.domain.status import IncidentStatus
from dispatch.entrypoints.gateway import keys_main
from tests.gateway.conftest import RunningGateway
from tests.gateway.test_field_api import point_in, unit_and_class


def wait_until(condition: Any, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.02)


def test_ticket_push_is_idempotent_and_can_be_handed_back(
        gateway: RunningGateway, catalogue: Any, demo_city: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    rg = gateway
    assert keys_main(["--data-dir", str(rg.gw.config.data_dir), "issue", "12345",
                      "--scope", "tickets", "--source", "hotline"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    http = rg.http(headers={"X-API-Key": key})
    unit, code = unit_and_class(rg, catalogue)
    lon, lat = point_in(demo_city, unit.home_grid)
    ticket = {"ticket_id": "GD20261207-000123", "caller": "张女士", "phone": "13912345678",
              "text": "楼下餐馆油烟扰民", "class_code": code, "lon": lon, "lat": lat}

    first = http.post("/api/v1/tickets", json=ticket)
    assert first.status_code == 201, first.text
    iid = first.json()["incident_id"]
    assert first.json()["external_ref"] == "12345:GD20261207-000123"
    seq = rg.backend.state_copy().seq
    again = http.post("/api/v1/tickets", json=ticket)
    assert again.status_code == 200, again.text
    assert again.json() == {**first.json(), "replayed": True}
    state = rg.backend.state_copy()
    assert state.seq == seq
    assert [i.id for i in state.incidents.values()
            if i.external_ref == "12345:GD20261207-000123"] == [iid]
    inc = state.incidents[iid]
    assert (inc.source, inc.reporter, inc.description) == ("hotline", "张女士 13912345678",
                                                           "楼下餐馆油烟扰民")
    # the same ticket id with other content
    other = http.post("/api/v1/tickets", json={**ticket, "text": "另一件事"})
    assert other.status_code == 409
    assert other.json()["code"] == "conflict"
    assert rg.backend.state_copy().seq == seq

    # the dispatcher hands it back; the hotline system sees it
    got = http.get("/api/v1/tickets/GD20261207-000123").json()
    assert (got["incident_id"], got["handed_back"], got["status"]) == (iid, False, "reported")
    rg.backend.client("lead").execute(cmd.HandBack(iid, "属于物业管理范围，请转物业"))
    wait_until(lambda: http.get("/api/v1/tickets/GD20261207-000123").json()["handed_back"])
    got = http.get("/api/v1/tickets/GD20261207-000123").json()
    assert got["hand_back_reason"] == "属于物业管理范围，请转物业"
    assert got["status"] == IncidentStatus.CANCELLED.value
    listed = http.get("/api/v1/tickets", params={"handed_back": "true"}).json()["tickets"]
    assert [t["ticket_id"] for t in listed] == ["GD20261207-000123"]

    # an address instead of a position: the server's place search (观前街 is in the demo)
    assert rg.backend.server.places.wait(60), rg.backend.server.places.error
    top = rg.backend.client("lead").geocode("观前街", 1)[0]
    by_address = http.post("/api/v1/tickets", json={
        "ticket_id": "GD20261207-000124", "text": "路面塌陷", "class_code": code,
        "address": "观前街"})
    assert by_address.status_code == 201, by_address.text
    placed = rg.backend.state_copy().incidents[by_address.json()["incident_id"]]
    assert (placed.lon, placed.lat) == (top["lon"], top["lat"])
    nowhere = http.post("/api/v1/tickets", json={
        "ticket_id": "GD20261207-000126", "text": "路面塌陷", "class_code": code,
        "address": "zzzzqqqxxx"})
    assert nowhere.status_code == 422
    assert "no place" in nowhere.json()["message"]

    # bad tickets change nothing
    seq = rg.backend.state_copy().seq
    for bad, status in (({**ticket, "ticket_id": "has space"}, 422),
                        ({**ticket, "ticket_id": "x" * 60}, 422),
                        ({**ticket, "ticket_id": "T-9", "lat": "north"}, 422),
                        ({**ticket, "ticket_id": "T-9", "class_code": "0000"}, 404),
                        ({**ticket, "ticket_id": "T-9", "text": ""}, 422)):
        r = http.post("/api/v1/tickets", json=bad)
        assert r.status_code == status, (bad, r.text)
        assert set(r.json()) == {"code", "message"}
    assert rg.backend.state_copy().seq == seq

    # revoked with the command line (another process's view of the key file)
    assert keys_main(["--data-dir", str(rg.gw.config.data_dir), "revoke", "12345"]) == 0
    wait_until(lambda: http.get("/api/v1/tickets/GD20261207-000123").status_code == 403)
    r = http.post("/api/v1/tickets", json={**ticket, "ticket_id": "GD20261207-000125"})
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert rg.backend.state_copy().seq == seq
    assert keys_main(["--data-dir", str(rg.gw.config.data_dir), "list"]) == 0
    listing = capsys.readouterr().out
    assert "12345" in listing
    assert "revoked" in listing
    assert key not in listing
