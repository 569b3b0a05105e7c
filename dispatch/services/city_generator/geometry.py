"""Every region's polygon: a grid is the union of its cells, every other region the union of
its children, so children tile their parent exactly (no gaps, no overlaps, shared borders
identical: the mesh's cells share their border vertices). Rings are oriented
counter-clockwise (holes clockwise), as RFC 7946 asks."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from dispatch.domain.city.model import Level
from dispatch.services.city_generator.district_shape import Node
from dispatch.services.city_generator.mesh import Mesh
from dispatch.services.city_generator.specs import CITY_CODE


def region_geometries(mesh: Mesh, nodes: list[Node]) -> dict[str, BaseGeometry]:
    """Region code → polygon for every node and for the city (the union of the districts)."""
    grids = [nd for nd in nodes if nd.level == Level.GRID]
    members = [list(mesh.polygons[np.asarray(nd.cells, dtype=np.int64)]) for nd in grids]
    out: dict[str, BaseGeometry] = {}
    _union(grids, members, out)
    for level in (Level.COMMUNITY, Level.STREET, Level.DISTRICT):
        kids: dict[str, list[BaseGeometry]] = {}
        for nd in nodes:
            if nd.level == level + 1:
                kids.setdefault(nd.parent or "", []).append(out[nd.code])
        group = [nd for nd in nodes if nd.level == level]
        _union(group, [kids[nd.code] for nd in group], out)
    districts = [out[nd.code] for nd in nodes if nd.level == Level.DISTRICT]
    out[CITY_CODE] = shapely.orient_polygons(shapely.coverage_union_all(districts))
    return out


def _union(group: list[Node], members: list[list[BaseGeometry]],
           out: dict[str, BaseGeometry]) -> None:
    width = max(len(m) for m in members)
    arr = np.full((len(group), width), None, dtype=object)
    for i, m in enumerate(members):
        arr[i, : len(m)] = m
    merged = shapely.orient_polygons(shapely.coverage_union_all(arr, axis=1))
    for nd, geom in zip(group, merged, strict=True):
        out[nd.code] = geom
