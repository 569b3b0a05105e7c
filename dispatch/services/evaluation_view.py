"""What a client makes of the ``evaluation`` query (docs/PROTOCOL.md, docs/KPI.md
"Evaluation"): the periods it asks for (a day, a month or a quarter in the city's time zone),
the month-on-month comparison of its rows, and the cases behind a number.

The server may already compare a period with the one before (rows with ``previous`` and
``change``); when its rows carry neither, :func:`read_ranking` asks for the previous period too
and compares the rows by code itself, so a client shows the same table either way. The cases
behind a number come from the ``evaluation_cases`` query where the server has it; otherwise
:func:`cases_behind` picks them out of the incidents the client holds (its live mirror).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from dispatch.domain.evaluation import INDICATORS, LOWER_IS_BETTER, Level, evaluate
from dispatch.domain.evaluation_compare import compare
from dispatch.domain.evaluation_period import PeriodKind, period_of
from dispatch.domain.state import Incident

PERIODS = ("day", "month", "quarter")
"""The periods a client offers (the ``period`` argument's values where the server has it)."""

LEVELS = ("district", "street", "community", "grid", "department", "dispatcher",
          "grid_worker")
"""Levels a client offers, in this order; a server that does not know one refuses it
(``evaluation.level must be one of …``) and the client stops offering it."""

REGION_LEVELS = {"district": 6, "street": 9, "community": 12, "grid": 15}

COUNT_KEYS = ("due", "closed", "closed_on_time", "dispatched", "responded_on_time",
              "closed_in_period", "resolved", "citizen_reported", "urged", "called_back",
              "satisfied", "reopened")

# indicator -> (numerator count, denominator count) of docs/KPI.md "Evaluation"
FRACTIONS: dict[str, tuple[str, str]] = {
    "closure_rate": ("closed", "due"),
    "on_time_closure_rate": ("closed_on_time", "due"),
    "response_rate": ("responded_on_time", "dispatched"),
    "resolution_rate": ("resolved", "closed_in_period"),
    "satisfaction_rate": ("satisfied", "called_back"),
    "urge_rate": ("urged", "citizen_reported"),
    "reopen_rate": ("reopened", "called_back"),
}

Answer = dict[str, Any]
Fetch = Callable[[str, float, float], Answer]
"""``fetch(level, start, end)`` → the ``evaluation`` query's answer (``rows``…)."""


# ----------------------------------------------------------------------------- periods

def _kind(kind: str) -> PeriodKind:
    try:
        return PeriodKind(kind)
    except ValueError:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, got {kind!r}") from None


def period_start(kind: str, day: date) -> date:
    """The first day of the ``kind`` period (day, month, quarter) that holds ``day``."""
    return period_of(_kind(kind), day).first


def period_step(kind: str, day: date, steps: int) -> date:
    """The first day of the period ``steps`` periods after the one holding ``day``
    (negative: before)."""
    return period_of(_kind(kind), day).shifted(steps).first


def period_bounds(kind: str, day: date, tz: tzinfo) -> tuple[float, float]:
    """``[start, end)`` of the period holding ``day``, midnight to midnight in ``tz``, as
    epoch seconds."""
    p = period_of(_kind(kind), day, tz)
    return p.start, p.end


def period_label(kind: str, day: date) -> str:
    """``2026-11-07``, ``2026-11`` or ``2026-Q4``."""
    return period_of(_kind(kind), day).label


def parse_month(text: str) -> date:
    """``2026-11`` → 1 November 2026 (``ValueError`` with what is wrong otherwise)."""
    try:
        return datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise ValueError(f"a month is written YYYY-MM (e.g. 2026-11), got {text!r}") from None


# -------------------------------------------------------------------- month on month

def compared(rows: Sequence[Mapping[str, Any]], previous: Sequence[Mapping[str, Any]]
             ) -> list[dict[str, Any]]:
    """``rows`` each with ``previous`` and ``change`` as the server's own comparison gives
    them (:func:`dispatch.domain.evaluation_compare.compare`), ``change`` holding only the
    figures both periods have ({} for a group new in this period)."""
    return [{**r, "change": {k: v for k, v in (r["change"] or {}).items() if v is not None}}
            for r in compare(rows, previous, INDICATORS)]


def read_ranking(fetch: Fetch, level: str, start: float, end: float, previous_start: float
                 ) -> Answer:
    """The answer for ``[start, end)`` with its rows compared with ``[previous_start, start)``:
    the server's comparison when its rows carry one made with that period (for explicit
    bounds a server compares with the window of the same length just before, which is not
    the previous calendar month when the months differ in length), else a second query and
    :func:`compared`."""
    answer = dict(fetch(level, start, end))
    rows = list(answer.get("rows") or [])
    theirs = answer.get("previous_period") or {}
    if rows and all("previous" in r for r in rows) and theirs.get("start") == previous_start:
        answer["rows"] = [{**r, "change": dict(r.get("change") or {})} for r in rows]
        return answer
    before = fetch(level, previous_start, start) if rows else {"rows": []}
    answer["rows"] = compared(rows, list(before.get("rows") or []))
    return answer


def significant(indicator: str, delta: float | None) -> bool:
    """Whether a change is large enough to show: a tenth of a percentage point for a rate or
    the score, a second for a mean time (what the figures are shown to)."""
    if delta is None:
        return False
    return abs(delta) >= (1.0 if indicator.startswith("mean_") else 0.0005)


def better(indicator: str, delta: float) -> bool | None:
    """Whether a change of ``delta`` in ``indicator`` is an improvement (None: no change
    worth showing, see :func:`significant`; for ``rank``, ``delta`` is places risen)."""
    if indicator != "rank" and not significant(indicator, delta):
        return None
    if not delta:
        return None
    return delta < 0 if indicator in LOWER_IS_BETTER or indicator.startswith("mean_") \
        else delta > 0


# ----------------------------------------------------------------- cases behind a number

@dataclass(frozen=True, slots=True)
class CaseQuery:
    """Which cases a number of the table stands for."""

    level: str
    code: str
    indicator: str  # an indicator, a count key, or "" (everything counted in the group)
    start: float
    end: float
    now: float


def _counted_in(indicator: str) -> str | None:
    """The count whose incidents a number is made of (a rate's denominator)."""
    if indicator in FRACTIONS:
        return FRACTIONS[indicator][1]
    return indicator if indicator in COUNT_KEYS else None


def cases_behind(incidents: Iterable[Incident], q: CaseQuery) -> list[str]:
    """The ids of the incidents behind ``q``'s number, picked out of ``incidents`` (a client's
    live mirror: what the server has archived is not there), by id. A rate's cases are those
    it is a share of (its denominator); a mean time's, the incidents acknowledged (response)
    or responded (handling) in the period; ``""`` or ``score``: everything counted for the
    group."""
    try:
        level = Level(q.level)
    except ValueError:
        return []
    at = min(q.end, q.now)
    width = REGION_LEVELS.get(q.level)
    count = _counted_in(q.indicator)
    out = []
    for inc in incidents:
        if width is not None and inc.grid[:width] != q.code:
            continue
        if width is None and (inc.lead_department or "-") != q.code:
            continue
        if q.indicator in ("mean_response_s", "mean_handling_s"):
            t = inc.acknowledged_at if q.indicator == "mean_response_s" else inc.responded_at
            if t is not None and q.start <= t < q.end and t <= at:
                out.append(inc.id)
            continue
        rows = evaluate((inc,), q.start, q.end, level, now=at)
        if not rows:
            continue
        counts = rows[0].as_dict()
        if count is None or counts.get(count):
            out.append(inc.id)
    return sorted(out)
