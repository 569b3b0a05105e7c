"""Posts (岗位) in the evaluation: dispatchers and grid workers, patrol coverage and the
drill-through to cases (dispatch.domain.evaluation_posts, patrol, evaluation_cases), each
against numbers computed by hand. The dispatcher and drill-through tests reuse the hand-made
fixture of tests/domain/test_evaluation.py."""

from __future__ import annotations

import math
from typing import Any

import pytest
from shapely.geometry import box

from dispatch.domain import commands as cmd
from dispatch.domain.evaluation import Level, evaluate
from dispatch.domain.evaluation_cases import RULES, cases, worker_cases
from dispatch.domain.evaluation_posts import GridWorker, evaluate_grid_workers
from dispatch.domain.kpi import GroupBy, group_key
from dispatch.domain.patrol import M_PER_DEG_LAT, M_PER_DEG_LON_EQUATOR, coverage
from dispatch.domain.state import Incident
from dispatch.domain.status import IncidentStatus
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, free_units, report
from tests.domain.test_evaluation import G1, G2, fixture, incident

S = IncidentStatus
LON0, LAT0 = 120.6, 31.3


def square_100m() -> Any:
    """A 100 m × 100 m grid with its south-west corner at (LON0, LAT0)."""
    lat1 = LAT0 + 100 / M_PER_DEG_LAT
    kx = M_PER_DEG_LON_EQUATOR * math.cos(math.radians((LAT0 + lat1) / 2))
    return box(LON0, LAT0, LON0 + 100 / kx, lat1), kx


def at_m(x: float, y: float, kx: float) -> tuple[float, float]:
    return LON0 + x / kx, LAT0 + y / M_PER_DEG_LAT


# ------------------------------------------------------------------------------ coverage


def test_a_walk_across_the_middle_covers_a_60_m_band() -> None:
    grid, kx = square_100m()
    a, b = at_m(-10, 50, kx), at_m(110, 50, kx)
    # reports 60 s apart are one walk: the band 30 m either side, 60 m of 100 m: 0.6
    assert coverage([(0.0, *a), (60.0, *b)], grid) == pytest.approx(0.6, abs=1e-6)
    # a walk along the west edge covers a 30 m strip inside the grid: 0.3
    c, d = at_m(0, -50, kx), at_m(0, 150, kx)
    assert coverage([(0.0, *c), (60.0, *d)], grid) == pytest.approx(0.3, abs=1e-6)


def test_reports_far_apart_in_time_are_points_not_a_walk() -> None:
    grid, kx = square_100m()
    a, b = at_m(30, 50, kx), at_m(70, 50, kx)
    # joined (within 300 s): a 40 m segment, buffered: 40·60 + π·30² = 5227 m² of 10,000
    joined = coverage([(0.0, *a), (200.0, *b)], grid)
    assert joined == pytest.approx((40 * 60 + math.pi * 900) / 10_000, rel=5e-3)
    # 10 minutes apart: two discs of 30 m whose overlap (centres 40 m apart) counts once
    r, dist = 30.0, 40.0
    lens = 2 * r * r * math.acos(dist / (2 * r)) - dist / 2 * math.sqrt(4 * r * r - dist * dist)
    apart = coverage([(0.0, *a), (600.0, *b)], grid)
    # (a buffer's circle is a 32-sided polygon: 0.64 % less area than the disc)
    assert apart == pytest.approx((2 * math.pi * 900 - lens) / 10_000, rel=1e-2)
    assert coverage([], grid) == 0.0


# ------------------------------------------------------------------------------- workers

W1 = GridWorker("U-W1", "王网格", G1)
W2 = GridWorker("U-W2", "李网格", G2)


def worker_fixture() -> list[Incident]:
    """Period [0, 1000) seen at 1000.

    R1 grid-worker report in G1 at 100, verified at 700 (due 600: late)
    R2 grid-worker report in G2 at 150 (W2's)
    R3 hotline case in G1 at 50, verified at 400 (due 500: on time)
    O1 W1 sent at 200, ack due 300, acknowledged 250: on time
    O2 W1 (and U-X) sent at 300, ack due 400, never acknowledged: settled, late
    O3 W1 sent at 900, ack due 2000, not acknowledged: not settled, not counted
    O4 W1 sent at 1500: after the period
    """
    return [
        incident("R1", G1, "", "grid_worker", 100, verified_at=700, verify_due=600),
        incident("R2", G2, "", "grid_worker", 150),
        incident("R3", G1, "", "hotline", 50, verified_at=400, verify_due=500),
        incident("O1", G2, "D1", "hotline", 190, sent_units=("U-W1",), dispatched_at=200,
                 ack_due=300, acknowledged_at=250),
        incident("O2", G2, "D1", "hotline", 290, sent_units=("U-W1", "U-X"),
                 dispatched_at=300, ack_due=400),
        incident("O3", G2, "D1", "hotline", 890, sent_units=("U-W1",), dispatched_at=900,
                 ack_due=2000),
        incident("O4", G2, "D1", "hotline", 1400, sent_units=("U-W1",), dispatched_at=1500,
                 ack_due=1600),
    ]


