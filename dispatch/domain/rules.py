"""The automatic rules of the clock (督办 and escalation ladders) as data, and what they ask
for an incident at an instant: pure functions over the state (no clock, no I/O). The rules
come from ``resources/rules.json``, read and checked by :mod:`dispatch.adapters.rules_file`
(``parse_rules``); the server's clock
(:mod:`dispatch.services.clock`) evaluates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dispatch.domain import commands as cmd
from dispatch.domain import joint
from dispatch.domain.citizen_loop import PRIORITY_UP, UrgeRule, callback_clock
from dispatch.domain.state import Incident
from dispatch.domain.status import WORKING_STATUSES, EscalationLevel
from dispatch.domain.timelimits import Clock, ClockState, running_clock
from dispatch.domain.whistle import overdue_arrivals

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
    urge_rules: tuple[UrgeRule, ...] = ()  # after N repeat calls (催办): raise, supervise


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
        return _callback_clock(inc, now, rules)
    out: list[Action] = []
    later: list[float] = []
    _urge_rules(inc, rules, out)
    if rules.raise_clock_events:
        _department_clocks(inc, now, rules, out, later)
        flags, nxt = overdue_arrivals(inc, now)  # 吹哨报到
        out.extend(Action(f, f"clock:{inc.id}:{inc.version}:arrival:{f.department}:overdue",
                          "clock") for f in flags)
        if nxt is not None:
            later.append(nxt)
    c = running_clock(inc)
    if c is None:
        return out, (min(later) if later else None)
    span = c.due - c.started
    near_t = c.started + rules.near_due_fraction * span if span > 0 else c.due
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


def _department_clocks(inc: Incident, now: float, rules: RuleSet, out: list[Action],
                       later: list[float]) -> None:
    """Each department's own clock on a joint incident raises its own flags, unless the
    incident's running clock stands for it (same stage, same deadline: a single department, or
    every department not yet signed for a freshly dispatched incident)."""
    if inc.status not in WORKING_STATUSES or not joint.is_joint(inc):
        return
    own = running_clock(inc)
    covered = (own.stage, own.due) if own is not None else None
    for t in inc.tasks:
        running = joint.task_clock(t)
        if running is None or (running[0], running[2]) == covered:
            continue
        c = Clock(*running)
        span = c.due - c.started
        near_t = c.started + rules.near_due_fraction * span if span > 0 else c.due
        st = c.state(now, rules.near_due_fraction)
        key = f"clock:{inc.id}:{inc.version}:{t.department}:{c.stage}"
        if st == ClockState.OVERDUE and (c.stage, "overdue") not in t.clock:
            out.append(Action(cmd.RaiseClock(inc.id, c.stage, "overdue", t.department),
                              f"{key}:overdue", "clock"))
        elif (st == ClockState.NEAR_DUE and (c.stage, "near_due") not in t.clock
              and (c.stage, "overdue") not in t.clock):
            out.append(Action(cmd.RaiseClock(inc.id, c.stage, "near_due", t.department),
                              f"{key}:near_due", "clock"))
        later.extend(x for x in (near_t, c.due) if x > now)


def _urge_rules(inc: Incident, rules: RuleSet, out: list[Action]) -> None:
    """The urge rules an open incident's repeat calls have reached (each once)."""
    for rule in rules.urge_rules:
        if inc.urges < rule.urges:
            continue
        cid = f"urge:{rule.id}:{inc.id}:{inc.version}"
        if rule.action == "supervise":
            if not inc.supervised:
                out.append(Action(cmd.Supervise(inc.id, True, rule.text), cid, rule.id))
        elif rule.id not in inc.urge_rules and inc.priority in PRIORITY_UP:
            out.append(Action(cmd.RaisePriority(inc.id, rule.id, rule.text), cid, rule.id))


def _callback_clock(inc: Incident, now: float, rules: RuleSet
                    ) -> tuple[list[Action], float | None]:
    """A closed case awaiting its call-back (回访): its clock's flags."""
    c = callback_clock(inc)
    if c is None or not rules.raise_clock_events:
        return [], None
    span = c.due - c.started
    near_t = c.started + rules.near_due_fraction * span if span > 0 else c.due
    st = c.state(now, rules.near_due_fraction)
    key = f"clock:{inc.id}:{inc.version}:callback"
    if st == ClockState.OVERDUE and ("callback", "overdue") not in inc.clock:
        return [Action(cmd.RaiseClock(inc.id, "callback", "overdue"), f"{key}:overdue",
                       "clock")], None
    if (st == ClockState.NEAR_DUE and ("callback", "near_due") not in inc.clock
            and ("callback", "overdue") not in inc.clock):
        return [Action(cmd.RaiseClock(inc.id, "callback", "near_due"), f"{key}:near_due",
                       "clock")], c.due
    nxt = [t for t in (near_t, c.due) if t > now]
    return [], (min(nxt) if nxt else None)
