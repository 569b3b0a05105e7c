"""Which urgent incidents are news to the wall screen.

An urgent incident is news when the wall sees it appear, open, within
:data:`NEW_URGENT_WINDOW_S` of engine time after its report. Incidents already there when the
first snapshot arrives are not news; after a resync, urgent ones that appeared meanwhile are.
At most the last three wait their turn to be highlighted. No Qt here.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping

from dispatch.domain.catalogue.model import Priority
from dispatch.domain.state import Incident

# An urgent incident counts as new when it appears within this much engine time of its report.
NEW_URGENT_WINDOW_S = 15 * 60.0


class UrgentNews:
    """The incidents the wall knows, and the urgent ones waiting to be highlighted."""

    def __init__(self) -> None:
        self.known: set[str] = set()
        self.primed = False  # the first snapshot arrived
        self.pending: deque[str] = deque(maxlen=3)

    def reset(self, incidents: Mapping[str, Incident], now: float) -> None:
        """The mirror was loaded (first snapshot) or reloaded (a resync)."""
        if not self.primed:
            self.primed = True
            self.known = set(incidents)
            return
        self.changed(set(incidents) - self.known, incidents, now)
        self.known &= set(incidents)

    def changed(self, ids: Iterable[str], incidents: Mapping[str, Incident], now: float) -> None:
        """Incidents ``ids`` changed, appeared or went: new urgent ones join the queue."""
        if not self.primed:
            return
        for iid in ids:
            inc = incidents.get(iid)
            if inc is None:
                self.known.discard(iid)
                continue
            if iid in self.known:
                continue
            self.known.add(iid)
            if (inc.priority == Priority.URGENT.value and inc.is_open
                    and now - inc.reported_at <= NEW_URGENT_WINDOW_S):
                self.pending.append(iid)

    def next(self, incident: Callable[[str], Incident | None]) -> Incident | None:
        """The next waiting incident still open (``incident`` looks one up), taken off the
        queue with those before it that closed meanwhile; None when none is left."""
        while self.pending:
            inc = incident(self.pending.popleft())
            if inc is not None and inc.is_open:
                return inc
        return None
