"""A recorded month (the benchmarks' history generator, bench/history.py, on the real engine
and store) ranks streets and departments apart for reasons visible in their cases: the
streets the field's character makes work worst close fewer cases on time, are urged more and
rank below the best ones; citizens' cases are urged and called back, some reopened."""

from __future__ import annotations

from pathlib import Path

from bench.history import START, build
from dispatch.adapters.store import EventStore
from dispatch.domain.evaluation import Level, evaluate
from dispatch.services.evaluation_month import incidents_of
from dispatch.sim.character import Character

SEED = 7
MONTH = 30 * 86400.0


def test_a_recorded_month_ranks_streets_for_visible_reasons(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'month.sqlite'}"
    build(url, size="demo", events=40_000, seed=SEED, snapshot_every=10_000)
    store = EventStore(url)
    try:
        incidents, _ = incidents_of(store, START, START + MONTH)
    finally:
        store.close()
    assert len(incidents) > 2000
    assert sum(1 for i in incidents if i.urges) > 50
    assert sum(1 for i in incidents if i.callback_result) > 500
    assert sum(1 for i in incidents if i.reopen_count) > 0
    rows = {r.code: r for r in evaluate(incidents, START, START + MONTH, Level.STREET)}
    character = Character(SEED)
    by_factor = sorted(rows, key=lambda code: character.factor("street", code))
    best, worst = rows[by_factor[0]], rows[by_factor[-1]]
    assert worst.rank > best.rank
    assert worst.rank > len(rows) / 2 >= best.rank
    b, w = best.indicators(), worst.indicators()
    # the reasons, in the cases: late closures and more repeat calls
    assert (w["on_time_closure_rate"] or 0) < (b["on_time_closure_rate"] or 0) - 0.1
    assert (w["urge_rate"] or 0) > (b["urge_rate"] or 0)
