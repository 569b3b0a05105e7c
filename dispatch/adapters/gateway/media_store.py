"""Photos: checked, cleaned and stored by content.

An upload is refused unless its bytes are a JPEG, PNG or WebP image (sniffed from the magic
bytes, never from the name or the declared type), at most :attr:`MediaLimits.max_bytes` long,
at most :attr:`MediaLimits.max_pixels` pixels (checked from the header before anything is
decoded: decompression bombs) and decodable in full. The image is then turned upright by its
EXIF orientation and encoded again in its own format *without any metadata* (EXIF, XMP, ICC,
comments: camera serial numbers, owner names, thumbnails of the uncropped picture go); what is
kept is read first: the GPS position (WGS84 degrees) and the time it was taken
(``DateTimeOriginal``, with ``OffsetTimeOriginal`` or else Beijing time), stored *beside* the
photo as JSON.

Files are content-addressed: ``<root>/<id[:2]>/<id>.<ext>`` where the id is the first 32 hex
digits of the SHA-256 of the stored bytes (the full digest is in the JSON); the thumbnail
(JPEG, at most :attr:`MediaLimits.thumb_side` pixels a side) is ``<id>.thumb.jpg``. Every file
is written to a temporary name and renamed, the JSON last, so a half-written photo is never
served. Preparing (:meth:`MediaStore.prepare`) writes nothing; only :meth:`MediaStore.save`
does, after the server accepted what the photo belongs to.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
import re
import tempfile
import warnings
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from dispatch.adapters.gateway.errors import ApiError
from dispatch.domain.media import MAX_MEDIA_BYTES, MAX_MEDIA_SIDE, media_id_of

EXT = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
PIL_FORMAT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_ID = re.compile(r"[0-9a-f]{32}")
BEIJING = timezone(timedelta(hours=8))
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, OFFSET_TIME_ORIGINAL = 36867, 36881


@dataclass(frozen=True, slots=True)
class MediaLimits:
    max_bytes: int = MAX_MEDIA_BYTES
    max_pixels: int = 40_000_000
    max_side: int = MAX_MEDIA_SIDE
    thumb_side: int = 320


@dataclass(frozen=True, slots=True)
class MediaInfo:
    """What is known about a stored photo (its JSON sidecar); the fields of ``attach_media``."""

    media_id: str
    sha256: str
    content_type: str
    size: int
    width: int
    height: int
    taken_at: float | None = None
    lon: float | None = None
    lat: float | None = None


@dataclass(frozen=True, slots=True)
class PreparedMedia:
    info: MediaInfo
    data: bytes = b""
    thumb: bytes = b""


def sniff(data: bytes) -> str | None:
    """The content type the bytes are, by their magic numbers; None for anything else."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _degrees(value: Any) -> float:
    d, m, s = (float(x) for x in value)
    return d + m / 60.0 + s / 3600.0


def _gps(exif: Image.Exif) -> tuple[float | None, float | None]:
    try:
        gps = exif.get_ifd(GPS_IFD)
        lat, lon = _degrees(gps[2]), _degrees(gps[4])
        if str(gps.get(1, "N")).upper().startswith("S"):
            lat = -lat
        if str(gps.get(3, "E")).upper().startswith("W"):
            lon = -lon
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90
            and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None, None
    return round(lon, 7), round(lat, 7)


def _taken_at(exif: Image.Exif) -> float | None:
    try:
        sub = exif.get_ifd(EXIF_IFD)
        raw = str(sub.get(DATETIME_ORIGINAL) or exif.get(306) or "").strip("\x00 ")
        if not raw:
            return None
        t = datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")
        offset = str(sub.get(OFFSET_TIME_ORIGINAL) or "").strip("\x00 ")
        tz = BEIJING
        if re.fullmatch(r"[+-]\d\d:\d\d", offset):
            sign = -1 if offset[0] == "-" else 1
            tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
        return t.replace(tzinfo=tz).timestamp()
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


def _encode(im: Image.Image, content_type: str) -> bytes:
    out = io.BytesIO()
    if content_type == "image/jpeg":
        if im.mode not in ("RGB", "L"):
            im = im.convert("RGB")
        im.save(out, "JPEG", quality=90)
    elif content_type == "image/png":
        if im.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            im = im.convert("RGBA")
        im.save(out, "PNG")
    else:
        if im.mode not in ("RGB", "RGBA"):
            im = im.convert("RGBA")
        im.save(out, "WEBP", quality=90)
    return out.getvalue()


def _thumbnail(im: Image.Image, side: int) -> bytes:
    t = im.copy()
    t.thumbnail((side, side))
    if t.mode not in ("RGB", "L"):
        background = Image.new("RGB", t.size, (255, 255, 255))
        rgba = t.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        t = background
    out = io.BytesIO()
    t.save(out, "JPEG", quality=80)
    return out.getvalue()


