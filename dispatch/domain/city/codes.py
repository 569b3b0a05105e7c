"""Region codes: validate, parse, find the level and the parent of a code.

A code is a string of digits whose length gives its level (see :mod:`dispatch.domain.city.model`):

=========  ======  =====================================================
level      digits  example
=========  ======  =====================================================
city       6       ``320500`` (GB/T 2260 prefecture, ends in ``00``)
district   6       ``320508`` (GB/T 2260 county-level division)
street     9       ``320508001`` (district + 3)
community  12      ``320508001002`` (street + 3)
grid       15      ``320508001002003`` (community + 3)
=========  ======  =====================================================

A district's parent is the city with the same first four digits (``320508`` → ``320500``);
every other code's parent is its prefix one level up. The segments below the district are
numbered from ``001``; ``000`` is not a valid street, community or grid number.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.domain.city.levels import CODE_LENGTHS, Level

_BY_LENGTH = {9: Level.STREET, 12: Level.COMMUNITY, 15: Level.GRID}


@dataclass(frozen=True, slots=True)
class CodeParts:
    """A code split into its segments; segments below the code's level are None."""

    code: str
    level: Level
    division: str  # the 6-digit GB/T 2260 code (city or district)
    street: str | None = None
    community: str | None = None
    grid: str | None = None


def level_of(code: str) -> Level:
    """The level a code denotes, from its length (6 digits: city if it ends in ``00``).

    Raises ValueError for anything that is not a 6, 9, 12 or 15-digit code.
    """
    if not isinstance(code, str):
        raise ValueError(f"a region code must be a string of digits, got {type(code).__name__}")
    if not code:
        raise ValueError("region code is empty")
    if not code.isascii() or not code.isdigit():
        raise ValueError(f"region code {code!r} must contain only the digits 0-9")
    n = len(code)
    if n == 6:
        if code[:2] == "00":
            raise ValueError(f"region code {code!r} has no province (first two digits are 00)")
        return Level.CITY if code.endswith("00") else Level.DISTRICT
    level = _BY_LENGTH.get(n)
    if level is None:
        raise ValueError(f"region code {code!r} has {n} digits; expected 6 (city or district), "
                         f"9 (street), 12 (community) or 15 (grid)")
    if code[:2] == "00" or code[4:6] == "00":
        raise ValueError(f"region code {code!r} does not start with a district code")
    for lo in range(6, n, 3):
        if code[lo:lo + 3] == "000":
            seg = {6: "street", 9: "community", 12: "grid"}[lo]
            raise ValueError(f"region code {code!r} has {seg} number 000; numbers start at 001")
    return level


def validate_code(code: str, level: Level | None = None) -> str:
    """Return ``code`` if it is a well-formed code (of ``level`` when given), else ValueError."""
    actual = level_of(code)
    if level is not None and actual != level:
        want = level.name.lower()
        raise ValueError(f"{want} code must have {CODE_LENGTHS[level]} digits"
                         + (" and end in 00" if level == Level.CITY else "")
                         + (" and not end in 00" if level == Level.DISTRICT else "")
                         + f"; {code!r} is a {actual.name.lower()} code")
    return code


def is_valid_code(code: object, level: Level | None = None) -> bool:
    """True if ``code`` is a well-formed code (of ``level`` when given)."""
    try:
        validate_code(code, level)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def parse_code(code: str) -> CodeParts:
    """Split a code into its segments (ValueError if malformed)."""
    level = level_of(code)
    return CodeParts(
        code=code,
        level=level,
        division=code[:6],
        street=code[6:9] if len(code) >= 9 else None,
        community=code[9:12] if len(code) >= 12 else None,
        grid=code[12:15] if len(code) >= 15 else None,
    )


def parent_code(code: str) -> str | None:
    """The code of the region one level up; None for a city. ValueError if malformed."""
    level = level_of(code)
    if level == Level.CITY:
        return None
    if level == Level.DISTRICT:
        return code[:4] + "00"
    return code[: CODE_LENGTHS[Level(level - 1)]]


def scope_prefix(code: str) -> str:
    """The prefix every descendant's code starts with (``320500`` → ``3205``)."""
    return code[:4] if level_of(code) == Level.CITY else code


def is_within(code: str, ancestor: str) -> bool:
    """True if ``code`` is ``ancestor`` or lies below it (both must be well-formed)."""
    if code == ancestor:
        level_of(code)
        return True
    return level_of(code) > level_of(ancestor) and code.startswith(scope_prefix(ancestor))


def child_code(parent: str, number: int) -> str:
    """The code of the ``number``-th child (1..999) of a district, street or community."""
    level = level_of(parent)
    if level in (Level.CITY, Level.GRID):
        raise ValueError(f"{parent!r} is a {level.name.lower()}: its children are not numbered "
                         f"by a 3-digit suffix" if level == Level.CITY
                         else f"{parent!r} is a grid and has no children")
    if not 1 <= number <= 999:
        raise ValueError(f"child number must be 1..999, got {number}")
    return f"{parent}{number:03d}"
