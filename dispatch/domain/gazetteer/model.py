"""Gazetteer entries: named places with a point and the grid the point lies in.

An :class:`Entry` is one searchable place. Its ``kind`` says what it is (:class:`Kind`); roads
also carry their centre line (``line``, lon/lat vertices) and their house-number ranges
(``ranges``). Region entries (district, street, community, grid) use the region's code as
their id; part entries use the part's id. A :class:`Gazetteer` is an immutable, ordered
collection of entries with unique ids.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    ROAD = "road"
    COMPOUND = "compound"  # 小区
    POI = "poi"
    GRID = "grid"
    BUILDING = "building"  # 幢/栋
    ADDRESS = "address"  # 门牌: a road and a house number
    PART = "part"  # 部件

    @classmethod
    def parse(cls, text: str) -> Kind:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(f"unknown kind {text!r}; expected one of "
                             f"{', '.join(k.value for k in cls)}") from None


# Bigger places first: the ranking's tie-break (the enum's order).
KIND_RANK: dict[Kind, int] = {k: i for i, k in enumerate(Kind)}

PARITIES = ("odd", "even", "all")


@dataclass(frozen=True, slots=True)
class HouseRange:
    """House numbers ``first``..``last`` along a road's line, numbered from the line's start
    (``last`` may be below ``first`` when the numbers run the other way). ``parity`` says
    which numbers the range holds: ``odd`` (on the left of the line's direction), ``even``
    (on the right) or ``all`` (every number; odd ones left, even ones right)."""

    first: int
    last: int
    parity: str = "all"

    def __post_init__(self) -> None:
        if self.parity not in PARITIES:
            raise ValueError(f"parity must be one of {', '.join(PARITIES)}, got {self.parity!r}")
        if self.first < 1 or self.last < 1:
            raise ValueError(f"house numbers start at 1, got {self.first}..{self.last}")
        if self.parity != "all" and (self.first % 2 != self.last % 2
                                     or (self.first % 2 == 1) != (self.parity == "odd")):
            raise ValueError(f"range {self.first}..{self.last} does not hold only "
                             f"{self.parity} numbers")

    @property
    def low(self) -> int:
        return min(self.first, self.last)

    @property
    def high(self) -> int:
        return max(self.first, self.last)

    def holds(self, number: int) -> bool:
        if not self.low <= number <= self.high:
            return False
        return self.parity == "all" or (number % 2 == 1) == (self.parity == "odd")

    def fraction(self, number: int) -> float:
        """Where ``number`` lies along the line, 0 at the start and 1 at the end."""
        if self.first == self.last:
            return 0.5
        return (number - self.first) / (self.last - self.first)

    def __str__(self) -> str:
        return f"{self.first}-{self.last}" + ("" if self.parity == "all" else f" {self.parity}")


Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Entry:
    """One named place. ``lon``/``lat`` is its point (a road's: a point on its line) and
    ``grid`` the code of the grid that point lies in."""

    id: str
    name: str
    kind: Kind
    lon: float
    lat: float
    grid: str
    aliases: tuple[str, ...] = ()
    category: str = ""  # what a POI or part is: school, hospital, streetlight…
    line: tuple[Point, ...] = ()  # roads: the centre line, lon/lat
    ranges: tuple[HouseRange, ...] = ()  # roads: house numbers along the line

    def __post_init__(self) -> None:
        if not self.id or not self.id.strip():
            raise ValueError("an entry needs an id")
        if not self.name or not self.name.strip():
            raise ValueError(f"entry {self.id}: the name is empty")
        if not (math.isfinite(self.lon) and math.isfinite(self.lat)
                and -180 <= self.lon <= 180 and -90 <= self.lat <= 90):
            raise ValueError(f"entry {self.id}: lon/lat {self.lon}, {self.lat} out of range")
        if self.line and len(self.line) < 2:
            raise ValueError(f"entry {self.id}: a line needs at least two points")
        if self.ranges and not self.line:
            raise ValueError(f"entry {self.id}: house-number ranges need a line")

    @property
    def names(self) -> tuple[str, ...]:
        """The name, then the aliases."""
        return (self.name, *self.aliases)

    def range_for(self, number: int) -> HouseRange | None:
        """The first range that holds ``number``, or None."""
        return next((r for r in self.ranges if r.holds(number)), None)


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """An ordered collection of entries with unique ids."""

    entries: tuple[Entry, ...]
    _by_id: dict[str, Entry] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = self._by_id
        by_id.clear()
        for e in self.entries:
            if e.id in by_id:
                raise ValueError(f"duplicate entry id {e.id!r}")
            by_id[e.id] = e

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Gazetteer:
        return cls(tuple(entries))

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def __getitem__(self, entry_id: str) -> Entry:
        return self._by_id[entry_id]

    def of_kind(self, kind: Kind) -> Iterator[Entry]:
        return (e for e in self.entries if e.kind == kind)

    def counts(self) -> dict[str, int]:
        """Entries per kind, in :class:`Kind` order (kinds without entries left out)."""
        out = dict.fromkeys((k.value for k in Kind), 0)
        for e in self.entries:
            out[e.kind.value] += 1
        return {k: n for k, n in out.items() if n}
