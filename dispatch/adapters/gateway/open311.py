"""Open311 GeoReport v2 (``/open311/v2/``): citizens' apps and other platforms.

- ``GET services.json``: the catalogue's minor classes (service_code = class code);
- ``POST requests.json``: a new request, form-encoded as the spec says (JSON accepted too);
  ``api_key`` (or ``X-API-Key``) of a key with the ``open311`` scope; ``lat``/``long`` or
  ``address_string``; an optional ``media`` file (multipart) becomes the report's photo
  (``media_url`` is not fetched: the gateway makes no requests to addresses it is given).
  Answers ``[{"service_request_id", "token", "service_notice", "account_id"}]``;
- ``GET requests.json`` with ``service_request_id``, ``service_code`` (comma lists),
  ``start_date``, ``end_date`` (W3C date-times on ``requested_datetime``), ``status``
  (open, closed); without dates the last 90 days; at most 1,000, newest first;
- ``GET requests/{id}.json``, ``GET tokens/{token}.json``.

Status: ``open``/``closed``, the workflow state in ``status_notes``
(:mod:`dispatch.domain.open311`). Errors: ``[{"code": <HTTP status>, "description": ...}]``.
Every resource in both formats, ``.json`` and ``.xml`` (the specification's XML,
:mod:`~dispatch.adapters.gateway.open311_xml`; refusals of an ``.xml`` request as
``<errors><error>``). Reads come from the gateway's live view: an incident archived by the
server (finished long ago) is no longer found.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from dispatch.adapters.gateway.errors import ApiError
from dispatch.adapters.gateway.http import (
    base_url,
    form_body,
    form_files,
    form_text,
    is_form,
    json_body,
    number_arg,
    text_arg,
)
from dispatch.adapters.gateway.media_store import BEIJING
from dispatch.adapters.gateway.open311_xml import xml_response
from dispatch.adapters.gateway.present import class_name
from dispatch.adapters.gateway.service import Gateway, command_id
from dispatch.domain import commands as cmd
from dispatch.domain.open311 import open311_status, status_notes, statuses_matching
from dispatch.domain.state import Incident

PREFIX = "/open311/v2"
REF_PREFIX = "o311-"
MAX_RESULTS = 1000
DEFAULT_WINDOW_S = 90 * 86400.0
FIELDS = ("api_key", "service_code", "lat", "long", "address_string", "address_id", "email",
          "device_id", "account_id", "first_name", "last_name", "phone", "description",
          "media_url", "jurisdiction_id")


FORMATS = ("json", "xml")


class Open311Error(ApiError):
    """A refusal in GeoReport's format."""

    def body(self) -> Any:
        return [{"code": self.status, "description": self.message}]


def wants_xml(path: str) -> bool:
    """Whether a request's path asks for GeoReport's XML (``….xml``)."""
    return path.startswith(PREFIX) and path.endswith(".xml")


def error_response(exc: Open311Error, headers: dict[str, str]) -> Response:
    """A refusal of an ``.xml`` request: ``<errors><error><code>…<description>…``."""
    return xml_response("errors", exc.body(), status_code=exc.status, headers=headers)


def answer(fmt: str, root: str, body: list[dict[str, Any]] | dict[str, Any],
           status_code: int = 200) -> Response:
    """``body`` as JSON or as XML under ``root`` (the specification's element)."""
    if fmt == "xml":
        return xml_response(root, body, status_code=status_code)
    return JSONResponse(body, status_code=status_code)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error("not_found", f"no format {fmt!r}; GeoReport v2 here speaks json "
                                        "and xml")
    return fmt


def as_open311(exc: ApiError) -> Open311Error:
    return Open311Error(exc.code, exc.message, retry_after=exc.retry_after)


def w3c(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, BEIJING).isoformat(timespec="seconds")


def parse_w3c(value: str, name: str) -> float:
    try:
        t = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error("invalid", f"{name} must be a W3C date-time such as "
                                      f"2026-12-07T10:00:00+08:00, got {value!r}") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.timestamp()


def request_json(inc: Incident, gw: Gateway, base: str) -> dict[str, Any]:
    updated = max([inc.reported_at] + [t for t in (inc.registered_at, inc.dispatched_at,
                                                   inc.acknowledged_at, inc.responded_at,
                                                   inc.verified_at, inc.closed_at)
                                       if t is not None]
                  + [n.ts for n in inc.notes] + [m.ts for m in inc.media])
    photo = next((m for m in inc.media if m.kind == "report"), None)
    lead = inc.lead_department
    dept = gw.catalogue.departments.get(lead)
    return {
        "service_request_id": inc.id, "status": open311_status(inc.status),
        "status_notes": status_notes(inc),
        "service_name": class_name(gw.catalogue, inc.class_code)["zh"],
        "service_code": inc.class_code, "description": inc.description,
        "agency_responsible": dept.name_zh if dept else lead,
        "service_notice": "", "requested_datetime": w3c(inc.reported_at),
        "updated_datetime": w3c(updated), "expected_datetime": w3c(inc.handle_due),
        "address": "", "address_id": "", "zipcode": "", "lat": inc.lat, "long": inc.lon,
        "media_url": f"{base}/media/{photo.media_id}" if photo else "",
        "token": inc.external_ref[len(REF_PREFIX):]
        if inc.external_ref.startswith(REF_PREFIX) else None,
    }


