"""The synthetic city, start to finish: lattice, footprint, districts, their shapes, region
polygons, units, grid workers and parts (see the package documentation)."""

from __future__ import annotations

import math
import random

import numpy as np

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City, Level, Region
from dispatch.services.city_generator.assets import is_grid_worker, place_parts, place_units
from dispatch.services.city_generator.district_shape import Node, shape_district
from dispatch.services.city_generator.geometry import region_geometries
from dispatch.services.city_generator.lattice import Lattice
from dispatch.services.city_generator.names import Names
from dispatch.services.city_generator.partition import Space, compete, warped_spaces
from dispatch.services.city_generator.specs import (
    CITY_CODE,
    CITY_NAME,
    DISTRICTS,
    SIZES,
    DistrictSpec,
    SizeSpec,
)


def generate_city(size: str, seed: int, *, catalogue: Catalogue) -> City:
    """Build the synthetic city ``size`` (``"demo"`` or ``"city"``) for ``seed``.

    Units are spread over the catalogue's unit types by ``fleet_weight`` and parts over its
    part types (the bundled one: :func:`dispatch.adapters.catalogue_loader.default_catalogue`).
    """
    spec = SIZES.get(size)
    if spec is None:
        raise ValueError(f"unknown city size {size!r}; expected one of {', '.join(SIZES)}")
    # All randomness comes from these two, drawn in a fixed order.
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    names = Names(rnd)

    lattice = Lattice(spec, rng)
    cells = lattice.footprint(spec, rng)
    spaces = warped_spaces(lattice, rng)
    d_specs = [DISTRICTS[code] for code, _, _ in spec.districts]
    district_cells = _grow_districts(spec, d_specs, lattice, cells, spaces.district)
    nodes: list[Node] = []
    for d, dcells in zip(d_specs, district_cells, strict=True):
        nodes += shape_district(d, lattice.outline(dcells), lattice=lattice, spaces=spaces,
                                size=spec, names=names, rng=rng)

    geoms = region_geometries(lattice, nodes)
    regions: dict[str, Region] = {
        CITY_CODE: Region(CITY_CODE, CITY_NAME, Level.CITY, None, geoms[CITY_CODE])}
    for node in sorted(nodes, key=lambda nd: nd.code):
        regions[node.code] = Region(node.code, node.name, node.level, node.parent,
                                    geoms[node.code],
                                    area_kind="rural" if node.rural else "urban")

    grid_nodes = sorted((nd for nd in nodes if nd.level == Level.GRID), key=lambda n: n.code)
    units = place_units(lattice, grid_nodes, catalogue, spec.units, rng, names)
    # each grid's worker: its first grid-worker unit, or an invented person
    worker_types = {t.code for t in catalogue.unit_types.values()
                    if is_grid_worker(t.code, t.name_zh)}
    for u in units.values():
        region = regions[u.home_grid]
        if u.unit_type in worker_types and region.worker_id is None:
            region.worker_id, region.worker_name = u.id, u.name
    for i, nd in enumerate(grid_nodes, start=1):
        region = regions[nd.code]
        if region.worker_id is None:
            region.worker_id, region.worker_name = f"W-{i:05d}", names.person()
    parts = place_parts(lattice, grid_nodes, catalogue, spec.parts_per_grid, rng, rnd)
    return City(CITY_CODE, CITY_NAME, regions, units=units, parts=parts)


def _grow_districts(spec: SizeSpec, d_specs: list[DistrictSpec], lattice: Lattice,
                    cells: list[int], space: Space) -> list[list[int]]:
    """The footprint's cells split into districts: competitive growth from seeds in the real
    districts' directions, weighted by their relative areas."""
    cell_set = set(cells)
    seeds: list[int] = []
    for code, angle, radius in spec.districts:
        t = math.radians(angle)
        x, y = radius * lattice.radius * math.cos(t), radius * lattice.radius * math.sin(t)
        d2 = (lattice.cx - x) ** 2 + (lattice.cy - y) ** 2
        for c in np.argsort(d2, kind="stable").tolist():
            if c in cell_set and c not in seeds:
                seeds.append(c)
                break
        else:  # pragma: no cover - the footprint always has enough cells
            raise RuntimeError(f"no seed cell for district {code}")
    return compete(cells, seeds, [d.weight for d in d_specs], space)
