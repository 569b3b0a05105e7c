"""The clock inside the loop: time-limit events and the automatic rules
(:mod:`dispatch.services.clock`, :mod:`dispatch.domain.rules`) run as the ``system`` actor,
and finished incidents are archived once their retention time has passed (the feed then
deletes them)."""

from __future__ import annotations

import heapq
import logging
from typing import TYPE_CHECKING

from dispatch.domain.citizen_loop import awaiting_callback
from dispatch.domain.commands import ArchiveFinished
from dispatch.domain.errors import DispatchError
from dispatch.domain.roles import SYSTEM_ACTOR
from dispatch.domain.rules import RuleSet
from dispatch.domain.state import Incident
from dispatch.services.clock import ClockWatcher

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer

log = logging.getLogger("gridline.server")

CLOCK_SLICE = 200  # incidents the clock looks at per loop iteration when it is behind


class Timekeeper:
    """The clock watcher and the archive schedule of one server."""

    def __init__(self, server: DispatchServer, rules: RuleSet) -> None:
        self.server = server
        self.watcher = ClockWatcher(rules)
        self.retention_s = server.settings.closed_retention_h * 3600.0
        self._archive_at: list[tuple[float, str]] = []  # (when, incident id) finished ones

    def load(self) -> None:
        """Schedule every incident of the state (at bind)."""
        engine = self.server.engine
        now = engine.clock()
        for inc in engine.state.incidents.values():
            if inc.is_open or awaiting_callback(inc):  # the call-back clock runs (回访)
                self.watcher.schedule(inc.id, now)
            if not inc.is_open:
                self.retain(inc)

    def touched(self, ids: set[str]) -> None:
        """Incidents changed by a committed batch: reschedule them, retain the finished."""
        engine = self.server.engine
        self.watcher.touch(ids, engine.clock())
        incidents = engine.state.incidents
        for iid in ids:
            i = incidents.get(iid)
            if i is not None and not i.is_open:
                self.retain(i)

    def retain(self, inc: Incident) -> None:
        """Archive a finished incident once the retention time has passed."""
        heapq.heappush(self._archive_at, ((inc.closed_at or 0.0) + self.retention_s, inc.id))

    def tick(self) -> bool:
        """Run the clock for the incidents whose time came (a bounded number per call, so a
        catch-up after downtime does not stall commands); True if some are still due."""
        srv = self.server
        engine, stats = srv.engine, srv.stats
        now = engine.clock()
        actions = self.watcher.tick(engine.state.incidents, now, limit=CLOCK_SLICE)
        ran = 0
        for act in actions:
            try:
                engine.execute(act.command, SYSTEM_ACTOR, command_id=act.command_id,
                               now=now, commit=False)
                ran += 1
            except DispatchError as err:
                stats.clock_refused += 1
                log.debug("clock action %s refused: %s", act.command_id, err)
        stats.clock_actions += ran
        if ran:
            srv.batcher.commit_publish()
        self.archive(now)
        nxt = self.watcher.next_time()
        return nxt is not None and nxt <= now

    def archive(self, now: float) -> None:
        """Archive the finished incidents past retention (the feed then deletes them)."""
        srv = self.server
        heap, state = self._archive_at, srv.engine.state
        due = False
        while heap and heap[0][0] <= now:
            _, iid = heapq.heappop(heap)
            inc = state.incidents.get(iid)
            due = due or (inc is not None and not inc.is_open)
        if not due:
            return
        before = min(now, now - self.retention_s + 0.001)
        try:
            srv.engine.execute(ArchiveFinished(before, 5000), SYSTEM_ACTOR,
                               command_id=f"archive:{state.seq}", now=now, commit=False)
        except DispatchError as err:
            log.debug("nothing archived: %s", err)
            return
        srv.batcher.commit_publish()
