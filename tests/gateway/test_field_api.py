"""The field API against a live gateway and a live server (SQLite and PostgreSQL): a grid
worker logs in with the operator account, reports with an EXIF-rotated photo (turned upright,
GPS kept, the rest stripped), a resend makes no second incident, the same id with other
content is refused; the unit's work orders, 签收, arrive, handle, 反馈 with before/after
photos, 核查 with photos, and the patrol track."""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from PIL import Image

from dispatch.adapters.security.operators import DEMO_PASSWORDS
from dispatch.domain import commands as cmd
from dispatch.domain.state import UnitState
from dispatch.domain.status import IncidentStatus
from tests.gateway.conftest import RunningGateway, photo
from tests.security.trust_helpers import wait_until

S = IncidentStatus


def unit_and_class(rg: RunningGateway, catalogue: Any) -> tuple[UnitState, str]:
    """An available unit and a minor class its department leads."""
    state = rg.backend.state_copy()
    for m in sorted(catalogue.minors.values(), key=lambda m: m.code):
        for u in sorted(state.units.values(), key=lambda u: u.id):
            if u.department == m.lead_department and u.status.value == "available":
                return u, m.code
    raise AssertionError("no unit for any class")


def rgb(im: Image.Image, x: int, y: int) -> tuple[int, ...]:
    px = im.convert("RGB").getpixel((x, y))
    assert isinstance(px, tuple)
    return px


def point_in(demo_city: Any, grid: str) -> tuple[float, float]:
    p = demo_city.regions[grid].geometry.representative_point()
    return round(p.x, 6), round(p.y, 6)


def report(http: httpx.Client, token: str, idem: str, class_code: str, lon: float, lat: float,
           photos: list[bytes] | None = None, **extra: str) -> httpx.Response:
    data = {"idempotency_id": idem, "class_code": class_code, "description": "井盖缺失",
            "lon": str(lon), "lat": str(lat), **extra}
    files = [("photos", (f"p{n}.jpg", p, "image/jpeg")) for n, p in enumerate(photos or [])]
    return http.post("/api/v1/reports", data=data, files=files or None,
                     headers={"Authorization": f"Bearer {token}"})


def test_grid_worker_reports_with_a_photo_and_a_resend_is_the_same_incident(
        gateway: RunningGateway, catalogue: Any, demo_city: Any) -> None:
    rg = gateway
    unit, code = unit_and_class(rg, catalogue)
    user, password = rg.worker(scope_of=unit)
    http = rg.http()
    token = rg.login(http, user, password)
    me = http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["operator"], me["role"], me["scope"]) == (user, "field_gateway",
                                                         unit.home_grid[:12])
    lon, lat = point_in(demo_city, unit.home_grid)
    shot = photo(60, 30, orientation=6, gps=(lon, lat))
    idem = uuid.uuid4().hex
    r = report(http, token, idem, code, lon, lat, [shot])
    assert r.status_code == 201, r.text
    body = r.json()
    iid = body["incident_id"]
    [m] = body["media"]
    assert (m["kind"], m["content_type"], m["width"], m["height"]) == ("report", "image/jpeg",
                                                                       30, 60)
    assert abs(m["lon"] - lon) < 1e-5
    assert abs(m["lat"] - lat) < 1e-5
    beijing = timezone(timedelta(hours=8))
    assert m["taken_at"] == datetime(2026, 12, 7, 10, 0, tzinfo=beijing).timestamp()

    # the server has it, under the worker's own name, with the photo
    state = rg.backend.state_copy()
    inc = state.incidents[iid]
    assert (inc.source, inc.class_code, inc.reporter) == ("grid_worker", code, f"网格员{user}")
    assert [x.media_id for x in inc.media] == [m["media_id"]]
    assert inc.media[0].operator == user

    # the stored photo is upright (rotated by its EXIF orientation) and has no metadata
    got = http.get(f"/media/{m['media_id']}", headers={"Authorization": f"Bearer {token}"})
    assert got.status_code == 200
    assert got.headers["content-type"] == "image/jpeg"
    im = Image.open(io.BytesIO(got.content))
    assert im.size == (30, 60)
    top, bottom = rgb(im, 15, 5), rgb(im, 15, 55)
    assert top[0] > 200 > top[2], top  # the left (red) half of the raw photo is on top
    assert bottom[2] > 200 > bottom[0], bottom
    assert not im.getexif()
    assert "icc_profile" not in im.info
    assert "exif" not in im.info
    assert b"SERIAL-123456" not in got.content
    assert b"PhoneMaker" not in got.content
    thumb = http.get(f"/media/{m['media_id']}/thumb",
                     headers={"Authorization": f"Bearer {token}"})
    assert thumb.status_code == 200
    assert Image.open(io.BytesIO(thumb.content)).size == (30, 60)
    assert http.get(f"/media/{m['media_id']}").status_code == 401

    # the phone lost the answer and sends the same report again: the same incident
    seq = state.seq
    again = report(http, token, idem, code, lon, lat, [shot])
    assert again.status_code == 201, again.text
    assert again.json()["incident_id"] == iid
    after = rg.backend.state_copy()
    assert after.seq == seq
    assert len(after.incidents[iid].media) == 1

    # the same id with other content is refused, nothing changes
    other = report(http, token, idem, code, lon, lat, [shot], description="路灯不亮")
    assert other.status_code == 409
    assert other.json()["code"] == "conflict"
    assert rg.backend.state_copy().seq == seq


