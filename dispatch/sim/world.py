"""The simulator's view of the city: the same city as the server, random points inside grids,
place names, grid workers and sensor-carrying parts.

The city comes from the server's database (read only, no migration) when one is named, or is
generated with the server's size and seed; either way the simulator locates points with the
same :class:`~dispatch.domain.city.locator.Locator` rules as the server, so a report placed in a grid is
registered in that grid.
"""

from __future__ import annotations

import logging
import math
import random
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely

from dispatch.adapters.district_outlines import suzhou_outlines
from dispatch.adapters.geojson_io.load import import_geojson
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.locator import Locator
from dispatch.domain.city.model import City, Level, Part, Region
from dispatch.services.city_generator.generate import generate_city
from dispatch.sim.texts import Place

log = logging.getLogger("gridline.sim")

M_PER_DEG_LAT = 110_574.0


class WorldError(ValueError):
    """A location the simulator cannot place (outside the city, unknown district)."""


def load_city(*, db_url: str = "", size: str = "demo", seed: int = 1,
              catalogue: Catalogue | None = None) -> tuple[City, str]:
    """The server's city: read from ``db_url`` (read only) when it holds one, else generated
    with ``size`` and ``seed``. Returns the city and where it came from."""
    if db_url:
        from dispatch.adapters.store.event_store import EventStore

        store = None
        try:
            store = EventStore(db_url, migrate=False)
            data = store.load_city_geojson()
            if data is not None:
                return import_geojson(data), f"database {store.safe_url}"
            log.warning("no city stored in %s yet; generating %s/%d", store.safe_url, size, seed)
        except Exception as exc:  # a missing or foreign database: fall back on generating  # noqa: BLE001
            log.warning("cannot read the city from the database (%s); generating %s/%d",
                        str(exc).splitlines()[0][:200], size, seed)
        finally:
            if store is not None:
                store.close()
    if catalogue is None:
        from dispatch.adapters.catalogue_loader import default_catalogue

        catalogue = default_catalogue()
    city = generate_city(size, seed=seed, catalogue=catalogue, outlines=suzhou_outlines())
    return city, f"generated {size}/{seed}"


def metres_to_deg(lat: float) -> tuple[float, float]:
    """Degrees of (lon, lat) per metre at latitude ``lat``."""
    return 1.0 / (M_PER_DEG_LAT * math.cos(math.radians(lat))), 1.0 / M_PER_DEG_LAT


@dataclass(frozen=True, slots=True)
class GridInfo:
    code: str
    district: str
    worker_id: str | None
    worker_name: str | None
    place: Place


