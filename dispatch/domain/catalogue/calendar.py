"""Deadlines on the working calendar: due times and working time between two instants.

Instants are epoch seconds (UTC). Wall-clock limits (minutes, hours, days) are plain additions.
Working limits count only the calendar's working periods in local time (``utc_offset_minutes``):
non-working weekdays and holidays are skipped, make-up working days (调休) are worked. A limit
that starts outside working time starts counting at the next working period; a limit that is used
up exactly at the end of a period is due at that end (Friday 17:00 + 1 working hour is Friday
18:00, not Monday 09:00). ``working_days`` limits are ``value × hours_per_working_day`` working
hours.

Each calendar is compiled once into the cumulative function W(t) = "working seconds between the
epoch and t" and its inverse, so a call costs a few arithmetic operations and bisections whatever
the size of the limit: nothing loops over minutes, periods or days.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from cachetools import LRUCache, cached

from dispatch.domain.catalogue.model import LimitUnit, TimeLimit, WorkingCalendar

__all__ = [
    "add_working_seconds",
    "calendar_problems",
    "due_at",
    "is_working_time",
    "limit_seconds",
    "with_official_days",
    "working_seconds_between",
]

DAY = 86_400
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday; Monday is 0.

_WALL_CLOCK_SECONDS = {LimitUnit.MINUTES: 60.0, LimitUnit.HOURS: 3600.0, LimitUnit.DAYS: 86400.0}


def calendar_problems(calendar: WorkingCalendar) -> list[str]:
    """Everything wrong with ``calendar`` (empty when it is usable), one message per problem."""
    problems: list[str] = []
    offset = calendar.utc_offset_minutes
    if not isinstance(offset, int) or isinstance(offset, bool) or not -720 <= offset <= 840:
        problems.append(f"utc_offset_minutes must be an integer in -720..840, got {offset!r}")
    if not calendar.periods:
        problems.append("periods must not be empty")
    previous_end = -1
    for start, end in calendar.periods:
        if not (0 <= start < end <= 24 * 60):
            problems.append(f"period {_hhmm(start)}-{_hhmm(end)} must satisfy "
                            f"00:00 <= start < end <= 24:00")
        elif start < previous_end:
            problems.append(f"period {_hhmm(start)}-{_hhmm(end)} overlaps or precedes the "
                            f"previous period; periods must be sorted and disjoint")
        previous_end = max(previous_end, end)
    if not calendar.working_weekdays:
        problems.append("working_weekdays must not be empty")
    for day in calendar.working_weekdays:
        if day not in range(7):
            problems.append(f"working weekday {day!r} must be 0 (Monday) .. 6 (Sunday)")
    if len(set(calendar.working_weekdays)) != len(calendar.working_weekdays):
        problems.append("working_weekdays has duplicates")
    if not calendar.hours_per_working_day > 0:
        problems.append(f"hours_per_working_day must be positive, "
                        f"got {calendar.hours_per_working_day!r}")
    dates: dict[str, set[str]] = {}
    for field_name in ("holidays", "extra_working_days"):
        seen: set[str] = set()
        for text in getattr(calendar, field_name):
            try:
                date.fromisoformat(text)
            except (TypeError, ValueError):
                problems.append(f"{field_name}: {text!r} is not an ISO date (YYYY-MM-DD)")
                continue
            if text in seen:
                problems.append(f"{field_name}: {text} is listed twice")
            seen.add(text)
        dates[field_name] = seen
    for text in sorted(dates["holidays"] & dates["extra_working_days"]):
        problems.append(f"{text} is both a holiday and an extra working day")
    return problems


def with_official_days(calendar: WorkingCalendar, official_holidays: Iterable[str],
                       official_working_days: Iterable[str]) -> WorkingCalendar:
    """``calendar`` with the official holidays and make-up working days (调休) added to its own.

    The calendar's own dates are a centre's local overrides and win: a local extra working day
    is worked even on an official holiday, a local closure is closed even on an official
    make-up working day.
    """
    closures = set(calendar.holidays)
    opened = set(calendar.extra_working_days)
    holidays = (set(official_holidays) - opened) | closures
    working = (set(official_working_days) - closures) | opened
    return replace(calendar, holidays=tuple(sorted(holidays)),
                   extra_working_days=tuple(sorted(working)))


class _Compiled:
    """A calendar as numbers: period bounds in seconds, weekday pattern, holiday corrections."""

    __slots__ = ("added", "added_set", "c_hi", "c_lo", "calendar", "cum", "day_work", "ends",
                 "has_zone", "nwd", "offset", "pos", "prefix", "removed", "removed_set", "shift",
                 "starts", "week_working", "zone_days", "zone_lo")

    def __init__(self, calendar: WorkingCalendar) -> None:
        problems = calendar_problems(calendar)
        if problems:
            raise ValueError("invalid working calendar: " + "; ".join(problems))
        # Held so that the calendar outlives its cache entry: the cache is keyed by id().
        self.calendar = calendar
        self.offset = calendar.utc_offset_minutes * 60
        self.starts = tuple(start * 60 for start, _ in calendar.periods)
        self.ends = tuple(end * 60 for _, end in calendar.periods)
        cum = [0]
        for start, end in zip(self.starts, self.ends, strict=True):
            cum.append(cum[-1] + end - start)
        self.cum = tuple(cum)
        self.day_work = cum[-1]
        weekdays = set(calendar.working_weekdays)
        # Day number x (days since 1970-01-01, local) has weekday (x + 3) % 7; weeks are
        # counted from day 0, so x % 7 indexes these tables.
        self.week_working = tuple((x + _EPOCH_WEEKDAY) % 7 in weekdays for x in range(7))
        self.pos = tuple(x for x in range(7) if self.week_working[x])
        self.nwd = len(self.pos)
        self.prefix = tuple(sum(self.week_working[:j]) for j in range(8))
        holidays = {_day_number(text) for text in calendar.holidays}
        extras = {_day_number(text) for text in calendar.extra_working_days}
        self.removed = tuple(sorted(d for d in holidays if self.week_working[d % 7]))
        self.added = tuple(sorted(d for d in extras if not self.week_working[d % 7]))
        self.removed_set = frozenset(self.removed)
        self.added_set = frozenset(self.added)
        self.shift = len(self.removed) - len(self.added)
        self.has_zone = bool(self.removed or self.added)
        self.zone_lo = self.c_lo = self.c_hi = 0
        self.zone_days: tuple[int, ...] = ()
        if self.has_zone:
            lo = min(self.removed + self.added)
            hi = max(self.removed + self.added) + 1
            self.zone_lo = lo
            self.zone_days = tuple(d for d in range(lo, hi) if self.is_working_day(d))
            self.c_lo = self.days_before(lo)
            self.c_hi = self.days_before(hi)

    def is_working_day(self, d: int) -> bool:
        if d in self.removed_set:
            return False
        if d in self.added_set:
            return True
        return self.week_working[d % 7]

    def days_before(self, d: int) -> int:
        """Working days in [0, d) (negative for d < 0; only differences matter)."""
        count = (d // 7) * self.nwd + self.prefix[d % 7]
        if self.has_zone:
            count += bisect_left(self.added, d) - bisect_left(self.removed, d)
        return count

    def nth_day(self, k: int) -> int:
        """The working day d with ``days_before(d) == k``."""
        if self.has_zone and k >= self.c_lo:
            if k < self.c_hi:
                return self.zone_days[k - self.c_lo]
            k += self.shift
        weeks, j = divmod(k, self.nwd)
        return weeks * 7 + self.pos[j]

    def worked(self, ts: float) -> float:
        """W(ts): working seconds between the epoch and ``ts``."""
        local = ts + self.offset
        d = math.floor(local / DAY)
        total = float(self.days_before(d) * self.day_work)
        if self.is_working_day(d):
            sec = local - d * DAY
            for start, end in zip(self.starts, self.ends, strict=True):
                if sec <= start:
                    break
                total += (sec if sec < end else end) - start
        return total

    def instant(self, work: float) -> float:
        """The earliest instant t with W(t) == ``work``."""
        k = math.ceil(work / self.day_work) - 1
        rest = work - k * self.day_work
        if rest <= 0:  # float rounding at a day boundary
            k -= 1
            rest += self.day_work
        elif rest > self.day_work:
            k += 1
            rest -= self.day_work
        d = self.nth_day(k)
        for i, start in enumerate(self.starts):
            length = self.cum[i + 1] - self.cum[i]
            if rest <= length:
                return d * DAY + start + rest - self.offset
            rest -= length
        return d * DAY + self.ends[-1] - self.offset


# Keyed by identity: hashing a calendar hashes every holiday of every year on each call.
# Each entry holds its calendar, so an id cannot be reused while its entry lives.
@cached(LRUCache(maxsize=64), key=id)
def _compiled(calendar: WorkingCalendar) -> _Compiled:
    return _Compiled(calendar)


def working_seconds_between(a: float, b: float, calendar: WorkingCalendar) -> float:
    """Working seconds from ``a`` to ``b`` on ``calendar``; negative when ``b`` is before ``a``.

    Use it for "working time remaining" (``now`` → due, negative once overdue) and for KPIs
    counted in working time.
    """
    compiled = _compiled(calendar)
    return compiled.worked(b) - compiled.worked(a)


def add_working_seconds(start_ts: float, seconds: float, calendar: WorkingCalendar) -> float:
    """The earliest instant at which ``seconds`` of working time have elapsed since ``start_ts``."""
    if seconds < 0:
        raise ValueError(f"working seconds must not be negative, got {seconds!r}")
    if seconds == 0:
        return start_ts
    compiled = _compiled(calendar)
    # max(): a limit too small to register next to W(start_ts) must not end before it starts.
    return max(start_ts, compiled.instant(compiled.worked(start_ts) + seconds))


def is_working_time(ts: float, calendar: WorkingCalendar) -> bool:
    """Whether ``ts`` falls inside a working period of a working day."""
    compiled = _compiled(calendar)
    local = ts + compiled.offset
    d = math.floor(local / DAY)
    if not compiled.is_working_day(d):
        return False
    sec = local - d * DAY
    return any(start <= sec < end
               for start, end in zip(compiled.starts, compiled.ends, strict=True))


def limit_seconds(limit: TimeLimit, calendar: WorkingCalendar) -> float:
    """The limit's length in seconds: wall-clock seconds or working seconds, per its unit."""
    if limit.unit in _WALL_CLOCK_SECONDS:
        return limit.value * _WALL_CLOCK_SECONDS[limit.unit]
    if limit.unit == LimitUnit.WORKING_HOURS:
        return limit.value * 3600.0
    if limit.unit == LimitUnit.WORKING_DAYS:
        return limit.value * calendar.hours_per_working_day * 3600.0
    raise ValueError(f"unknown limit unit {limit.unit!r}")


def due_at(start_ts: float, limit: TimeLimit, calendar: WorkingCalendar) -> float:
    """When a limit started at ``start_ts`` runs out (epoch seconds, UTC)."""
    if limit.value < 0:
        raise ValueError(f"time limit must not be negative, got {limit.value!r}")
    seconds = limit_seconds(limit, calendar)
    if limit.unit in _WALL_CLOCK_SECONDS:
        return start_ts + seconds
    return add_working_seconds(start_ts, seconds, calendar)


def _day_number(text: str) -> int:
    return date.fromisoformat(text).toordinal() - _EPOCH_ORDINAL


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
