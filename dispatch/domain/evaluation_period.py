"""Evaluation periods (考核周期): a calendar day, month or quarter in the centre's time zone
(Asia/Shanghai), and the period before it of the same kind (the month-on-month comparison,
环比). Pure: the instant a period is asked for is an argument, never the clock.

A period is ``[start, end)`` in epoch seconds: a day from local midnight to the next, a month
from the 1st at 00:00 to the next 1st, a quarter from 1 January, April, July or October to
the next quarter's first day. See docs/KPI.md "Periods and the month-on-month comparison".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

CENTRE_TZ = ZoneInfo("Asia/Shanghai")


class PeriodKind(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    first: date  # the period's first local day
    start: float
    end: float

    @property
    def label(self) -> str:
        """``2026-11-07``, ``2026-11`` or ``2026-Q4``."""
        if self.kind == PeriodKind.DAY:
            return self.first.isoformat()
        if self.kind == PeriodKind.MONTH:
            return f"{self.first.year:04d}-{self.first.month:02d}"
        return f"{self.first.year:04d}-Q{(self.first.month - 1) // 3 + 1}"

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return self.shifted(-1)

    def shifted(self, steps: int, tz: tzinfo = CENTRE_TZ) -> Period:
        """The period of the same kind ``steps`` periods after this one (negative: before)."""
        return period_of(self.kind, _shift_first(self.kind, self.first, steps), tz)

    def as_dict(self) -> dict[str, object]:
        return {"kind": self.kind.value, "label": self.label, "start": self.start,
                "end": self.end}


def _midnight(d: date, tz: tzinfo) -> float:
    return datetime(d.year, d.month, d.day, tzinfo=tz).timestamp()


def _first_day(kind: PeriodKind, d: date) -> date:
    if kind == PeriodKind.DAY:
        return d
    if kind == PeriodKind.MONTH:
        return d.replace(day=1)
    return date(d.year, (d.month - 1) // 3 * 3 + 1, 1)


def _shift_first(kind: PeriodKind, first: date, steps: int) -> date:
    """The first day of the period ``steps`` periods after the one starting on ``first``."""
    if kind == PeriodKind.DAY:
        return first + timedelta(days=steps)
    m = first.year * 12 + first.month - 1 + steps * (1 if kind == PeriodKind.MONTH else 3)
    return date(m // 12, m % 12 + 1, 1)


def period_of(kind: PeriodKind, day: date, tz: tzinfo = CENTRE_TZ) -> Period:
    """The period of ``kind`` holding the local day ``day`` (midnights in ``tz``: the
    centre's time zone unless a catalogue says otherwise)."""
    first = _first_day(kind, day)
    return Period(kind, first, _midnight(first, tz),
                  _midnight(_shift_first(kind, first, 1), tz))


def period_at(kind: PeriodKind, ts: float) -> Period:
    """The period of ``kind`` holding the instant ``ts`` (its local day in the centre)."""
    return period_of(kind, datetime.fromtimestamp(ts, CENTRE_TZ).date())


def parse_day(text: str) -> date:
    """``2026-11``, ``2026-Q4`` or ``2026-11-07`` → a local day in that period (its first);
    ValueError for anything else."""
    t = text.strip()
    if len(t) == 7 and t[4] == "-" and t[5] in "Qq":
        year, q = int(t[:4]), int(t[6])
        if not 1 <= q <= 4:
            raise ValueError(f"no quarter {q}")
        return date(year, 3 * (q - 1) + 1, 1)
    if len(t) == 7 and t[4] == "-":
        return date(int(t[:4]), int(t[5:7]), 1)
    return date.fromisoformat(t)
