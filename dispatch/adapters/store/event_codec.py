"""Events as rows of the ``events`` table and back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from dispatch.domain.events import Event, payload_from_dict, payload_to_json
from dispatch.services.ports import CorruptEvent


def event_rows(batch: Sequence[Event]) -> list[dict[str, Any]]:
    return [{"seq": e.seq, "ts": e.ts, "kind": e.payload.KIND, "operator": e.operator,
             "workstation": e.workstation, "command_id": e.command_id or None,
             "incident_id": getattr(e.payload, "incident_id", None),
             "data": payload_to_json(e.payload)} for e in batch]


def decode_payload(seq: int, kind: str, data: Any) -> Any:
    """The payload of stored event ``seq``; CorruptEvent naming it if it cannot be read."""
    try:
        fields = orjson.loads(data)
        if not isinstance(fields, dict):
            raise ValueError(f"the payload is a JSON {type(fields).__name__}, not an object")
        return payload_from_dict(kind, fields)
    except (ValueError, TypeError, KeyError) as exc:  # orjson.JSONDecodeError is a ValueError
        raise CorruptEvent(seq, str(kind), str(exc).splitlines()[0] if str(exc) else
                           type(exc).__name__) from None
