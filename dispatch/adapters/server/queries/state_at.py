"""state_at: the state at an event sequence number or an instant, rebuilt off the loop from the
nearest stored snapshot and the events after it, limited to the caller's region scope and
encoded by :mod:`dispatch.domain.state_wire` (docs/PROTOCOL.md, "State at an instant").

A replay of a window far into the history starts from it and then reads only the window's
events with ``history`` (:mod:`dispatch.services.replay.remote`)."""

from __future__ import annotations

import math
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dispatch.adapters.collector import collector_paused
from dispatch.adapters.protocol.messages import ok_reply, take_args
from dispatch.adapters.server.audit_log import row as audit_row
from dispatch.adapters.server.queries.base import Answer, Call, busy
from dispatch.domain.errors import DispatchError, InvalidCommand, Unavailable
from dispatch.domain.roles import Permission
from dispatch.domain.state_wire import encode_state, scoped_copy
from dispatch.services.rebuild import rebuild

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer

MAX_REBUILD_EVENTS = 250_000
"""A state more events than this after its nearest stored snapshot is refused (``unavailable``)
before anything is read (the server stores one every ``snapshot_every`` events)."""
MAX_REBUILD_S = 20.0
"""A rebuild still running after this many seconds is abandoned (``unavailable``)."""
MAX_ANSWER_BYTES = 12 << 20
"""The largest compressed block of records answered (clients accept replies up to 16 MiB)."""




def parse_at(value: float | str) -> float:
    """``at``: epoch seconds, or an ISO 8601 date-time with its UTC offset."""
    if isinstance(value, str):
        try:
            t = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidCommand(f"state_at.at: {value!r} is not an ISO 8601 date-time "
                                 "(e.g. 2026-11-01T08:00:00+08:00) or epoch seconds") from None
        if t.tzinfo is None:
            raise InvalidCommand(f"state_at.at: {value!r} has no UTC offset "
                                 "(e.g. 2026-11-01T08:00:00+08:00)")
        return t.timestamp()
    if not math.isfinite(value) or value < 0:
        raise InvalidCommand(f"state_at.at must be epoch seconds ≥ 0, got {value!r}")
    return float(value)


def target(args: dict[str, Any], last_seq: int) -> tuple[int | None, float | None]:
    """``(seq, ts)`` of the request, exactly one of them given."""
    a = take_args(args, {"seq": (int, None), "at": (float | str, None)}, "state_at")
    seq, at = a["seq"], a["at"]
    if (seq is None) == (at is None):
        raise InvalidCommand("state_at needs either seq (an event sequence number) or at "
                             "(epoch seconds or an ISO 8601 date-time with its UTC offset), "
                             "not " + ("both" if seq is not None else "neither"))
    if seq is not None:
        if seq < 0:
            raise InvalidCommand(f"state_at.seq must be ≥ 0, got {seq}")
        if seq > last_seq:
            raise InvalidCommand(f"state_at.seq {seq} is beyond the last event ({last_seq})")
        return seq, None
    return None, parse_at(at)


def state_at(server: DispatchServer, call: Call) -> Answer:
    req, actor = call.req, call.who
    actor.require(Permission.READ, "read the state at an instant")
    store = server.store
    if store is None:
        raise Unavailable("this server keeps no history (no event store)")
    engine, writer = server.engine, server.audit
    last = engine.state.seq  # stored: queries are answered after their batch is committed
    seq, ts = target(req.args, last)

    def job() -> tuple[bytes, None]:
        try:
            with collector_paused():
                got = rebuild(store, seq=last if seq is None else seq, ts=ts,
                              max_events=MAX_REBUILD_EVENTS, max_seconds=MAX_REBUILD_S)
                answer: dict[str, Any] = {
                    **encode_state(scoped_copy(got.state, actor.scope)),
                    "at_seq": seq, "at": ts, "scope": actor.scope,
                    "snapshot_seq": got.snapshot_seq, "replayed": got.applied}
            size = len(answer["records_z"])
            if size > MAX_ANSWER_BYTES:
                raise Unavailable(f"the state at event {answer['ev']:,} is "
                                  f"{size / 2**20:.1f} MiB compressed, more than the "
                                  f"{MAX_ANSWER_BYTES / 2**20:g} MiB one answer may carry")
        except DispatchError as err:  # refused off the loop: audited like any refusal
            return server.batcher.refusal(req, err, actor, call.user_id)[0], None
        writer.write(audit_row(actor.operator, actor.workstation, "state_at",
                               {**req.args, "ev": answer["ev"], "count": answer["count"]}))
        return ok_reply(req.id, last, answer), None

    if not server.backoffice.submit(call.envelope, req.id, job):
        raise busy(server)
    return None
