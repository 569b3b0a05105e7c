"""The photo store on its own (no server): type from the bytes, limits, EXIF orientation,
metadata stripped but position and time kept, content addressing, thumbnails."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from dispatch.adapters.gateway.errors import ApiError
from dispatch.adapters.gateway.media_store import MediaLimits, MediaStore, prepare, sniff
from tests.gateway.conftest import photo
from tests.gateway.test_bad_input import bomb


@pytest.mark.parametrize(("orientation", "size"), [(1, (60, 30)), (3, (60, 30)), (6, (30, 60)),
                                                   (8, (30, 60))])
def test_orientation_is_applied(orientation: int, size: tuple[int, int]) -> None:
    p = prepare(photo(60, 30, orientation=orientation))
    im = Image.open(io.BytesIO(p.data))
    assert im.size == size
    assert (p.info.width, p.info.height) == size
    assert not im.getexif()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_each_accepted_format_keeps_its_type(fmt: str) -> None:
    data = photo(fmt=fmt, orientation=1)
    p = prepare(data)
    assert p.info.content_type == f"image/{fmt.lower()}"
    assert sniff(p.data) == p.info.content_type
    assert Image.open(io.BytesIO(p.thumb)).format == "JPEG"


def test_gps_south_west_and_time_with_offset() -> None:
    im = Image.new("RGB", (10, 10))
    exif = Image.Exif()
    g = exif.get_ifd(0x8825)
    g[1], g[2], g[3], g[4] = "S", (33.0, 52.0, 4.0), "W", (151.0, 12.0, 36.0)
    sub = exif.get_ifd(0x8769)
    sub[36867] = "2026:01:02 03:04:05"
    sub[36881] = "+10:00"
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif.tobytes())
    info = prepare(out.getvalue()).info
    assert info.lat == pytest.approx(-(33 + 52 / 60 + 4 / 3600), abs=1e-6)
    assert info.lon == pytest.approx(-(151 + 12 / 60 + 36 / 3600), abs=1e-6)
    assert info.taken_at == 1767287045.0  # 2026-01-01T17:04:05Z


def test_a_photo_without_metadata_has_none() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "PNG")
    info = prepare(out.getvalue()).info
    assert (info.lon, info.lat, info.taken_at) == (None, None, None)


@pytest.mark.parametrize(("data", "code"), [
    (b"", "invalid"), (b"plain text", "unsupported_media_type"),
    (b"GIF89a" + bytes(20), "unsupported_media_type"), (b"\xff\xd8\xff" + bytes(40), "invalid"),
    (bomb(), "too_large")])
def test_bad_uploads_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(ApiError) as info:
        prepare(data, MediaLimits(max_pixels=1_000_000))
    assert info.value.code == code


def test_too_many_bytes_or_pixels() -> None:
    with pytest.raises(ApiError, match="bytes"):
        prepare(photo(), MediaLimits(max_bytes=100))
    with pytest.raises(ApiError, match="pixels"):
        prepare(photo(100, 100), MediaLimits(max_pixels=5_000))


def test_store_is_content_addressed_and_idempotent(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media")
    p = store.prepare(photo())
    again = store.prepare(photo())
    assert again.info == p.info  # the same upload gives the same bytes and id
    info = store.save(p)
    store.save(again)
    assert store.count() == 1
    path, got = store.path(info.media_id) or (None, None)
    assert got == info
    assert path is not None
    assert path.read_bytes() == p.data
    assert store.path(info.media_id, thumb=True) is not None
    assert store.path("../../etc/passwd") is None
    assert store.path("0" * 32) is None
    store.discard(info.media_id)
    assert store.count() == 0
    assert store.path(info.media_id) is None
