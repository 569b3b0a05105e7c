"""The 12345 hotline / 110 police hand-over (``/api/v1/tickets``): another system pushes a
ticket with its own id; Gridline may hand it back (退回) with a reason.

``POST /api/v1/tickets`` (API key with the ``tickets`` scope): ``ticket_id`` (the system's
own id: 1–48 letters, digits or punctuation, no spaces or ``/``), ``text``, ``class_code``,
``lon``/``lat`` or ``address``, optional ``caller``, ``phone``, ``part_id``. The incident's
``external_ref`` is ``<key name>:<ticket id>`` (shown in the console's queue and detail), and
the ticket id is the idempotency id: the same ticket again is answered with the same incident
(``200``, ``"replayed": true`` when it was already there), the same id with other content is
``409 conflict``. The report's source is the key's (``hotline`` for 12345 and 110).

``GET /api/v1/tickets/{ticket_id}``: the ticket's incident, status and, once a dispatcher
handed it back (the ``hand_back`` command), ``handed_back: true`` with the reason.
``GET /api/v1/tickets?handed_back=true``: this key's tickets (handed back ones only).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from dispatch.adapters.gateway.api_keys import ApiKey
from dispatch.adapters.gateway.errors import ApiError
from dispatch.adapters.gateway.http import base_url, json_body, number_arg, text_arg
from dispatch.adapters.gateway.service import Gateway, command_id
from dispatch.domain import commands as cmd
from dispatch.domain.open311 import open311_status
from dispatch.domain.state import Incident
from dispatch.domain.validation import id_problem

MAX_TICKET_ID = 48


def ticket_json(inc: Incident, key: ApiKey, base: str) -> dict[str, Any]:
    handed_back = inc.close_reason == "handed_back"
    return {"ticket_id": inc.external_ref.split(":", 1)[1], "incident_id": inc.id,
            "external_ref": inc.external_ref, "status": inc.status.value,
            "open311_status": open311_status(inc.status), "handed_back": handed_back,
            "hand_back_reason": inc.notes[-1].text if handed_back and inc.notes else "",
            "close_reason": inc.close_reason, "closed_at": inc.closed_at,
            "media": [f"{base}/media/{m.media_id}" for m in inc.media]}


def router(gw: Gateway) -> APIRouter:
    r = APIRouter(prefix="/api/v1/tickets", tags=["tickets"])

    def key_of(request: Request) -> ApiKey:
        return gw.api_key(request.headers.get("x-api-key") or
                          request.query_params.get("api_key"), "tickets")

    @r.post("", summary="Push a 12345/110 ticket (idempotent by its ticket id)")
    async def push(request: Request) -> JSONResponse:
        key = key_of(request)
        d = await json_body(request)

        def run() -> JSONResponse:
            ticket = d.get("ticket_id")
            problem = id_problem(ticket, MAX_TICKET_ID)
            if problem is not None:
                raise ApiError("invalid", f"ticket_id {problem}; 1 to {MAX_TICKET_ID} letters, "
                                          "digits or punctuation, without spaces or '/'")
            assert isinstance(ticket, str)
            ref = f"{key.name}:{ticket}"
            known = gw.view.by_ref.get(ref)
            text = text_arg(d, "text", required=True)
            class_code = text_arg(d, "class_code", required=True, max_chars=6)
            lon = number_arg(d, "lon", -180, 180)
            lat = number_arg(d, "lat", -90, 90)
            address = text_arg(d, "address", max_chars=100)
            caller = text_arg(d, "caller", max_chars=40)
            phone = text_arg(d, "phone", max_chars=30)
            part_id = text_arg(d, "part_id", max_chars=64)
            if (lon is None) != (lat is None):
                raise ApiError("invalid", "give both lon and lat, or an address")
            if lon is None or lat is None:
                if not address:
                    raise ApiError("invalid", "a ticket needs lon and lat or an address")
                lon, lat = gw.geocode(address, None)
            reporter = " ".join(x for x in (caller, phone) if x)
            c = cmd.ReportIncident(key.source, class_code, lon, lat, text, reporter=reporter,
                                   external_ref=ref, part_id=part_id)
            result, seq = gw.send(c, device=None, cid=command_id("ticket", key.name, ticket))
            iid = str(result["incident_id"])
            view = gw.mirror.wait_seq(seq)
            inc = view.incidents.get(iid)
            replayed = known == iid
            return JSONResponse({"incident_id": iid, "external_ref": ref,
                                 "status": inc.status.value if inc else "reported",
                                 "replayed": replayed}, status_code=200 if replayed else 201)

        return await run_in_threadpool(run)

    @r.get("", summary="This key's tickets (handed_back=true: only those handed back)")
    async def list_(request: Request, handed_back: bool = False) -> JSONResponse:
        key = key_of(request)
        base = base_url(request, gw.config.public_url)
        prefix = f"{key.name}:"
        view = gw.view
        out = [ticket_json(view.incidents[iid], key, base) for ref, iid in view.by_ref.items()
               if ref.startswith(prefix) and iid in view.incidents
               and (not handed_back or view.incidents[iid].close_reason == "handed_back")]
        return JSONResponse({"tickets": out})

    @r.get("/{ticket_id}", summary="A ticket's incident and whether it was handed back")
    async def one(request: Request, ticket_id: str) -> JSONResponse:
        key = key_of(request)
        view = gw.view
        iid = view.by_ref.get(f"{key.name}:{ticket_id}")
        inc = view.incidents.get(iid) if iid else None
        if inc is None:
            raise ApiError("not_found", f"no ticket {ticket_id!r}")
        return JSONResponse(ticket_json(inc, key, base_url(request, gw.config.public_url)))

    return r
