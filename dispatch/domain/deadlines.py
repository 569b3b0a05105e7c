"""Deadline profiles (首接负责 and the 12345 time limits) as data: which dispatch and feedback
limits apply to the citizen's cases by priority, how long the call-back (回访) may wait, and
which sources count as the citizen's. A centre picks a named profile
(``resources/deadline_profiles.json``, read by :mod:`dispatch.adapters.deadline_profiles`);
the handlers take their deadlines from it. Pure data, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dispatch.domain.catalogue.model import LimitUnit, Priority, TimeLimit
from dispatch.domain.status import Source

CITIZEN_SOURCES: tuple[str, ...] = (Source.HOTLINE.value, Source.CITIZEN_APP.value)
"""The sources whose cases close the citizen's loop by default: 12345 calls and citizen
reports (Open311 requests come in as ``citizen_app``)."""


ARRIVAL_LIMIT = TimeLimit(30, LimitUnit.MINUTES)
"""吹哨报到: a summoned department reports on site within 30 minutes unless a profile says."""


@dataclass(frozen=True, slots=True)
class DeadlineProfile:
    """A named set of time limits for the citizen's cases.

    ``dispatch`` and ``feedback`` (by priority) replace the catalogue's dispatch limit and the
    class's handling limit for incidents whose source is one of ``sources``; a priority missing
    from them keeps the catalogue's. ``callback`` is the limit of the call-back after closure; ``arrival`` how long a department
    summoned by a whistle (吹哨报到) has to report on site, whatever the incident's source.
    """

    name: str
    callback: TimeLimit
    dispatch: dict[Priority, TimeLimit] = field(default_factory=dict)
    feedback: dict[Priority, TimeLimit] = field(default_factory=dict)
    sources: tuple[str, ...] = CITIZEN_SOURCES
    title: str = ""
    # 吹哨报到: how long a summoned department has to report on site (dispatch.domain.whistle)
    arrival: TimeLimit = field(default_factory=lambda: ARRIVAL_LIMIT)

    def covers(self, source: str) -> bool:
        return source in self.sources

    def dispatch_limit(self, source: str, priority: str) -> TimeLimit | None:
        """The profile's dispatch limit for such a case, None: the catalogue's."""
        return self.dispatch.get(Priority(priority)) if self.covers(source) else None

    def feedback_limit(self, source: str, priority: str) -> TimeLimit | None:
        """The profile's feedback (handling) limit for such a case, None: the class's."""
        return self.feedback.get(Priority(priority)) if self.covers(source) else None


DEFAULT_PROFILE = DeadlineProfile(
    name="default", title="Catalogue limits; call back within 2 working days",
    callback=TimeLimit(2, LimitUnit.WORKING_DAYS))
"""The catalogue's own limits, and a call-back within two working days."""
