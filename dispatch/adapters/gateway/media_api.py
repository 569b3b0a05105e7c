"""Photos by id (``GET /media/{id}``, ``GET /media/{id}/thumb``), for authenticated clients:
a device's bearer token, or an API key (``X-API-Key`` or ``?api_key=``). Ids are the first
128 bits of the photo's SHA-256, so a photo cannot be found without being told its id.

Photos are scoped by region as the server scopes everything else: a device whose operator
has a region scope reads only the photos of incidents in that region (or on its unit); an
API key issued with a ``region`` (a remote console's) only those in its region. Any other
photo is ``403 forbidden``. The incidents are those of the gateway's live view. The
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

    def authenticate(request: Request) -> tuple[str, str, str]:
        """Who asks: (who, region scope, unit)."""
        key = request.headers.get("x-api-key") or request.query_params.get("api_key")
        if key and not request.headers.get("authorization"):
            found = gw.keys.find(key)
            if found is None:
                raise ApiError("forbidden", "unknown or revoked API key")
            gw.key_limit.take(found.name)
            return f"API key {found.name}", found.region, ""
        dev = gw.device(bearer(request.headers.get("authorization")))
        return dev.operator, dev.scope, dev.unit_id

    def in_region(media_id: str, who: str, scope: str, unit_id: str) -> None:
        if not scope:
            return
        if any(inc.grid.startswith(scope) or (unit_id and unit_id in inc.units)
               for inc in gw.view.incidents_with_media(media_id)):
            return
        raise ApiError("forbidden", f"photo {media_id} is not of an incident in the region "
                                    f"{scope} of {who}")

    def serve(request: Request, media_id: str, thumb: bool) -> Response:
        who, scope, unit_id = authenticate(request)
        found = gw.media.path(media_id, thumb=thumb)
        if found is None:
            raise ApiError("not_found", f"no photo {media_id!r}")
        in_region(media_id, who, scope, unit_id)
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
