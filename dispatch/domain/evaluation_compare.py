"""The month-on-month comparison (环比): each row of a period next to the same group's row of
the period before, as ``previous`` (its score, rank and indicators) and ``change`` (this
period's value minus the previous one, per indicator; null where either is null).

Works on the answer rows (dicts with ``code``, ``score``, ``rank`` and the indicators by name)
and a list of indicator names, so an indicator added to the evaluation flows through. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _delta(now: Any, before: Any) -> float | None:
    if isinstance(now, bool) or isinstance(before, bool):
        return None
    if isinstance(now, int | float) and isinstance(before, int | float):
        return float(now) - float(before)
    return None


def compare(rows: Sequence[Mapping[str, Any]], previous: Sequence[Mapping[str, Any]],
            indicators: Sequence[str]) -> list[dict[str, Any]]:
    """``rows`` with ``previous`` and ``change`` added (both null for a group without a row
    in the previous period); ``change`` also has ``score`` and ``rank`` (previous rank minus
    this one: positive when the group climbed)."""
    before = {r["code"]: r for r in previous}
    out: list[dict[str, Any]] = []
    for r in rows:
        p = before.get(r["code"])
        row = dict(r)
        if p is None:
            row["previous"] = row["change"] = None
        else:
            row["previous"] = {"score": p.get("score"), "rank": p.get("rank"),
                               **{k: p.get(k) for k in indicators}}
            change: dict[str, float | None] = {k: _delta(r.get(k), p.get(k))
                                               for k in indicators}
            change["score"] = _delta(r.get("score"), p.get("score"))
            change["rank"] = _delta(p.get("rank"), r.get("rank"))
            row["change"] = change
        out.append(row)
    return out
