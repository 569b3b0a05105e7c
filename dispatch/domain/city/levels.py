"""The levels of the city's hierarchy and the length of a region code at each (see
:mod:`dispatch.domain.city.codes`)."""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    CITY = 0
    DISTRICT = 1
    STREET = 2
    COMMUNITY = 3
    GRID = 4

    @property
    def code_length(self) -> int:
        return CODE_LENGTHS[self]

    @classmethod
    def parse(cls, name: str) -> Level:
        """``"grid"`` → ``Level.GRID``; ValueError for anything else."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown level {name!r}; expected one of "
                             f"{', '.join(lv.name.lower() for lv in cls)}") from None


CODE_LENGTHS = {Level.CITY: 6, Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12,
                Level.GRID: 15}
