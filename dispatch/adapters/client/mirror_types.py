"""What :class:`~dispatch.adapters.client.mirror.StateMirror` reports: its status, the ids a round
changed, and its :class:`MirrorInfo` (re-exported by ``dispatch.adapters.client.mirror``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class MirrorStatus(StrEnum):
    CONNECTING = "connecting"      # never live yet
    SYNCING = "resyncing"          # waiting for a snapshot after a gap or a restart
    LIVE = "live"
    DISCONNECTED = "disconnected"  # nothing heard from the server for a while
    REFUSED = "refused"            # the server refused the snapshot (scope, session)


@dataclass(slots=True)
class Changes:
    """Ids changed by one :meth:`StateMirror.run_once`; ``resynced``: replace everything."""

    incidents: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)
    resynced: bool = False

    def __bool__(self) -> bool:
        return bool(self.incidents or self.units or self.resynced)

    def merge(self, other: Changes) -> None:
        self.incidents |= other.incidents
        self.units |= other.units
        self.resynced = self.resynced or other.resynced


@dataclass(frozen=True, slots=True)
class MirrorInfo:
    status: MirrorStatus
    subtree: str
    feed_seq: int
    state_seq: int
    last_message_age_s: float | None
    updates_per_s: float
    updates: int
    resyncs: int
    gaps: int
    errors: int
    server_time: float | None
    time_speed: float
    message: str = ""
    server: str = ""  # the snapshot endpoint of the server it is on
    servers: int = 1  # of how many (a leader and its standbys)
    server_index: int = 0  # which of them (0: the first given)
    failovers: int = 0  # moves to another server of the list
