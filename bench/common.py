"""Shared helpers for benchmarks: every benchmark reports our path against the raw limit."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

RESULTS: list[dict[str, Any]] = []


def report(name: str, value: float, unit: str, baseline: float | None,
           ratio: float | None = None, target: str = "", **extra: Any) -> dict[str, Any]:
    """Print one JSON line ``{"name", "value", "unit", "baseline", "ratio", ...}`` and keep it.

    ``baseline`` is the raw limit measured in the same run (pyzmq, SQLite, Leaflet…) or None
    where there is no raw counterpart; ``ratio`` defaults to value/baseline.
    """
    if ratio is None and baseline:
        ratio = value / baseline
    row: dict[str, Any] = {"name": name, "value": round(value, 6), "unit": unit,
                           "baseline": None if baseline is None else round(baseline, 6),
                           "ratio": None if ratio is None else round(ratio, 4),
                           "target": target, **extra}
    print(json.dumps(row, ensure_ascii=False), flush=True)
    RESULTS.append(row)
    return row


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0
