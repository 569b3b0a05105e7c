"""Photos and other media attached to incidents: what an event records about one (the file
itself lives outside the event log, content-addressed by its SHA-256, see docs/GATEWAY.md).

Pure: the rules a media reference must follow and the record the state keeps. The gateway
(``dispatch/adapters/gateway/media_store.py``) sniffs, decodes, strips and stores the bytes;
the ``attach_media`` command only names what was stored.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from dispatch.domain.errors import InvalidCommand


class MediaKind(StrEnum):
    REPORT = "report"  # taken with the report (上报)
    BEFORE = "before"  # before handling (处置前), or the verifier's view of the problem
    AFTER = "after"    # after handling (处置后), or the verifier's view of the result


MEDIA_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
"""The content types a media reference may name (sniffed from the bytes by the gateway)."""

MAX_MEDIA_BYTES = 10 * 1024 * 1024
MAX_MEDIA_SIDE = 10_000
MAX_MEDIA_PER_INCIDENT = 60
MEDIA_ID_CHARS = 32
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(slots=True)
class Media:
    """One photo of an incident as the state keeps it (fields as :class:`IncidentMediaAttached`)."""

    media_id: str
    kind: str
    sha256: str
    content_type: str
    size: int
    width: int
    height: int
    ts: float  # when it was attached (event time)
    operator: str
    taken_at: float | None = None
    lon: float | None = None
    lat: float | None = None


STORED_EXT = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def stored_name(media_id: str, content_type: str, *, thumb: bool = False) -> str:
    """Where a photo lies below the media directory (docs/GATEWAY.md, "Photos"):
    ``<id[:2]>/<id>.<ext>``, its thumbnail ``<id[:2]>/<id>.thumb.jpg``."""
    if thumb:
        return f"{media_id[:2]}/{media_id}.thumb.jpg"
    return f"{media_id[:2]}/{media_id}.{STORED_EXT.get(content_type, 'jpg')}"


def media_id_of(sha256: str) -> str:
    """The id of the media whose content has this SHA-256 (its first 32 hex digits)."""
    return sha256[:MEDIA_ID_CHARS]


def check_kind(kind: str) -> str:
    try:
        return MediaKind(kind).value
    except ValueError:
        raise InvalidCommand(f"unknown media kind {kind!r}; expected one of "
                             f"{', '.join(k.value for k in MediaKind)}") from None


def _whole(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidCommand(f"{field} must be a whole number from {low} to {high}, got "
                             f"{value!r}")
    return value


def check_reference(media_id: str, sha256: str, content_type: str, size: int, width: int,
                    height: int, taken_at: float | None) -> None:
    """InvalidCommand naming the field when a media reference is malformed."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise InvalidCommand("sha256 must be 64 lowercase hexadecimal digits")
    if media_id != media_id_of(sha256):
        raise InvalidCommand(f"media id {media_id!r} does not match its sha256 (the id is the "
                             f"first {MEDIA_ID_CHARS} digits)")
    if content_type not in MEDIA_TYPES:
        raise InvalidCommand(f"content type {content_type!r} is not one of "
                             f"{', '.join(sorted(MEDIA_TYPES))}")
    _whole(size, "size", 1, MAX_MEDIA_BYTES)
    _whole(width, "width", 1, MAX_MEDIA_SIDE)
    _whole(height, "height", 1, MAX_MEDIA_SIDE)
    if taken_at is not None and (isinstance(taken_at, bool)
                                 or not isinstance(taken_at, int | float)
                                 or not math.isfinite(taken_at) or taken_at < 0):
        raise InvalidCommand("taken_at must be a time in seconds since 1970 or null")
