"""Request plumbing the routers share: the body size limit, JSON and multipart bodies read
into plain values with clear refusals, the client's address, the public base URL."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from dispatch.adapters.gateway.errors import ApiError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """ASGI middleware: a request body over ``max_bytes`` is refused with 413 before the
    application sees any of it (by its Content-Length, or while it streams in). The refused
    body is read and dropped, never kept."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = False
                if too_big:
                    await self._drain(receive, 0)
                    await self._refuse(send, int(value))
                    return
        chunks: list[bytes] = []
        total = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            total += len(body)
            if total > self.max_bytes:
                if message.get("more_body"):
                    await self._drain(receive, total)
                await self._refuse(send, total)
                return
            chunks.append(body)
            more = bool(message.get("more_body"))
        whole = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _drain(self, receive: Receive, total: int) -> None:
        """Read and drop the rest of a refused body (up to four times the limit), so that a
        client that sends its whole body before reading sees the 413 instead of a reset."""
        while total <= 4 * self.max_bytes:
            message = await receive()
            if message["type"] != "http.request":
                return
            total += len(message.get("body", b""))
            if not message.get("more_body"):
                return

    async def _refuse(self, send: Send, size: int) -> None:
        body = orjson.dumps({"code": "too_large", "message": f"request body of {size} bytes "
                             f"or more; at most {self.max_bytes}"})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def client_address(request: Request) -> str:
    """The client's address (uvicorn puts the X-Forwarded-For one there when the request
    came through a trusted proxy: ``--forwarded-allow-ips``)."""
    return request.client.host if request.client is not None else "?"


def base_url(request: Request, public_url: str = "") -> str:
    """Where clients reach the gateway: ``public_url`` if configured, else as asked (with
    X-Forwarded-Proto/Host honoured by uvicorn for trusted proxies)."""
    if public_url:
        return public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        value = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError as exc:
        raise ApiError("bad_request", f"the body is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ApiError("bad_request", "the body must be a JSON object")
    return value


async def form_body(request: Request, *, max_files: int, max_fields: int = 40
                    ) -> FormData:
    try:
        return await request.form(max_files=max_files, max_fields=max_fields,
                                   max_part_size=64 * 1024)
    except Exception as exc:  # noqa: BLE001 - starlette raises HTTPException/MultiPartException
        detail = getattr(exc, "detail", None) or getattr(exc, "message", None) or str(exc)
        raise ApiError("bad_request", f"the form cannot be read: {detail}") from None


def is_form(request: Request) -> bool:
    ctype = request.headers.get("content-type", "").lower()
    return ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded"))


def form_text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    if value is None:
        return None
    if isinstance(value, UploadFile):
        raise ApiError("invalid", f"{name} must be a text field, not a file")
    return value


async def form_files(form: FormData, name: str) -> list[tuple[str, bytes]]:
    """The files sent as ``name`` (the field may repeat): (file name, bytes)."""
    out: list[tuple[str, bytes]] = []
    for value in form.getlist(name):
        if not isinstance(value, UploadFile):
            raise ApiError("invalid", f"{name} must be a file")
        out.append((value.filename or name, await value.read()))
    return out


def text_arg(d: dict[str, Any], name: str, *, required: bool = False, max_chars: int = 2000
             ) -> str:
    value = d.get(name)
    if value is None or value == "":
        if required:
            raise ApiError("invalid", f"{name} is required")
        return ""
    if not isinstance(value, str):
        raise ApiError("invalid", f"{name} must be text")
    if len(value) > max_chars:
        raise ApiError("invalid", f"{name} is {len(value)} characters long; at most {max_chars}")
    return value


def number_arg(d: dict[str, Any], name: str, low: float, high: float) -> float | None:
    value = d.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise ApiError("invalid", f"{name} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            not math.isfinite(value) or not low <= value <= high:
        raise ApiError("invalid", f"{name} must be a number from {low:g} to {high:g}, got "
                                  f"{value!r}")
    return float(value)


def bool_arg(d: dict[str, Any], name: str) -> bool:
    value = d.get(name)
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "yes", "false", "0", "no"):
        return value.lower() in ("true", "1", "yes")
    raise ApiError("invalid", f"{name} must be true or false")
