"""The server's clock: scaled engine time, and the heap of instants at which something can
happen to each open incident (near due, due, a rule's margin), so a tick costs only the
incidents whose time has come. What happens then is the domain's (:mod:`dispatch.domain.rules`):
raise ``near_due``/``overdue`` clock events, supervise (督办), escalate up a ladder.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable

from dispatch.domain.rules import Action, RuleSet, evaluate
from dispatch.domain.state import Incident


class ScaledClock:
    """Engine time that runs ``speed`` times faster than the wall clock from ``start``."""

    def __init__(self, speed: float = 1.0, start: float | None = None, *,
                 wall: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if not speed > 0:
            raise ValueError(f"time speed must be positive, got {speed}")
        self.speed = float(speed)
        self._mono = monotonic
        self._origin = wall() if start is None else float(start)
        self._m0 = monotonic()

    def __call__(self) -> float:
        return self._origin + (self._mono() - self._m0) * self.speed

    def rebase(self, start: float) -> None:
        """Continue from ``start`` now (after loading a state whose time is ahead)."""
        self._origin, self._m0 = float(start), self._mono()


class ClockWatcher:
    """The heap of incidents to look at and when."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._heap: list[tuple[float, str]] = []
        self._when: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._when)

    def schedule(self, incident_id: str, when: float) -> None:
        """Look at the incident at ``when`` (or earlier if already scheduled earlier)."""
        old = self._when.get(incident_id)
        if old is not None and old <= when:
            return
        self._when[incident_id] = when
        heapq.heappush(self._heap, (when, incident_id))

    def touch(self, incident_ids: Iterable[str], now: float) -> None:
        """The incidents changed: look at them on the next tick."""
        for iid in incident_ids:
            self.schedule(iid, now)

    def next_time(self) -> float | None:
        while self._heap and self._when.get(self._heap[0][1]) != self._heap[0][0]:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def due(self, now: float, limit: int = 10_000) -> list[str]:
        """Pop the incidents whose time has come (at most ``limit``)."""
        out: list[str] = []
        while self._heap and self._heap[0][0] <= now and len(out) < limit:
            when, iid = heapq.heappop(self._heap)
            if self._when.get(iid) != when:
                continue  # superseded by an earlier schedule
            del self._when[iid]
            out.append(iid)
        return out

    def tick(self, incidents: dict[str, Incident], now: float, limit: int = 10_000
             ) -> list[Action]:
        """Actions for every incident due now; reschedules each for its next instant."""
        actions: list[Action] = []
        for iid in self.due(now, limit):
            inc = incidents.get(iid)
            if inc is None:
                continue
            acts, nxt = evaluate(inc, now, self.rules)
            actions.extend(acts)
            if nxt is not None:
                self.schedule(iid, nxt)
        return actions
