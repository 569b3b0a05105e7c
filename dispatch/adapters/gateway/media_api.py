"""Photos by id (``GET /media/{id}``, ``GET /media/{id}/thumb``), for authenticated clients:
a device's bearer token, or an API key (``X-API-Key`` or ``?api_key=``). Ids are the first
128 bits of the photo's SHA-256, so a photo cannot be found without being told its id. The
answers are immutable (``Cache-Control: private, max-age=31536000, immutable``) and carry the
full SHA-256 as ``ETag``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from dispatch.adapters.gateway.auth import bearer
from dispatch.adapters.gateway.errors import ApiError
from dispatch.adapters.gateway.service import Gateway

CACHE = "private, max-age=31536000, immutable"


def router(gw: Gateway) -> APIRouter:
    r = APIRouter(prefix="/media", tags=["media"])

    def authenticate(request: Request) -> None:
        key = request.headers.get("x-api-key") or request.query_params.get("api_key")
        if key and not request.headers.get("authorization"):
            found = gw.keys.find(key)
            if found is None:
                raise ApiError("forbidden", "unknown or revoked API key")
            gw.key_limit.take(found.name)
            return
        gw.device(bearer(request.headers.get("authorization")))

    def serve(request: Request, media_id: str, thumb: bool) -> Response:
        authenticate(request)
        found = gw.media.path(media_id, thumb=thumb)
        if found is None:
            raise ApiError("not_found", f"no photo {media_id!r}")
        path, info = found
        etag = f'"{info.sha256}{"-t" if thumb else ""}"'
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"ETag": etag})
        return FileResponse(path, media_type="image/jpeg" if thumb else info.content_type,
                            headers={"Cache-Control": CACHE, "ETag": etag,
                                     "X-Content-Type-Options": "nosniff"})

    @r.get("/{media_id}", summary="A photo, full size")
    async def full(request: Request, media_id: str) -> Response:
        return serve(request, media_id, False)

    @r.get("/{media_id}/thumb", summary="A photo's thumbnail (JPEG)")
    async def thumb(request: Request, media_id: str) -> Response:
        return serve(request, media_id, True)

    return r
