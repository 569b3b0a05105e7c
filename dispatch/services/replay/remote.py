"""A replay of a window of a shared server's history (a workstation with ``--connect``).

The server answers the state at the window's start (the ``state_at`` query: its nearest
stored snapshot and the events after it, limited to the operator's region), then only the
window's events are paged with ``history`` from that state's sequence on: opening a day at the
end of a year costs the day, not the year. A server older than ``state_at`` answers it as an
unknown request; then the whole history up to the window's end is paged and folded, as
before.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from dispatch.domain.errors import InvalidCommand
from dispatch.domain.state_wire import decode_state
from dispatch.services.replay.errors import ReplayError
from dispatch.services.replay.replayer import Replayer
from dispatch.services.replay.sources import MemoryEvents, iter_history

Query = Callable[..., dict[str, Any]]


def unknown_query(err: InvalidCommand) -> bool:
    """The refusal an older server gives a query type it does not know."""
    return err.message.startswith("unknown request type")


def remote_replayer(query: Query, *, since_ts: float, until_ts: float,
                    clamp_start: bool = False, **kw: Any) -> Replayer:
    """The replay of ``[since_ts, until_ts]`` of the server behind ``query`` (e.g.
    :meth:`CommandClient.query`): events before ``since_ts`` make the base state, the rest up
    to ``until_ts`` the window, as :meth:`Replayer.from_history` has it (``clamp_start``: a
    window reaching back before the history starts with it)."""
    if until_ts < since_ts:
        raise ReplayError("the window ends before it starts")
    try:
        # The state after the last event *before* the window's start: an event at exactly
        # ``since_ts`` belongs to the window, as in a window read from a store.
        answer = query("state_at", at=math.nextafter(since_ts, -math.inf))
    except InvalidCommand as err:
        if not unknown_query(err):
            raise
        return Replayer.from_history(iter_history(query, until_ts=until_ts), since_ts=since_ts,
                                     until_ts=until_ts, clamp_start=clamp_start, **kw)
    try:
        seq = int(answer["ev"])
    except (KeyError, TypeError, ValueError):
        raise ReplayError("state_at: the server's answer has no event sequence") from None
    # The records decode on a thread while the window's pages come (the server builds them
    # meanwhile): the two costs overlap instead of adding up.
    with ThreadPoolExecutor(1, thread_name_prefix="gridline-state-decode") as pool:
        decoding = pool.submit(decode_state, answer)
        window = list(iter_history(query, after_seq=seq, until_ts=until_ts))
        try:
            base = decoding.result()
        except ValueError as exc:
            raise ReplayError(str(exc)) from None
    if clamp_start and base.seq == 0 and window:
        since_ts = max(since_ts, window[0].ts)
    kw.setdefault("tolerant", True)  # a history limited to a region has gaps
    return Replayer(base, MemoryEvents(window), start_ts=since_ts, end_ts=until_ts, **kw)
