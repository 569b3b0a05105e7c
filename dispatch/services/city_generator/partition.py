"""Splitting cells into connected parts of about equal area by growing them from seeds.

Distances are measured between *warped* cell centres (centres moved by a smooth random
displacement field, in lattice units) so borders wander instead of following straight
Voronoi edges: some wobble between streets, less between communities, none between grids.
Parts grow over the mesh's neighbours (cells sharing a border), so every part is connected;
cells that are not connected at all (a district in two pieces) are split piece by piece.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dispatch.services.city_generator.mesh import Mesh


@dataclass(slots=True)
class Space:
    """Warped cell centres indexed by cell id (as lists for loops, arrays for numpy), the
    cells' areas (in lattice cells) and their neighbours."""

    x: list[float]
    y: list[float]
    ax: np.ndarray
    ay: np.ndarray
    weight: list[float]
    neighbours: list[list[int]]

    def area(self, cells: Sequence[int]) -> float:
        return math.fsum(self.weight[c] for c in cells)


@dataclass(frozen=True, slots=True)
class Spaces:
    """The warped cell centres each level's parts are grown in."""

    street: Space
    community: Space
    grid: Space


def warped_spaces(mesh: Mesh, rng: np.random.Generator) -> Spaces:
    """Warped cell centres for each level: wobbly streets, straighter communities, none for
    grids."""
    fine = [_smooth_field(mesh.ux, mesh.uy, rng, (12.0, 30.0)) for _ in "xy"]
    weight = mesh.weight.tolist()

    def space(small: float) -> Space:
        x = mesh.ux + small * fine[0]
        y = mesh.uy + small * fine[1]
        return Space(x.tolist(), y.tolist(), x, y, weight, mesh.neighbours)

    return Spaces(street=space(1.2), community=space(0.5), grid=space(0.0))


def _smooth_field(cx: np.ndarray, cy: np.ndarray, rng: np.random.Generator,
                  wavelength: tuple[float, float], waves: int = 6) -> np.ndarray:
    """A smooth random field over the cells with unit standard deviation."""
    out = np.zeros_like(cx)
    for _ in range(waves):
        lam = rng.uniform(*wavelength)
        t = rng.uniform(0, 2 * math.pi)
        phase = rng.uniform(0, 2 * math.pi)
        k = 2 * math.pi / lam
        out += np.sin(k * (math.cos(t) * cx + math.sin(t) * cy) + phase)
    return out / math.sqrt(waves / 2)


def components(cells: Sequence[int], space: Space) -> list[list[int]]:
    """The connected pieces of ``cells``, each in ascending order, by their first cell."""
    member = set(cells)
    seen: set[int] = set()
    out: list[list[int]] = []
    for start in cells:
        if start in seen:
            continue
        comp = [start]
        seen.add(start)
        i = 0
        while i < len(comp):
            for nb in space.neighbours[comp[i]]:
                if nb in member and nb not in seen:
                    seen.add(nb)
                    comp.append(nb)
            i += 1
        out.append(sorted(comp))
    return out


def _balanced(cells: Sequence[int], seeds: Sequence[int], points: Sequence[tuple[float, float]],
              space: Space) -> list[list[int]]:
    """Grow connected parts of about equal area: the smallest part grows next, by the
    unclaimed neighbouring cell nearest its seed point."""
    owner = dict.fromkeys(cells, -1)
    xs, ys, weight, nbs = space.x, space.y, space.weight, space.neighbours
    k = len(seeds)
    sizes = [weight[s] for s in seeds]
    fronts: list[list[tuple[float, int]]] = [[] for _ in range(k)]

    def push(r: int, c: int) -> None:
        px, py = points[r]
        for nb in nbs[c]:
            if owner.get(nb) == -1:
                heapq.heappush(fronts[r], (math.hypot(xs[nb] - px, ys[nb] - py), nb))

    for r, s in enumerate(seeds):
        owner[s] = r
    for r, s in enumerate(seeds):
        push(r, s)
    sched = [(sizes[r], r) for r in range(k)]
    heapq.heapify(sched)
    while sched:
        _, r = heapq.heappop(sched)
        front = fronts[r]
        while front and owner[front[0][1]] != -1:
            heapq.heappop(front)
        if not front:
            continue
        _, c = heapq.heappop(front)
        owner[c] = r
        sizes[r] += weight[c]
        push(r, c)
        heapq.heappush(sched, (sizes[r], r))
    parts: list[list[int]] = [[] for _ in range(k)]
    for c in cells:
        r = owner[c]
        if r < 0:  # pragma: no cover - the cells are connected, so every cell is reached
            raise RuntimeError(f"cell {c} was not reached while splitting a region")
        parts[r].append(c)
    return parts


def _seeds(cells: Sequence[int], k: int, space: Space,
           rng: np.random.Generator) -> tuple[list[int], list[tuple[float, float]]]:
    """``k`` well-spread seed cells and points: farthest-point sampling, then Lloyd steps."""
    arr = np.asarray(cells)
    pts = np.stack([space.ax[arr], space.ay[arr]], axis=1)
    chosen = [int(rng.integers(len(arr)))]
    dmin = ((pts - pts[chosen[0]]) ** 2).sum(axis=1)
    for _ in range(k - 1):
        nxt = int(np.argmax(dmin))
        chosen.append(nxt)
        dmin = np.minimum(dmin, ((pts - pts[nxt]) ** 2).sum(axis=1))
    centres = pts[chosen]
    for _ in range(3):
        lab = np.argmin(((pts[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        n = np.bincount(lab, minlength=k)
        keep = n > 0
        centres[keep, 0] = np.bincount(lab, weights=pts[:, 0], minlength=k)[keep] / n[keep]
        centres[keep, 1] = np.bincount(lab, weights=pts[:, 1], minlength=k)[keep] / n[keep]
    # each part starts from the free cell nearest its centre
    order = np.argsort(((pts[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=0,
                       kind="stable").T.tolist()
    seeds: list[int] = []
    taken: set[int] = set()
    for i in range(k):
        for j in order[i]:
            if j not in taken:
                taken.add(j)
                seeds.append(int(arr[j]))
                break
    return seeds, [(float(x), float(y)) for x, y in centres]


def split(cells: list[int], per_part: float, space: Space, rng: np.random.Generator, *,
          connected: bool = True) -> list[list[int]]:
    """Split into connected parts of about ``per_part`` cells of area each, in reading
    order (north to south, west to east). Cells that may not be ``connected`` are split
    piece by piece, at least one part per piece."""
    pieces = components(cells, space) if not connected else [cells]
    areas = [space.area(p) for p in pieces]
    total = math.fsum(areas)
    k_all = max(1, round(total / per_part))
    parts: list[list[int]] = []
    for piece, area in zip(pieces, areas, strict=True):
        k = max(1, min(round(k_all * area / total) if total > 0 else 1, len(piece)))
        if k == 1:
            parts.append(piece)
            continue
        seeds, points = _seeds(piece, k, space, rng)
        parts += [p for p in _balanced(piece, seeds, points, space) if p]
    return _reading_order(parts, space, math.sqrt(per_part))


def _reading_order(parts: list[list[int]], space: Space, band: float) -> list[list[int]]:
    xs, ys = space.x, space.y

    def key(p: list[int]) -> tuple[int, float, int]:
        n = len(p)
        return (-math.floor(math.fsum(ys[c] for c in p) / n / band),
                math.fsum(xs[c] for c in p) / n, p[0])

    return sorted(parts, key=key)
