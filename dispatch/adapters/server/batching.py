"""Command batching: a drained batch of commands runs through
:meth:`DispatchEngine.execute` with ``commit=False``, is written in one transaction, and its
replies go to the outboxes (:mod:`dispatch.adapters.server.outbox`), sent once the records
each command changed are published. Retries are answered from the reply cache."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import zmq

from dispatch.adapters.protocol.messages import (
    MAX_MESSAGE_BYTES,
    BadRequest,
    Request,
    build_command,
    dumps,
    error_reply,
    ok_reply,
    parse_request,
)
from dispatch.adapters.server.audit_log import row as audit_row
from dispatch.adapters.server.outbox import SLOW_BATCH_S, Pending, ReplyKey
from dispatch.adapters.server.sockets import user_id as frame_user_id
from dispatch.domain.errors import Conflict, DispatchError, InvalidCommand, Unavailable
from dispatch.domain.events import Event
from dispatch.domain.roles import Actor
from dispatch.services.engine import Outcome

if TYPE_CHECKING:
    from dispatch.adapters.server.server import DispatchServer

log = logging.getLogger("gridline.server")

MAX_BATCH = 1000  # command messages drained before one commit
AUDIT_FULL = "the audit trail cannot take more entries right now; nothing was done, try again"

Query = tuple[list[bytes], Request, zmq.Frame]


def digest(req: Request) -> bytes:
    """The fingerprint of a request's content (type, arguments, expected version): a command
    id used again with other content is refused. The one place it is computed: the reply
    cache, the outboxes and the engine's own memory of command ids compare this value."""
    body = dumps({"t": req.type, "a": req.args, "v": req.expected_version})
    return hashlib.blake2b(body, digest_size=16).digest()


def reused(command_id: str) -> Conflict:
    return Conflict(f"command id {command_id!r} was already used for another command; "
                    "send a new id")


