"""The gateway's ASGI application: :func:`create_app` puts the routers, the refusal format and
the body size limit together around one :class:`~dispatch.adapters.gateway.service.Gateway`.

    gw = Gateway(config, catalogue)
    app = create_app(gw)          # starts and stops gw with the server (lifespan)
    uvicorn.run(app, host="127.0.0.1", port=8080)
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from dispatch.adapters.gateway import field_api, media_api, open311, tickets, webapp
from dispatch.adapters.gateway.errors import ApiError
from dispatch.adapters.gateway.http import BodyLimit
from dispatch.adapters.gateway.service import Gateway

log = logging.getLogger("gridline.gateway")
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "bad_request", 413: "too_large", 415: "unsupported_media_type",
               422: "invalid", 429: "rate_limited"}


def _response(exc: ApiError, request: Request) -> Response:
    headers: dict[str, str] = {}
    if exc.retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    if exc.status in (401, 403, 429):
        log.info("refused %s %s from %s: %s %s", request.method, request.url.path,
                 request.client.host if request.client else "?", exc.code, exc.message)
    if isinstance(exc, open311.Open311Error) and open311.wants_xml(request.url.path):
        return open311.error_response(exc, headers)
    return JSONResponse(exc.body(), status_code=exc.status, headers=headers)


def _open311(request: Request) -> bool:
    return request.url.path.startswith(open311.PREFIX)


def create_app(gw: Gateway, *, manage_lifecycle: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if manage_lifecycle:
            gw.start()
        try:
            yield
        finally:
            if manage_lifecycle:
                gw.stop()

    app = FastAPI(title="Gridline field gateway", version="1",
                  description="Grid workers' phones, Open311 GeoReport v2, 12345/110 "
                              "hand-over; docs/GATEWAY.md", lifespan=lifespan)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        if _open311(request) and not isinstance(exc, open311.Open311Error):
            exc = open311.as_open311(exc)
        return _response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> Response:
        first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x not in ("query", "path"))
        err = ApiError("invalid", f"{where or 'request'}: {first.get('msg', 'invalid')}")
        return await api_error(request, err)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = _HTTP_CODES.get(exc.status_code, "bad_request")
        err = ApiError(code, str(exc.detail) if exc.detail else code.replace("_", " "))
        resp = await api_error(request, err)
        resp.status_code = exc.status_code
        return resp

    @app.get("/healthz", tags=["service"], summary="Is the gateway connected and live")
    async def health() -> JSONResponse:
        view = gw.view
        return JSONResponse({"live": view.live, "view_seq": view.seq,
                             "devices": len(gw.devices)}, status_code=200 if view.live else 503)

    app.include_router(field_api.router(gw))
    app.include_router(tickets.router(gw))
    app.include_router(open311.router(gw))
    app.include_router(media_api.router(gw))
    webapp.mount(app)
    app.add_middleware(BodyLimit, max_bytes=gw.config.max_body_bytes)
    return app
