"""One district's shape: its cells split into streets, communities and grids.

:func:`shape_district` takes the district's cells (the mesh's cells cut to its outline) and
splits them level by level by balanced region growing (streets of about
``cells_per_street`` cells of area, each into communities, each into grids of about 4
cells), so every part is connected and children tile their parent. A district whose outline
has several pieces (虎丘区) gets at least one street in each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dispatch.domain.city.model import Level
from dispatch.services.city_generator.names import Names
from dispatch.services.city_generator.partition import Spaces, split
from dispatch.services.city_generator.specs import CITY_CODE, DistrictSpec, SizeSpec


@dataclass(slots=True)
class Node:
    """A region being built: its code, name, level, parent and the mesh cells it covers."""

    code: str
    name: str
    level: Level
    parent: str | None
    cells: list[int]
    rural: bool


def shape_district(district: DistrictSpec, cells: Sequence[int], *, spaces: Spaces,
                   size: SizeSpec, names: Names, rng: np.random.Generator) -> list[Node]:
    """The district's node (``cells``) followed by its streets, communities and grids, each
    parent before its children, numbered in reading order (north to south, west to east):
    street ``<district>001``, community ``<street>001``, grid ``<community>001``."""
    if not cells:
        raise ValueError(f"the outline of district {district.code} covers no lattice cell")
    d = district
    all_cells = sorted(cells)
    nodes = [Node(d.code, d.name, Level.DISTRICT, CITY_CODE, all_cells, d.rural)]
    streets = split(all_cells, size.cells_per_street, spaces.street, rng, connected=False)
    street_names = names.streets(d, len(streets))
    used: set[str] = set()
    for si, scells in enumerate(streets, start=1):
        scode = f"{d.code}{si:03d}"
        nodes.append(Node(scode, street_names[si - 1], Level.STREET, d.code, scells, d.rural))
        comms = split(scells, size.cells_per_community, spaces.community, rng)
        for ci, ccells in enumerate(comms, start=1):
            ccode = f"{scode}{ci:03d}"
            cname = names.community(used, d.rural)
            nodes.append(Node(ccode, cname, Level.COMMUNITY, scode, ccells, d.rural))
            grids = split(ccells, size.cells_per_grid, spaces.grid, rng)
            for gi, gcells in enumerate(grids, start=1):
                nodes.append(Node(f"{ccode}{gi:03d}", f"{cname}第{gi:02d}网格", Level.GRID,
                                  ccode, gcells, d.rural))
    return nodes
