"""Splitting cells into connected parts by growing them from seed points.

Distances are measured between *warped* cell centres (centres moved by a smooth random
displacement field) so borders wander instead of following straight Voronoi edges: large
wobbles between districts, smaller ones between streets and communities, none between grids.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dispatch.services.city_generator.lattice import Lattice, neighbours


@dataclass(slots=True)
class Space:
    """Warped cell centres indexed by cell id (as lists for loops, arrays for numpy)."""

    width: int
    x: list[float]
    y: list[float]
    ax: np.ndarray
    ay: np.ndarray


@dataclass(frozen=True, slots=True)
class Spaces:
    """The warped cell centres each level's parts are grown in."""

    district: Space
    street: Space
    community: Space
    grid: Space


def warped_spaces(lattice: Lattice, rng: np.random.Generator) -> Spaces:
    """Warped cell centres for each level: large wobbles for districts, none for grids."""
    r = lattice.radius
    coarse = [_smooth_field(lattice.cx, lattice.cy, rng, (0.6 * r, 1.5 * r)) for _ in "xy"]
    fine = [_smooth_field(lattice.cx, lattice.cy, rng, (12.0, 30.0)) for _ in "xy"]

    def space(big: float, small: float) -> Space:
        x = lattice.cx + big * coarse[0] + small * fine[0]
        y = lattice.cy + big * coarse[1] + small * fine[1]
        return Space(lattice.width, x.tolist(), y.tolist(), x, y)

    return Spaces(district=space(0.07 * r, min(1.0, 0.02 * r)), street=space(0.0, 1.2),
                  community=space(0.0, 0.5), grid=space(0.0, 0.0))


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


def compete(cells: Sequence[int], seeds: Sequence[int], weights: Sequence[float],
             space: Space) -> list[list[int]]:
    """Grow connected parts from ``seeds`` all at once; a cell goes to the part that reaches
    it first in weighted distance (a multiplicatively weighted Voronoi diagram, but connected).
    """
    owner = dict.fromkeys(cells, -1)
    xs, ys, width = space.x, space.y, space.width
    heap = [(0.0, r, s) for r, s in enumerate(seeds)]
    heapq.heapify(heap)
    while heap:
        _, r, c = heapq.heappop(heap)
        if owner[c] != -1:
            continue
        owner[c] = r
        sx, sy, w = xs[seeds[r]], ys[seeds[r]], weights[r]
        for nb in neighbours(c, width):
            if owner.get(nb) == -1:
                heapq.heappush(heap, (math.hypot(xs[nb] - sx, ys[nb] - sy) / w, r, nb))
    return _collect(cells, owner, len(seeds))


def _balanced(cells: Sequence[int], seeds: Sequence[int], points: Sequence[tuple[float, float]],
              space: Space) -> list[list[int]]:
    """Grow connected parts of about equal size: the smallest part grows next, by the
    unclaimed neighbouring cell nearest its seed point."""
    owner = dict.fromkeys(cells, -1)
    xs, ys, width = space.x, space.y, space.width
    k = len(seeds)
    sizes = [1] * k
    fronts: list[list[tuple[float, int]]] = [[] for _ in range(k)]

    def push(r: int, c: int) -> None:
        px, py = points[r]
        for nb in neighbours(c, width):
            if owner.get(nb) == -1:
                heapq.heappush(fronts[r], (math.hypot(xs[nb] - px, ys[nb] - py), nb))

    for r, s in enumerate(seeds):
        owner[s] = r
    for r, s in enumerate(seeds):
        push(r, s)
    sched = [(1, r) for r in range(k)]
    while sched:
        _, r = heapq.heappop(sched)
        front = fronts[r]
        while front and owner[front[0][1]] != -1:
            heapq.heappop(front)
        if not front:
            continue
        _, c = heapq.heappop(front)
        owner[c] = r
        sizes[r] += 1
        push(r, c)
        heapq.heappush(sched, (sizes[r], r))
    return _collect(cells, owner, k)


def _collect(cells: Sequence[int], owner: dict[int, int], k: int) -> list[list[int]]:
    parts: list[list[int]] = [[] for _ in range(k)]
    for c in cells:
        r = owner[c]
        if r < 0:  # pragma: no cover - parents are connected, so every cell is reached
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


def split(cells: list[int], k: int, space: Space,
           rng: np.random.Generator) -> list[list[int]]:
    """Split into ``k`` connected parts, in reading order (north to south, west to east)."""
    k = max(1, min(k, len(cells)))
    if k == 1:
        return [cells]
    seeds, points = _seeds(cells, k, space, rng)
    parts = _balanced(cells, seeds, points, space)
    return _reading_order(parts, space.width, math.sqrt(len(cells) / k))


def _reading_order(parts: list[list[int]], width: int, band: float) -> list[list[int]]:
    def key(p: list[int]) -> tuple[int, float, int]:
        a = sum(c // width for c in p) / len(p)
        b = sum(c % width for c in p) / len(p)
        return (-math.floor(b / band), a, p[0])

    return sorted((p for p in parts if p), key=key)
