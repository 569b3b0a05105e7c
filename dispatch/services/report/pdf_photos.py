"""The shift report's photos: for each incident the report lists (overdue, escalated) that has
photos, a row of its thumbnails with their kind (reported, before, after) and time.

The thumbnails are read from the media directory the field gateway writes (``<data dir>/media``,
docs/GATEWAY.md); a photo whose file is not there is named and marked "not available" rather
than left out, so the report still says it existed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dispatch.domain.media import Media, stored_name
from dispatch.services.replay import IncidentSummary
from dispatch.services.report.names import Names

THUMB_MM = 34.0
PER_INCIDENT = 6
MAX_INCIDENTS = 40


def photo_flowables(incidents: Sequence[IncidentSummary], names: Names,
                    media_dir: Path | None, paragraph: Callable[[str, str], Any]
                    ) -> list[Any]:
    """The "Photos" section (empty when no listed incident has photos)."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, KeepTogether, Table, TableStyle

    t = names.text
    seen: set[str] = set()
    with_photos = []
    for s in incidents:
        if s.media and s.incident_id not in seen:
            seen.add(s.incident_id)
            with_photos.append(s)
    if not with_photos:
        return []

    def cell(m: Media) -> list[Any]:
        path = media_dir / stored_name(m.media_id, m.content_type, thumb=True) \
            if media_dir is not None else None
        kind = t(f"photo_{m.kind}") if m.kind in ("report", "before", "after") else m.kind
        caption = paragraph(f"{kind} · {names.time(m.ts)}", "cell")
        if path is None or not path.is_file():
            return [paragraph(f"{t('photo_missing')} ({m.media_id[:8]})", "muted"), caption]
        ratio = m.height / m.width if m.width else 0.75
        w = THUMB_MM * mm
        h = min(w * ratio, THUMB_MM * mm)
        w = h / ratio if ratio else w
        return [Image(str(path), width=w, height=h), caption]

    out: list[Any] = [paragraph(t("photos"), "h2")]
    for s in with_photos[:MAX_INCIDENTS]:
        photos = s.media[:PER_INCIDENT]
        cells = [cell(m) for m in photos]
        row = [c[0] for c in cells]
        captions = [c[1] for c in cells]
        tb = Table([row, captions], colWidths=[(THUMB_MM + 4) * mm] * len(cells),
                   hAlign="LEFT")
        tb.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("BOX", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d2dc")),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        title = (f"{s.incident_id}  {names.class_name(s.class_code)} · "
                 f"{names.region(s.grid)} · {names.status(s.status)}")
        block = [paragraph(title, "h3"), tb]
        if len(s.media) > PER_INCIDENT:
            block.append(paragraph(t("photos_more").replace(
                "{0}", str(len(s.media) - PER_INCIDENT)), "muted"))
        out.append(KeepTogether(block))
    return out
