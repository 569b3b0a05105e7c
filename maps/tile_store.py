"""Offline tiles read from disk, for the app's own URL scheme (:mod:`maps.scheme`): a folder
laid out ``{z}/{x}/{y}.png|jpg|jpeg|webp`` or an MBTiles file (SQLite; rows in the TMS scheme,
so ``y`` counts from the south and is flipped here).

Read-only: the MBTiles file is opened ``mode=ro``, one connection per source, kept; a folder
tile must resolve inside its folder (a link pointing out of it is refused). A request names
its tile by numbers only (``<source>/<z>/<x>/<y>``), so no part of a URL becomes a path.
Nothing here knows Qt.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

TILE_EXTENSIONS = ("png", "jpg", "jpeg", "webp")
MIME_BY_FORMAT = {"png": b"image/png", "jpg": b"image/jpeg", "jpeg": b"image/jpeg",
                  "webp": b"image/webp"}
MAX_ZOOM = 24
_REQUEST_RE = re.compile(r"^([a-z0-9][a-z0-9_-]{0,39})/(\d{1,2})/(\d{1,8})/(\d{1,8})"
                         r"(?:\.(?:png|jpe?g|webp))?$")


class TileStoreError(ValueError):
    """An offline tile folder or file that cannot be served (the message says why)."""


class TileReader(Protocol):
    def tile(self, z: int, x: int, y: int) -> tuple[bytes, bytes] | None:
        """``(mime type, body)`` of one tile, None when there is none."""

    def close(self) -> None: ...


def parse_tile_request(path: str) -> tuple[str, int, int, int] | None:
    """``(source, z, x, y)`` from ``<source>/<z>/<x>/<y>[.ext]``; None for anything else,
    including tile numbers outside the zoom level."""
    m = _REQUEST_RE.match(path)
    if m is None:
        return None
    name, z, x, y = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
    if z > MAX_ZOOM or x >= 1 << z or y >= 1 << z:
        return None
    return name, z, x, y


def folder_format(root: Path) -> str:
    """The image format of a tile folder (the extension of the first tile found)."""
    if not root.is_dir():
        raise TileStoreError(f"{str(root)!r} is not a folder")
    for zdir in sorted((p for p in root.iterdir() if p.name.isdigit() and p.is_dir()),
                       key=lambda p: int(p.name)):
        for xdir in (p for p in zdir.iterdir() if p.name.isdigit() and p.is_dir()):
            for tile in xdir.iterdir():
                ext = tile.suffix.lower().lstrip(".")
                if tile.stem.isdigit() and ext in TILE_EXTENSIONS:
                    return "jpg" if ext == "jpeg" else ext
    raise TileStoreError(f"no tiles in {str(root)!r}: expected {{z}}/{{x}}/{{y}}.png (or .jpg, "
                         ".webp)")


@dataclass(frozen=True, slots=True)
class MBTilesMeta:
    name: str
    format: str
    attribution: str
    min_zoom: int | None
    max_zoom: int | None


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise TileStoreError(f"{str(path)!r} is not a file")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                             check_same_thread=False)
        db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 1")
    except sqlite3.Error as exc:
        raise TileStoreError(f"{str(path)!r} is not an MBTiles file ({exc})") from None
    return db


def mbtiles_metadata(path: Path) -> MBTilesMeta:
    """The metadata an MBTiles file gives (format, zooms, attribution); TileStoreError if it
    is not one, or holds vector tiles."""
    db = _connect(path)
    try:
        try:
            meta = {str(k): str(v) for k, v in db.execute("SELECT name, value FROM metadata")}
        except sqlite3.Error:
            meta = {}
        fmt = meta.get("format", "png").lower()
        if fmt == "pbf":
            raise TileStoreError(f"{str(path)!r} holds vector tiles (pbf); only raster tiles "
                                 "(png, jpg, webp) can be shown")
        if fmt not in MIME_BY_FORMAT:
            raise TileStoreError(f"{str(path)!r}: unknown tile format {fmt!r}")
        zooms = db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
    finally:
        db.close()

    return MBTilesMeta(name=meta.get("name", ""), format="jpg" if fmt == "jpeg" else fmt,
                       attribution=meta.get("attribution", ""),
                       min_zoom=_int(meta.get("minzoom", zooms[0])),
                       max_zoom=_int(meta.get("maxzoom", zooms[1])))


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


class FolderTiles:
    """Tiles from ``root/{z}/{x}/{y}.<format>`` (other image extensions tried after it)."""

    def __init__(self, root: Path, fmt: str = "png") -> None:
        self._root = Path(os.path.realpath(root))
        first = "jpg" if fmt == "jpeg" else fmt
        self._exts = (first, *(e for e in TILE_EXTENSIONS if e != first))

    def tile(self, z: int, x: int, y: int) -> tuple[bytes, bytes] | None:
        for ext in self._exts:
            file = self._root / str(z) / str(x) / f"{y}.{ext}"
            if not file.is_file():
                continue
            real = Path(os.path.realpath(file))
            if not real.is_relative_to(self._root):
                return None  # a link out of the folder
            try:
                return MIME_BY_FORMAT[ext], real.read_bytes()
            except OSError:
                return None
        return None

    def close(self) -> None:
        pass


class MBTilesTiles:
    """Tiles from an MBTiles file: one read-only connection, kept open."""

    def __init__(self, path: Path) -> None:
        meta = mbtiles_metadata(path)
        self._mime = MIME_BY_FORMAT[meta.format]
        self._db = _connect(path)
        self._lock = threading.Lock()

    def tile(self, z: int, x: int, y: int) -> tuple[bytes, bytes] | None:
        row_tms = (1 << z) - 1 - y  # MBTiles rows count from the south (TMS)
        with self._lock:
            row = self._db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND "
                "tile_row=?", (z, x, row_tms)).fetchone()
        return None if row is None else (self._mime, bytes(row[0]))

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_tiles(kind: str, path: Path, fmt: str = "png") -> TileReader:
    """A reader for an offline source (``folder`` or ``mbtiles``)."""
    if kind == "folder":
        if not path.is_dir():
            raise TileStoreError(f"{str(path)!r} is not a folder")
        return FolderTiles(path, fmt or "png")
    if kind == "mbtiles":
        return MBTilesTiles(path)
    raise TileStoreError(f"{kind!r} tiles are not served from disk")
