"""The hazards a new city starts with: a few gas stations, chemical plants, care homes, schools
and a hospital taken from the gazetteer's points of interest (their point, a radius that fits
the kind), and a grid or two near them; deterministic for a given gazetteer."""

from __future__ import annotations

from collections.abc import Iterable

from dispatch.domain import commands as cmd
from dispatch.domain.gazetteer.model import Entry, Gazetteer, Kind

# POI category -> (hazard kind, radius in metres, how many, what the note says)
SEEDS: tuple[tuple[str, str, float, int, str], ...] = (
    ("gas_station", "gas_station", 150.0, 3,
     "加油站：禁止明火，燃气/油品泄漏先通知消防，疏散半径100米"),
    ("chemical_plant", "chemical_plant", 1000.0, 2,
     "危化品企业：先查危化品清单，消防特勤与环保同到，下风向疏散"),
    ("elderly_care", "care_home", 100.0, 3,
     "养老机构：行动不便老人多，疏散需民政与社区协助"),
    ("primary_school", "school", 150.0, 2, "学校：上下学时段人员密集，注意交通疏导"),
    ("kindergarten", "kindergarten", 100.0, 1, "幼儿园：儿童集中，优先保障安全通道"),
    ("hospital", "hospital", 200.0, 1, "医院：保持急救通道畅通，涉及停电停水先报"),
)


def _spread(entries: list[Entry], n: int) -> list[Entry]:
    """``n`` entries spread over the (id-ordered) list: not all in one district."""
    if len(entries) <= n:
        return entries
    step = len(entries) / n
    return [entries[int(i * step)] for i in range(n)]


def seed_hazards(gazetteer: Gazetteer | Iterable[Entry]) -> list[cmd.SetHazard]:
    """The ``set_hazard`` commands of the starting hazards (ids ``HZ-0001``…)."""
    entries = list(gazetteer.entries if isinstance(gazetteer, Gazetteer) else gazetteer)
    pois = sorted((e for e in entries if e.kind == Kind.POI and e.grid), key=lambda e: e.id)
    out: list[cmd.SetHazard] = []
    for category, kind, radius, n, text in SEEDS:
        for e in _spread([p for p in pois if p.category == category], n):
            out.append(cmd.SetHazard(f"HZ-{len(out) + 1:04d}", kind, e.name, text,
                                     round(e.lon, 6), round(e.lat, 6), radius))
    factories = [p for p in pois if p.category in ("factory", "chemical_plant")]
    for e in _spread(factories, 1) or _spread([p for p in pois if p.category == "hospital"], 1):
        out.append(cmd.SetHazard(f"HZ-{len(out) + 1:04d}", "high_voltage",
                                 f"{e.name}附近变电站",
                                 "110kV变电站：涉电事件先通知供电部门断电，勿用水扑救",
                                 grid=e.grid))
    return out
