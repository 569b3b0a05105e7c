"""The filter bar's counts: for each facet value, how many incidents would show if that value
were picked with every other filter as it is.

The counts are kept per incident, from the facts :class:`~widgets.incident_facets.IncidentFacets`
caches by record version: updated for the incidents that changed and for those whose time
limit passed between two calls, counted afresh when many changed or a setting did.
"""

from __future__ import annotations

import operator
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain

from dispatch.domain.state import Incident
from dispatch.domain.timelimits import DueIndex
from widgets.console_model import ConsoleModel
from widgets.incident_facets import (
    FAIL_DEPARTMENT,
    FAIL_MAJOR,
    FAIL_OPEN,
    FAIL_OVERDUE,
    FAIL_PRIORITY,
    FAIL_REGION,
    FAIL_STATUS,
    Facts,
    IncidentFacets,
)

# Above this share of the incidents changed, count them all afresh.
_RECOUNT_SHARE = 0.3
_GRID = operator.attrgetter("grid")


@dataclass(slots=True)
class FilterCounts:
    """Per facet value: rows that pass every filter but that facet's own."""

    status: Counter[str] = field(default_factory=Counter)
    priority: Counter[str] = field(default_factory=Counter)
    major: Counter[str] = field(default_factory=Counter)
    department: Counter[str] = field(default_factory=Counter)
    region: Counter[str] = field(default_factory=Counter)  # district/street/community prefixes
    # Per facet ("status", "priority", "major", "department", "region"): rows passing every
    # filter but that facet's own (the "all" entry of the facet).
    base: Counter[str] = field(default_factory=Counter)
    overdue: int = 0  # rows passing the other filters that are overdue
    open: int = 0  # rows passing the other filters that are open
    shown: int = 0  # rows passing everything
    total: int = 0  # rows in the model


# Facets counted by one field of the facts: (failure bit, name of the facet, of its counter
# in FilterCounts and of the field alike).
_FACETS: tuple[tuple[int, str], ...] = ((FAIL_STATUS, "status"), (FAIL_PRIORITY, "priority"),
                                        (FAIL_MAJOR, "major"))


class FilterCounter:
    """The filter bar's counts, kept per incident: each incident's share (which counters it
    adds one to) is remembered, so an update subtracts the old share and adds the new one for
    the incidents that changed (:meth:`changed`), and for those whose time limit passed since
    the last call. :meth:`invalidate` (a filter setting changed, the mirror was reset) has the
    next call count afresh."""

    def __init__(self, console: ConsoleModel, facets: IncidentFacets) -> None:
        self.console = console
        self.facets = facets
        self.out = FilterCounts()
        self._share: dict[str, tuple[Facts, int, bool]] = {}  # id → (facts, failures, overdue)
        self._dues = DueIndex()  # when each incident turns overdue
        self._pending: set[str] = set()
        self._valid = False
        self._now = 0.0

    def changed(self, ids: set[str]) -> None:
        if self._valid:
            self._pending |= ids

    def invalidate(self) -> None:
        self._valid = False
        self._pending = set()

    def get(self) -> FilterCounts:
        """The counts now (a copy)."""
        incidents = self.console.state.incidents
        now = self.console.now()
        if self._valid:
            flipped = set(self._dues.between(self._now, now))
            todo = self._pending | flipped
            if len(todo) > _RECOUNT_SHARE * max(1, len(incidents)):
                self._valid = False
            else:
                self._update(todo, incidents, now)
        if not self._valid:
            self._recount(incidents, now)
        self._pending = set()
        self._now = now
        out = self.out
        return FilterCounts(+out.status, +out.priority, +out.major, +out.department,
                            +out.region, +out.base, out.overdue, out.open, out.shown, out.total)

    def _recount(self, incidents: dict[str, Incident], now: float) -> None:
        """Count every incident afresh. A facet's counters take the incidents failing no
        filter or that facet's alone, so they are counted by facet in C (``Counter``) rather
        than incident by incident."""
        facets = self.facets
        facets.forget_others(incidents)
        facts, failures = facets.facts, facets.failures_of
        share: dict[str, tuple[Facts, int, bool]] = {}
        dues: list[tuple[float, str]] = []  # (overdue from, id)
        passing: list[Facts] = []
        only: dict[int, list[Facts]] = {}  # failure bit → incidents failing that facet alone
        for iid, inc in incidents.items():
            f = facts(inc)
            bad = failures(f, inc, now)
            overdue_at = f.overdue_from
            share[iid] = (f, bad, now >= overdue_at)
            dues.append((overdue_at, iid))
            if bad == 0:
                passing.append(f)
            elif bad & (bad - 1) == 0:
                only.setdefault(bad, []).append(f)
        out = FilterCounts(total=len(incidents), shown=len(passing))

        def members(bit: int) -> list[Facts]:
            return passing + only.get(bit, [])

        for bit, facet in _FACETS:
            them = members(bit)
            out.base[facet] = len(them)
            getattr(out, facet).update(map(operator.attrgetter(facet), them))
        them = members(FAIL_DEPARTMENT)
        out.base["department"] = len(them)
        out.department.update(chain.from_iterable(f.departments for f in them))
        them = members(FAIL_REGION)
        out.base["region"] = len(them)
        out.region.update(chain.from_iterable((g[:6], g[:9], g[:12])
                                              for g in map(_GRID, them)))
        out.overdue = sum(1 for f in members(FAIL_OVERDUE) if now >= f.overdue_from)
        out.open = sum(1 for f in members(FAIL_OPEN) if f.is_open)
        self.out, self._share, self._dues = out, share, DueIndex(dues)
        self._valid = True

    def _update(self, ids: set[str], incidents: dict[str, Incident], now: float) -> None:
        facets = self.facets
        dues = self._dues
        for iid in ids:
            old = self._share.get(iid)
            if old is not None:
                self._add(iid, *old, -1)
                dues.remove(old[0].overdue_from, iid)
            inc = incidents.get(iid)
            if inc is None:
                continue
            f = facets.facts(inc)
            self._add(iid, f, facets.failures_of(f, inc, now), now >= f.overdue_from, 1)
            dues.add(f.overdue_from, iid)

    def _add(self, iid: str, f: Facts, bad: int, overdue: bool, n: int) -> None:
        """Add (``n`` = 1) or take back (``n`` = -1) one incident's share."""
        out = self.out
        if n > 0:
            self._share[iid] = (f, bad, overdue)
        else:
            del self._share[iid]
        out.total += n
        if bad == 0:
            out.shown += n
        if bad & ~FAIL_STATUS == 0:
            out.base["status"] += n
            out.status[f.status] += n
        if bad & ~FAIL_PRIORITY == 0:
            out.base["priority"] += n
            out.priority[f.priority] += n
        if bad & ~FAIL_MAJOR == 0:
            out.base["major"] += n
            out.major[f.major] += n
        if bad & ~FAIL_DEPARTMENT == 0:
            out.base["department"] += n
            for d in f.departments:
                out.department[d] += n
        if bad & ~FAIL_REGION == 0:
            out.base["region"] += n
            grid = f.grid
            out.region[grid[:6]] += n
            out.region[grid[:9]] += n
            out.region[grid[:12]] += n
        if overdue and bad & ~FAIL_OVERDUE == 0:
            out.overdue += n
        if f.is_open and bad & ~FAIL_OPEN == 0:
            out.open += n
