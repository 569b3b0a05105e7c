"""Handlers of the commands the field gateway brought: attach a photo to an incident, hand an
incident back to the system it came from (12345, 110). Registered in
:data:`dispatch.domain.handlers.HANDLERS` like every other handler."""

from __future__ import annotations

import math

from dispatch.domain import checks as ck
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain.checks import Context, Payloads
from dispatch.domain.errors import Conflict, InvalidCommand
from dispatch.domain.media import MAX_MEDIA_PER_INCIDENT, check_kind, check_reference
from dispatch.domain.roles import Permission
from dispatch.domain.status import IncidentStatus

S = IncidentStatus
HAND_BACK_STATUSES = (S.REPORTED, S.REGISTERED)
"""An incident may be handed back until it is dispatched; after that it is Gridline's."""



def _on_earth(lon: object, lat: object) -> tuple[float, float]:
    if isinstance(lon, bool) or isinstance(lat, bool) or not (
            isinstance(lon, int | float) and isinstance(lat, int | float)) or \
            not (math.isfinite(lon) and math.isfinite(lat)
                 and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidCommand("photo location must be a longitude from -180 to 180 and a "
                             "latitude from -90 to 90")
    return float(lon), float(lat)


def media_event(incident_id: str, c: cmd.AttachMedia) -> ev.IncidentMediaAttached:
    """The event of a photo reference, checked on its own (no incident needed)."""
    kind = check_kind(c.kind)
    check_reference(c.media_id, c.sha256, c.content_type, c.size, c.width, c.height,
                    c.taken_at)
    lon, lat = c.lon, c.lat
    if (lon is None) != (lat is None):
        raise InvalidCommand("a photo's location needs both lon and lat, or neither")
    if lon is not None and lat is not None:
        # where the camera was: data kept with the photo, not a place in the city to act on,
        # so any position on Earth (a phone's fix may be off)
        lon, lat = _on_earth(lon, lat)
    return ev.IncidentMediaAttached(
        incident_id=incident_id, media_id=c.media_id, kind=kind, sha256=c.sha256,
        content_type=c.content_type, size=c.size, width=c.width, height=c.height,
        taken_at=None if c.taken_at is None else float(c.taken_at), lon=lon, lat=lat)


def attach_rows(incident_id: str, rows: tuple[cmd.MediaRow, ...]) -> list[cmd.AttachMedia]:
    """The ``attach_media`` commands of a list of photo references (``field_step``'s and
    ``report``'s ``media``); ``conflict`` for a photo given twice as one kind."""
    out: list[cmd.AttachMedia] = []
    for n, row in enumerate(rows):
        kind, media_id, sha256, content_type, size, width, height, taken_at, lon, lat = row
        if any(m.media_id == media_id and m.kind == kind for m in out):
            raise Conflict(f"media[{n}]: photo {media_id} is given twice as {kind}")
        out.append(cmd.AttachMedia(incident_id, media_id, kind, sha256, content_type, size,
                                   width, height, taken_at, lon, lat))
    return out


def report_media(ctx: Context, incident_id: str, rows: tuple[cmd.MediaRow, ...]) -> Payloads:
    """The photos of a new report (``report``'s ``media``): each checked as a reference."""
    if not rows:
        return []
    ctx.actor.require(Permission.NOTE, "attach photos")
    if len(rows) > MAX_MEDIA_PER_INCIDENT:
        raise InvalidCommand(f"at most {MAX_MEDIA_PER_INCIDENT} photos per incident")
    out: Payloads = []
    for n, a in enumerate(attach_rows(incident_id, rows)):
        try:
            out.append(media_event(incident_id, a))
        except InvalidCommand as err:
            raise InvalidCommand(f"media[{n}]: {err.message}") from None
    return out


def attach_media(ctx: Context, c: cmd.AttachMedia) -> Payloads:
    ctx.actor.require(Permission.NOTE, "attach photos")
    inc = ck.incident(ctx, c.incident_id, "attach a photo to")
    ctx.actor.require_field_stage("attach_media", inc.id, inc.status)
    ck.require_status(inc, frozenset(s for s in S if s.is_open), "attach a photo to")
    event = media_event(inc.id, c)
    if any(m.media_id == c.media_id and m.kind == event.kind for m in inc.media):
        raise Conflict(f"photo {c.media_id} is already attached to incident {inc.id} as "
                       f"{event.kind}")
    if len(inc.media) >= MAX_MEDIA_PER_INCIDENT:
        raise InvalidCommand(f"incident {inc.id} already has {MAX_MEDIA_PER_INCIDENT} photos")
    return [event]


def hand_back(ctx: Context, c: cmd.HandBack) -> Payloads:
    ctx.actor.require(Permission.DISPATCH, "hand incidents back")
    inc = ck.incident(ctx, c.incident_id, "hand back")
    if not inc.external_ref:
        raise InvalidCommand(f"incident {inc.id} did not come from another system (it has no "
                             "external reference); cancel it instead")
    ck.require_status(inc, HAND_BACK_STATUSES, "hand back")
    return [ev.IncidentHandedBack(inc.id, ck.text(c.reason, "reason"))]
