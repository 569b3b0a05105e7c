"""Due times and working time on the working calendar (Asia/Shanghai, 09-12 and 13-18)."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.adapters.catalogue_loader import (
    default_catalogue,
    default_catalogue_dir,
    load_catalogue,
)
from dispatch.domain.catalogue import (
    LimitUnit,
    TimeLimit,
    WorkingCalendar,
    add_working_seconds,
    due_at,
    is_working_time,
    limit_seconds,
    working_seconds_between,
)
from dispatch.domain.catalogue.calendar import with_official_days

BEIJING = timezone(timedelta(hours=8))
KNOWN_YEARS = {day.year for day in chinese_calendar.holidays}
CAL = WorkingCalendar()
HOUR = 3600.0


def bj(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> float:
    """Epoch seconds of a Beijing wall-clock time."""
    return datetime(year, month, day, hour, minute, tzinfo=BEIJING).timestamp()


def wh(value: float) -> TimeLimit:
    return TimeLimit(value, LimitUnit.WORKING_HOURS)


def wd(value: float) -> TimeLimit:
    return TimeLimit(value, LimitUnit.WORKING_DAYS)


# 2025-11-17 is a Monday; the week has no public holiday.
MON, TUE, WED, THU, FRI, SAT, SUN = (17, 18, 19, 20, 21, 22, 23)


def nov(day: int, hour: int = 0, minute: int = 0) -> float:
    return bj(2025, 11, day, hour, minute)


@pytest.mark.parametrize(("start", "limit", "due"), [
    # Friday 17:00 + 4 working hours: one hour on Friday, three on Monday morning.
    (nov(FRI, 17), wh(4), nov(24, 12)),
    # Used up exactly at the end of a period: due then, not at the next period's start.
    (nov(FRI, 17), wh(1), nov(FRI, 18)),
    (nov(TUE, 9), wh(3), nov(TUE, 12)),
    (nov(TUE, 9), wh(3.5), nov(TUE, 13, 30)),
    # Reported at night: the clock starts at 09:00 the next working morning.
    (nov(WED, 22), wh(4), nov(THU, 14)),
    (nov(THU, 2, 30), wh(0.5), nov(THU, 9, 30)),
    # Reported in the lunch break: counting starts at 13:00.
    (nov(THU, 12, 30), wh(4), nov(THU, 17)),
    (nov(THU, 12, 30), wh(6), nov(FRI, 10)),
    # Reported at the weekend.
    (nov(SAT, 10), wh(2), nov(24, 11)),
    (nov(SUN, 23, 59), wh(8), nov(24, 18)),
    # Working days are hours_per_working_day working hours each.
    (nov(THU, 10), wd(1), nov(FRI, 10)),
    (nov(THU, 10), wd(5), nov(27, 10)),
    (nov(THU, 10), wd(0.5), nov(THU, 15)),
    (nov(FRI, 20), wd(1), nov(24, 18)),
    (nov(MON, 9), wd(10), nov(28, 18)),
    # Wall-clock units ignore the calendar.
    (nov(SAT, 23, 45), TimeLimit(30, LimitUnit.MINUTES), nov(SUN, 0, 15)),
    (nov(FRI, 17), TimeLimit(4, LimitUnit.HOURS), nov(FRI, 21)),
    (nov(FRI, 17), TimeLimit(2, LimitUnit.DAYS), nov(SUN, 17)),
    # A zero limit is due at once.
    (nov(SAT, 3), wh(0), nov(SAT, 3)),
])
def test_due_at(start: float, limit: TimeLimit, due: float) -> None:
    assert due_at(start, limit, CAL) == pytest.approx(due, abs=1e-6)


def test_working_days_follow_hours_per_working_day() -> None:
    short = WorkingCalendar(hours_per_working_day=4.0)
    assert due_at(nov(MON, 9), wd(1), short) == pytest.approx(nov(MON, 14))  # 3 h + 1 h
    assert due_at(nov(MON, 9), wd(2), short) == pytest.approx(nov(MON, 18))


def test_long_limits_skip_whole_weeks() -> None:
    assert due_at(nov(MON, 9), wd(50), CAL) == pytest.approx(bj(2026, 1, 23, 18))
    assert due_at(nov(MON, 9), wh(8 * 5 * 52), CAL) == pytest.approx(bj(2026, 11, 13, 18))


def test_other_time_zone_and_periods() -> None:
    utc_shifts = WorkingCalendar(utc_offset_minutes=0, periods=((0, 8 * 60), (20 * 60, 24 * 60)),
                                 working_weekdays=(0, 1, 2, 3, 4, 5))
    saturday_night = datetime(2025, 11, 22, 23, tzinfo=UTC).timestamp()
    monday = datetime(2025, 11, 24, 3, tzinfo=UTC).timestamp()
    assert due_at(saturday_night, wh(4), utc_shifts) == pytest.approx(monday)
    assert working_seconds_between(saturday_night, monday, utc_shifts) == pytest.approx(4 * HOUR)


HOLIDAYS = WorkingCalendar(
    holidays=("2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05",
              "2025-10-06", "2025-10-07", "2025-10-08"),
    extra_working_days=("2025-09-28", "2025-10-11"))


@pytest.mark.parametrize(("start", "limit", "due"), [
    # Friday before National Day: Sunday 2025-09-28 is a make-up working day.
    (bj(2025, 9, 26, 17), wh(2), bj(2025, 9, 28, 10)),
    # The golden week is skipped.
    (bj(2025, 9, 30, 17), wh(2), bj(2025, 10, 9, 10)),
    (bj(2025, 10, 3, 11), wh(1), bj(2025, 10, 9, 10)),
    # ... and Saturday 2025-10-11 is worked.
    (bj(2025, 9, 30, 17), wd(3), bj(2025, 10, 11, 17)),
    (bj(2025, 10, 10, 17), wh(2), bj(2025, 10, 11, 10)),
    # Holidays on a weekend change nothing.
    (bj(2025, 10, 3, 11), TimeLimit(2, LimitUnit.HOURS), bj(2025, 10, 3, 13)),
])
def test_holidays_and_make_up_days(start: float, limit: TimeLimit, due: float) -> None:
    assert due_at(start, limit, HOLIDAYS) == pytest.approx(due, abs=1e-6)


def test_shipped_calendar_knows_the_holidays() -> None:
    calendar = default_catalogue().calendar
    assert due_at(bj(2025, 9, 30, 17), wh(2), calendar) == pytest.approx(bj(2025, 10, 9, 10))
    assert due_at(bj(2026, 2, 13, 17), wh(2), calendar) == pytest.approx(bj(2026, 2, 14, 10))
    assert due_at(bj(2026, 2, 14, 17), wh(2), calendar) == pytest.approx(bj(2026, 2, 24, 10))
    # Far from any listed holiday it is the plain Monday-to-Friday calendar.
    assert due_at(nov(FRI, 17), wh(4), calendar) == pytest.approx(nov(24, 12))
    assert due_at(bj(2030, 3, 1, 17), wh(4), calendar) == pytest.approx(bj(2030, 3, 4, 12))
    assert due_at(bj(2020, 3, 6, 17), wh(4), calendar) == pytest.approx(bj(2020, 3, 9, 12))


def test_working_seconds_between() -> None:
    assert working_seconds_between(nov(TUE, 10), nov(TUE, 11), CAL) == HOUR
    assert working_seconds_between(nov(TUE, 11), nov(TUE, 14), CAL) == 2 * HOUR
    assert working_seconds_between(nov(TUE, 12), nov(TUE, 13), CAL) == 0
    assert working_seconds_between(nov(FRI, 17), nov(24, 10), CAL) == 2 * HOUR
    assert working_seconds_between(nov(SAT, 0), nov(SUN, 23), CAL) == 0
    assert working_seconds_between(nov(MON, 0), nov(24, 0), CAL) == 5 * 8 * HOUR
    # Signed: "time remaining" goes negative once overdue.
    assert working_seconds_between(nov(TUE, 14), nov(TUE, 11), CAL) == -2 * HOUR
    assert working_seconds_between(bj(2025, 9, 30, 17), bj(2025, 10, 9, 10), HOLIDAYS) == 2 * HOUR


def test_is_working_time() -> None:
    assert is_working_time(nov(TUE, 9), CAL)
    assert is_working_time(nov(TUE, 11, 59), CAL)
    assert not is_working_time(nov(TUE, 12), CAL)
    assert not is_working_time(nov(TUE, 18), CAL)
    assert not is_working_time(nov(SAT, 10), CAL)
    assert not is_working_time(bj(2025, 10, 2, 10), HOLIDAYS)
    assert is_working_time(bj(2025, 9, 28, 10), HOLIDAYS)


def test_limit_seconds() -> None:
    assert limit_seconds(TimeLimit(30, LimitUnit.MINUTES), CAL) == 1800
    assert limit_seconds(wh(4), CAL) == 4 * HOUR
    assert limit_seconds(wd(2), CAL) == 16 * HOUR
    assert limit_seconds(TimeLimit(1, LimitUnit.DAYS), CAL) == 86400


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        due_at(nov(MON, 9), wh(-1), CAL)
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_seconds(nov(MON, 9), -1, CAL)
    overlapping = WorkingCalendar(periods=((9 * 60, 12 * 60), (11 * 60, 18 * 60)))
    with pytest.raises(ValueError, match="invalid working calendar: period 11:00-18:00"):
        due_at(nov(MON, 9), wh(1), overlapping)
    with pytest.raises(ValueError, match="working_weekdays must not be empty"):
        working_seconds_between(0, 1, WorkingCalendar(working_weekdays=()))
    with pytest.raises(ValueError, match="not an ISO date"):
        due_at(0, wh(1), WorkingCalendar(holidays=("2025-13-01",)))


# -- properties --------------------------------------------------------------------------

CALENDARS = st.sampled_from([CAL, HOLIDAYS, default_catalogue().calendar,
                             WorkingCalendar(utc_offset_minutes=-300,
                                             periods=((8 * 60, 16 * 60 + 30),),
                                             working_weekdays=(1, 2, 3, 4, 5))])
INSTANTS = st.floats(min_value=bj(2024, 6, 1), max_value=bj(2027, 6, 1))
HOURS = st.floats(min_value=0, max_value=400)


def reference_working_seconds(a: float, b: float, calendar: WorkingCalendar) -> float:
    """Independent day-by-day count of working seconds in [a, b] (a <= b)."""
    tz = timezone(timedelta(minutes=calendar.utc_offset_minutes))
    holidays = set(calendar.holidays)
    extra = set(calendar.extra_working_days)
    day = datetime.fromtimestamp(a, tz).date() - timedelta(days=1)
    last = datetime.fromtimestamp(b, tz).date() + timedelta(days=1)
    total = 0.0
    while day <= last:
        iso = day.isoformat()
        if iso in extra or (day.weekday() in calendar.working_weekdays and iso not in holidays):
            midnight = datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()
            for start, end in calendar.periods:
                lo = max(a, midnight + start * 60)
                hi = min(b, midnight + end * 60)
                total += max(0.0, hi - lo)
        day += timedelta(days=1)
    return total


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, a=INSTANTS, span=st.floats(min_value=0, max_value=40 * 86400))
def test_working_seconds_match_a_day_by_day_count(calendar: WorkingCalendar, a: float,
                                                  span: float) -> None:
    b = a + span
    assert working_seconds_between(a, b, calendar) == pytest.approx(
        reference_working_seconds(a, b, calendar), abs=1e-3)


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, start=INSTANTS, hours=HOURS)
def test_due_at_round_trips(calendar: WorkingCalendar, start: float, hours: float) -> None:
    due = due_at(start, wh(hours), calendar)
    assert due >= start
    assert working_seconds_between(start, due, calendar) == pytest.approx(hours * HOUR, abs=1e-3)
    if hours > 0:
        # Nothing earlier would do: just before the due time, some work is still left.
        assert working_seconds_between(start, due - 1, calendar) < hours * HOUR


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, s1=INSTANTS, s2=INSTANTS, h1=HOURS, h2=HOURS,
       unit=st.sampled_from(list(LimitUnit)))
def test_due_at_is_monotonic(calendar: WorkingCalendar, s1: float, s2: float, h1: float,
                             h2: float, unit: LimitUnit) -> None:
    s1, s2 = sorted((s1, s2))
    h1, h2 = sorted((h1, h2))
    eps = 1e-6
    assert due_at(s1, TimeLimit(h1, unit), calendar) <= due_at(s2, TimeLimit(h1, unit),
                                                               calendar) + eps
    assert due_at(s1, TimeLimit(h1, unit), calendar) <= due_at(s1, TimeLimit(h2, unit),
                                                               calendar) + eps


@settings(max_examples=200, deadline=None)
@given(calendar=CALENDARS, start=INSTANTS, h1=HOURS, h2=HOURS)
def test_limits_compose(calendar: WorkingCalendar, start: float, h1: float, h2: float) -> None:
    once = due_at(start, wh(h1 + h2), calendar)
    twice = due_at(due_at(start, wh(h1), calendar), wh(h2), calendar)
    if h2 > 0:
        assert once == pytest.approx(twice, abs=1e-3)


def test_every_date_in_the_shipped_calendar_is_real() -> None:
    calendar = default_catalogue().calendar
    for text in calendar.holidays + calendar.extra_working_days:
        # Every year the State Council's notices cover in chinesecalendar (2004 on), no other.
        assert date.fromisoformat(text).year in KNOWN_YEARS
    # Make-up working days fall on weekends; holidays that matter fall on weekdays.
    assert all(date.fromisoformat(t).weekday() >= 5 for t in calendar.extra_working_days)


def test_official_days_come_from_the_state_council_notices() -> None:
    calendar = default_catalogue().calendar
    holidays, working = set(calendar.holidays), set(calendar.extra_working_days)
    # National Day and Mid-Autumn 2025: 1-8 October off, Sunday 28 September worked.
    assert {f"2025-10-0{d}" for d in range(1, 9)} <= holidays
    assert "2025-09-28" in working
    assert "2025-10-11" in working
    assert is_working_time(bj(2025, 9, 28, 10), calendar)  # a Sunday
    assert not is_working_time(bj(2025, 10, 8, 10), calendar)  # a Wednesday
    # Spring Festival 2026 as the package has it: 15-23 February off, 14 and 28 worked.
    assert {f"2026-02-{d}" for d in range(15, 24)} <= holidays
    assert {"2026-02-14", "2026-02-28"} <= working
    assert not is_working_time(bj(2026, 2, 16, 10), calendar)
    assert is_working_time(bj(2026, 2, 28, 10), calendar)  # a Saturday
    # Years the package does not know are plain Monday-to-Friday.
    assert not {t for t in holidays | working if date.fromisoformat(t).year not in KNOWN_YEARS}


def test_local_overrides_win_over_the_official_days() -> None:
    local = WorkingCalendar(holidays=("2025-09-28", "2025-11-19"),
                            extra_working_days=("2025-10-08",))
    merged = with_official_days(local, ("2025-10-01", "2025-10-08"), ("2025-09-28",))
    assert set(merged.holidays) == {"2025-10-01", "2025-09-28", "2025-11-19"}
    assert set(merged.extra_working_days) == {"2025-10-08"}
    assert not is_working_time(bj(2025, 9, 28, 10), merged)  # closed although 调休
    assert is_working_time(bj(2025, 10, 8, 10), merged)  # worked although a holiday
    assert not is_working_time(bj(2025, 11, 19, 10), merged)  # the centre's own closure
    assert not is_working_time(bj(2025, 10, 1, 10), merged)


def test_local_overrides_in_calendar_json_win(tmp_path: Path) -> None:
    target = tmp_path / "catalogue"
    shutil.copytree(default_catalogue_dir(), target)
    path = target / "calendar.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(holidays=["2025-09-28", "2025-11-19"], extra_working_days=["2025-10-08"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    calendar = load_catalogue(target).calendar
    assert not is_working_time(bj(2025, 9, 28, 10), calendar)
    assert is_working_time(bj(2025, 10, 8, 10), calendar)
    assert not is_working_time(bj(2025, 11, 19, 10), calendar)
    assert not is_working_time(bj(2025, 10, 7, 10), calendar)  # the rest stays official
    assert is_working_time(bj(2025, 10, 11, 10), calendar)
    # Without the State Council's dates only the centre's own are left.
    data["state_council_holidays"] = False
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    calendar = load_catalogue(target).calendar
    assert calendar.holidays == ("2025-09-28", "2025-11-19")
    assert calendar.extra_working_days == ("2025-10-08",)
