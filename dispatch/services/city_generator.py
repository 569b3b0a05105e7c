"""A deterministic synthetic city around Suzhou: regions, grid workers, units and parts.

``generate_city(size, seed, catalogue=...)`` builds a :class:`~dispatch.domain.city.model.City` with
code ``320500`` 苏州市 and real district codes and names (姑苏区 320508, 虎丘区 320505, …).
Street and town names are real where known, communities and workers are invented; street,
community and grid numbers are synthetic.

How the map is made
-------------------
* A square lattice of small cells (about 70 m in the centre) is jittered (every vertex moves
  by up to 20 % of a cell) and stretched radially so cells grow to about 150 m at the edge:
  the centre is dense and urban, the outskirts coarse.
* The city is the blob of cells inside a wobbly outline (with a bite out of the south-west
  where Lake Tai is). Districts grow from seeds placed in the direction of the real district
  (园区 east, 相城 north, 吴江 south, the county-level cities further out; distances are
  compressed so the whole prefecture fits in roughly 25 km). Each district is then split
  into streets, each street into communities, each community into grids (about 4 cells,
  100–300 m across) by balanced region growing, so every part is connected.
* Every polygon is the union of its cells, and all cells share the same vertex coordinates,
  so children tile their parent exactly: no gaps, no overlaps, shared borders identical.
  Coordinates are rounded to 1e-7 degree (about 1 cm).
* Outer districts (吴江 and the county-level cities) are ``rural``, the rest ``urban``.

The same ``size`` and ``seed`` give byte-for-byte the same city (and the same GeoJSON export):
all randomness comes from one ``numpy`` generator and one ``random.Random`` seeded with
``seed``, and nothing depends on set or hash order.

Sizes: ``demo`` has 2 districts (姑苏区, 苏州工业园区) and about 256 grids, 400 units and
1,000 parts; ``city`` has 10 districts, about 100 streets, 2,000 communities, 8,000 grids,
26,000 units and 39,000 parts, and takes a few seconds.

Units: the requested number is split over the catalogue's unit types by ``fleet_weight``;
a grid-worker type (code ``grid_worker`` or name 网格员) gets at least one unit per grid, and
each grid's first grid-worker unit is its worker (``Region.worker_id`` is that unit's id,
``worker_name`` its name). Without such a type, workers get ids ``W-00001``… Unit ids are
``U-<department>-<n>``, n counting from 1 per department; part ids ``P-<part type>-<n>``.
Units and parts lie inside their grid, never on a border.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from dispatch.domain.catalogue.model import AttributeSpec, Catalogue, PartType
from dispatch.domain.city.model import City, Level, Part, Region, Unit

CITY_CODE = "320500"
CITY_NAME = "苏州市"
CENTRE_LON = 120.62
CENTRE_LAT = 31.30
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0 * math.cos(math.radians(CENTRE_LAT))
_JITTER = 0.2  # fraction of a cell each lattice vertex may move
_STRETCH = 0.5  # radial stretch: cell size factor is 1 + 2 * _STRETCH * r / _STRETCH_REF_M
_STRETCH_REF_M = 7_000.0
_DIGITS = 7  # coordinates rounded to 1e-7 degree


@dataclass(frozen=True, slots=True)
class DistrictSpec:
    code: str
    name: str
    short: str
    angle_deg: float  # direction of the seed from the centre (0 = east, 90 = north)
    radius: float  # distance of the seed as a fraction of the city radius
    weight: float  # relative area
    rural: bool
    streets: tuple[str, ...]  # real street/town names, used in order


DISTRICTS: dict[str, DistrictSpec] = {d.code: d for d in (
    DistrictSpec("320508", "姑苏区", "姑苏", 0, 0.0, 1.25, False, (
        "双塔街道", "平江街道", "金阊街道", "沧浪街道", "虎丘街道", "吴门桥街道", "白洋湾街道",
        "苏锦街道", "娄门街道", "城北街道", "胥江街道", "留园街道")),
    DistrictSpec("320571", "苏州工业园区", "园区", 10, 0.38, 1.0, False, (
        "娄葑街道", "斜塘街道", "唯亭街道", "胜浦街道", "金鸡湖街道", "湖西街道", "湖东街道",
        "月亮湾街道", "独墅湖街道", "东沙湖街道", "星海街道", "车坊街道")),
    DistrictSpec("320505", "虎丘区", "虎丘", 180, 0.38, 0.9, False, (
        "狮山街道", "枫桥街道", "横塘街道", "浒墅关街道", "通安街道", "东渚街道", "镇湖街道",
        "阳山街道", "浒通街道", "新浒街道")),
    DistrictSpec("320506", "吴中区", "吴中", 262, 0.40, 1.1, False, (
        "长桥街道", "越溪街道", "郭巷街道", "横泾街道", "香山街道", "城南街道", "太湖街道",
        "木渎镇", "甪直镇", "胥口镇", "东山镇", "光福镇", "金庭镇", "临湖镇")),
    DistrictSpec("320507", "相城区", "相城", 85, 0.40, 1.0, False, (
        "元和街道", "太平街道", "黄桥街道", "北桥街道", "漕湖街道", "澄阳街道", "北河泾街道",
        "望亭镇", "阳澄湖镇", "渭塘镇", "黄埭镇")),
    DistrictSpec("320509", "吴江区", "吴江", 275, 0.78, 1.1, True, (
        "松陵街道", "江陵街道", "横扇街道", "八坼街道", "同里镇", "平望镇", "盛泽镇", "震泽镇",
        "七都镇", "桃源镇", "黎里镇")),
    DistrictSpec("320581", "常熟市", "常熟", 60, 0.78, 1.0, True, (
        "虞山街道", "常福街道", "琴川街道", "莫城街道", "碧溪街道", "东南街道", "梅李镇",
        "海虞镇", "古里镇", "沙家浜镇", "支塘镇", "董浜镇", "辛庄镇", "尚湖镇")),
    DistrictSpec("320582", "张家港市", "张家港", 108, 0.82, 0.9, True, (
        "杨舍镇", "塘桥镇", "金港街道", "锦丰镇", "乐余镇", "凤凰镇", "南丰镇", "大新镇",
        "后塍街道", "德积街道")),
    DistrictSpec("320583", "昆山市", "昆山", 355, 0.80, 1.0, True, (
        "玉山镇", "巴城镇", "周市镇", "陆家镇", "花桥镇", "淀山湖镇", "张浦镇", "周庄镇",
        "千灯镇", "锦溪镇")),
    DistrictSpec("320585", "太仓市", "太仓", 30, 0.85, 0.9, True, (
        "城厢镇", "沙溪镇", "浏河镇", "浮桥镇", "璜泾镇", "双凤镇", "娄东街道", "陆渡街道")),
)}


@dataclass(frozen=True, slots=True)
class SizeSpec:
    """How big a generated city is; cell counts are lattice cells (about 70–150 m)."""

    districts: tuple[tuple[str, float, float], ...]  # (code, angle_deg, radius) per district
    cells: int  # cells in the city
    cells_per_street: float
    cells_per_community: float
    cells_per_grid: float
    units: int
    parts_per_grid: float
    lake: bool  # bite out of the south-west (Lake Tai)
    cell_m: float = 70.0


SIZES: dict[str, SizeSpec] = {
    "demo": SizeSpec(districts=(("320508", 180, 0.45), ("320571", 0, 0.45)),
                     cells=1_024, cells_per_street=128, cells_per_community=16,
                     cells_per_grid=4, units=300, parts_per_grid=4.0, lake=False),
    "city": SizeSpec(districts=tuple((d.code, d.angle_deg, d.radius) for d in DISTRICTS.values()),
                     cells=32_400, cells_per_street=324, cells_per_community=16,
                     cells_per_grid=4, units=26_000, parts_per_grid=6.0, lake=True),
}

# Relative frequency of part types, matched on the part type code (first match wins).
_PART_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("light", 30), ("lamp", 30), ("manhole", 25), ("cover", 25), ("bin", 18), ("trash", 18),
    ("garbage", 18), ("camera", 12), ("cctv", 12), ("hydrant", 7), ("sign", 8), ("tree", 10),
)
_PART_STATES = ("intact", "damaged", "missing", "occupied")
_PART_STATE_P = (0.94, 0.035, 0.01, 0.015)

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾沈顾陆钱"
             "蒋范金严潘姚汪施朱袁俞")
_GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建国文辉斌宇浩婷雪琳"
          "晨佳颖欣怡鑫俊海燕丹凤春梅亮峰志新荣晓琴慧云兰")
_COMMUNITY_A = "新和金华春阳湖滨文友锦翠彩康安宁兴福瑞嘉清怡馨绿荷桂枫柳桃梅竹松星月晨江河溪泉云"
_COMMUNITY_M = "东西南北中上下前后"
_COMMUNITY_B = "苑园城湾庭里坊港塘桥泾浜街巷院居庄亭岸洲堤林坞门墩浦滩"
_STREET_A = "东西南北金银玉青白石虹凤龙鹤燕莲荷桂枫梅竹松柏长永太平安康宁福兴"
_STREET_B = "桥湖塘泾港浦墩庄门山洲浜渡亭园"


def generate_city(size: str, seed: int, *, catalogue: Catalogue) -> City:
    """Build the synthetic city ``size`` (``"demo"`` or ``"city"``) for ``seed``.

    Units are spread over the catalogue's unit types by ``fleet_weight`` and parts over its
    part types (the bundled one: :func:`dispatch.adapters.catalogue_loader.default_catalogue`).
    """
    spec = SIZES.get(size)
    if spec is None:
        raise ValueError(f"unknown city size {size!r}; expected one of {', '.join(SIZES)}")
    return _Builder(spec, seed, catalogue).build()


# --------------------------------------------------------------------------------------------
# lattice


class _Lattice:
    """Jittered, radially stretched lattice; cell ``a * width + b`` has corner (a, b)."""

    def __init__(self, spec: SizeSpec, rng: np.random.Generator) -> None:
        self.radius = math.sqrt(spec.cells / math.pi)  # in cells
        n = math.ceil(self.radius * 1.4) + 2
        self.n = n
        self.width = w = 2 * n
        idx = np.arange(w + 1, dtype=np.float64) - n
        jit = rng.uniform(-_JITTER, _JITTER, size=(w + 1, w + 1, 2))
        vx = (idx[:, None] + jit[..., 0]) * spec.cell_m
        vy = (idx[None, :] + jit[..., 1]) * spec.cell_m
        stretch = 1.0 + _STRETCH * np.hypot(vx, vy) / _STRETCH_REF_M
        self.lon = np.round(CENTRE_LON + vx * stretch / _M_PER_DEG_LON, _DIGITS)
        self.lat = np.round(CENTRE_LAT + vy * stretch / _M_PER_DEG_LAT, _DIGITS)
        a, b = np.divmod(np.arange(w * w), w)
        self.cx = a - n + 0.5  # cell centres in lattice units
        self.cy = b - n + 0.5

    def footprint(self, spec: SizeSpec, rng: np.random.Generator) -> list[int]:
        """Cell ids inside the city outline (largest 4-connected blob), ascending."""
        theta = np.arctan2(self.cy, self.cx)
        r = np.hypot(self.cx, self.cy)
        phases = rng.uniform(0, 2 * math.pi, size=3)
        wobble = (1 + 0.10 * np.sin(2 * theta + phases[0]) + 0.07 * np.sin(3 * theta + phases[1])
                  + 0.04 * np.sin(5 * theta + phases[2]))
        if spec.lake:  # Lake Tai, south-west
            d = np.angle(np.exp(1j * (theta - math.radians(225))))
            wobble = wobble * (1 - 0.28 * np.exp(-(d / 0.45) ** 2))
        # scale the outline so the blob has about spec.cells cells
        ratio = r / wobble
        scale = float(np.sort(ratio)[min(spec.cells, ratio.size) - 1])
        inside = np.flatnonzero(ratio <= scale)
        comp = _largest_component([int(c) for c in inside], self.width)
        return sorted(comp)

    def corners(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lon, lat) arrays of shape (n, 4): corners counter-clockwise from bottom-left."""
        a, b = np.divmod(cells, self.width)
        ai = np.stack([a, a + 1, a + 1, a], axis=1)
        bi = np.stack([b, b, b + 1, b + 1], axis=1)
        return self.lon[ai, bi], self.lat[ai, bi]