def test_work_orders_acknowledge_arrive_respond_and_verify_with_photos(
        gateway: RunningGateway, catalogue: Any, demo_city: Any) -> None:
    rg = gateway
    unit, code = unit_and_class(rg, catalogue)
    user, password = rg.worker(scope_of=unit)
    http = rg.http()
    token = rg.login(http, user, password, unit_id=unit.id)
    auth = {"Authorization": f"Bearer {token}"}
    lon, lat = point_in(demo_city, unit.home_grid)
    iid = report(http, token, uuid.uuid4().hex, code, lon, lat, [photo()]).json()["incident_id"]
    lead = rg.backend.client("lead")
    lead.execute(cmd.AssignUnits(iid, (unit.id,)))

    def my_orders() -> list[dict[str, Any]]:  # once the gateway's mirror has the dispatch
        orders = http.get("/api/v1/orders", headers=auth).json()["orders"]
        return [o for o in orders if o["incident_id"] == iid]

    mine = wait_until(my_orders, 10, "the dispatched order in the gateway's mirror")
    assert mine[0]["kind"] == "dispatched"
    assert mine[0]["actions"] == ["acknowledge", "return"]
    assert mine[0]["media"][0]["kind"] == "report"

    for step in ("acknowledge", "arrive", "handle"):
        r = http.post(f"/api/v1/incidents/{iid}/{step}", headers=auth,
                      json={"idempotency_id": f"{step}-{iid}-0001"})
        assert r.status_code == 200, (step, r.text)
    state = rg.backend.state_copy()
    assert state.incidents[iid].status is S.HANDLING
    assert state.units[unit.id].status.value == "on_scene"

    r = http.post(f"/api/v1/incidents/{iid}/respond", headers=auth,
                  data={"result": "已更换井盖", "idempotency_id": f"respond-{iid}"},
                  files=[("before", ("b.jpg", photo(40, 40, orientation=1), "image/jpeg")),
                         ("after", ("a.png", photo(40, 40, orientation=1, fmt="PNG"),
                                    "image/png"))])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "responded"
    assert [m["kind"] for m in r.json()["media"]] == ["before", "after"]
    assert r.json()["media"][1]["content_type"] == "image/png"

    # now a verification task for the grid worker of the community
    verifier = rg.http()
    vtoken = rg.login(verifier, user, password)
    tasks = verifier.get("/api/v1/orders", headers={"Authorization": f"Bearer {vtoken}"}
                         ).json()["orders"]
    assert any(t["incident_id"] == iid and t["kind"] == "verify" for t in tasks)
    r = verifier.post(f"/api/v1/incidents/{iid}/verify",
                      headers={"Authorization": f"Bearer {vtoken}"},
                      data={"passed": "true", "note": "现场核实已修复"},
                      files=[("before", ("b.jpg", photo(orientation=1), "image/jpeg")),
                             ("after", ("a.jpg", photo(orientation=3), "image/jpeg"))])
    assert r.status_code == 200, r.text
    inc = rg.backend.state_copy().incidents[iid]
    assert inc.status is S.VERIFIED
    assert [m.kind for m in inc.media] == ["report", "before", "after", "before", "after"]
    detail = verifier.get(f"/api/v1/incidents/{iid}",
                          headers={"Authorization": f"Bearer {vtoken}"}).json()
    assert [m["kind"] for m in detail["media"]][-2:] == ["before", "after"]

    # the patrol track
    r = http.post("/api/v1/positions", headers=auth,
                  json={"points": [{"lon": lon, "lat": lat}, {"lon": lon + 1e-4, "lat": lat}]})
    assert r.status_code == 200, r.text
    assert rg.backend.state_copy().units[unit.id].lon == lon + 1e-4


