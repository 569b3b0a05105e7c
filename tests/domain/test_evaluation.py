"""The evaluation indicators and the ranking (dispatch.domain.evaluation) against a fixture
computed by hand: five incidents built directly as records, period [0, 1000) seen at 1000.

Grids: G1 320508001001001 and G2 320508001002001 (street 320508001, communities …001 and
…002), G3 320508002001001 (street 320508002); all in district 320508.

  id  grid dept source       reported dispatched ack_due acked responded handle_due closed
  A   G1   D1   hotline      10       20         120     50    220       500        300 fixed
  B   G1   D1   hotline      30       800*       900     -     -         5000       - (reopened)
  C   G2   D2   grid_worker  100      110        200     250   900       600        950 fixed
  D   G2   D2   citizen_app  200      210        400     300   500       700        600 unable_to_fix
  E   G3   D1   hotline      300      310        2000    -     -         3000       - (open)
  F   G3   D1   hotline      1200 (after the period: counts nowhere)

  * B was closed, called back unsatisfied at 800 and reopened (redispatched at 800): its
    acknowledgement and response were cleared, as the projection does.
Call-backs: A satisfied at 400, B unsatisfied at 800 (reopen_count 1), D basically_satisfied
at 700. Urges: B 2, D 1.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from dispatch.domain.evaluation import EvaluationRow, Level, evaluate, score
from dispatch.domain.state import Incident
from dispatch.domain.status import IncidentStatus

S = IncidentStatus
G1, G2, G3 = "320508001001001", "320508001002001", "320508002001001"


def incident(iid: str, grid: str, dept: str, source: str, reported: float,
             **kw: object) -> Incident:
    inc = Incident(id=iid, source=source, class_code="0101", priority="normal", lon=120.6,
                   lat=31.3, grid=grid, description="", reporter="", reported_at=reported,
                   dispatch_due=reported + 3600, lead_department=dept)
    for k, v in kw.items():
        setattr(inc, k, v)
    return inc


def fixture() -> list[Incident]:
    return [
        incident("A", G1, "D1", "hotline", 10, status=S.CLOSED, dispatched_at=20, ack_due=120,
                 acknowledged_at=50, responded_at=220, handle_due=500, closed_at=300,
                 close_reason="fixed", callback_result="satisfied", called_back_at=400),
        incident("B", G1, "D1", "hotline", 30, status=S.DISPATCHED, dispatched_at=800,
                 ack_due=900, handle_due=5000, callback_result="unsatisfied",
                 called_back_at=800, reopen_count=1, rework_count=1, urges=2),
        incident("C", G2, "D2", "grid_worker", 100, status=S.CLOSED, dispatched_at=110,
                 ack_due=200, acknowledged_at=250, responded_at=900, handle_due=600,
                 closed_at=950, close_reason="fixed"),
        incident("D", G2, "D2", "citizen_app", 200, status=S.CLOSED, dispatched_at=210,
                 ack_due=400, acknowledged_at=300, responded_at=500, handle_due=700,
                 closed_at=600, close_reason="unable_to_fix",
                 callback_result="basically_satisfied", called_back_at=700, urges=1),
        incident("E", G3, "D1", "hotline", 300, status=S.DISPATCHED, dispatched_at=310,
                 ack_due=2000, handle_due=3000),
        incident("F", G3, "D1", "hotline", 1200),
    ]


def rows(level: Level, **kw: float) -> dict[str, EvaluationRow]:
    return {r.code: r for r in evaluate(fixture(), 0, 1000, level, **kw)}


def test_district_every_indicator() -> None:
    (row,) = rows(Level.DISTRICT).values()
    assert row.code == "320508"
    assert row.rank == 1
    got = row.indicators()
    # due (settle in the period): A (min(500, 300) = 300), C (600), D (600); B and E settle
    # at 5000 / 3000. Closed: all three → 3/3. On time (responded ≤ handle_due): A, D → 2/3.
    assert got["closure_rate"] == 1.0
    assert got["on_time_closure_rate"] == pytest.approx(2 / 3)
    # response: dispatched in the period and settled (acknowledged, or ack_due ≤ 1000): A, B
    # (ack_due 900 passed, not acknowledged), C, D; E's ack_due 2000 is still ahead.
    # Acknowledged by ack_due: A (50 ≤ 120), D (300 ≤ 400); C late (250 > 200) → 2/4.
    assert got["response_rate"] == 0.5
    # resolution: closed in the period A, C, D; fixed and never reopened A, C → 2/3.
    assert got["resolution_rate"] == pytest.approx(2 / 3)
    # urge: citizen's cases reported in the period A, B, D, E (F after it); urged B, D → 2/4.
    assert got["urge_rate"] == 0.5
    # called back in the period A, B, D; satisfied or basically: A, D → 2/3; reopened B → 1/3.
    assert got["satisfaction_rate"] == pytest.approx(2 / 3)
    assert got["reopen_rate"] == pytest.approx(1 / 3)
    # dispatch → acknowledgement: A 30, C 140, D 90 → 260/3; → response: 200, 790, 290 → 1280/3.
    assert got["mean_response_s"] == pytest.approx(260 / 3)
    assert got["mean_handling_s"] == pytest.approx(1280 / 3)


def test_community_rank_by_score() -> None:
    r = rows(Level.COMMUNITY)
    c1, c2, c3 = r["320508001001"], r["320508001002"], r["320508002001"]
    # C1 (A, B): closure 1, on time 1, response 1/2, resolution 1, satisfaction 1/2,
    # urge 1/2, reopen 1/2:
    # 0.2 + 0.2 + 0.15·0.5 + 0.15 + 0.2·0.5 + 0.05·0.5 + 0.05·0.5 = 0.775
    assert c1.indicators() == {
        "closure_rate": 1.0, "on_time_closure_rate": 1.0, "response_rate": 0.5,
        "resolution_rate": 1.0, "satisfaction_rate": 0.5, "urge_rate": 0.5,
        "reopen_rate": 0.5, "whistle_on_time_rate": None, "mean_response_s": 30.0, "mean_handling_s": 200.0}
    assert c1.score == pytest.approx(0.775)
    # C2 (C, D): closure 1, on time 1/2, response 1/2, resolution 1/2, satisfaction 1,
    # urge 1 (D), reopen 0: 0.2 + 0.1 + 0.075 + 0.075 + 0.2 + 0 + 0.05 = 0.7
    assert c2.indicators() == {
        "closure_rate": 1.0, "on_time_closure_rate": 0.5, "response_rate": 0.5,
        "resolution_rate": 0.5, "satisfaction_rate": 1.0, "urge_rate": 1.0,
        "reopen_rate": 0.0, "whistle_on_time_rate": None, "mean_response_s": 115.0, "mean_handling_s": 540.0}
    assert c2.score == pytest.approx(0.7)
    # C3 (E): nothing due in the period → no score, ranked last; its urge rate is 0/1.
    assert c3.score is None
    assert c3.indicators()["urge_rate"] == 0.0
    assert c3.indicators()["closure_rate"] is None
    assert (c1.rank, c2.rank, c3.rank) == (1, 2, 3)


def test_street_and_department() -> None:
    s = rows(Level.STREET)
    # S1 = A–D: 0.2 + 0.2·2/3 + 0.15·0.5 + 0.15·2/3 + 0.2·2/3 + 0.05·(1-2/3) + 0.05·(1-1/3)
    assert s["320508001"].score == pytest.approx(0.2 + 0.4 / 3 + 0.075 + 0.1 + 0.4 / 3
                                                 + 0.05 / 3 + 0.1 / 3)
    assert s["320508001"].indicators()["urge_rate"] == pytest.approx(2 / 3)  # A, B, D; B, D
    assert (s["320508001"].rank, s["320508002"].rank) == (1, 2)
    d = rows(Level.DEPARTMENT)
    # D1 = A, B, E: as C1 but urge 1/3 (A, B, E; B): 0.775 - 0.025 + 0.05·2/3
    assert d["D1"].score == pytest.approx(0.75 + 0.1 / 3)
    assert d["D2"].score == pytest.approx(0.7)
    assert (d["D1"].rank, d["D2"].rank) == (1, 2)
    assert set(rows(Level.GRID)) == {G1, G2, G3}


def test_ties_rank_by_code_and_now_limits_what_counts() -> None:
    a = fixture()[0]
    twin = replace(a, id="A2", grid="320508001001000")
    out = evaluate([a, twin], 0, 1000, Level.GRID)
    assert [(r.code, r.rank) for r in out] == [("320508001001000", 1), (G1, 2)]
    assert out[0].score == out[1].score == pytest.approx(1.0)
    # seen at 350: only A has settled (C and D at 600); no call-back yet (A's is at 400);
    # response: A (acknowledged), C (ack_due 200 passed), D (acknowledged at 300) → 2/3.
    (row,) = evaluate(fixture(), 0, 1000, Level.DISTRICT, now=350)
    got = row.indicators()
    assert (row.kpi.due, got["closure_rate"], got["satisfaction_rate"]) == (1, 1.0, None)
    assert got["response_rate"] == pytest.approx(2 / 3)


def test_bad_period_is_refused() -> None:
    with pytest.raises(ValueError, match="after its start"):
        evaluate(fixture(), 1000, 1000, Level.GRID)
    assert score({"urge_rate": 0.0}) is None  # nothing due: not ranked on merit