def _neighbours(c: int, width: int) -> tuple[int, int, int, int]:
    return (c - width, c - 1, c + 1, c + width)


def _largest_component(cells: list[int], width: int) -> list[int]:
    member = set(cells)
    seen: set[int] = set()
    best: list[int] = []
    for start in cells:
        if start in seen:
            continue
        comp = [start]
        seen.add(start)
        i = 0
        while i < len(comp):
            for nb in _neighbours(comp[i], width):
                if nb in member and nb not in seen:
                    seen.add(nb)
                    comp.append(nb)
            i += 1
        if len(comp) > len(best):
            best = comp
    return best


# --------------------------------------------------------------------------------------------
# partitioning
#
# Cells are split by growing parts from seed points. Distances are measured between *warped*
# cell centres (centres moved by a smooth random displacement field) so borders wander
# instead of following straight Voronoi edges.


@dataclass(slots=True)
class _Space:
    """Warped cell centres indexed by cell id (as lists for loops, arrays for numpy)."""

    width: int
    x: list[float]
    y: list[float]
    ax: np.ndarray
    ay: np.ndarray


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


def _compete(cells: Sequence[int], seeds: Sequence[int], weights: Sequence[float],
             space: _Space) -> list[list[int]]:
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
        for nb in _neighbours(c, width):
            if owner.get(nb) == -1:
                heapq.heappush(heap, (math.hypot(xs[nb] - sx, ys[nb] - sy) / w, r, nb))
    return _collect(cells, owner, len(seeds))