def test_grid_worker_indicators_and_score() -> None:
    grid, kx = square_100m()
    track = [(10.0, *at_m(-10, 50, kx)), (70.0, *at_m(110, 50, kx)),
             (5000.0, *at_m(50, 10, kx))]  # the last report is after the period
    r1, r2 = evaluate_grid_workers([W1, W2], worker_fixture(), 0, 1000,
                                   tracks={"U-W1": track}, grids={G1: grid})
    got = r1.indicators()
    assert r1.code == "U-W1"
    assert r1.rank == 1
    assert got["reports"] == 1  # R1 (R2 is in G2, R3 is a hotline case)
    assert got["verification_on_time_rate"] == 0.5  # R3 on time, R1 late
    assert got["work_order_response_rate"] == 0.5  # O1 on time, O2 late; O3 unsettled
    assert got["patrol_coverage"] == pytest.approx(0.6, abs=1e-6)
    assert r1.counts.patrol_points == 2
    # score: (0.35·0.5 + 0.35·0.5 + 0.30·0.6) / 1.0 = 0.53
    assert r1.score == pytest.approx(0.53)
    d = r1.as_dict()
    assert (d["name"], d["grid"], d["work_orders"], d["verifications"]) == ("王网格", G1, 2, 2)
    # W2: one report, nothing rated (no grid polygon given: no coverage): no score, last
    assert (r2.code, r2.rank, r2.score, r2.indicators()["reports"]) == ("U-W2", 2, None, 1)
    assert r2.indicators()["patrol_coverage"] is None


def test_grid_worker_cases_match_the_row() -> None:
    incs = worker_fixture()
    verify = worker_cases(incs, W1, "verification_on_time_rate", 0, 1000, 1000)
    assert [(c.incident.id, c.counted) for c in verify] == [("R1", False), ("R3", True)]
    orders = worker_cases(incs, W1, "work_order_response_rate", 0, 1000, 1000)
    assert [(c.incident.id, c.counted) for c in orders] == [("O1", True), ("O2", False)]
    assert [c.incident.id for c in worker_cases(incs, W1, "reports", 0, 1000, 1000)] == ["R1"]


# ---------------------------------------------------------------------------- dispatchers


def test_dispatcher_rows_group_by_who_dispatched() -> None:
    incs = fixture()
    who = {"D1": "disp-a", "D2": "disp-b"}
    for inc in incs:
        if inc.dispatched_at is not None:
            inc.dispatched_by = who[inc.lead_department]
    incs[-1].registered_by = "disp-c"  # F: registered, not dispatched; after the period
    by_post = {r.code: r for r in evaluate(incs, 0, 1000, Level.DISPATCHER)}
    by_dept = {r.code: r for r in evaluate(fixture(), 0, 1000, Level.DEPARTMENT)}
    # each dispatcher dispatched exactly one department's incidents here: the same numbers
    assert set(by_post) == {"disp-a", "disp-b"}
    for dept, op in who.items():
        assert by_post[op].indicators() == by_dept[dept].indicators()
        assert by_post[op].rank == by_dept[dept].rank


def test_the_projection_records_who_reported_dispatched_verified_and_closed(engine: Any
                                                                              ) -> None:
    iid = report(engine, actor=LEAD)
    engine.execute(cmd.RegisterIncident(iid), DISPATCHER)
    inc = engine.state.incidents[iid]
    dept = engine.catalogue.lead_department_of(inc.class_code)
    units = free_units(engine, dept, 2)
    engine.execute(cmd.AssignUnits(iid, units[:1]), DISPATCHER)
    engine.execute(cmd.Acknowledge(iid), FIELD)
    engine.execute(cmd.StartHandling(iid), FIELD)
    engine.execute(cmd.Respond(iid, "已修复"), FIELD)
    engine.execute(cmd.Verify(iid, True, "现场核实"), FIELD)
    engine.execute(cmd.CloseIncident(iid, "fixed"), LEAD)
    assert (inc.reported_by, inc.registered_by, inc.dispatched_by, inc.verified_by,
            inc.closed_by) == ("lead01", "disp01", "disp01", "gateway", "lead01")
    assert inc.sent_units == units[:1]
    assert inc.units == ()  # released, but still a work order of that unit


# --------------------------------------------------------------------------- drill-through


@pytest.mark.parametrize("level", [Level.DISTRICT, Level.STREET, Level.GRID, Level.DEPARTMENT])
def test_cases_behind_each_number_match_the_rows(level: Level) -> None:
    incs = fixture()
    key = group_key(GroupBy(level.value))
    pairs = {"closure_rate": ("due", "closed"), "on_time_closure_rate": ("due", "closed_on_time"),
             "response_rate": ("dispatched", "responded_on_time"),
             "resolution_rate": ("closed_in_period", "resolved"),
             "satisfaction_rate": ("called_back", "satisfied"),
             "urge_rate": ("citizen_reported", "urged"),
             "reopen_rate": ("called_back", "reopened")}
    for row in evaluate(incs, 0, 1000, level):
        d = row.as_dict()
        for name in RULES:
            found = cases(incs, key, row.code, name, 0, 1000, 1000)
            if name in pairs:
                den, num = pairs[name]
                assert (len(found), sum(c.counted for c in found)) == (d[den], d[num]), name
            else:
                values = [c.value for c in found if c.value is not None]
                mean = sum(values) / len(values) if values else None
                assert mean == pytest.approx(d[name]) if mean is not None else d[name] is None


def test_cases_of_the_district_closure_rate_by_hand() -> None:
    found = cases(fixture(), group_key(GroupBy.DISTRICT), "320508", "on_time_closure_rate",
                  0, 1000, 1000)
    # due: A, C, D; on time (responded ≤ handle_due): A (220 ≤ 500), D (500 ≤ 700)
    assert [(c.incident.id, c.counted) for c in found] == [("A", True), ("C", False),
                                                            ("D", True)]
    with pytest.raises(KeyError):
        cases(fixture(), group_key(GroupBy.DISTRICT), "320508", "nonsense", 0, 1000, 1000)
