"""The generated city, start to finish: the districts' cells on their real outlines, their
shapes, region polygons, units, grid workers and parts (see the package documentation)."""

from __future__ import annotations

import random
from collections.abc import Mapping

import numpy as np
from shapely.geometry.base import BaseGeometry

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City, Level, Region
from dispatch.services.city_generator.assets import (
    apportion,
    is_grid_worker,
    place_parts,
    place_units,
)
from dispatch.services.city_generator.district_shape import Node, shape_district
from dispatch.services.city_generator.geometry import region_geometries
from dispatch.services.city_generator.mesh import build_mesh
from dispatch.services.city_generator.names import Names
from dispatch.services.city_generator.partition import warped_spaces
from dispatch.services.city_generator.specs import CITY_CODE, CITY_NAME, DISTRICTS, SIZES


def generate_city(size: str, seed: int, *, catalogue: Catalogue,
                  outlines: Mapping[str, BaseGeometry]) -> City:
    """Build the city ``size`` (``"demo"`` or ``"city"``) for ``seed``.

    ``outlines`` maps district codes to their real outlines in WGS84, a coverage (no gaps,
    no overlaps; the bundled ones:
    :func:`dispatch.adapters.district_outlines.suzhou_outlines`). Units are spread over the
    catalogue's unit types by ``fleet_weight`` and parts over its part types (the bundled
    one: :func:`dispatch.adapters.catalogue_loader.default_catalogue`).
    """
    spec = SIZES.get(size)
    if spec is None:
        raise ValueError(f"unknown city size {size!r}; expected one of {', '.join(SIZES)}")
    missing = [code for code in spec.districts if code not in outlines]
    if missing:
        raise ValueError(f"no outline for district {', '.join(missing)}")
    # All randomness comes from these two, drawn in a fixed order.
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    names = Names(rnd)

    d_specs = [DISTRICTS[code] for code in spec.districts]
    mesh = build_mesh([outlines[d.code] for d in d_specs],
                      apportion(spec.cells, [d.weight for d in d_specs]), rng)
    spaces = warped_spaces(mesh, rng)
    nodes: list[Node] = []
    for i, d in enumerate(d_specs):
        nodes += shape_district(d, mesh.district_cells(i), spaces=spaces, size=spec,
                                names=names, rng=rng)

    geoms = region_geometries(mesh, nodes)
    regions: dict[str, Region] = {
        CITY_CODE: Region(CITY_CODE, CITY_NAME, Level.CITY, None, geoms[CITY_CODE])}
    for node in sorted(nodes, key=lambda nd: nd.code):
        regions[node.code] = Region(node.code, node.name, node.level, node.parent,
                                    geoms[node.code],
                                    area_kind="rural" if node.rural else "urban")

    grid_nodes = sorted((nd for nd in nodes if nd.level == Level.GRID), key=lambda n: n.code)
    units = place_units(mesh, grid_nodes, catalogue, spec.units, rng, names)
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
    parts = place_parts(mesh, grid_nodes, catalogue, spec.parts_per_grid, rng, rnd)
    return City(CITY_CODE, CITY_NAME, regions, units=units, parts=parts)
