"""Replay: the exact state at any instant of a window of history, for the shift lead.

- :mod:`.replayer`: :class:`Replayer`, states by position, rebuilt with the server's projection
  from in-memory checkpoints (and, in a long window, the store's snapshots);
- :mod:`.cow`: the copy-on-write states the checkpoints share their records through;
- :mod:`.sources`: where the events come from, a list or an event store read in chunks through
  the :class:`~dispatch.services.ports.ReplayStore` port (the SQL is in the store adapter);
- :mod:`.remote`: a window of a shared server's history: the state at its start (the
  ``state_at`` query), then the window's events alone;
- :mod:`.timeline`: an incident's timeline (lanes for the incident, its departments, its units);
- :mod:`.shift_report`: the figures of a shift report.
"""

from __future__ import annotations

from dispatch.services.replay.cow import changed_between, derive, freeze
from dispatch.services.replay.errors import ReplayError
from dispatch.services.replay.remote import remote_replayer
from dispatch.services.replay.replayer import (
    CACHE_EVENTS,
    MAX_LOOSE_CHECKPOINTS,
    SNAPSHOT_COST,
    TIMELINE_LOOKAHEAD,
    Replayer,
)
from dispatch.services.replay.shift_report import (
    Bookmark,
    IncidentSummary,
    ShiftReport,
    shift_report,
)
from dispatch.services.replay.sources import (
    DAY_S,
    MemoryEvents,
    StoreEvents,
    WindowSource,
    city_zone,
    iter_history,
    parse_instant,
    store_window,
)
from dispatch.services.replay.timeline import (
    LANE_DEPARTMENT,
    LANE_INCIDENT,
    LANE_UNIT,
    Deadline,
    IncidentTimeline,
    Span,
    TimelineBuilder,
    TimelineItem,
)

__all__ = [
    "CACHE_EVENTS",
    "DAY_S",
    "LANE_DEPARTMENT",
    "LANE_INCIDENT",
    "LANE_UNIT",
    "MAX_LOOSE_CHECKPOINTS",
    "SNAPSHOT_COST",
    "TIMELINE_LOOKAHEAD",
    "Bookmark",
    "Deadline",
    "IncidentSummary",
    "IncidentTimeline",
    "MemoryEvents",
    "ReplayError",
    "Replayer",
    "ShiftReport",
    "Span",
    "StoreEvents",
    "TimelineBuilder",
    "TimelineItem",
    "WindowSource",
    "changed_between",
    "city_zone",
    "derive",
    "freeze",
    "iter_history",
    "parse_instant",
    "remote_replayer",
    "shift_report",
    "store_window",
]
