"""The run-card commands' handlers and the projection of their events (kept apart from the
incident workflow in :mod:`dispatch.domain.handlers` and :mod:`dispatch.domain.projection`,
whose tables list them)."""

from __future__ import annotations

from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain.checks import Context, Payloads
from dispatch.domain.errors import NotFound
from dispatch.domain.roles import Permission
from dispatch.domain.runcards import check_card
from dispatch.domain.state import DispatchState, RunCard, card_key


def set_run_card(ctx: Context, c: cmd.SetRunCard) -> Payloads:
    ctx.actor.require(Permission.PLAN, "edit run cards")
    card = check_card(ctx.catalogue, c.class_code, c.priority, c.lines)
    return [ev.RunCardSet(card.class_code, card.priority, card.lines)]


def remove_run_card(ctx: Context, c: cmd.RemoveRunCard) -> Payloads:
    ctx.actor.require(Permission.PLAN, "edit run cards")
    if card_key(c.class_code, c.priority) not in ctx.state.run_cards:
        at = f" at priority {c.priority}" if c.priority else ""
        raise NotFound(f"no run card for class {c.class_code!r}{at}")
    return [ev.RunCardRemoved(c.class_code, c.priority)]


def apply_set(s: DispatchState, _e: ev.Event, p: ev.RunCardSet) -> None:
    card = RunCard(p.class_code, p.priority, tuple((d, t, n) for d, t, n in p.lines))
    s.run_cards[card.key] = card


def apply_removed(s: DispatchState, _e: ev.Event, p: ev.RunCardRemoved) -> None:
    s.run_cards.pop(card_key(p.class_code, p.priority), None)
