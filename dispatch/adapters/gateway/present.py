"""How incidents and photos look in the gateway's JSON (field API and 12345/110 tickets)."""

from __future__ import annotations

from typing import Any

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.media import Media
from dispatch.domain.state import Incident


def media_json(m: Media, base: str) -> dict[str, Any]:
    return {"media_id": m.media_id, "kind": m.kind, "content_type": m.content_type,
            "size": m.size, "width": m.width, "height": m.height, "taken_at": m.taken_at,
            "lon": m.lon, "lat": m.lat, "attached_at": m.ts, "operator": m.operator,
            "url": f"{base}/media/{m.media_id}", "thumb_url": f"{base}/media/{m.media_id}/thumb"}


def class_name(catalogue: Catalogue, code: str) -> dict[str, str]:
    try:
        minor = catalogue.minor_of(code)
    except KeyError:
        return {"zh": code, "en": code}
    if len(code) == 6 and code in catalogue.problems:
        p = catalogue.problems[code]
        return {"zh": p.name_zh, "en": p.name_en}
    return {"zh": minor.name_zh, "en": minor.name_en}


def incident_json(inc: Incident, catalogue: Catalogue, base: str) -> dict[str, Any]:
    return {
        "incident_id": inc.id, "status": inc.status.value, "class_code": inc.class_code,
        "class_name": class_name(catalogue, inc.class_code), "priority": inc.priority,
        "source": inc.source, "description": inc.description, "lon": inc.lon, "lat": inc.lat,
        "grid": inc.grid, "reported_at": inc.reported_at, "external_ref": inc.external_ref,
        "part_id": inc.part_id, "lead_department": inc.lead_department,
        "assist_departments": list(inc.assist_departments), "units": list(inc.units),
        "ack_due": inc.ack_due, "handle_due": inc.handle_due, "verify_due": inc.verify_due,
        "closed_at": inc.closed_at, "close_reason": inc.close_reason, "version": inc.version,
        "notes": [{"ts": n.ts, "operator": n.operator, "text": n.text} for n in inc.notes],
        "media": [media_json(m, base) for m in inc.media],
    }
