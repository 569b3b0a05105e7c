"""One line of the audit trail as the database stores it: the detail as JSON text, every
field cut to its column and cleaned of what PostgreSQL's text cannot hold. Both writers use it:
:func:`dispatch.adapters.security.operators.audit` (one line, now) and the server's batching
:class:`dispatch.adapters.server.audit_log.AuditWriter`."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AuditRow:
    operator: str
    workstation: str
    action: str
    detail: str
    ts: float
    incident_id: str | None = None

    def values(self) -> dict[str, Any]:
        v: dict[str, Any] = {"ts": self.ts, "operator": _clean(self.operator, 64),
                             "workstation": _clean(self.workstation, 64),
                             "action": _clean(self.action, 32),
                             "detail": _clean(self.detail, MAX_DETAIL)}
        iid = self.incident_id
        v["incident_id"] = _clean(iid, 64) if iid and len(iid) <= 64 else None
        return v

    def sanitized(self, why: str) -> AuditRow:
        """The row as plain text, for a database that refused it as it was."""
        detail = json.dumps({"unstorable": why[:200], "row": repr(self)[:MAX_DETAIL // 2]},
                            ensure_ascii=True)
        return AuditRow(self.operator.encode("ascii", "replace").decode(),
                        self.workstation.encode("ascii", "replace").decode(),
                        self.action.encode("ascii", "replace").decode(), detail, self.ts)


MAX_DETAIL = 8000


def _clean(text: str, limit: int) -> str:
    """Within the column's length and without NUL, which PostgreSQL text cannot hold."""
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become '?'
    return text.replace("\x00", "\ufffd")[:limit]


def row(operator: str, workstation: str, action: str,
        detail: str | Mapping[str, Any] = "", *, incident_id: str | None = None,
        ts: float | None = None) -> AuditRow:
    text = detail if isinstance(detail, str) else json.dumps(
        detail, ensure_ascii=False, sort_keys=True, default=str)
    return AuditRow(str(operator), str(workstation), str(action), text,
                    time.time() if ts is None else ts, incident_id)