def test_a_step_with_a_photo_already_attached_as_that_kind_goes_through(
        gateway: RunningGateway, catalogue: Any, demo_city: Any) -> None:
    """The verifier sends the responder's own 'before' picture again: it is attached already
    as 'before', so the step is done and nothing is refused after the step went through."""
    rg = gateway
    unit, code = unit_and_class(rg, catalogue)
    user, password = rg.worker(scope_of=unit)
    http = rg.http()
    token = rg.login(http, user, password, unit_id=unit.id)
    auth = {"Authorization": f"Bearer {token}"}
    lon, lat = point_in(demo_city, unit.home_grid)
    iid = report(http, token, uuid.uuid4().hex, code, lon, lat, []).json()["incident_id"]
    rg.backend.client("lead").execute(cmd.AssignUnits(iid, (unit.id,)))
    for step in ("acknowledge", "handle"):
        r = http.post(f"/api/v1/incidents/{iid}/{step}", headers=auth,
                      json={"idempotency_id": f"{step}-{iid}-again"})
        assert r.status_code == 200, (step, r.text)
    before = photo(48, 48, orientation=1)
    r = http.post(f"/api/v1/incidents/{iid}/respond", headers=auth,
                  data={"result": "已清理", "idempotency_id": f"respond-{iid}-again"},
                  files=[("before", ("b.jpg", before, "image/jpeg"))])
    assert r.status_code == 200, r.text
    r = http.post(f"/api/v1/incidents/{iid}/verify", headers=auth,
                  data={"passed": "true", "note": "复核"},
                  files=[("before", ("same.jpg", before, "image/jpeg")),
                         ("after", ("a.jpg", photo(orientation=3), "image/jpeg"))])
    assert r.status_code == 200, r.text
    inc = rg.backend.state_copy().incidents[iid]
    assert inc.status is S.VERIFIED
    assert [m.kind for m in inc.media] == ["before", "after"]
    assert [m["kind"] for m in r.json()["media"]] == ["before", "after"]


def test_the_server_decides_what_a_device_may_do(gateway: RunningGateway, catalogue: Any,
                                                 demo_city: Any) -> None:
    """A grid worker scoped to one community cannot report outside it; the wall operator's
    account (read only) cannot report at all; a wrong password is unauthorized."""
    rg = gateway
    unit, code = unit_and_class(rg, catalogue)
    user, password = rg.worker(scope_of=unit)
    http = rg.http()
    assert http.post("/api/v1/login", json={"user": user, "password": "wrong-password"}
                     ).status_code == 401
    token = rg.login(http, user, password)
    other = next(g.code for g in demo_city.grids() if not g.code.startswith(
        unit.home_grid[:12]))
    lon, lat = point_in(demo_city, other)
    before = rg.backend.state_copy().seq
    r = report(http, token, uuid.uuid4().hex, code, lon, lat)
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    wall = rg.login(http, "wall", DEMO_PASSWORDS["wall"])
    r = report(http, wall, uuid.uuid4().hex, code, *point_in(demo_city, unit.home_grid))
    assert r.status_code == 403
    assert rg.backend.state_copy().seq == before
    assert rg.gw.media.count() == 0
    # logged out, the token is gone
    assert http.post("/api/v1/logout", headers={"Authorization": f"Bearer {token}"}
                     ).status_code == 200
    assert http.get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"}
                    ).status_code == 401


def test_a_resend_through_a_restarted_gateway_is_the_same_incident(
        gateway_factory: Any, catalogue: Any, demo_city: Any) -> None:
    """The phone's idempotency id, not the gateway's memory, makes the resend safe: the
    gateway restarted (its device sessions gone), the phone logs in again and resends."""
    first = gateway_factory()
    unit, code = unit_and_class(first, catalogue)
    user, password = first.worker(scope_of=unit)
    lon, lat = point_in(demo_city, unit.home_grid)
    idem = f"phone-7:{uuid.uuid4().hex}"
    http = first.http()
    token = first.login(http, user, password)
    made = report(http, token, idem, code, lon, lat, [photo()])
    assert made.status_code == 201, made.text
    first.stop()
    second = gateway_factory(backend=first.backend)
    http = second.http()
    assert http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                    ).status_code == 401
    token = second.login(http, user, password)
    seq = second.backend.state_copy().seq
    again = report(http, token, idem, code, lon, lat, [photo()])
    assert again.status_code == 201, again.text
    assert again.json()["incident_id"] == made.json()["incident_id"]
    assert again.json()["media"] == [{**m, "url": m["url"].replace(first.url, second.url),
                                      "thumb_url": m["thumb_url"].replace(first.url, second.url)}
                                     for m in made.json()["media"]]
    assert second.backend.state_copy().seq == seq


