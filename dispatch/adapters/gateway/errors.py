"""Refusals as JSON: every error the gateway answers is ``{"code": ..., "message": ...}`` with
the HTTP status of its code (Open311 endpoints answer the spec's list form instead, see
:mod:`.open311`)."""

from __future__ import annotations

from typing import Any

from dispatch.domain.errors import DispatchError

STATUS_OF_CODE: dict[str, int] = {
    "invalid": 422,
    "bad_request": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "stale": 409,
    "too_large": 413,
    "unsupported_media_type": 415,
    "rate_limited": 429,
    "unavailable": 503,
}


class ApiError(Exception):
    """A refusal: ``code`` (a key of :data:`STATUS_OF_CODE`), a message for a person and,
    for ``rate_limited``, the seconds to wait."""

    def __init__(self, code: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after

    @property
    def status(self) -> int:
        return STATUS_OF_CODE.get(self.code, 400)

    def body(self) -> Any:
        return {"code": self.code, "message": self.message}

    @classmethod
    def of(cls, exc: DispatchError) -> ApiError:
        """The server's typed error as the gateway answers it (same code)."""
        return cls(exc.code, exc.message)


def refused(code: str, message: str) -> ApiError:
    """An :class:`ApiError` from the server's reply (``error``, ``message``)."""
    return ApiError(code if code in STATUS_OF_CODE else "invalid", message)
