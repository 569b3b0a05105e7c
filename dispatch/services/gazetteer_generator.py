"""A deterministic, realistic gazetteer for a :class:`~dispatch.domain.city.model.City`.

``generate_gazetteer(city, seed)`` returns a :class:`~dispatch.domain.gazetteer.Gazetteer`:

* every district, street, community and grid (id: the region's code; point: a point inside
  it), and every part of ``City.parts`` (id and name: the part's id);
* **roads**: in each district, lines about 250 m apart (400 m in rural districts) in two
  directions, slightly tilted and wobbly. Every fourth line is an arterial (路/大道) that
  crosses the whole district; the others are cut at street borders, each piece a road of its
  street. Names: real ones for 姑苏区 (人民路, 干将路, 观前街…) and a few other districts, then
  invented ones (:mod:`dispatch.services.gazetteer_names`). A road's line starts at the end
  nearer the city centre; its house numbers run from there, odd on the left, even on the
  right, about one number per 12 m of each side (25 m rural);
* **addresses** (门牌): about half of each road's numbers as ``观前街18号`` entries placed with
  :func:`~dispatch.domain.gazetteer.numbers.house_point`, the same interpolation the geocoder
  uses for the others;
* **compounds** (小区) in every community, with their buildings (``金华苑3幢`` or ``…栋``);
* **POIs**: per community (kindergarten, market, supermarket, bank, pharmacy…), per street
  (派出所, 社区卫生服务中心, middle school, hospital, gas station, fire station; chemical
  plants and factories in rural streets), metro stations on urban arterials, bus stops on
  every road, and 姑苏区's landmarks.

Every entry's grid is the city's grid at its point (:class:`~dispatch.domain.city.Locator`).
The same city and seed give the same gazetteer: all randomness comes from one
``random.Random`` and one ``numpy`` generator seeded with ``seed``, regions are visited in code
order and nothing depends on set or hash order. The ``city`` size gives about 330,000 entries.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from dispatch.domain.city.locator import Locator
from dispatch.domain.city.model import City, Level
from dispatch.domain.gazetteer.model import Entry, Gazetteer, HouseRange, Kind, Point
from dispatch.domain.gazetteer.numbers import MeasuredLine, house_point, point_along
from dispatch.services import gazetteer_names as names

_DIGITS = 7
_LEVEL_KIND = {Level.DISTRICT: Kind.DISTRICT, Level.STREET: Kind.STREET,
               Level.COMMUNITY: Kind.COMMUNITY, Level.GRID: Kind.GRID}
ROAD_SPACING_M = {False: 250.0, True: 400.0}  # keyed by rural
HOUSE_SPACING_M = {False: 12.0, True: 25.0}
LISTED_SHARE = {False: 0.55, True: 0.4}  # share of house numbers listed as address entries
COMPOUND_AREA_M2 = {False: 45_000.0, True: 110_000.0}
BUILDINGS = {False: (8, 36), True: (4, 14)}
MIN_ROAD_M = 150.0
ARTERIAL_EVERY = 4
# The spacings above are for grids about REF_GRID_SIDE_M across (a dense old town). Where a
# district's grids are larger (a rural district, or a small city size laid on real outlines),
# roads, house numbers and compounds spread out by the ratio of the grid sizes, so a grid holds
# about as many entries wherever it is, and the gazetteer grows with the grids, not the area.
REF_GRID_SIDE_M = 210.0


@dataclass(slots=True)
class _Row:
    """An entry before its grid is known."""

    id: str
    name: str
    kind: Kind
    point: Point
    fallback: Point | None = None  # tried when ``point`` is outside every grid
    aliases: tuple[str, ...] = ()
    category: str = ""
    line: tuple[Point, ...] = ()
    ranges: tuple[HouseRange, ...] = ()
    grid: str | None = None


@dataclass(slots=True)
class _Road:
    id: str
    name: str
    line: tuple[Point, ...]
    length_m: float
    rural: bool
    arterial: bool
    ranges: tuple[HouseRange, ...]


def generate_gazetteer(city: City, seed: int = 1) -> Gazetteer:
    """The synthetic gazetteer of ``city`` (see the module docstring)."""
    return _Builder(city, seed).build()


class _Builder:
    def __init__(self, city: City, seed: int) -> None:
        self.city = city
        self.rnd = random.Random(f"gazetteer:{seed}")
        self.rng = np.random.default_rng([seed, 0x6A2E7])
        self.locator = Locator(city)
        x0, y0, x1, y1 = city.bounds
        self.centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        self.kx = 111_320.0 * math.cos(math.radians(self.centre[1]))
        self.ky = 110_574.0
        self.rows: list[_Row] = []
        self.roads: list[_Road] = []
        self.road_names: set[str] = set()
        self.place_names: set[str] = set()
        self.poi_names: set[str] = set()
        self.compounds = 0
        self.scale = self._scales()

    def _scales(self) -> dict[str, float]:
        """By district: how much larger than REF_GRID_SIDE_M its grids are across (>= 1)."""
        area: dict[str, float] = {}
        count: dict[str, int] = {}
        for code, r in self.city.regions.items():
            if r.level == Level.GRID:
                area[code[:6]] = area.get(code[:6], 0.0) + r.geometry.area * self.kx * self.ky
                count[code[:6]] = count.get(code[:6], 0) + 1
        return {d: max(1.0, math.sqrt(area[d] / count[d]) / REF_GRID_SIDE_M) for d in sorted(area)}

    def build(self) -> Gazetteer:
        city = self.city
        codes = sorted(c for c, r in city.regions.items() if r.level in _LEVEL_KIND)
        self._regions(codes)
        for code in codes:
            if city.regions[code].level == Level.DISTRICT:
                self._roads_of(code)
        self._addresses()
        for code in codes:
            if city.regions[code].level == Level.COMMUNITY:
                self._compounds(code)
        self._pois(codes)
        rows = self._locate(self.rows)
        entries = [Entry(r.id, r.name, r.kind, r.point[0], r.point[1], r.grid or "",
                         r.aliases, r.category, r.line, r.ranges) for r in rows]
        entries.extend(Entry(p.id, p.id, Kind.PART, p.lon, p.lat, p.grid, category=p.part_type)
                       for p in sorted(city.parts.values(), key=lambda p: _part_key(p.id)))
        return Gazetteer(tuple(entries))

    # -- places ----------------------------------------------------------------------------

    def _regions(self, codes: list[str]) -> None:
        regions = [self.city.regions[c] for c in codes]
        pts = shapely.get_coordinates(shapely.point_on_surface([r.geometry for r in regions]))
        for r, (x, y) in zip(regions, pts.tolist(), strict=True):
            core = names.core_of(r.name)
            aliases = (core,) if r.level != Level.GRID and core != r.name else ()
            row = _Row(r.code, r.name, _LEVEL_KIND[r.level], _round((x, y)), aliases=aliases)
            if r.level == Level.GRID:
                row.grid = r.code
            self.rows.append(row)

    def _roads_of(self, district: str) -> None:
        city, rnd = self.city, self.rnd
        region = city.regions[district]
        rural = region.area_kind == "rural"
        real = list(names.REAL_ROADS.get(district, ()))
        streets = [city.regions[s].geometry for s in city.children(district)]
        f = self.scale.get(district, 1.0)
        spacing = ROAD_SPACING_M[rural] * f
        cx, cy = (float(v) for v in shapely.get_coordinates(region.geometry.centroid)[0])
        x0, y0, x1, y1 = region.geometry.bounds
        reach = math.hypot((x1 - x0) * self.kx, (y1 - y0) * self.ky) / 2 + spacing
        tilt = math.radians(rnd.uniform(-8, 8))
        arterials: list[list[Point]] = []
        local: list[list[Point]] = []
        for angle in (tilt, tilt + math.pi / 2):
            phase = rnd.uniform(0, spacing)
            offsets = np.arange(-reach + phase, reach, spacing)
            for j, off in enumerate(offsets.tolist()):
                line = self._wobbly(cx, cy, angle, off, reach, spacing)
                if j % ARTERIAL_EVERY == 2:
                    arterials += _pieces(line, region.geometry, 4 * MIN_ROAD_M * f,
                                         self.kx, self.ky)[:1]
                    continue
                for geom in streets:
                    local += _pieces(line, geom, MIN_ROAD_M * f, self.kx, self.ky)
        # the longest roads get the real names (and the lowest ids)
        for pieces, arterial in ((arterials, True), (local, False)):
            order = sorted(range(len(pieces)),
                           key=lambda i: (-round(_length(pieces[i], self.kx, self.ky), 3), i))
            for i in order:
                self._road(pieces[i], rural, arterial, real, f)

    def _wobbly(self, cx: float, cy: float, angle: float, offset: float, reach: float,
                spacing: float) -> LineString:
        ux, uy = math.cos(angle), math.sin(angle)
        vx, vy = -uy, ux
        pts = []
        for t in np.linspace(-reach, reach, 6).tolist():
            w = offset + self.rnd.uniform(-0.08, 0.08) * spacing
            pts.append((cx + (t * ux + w * vx) / self.kx, cy + (t * uy + w * vy) / self.ky))
        return LineString(pts)

    def _road(self, line: list[Point], rural: bool, arterial: bool, real: list[str],
              scale: float) -> None:
        cx, cy = self.centre
        if (math.hypot(line[-1][0] - cx, line[-1][1] - cy)
                < math.hypot(line[0][0] - cx, line[0][1] - cy)):
            line = line[::-1]
        pts = tuple(_round(p) for p in line)
        length = _length(pts, self.kx, self.ky)
        name = names.road_name(self.rnd, self.road_names, arterial, real)
        rid = f"RD{len(self.roads) + 1:06d}"
        n = max(2, int(length / (HOUSE_SPACING_M[rural] * scale * self.rnd.uniform(0.8, 1.25))))
        ranges = (HouseRange(1, 2 * n - 1, "odd"), HouseRange(2, 2 * n, "even"))
        category = "arterial" if arterial else ("lane" if name.endswith(("巷", "弄")) else "road")
        self.roads.append(_Road(rid, name, pts, length, rural, arterial, ranges))
        self.rows.append(_Row(rid, name, Kind.ROAD, _round(point_along(pts, 0.5)),
                              category=category, line=pts, ranges=ranges))

    def _addresses(self) -> None:
        for road in self.roads:
            entry = Entry(road.id, road.name, Kind.ROAD, road.line[0][0], road.line[0][1], "-",
                          line=road.line, ranges=road.ranges)
            last = max(r.high for r in road.ranges)
            listed = np.flatnonzero(self.rng.random(last) < LISTED_SHARE[road.rural]) + 1
            measured = MeasuredLine(road.line)
            for number in listed.tolist():
                placed = house_point(entry, number, measured=measured)
                if placed is None:
                    continue
                on_line = measured.at(placed[1].fraction(number))
                self.rows.append(_Row(f"{road.id}-{number}", f"{road.name}{number}号",
                                      Kind.ADDRESS, _round(placed[0]),
                                      fallback=_round(on_line)))

    def _compounds(self, community: str) -> None:
        city, rnd = self.city, self.rnd
        region = city.regions[community]
        rural = region.area_kind == "rural"
        area = region.geometry.area * self.kx * self.ky
        f = self.scale.get(community[:6], 1.0)
        count = max(1, round(area / (COMPOUND_AREA_M2[rural] * f * f) * rnd.uniform(0.7, 1.3)))
        spots = self._inside(region.geometry, count)
        for (x, y) in spots:
            self.compounds += 1
            cid = f"CP{self.compounds:06d}"
            name = names.compound_name(rnd, self.place_names, rural)
            self.rows.append(_Row(cid, name, Kind.COMPOUND, (x, y)))
            lo, hi = BUILDINGS[rural]
            n = rnd.randint(lo, hi)
            mark = "幢" if rnd.random() < 0.6 else "栋"
            cols = max(2, round(math.sqrt(n * 1.5)))
            turn = rnd.uniform(0, math.pi)
            pts = []
            for i in range(n):
                r, c = divmod(i, cols)
                dx, dy = (c - cols / 2) * 22.0, (r - n / cols / 2) * 30.0
                pts.append((x + (dx * math.cos(turn) - dy * math.sin(turn)) / self.kx,
                            y + (dx * math.sin(turn) + dy * math.cos(turn)) / self.ky))
            inside = shapely.contains_xy(region.geometry, *np.asarray(pts).T)
            for i, (p, ok) in enumerate(zip(pts, inside.tolist(), strict=True), start=1):
                self.rows.append(_Row(f"{cid}-{i}", f"{name}{i}{mark}", Kind.BUILDING,
                                      _round(p if ok else (x, y)), fallback=(x, y)))

    def _pois(self, codes: list[str]) -> None:
        city, rnd = self.city, self.rnd
        pois: list[tuple[str, str, Point, tuple[str, ...]]] = []  # (name, category, point, aliases)
        for code in codes:
            region = city.regions[code]
            if region.level not in (Level.STREET, Level.COMMUNITY):
                continue
            rural = region.area_kind == "rural"
            street = names.core_of(city.regions[code[:9]].name)
            district = names.core_of(city.regions[code[:6]].name)
            place = names.core_of(region.name)
            wanted: list[str] = []
            if region.level == Level.COMMUNITY:
                for category, weight in names.COMMUNITY_POIS:
                    wanted += [category] * (int(weight) + (rnd.random() < weight % 1))
            else:
                table = names.STREET_POIS + (names.RURAL_STREET_POIS if rural else ())
                for category, count in table:
                    wanted += [category] * rnd.randint(max(0, count - 1), count)
            spots = self._inside(region.geometry, len(wanted))
            for category, spot in zip(wanted, spots, strict=False):
                name = names.poi_name(category, rnd, place, street, district, self.poi_names)
                pois.append((name, category, spot, ()))
        if "320508" in city.regions:
            spots = self._inside(city.regions["320508"].geometry, len(names.GUSU_LANDMARKS))
            for (name, category), spot in zip(names.GUSU_LANDMARKS, spots, strict=False):
                if name not in self.poi_names:
                    self.poi_names.add(name)
                    pois.append((name, category, spot, names.landmark_aliases(name)))
        pois += self._stops()
        for i, (name, category, spot, aliases) in enumerate(pois, start=1):
            self.rows.append(_Row(f"POI{i:06d}", name, Kind.POI, _round(spot),
                                  aliases=aliases, category=category))

    def _stops(self) -> list[tuple[str, str, Point, tuple[str, ...]]]:
        """Metro stations on urban arterials, bus stops on every road, named after the
        community they stand in."""
        out: list[tuple[str, str, Point, tuple[str, ...]]] = []
        for road in self.roads:
            metro = road.arterial and not road.rural and road.length_m > 1_500
            every = 1_600.0 if metro else 500.0
            count = max(1, int(road.length_m / every))
            for k in range(count):
                pt = _round(point_along(road.line, (k + 0.5) / count, -12.0))
                grid = self.locator.locate(*pt)
                if grid is None:
                    continue
                place = names.core_of(self.city.regions[grid[:12]].name)
                if metro:
                    name = f"{road.name}站" if k == 0 else f"{place}站"
                    category = "metro"
                else:
                    name = f"{road.name}{place}站"
                    category = "bus_stop"
                if name not in self.poi_names:
                    self.poi_names.add(name)
                    out.append((name, category, pt, ()))
        return out

    # -- geometry --------------------------------------------------------------------------

    def _inside(self, geom: BaseGeometry, count: int) -> list[Point]:
        """``count`` random points inside ``geom`` (its representative point when sampling
        keeps missing)."""
        if count <= 0:
            return []
        x0, y0, x1, y1 = geom.bounds
        out: list[Point] = []
        for _ in range(20):
            xs = self.rng.uniform(x0, x1, 4 * count)
            ys = self.rng.uniform(y0, y1, 4 * count)
            ok = shapely.contains_xy(geom, xs, ys)
            out += [(float(x), float(y)) for x, y in zip(xs[ok], ys[ok], strict=True)]
            if len(out) >= count:
                return [_round(p) for p in out[:count]]
        rep = shapely.get_coordinates(geom.representative_point())[0]
        out += [(float(rep[0]), float(rep[1]))] * (count - len(out))
        return [_round(p) for p in out]

    def _locate(self, rows: list[_Row]) -> list[_Row]:
        """Set each row's grid from its point (or its fallback); drop rows outside the city."""
        todo = [r for r in rows if r.grid is None]
        grids = self.locator.locate_many([r.point[0] for r in todo], [r.point[1] for r in todo])
        for r, g in zip(todo, grids, strict=True):
            if g is None and r.fallback is not None:
                r.point = r.fallback
                g = self.locator.locate(*r.point)
            r.grid = g
        return [r for r in rows if r.grid is not None]


def _pieces(line: LineString, area: BaseGeometry, min_m: float, kx: float,
            ky: float) -> list[list[Point]]:
    """The parts of ``line`` inside ``area`` at least ``min_m`` long, longest first."""
    cut = shapely.intersection(line, area)
    parts = [g for g in shapely.get_parts(cut) if g.geom_type == "LineString"]
    out = []
    for g in parts:
        pts = [(float(x), float(y)) for x, y in shapely.get_coordinates(g)]
        if len(pts) >= 2 and _length(pts, kx, ky) >= min_m:
            out.append(pts)
    out.sort(key=lambda p: -_length(p, kx, ky))
    return out


def _length(pts: list[Point] | tuple[Point, ...], kx: float, ky: float) -> float:
    return sum(math.hypot((b[0] - a[0]) * kx, (b[1] - a[1]) * ky)
               for a, b in pairwise(pts))


def _round(p: Point) -> Point:
    return (round(p[0], _DIGITS), round(p[1], _DIGITS))


def _part_key(part_id: str) -> tuple[str, int, str]:
    """Part ids ``P-<type>-<n>`` in type then number order."""
    head, _, tail = part_id.rpartition("-")
    return (head, int(tail), part_id) if tail.isdigit() else (part_id, 0, part_id)
