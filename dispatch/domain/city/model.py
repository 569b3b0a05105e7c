"""The city: administrative hierarchy city → district → street → community → grid.

Codes follow the Beijing style: a grid code has 15 digits, 6 for the administrative division
(GB/T 2260, the district), 3 for the street, 3 for the community and 3 for the grid. A region's
code is the prefix of its descendants' codes: district ``320508``, street ``320508001``,
community ``320508001002``, grid ``320508001002003``. The city itself has a 6-digit code ending
in ``00`` (``320500``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry

from dispatch.domain.city.levels import CODE_LENGTHS, Level
from dispatch.domain.city.locator import Locator

__all__ = ["CODE_LENGTHS", "City", "Level", "Part", "Region", "Unit"]


@dataclass(slots=True)
class Region:
    code: str
    name: str
    level: Level
    parent: str | None
    geometry: BaseGeometry  # Polygon or MultiPolygon, lon/lat (EPSG:4326)
    # "urban" or "rural": the verification limit depends on it.
    area_kind: str = "urban"
    # Grids only: the grid worker's id and name.
    worker_id: str | None = None
    worker_name: str | None = None


@dataclass(slots=True)
class Unit:
    """A unit as generated with the city: where it is based and what it is."""

    id: str
    department: str
    unit_type: str
    name: str
    home_grid: str
    lon: float
    lat: float


@dataclass(slots=True)
class Part:
    """A city component (部件) with an ID, owner and state.

    ``owner_department`` is the department in charge (主管部门, a catalogue code);
    ``owner_unit`` the organisation the part belongs to (所属单位) and ``maintainer`` the
    contractor that maintains it (养护单位), both free text, "" when unknown.
    """

    id: str
    part_type: str
    grid: str
    lon: float
    lat: float
    owner_department: str
    state: str = "intact"  # intact, damaged, missing, occupied
    attributes: dict[str, object] = field(default_factory=dict)
    owner_unit: str = ""
    maintainer: str = ""


@dataclass(slots=True)
class City:
    code: str
    name: str
    regions: dict[str, Region]
    units: dict[str, Unit] = field(default_factory=dict)
    parts: dict[str, Part] = field(default_factory=dict)
    _children: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _locator: Locator | None = field(default=None, repr=False, compare=False)
    _bounds: tuple[float, float, float, float] | None = field(default=None, repr=False,
                                                              compare=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Rebuild the parent → children index (and drop the cached locator and bounds)."""
        self._locator = None
        self._bounds = None
        self._children = {}
        for r in self.regions.values():
            if r.parent is not None:
                self._children.setdefault(r.parent, []).append(r.code)
        for kids in self._children.values():
            kids.sort()

    def children(self, code: str) -> list[str]:
        return self._children.get(code, [])

    def ancestors(self, code: str) -> list[str]:
        """Codes from the parent up to the city (nearest first)."""
        out: list[str] = []
        parent = self.regions[code].parent
        while parent is not None:
            out.append(parent)
            parent = self.regions[parent].parent
        return out

    def ancestor_at(self, code: str, level: Level) -> str:
        """The code of the region at ``level`` that contains ``code`` (itself if same level)."""
        region = self.regions[code]
        if region.level == level:
            return code
        if region.level < level:
            raise ValueError(f"{code} is a {region.level.name.lower()}, above {level.name.lower()}")
        for a in self.ancestors(code):
            if self.regions[a].level == level:
                return a
        raise ValueError(f"{code} has no {level.name.lower()} ancestor")

    def at_level(self, level: Level) -> Iterator[Region]:
        return (r for r in self.regions.values() if r.level == level)

    def grids(self) -> Iterator[Region]:
        return self.at_level(Level.GRID)

    def descendants(self, code: str) -> Iterator[str]:
        """Codes of every region below ``code``, depth first, children in code order."""
        stack = list(reversed(self.children(code)))
        while stack:
            c = stack.pop()
            yield c
            stack.extend(reversed(self.children(c)))

    def grids_in(self, code: str) -> list[str]:
        """Codes of the grids in region ``code`` (itself if it is a grid), in code order."""
        if self.regions[code].level == Level.GRID:
            return [code]
        return [c for c in self.descendants(code) if self.regions[c].level == Level.GRID]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat) of every region of the city (cached; NaN
        everywhere for a city without regions, so that no point is inside)."""
        if self._bounds is None:
            geoms = [r.geometry for r in self.regions.values() if not r.geometry.is_empty]
            if geoms:
                x0, y0, x1, y1 = (float(v) for v in shapely.total_bounds(geoms))
                self._bounds = (x0, y0, x1, y1)
            else:
                nan = float("nan")
                self._bounds = (nan, nan, nan, nan)
        return self._bounds

    def locate(self, lon: float, lat: float) -> str | None:
        """Code of the grid covering (lon, lat), the lowest code on a shared border, None
        outside the city (see :class:`dispatch.domain.city.locator.Locator`; built on first use)."""
        if self._locator is None:
            self._locator = Locator(self)
        return self._locator.locate(lon, lat)
