"""Evaluation periods in the centre's time zone and the month-on-month comparison
(dispatch.domain.evaluation_period, dispatch.domain.evaluation_compare), by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from dispatch.domain.evaluation_compare import compare
from dispatch.domain.evaluation_period import (
    PeriodKind,
    parse_day,
    period_at,
    period_of,
)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> float:
    return datetime(y, mo, d, h, mi, tzinfo=UTC).timestamp()


def test_a_month_runs_from_local_midnight_on_the_first() -> None:
    p = period_of(PeriodKind.MONTH, date(2026, 11, 17))
    # 2026-11-01 00:00 in Beijing is 2026-10-31 16:00 UTC; December's first likewise
    assert (p.start, p.end) == (utc(2026, 10, 31, 16), utc(2026, 11, 30, 16))
    assert p.label == "2026-11"
    prev = p.previous()
    assert (prev.label, prev.start, prev.end) == ("2026-10", utc(2026, 9, 30, 16), p.start)


def test_an_instant_belongs_to_its_local_day() -> None:
    # 16:30 UTC on 31 October is 00:30 on 1 November in Beijing
    assert period_at(PeriodKind.MONTH, utc(2026, 10, 31, 16, 30)).label == "2026-11"
    assert period_at(PeriodKind.MONTH, utc(2026, 10, 31, 15, 59)).label == "2026-10"
    day = period_at(PeriodKind.DAY, utc(2026, 10, 31, 16, 30))
    assert (day.label, day.end - day.start) == ("2026-11-01", 86400.0)


def test_quarters_days_and_year_boundaries() -> None:
    q = period_of(PeriodKind.QUARTER, date(2026, 11, 5))
    assert (q.label, q.first) == ("2026-Q4", date(2026, 10, 1))
    assert (q.start, q.end) == (utc(2026, 9, 30, 16), utc(2026, 12, 31, 16))
    assert period_of(PeriodKind.QUARTER, date(2027, 2, 1)).previous().label == "2026-Q4"
    assert period_of(PeriodKind.MONTH, date(2027, 1, 9)).previous().label == "2026-12"
    assert period_of(PeriodKind.DAY, date(2028, 3, 1)).previous().label == "2028-02-29"
    assert (parse_day("2026-11"), parse_day("2026-Q4"), parse_day("2026-11-07")) == \
        (date(2026, 11, 1), date(2026, 10, 1), date(2026, 11, 7))
    with pytest.raises(ValueError, match="no quarter 5"):
        parse_day("2026-Q5")


def test_month_on_month_previous_and_change() -> None:
    names = ["closure_rate", "mean_response_s"]
    now: list[dict[str, Any]] = [{"code": "a", "score": 0.8, "rank": 1, "closure_rate": 0.75, "mean_response_s": 60.0},
           {"code": "b", "score": None, "rank": 2, "closure_rate": None,
            "mean_response_s": 30.0}]
    before: list[dict[str, Any]] = [{"code": "a", "score": 0.6, "rank": 2, "closure_rate": 0.5,
               "mean_response_s": 90.0},
              {"code": "c", "score": 0.9, "rank": 1, "closure_rate": 1.0,
               "mean_response_s": 10.0}]
    a, b = compare(now, before, names)
    assert a["previous"] == {"score": 0.6, "rank": 2, "closure_rate": 0.5,
                             "mean_response_s": 90.0}
    assert a["change"]["closure_rate"] == pytest.approx(0.25)
    assert a["change"]["mean_response_s"] == pytest.approx(-30.0)
    assert a["change"]["score"] == pytest.approx(0.2)
    assert a["change"]["rank"] == 1.0  # climbed from 2nd to 1st
    assert b["previous"] is None
    assert b["change"] is None
    assert a["closure_rate"] == 0.75  # the row itself is unchanged
    # an indicator missing on one side has no change
    (only,) = compare([{"code": "a", "score": None, "rank": 1, "closure_rate": None}],
                      [{"code": "a", "score": 0.5, "rank": 1, "closure_rate": 0.5}],
                      ["closure_rate"])
    assert only["change"] == {"closure_rate": None, "score": None, "rank": 0.0}


def test_explicit_bounds_of_a_calendar_period_compare_with_the_one_before() -> None:
    from datetime import datetime

    from dispatch.adapters.server.evaluation_data import window_of
    from dispatch.domain.evaluation_period import CENTRE_TZ

    def ts(year: int, month: int, day: int) -> float:
        return datetime(year, month, day, tzinfo=CENTRE_TZ).timestamp()

    def previous(start: float, end: float) -> tuple[float, float]:
        w = window_of("evaluation", {"period": None, "at": None, "start": start, "end": end}, end)
        return w.prev_start, w.prev_end

    # November by its bounds: October (31 days), not the 30 days before 1 November
    assert previous(ts(2026, 11, 1), ts(2026, 12, 1)) == (ts(2026, 10, 1), ts(2026, 11, 1))
    assert previous(ts(2026, 10, 1), ts(2027, 1, 1)) == (ts(2026, 7, 1), ts(2026, 10, 1))
    assert previous(ts(2026, 3, 1), ts(2026, 3, 2)) == (ts(2026, 2, 28), ts(2026, 3, 1))
    # any other window: the same length just before
    assert previous(ts(2026, 11, 3), ts(2026, 11, 10)) == (ts(2026, 10, 27), ts(2026, 11, 3))
