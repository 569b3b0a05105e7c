"""The automatic rules of the clock (督办 and escalation ladders) as data, and what they ask
for an incident at an instant: pure functions over the state (no clock, no I/O). The rules
come from ``resources/rules.json`` (:mod:`dispatch.adapters.rules_file`); the server's clock
(:mod:`dispatch.services.clock`) evaluates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dispatch.domain import commands as cmd
from dispatch.domain.handlers import CLOCK_STAGES
from dispatch.domain.state import Incident
from dispatch.domain.status import EscalationLevel
from dispatch.domain.timelimits import ClockState, running_clock

ACTIONS = ("supervise", "escalate")
CONDITIONS = ("near_due", "overdue")
MAX_RULE_ID = 24


class RuleError(ValueError):
    """The rules file is malformed; the message names the rule and the field."""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    stage: str  # a clock stage or "*"
    condition: str  # near_due | overdue
    margins_s: tuple[float, ...]  # one for supervise; the ladder for escalate
    action: str  # supervise | escalate
    text: str
    max_level: EscalationLevel = EscalationLevel.CITY

    def applies(self, stage: str) -> bool:
        return self.stage in ("*", stage)


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: tuple[Rule, ...] = ()
    near_due_fraction: float = 0.8
    raise_clock_events: bool = True


def _rule(d: Any, i: int) -> Rule:
    if not isinstance(d, dict):
        raise RuleError(f"rule #{i + 1} must be an object")
    rid = d.get("id")
    where = f"rule {rid!r}" if isinstance(rid, str) else f"rule #{i + 1}"
    known = {"id", "stage", "condition", "margin_minutes", "action", "text", "max_level",
             "comment"}
    extra = set(d) - known
    if extra:
        raise RuleError(f"{where}: unknown field(s) {', '.join(sorted(extra))}")
    if not isinstance(rid, str) or not 0 < len(rid) <= MAX_RULE_ID:
        raise RuleError(f"{where}: id must be text of 1 to {MAX_RULE_ID} characters")
    stage = d.get("stage")
    if stage != "*" and stage not in CLOCK_STAGES:
        raise RuleError(f"{where}: stage must be one of {', '.join(CLOCK_STAGES)} or *")
    cond = d.get("condition")
    if cond not in CONDITIONS:
        raise RuleError(f"{where}: condition must be near_due or overdue")
    action = d.get("action")
    if action not in ACTIONS:
        raise RuleError(f"{where}: action must be one of {', '.join(ACTIONS)}")
    raw = d.get("margin_minutes", 0)
    margins = raw if isinstance(raw, list) else [raw]
    if not margins or any(isinstance(m, bool) or not isinstance(m, int | float) or m < 0
                          for m in margins):
        raise RuleError(f"{where}: margin_minutes must be a number ≥ 0 or a list of them")
    if list(margins) != sorted(margins):
        raise RuleError(f"{where}: the escalation margins must increase")
    if action == "supervise" and len(margins) != 1:
        raise RuleError(f"{where}: supervise takes one margin")
    text = d.get("text", "")
    if not isinstance(text, str) or not text.strip():
        raise RuleError(f"{where}: text (the note or reason written on the incident) is "
                        "required")
    try:
        max_level = EscalationLevel[str(d.get("max_level", "city")).upper()]
    except KeyError:
        raise RuleError(f"{where}: max_level must be community, street, district or city"
                        ) from None
    return Rule(rid, stage, cond, tuple(float(m) * 60.0 for m in margins), action,
                text.strip(), max_level)


def parse_rules(data: Any) -> RuleSet:
    if not isinstance(data, dict):
        raise RuleError("the rules file must hold a JSON object")
    frac = data.get("near_due_fraction", 0.8)
    if isinstance(frac, bool) or not isinstance(frac, int | float) or not 0 < frac < 1:
        raise RuleError("near_due_fraction must be a number between 0 and 1")
    raise_events = data.get("raise_clock_events", True)
    if not isinstance(raise_events, bool):
        raise RuleError("raise_clock_events must be true or false")
    rules_raw = data.get("rules", [])
    if not isinstance(rules_raw, list):
        raise RuleError("rules must be a list")
    rules = tuple(_rule(r, i) for i, r in enumerate(rules_raw))
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise RuleError("rule ids must be unique")
    return RuleSet(rules, float(frac), raise_events)


@dataclass(frozen=True, slots=True)
class Action:
    """A command the clock wants to run, with its idempotent command id."""

    command: Any
    command_id: str
    rule: str  # rule id, or "clock"


def evaluate(inc: Incident, now: float, rules: RuleSet) -> tuple[list[Action], float | None]:
    """What the clock must do to ``inc`` at ``now``, and when to look at it next (None: not
    until it changes)."""
    if not inc.is_open:
        return [], None
    c = running_clock(inc)
    if c is None:
        return [], None
    span = c.due - c.started
    near_t = c.started + rules.near_due_fraction * span if span > 0 else c.due
    out: list[Action] = []
    later: list[float] = []
    v = inc.version
    if rules.raise_clock_events:
        st = c.state(now, rules.near_due_fraction)
        if st == ClockState.OVERDUE and (c.stage, "overdue") not in inc.clock:
            out.append(Action(cmd.RaiseClock(inc.id, c.stage, "overdue"),
                              f"clock:{inc.id}:{v}:{c.stage}:overdue", "clock"))
        elif (st == ClockState.NEAR_DUE and (c.stage, "near_due") not in inc.clock
              and (c.stage, "overdue") not in inc.clock):
            out.append(Action(cmd.RaiseClock(inc.id, c.stage, "near_due"),
                              f"clock:{inc.id}:{v}:{c.stage}:near_due", "clock"))
        later.extend(t for t in (near_t, c.due) if t > now)
    for rule in rules.rules:
        if not rule.applies(c.stage):
            continue
        base = c.due if rule.condition == "overdue" else near_t
        times = [base + m for m in rule.margins_s]
        reached = sum(1 for t in times if t <= now)
        later.extend(t for t in times if t > now)
        if not reached:
            continue
        cid = f"auto:{rule.id}:{inc.id}:{v}"
        if rule.action == "supervise":
            if not inc.supervised:
                out.append(Action(cmd.Supervise(inc.id, True, rule.text), cid, rule.id))
        else:
            target = max(EscalationLevel.GRID - reached, rule.max_level)
            nxt = inc.level.next_up
            if inc.level > target and nxt is not None:
                out.append(Action(cmd.Escalate(inc.id, nxt.name.lower(), rule.text), cid,
                                  rule.id))
    return out, (min(later) if later else None)