class CommandBatcher:
    """Reads the command socket, runs commands in batches, commits and queues the replies;
    queries are handed to the server's query registry after the batch."""

    def __init__(self, server: DispatchServer) -> None:
        self.server = server

    def drain(self) -> None:
        """Take up to :data:`MAX_BATCH` requests waiting on the command socket, as one batch."""
        self.run(self._waiting())

    def _waiting(self) -> Iterator[list[zmq.Frame]]:
        cmd = self.server.sockets.cmd
        for _ in range(MAX_BATCH):
            try:
                frames = cmd.recv_multipart(zmq.NOBLOCK, copy=False)
            except zmq.Again:
                return
            yield frames

    def run(self, received: Iterable[list[zmq.Frame]]) -> None:
        """Run requests as one batch (each read as it is needed): the commands are stored in
        one transaction and their replies queued; the queries are answered after it."""
        srv = self.server
        batch: list[Pending] = []
        queries: list[Query] = []
        in_batch: dict[ReplyKey, Pending] = {}
        stats = srv.stats
        for frames in received:
            stats.requests += 1
            self._one(frames, batch, queries, in_batch)
        if batch:
            self._flush(batch)
        for envelope, req, frame in queries:
            srv.queries.answer(envelope, req, frame)

    def _one(self, frames: list[zmq.Frame], batch: list[Pending], queries: list[Query],
             in_batch: dict[ReplyKey, Pending]) -> None:
        srv = self.server
        stats, send = srv.stats, srv.sockets.send
        # ROUTER envelope: identity, optional empty delimiter (REQ/DEALER), one JSON frame.
        if len(frames) == 3 and len(frames[1]) == 0:
            envelope = [frames[0].bytes, b""]
        elif len(frames) == 2:
            envelope = [frames[0].bytes]
        else:
            stats.malformed += 1
            return
        payload = frames[-1]
        if len(payload) > MAX_MESSAGE_BYTES:
            stats.oversized += 1
            send(envelope, error_reply(None, "invalid", "request too large"))
            return
        test_levers = srv.settings.test_levers
        try:
            req = parse_request(payload.bytes, test_levers=test_levers)
        except BadRequest as err:
            stats.malformed += 1
            send(envelope, error_reply(err.request_id, err))
            return
        if req.is_query:
            queries.append((envelope, req, payload))
            return
        user_id = frame_user_id(payload)
        try:  # the session first: nothing is answered from the cache to a stranger
            actor = srv.access.actor(req.session, user_id)
        except DispatchError as err:
            stats.commands_refused += 1
            self.refused(envelope, req, err, None, user_id)
            return
        key = (actor.operator, req.id)
        dig = digest(req)
        cached = srv.replies.get(key)
        if cached is not None:
            if cached[0] != dig:
                self.refused(envelope, req, reused(req.id), actor, user_id)
                return
            stats.replayed += 1
            send(envelope, cached[1])
            return
        waiting = srv.replies.waiting(key)
        if waiting is not None:  # a retry of a command whose records are being published
            if waiting[1] != dig:
                self.refused(envelope, req, reused(req.id), actor, user_id)
                return
            stats.replayed += 1
            waiting[0].replies.append(Pending(envelope, req.id, key, dig, waiting[2],
                                              cache=False))
            return
        first = in_batch.get(key)
        if first is not None:  # the same command twice in one batch: one answer for both
            if first.digest != dig:
                self.refused(envelope, req, reused(req.id), actor, user_id)
                return
            stats.replayed += 1
            batch.append(Pending(envelope, req.id, key, dig, same_as=first))
            return
        p = Pending(envelope, req.id, key, dig, kind=req.type)
        batch.append(p)
        in_batch[key] = p
        engine = srv.engine
        try:
            command = build_command(req.type, req.args, test_levers=test_levers)
            out = engine.execute(command, actor, command_id=req.id,
                                 expected_version=req.expected_version, commit=False,
                                 digest=dig)
        except DispatchError as err:  # the same refusal answers a retry (from the cache)
            stats.commands_refused += 1
            p.reply, p.cache = self.refusal(req, err, actor, user_id)
            return
        except Exception as exc:  # a bug must not take the server down
            stats.internal_errors += 1
            log.exception("command %s (%s) failed", req.id, req.type)
            bug = InvalidCommand(f"the server could not run this command ({type(exc).__name__})")
            p.reply, p.cache = self.refusal(req, bug, actor, user_id)[0], False
            return
        if out.duplicate:
            stats.duplicates += 1
        else:
            stats.commands_ok += 1
        p.incidents, p.units = engine.state.take_changes()
        p.reply = ok_reply(req.id, out.seq, self._result(out, req.id))

    def refusal(self, req: Request, err: DispatchError, actor: Actor | None,
                user_id: str | None) -> tuple[bytes, bool]:
        """The reply to a refused request with its audit row queued, and True; or
        ``unavailable`` and False when the audit trail cannot take the row (a refusal is never
        left unaudited, and that answer is not one to repeat to a retry)."""
        srv = self.server
        operator = actor.operator if actor is not None else "?"
        workstation = actor.workstation if actor is not None else srv.access.name_of(user_id)
        iid = req.args.get("incident_id") if isinstance(req.args, dict) else None
        row = audit_row(operator, workstation, "refused",
                        {"type": req.type, "id": req.id, "error": err.code,
                         "message": err.message[:500]},
                        incident_id=iid if isinstance(iid, str) else None)
        if not srv.audit.write(row):
            srv.stats.audit_full += 1
            return error_reply(req.id, "unavailable", AUDIT_FULL), False
        return error_reply(req.id, err, relogin=bool(getattr(err, "relogin", False))), True

    def refused(self, envelope: list[bytes], req: Request, err: DispatchError,
                actor: Actor | None, user_id: str | None) -> None:
        self.server.sockets.send(envelope, self.refusal(req, err, actor, user_id)[0])

    def _result(self, out: Outcome, command_id: str) -> dict[str, Any]:
        srv = self.server
        events: Sequence[Event] = out.events
        if out.duplicate and srv.store is not None:
            events = [e for e in srv.store.read(after_seq=out.seq - 1, to_seq=out.seq)
                      if e.command_id == command_id]
        res: dict[str, Any] = {"events": [e.kind for e in events]}
        state = srv.engine.state
        for e in events:
            iid = e.incident_id
            if iid is not None:
                res["incident_id"] = iid
                inc = state.incidents.get(iid)
                if inc is not None:
                    res["version"] = inc.version
                break
            uid = getattr(e.payload, "unit_id", None)
            if uid is not None:
                res["unit_id"] = uid
                u = state.units.get(uid)
                if u is not None:
                    res["version"] = u.version
                break
        return res

    def _flush(self, batch: list[Pending]) -> None:
        """Commit the batch in one transaction; each command's reply goes out once the
        records that command changed are published (a report in the same batch as a bulk
        position report does not wait for the 500 units of the other)."""
        srv = self.server
        srv.stats.batches += 1
        committed, inc, units = self.commit(batch)
        replies: dict[int, list[Pending]] = {}  # per command: its reply and its repeats
        for p in batch:
            if p.same_as is not None:
                p.reply, p.cache = p.same_as.reply, False
                replies[id(p.same_as)].append(p)
                continue
            replies[id(p)] = [p]
            if not committed:
                p.reply = error_reply(p.request_id, "unavailable",
                                      "the database could not store the change; nothing was "
                                      "changed, try again")
                p.cache = False
        if not committed:
            for p in batch:
                srv.sockets.send(p.envelope, p.reply)
            return
        for p in batch:
            if p.same_as is None:
                srv.outbox.enqueue(p.incidents, p.units, replies[id(p)])
        if inc or units:  # changed by no command of the batch: published all the same
            srv.outbox.enqueue(inc, units, [])

    def commit(self, batch: Sequence[Pending] = ()) -> tuple[bool, set[str], set[str]]:
        """Store the pending events; returns (stored, changed incidents, changed units): the
        records changed other than by the commands of ``batch``, which hold their own."""
        srv = self.server
        engine = srv.engine
        t0 = time.perf_counter()
        pending = len(engine.pending)
        try:
            engine.commit()
        except Unavailable as exc:
            srv.stats.commit_failures += 1
            if srv.store is not None and srv.store.fenced:  # replaced: it steps down next
                log.warning("commit refused: %s", exc)
            else:
                log.exception("commit failed; state reloaded from the store")
            engine.state.take_changes()  # nothing of the lost batch was published
            return False, set(), set()
        if time.perf_counter() - t0 > SLOW_BATCH_S:
            log.warning("slow commit: %d events in %.1f ms", pending,
                        (time.perf_counter() - t0) * 1000)
        inc, units = engine.state.take_changes()
        touched = inc.union(*(p.incidents for p in batch))
        if touched:
            srv.timekeeper.touched(touched)
        return True, inc, units

    def commit_publish(self) -> bool:
        """Commit events the server made itself (clock, archive) and queue their records."""
        committed, inc, units = self.commit()
        if committed:
            self.server.outbox.enqueue(inc, units, [])
        return committed
