"""city_memory: resident memory of the full ``city`` state (8,000 grids, 26,000 units, parts)
with 50,000 open incidents. Baseline: the interpreter with every module imported."""

from __future__ import annotations

import random

import psutil

from bench.common import report
from dispatch.adapters.bootstrap import open_engine
from dispatch.domain import commands as cmd
from dispatch.domain.roles import Actor, Role

OPEN = 50_000


def rss_mb() -> float:
    return float(psutil.Process().memory_info().rss) / 2**20


def main() -> None:
    base = rss_mb()
    engine = open_engine(None, size="city", seed=1)
    actor = Actor("hotline", Role.FIELD_GATEWAY, workstation="bench")
    rng = random.Random(5)
    grids = [r for r in engine.city.grids()]
    minors = sorted(engine.catalogue.minors)
    made = 0
    while made < OPEN:
        g = rng.choice(grids)
        p = g.geometry.representative_point()
        engine.execute(cmd.ReportIncident("hotline", rng.choice(minors), p.x, p.y,
                                          "市民来电反映：小区门口垃圾堆积多日无人清运"), actor,
                       commit=False)
        made += 1
    engine.commit()
    assert len(engine.state.open_incidents()) == OPEN
    total = rss_mb()
    report("city_memory", total, "MB", base, target="< 500 MB",
           grids=sum(1 for _ in engine.city.grids()), units=len(engine.state.units),
           parts=len(engine.city.parts), open_incidents=OPEN)


if __name__ == "__main__":
    main()