def test_a_refused_photo_leaves_the_step_undone_and_nothing_attached(
        gateway: RunningGateway, catalogue: Any, demo_city: Any) -> None:
    """反馈 with a good 'before' and an 'after' the server refuses (taken before 1970, as a
    phone with a lost clock says): one command, so the response is not made, no photo is
    attached and no file stays; the same step with good photos then goes through."""
    rg = gateway
    unit, code = unit_and_class(rg, catalogue)
    user, password = rg.worker(scope_of=unit)
    http = rg.http()
    token = rg.login(http, user, password, unit_id=unit.id)
    auth = {"Authorization": f"Bearer {token}"}
    lon, lat = point_in(demo_city, unit.home_grid)
    iid = report(http, token, uuid.uuid4().hex, code, lon, lat, []).json()["incident_id"]
    rg.backend.client("lead").execute(cmd.AssignUnits(iid, (unit.id,)))
    wait_until(lambda: rg.gw.view.incidents.get(iid) is not None
               and rg.gw.view.incidents[iid].status is S.DISPATCHED, 10, "the dispatch")
    r = http.post(f"/api/v1/incidents/{iid}/acknowledge", headers=auth, json={})
    assert r.status_code == 200, r.text
    seq = rg.backend.state_copy().seq
    good = photo(40, 40, orientation=1)
    r = http.post(f"/api/v1/incidents/{iid}/respond", headers=auth,
                  data={"result": "已更换井盖", "idempotency_id": f"respond-{iid}-bad"},
                  files=[("before", ("b.jpg", good, "image/jpeg")),
                         ("after", ("a.jpg", photo(44, 44, orientation=1,
                                                   taken="1960:01:01 10:00:00"),
                                    "image/jpeg"))])
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "invalid"
    assert "media[1]" in r.json()["message"]
    assert "taken_at" in r.json()["message"]
    state = rg.backend.state_copy()
    assert state.seq == seq
    assert state.incidents[iid].status is S.ACKNOWLEDGED
    assert state.incidents[iid].media == ()
    assert rg.gw.media.count() == 0
    r = http.post(f"/api/v1/incidents/{iid}/respond", headers=auth,
                  data={"result": "已更换井盖", "idempotency_id": f"respond-{iid}-good"},
                  files=[("before", ("b.jpg", good, "image/jpeg"))])
    assert r.status_code == 200, r.text
    inc = rg.backend.state_copy().incidents[iid]
    assert inc.status is S.RESPONDED
    assert [m.kind for m in inc.media] == ["before"]


def test_device_sessions_survive_a_gateway_restart(gateway_factory: Any, catalogue: Any,
                                                  tmp_path: Any) -> None:
    """The same token works after the gateway restarted on its data directory; a token
    logged out before the restart stays refused; the file holds no token."""
    first = gateway_factory(data_dir=tmp_path / "gw-data")
    unit, _ = unit_and_class(first, catalogue)
    user, password = first.worker(scope_of=unit)
    http = first.http()
    r = http.post("/api/v1/login", json={"user": user, "password": password,
                                         "unit_id": unit.id, "device_id": "phone-a1"})
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    assert r.json()["device_id"] == "phone-a1"
    bad = http.post("/api/v1/login", json={"user": user, "password": password,
                                           "device_id": "no spaces/here"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid"
    gone = first.login(http, user, password)
    assert http.post("/api/v1/logout", headers={"Authorization": f"Bearer {gone}"}
                     ).status_code == 200
    first.stop()
    stored = (tmp_path / "gw-data" / "gateway" / "sessions.jsonl").read_text()
    assert token not in stored
    assert gone not in stored
    assert (tmp_path / "gw-data" / "gateway" / "sessions.jsonl").stat().st_mode & 0o077 == 0
    second = gateway_factory(backend=first.backend, data_dir=tmp_path / "gw-data")
    http = second.http()
    me = http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert (me.json()["operator"], me.json()["unit_id"], me.json()["device_id"]) == (
        user, unit.id, "phone-a1")
    assert http.get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"}
                    ).status_code == 200
    r = http.get("/api/v1/me", headers={"Authorization": f"Bearer {gone}"})
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"


def test_a_report_whose_photo_the_server_refuses_is_not_made(
        gateway: RunningGateway, catalogue: Any, demo_city: Any) -> None:
    """The report and its photos are one command: a photo the server refuses (taken before
    1970) leaves no incident and no file; the same report with good photos is made."""
    rg = gateway
    unit, code = unit_and_class(rg, catalogue)
    user, password = rg.worker(scope_of=unit)
    http = rg.http()
    token = rg.login(http, user, password)
    lon, lat = point_in(demo_city, unit.home_grid)
    seq = rg.backend.state_copy().seq
    r = report(http, token, "report-with-a-bad-photo", code, lon, lat,
               [photo(orientation=1), photo(30, 30, taken="1960:01:01 10:00:00")])
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "invalid"
    assert "media[1]" in r.json()["message"]
    assert rg.backend.state_copy().seq == seq
    assert rg.gw.media.count() == 0
    r = report(http, token, "report-with-good-photos", code, lon, lat,
               [photo(orientation=1), photo(30, 30)])
    assert r.status_code == 201, r.text
    inc = rg.backend.state_copy().incidents[r.json()["incident_id"]]
    assert [m.kind for m in inc.media] == ["report", "report"]
