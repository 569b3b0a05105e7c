"""The field API (``/api/v1/``): grid workers' and field units' phones.

Log in with the operator account (``POST /login``), report incidents with photos, see my work
orders, take the field-side steps (签收 acknowledge, arrive, handle, 反馈 respond with photos,
核查 verify with before/after photos, 回退 return), send my position. Every command goes out
under the device's operator session: the server decides what it may do. docs/GATEWAY.md
lists each endpoint with its fields and answers.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from dispatch.adapters.gateway.auth import Device, bearer
from dispatch.adapters.gateway.errors import ApiError
from dispatch.adapters.gateway.http import (
    base_url,
    bool_arg,
    client_address,
    form_body,
    form_files,
    form_text,
    is_form,
    json_body,
    number_arg,
    text_arg,
)
from dispatch.adapters.gateway.media_store import MediaInfo, PreparedMedia
from dispatch.adapters.gateway.present import incident_json
from dispatch.adapters.gateway.service import Gateway, command_id, idempotency_id
from dispatch.domain import commands as cmd
from dispatch.domain.state import Incident
from dispatch.domain.status import IncidentStatus

S = IncidentStatus
ACTIONS: dict[IncidentStatus, tuple[str, ...]] = {
    S.DISPATCHED: ("acknowledge", "return"),
    S.ACKNOWLEDGED: ("arrive", "handle", "respond", "return"),
    S.HANDLING: ("arrive", "respond"),
    S.RESPONDED: ("verify",),
}
TEXT_FIELDS = ("idempotency_id", "class_code", "description", "lon", "lat", "address",
               "part_id", "result", "passed", "note", "reason", "department")
MAX_VERIFY_TASKS = 200
DEVICE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
log = logging.getLogger("gridline.gateway")


def _media_json(infos: list[MediaInfo], kinds: list[str], base: str) -> list[dict[str, Any]]:
    return [{"media_id": i.media_id, "kind": k, "content_type": i.content_type,
             "size": i.size, "width": i.width, "height": i.height, "taken_at": i.taken_at,
             "lon": i.lon, "lat": i.lat, "url": f"{base}/media/{i.media_id}",
             "thumb_url": f"{base}/media/{i.media_id}/thumb"} for i, k in zip(infos, kinds,
                                                                               strict=True)]


def visible(dev: Device, inc: Incident) -> bool:
    return (not dev.scope or inc.grid.startswith(dev.scope)) or \
        (bool(dev.unit_id) and dev.unit_id in inc.units)


def router(gw: Gateway) -> APIRouter:
    r = APIRouter(prefix="/api/v1", tags=["field"])
    cfg = gw.config

    def device_of(request: Request) -> Device:
        return gw.device(bearer(request.headers.get("authorization")))

    async def body_and_files(request: Request, file_fields: tuple[str, ...]
                             ) -> tuple[dict[str, Any], dict[str, list[tuple[str, bytes]]]]:
        if is_form(request):
            form = await form_body(request, max_files=cfg.max_photos * 2)
            d = {k: form_text(form, k) for k in TEXT_FIELDS if form.get(k) is not None}
            files = {f: await form_files(form, f) for f in file_fields}
            return d, files
        return await json_body(request), {f: [] for f in file_fields}

    def prepared(files: dict[str, list[tuple[str, bytes]]]
                 ) -> list[tuple[str, PreparedMedia]]:
        """Every photo checked before anything is sent or stored."""
        total = sum(len(v) for v in files.values())
        if total > cfg.max_photos:
            raise ApiError("too_large", f"{total} photos; at most {cfg.max_photos} per request")
        out: list[tuple[str, PreparedMedia]] = []
        for field, items in files.items():
            kind = "report" if field == "photos" else field
            for n, (fname, data) in enumerate(items, 1):
                out.append((kind, gw.media.prepare(data, name=f"{field} {n} ({fname})")))
        return out

    # ------------------------------------------------------------------ session

    @r.post("/login", summary="Log in with an operator account")
    async def login(request: Request) -> JSONResponse:
        address = client_address(request)
        gw.login_limit.take(address)
        d = await json_body(request)
        user = text_arg(d, "user", required=True, max_chars=64)
        password = text_arg(d, "password", required=True, max_chars=256)
        unit_id = text_arg(d, "unit_id", max_chars=64)
        device_id = text_arg(d, "device_id", max_chars=64)
        if device_id and not DEVICE_ID.fullmatch(device_id):
            raise ApiError("invalid", "device_id must be 1 to 64 letters, digits or . _ : -")

        def run() -> JSONResponse:
            result = gw.link.login(user, password, device=address, device_id=device_id)
            session = str(result["session"])
            scope = str(result.get("scope", ""))
            if unit_id:
                u = gw.view.units.get(unit_id)
                if u is None or (scope and not u.home_grid.startswith(scope)):
                    gw.link.logout(session)
                    raise ApiError("not_found", f"no unit {unit_id!r} in your region")
            token, dev = gw.devices.open(session, result, unit_id, device_id=device_id,
                                         address=address)
            log.info("device login: operator %s, device %s, unit %s, from %s", dev.operator,
                     device_id or "-", unit_id or "-", address)
            return JSONResponse({"token": token, **dev.public(),
                                 "idle_timeout_s": gw.devices.idle_ttl_s})

        return await run_in_threadpool(run)

    @r.post("/logout", summary="End this device's session")
    async def logout(request: Request) -> JSONResponse:
        token = bearer(request.headers.get("authorization"))
        dev = gw.devices.drop(token)
        if dev is None:
            raise ApiError("unauthorized", "not logged in")
        await run_in_threadpool(gw.link.logout, dev.session)
        return JSONResponse({"logged_out": True})

    @r.get("/me", summary="Who this device is logged in as")
    async def me(request: Request) -> JSONResponse:
        dev = device_of(request)
        unit = gw.view.units.get(dev.unit_id) if dev.unit_id else None
        return JSONResponse({**dev.public(), "unit_status": unit.status.value if unit else None})

    # ------------------------------------------------------------------ look-ups

    @r.get("/classes", summary="The catalogue's event classes (the report's class picker)")
    async def classes(request: Request) -> JSONResponse:
        device_of(request)
        cat = gw.catalogue
        return JSONResponse({"classes": [
            {"code": m.code, "major": m.major, "major_name": {
                "zh": cat.majors[m.major].name_zh, "en": cat.majors[m.major].name_en},
             "name": {"zh": m.name_zh, "en": m.name_en}, "priority": m.priority.value}
            for m in sorted(cat.minors.values(), key=lambda m: m.code)]})

    @r.get("/geocode", summary="Places for an address (the server's place search)")
    async def geocode(request: Request, q: str = "", limit: int = 5) -> JSONResponse:
        dev = device_of(request)
        result = await run_in_threadpool(gw.query, "geocode", {"q": q, "limit": limit}, dev)
        return JSONResponse({"places": result.get("places", [])})

    @r.get("/map", summary="Region outlines for the map pick (my region; city-wide: the "
                           "districts and streets)")
    async def region_map(request: Request) -> Response:
        dev = device_of(request)
        body = await run_in_threadpool(gw.region_map.for_scope, dev.scope)
        return Response(body, media_type="application/json",
                        headers={"Cache-Control": "private, max-age=3600"})

    # ------------------------------------------------------------------ reports

    @r.post("/reports", status_code=201, summary="Report an incident (with photos)")
    async def report(request: Request) -> JSONResponse:
        dev = device_of(request)
        d, files = await body_and_files(request, ("photos",))
        base = base_url(request, cfg.public_url)

        def run() -> JSONResponse:
            idem = idempotency_id(d.get("idempotency_id"))
            class_code = text_arg(d, "class_code", required=True, max_chars=6)
            description = text_arg(d, "description", required=True)
            lon = number_arg(d, "lon", -180, 180)
            lat = number_arg(d, "lat", -90, 90)
            address = text_arg(d, "address", max_chars=100)
            part_id = text_arg(d, "part_id", max_chars=64)
            photos = prepared(files)
            if (lon is None) != (lat is None):
                raise ApiError("invalid", "give both lon and lat, or an address")
            if lon is None or lat is None:
                if not address:
                    raise ApiError("invalid", "give the position (lon, lat) or an address")
                lon, lat = gw.geocode(address, dev)
            result, seq = gw.with_photos(
                lambda rows: cmd.ReportIncident("grid_worker", class_code, lon, lat,
                                                description, reporter=dev.display_name,
                                                part_id=part_id, media=rows),
                photos, device=dev, cid=command_id("report", dev.operator, idem))
            iid = str(result["incident_id"])
            gw.mirror.wait_seq(seq)
            return JSONResponse({"incident_id": iid, "lon": lon, "lat": lat,
                                 "media": _media_json([p.info for _, p in photos],
                                                      [k for k, _ in photos], base)},
                                status_code=201)

        return await run_in_threadpool(run)

    # ------------------------------------------------------------------ work orders

    @r.get("/orders", summary="My work orders: dispatched to my unit, verification in my grid")
    async def orders(request: Request) -> JSONResponse:
        dev = device_of(request)
        base = base_url(request, cfg.public_url)
        view = gw.view
        mine: list[dict[str, Any]] = []
        verify: list[Incident] = []
        for inc in view.incidents.values():
            if dev.unit_id and dev.unit_id in inc.units and inc.status in ACTIONS:
                mine.append({"kind": "dispatched", "actions": list(ACTIONS[inc.status]),
                             **incident_json(inc, gw.catalogue, base)})
            elif inc.status is S.RESPONDED and (not dev.scope or inc.grid.startswith(dev.scope)):
                verify.append(inc)
        verify.sort(key=lambda i: (i.verify_due or 0.0, i.id))
        tasks = [{"kind": "verify", "actions": ["verify"],
                  **incident_json(i, gw.catalogue, base)} for i in verify[:MAX_VERIFY_TASKS]]
        mine.sort(key=lambda o: (o["handle_due"] or 0.0, o["incident_id"]))
        return JSONResponse({"orders": mine + tasks, "view_seq": view.seq,
                             "live": view.live})

    @r.get("/incidents/{incident_id}", summary="One incident (in my region or on my unit)")
    async def incident(request: Request, incident_id: str) -> JSONResponse:
        dev = device_of(request)
        inc = gw.view.incidents.get(incident_id)
        if inc is None or not visible(dev, inc):
            raise ApiError("not_found", f"no incident {incident_id!r}")
        return JSONResponse(incident_json(inc, gw.catalogue, base_url(request, cfg.public_url)))

    def step(dev: Device, d: dict[str, Any], what: str, command: Any,
             photos: list[tuple[str, PreparedMedia]], incident_id: str, base: str
             ) -> JSONResponse:
        """A step with its photos: one ``field_step`` (all or nothing), or the plain command
        (``return``)."""
        given = d.get("idempotency_id")
        idem = idempotency_id(given) if given is not None else uuid.uuid4().hex
        cid = command_id(what, dev.operator, incident_id, idem)
        if isinstance(command, cmd.FieldStep):
            result, seq = gw.with_photos(lambda rows: dataclasses.replace(command, media=rows),
                                         photos, device=dev, cid=cid)
        else:
            result, seq = gw.send(command, device=dev, cid=cid)
        view = gw.mirror.wait_seq(seq)
        inc = view.incidents.get(incident_id)
        return JSONResponse({"ok": True, "events": result.get("events", []),
                             "status": inc.status.value if inc else None,
                             "media": _media_json([p.info for _, p in photos],
                                                  [k for k, _ in photos], base)})

    async def simple_step(request: Request, incident_id: str, what: str) -> JSONResponse:
        dev = device_of(request)
        d = await json_body(request) if await request.body() else {}
        base = base_url(request, cfg.public_url)

        def run() -> JSONResponse:
            command: Any
            if what == "return":
                command = cmd.ReturnIncident(incident_id, text_arg(d, "reason", required=True))
            elif what == "arrive":  # my unit is on scene
                if not dev.unit_id:
                    raise ApiError("invalid", "this device is logged in without a unit")
                unit = gw.view.units.get(dev.unit_id)
                if unit is None or unit.incident_id != incident_id:
                    raise ApiError("conflict", f"unit {dev.unit_id} is not on incident "
                                               f"{incident_id}")
                command = cmd.FieldStep("arrive", incident_id, unit_id=dev.unit_id)
            else:  # acknowledge, handle
                command = cmd.FieldStep(what, incident_id,
                                        department=text_arg(d, "department", max_chars=64))
            return step(dev, d, what, command, [], incident_id, base)

        return await run_in_threadpool(run)

    @r.post("/incidents/{incident_id}/acknowledge", summary="签收: take the order")
    async def acknowledge(request: Request, incident_id: str) -> JSONResponse:
        return await simple_step(request, incident_id, "acknowledge")

    @r.post("/incidents/{incident_id}/arrive", summary="My unit is on scene")
    async def arrive(request: Request, incident_id: str) -> JSONResponse:
        return await simple_step(request, incident_id, "arrive")

    @r.post("/incidents/{incident_id}/handle", summary="Handling started")
    async def handle(request: Request, incident_id: str) -> JSONResponse:
        return await simple_step(request, incident_id, "handle")

    @r.post("/incidents/{incident_id}/return", summary="回退: not ours, back to dispatch")
    async def return_(request: Request, incident_id: str) -> JSONResponse:
        return await simple_step(request, incident_id, "return")

    @r.post("/incidents/{incident_id}/respond", summary="反馈: done, with before/after photos")
    async def respond(request: Request, incident_id: str) -> JSONResponse:
        dev = device_of(request)
        d, files = await body_and_files(request, ("before", "after"))
        base = base_url(request, cfg.public_url)

        def run() -> JSONResponse:
            result = text_arg(d, "result", required=True)
            photos = prepared(files)
            return step(dev, d, "respond", cmd.FieldStep("respond", incident_id, result=result),
                        photos, incident_id, base)

        return await run_in_threadpool(run)

    @r.post("/incidents/{incident_id}/verify", summary="核查: on-site verification with photos")
    async def verify(request: Request, incident_id: str) -> JSONResponse:
        dev = device_of(request)
        d, files = await body_and_files(request, ("before", "after"))
        base = base_url(request, cfg.public_url)

        def run() -> JSONResponse:
            passed = bool_arg(d, "passed")
            note = text_arg(d, "note", required=not passed)
            photos = prepared(files)
            return step(dev, d, "verify", cmd.FieldStep("verify", incident_id, passed=passed,
                                                        note=note), photos, incident_id, base)

        return await run_in_threadpool(run)

    # ------------------------------------------------------------------ positions

    @r.post("/positions", summary="My unit's positions (patrol track), oldest first")
    async def positions(request: Request) -> JSONResponse:
        dev = device_of(request)
        d = await json_body(request)

        def run() -> JSONResponse:
            if not dev.unit_id:
                raise ApiError("invalid", "this device is logged in without a unit")
            points = d.get("points")
            if not isinstance(points, list) or not 1 <= len(points) <= 100:
                raise ApiError("invalid", "points must be a list of 1 to 100 {lon, lat}")
            rows: list[tuple[str, float, float]] = []
            for n, p in enumerate(points):
                if not isinstance(p, dict):
                    raise ApiError("invalid", f"points[{n}] must be an object {{lon, lat}}")
                lon = number_arg(p, "lon", -180, 180)
                lat = number_arg(p, "lat", -90, 90)
                if lon is None or lat is None:
                    raise ApiError("invalid", f"points[{n}] needs lon and lat")
                rows.append((dev.unit_id, lon, lat))
            given = d.get("idempotency_id")
            idem = idempotency_id(given) if given is not None else uuid.uuid4().hex
            _, seq = gw.send(cmd.ReportPositions(tuple(rows)), device=dev,
                             cid=command_id("positions", dev.operator, idem))
            return JSONResponse({"ok": True, "accepted": len(rows), "seq": seq})

        return await run_in_threadpool(run)

    return r