class World:
    """Grids, districts, parts and points of one city."""

    def __init__(self, city: City) -> None:
        self.city = city
        self.locator = Locator(city)
        self.districts: list[str] = sorted(r.code for r in city.at_level(Level.DISTRICT))
        self.grids: list[str] = sorted(r.code for r in city.grids())
        if not self.grids:
            raise WorldError(f"city {city.name} has no grids")
        self._info: dict[str, GridInfo] = {}
        self._grids_in: dict[str, list[str]] = {}
        self.parts_by_type: dict[str, list[Part]] = defaultdict(list)
        for p in sorted(city.parts.values(), key=lambda p: p.id):
            self.parts_by_type[p.part_type].append(p)
        self._prepared: set[str] = set()
        self._pools: dict[str, list[tuple[float, float]]] = {}

    # ------------------------------------------------------------------------ regions

    def locate(self, lon: float, lat: float) -> str | None:
        return self.locator.locate(lon, lat)

    def district_code(self, ref: str | int) -> str:
        """A district by index in code order (``0``, ``"1"``) or by its 6-digit code."""
        s = str(ref).strip()
        if s.isdigit() and len(s) < 6:
            i = int(s)
            if not 0 <= i < len(self.districts):
                raise WorldError(f"district index {i} out of range (the city has "
                                 f"{len(self.districts)}: {', '.join(self.districts)})")
            return self.districts[i]
        if s in self.districts:
            return s
        raise WorldError(f"unknown district {ref!r}; expected an index 0..{len(self.districts) - 1}"
                         f" or one of {', '.join(self.districts)}")

    def grids_in(self, region: str) -> list[str]:
        out = self._grids_in.get(region)
        if out is None:
            if region not in self.city.regions:
                raise WorldError(f"no region {region!r} in {self.city.name}")
            out = self._grids_in[region] = self.city.grids_in(region)
            if not out:
                raise WorldError(f"region {region} has no grids")
        return out

    def info(self, grid: str) -> GridInfo:
        gi = self._info.get(grid)
        if gi is None:
            r = self.city.regions[grid]
            community = self._name_at(r, Level.COMMUNITY)
            street = self._name_at(r, Level.STREET)
            district = self.city.ancestor_at(grid, Level.DISTRICT)
            gi = self._info[grid] = GridInfo(grid, district, r.worker_id, r.worker_name,
                                             Place(district, street, community))
        return gi

    def _name_at(self, r: Region, level: Level) -> str:
        try:
            return self.city.regions[self.city.ancestor_at(r.code, level)].name
        except (KeyError, ValueError):
            return ""

    # ------------------------------------------------------------------------- points

    def random_point(self, grid: str, rng: random.Random) -> tuple[float, float]:
        """A point strictly inside ``grid`` that the locator puts in ``grid``."""
        return self.random_points(grid, rng, 1)[0]

    def random_points(self, grid: str, rng: random.Random, k: int) -> list[tuple[float, float]]:
        """``k`` points strictly inside ``grid`` that the locator puts in ``grid`` (drawn in
        vectorised batches; the representative point fills up in the unlikely worst case)."""
        geom = self.city.regions[grid].geometry
        if grid not in self._prepared:
            shapely.prepare(geom)
            self._prepared.add(grid)
        minx, miny, maxx, maxy = geom.bounds
        gen = np.random.default_rng(rng.getrandbits(64))
        out: list[tuple[float, float]] = []
        for _ in range(8):
            m = max(16, 4 * (k - len(out)))
            xs = np.round(gen.uniform(minx, maxx, m), 7)
            ys = np.round(gen.uniform(miny, maxy, m), 7)
            inside = shapely.contains_xy(geom, xs, ys)
            xs, ys = xs[inside], ys[inside]
            if len(xs):
                located = self.locator.locate_many(xs, ys)
                out += [(float(x), float(y)) for x, y, g in zip(xs, ys, located, strict=True)
                        if g == grid]
            if len(out) >= k:
                return out[:k]
        p = geom.representative_point()
        return (out + [(round(p.x, 7), round(p.y, 7))] * k)[:k]

    def patrol_point(self, grid: str, rng: random.Random) -> tuple[float, float]:
        """A point of ``grid`` from a small pool made once per grid (cheap enough for every
        waypoint of thousands of patrolling grid workers)."""
        pool = self._pools.get(grid)
        if pool is None:
            pool = self._pools[grid] = self.random_points(grid, rng, 4)
        return rng.choice(pool)

    def point_in(self, region: str, rng: random.Random) -> tuple[str, float, float]:
        """A random grid of ``region`` (any level) and a point inside it."""
        grid = rng.choice(self.grids_in(region))
        lon, lat = self.random_point(grid, rng)
        return grid, lon, lat

    def near(self, lon: float, lat: float, radius_m: float, rng: random.Random
             ) -> tuple[str, float, float]:
        """A point of the city within ``radius_m`` of (lon, lat) (the point itself at 0)."""
        dlon, dlat = metres_to_deg(lat)
        for _ in range(64):
            r = radius_m * math.sqrt(rng.random())
            a = rng.uniform(0, 2 * math.pi)
            x = round(lon + r * math.cos(a) * dlon, 7)
            y = round(lat + r * math.sin(a) * dlat, 7)
            grid = self.locate(x, y)
            if grid is not None:
                return grid, x, y
            if radius_m <= 0:
                break
        raise WorldError(f"no point of {self.city.name} within {radius_m:g} m of "
                         f"{lat:.6f}N {lon:.6f}E")

    def parts_in(self, part_type: str, region: str = "") -> list[Part]:
        parts = self.parts_by_type.get(part_type, [])
        return [p for p in parts if p.grid.startswith(region)] if region else parts