def router(gw: Gateway) -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=["open311"])
    cfg = gw.config

    @r.get("/services.{fmt}", summary="Service list: the catalogue's classes")
    async def services(fmt: str) -> Response:
        cat = gw.catalogue
        return answer(check_format(fmt), "services", [
            {"service_code": m.code, "service_name": m.name_zh,
             "description": f"{m.name_zh} ({m.name_en})", "metadata": False,
             "type": "realtime", "keywords": m.name_en,
             "group": cat.majors[m.major].name_zh}
            for m in sorted(cat.minors.values(), key=lambda m: m.code)])

    @r.get("/services/{code}.{fmt}", summary="Service definition (no extra attributes)")
    async def definition(code: str, fmt: str) -> Response:
        check_format(fmt)
        if code not in gw.catalogue.minors:
            raise Open311Error("not_found", f"no service {code!r}")
        return answer(fmt, "service_definition", {"service_code": code, "attributes": []})

    @r.post("/requests.{fmt}", status_code=201, summary="Create a service request")
    async def create(request: Request, fmt: str) -> Response:
        files: list[tuple[str, bytes]] = []
        try:
            check_format(fmt)
            if is_form(request):
                form = await form_body(request, max_files=1, max_fields=len(FIELDS) + 2)
                d: dict[str, Any] = {k: form_text(form, k) for k in FIELDS
                                     if form.get(k) is not None}
                files = await form_files(form, "media")
            else:
                d = await json_body(request)
            key = gw.api_key(d.get("api_key") or request.headers.get("x-api-key"), "open311")
        except ApiError as exc:
            raise as_open311(exc) from None
        base = base_url(request, cfg.public_url)

        def run() -> Response:
            code = text_arg(d, "service_code", required=True, max_chars=6)
            description = text_arg(d, "description", required=True, max_chars=2000)
            lat = number_arg(d, "lat", -90, 90)
            lon = number_arg(d, "long", -180, 180)
            address = text_arg(d, "address_string", max_chars=100)
            photos = [("report", gw.media.prepare(data, name=f"media ({name})"))
                      for name, data in files]
            if (lon is None) != (lat is None):
                raise ApiError("invalid", "give both lat and long, or address_string")
            if lon is None or lat is None:
                if not address:
                    raise ApiError("invalid", "a request needs lat and long or an "
                                              "address_string")
                lon, lat = gw.geocode(address, None)
            name = " ".join(text_arg(d, k, max_chars=40)
                            for k in ("first_name", "last_name")).strip()
            phone = text_arg(d, "phone", max_chars=30)
            reporter = " ".join(x for x in (name, phone) if x)
            token = secrets.token_hex(16)
            result, seq = gw.with_photos(
                lambda rows: cmd.ReportIncident(key.source, code, lon, lat, description,
                                                reporter=reporter,
                                                external_ref=REF_PREFIX + token, media=rows),
                photos, device=None, cid=command_id("open311", key.name, token))
            iid = str(result["incident_id"])
            gw.mirror.wait_seq(seq)
            return answer(fmt, "service_requests", [
                {"service_request_id": iid, "token": token, "service_notice": "",
                 "account_id": None,
                 "media_url": f"{base}/media/{photos[0][1].info.media_id}" if photos else ""}],
                status_code=201)

        try:
            return await run_in_threadpool(run)
        except ApiError as exc:
            raise as_open311(exc) from None

    @r.get("/requests.{fmt}", summary="Service requests, filtered")
    async def search(request: Request, fmt: str) -> Response:
        check_format(fmt)
        q = request.query_params
        base = base_url(request, cfg.public_url)
        ids = {x.strip() for x in q.get("service_request_id", "").split(",") if x.strip()}
        codes = {x.strip() for x in q.get("service_code", "").split(",") if x.strip()}
        try:
            statuses = statuses_matching(q["status"]) if q.get("status") else None
        except ValueError as exc:
            raise Open311Error("invalid", str(exc)) from None
        start = parse_w3c(q["start_date"], "start_date") if q.get("start_date") else None
        end = parse_w3c(q["end_date"], "end_date") if q.get("end_date") else None
        if start is None and end is None and not ids:
            latest = max((i.reported_at for i in gw.view.incidents.values()), default=0.0)
            start = latest - DEFAULT_WINDOW_S
        out = [i for i in gw.view.incidents.values()
               if (not ids or i.id in ids) and (not codes or i.class_code in codes)
               and (statuses is None or i.status in statuses)
               and (start is None or i.reported_at >= start)
               and (end is None or i.reported_at <= end)]
        out.sort(key=lambda i: (-i.reported_at, i.id))
        return answer(fmt, "service_requests",
                      [request_json(i, gw, base) for i in out[:MAX_RESULTS]])

    @r.get("/requests/{request_id}.{fmt}", summary="One service request")
    async def one(request: Request, request_id: str, fmt: str) -> Response:
        check_format(fmt)
        inc = gw.view.incidents.get(request_id)
        if inc is None:
            raise Open311Error("not_found", f"no service request {request_id!r}")
        return answer(fmt, "service_requests",
                      [request_json(inc, gw, base_url(request, cfg.public_url))])

    @r.get("/tokens/{token}.{fmt}", summary="The request a token stands for")
    async def token(token: str, fmt: str) -> Response:
        check_format(fmt)
        iid = gw.view.by_ref.get(REF_PREFIX + token)
        if iid is None:
            raise Open311Error("not_found", f"no request for token {token!r}")
        return answer(fmt, "service_requests", [{"service_request_id": iid, "token": token}])

    return r
