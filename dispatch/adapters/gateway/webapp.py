"""The grid workers' phone web app (``/app/``): static files (``webapp/``: the page, its
scripts, message catalogues, manifest and service worker) and Leaflet (``/app/leaflet/``, for
the report's map pick), served as they are — no build step, no CDN. Everything the page shows comes from the field API (``/api/v1/``) with the device's
bearer token; reports wait in the phone's IndexedDB until they are sent (docs/GATEWAY.md)."""

from __future__ import annotations

from pathlib import Path

import xstatic.pkg.leaflet
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

WEBAPP_DIR = Path(__file__).with_name("webapp")
LEAFLET_DIR = Path(xstatic.pkg.leaflet.BASE_DIR)
"""Leaflet for the report's map pick, from the XStatic-Leaflet package (served as ``/app/leaflet/``)."""
PREFIX = "/app"
# The page loads nothing from elsewhere; photos are shown from blob: URLs the page makes.
CSP = ("default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'")


class _AppFiles(StaticFiles):
    """Static files that a phone revalidates (``no-cache``: a new version is seen at once; the
    service worker keeps a copy for offline use) and that may not be framed or sniffed."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"cache-control", b"no-cache"),
                            (b"content-security-policy", CSP.encode()),
                            (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer")]
                message = {**message, "headers": headers}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


def mount(app: FastAPI) -> None:
    """Serve the web app under ``/app/``; ``/`` and ``/app`` lead there."""

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    @app.get(PREFIX, include_in_schema=False)
    async def app_root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    app.mount(f"{PREFIX}/leaflet", _AppFiles(directory=LEAFLET_DIR), name="leaflet")
    app.mount(PREFIX, _AppFiles(directory=WEBAPP_DIR, html=True), name="webapp")