def prepare(data: bytes, limits: MediaLimits = MediaLimits(), *, name: str = "photo"
            ) -> PreparedMedia:
    """Check, turn upright and strip one upload (nothing is written); :class:`ApiError`
    ``too_large``, ``unsupported_media_type`` or ``invalid`` naming ``name`` otherwise."""
    if len(data) > limits.max_bytes:
        raise ApiError("too_large", f"{name} is {len(data)} bytes; at most {limits.max_bytes}")
    if not data:
        raise ApiError("invalid", f"{name} is empty")
    content_type = sniff(data)
    if content_type is None:
        raise ApiError("unsupported_media_type", f"{name} is not a JPEG, PNG or WebP image "
                                                 "(judged by its bytes, not its name)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data), formats=[PIL_FORMAT[content_type]])
            w, h = im.size
            if w * h > limits.max_pixels or max(w, h) > limits.max_side:
                raise ApiError("too_large", f"{name} is {w}×{h} pixels; at most "
                                            f"{limits.max_pixels} pixels and {limits.max_side} "
                                            "a side")
            exif = im.getexif()
            lon, lat = _gps(exif)
            taken = _taken_at(exif)
            im.seek(0)
            im.load()
            upright = ImageOps.exif_transpose(im)
    except ApiError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ApiError("too_large", f"{name} has too many pixels") from None
    except (OSError, ValueError, SyntaxError, EOFError, Image.UnidentifiedImageError) as exc:
        raise ApiError("invalid", f"{name} could not be decoded as "
                                  f"{content_type.split('/')[1].upper()}: {exc}") from None
    clean = _encode(upright, content_type)
    sha = hashlib.sha256(clean).hexdigest()
    info = MediaInfo(media_id=media_id_of(sha), sha256=sha, content_type=content_type,
                     size=len(clean), width=upright.width, height=upright.height,
                     taken_at=taken, lon=lon, lat=lat)
    return PreparedMedia(info, clean, _thumbnail(upright, limits.thumb_side))


def _write(path: Path, data: bytes) -> None:
    if path.exists():
        return  # content-addressed: the same name holds the same bytes
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class MediaStore:
    def __init__(self, root: Path, limits: MediaLimits = MediaLimits()) -> None:
        self.root = Path(root)
        self.limits = limits
        self.root.mkdir(parents=True, exist_ok=True)

    def prepare(self, data: bytes, *, name: str = "photo") -> PreparedMedia:
        return prepare(data, self.limits, name=name)

    def _base(self, media_id: str) -> Path:
        return self.root / media_id[:2] / media_id

    def save(self, media: PreparedMedia) -> MediaInfo:
        """Write the photo, its thumbnail and then its JSON (idempotent)."""
        info = media.info
        base = self._base(info.media_id)
        base.parent.mkdir(parents=True, exist_ok=True)
        _write(base.with_name(f"{info.media_id}.{EXT[info.content_type]}"), media.data)
        _write(base.with_name(f"{info.media_id}.thumb.jpg"), media.thumb)
        _write(base.with_name(f"{info.media_id}.json"),
               json.dumps(asdict(info), ensure_ascii=False).encode())
        return info

    def info(self, media_id: str) -> MediaInfo | None:
        if not _ID.fullmatch(media_id):
            return None
        try:
            raw = json.loads(self._base(media_id).with_name(f"{media_id}.json").read_bytes())
            return MediaInfo(**raw)
        except (OSError, ValueError, TypeError):
            return None

    def path(self, media_id: str, *, thumb: bool = False) -> tuple[Path, MediaInfo] | None:
        """The file of a stored photo (or its thumbnail) and its info; None if unknown."""
        info = self.info(media_id)
        if info is None:
            return None
        name = f"{media_id}.thumb.jpg" if thumb else f"{media_id}.{EXT[info.content_type]}"
        p = self._base(media_id).with_name(name)
        return (p, info) if p.is_file() else None

    def count(self) -> int:
        """How many photos are stored (tests: nothing partial was stored)."""
        return sum(1 for _ in self.root.glob("*/*.json"))

    def discard(self, media_id: str) -> None:
        """Remove a photo stored for an attach the server refused (nothing partial stays)."""
        info = self.info(media_id)
        if info is None:
            return
        base = self._base(media_id)
        for name in (f"{media_id}.json", f"{media_id}.{EXT[info.content_type]}",
                     f"{media_id}.thumb.jpg"):
            with contextlib.suppress(FileNotFoundError):
                base.with_name(name).unlink()
