"""Input limits on what commands carry: text without control characters, ids that are plain
names, positions inside the city. Pure: no I/O, no state.

- **Free text** (descriptions, notes, reasons, comments, results) may hold TAB and LF (a CRLF
  becomes LF); every other C0 control (U+0000–U+001F), DEL and the C1 controls
  (U+0080–U+009F), the bidirectional marks, embeddings, overrides and isolates (U+061C,
  U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the line/paragraph separators
  (U+2028, U+2029) are refused. Bidi controls make a text read differently from what it holds
  (``"‮txt.exe"``); controls garble logs, terminals and exports.
- **One-line text** (names, reporters): the same, and no TAB or LF either.
- **Ids** (unit, part, incident ids, external references, command ids, workstation names):
  1 to :data:`MAX_ID_CHARS` printable characters (``str.isprintable``: no control, format,
  separator or unassigned code point), no whitespace, no ``/``.
- **Positions**: finite numbers inside the city's bounding box grown by
  :data:`POSITION_MARGIN_M` on every side.

Every refusal is an :class:`~dispatch.domain.errors.InvalidCommand` naming the field.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from dispatch.domain.errors import InvalidCommand

MAX_ID_CHARS = 64
POSITION_MARGIN_M = 5_000.0
METRES_PER_DEGREE_LAT = 111_320.0

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_SEPARATORS = "\u2028\u2029"
_BAD_FREE_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_SEPARATORS}]")
_BAD_LINE_TEXT = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}{_SEPARATORS}]")


def _describe(ch: str) -> str:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "a control character"
    elif code in (0x2028, 0x2029):
        kind = "a line separator"
    else:
        kind = "a bidirectional control character"
    return f"{kind} (U+{code:04X})"


def text_problem(value: str, *, multiline: bool = True) -> str | None:
    """What is wrong with ``value`` as text, or None. ``multiline`` allows TAB and LF."""
    bad = (_BAD_FREE_TEXT if multiline else _BAD_LINE_TEXT).search(value)
    if bad is None:
        return None
    return f"contains {_describe(bad.group())} at position {bad.start() + 1}"


def check_text(value: str, field: str, *, multiline: bool = True) -> str:
    """``value`` with CRLF made LF when it is acceptable text; InvalidCommand otherwise."""
    if not isinstance(value, str):
        raise InvalidCommand(f"{field} must be text")
    if "\r" in value and multiline:
        value = value.replace("\r\n", "\n")
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise InvalidCommand(f"{field} {problem}; remove it")
    return value


def id_problem(value: object, max_chars: int = MAX_ID_CHARS) -> str | None:
    """What is wrong with ``value`` as an id (a plain name), or None."""
    if not isinstance(value, str):
        return "must be text"
    if not value:
        return "is empty"
    if len(value) > max_chars:
        return f"is too long ({len(value)} characters, at most {max_chars})"
    if value.isprintable() and " " not in value and "/" not in value:
        return None
    if "/" in value:
        return "must not contain '/'"
    for i, ch in enumerate(value, start=1):
        if ch.isspace():
            return f"must not contain whitespace (U+{ord(ch):04X} at position {i})"
        if not ch.isprintable():
            return f"must not contain invisible or control characters (U+{ord(ch):04X} " \
                   f"at position {i})"
    return None  # pragma: no cover - isprintable() was False for some character


def check_id(value: str, field: str, *, required: bool = True) -> str:
    """``value`` if it is a plain name (or empty and not ``required``); InvalidCommand
    naming ``field`` otherwise."""
    if not required and value == "":
        return value
    problem = id_problem(value)
    if problem is not None:
        raise InvalidCommand(f"{field} {problem}; an id is 1 to {MAX_ID_CHARS} letters, digits "
                             "or punctuation, without spaces or '/'")
    return value


@dataclass(frozen=True, slots=True)
class Bounds:
    """A lon/lat box (degrees, EPSG:4326)."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def grown(self, margin_m: float) -> Bounds:
        """The box grown by ``margin_m`` metres on every side."""
        dlat = margin_m / METRES_PER_DEGREE_LAT
        widest = max(abs(self.min_lat), abs(self.max_lat)) + dlat
        dlon = margin_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(min(widest, 89.0))),
                                                       0.01))
        return Bounds(max(self.min_lon - dlon, -180.0), max(self.min_lat - dlat, -90.0),
                      min(self.max_lon + dlon, 180.0), min(self.max_lat + dlat, 90.0))

    def contains(self, lon: float, lat: float) -> bool:
        """True when (lon, lat) is inside (NaN never is)."""
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat


def check_position(lon: object, lat: object, area: Bounds, field: str, city_name: str
                   ) -> tuple[float, float]:
    """(lon, lat) as floats if they are finite and inside ``area`` (the city's bounds with
    the margin already added); InvalidCommand naming ``field`` otherwise."""
    if isinstance(lon, bool) or isinstance(lat, bool) or not (
            isinstance(lon, int | float) and isinstance(lat, int | float)):
        raise InvalidCommand(f"{field} must be two numbers (lon, lat)")
    x, y = float(lon), float(lat)
    if not (math.isfinite(x) and math.isfinite(y)):
        raise InvalidCommand(f"{field} must be two finite numbers (lon, lat)")
    if not area.contains(x, y):
        raise InvalidCommand(f"{field} {y:.6f}N {x:.6f}E is outside every grid of {city_name} "
                             f"(more than {POSITION_MARGIN_M / 1000:g} km beyond the city)")
    return x, y
