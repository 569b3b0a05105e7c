"""House numbers: split a query into a road and a number, and place a number on its road.

``split_number("观前街18号")`` → ``("观前街", 18)`` (the query already normalised, so
``观前街 18 号`` and ``人民路100`` work too). ``house_point(road, 18)`` interpolates along
the road's line by where 18 falls in the range that holds it, then steps ``SIDE_M`` metres
to the side: odd numbers to the left of the line's direction, even numbers to the right.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import pairwise

from dispatch.domain.gazetteer.model import Entry, HouseRange, Point

SIDE_M = 8.0  # how far a house stands from the road's centre line
MAX_NUMBER = 99_999
_M_PER_DEG_LAT = 110_574.0
_NUMBER = re.compile(r"^(.*\D)(\d{1,5})号?$")


def split_number(norm: str) -> tuple[str, int] | None:
    """``(road part, number)`` if a normalised query ends in a house number, else None."""
    m = _NUMBER.match(norm)
    if m is None:
        return None
    number = int(m.group(2))
    return (m.group(1), number) if number >= 1 else None


class MeasuredLine:
    """A lon/lat line measured once in local metres, for many points along it."""

    __slots__ = ("cum", "kx", "line", "segs", "total")

    def __init__(self, line: Sequence[Point]) -> None:
        if len(line) < 2:
            raise ValueError("a line needs at least two points")
        self.line = line
        lat = sum(p[1] for p in line) / len(line)
        self.kx = 111_320.0 * math.cos(math.radians(lat))
        ky = _M_PER_DEG_LAT
        self.segs = [((x1 - x0) * self.kx, (y1 - y0) * ky)
                     for (x0, y0), (x1, y1) in pairwise(line)]
        cum = [0.0]
        for dx, dy in self.segs:
            cum.append(cum[-1] + math.hypot(dx, dy))
        self.cum = cum
        self.total = cum[-1]

    def at(self, fraction: float, side_m: float = 0.0) -> Point:
        """The point ``fraction`` (0..1, clamped) of the way along the line by length, moved
        ``side_m`` metres to the left of the line's direction (negative: to the right)."""
        if self.total <= 0.0:
            return self.line[0]
        target = min(1.0, max(0.0, fraction)) * self.total
        cum = self.cum
        i = min(max(bisect_right(cum, target) - 1, 0), len(self.segs) - 1)
        while i < len(self.segs) - 1 and cum[i + 1] == cum[i]:
            i += 1
        dx, dy = self.segs[i]
        seg = cum[i + 1] - cum[i]
        t = (target - cum[i]) / seg if seg else 0.0
        x = self.line[i][0] * self.kx + dx * t
        y = self.line[i][1] * _M_PER_DEG_LAT + dy * t
        if side_m and seg:
            x += -dy / seg * side_m
            y += dx / seg * side_m
        return (x / self.kx, y / _M_PER_DEG_LAT)


def point_along(line: Sequence[Point], fraction: float, side_m: float = 0.0) -> Point:
    """:meth:`MeasuredLine.at` for one point."""
    return MeasuredLine(line).at(fraction, side_m)


def house_point(road: Entry, number: int, side_m: float = SIDE_M,
                measured: MeasuredLine | None = None) -> tuple[Point, HouseRange] | None:
    """Where house ``number`` stands on ``road`` and the range that holds it; None if no
    range of the road holds the number (or the road has no line). ``measured``: the road's
    line already measured, when placing many numbers."""
    rng = road.range_for(number)
    if rng is None or not road.line:
        return None
    side = side_m if number % 2 == 1 else -side_m
    line = measured if measured is not None else MeasuredLine(road.line)
    return line.at(rng.fraction(number), side), rng


def ranges_text(road: Entry) -> str:
    """The road's ranges for a message: ``1-199 odd, 2-200 even``."""
    return ", ".join(str(r) for r in road.ranges) or "none"