def _balanced(cells: Sequence[int], seeds: Sequence[int], points: Sequence[tuple[float, float]],
              space: _Space) -> list[list[int]]:
    """Grow connected parts of about equal size: the smallest part grows next, by the
    unclaimed neighbouring cell nearest its seed point."""
    owner = dict.fromkeys(cells, -1)
    xs, ys, width = space.x, space.y, space.width
    k = len(seeds)
    sizes = [1] * k
    fronts: list[list[tuple[float, int]]] = [[] for _ in range(k)]

    def push(r: int, c: int) -> None:
        px, py = points[r]
        for nb in _neighbours(c, width):
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


def _seeds(cells: Sequence[int], k: int, space: _Space,
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


def _split(cells: list[int], k: int, space: _Space,
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


# --------------------------------------------------------------------------------------------
# names


class _Names:
    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd

    def person(self) -> str:
        given = self.rnd.choice(_GIVEN)
        if self.rnd.random() < 0.6:
            given += self.rnd.choice(_GIVEN)
        return self.rnd.choice(_SURNAMES) + given

    def streets(self, spec: DistrictSpec, n: int) -> list[str]:
        names = list(spec.streets[:n])
        used = set(names)
        while len(names) < n:
            name = self.rnd.choice(_STREET_A) + self.rnd.choice(_STREET_B) + "街道"
            if name not in used:
                used.add(name)
                names.append(name)
        return names

    def community(self, used: set[str], rural: bool) -> str:
        suffix = "村" if rural and self.rnd.random() < 0.6 else "社区"
        while True:
            mid = self.rnd.choice(_COMMUNITY_M) if self.rnd.random() < 0.3 else ""
            name = self.rnd.choice(_COMMUNITY_A) + mid + self.rnd.choice(_COMMUNITY_B) + suffix
            if name not in used:
                used.add(name)
                return name


# --------------------------------------------------------------------------------------------
# parts' attributes


_CAMERA_MODELS = ("海康威视 DS-2CD3T47", "海康威视 DS-2DE4425", "大华 DH-IPC-HFW4433",
                  "大华 DH-SD49425", "宇视 IPC-B314", "天地伟业 TC-C34")
_TREE_SPECIES = ("香樟", "悬铃木", "银杏", "广玉兰", "桂花", "水杉", "榉树", "女贞")
# Numeric attributes by a word in their name: (words, low, high, choices or None).
_NUMERIC: tuple[tuple[tuple[str, ...], float, float, tuple[float, ...] | None], ...] = (
    (("heading", "azimuth", "bearing", "direction"), 0, 359.9, None),
    (("range", "distance"), 30, 150, (30, 50, 80, 100, 120, 150)),
    (("angle", "fov"), 0, 0, (60, 90, 90, 110, 120, 360)),
    (("power",), 0, 0, (60, 100, 150, 250)),
    (("capacity", "volume"), 0, 0, (120, 240, 240, 660)),
    (("outlet",), 0, 0, (65, 100, 150)),
    (("diameter",), 0, 0, (600, 700, 800)),
    (("pressure",), 0.2, 0.6, None),
    (("girth",), 40, 220, None),
    (("height",), 4, 12, None),
    (("length",), 10, 300, None),
    (("area",), 6, 60, None),
    (("routes",), 1, 12, None),
    (("stalls",), 4, 30, None),
    (("phases",), 2, 4, None),
    (("threshold", "lel"), 10, 25, None),
    (("alarm",), 15, 40, None),
    (("year",), 2008, 2024, None),
)


def _attribute(spec: AttributeSpec, part_type: PartType, rnd: random.Random) -> object:
    """A plausible value for a part attribute, chosen by its kind and name."""
    if spec.kind == "enum" or spec.choices:
        return rnd.choice(spec.choices) if spec.choices else ""
    name = spec.name.lower()
    if spec.kind == "str":
        return _text(name, part_type, rnd)
    value = _numeric(_numeric_rule(name), rnd)
    return round(value) if spec.kind == "int" else round(value, 1)


def _text(name: str, part_type: PartType, rnd: random.Random) -> str:
    if "model" in name:
        if "camera" in part_type.code:
            return rnd.choice(_CAMERA_MODELS)
        return f"{part_type.code[:3].upper()}-{rnd.randint(100, 999)}"
    if "species" in name:
        return rnd.choice(_TREE_SPECIES)
    if name in ("text", "road", "street"):
        return rnd.choice(_STREET_A) + rnd.choice(_STREET_B) + "路"
    if "stop" in name:
        return rnd.choice(_STREET_A) + rnd.choice(_STREET_B) + "站"
    if "permit" in name:
        return f"苏广审〔{rnd.randint(2018, 2025)}〕{rnd.randint(1, 999):03d}号"
    if "date" in name or "install" in name:
        return f"{rnd.randint(2008, 2024)}-{rnd.randint(1, 12):02d}"
    return f"{part_type.code[:2].upper()}{rnd.randint(1, 99):02d}-{rnd.randint(1, 999):03d}"


_Rule = tuple[float, float, tuple[float, ...] | None]
_RULES: dict[str, _Rule] = {}


def _numeric_rule(name: str) -> _Rule:
    rule = _RULES.get(name)
    if rule is None:
        rule = next(((lo, hi, ch) for words, lo, hi, ch in _NUMERIC
                     if any(w in name for w in words)), (1.0, 100.0, None))
        _RULES[name] = rule
    return rule


def _numeric(rule: _Rule, rnd: random.Random) -> float:
    low, high, choices = rule
    return float(rnd.choice(choices)) if choices else rnd.uniform(low, high)


def _is_grid_worker(code: str, name_zh: str) -> bool:
    return code == "grid_worker" or name_zh == "网格员"


def _part_weight(code: str) -> float:
    for word, weight in _PART_WEIGHTS:
        if word in code.lower():
            return weight
    return 3.0


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    s = float(sum(weights))
    if total <= 0 or s <= 0:
        return [0] * len(weights)
    exact = [total * w / s for w in weights]
    out = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


# --------------------------------------------------------------------------------------------
# the builder


@dataclass(slots=True)
class _Node:
    code: str
    name: str
    level: Level
    parent: str | None
    cells: list[int]
    rural: bool


class _Builder:
    def __init__(self, spec: SizeSpec, seed: int, catalogue: Catalogue) -> None:
        self.spec = spec
        self.catalogue = catalogue
        self.rng = np.random.default_rng(seed)
        self.rnd = random.Random(seed)
        self.names = _Names(self.rnd)

    def build(self) -> City:
        spec = self.spec
        lat = _Lattice(spec, self.rng)
        cells = lat.footprint(spec, self.rng)
        space = self._spaces(lat)

        # districts: competitive growth from seeds in the real districts' directions
        d_specs = [DISTRICTS[code] for code, _, _ in spec.districts]
        cell_set = set(cells)
        seeds: list[int] = []
        for code, angle, radius in spec.districts:
            t = math.radians(angle)
            x, y = radius * lat.radius * math.cos(t), radius * lat.radius * math.sin(t)
            d2 = (lat.cx - x) ** 2 + (lat.cy - y) ** 2
            for c in np.argsort(d2, kind="stable").tolist():
                if c in cell_set and c not in seeds:
                    seeds.append(c)
                    break
            else:  # pragma: no cover - the footprint always has enough cells
                raise RuntimeError(f"no seed cell for district {code}")
        district_cells = _compete(cells, seeds, [d.weight for d in d_specs], space["district"])

        nodes: list[_Node] = []
        for d, dcells in zip(d_specs, district_cells, strict=True):
            nodes.append(_Node(d.code, d.name, Level.DISTRICT, CITY_CODE, dcells, d.rural))
            streets = _split(dcells, round(len(dcells) / spec.cells_per_street),
                             space["street"], self.rng)
            street_names = self.names.streets(d, len(streets))
            used: set[str] = set()
            for si, scells in enumerate(streets, start=1):
                scode = f"{d.code}{si:03d}"
                nodes.append(_Node(scode, street_names[si - 1], Level.STREET, d.code, scells,
                                   d.rural))
                comms = _split(scells, round(len(scells) / spec.cells_per_community),
                               space["community"], self.rng)
                for ci, ccells in enumerate(comms, start=1):
                    ccode = f"{scode}{ci:03d}"
                    cname = self.names.community(used, d.rural)
                    nodes.append(_Node(ccode, cname, Level.COMMUNITY, scode, ccells, d.rural))
                    grids = _split(ccells, round(len(ccells) / spec.cells_per_grid),
                                   space["grid"], self.rng)
                    for gi, gcells in enumerate(grids, start=1):
                        nodes.append(_Node(f"{ccode}{gi:03d}", f"{cname}第{gi:02d}网格",
                                           Level.GRID, ccode, gcells, d.rural))

        geoms = self._geometries(lat, nodes, cells)
        regions: dict[str, Region] = {
            CITY_CODE: Region(CITY_CODE, CITY_NAME, Level.CITY, None, geoms[CITY_CODE])}
        for node in sorted(nodes, key=lambda nd: nd.code):
            regions[node.code] = Region(node.code, node.name, node.level, node.parent,
                                        geoms[node.code],
                                        area_kind="rural" if node.rural else "urban")

        grid_nodes = sorted((nd for nd in nodes if nd.level == Level.GRID), key=lambda n: n.code)
        units = self._units(lat, grid_nodes)
        # each grid's worker: its first grid-worker unit, or an invented person
        worker_types = {t.code for t in self.catalogue.unit_types.values()
                        if _is_grid_worker(t.code, t.name_zh)}
        for u in units.values():
            region = regions[u.home_grid]
            if u.unit_type in worker_types and region.worker_id is None:
                region.worker_id, region.worker_name = u.id, u.name
        for i, nd in enumerate(grid_nodes, start=1):
            region = regions[nd.code]
            if region.worker_id is None:
                region.worker_id, region.worker_name = f"W-{i:05d}", self.names.person()
        parts = self._parts(lat, grid_nodes)
        return City(CITY_CODE, CITY_NAME, regions, units=units, parts=parts)

    def _spaces(self, lat: _Lattice) -> dict[str, _Space]:
        """Warped cell centres for each level: large wobbles for districts, none for grids."""
        r = lat.radius
        coarse = [_smooth_field(lat.cx, lat.cy, self.rng, (0.6 * r, 1.5 * r)) for _ in "xy"]
        fine = [_smooth_field(lat.cx, lat.cy, self.rng, (12.0, 30.0)) for _ in "xy"]

        def space(big: float, small: float) -> _Space:
            x = lat.cx + big * coarse[0] + small * fine[0]
            y = lat.cy + big * coarse[1] + small * fine[1]
            return _Space(lat.width, x.tolist(), y.tolist(), x, y)

        return {"district": space(0.07 * r, min(1.0, 0.02 * r)), "street": space(0.0, 1.2),
                "community": space(0.0, 0.5), "grid": space(0.0, 0.0)}

    # -- geometry -----------------------------------------------------------------------------

    def _geometries(self, lat: _Lattice, nodes: list[_Node],
                    cells: list[int]) -> dict[str, BaseGeometry]:
        cell_arr = np.asarray(cells)
        lon, la = lat.corners(cell_arr)
        ring = np.stack([lon, la], axis=2)
        ring = np.concatenate([ring, ring[:, :1, :]], axis=1)
        quads = shapely.polygons(ring)
        where = {c: i for i, c in enumerate(cells)}
        out: dict[str, BaseGeometry] = {}

        grids = [nd for nd in nodes if nd.level == Level.GRID]
        self._union(grids, [[quads[where[c]] for c in nd.cells] for nd in grids], out)
        for level in (Level.COMMUNITY, Level.STREET, Level.DISTRICT):
            kids: dict[str, list[BaseGeometry]] = {}
            for nd in nodes:
                if nd.level == level + 1:
                    kids.setdefault(nd.parent or "", []).append(out[nd.code])
            group = [nd for nd in nodes if nd.level == level]
            self._union(group, [kids[nd.code] for nd in group], out)
        districts = [out[nd.code] for nd in nodes if nd.level == Level.DISTRICT]
        out[CITY_CODE] = shapely.orient_polygons(shapely.coverage_union_all(districts))
        return out

    @staticmethod
    def _union(group: list[_Node], members: list[list[BaseGeometry]],
               out: dict[str, BaseGeometry]) -> None:
        width = max(len(m) for m in members)
        arr = np.full((len(group), width), None, dtype=object)
        for i, m in enumerate(members):
            arr[i, : len(m)] = m
        merged = shapely.orient_polygons(shapely.coverage_union_all(arr, axis=1))
        for nd, geom in zip(group, merged, strict=True):
            out[nd.code] = geom

    # -- units and parts ----------------------------------------------------------------------

    def _points(self, lat: _Lattice, grid_nodes: list[_Node],
                grid_idx: np.ndarray) -> tuple[list[float], list[float]]:
        """A random interior point of each grid in ``grid_idx`` (lists of lon, lat)."""
        counts = np.array([len(nd.cells) for nd in grid_nodes])
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        flat = np.array([c for nd in grid_nodes for c in nd.cells])
        pick = starts[grid_idx] + (self.rng.random(len(grid_idx)) * counts[grid_idx]).astype(int)
        lon, la = lat.corners(flat[pick])
        u = self.rng.uniform(0.12, 0.88, size=len(grid_idx))
        v = self.rng.uniform(0.12, 0.88, size=len(grid_idx))
        w = np.stack([(1 - u) * (1 - v), u * (1 - v), u * v, (1 - u) * v], axis=1)
        return (np.round((lon * w).sum(axis=1), _DIGITS).tolist(),
                np.round((la * w).sum(axis=1), _DIGITS).tolist())

    def _units(self, lat: _Lattice, grid_nodes: list[_Node]) -> dict[str, Unit]:
        """Units by ``fleet_weight``; a grid-worker type gets at least one unit per grid."""
        types = sorted(self.catalogue.unit_types.values(), key=lambda t: t.code)
        counts = _apportion(self.spec.units, [max(t.fleet_weight, 0.0) for t in types])
        gweight = np.array([1.0 if nd.rural else 2.5 for nd in grid_nodes])
        gweight /= gweight.sum()
        units: dict[str, Unit] = {}
        per_dept: dict[str, int] = {}
        per_name: dict[tuple[str, str], int] = {}
        for t, n in zip(types, counts, strict=True):
            worker = _is_grid_worker(t.code, t.name_zh)
            if worker:
                extra = max(n - len(grid_nodes), 0)
                idx = np.concatenate([np.arange(len(grid_nodes)),
                                      self.rng.choice(len(grid_nodes), size=extra, p=gweight)])
            elif n:
                idx = self.rng.choice(len(grid_nodes), size=n, p=gweight)
            else:
                continue
            idx = np.sort(idx, kind="stable")
            lons, lats = self._points(lat, grid_nodes, idx)
            for g, lo, la in zip(idx.tolist(), lons, lats, strict=True):
                grid = grid_nodes[g].code
                per_dept[t.department] = k = per_dept.get(t.department, 0) + 1
                short = DISTRICTS[grid[:6]].short
                per_name[(short, t.code)] = m = per_name.get((short, t.code), 0) + 1
                uid = f"U-{t.department}-{k}"
                name = self.names.person() if worker else f"{short}{t.name_zh}{m:03d}"
                units[uid] = Unit(uid, t.department, t.code, name, grid, lo, la)
        return units

    def _parts(self, lat: _Lattice, grid_nodes: list[_Node]) -> dict[str, Part]:
        types = sorted(self.catalogue.part_types.values(), key=lambda t: t.code)
        if not types or not grid_nodes:
            return {}
        mean = np.array([self.spec.parts_per_grid * (0.6 if nd.rural else 1.0)
                         for nd in grid_nodes])
        per_grid = self.rng.poisson(mean)
        idx = np.repeat(np.arange(len(grid_nodes)), per_grid)
        p = np.array([_part_weight(t.code) for t in types])
        kind = self.rng.choice(len(types), size=len(idx), p=p / p.sum())
        state = self.rng.choice(len(_PART_STATES), size=len(idx), p=_PART_STATE_P)
        lons, lats = self._points(lat, grid_nodes, idx)
        parts: dict[str, Part] = {}
        per_type = [0] * len(types)
        for g, ki, si, lo, la in zip(idx.tolist(), kind.tolist(), state.tolist(), lons, lats,
                                     strict=True):
            t = types[ki]
            per_type[ki] += 1
            pid = f"P-{t.code}-{per_type[ki]}"
            attrs = {a.name: _attribute(a, t, self.rnd) for a in t.attributes}
            parts[pid] = Part(pid, t.code, grid_nodes[g].code, lo, la, t.owner_department,
                              _PART_STATES[si], attrs)
        return parts
