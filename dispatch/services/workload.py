"""The shift lead's workload figures per operator, from the server's ``history`` (events, each
with its operator) and the ``refused`` lines of the ``audit`` query. Pure: no I/O, no Qt.

Definitions (the workload window says the same to its users):

- an **action** is an event an operator made: every event except the server's own (operators
  ``system``: time-limit flags, archiving; ``bootstrap``: the units of a new database) and
  unit position reports (``units.moved``, sent
  every few seconds by phones and vehicles, not decisions);
- an operator **holds** an open incident when theirs is the last action on it (whoever
  registered, dispatched or last acted on it; a caller's phone number does not count);
- **actions per hour**: the actions counted in whole hours from the start of the shift, the last
  bucket being the hour that holds ``now``; **last hour**: the actions in the 3,600 s before
  ``now``;
- **refusals**: the audit lines ``refused`` (a command or query the server refused) written
  for the operator since the start of the shift.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SERVER_OPERATORS = frozenset({"system", "bootstrap"})
"""The server's own operators: its clock and rules, and the registration of a city's units
when a server starts on a new database."""
NOT_ACTIONS = frozenset({"units.moved"})
"""Event kinds that are not counted as an operator's actions."""
NOT_HOLDING = frozenset({"incident.clock", "incident.contact", "incidents.archived"})
"""Events on an incident that do not make their operator its holder."""
HOUR_S = 3600.0
MAX_HOURS = 48
"""At most this many hourly buckets (a longer shift keeps its last 48 hours)."""


@dataclass(frozen=True, slots=True)
class OperatorLoad:
    """One operator's figures (see the module docstring)."""

    operator: str
    held: tuple[str, ...] = ()
    actions: int = 0
    last_hour: int = 0
    per_hour: tuple[int, ...] = ()
    refusals: int = 0
    last_action_ts: float | None = None
    workstations: tuple[str, ...] = ()

    @property
    def open_incidents(self) -> int:
        return len(self.held)


@dataclass(frozen=True, slots=True)
class Workload:
    """Every operator seen in the shift, by name; ``hour_starts``: each bucket's start."""

    since_ts: float
    now: float
    hour_starts: tuple[float, ...]
    operators: dict[str, OperatorLoad] = field(default_factory=dict)
    events: int = 0


def hour_starts(since_ts: float, now: float) -> tuple[float, ...]:
    """The starts of the hourly buckets from ``since_ts`` to the one holding ``now``."""
    if now < since_ts:
        raise ValueError(f"the shift starts after now ({since_ts} > {now})")
    n = int((now - since_ts) // HOUR_S) + 1
    first = max(0, n - MAX_HOURS)
    return tuple(since_ts + i * HOUR_S for i in range(first, n))


def _incident_of(event: Mapping[str, Any]) -> str | None:
    data = event.get("data")
    if isinstance(data, Mapping):
        iid = data.get("incident_id")
        if isinstance(iid, str) and iid:
            return iid
    return None


def compute_workload(events: Iterable[Mapping[str, Any]],
                     refusals: Iterable[Mapping[str, Any]], *, since_ts: float, now: float,
                     is_open: Callable[[str], bool]) -> Workload:
    """The figures of the shift from ``since_ts`` to ``now``.

    ``events``: the ``history`` query's events (dicts as ``event_to_dict``), oldest first, from
    the start of the shift or earlier (earlier ones only decide who holds an incident);
    ``refusals``: ``audit`` lines (dicts with ``ts``, ``operator``, ``action``); only
    ``refused`` ones from the shift count. ``is_open(incident_id)``: whether the incident is
    open now (the console's mirror knows)."""
    starts = hour_starts(since_ts, now)
    first_bucket = starts[0]
    nbuckets = len(starts)
    holder: dict[str, str] = {}
    counts: dict[str, list[int]] = {}
    totals: dict[str, int] = {}
    recent: dict[str, int] = {}
    last_ts: dict[str, float] = {}
    stations: dict[str, set[str]] = {}
    seen = 0
    for e in events:
        op = str(e.get("operator") or "")
        kind = str(e.get("kind") or "")
        if not op or op in SERVER_OPERATORS:
            continue
        ts = float(e.get("ts") or 0.0)
        iid = _incident_of(e)
        if iid is not None and kind not in NOT_HOLDING and ts <= now:
            holder[iid] = op
        if kind in NOT_ACTIONS or ts < since_ts or ts > now:
            continue
        seen += 1
        totals[op] = totals.get(op, 0) + 1
        if ts > now - HOUR_S:
            recent[op] = recent.get(op, 0) + 1
        if ts >= first_bucket:
            row = counts.setdefault(op, [0] * nbuckets)
            row[min(nbuckets - 1, int((ts - first_bucket) // HOUR_S))] += 1
        last_ts[op] = max(ts, last_ts.get(op, ts))
        ws = str(e.get("workstation") or "")
        if ws:
            stations.setdefault(op, set()).add(ws)
    refused: dict[str, int] = {}
    for line in refusals:
        if line.get("action") != "refused":
            continue
        ts = float(line.get("ts") or 0.0)
        op = str(line.get("operator") or "")
        if op and since_ts <= ts <= now:
            refused[op] = refused.get(op, 0) + 1
    held: dict[str, list[str]] = {}
    for iid, op in holder.items():
        if is_open(iid):
            held.setdefault(op, []).append(iid)
    names = set(totals) | set(refused) | set(held)
    operators = {
        op: OperatorLoad(operator=op, held=tuple(sorted(held.get(op, ()))),
                         actions=totals.get(op, 0), last_hour=recent.get(op, 0),
                         per_hour=tuple(counts.get(op, [0] * nbuckets)),
                         refusals=refused.get(op, 0), last_action_ts=last_ts.get(op),
                         workstations=tuple(sorted(stations.get(op, ()))))
        for op in sorted(names)}
    return Workload(since_ts=since_ts, now=now, hour_starts=starts, operators=operators,
                    events=seen)
