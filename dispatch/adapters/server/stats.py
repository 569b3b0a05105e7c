"""The dispatch server's counters."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(slots=True)
class ServerStats:
    """Counters, readable from any thread (tests, a status page)."""

    requests: int = 0
    commands_ok: int = 0
    commands_refused: int = 0
    duplicates: int = 0
    replayed: int = 0  # answered from the reply cache
    queries: int = 0
    malformed: int = 0  # unreadable envelope or JSON: dropped or answered "invalid"
    oversized: int = 0
    internal_errors: int = 0
    batches: int = 0
    commit_failures: int = 0
    clock_actions: int = 0
    clock_refused: int = 0
    feed_accepted: int = 0
    feed_refused: int = 0
    feed_resets: int = 0
    busy: int = 0
    logins_throttled: int = 0
    audit_full: int = 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}
