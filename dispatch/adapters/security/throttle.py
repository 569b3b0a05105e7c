"""Login throttling: a growing delay after failed logins, then a lockout, per account and per
workstation key, so that guessing passwords is slow and one workstation's flood of logins
cannot lock everybody out.

Each *subject* (``user:wang``, ``key:<Z85 key>``) keeps the times of its recent failures. After
``free_failures`` failures within ``window_s`` every further attempt must wait a delay that
doubles with each failure (``base_delay_s``, 2×, 4×… up to ``max_delay_s``); after
``lockout_failures`` failures within the window the subject is locked for ``lockout_s``. A
successful login clears the account's record (not the key's: a key that guessed a hundred
passwords stays slow). Times come from an injected monotonic clock, so tests drive it.

The throttle only answers questions; the server refuses, audits and replies.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    free_failures: int = 3
    base_delay_s: float = 1.0
    max_delay_s: float = 60.0
    lockout_failures: int = 10
    window_s: float = 900.0
    lockout_s: float = 900.0
    max_subjects: int = 100_000  # memory bound: the oldest records are forgotten first

    def __post_init__(self) -> None:
        if not (0 <= self.free_failures < self.lockout_failures):
            raise ValueError("free_failures must be below lockout_failures")
        if min(self.base_delay_s, self.max_delay_s, self.window_s, self.lockout_s) < 0:
            raise ValueError("throttle times must not be negative")


@dataclass(slots=True)
class _Record:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """``wait_s`` > 0: refuse now; ``locked``: the refusal is a lockout (else a delay)."""

    wait_s: float = 0.0
    locked: bool = False
    subject: str = ""

    @property
    def allowed(self) -> bool:
        return self.wait_s <= 0


class LoginThrottle:
    """Thread-safe: the server checks on its loop and records from its login worker."""

    def __init__(self, policy: ThrottlePolicy | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy or ThrottlePolicy()
        self._clock = clock
        self._lock = threading.Lock()
        self._records: dict[str, _Record] = {}

    def check(self, *subjects: str) -> Verdict:
        """May a login for these subjects (account, key) be tried now?"""
        now = self._clock()
        worst = Verdict()
        with self._lock:
            for subject in subjects:
                rec = self._records.get(subject)
                if rec is None:
                    continue
                self._expire(rec, now)
                if rec.locked_until > now:
                    v = Verdict(rec.locked_until - now, True, subject)
                else:
                    v = Verdict(self._delay_until(rec) - now, False, subject)
                if v.wait_s > worst.wait_s:
                    worst = v
        return worst

    def failed(self, *subjects: str) -> Verdict:
        """Record a failed login; the verdict says whether this failure locked a subject."""
        now = self._clock()
        p = self.policy
        locked = Verdict()
        with self._lock:
            for subject in subjects:
                rec = self._records.pop(subject, None) or _Record()
                self._records[subject] = rec  # most recently used last
                self._expire(rec, now)
                rec.failures.append(now)
                if len(rec.failures) >= p.lockout_failures and rec.locked_until <= now:
                    rec.locked_until = now + p.lockout_s
                    locked = Verdict(p.lockout_s, True, subject)
            while len(self._records) > p.max_subjects:
                self._records.pop(next(iter(self._records)))
        return locked

    def succeeded(self, subject: str) -> None:
        with self._lock:
            self._records.pop(subject, None)

    def _expire(self, rec: _Record, now: float) -> None:
        window = self.policy.window_s
        while rec.failures and now - rec.failures[0] > window:
            rec.failures.popleft()

    def _delay_until(self, rec: _Record) -> float:
        p = self.policy
        extra = len(rec.failures) - p.free_failures
        if extra <= 0 or not rec.failures:
            return 0.0
        delay = min(p.max_delay_s, p.base_delay_s * (2 ** (extra - 1)))
        return rec.failures[-1] + delay
