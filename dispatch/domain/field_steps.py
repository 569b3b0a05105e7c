"""One field step with the photos taken for it (``field_step``): 签收 acknowledge, handle,
arrive (my unit on scene), 反馈 respond, 核查 verify, and the photo references the gateway
stored for it, checked together so that the step and its photos are all appended or none.

The step's own handler decides the step as it decides the plain command (``respond``,
``verify``…); every photo is checked as an ``attach_media`` of the same incident against the
state before the step, plus the photos of the same command (no photo twice as one kind, the
per-incident limit counts them all). A photo the incident already has as that kind (the
verifier sends the responder's "before" again) is not attached a second time. Events: the
step's, then one ``incident.media_attached`` per photo, in the order given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dispatch.domain import checks as ck
from dispatch.domain import commands as cmd
from dispatch.domain.checks import Context, Payloads
from dispatch.domain.errors import Conflict, InvalidCommand
from dispatch.domain.intake_handlers import attach_media, attach_rows
from dispatch.domain.media import MAX_MEDIA_PER_INCIDENT
from dispatch.domain.roles import Permission

FIELD_STEPS = ("acknowledge", "handle", "arrive", "respond", "verify")
"""The steps ``field_step`` carries (``arrive``: the device's unit is on scene)."""

MAX_STEP_MEDIA = 12
"""Photos in one ``field_step``."""

Handler = Callable[[Context, Any], Payloads]


def step_command(c: cmd.FieldStep) -> Any:
    """The plain command of the step (``arrive`` is ``unit_status`` ``on_scene``)."""
    if c.step == "acknowledge":
        return cmd.Acknowledge(c.incident_id, c.department)
    if c.step == "handle":
        return cmd.StartHandling(c.incident_id, c.department)
    if c.step == "respond":
        return cmd.Respond(c.incident_id, c.result, c.department)
    if c.step == "verify":
        return cmd.Verify(c.incident_id, c.passed, c.note)
    if c.step == "arrive":
        return cmd.SetUnitStatus(c.unit_id, "on_scene")
    raise InvalidCommand(f"unknown field step {c.step!r}; expected one of "
                         f"{', '.join(FIELD_STEPS)}")


def _arrive_checks(ctx: Context, c: cmd.FieldStep) -> None:
    if not c.unit_id:
        raise InvalidCommand("arrive needs the unit_id of the unit on scene")
    unit = ck.unit(ctx, c.unit_id)
    if unit.incident_id != c.incident_id:
        raise Conflict(f"unit {unit.id} is not on incident {c.incident_id}")


def field_step(handlers: Mapping[type[Any], Handler]) -> Handler:
    """The ``field_step`` handler over the table of the plain commands' handlers."""

    def handle(ctx: Context, c: cmd.FieldStep) -> Payloads:
        ctx.actor.require(Permission.FIELD, "take field steps")
        step = step_command(c)
        inc = ck.incident(ctx, c.incident_id, c.step)
        ctx.actor.require_field_stage("field_step", inc.id, inc.status)
        if c.step == "arrive":
            _arrive_checks(ctx, c)
        if len(c.media) > MAX_STEP_MEDIA:
            raise InvalidCommand(f"at most {MAX_STEP_MEDIA} photos with one step, got "
                                 f"{len(c.media)}")
        out = list(handlers[type(step)](ctx, step))
        photos = [a for a in attach_rows(c.incident_id, c.media)  # already there: kept as is
                  if not any(m.media_id == a.media_id and m.kind == a.kind for m in inc.media)]
        if len(inc.media) + len(photos) > MAX_MEDIA_PER_INCIDENT:
            raise InvalidCommand(f"incident {inc.id} would have more than "
                                 f"{MAX_MEDIA_PER_INCIDENT} photos")
        for n, a in enumerate(photos):
            try:
                out.extend(attach_media(ctx, a))
            except (InvalidCommand, Conflict) as err:
                raise type(err)(f"media[{n}]: {err.message}") from None
        return out

    return handle
