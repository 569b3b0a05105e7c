"""Token buckets per device, per API key and per client address (logins).

A bucket holds up to ``burst`` tokens and gains ``rate`` per second; a request takes one. An
empty bucket refuses with ``rate_limited`` (HTTP 429) and says when a token will be back
(``Retry-After``). Buckets idle long enough to be full again are forgotten.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from dispatch.adapters.gateway.errors import ApiError


@dataclass(frozen=True, slots=True)
class Rate:
    rate: float  # tokens per second
    burst: float

    @classmethod
    def parse(cls, text: str) -> Rate:
        """``"5/s"``, ``"300/min"`` or ``"10/min,burst=20"`` (burst defaults to the count)."""
        head, _, tail = text.partition(",")
        count, _, per = head.partition("/")
        seconds = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0}.get(per.strip())
        try:
            n = float(count)
            burst = float(tail.split("=", 1)[1]) if tail.strip().startswith("burst=") else n
        except (ValueError, IndexError):
            n = burst = -1.0
        if seconds is None or n <= 0 or burst < 1:
            raise ValueError(f"rate {text!r}: expected e.g. 5/s, 300/min or 10/min,burst=20")
        return cls(n / seconds, burst)


class RateLimiter:
    def __init__(self, rate: Rate, *, what: str, clock: Callable[[], float] = time.monotonic,
                 max_buckets: int = 100_000) -> None:
        self.rate = rate
        self.what = what
        self._clock = clock
        self._max = max_buckets
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, at)

    def take(self, key: str) -> None:
        """Take one token for ``key`` or raise ``rate_limited``."""
        now = self._clock()
        r = self.rate
        with self._lock:
            tokens, at = self._buckets.get(key, (r.burst, now))
            tokens = min(r.burst, tokens + (now - at) * r.rate)
            if tokens < 1.0:
                wait = (1.0 - tokens) / r.rate
                self._buckets[key] = (tokens, now)
                raise ApiError("rate_limited", f"too many requests for this {self.what}; try "
                                               f"again in {max(1, round(wait + 0.5))} s",
                               retry_after=wait)
            self._buckets[key] = (tokens - 1.0, now)
            if len(self._buckets) > self._max:
                self._forget(now)

    def _forget(self, now: float) -> None:
        full = self.rate.burst / self.rate.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}
