"""The ``audit`` query: shift leads and administrators read the audit trail in pages.

Filters (all optional, combined with AND): ``operator``, ``workstation``, ``action`` (exact),
``incident_id``, ``since_ts`` ≤ ts ≤ ``until_ts`` (wall-clock seconds, as the audit writes
them). Lines come oldest first by id; a page holds at most :data:`MAX_PAGE_ROWS` lines and
about :data:`MAX_PAGE_BYTES` of JSON, and ``more`` tells the client to ask again with
``after_id = next_after_id``. ``to_id`` pins the end of a paged read: the first page answers
``last_id`` (the newest line when it was read) and a client that passes it on sees the same
set of lines however many are written meanwhile — its own ``audit_read`` lines included.

The incident filter matches the ``incident_id`` column, and for lines written without it
(older ones, and writers that name the incident only in ``detail``) a ``detail`` holding the
id as a JSON string (``"E000123"``).

Every read is itself audited (action ``audit_read``, the filters in ``detail``, the incident
filter in ``incident_id``), refused reads too. The read and its audit line run on the
server's background thread, like history pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from dispatch.adapters.protocol.messages import Request, ok_reply, take_args
from dispatch.adapters.server.backoffice import Backoffice
from dispatch.adapters.store.event_store import EventStore
from dispatch.adapters.store.security_schema import audit as audit_table
from dispatch.domain.errors import Forbidden, InvalidCommand, Unavailable
from dispatch.domain.roles import AUDIT_READERS, Actor

MAX_PAGE_ROWS = 5000
MAX_PAGE_BYTES = 4 << 20
MAX_FILTER_CHARS = 64
READ_ACTION = "audit_read"

_TEXT_FILTERS = ("operator", "workstation", "incident_id", "action")


@dataclass(frozen=True, slots=True)
class AuditQuery:
    operator: str | None = None
    workstation: str | None = None
    incident_id: str | None = None
    action: str | None = None
    since_ts: float | None = None
    until_ts: float | None = None
    after_id: int = 0
    to_id: int | None = None
    limit: int = MAX_PAGE_ROWS

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> AuditQuery:
        a = take_args(args, {"operator": (str, None), "workstation": (str, None),
                             "incident_id": (str, None), "action": (str, None),
                             "since_ts": (float, None), "until_ts": (float, None),
                             "after_id": (int, 0), "to_id": (int, None),
                             "limit": (int, MAX_PAGE_ROWS)}, "audit")
        for name in _TEXT_FILTERS:
            value = a[name]
            if value is not None:
                value = value.strip()
                if not value:
                    raise InvalidCommand(f"audit.{name} must not be empty (leave it out to "
                                         "match every line)")
                if len(value) > MAX_FILTER_CHARS:
                    raise InvalidCommand(f"audit.{name} is longer than {MAX_FILTER_CHARS} "
                                         "characters")
                if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
                    raise InvalidCommand(f"audit.{name} contains control characters")
                a[name] = value
        if a["after_id"] < 0:
            raise InvalidCommand("audit.after_id must be ≥ 0")
        if a["to_id"] is not None and a["to_id"] < a["after_id"]:
            raise InvalidCommand("audit.to_id is before after_id")
        if a["since_ts"] is not None and a["until_ts"] is not None \
                and a["until_ts"] < a["since_ts"]:
            raise InvalidCommand("audit.until_ts is before since_ts")
        if not 1 <= a["limit"] <= MAX_PAGE_ROWS:
            raise InvalidCommand(f"audit.limit must be 1 to {MAX_PAGE_ROWS}")
        return cls(**a)

    def filters(self) -> dict[str, Any]:
        """The filters that were given (for the ``audit_read`` line)."""
        return {k: v for k, v in asdict(self).items() if v is not None
                and not (k == "after_id" and v == 0) and k != "limit"}


def require_reader(actor: Actor) -> None:
    if actor.role not in AUDIT_READERS:
        raise Forbidden(f"{actor.operator} ({actor.role.value}) may not read the audit trail; "
                        "shift leads and administrators may")


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def audit_page(engine: Engine, q: AuditQuery) -> dict[str, Any]:
    """One page of audit lines: ``rows`` (``id``, ``ts``, ``operator``, ``workstation``,
    ``action``, ``incident_id``, ``detail``), ``more``, ``next_after_id``, ``last_id``."""
    t = audit_table.c
    stmt = select(t.id, t.ts, t.operator, t.workstation, t.action, t.incident_id, t.detail
                  ).where(t.id > q.after_id).order_by(t.id).limit(q.limit + 1)
    if q.operator is not None:
        stmt = stmt.where(t.operator == q.operator)
    if q.workstation is not None:
        stmt = stmt.where(t.workstation == q.workstation)
    if q.action is not None:
        stmt = stmt.where(t.action == q.action)
    if q.since_ts is not None:
        stmt = stmt.where(t.ts >= q.since_ts)
    if q.until_ts is not None:
        stmt = stmt.where(t.ts <= q.until_ts)
    if q.incident_id is not None:
        quoted = _like_escaped(f'"{q.incident_id}"')
        stmt = stmt.where(or_(t.incident_id == q.incident_id,
                              and_(t.incident_id.is_(None),
                                   t.detail.like(f"%{quoted}%", escape="\\"))))
    out: list[dict[str, Any]] = []
    size = 0
    more = False
    next_after = q.after_id
    with engine.connect() as conn:
        last_id = q.to_id
        if last_id is None:
            last_id = int(conn.execute(select(func.max(t.id))).scalar() or 0)
        for r in conn.execute(stmt.where(t.id <= last_id)):
            if len(out) >= q.limit or size >= MAX_PAGE_BYTES:
                more = True
                break
            out.append({"id": int(r.id), "ts": float(r.ts), "operator": r.operator,
                        "workstation": r.workstation, "action": r.action,
                        "incident_id": r.incident_id, "detail": r.detail})
            size += len(r.detail) + len(r.operator) + len(r.workstation) + 120
            next_after = int(r.id)
    return {"rows": out, "more": more, "next_after_id": next_after, "last_id": last_id}


def start_audit_read(backoffice: Backoffice, store: EventStore | None, envelope: list[bytes],
                     req: Request, actor: Actor, seq: Callable[[], int]) -> None:
    """Check the request on the server thread and queue the read on the background thread;
    raises the typed error to answer at once (``forbidden``, ``invalid``, ``unavailable``)."""
    from dispatch.adapters.security.operators import audit

    if store is None:
        raise Unavailable("this server keeps no audit trail (no event store)")
    engine = store.engine
    try:
        require_reader(actor)
    except Forbidden:
        def refused() -> tuple[None, None]:
            audit(engine, actor.operator, actor.workstation, READ_ACTION,
                  {"refused": "forbidden", "role": actor.role.value})
            return None, None
        backoffice.submit(None, None, refused)
        raise
    q = AuditQuery.from_args(req.args)

    def job() -> tuple[bytes, None]:
        page = audit_page(engine, q)
        audit(engine, actor.operator, actor.workstation, READ_ACTION,
              {**q.filters(), "returned": len(page["rows"])}, incident_id=q.incident_id)
        return ok_reply(req.id, seq(), page), None

    if not backoffice.submit(envelope, req.id, job):
        raise Unavailable("server busy; try again")
