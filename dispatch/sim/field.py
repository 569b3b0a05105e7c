"""What the field and the back office do next, decided from the live state.

For every incident and unit the mirror shows, the agent keeps one *plan*: the next action, when
(in server time) and under which state *signature* it was decided. When the state changes the
signature changes and a new plan replaces the old one; when a plan comes due the agent checks
the signature again and only then sends the command, so it does not send what the server would
refuse. Each decision draws from a random generator seeded with the run's seed and the record,
so a seeded run decides the same way for the same incident.

Field (grid worker app, departments' terminals, AVL): acknowledge or return (回退), handle,
request extensions (延期), respond (反馈), verify on site (核查; some fail → rework), the unit
status chain. Shift lead, for the ``auto_dispatch`` share: register or cancel, link duplicates,
dispatch the nearest units, escalate, decide extensions, close, evaluate, call back (回访),
whistle on some hard incidents (吹哨, :mod:`dispatch.sim.whistles`; departments report on
site). Citizens urge open cases (催办, :mod:`dispatch.sim.citizen`). How late and how
satisfying the work is depends on the department and street (:mod:`dispatch.sim.character`).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from dispatch.domain import commands as cmd
from dispatch.domain import joint
from dispatch.domain.catalogue.model import Catalogue, Priority
from dispatch.domain.state import DispatchState, Incident, UnitState
from dispatch.domain.status import (
    CloseReason,
    EscalationLevel,
    IncidentStatus,
    TaskState,
    UnitStatus,
)
from dispatch.sim import citizen, texts, whistles
from dispatch.sim.channel import Channel, Result, Who
from dispatch.sim.character import Character
from dispatch.sim.fleet import Fleet
from dispatch.sim.nearest import nearest, wanted
from dispatch.sim.plans import (
    HANDLING_CAP_S,
    HOUR,
    MIN,
    RESERVE_S,
    AgentStats,
    Behaviour,
    Plan,
    citizen_sig,
    incident_sig,
    unit_sig,
    window,
)

log = logging.getLogger("gridline.sim")
S = IncidentStatus
U = UnitStatus

class FieldAgent:
    def __init__(self, channel: Channel, state: Callable[[], DispatchState], fleet: Fleet,
                 catalogue: Catalogue, *, seed: int, behaviour: Behaviour | None = None,
                 run_id: str = "", character: Character | None = None) -> None:
        self.channel = channel
        self._state = state
        self.fleet = fleet
        self.catalogue = catalogue
        self.seed = seed
        self.run_id = run_id or uuid.uuid4().hex[:10]  # command ids are new in every run
        self.b = behaviour or Behaviour()
        self.character = character or Character(seed, self.b.character_spread)
        self.plans: dict[str, Plan] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._tokens = itertools.count(1)
        self.scripted: set[str] = set()  # incidents a scenario drives itself
        self.duplicates: dict[str, str] = {}  # incident id → the incident it repeats
        self.extension_asked: set[str] = set()
        self.reserved: dict[str, float] = {}  # unit id → server time until which it is ours
        self.by_department: dict[str, set[str]] = {}  # unit ids per department
        self._caps = {t.code: frozenset(t.capabilities) for t in catalogue.unit_types.values()}
        self.stats = AgentStats()

    @property
    def state(self) -> DispatchState:
        return self._state()

    # ---------------------------------------------------------------------- randomness

    def _rng(self, key: str, sig: tuple[Any, ...], what: str) -> random.Random:
        return random.Random(f"{self.seed}|{key}|{sig}|{what}")

    def auto(self, incident_id: str) -> bool:
        """Whether the simulated shift lead works this incident (else a human does)."""
        if not self.channel.has_lead or self.b.auto_dispatch <= 0:
            return False
        return random.Random(f"{self.seed}|auto|{incident_id}").random() < self.b.auto_dispatch

    # --------------------------------------------------------------------- observation

    def observe(self, incidents: Iterable[str], units: Iterable[str], now: float) -> None:
        state = self.state
        for iid in incidents:
            inc = state.incidents.get(iid)
            if inc is None:
                self.plans.pop("i:" + iid, None)
                self.plans.pop("c:" + iid, None)
                self.plans.pop("w:" + iid, None)
                continue
            self._plan_incident(inc, now)
            self._plan_side(inc, now)
        for uid in units:
            u = state.units.get(uid)
            if u is None:
                self.plans.pop("u:" + uid, None)
                self.fleet.forget(uid)
                for members in self.by_department.values():
                    members.discard(uid)
                continue
            self.by_department.setdefault(u.department, set()).add(uid)
            self.fleet.observe(u, self._incident_pos, now)
            self._plan_unit(u, now)

    def observe_all(self, now: float) -> None:
        state = self.state
        self.observe(list(state.incidents), list(state.units), now)

    def _incident_pos(self, iid: str) -> tuple[float, float] | None:
        inc = self.state.incidents.get(iid)
        return None if inc is None else (inc.lon, inc.lat)

    def _schedule(self, key: str, sig: tuple[Any, ...], action: str, due: float) -> None:
        plan = Plan(key, sig, action, due, next(self._tokens))
        self.plans[key] = plan
        heapq.heappush(self._heap, (due, plan.token, key))

    def _keep(self, key: str, sig: tuple[Any, ...]) -> bool:
        """True when a plan for this exact state exists (pending or done)."""
        plan = self.plans.get(key)
        return plan is not None and plan.sig == sig

    # ------------------------------------------------------------------ incident plans

    def _plan_incident(self, inc: Incident, now: float) -> None:
        key, sig = "i:" + inc.id, incident_sig(inc)
        if inc.id in self.scripted or self._keep(key, sig):
            return
        decided = self._decide_incident(inc, sig, now)
        if decided is None:
            self.plans[key] = Plan(key, sig, "", now, 0, done=True)
            return
        action, due = decided
        self._schedule(key, sig, action, max(due, now))

    def _plan_side(self, inc: Incident, now: float) -> None:
        """The citizen's next repeat call (``c:``; drawn per case and urge, so a status change
        re-plans the same call) and the whistle's next step (``w:``, 吹哨报到)."""
        for key, sig in (("c:" + inc.id, citizen_sig(inc)),
                         ("w:" + inc.id, whistles.whistle_sig(inc))):
            if inc.id in self.scripted or self._keep(key, sig):
                continue
            if key[0] == "c":
                due = citizen.urge_due_at(inc, self.character.for_incident(self.b, inc),
                                          self._rng(inc.id, (inc.urges,), "urge"), now)
                step = None if due is None else ("urge", due)
            else:
                step = whistles.next_step(inc, self.b, lambda w: self._rng(inc.id, (), w), now,
                                          self.auto(inc.id))
            if step is None:
                self.plans[key] = Plan(key, sig, "", now, 0, done=True)
            else:
                self._schedule(key, sig, *step)

    def _when(self, rng: random.Random, start: float, window: float, lo: float, hi: float,
              late: float) -> float:
        """A moment in ``window`` after ``start`` (fraction lo..hi), or late with share ``late``."""
        if rng.random() < late:
            return start + window * rng.uniform(1.05, 1.5)
        return start + window * rng.uniform(lo, hi)

    def _decide_incident(self, inc: Incident, sig: tuple[Any, ...], now: float
                         ) -> tuple[str, float] | None:
        rng = self._rng(inc.id, sig, "when")
        auto = self.auto(inc.id)
        late = self.character.late_share(self.b, inc)
        st = inc.status
        if auto and inc.extension_minutes and st in (S.DISPATCHED, S.ACKNOWLEDGED, S.HANDLING,
                                                     S.PARKED):
            return "decide_extension", now + rng.uniform(5, 30) * MIN
        if st == S.REPORTED:
            if not auto:
                return None
            w = window(inc.reported_at, inc.dispatch_due, 30 * MIN, 2 * HOUR)
            if inc.id in self.duplicates:
                return "duplicate", inc.reported_at + w * rng.uniform(0.05, 0.3)
            return "register", self._when(rng, inc.reported_at, w, 0.05, 0.3, late)
        if st == S.REGISTERED:
            if not auto:
                return None
            if inc.returns:
                return "assign", now + rng.uniform(2, 10) * MIN
            w = window(inc.reported_at, inc.dispatch_due, 30 * MIN, 2 * HOUR)
            start = inc.registered_at or now
            return "assign", max(start + rng.uniform(1, 4) * MIN,
                                 self._when(rng, inc.reported_at, w, 0.35, 0.8, late))
        joint_step = self._department_step(inc, now) \
            if st in (S.DISPATCHED, S.ACKNOWLEDGED, S.HANDLING) and joint.is_joint(inc) else None
        if st == S.DISPATCHED and joint_step is not None:
            return joint_step
        if st == S.DISPATCHED:
            start = inc.dispatched_at or now
            w = window(start, inc.ack_due, 15 * MIN, HOUR)
            return "acknowledge", self._when(rng, start, w, 0.1, 0.7, late)
        if st == S.ACKNOWLEDGED:
            start = inc.acknowledged_at or now
            if (auto and inc.priority == Priority.URGENT.value
                    and inc.level == EscalationLevel.GRID and inc.escalations == 0
                    and self._rng(inc.id, (), "escalate").random() < self.b.escalate_urgent_share):
                return "escalate", start + rng.uniform(1, 5) * MIN
            if (inc.id not in self.extension_asked and not inc.extensions_granted
                    and self._rng(inc.id, (), "extension").random() < self.b.extension_share):
                return "request_extension", start + rng.uniform(5, 20) * MIN
            if joint_step is not None:
                return joint_step
            return "handle", start + rng.uniform(2, 15) * MIN
        if st == S.HANDLING and joint_step is not None:
            return joint_step
        if st == S.HANDLING:
            start = inc.dispatched_at or now
            w = window(start, inc.handle_due, 2 * HOUR, HANDLING_CAP_S)
            return "respond", max(now + rng.uniform(1, 5) * MIN,
                                  self._when(rng, start, w, 0.3, 0.9, late))
        if st == S.RESPONDED:
            start = inc.responded_at or now
            w = window(start, inc.verify_due, HOUR, 2 * HOUR)
            return "verify", self._when(rng, start, w, 0.1, 0.8, late)
        if st == S.VERIFIED:
            return ("close", (inc.verified_at or now) + rng.uniform(1, 10) * MIN) if auto \
                else None
        if st == S.CLOSED:
            if (auto and inc.evaluation is None and inc.close_reason == CloseReason.FIXED.value
                    and self._rng(inc.id, (), "evaluate").random() < self.b.evaluate_share):
                return "evaluate", (inc.closed_at or now) + rng.uniform(10, 120) * MIN
            due = citizen.callback_due_at(inc, self.character.for_incident(self.b, inc), rng,
                                          now) if auto else None
            return None if due is None else ("callback", due)
        return None

    def _department_step(self, inc: Incident, now: float) -> tuple[str, float] | None:
        """On a joint incident each department signs, works and responds on its own: the
        step of the department whose next move comes first (``acknowledge:fire``…)."""
        best: tuple[str, float] | None = None
        for t in inc.tasks:
            rng = self._rng(inc.id, (t.department, t.state.value, inc.rework_count), "dept")
            late = self.character.late_share(self.b, inc, t.department)
            if t.state == TaskState.DISPATCHED:
                w = window(t.dispatched_at, t.ack_due, 15 * MIN, HOUR)
                step, due = "acknowledge", self._when(rng, t.dispatched_at, w, 0.1, 0.7, late)
            elif t.state == TaskState.ACKNOWLEDGED:
                step, due = "handle", (t.acknowledged_at or now) + rng.uniform(2, 15) * MIN
            elif t.state == TaskState.HANDLING:
                w = window(t.dispatched_at, t.handle_due, 2 * HOUR, HANDLING_CAP_S)
                step, due = "respond", max(now + rng.uniform(1, 5) * MIN,
                                           self._when(rng, t.dispatched_at, w, 0.3, 0.9,
                                                      late))
            else:
                continue
            if best is None or due < best[1]:
                best = (f"{step}:{t.department}", due)
        return best

    # ---------------------------------------------------------------------- unit plans

    def _plan_unit(self, u: UnitState, now: float) -> None:
        key, sig = "u:" + u.id, unit_sig(u)
        if self._keep(key, sig):
            return
        if u.incident_id and u.incident_id in self.scripted:
            self.plans[key] = Plan(key, sig, "", now, 0, done=True)
            return
        rng = self._rng(u.id, sig, "when")
        since = u.status_since or now
        action: str | None = None
        due = now
        if u.status == U.DISPATCHED:
            action, due = "en_route", since + rng.uniform(0.5, 3) * MIN
        elif u.status == U.EN_ROUTE:
            arrival = self.fleet.arrival(u.id, now)
            action = "on_scene"
            due = (arrival + rng.uniform(0, 20)) if arrival is not None \
                else since + rng.uniform(5, 15) * MIN
        elif u.status == U.ON_SCENE:
            action, due = "busy", since + rng.uniform(1, 5) * MIN
        elif u.status == U.BUSY:
            action, due = "returning", since + rng.uniform(1, 3) * HOUR
        elif u.status == U.RETURNING:
            arrival = self.fleet.arrival(u.id, now)
            action = "available"
            due = (arrival + rng.uniform(0, 60)) if arrival is not None \
                else since + rng.uniform(10, 30) * MIN
        if action is None:
            self.plans[key] = Plan(key, sig, "", now, 0, done=True)
            return
        self._schedule(key, sig, action, max(due, now))

    # ------------------------------------------------------------------------- running

    def next_due(self) -> float | None:
        while self._heap:
            due, token, key = self._heap[0]
            plan = self.plans.get(key)
            if plan is not None and plan.token == token and not plan.done:
                return due
            heapq.heappop(self._heap)
        return None

    def run_due(self, now: float, budget: int = 200, budget_s: float = 0.05) -> int:
        """Carry out the plans due by ``now`` (at most ``budget`` commands and about
        ``budget_s`` wall seconds, so the feed and AVL keep flowing under a backlog); returns
        how many were sent."""
        sent = 0
        deadline = time.monotonic() + budget_s
        while (self._heap and sent < budget and time.monotonic() < deadline
               and self.channel.available()):
            due, token, key = self._heap[0]
            if due > now:
                break
            heapq.heappop(self._heap)
            plan = self.plans.get(key)
            if plan is None or plan.token != token or plan.done:
                continue
            self.stats.late_s = max(self.stats.late_s, now - due)
            result = self._carry_out(plan, now)
            if result is None:
                continue
            sent += 1
            if result.down:
                # server away: the same command (same id) again a little later
                plan.tries += 1
                heapq.heappush(self._heap, (now + 2.0 * self.channel.clock.speed, plan.token,
                                            key))
        return sent

    def _carry_out(self, plan: Plan, now: float) -> Result | None:
        state = self.state
        kind, rid = plan.key.split(":", 1)
        if kind in ("i", "c", "w"):
            inc = state.incidents.get(rid)
            sig = {"i": incident_sig, "c": citizen_sig, "w": whistles.whistle_sig}[kind]
            if inc is None or sig(inc) != plan.sig or rid in self.scripted:
                self.stats.skipped += 1
                plan.done = True
                return None
            made: tuple[Who, Any] | None = self._incident_command(inc, plan, now) \
                if kind == "i" else ("field", citizen.urge_command(inc)) if kind == "c" \
                else whistles.command(inc, plan.action, self.catalogue.departments,
                                      self._rng(inc.id, (), plan.action))
        else:
            u = state.units.get(rid)
            if u is None or unit_sig(u) != plan.sig:
                self.stats.skipped += 1
                plan.done = True
                return None
            wait = self._not_there_yet(u, plan, now)
            if wait is not None:  # still driving: look again on arrival
                heapq.heappush(self._heap, (wait, plan.token, plan.key))
                return None
            made = self._unit_command(u, plan)
        if made is None:
            plan.done = True
            return None
        who, command = made
        if not plan.command_id:
            plan.command_id = f"sim-{self.run_id}-{plan.token}-" \
                f"{plan.action.replace(':', '-')}"
        result = self.channel.send(who, command, command_id=plan.command_id)
        if not result.down:
            plan.done = True
            name = type(command).NAME
            if isinstance(command, cmd.Verify) and not command.passed:
                name = "verify_failed"
            elif isinstance(command, cmd.SetUnitStatus):
                name = command.status
            self.stats.actions[name if result.ok else f"{name} refused"] += 1
            if result.ok:
                self._after(plan, command, now)
        return result

    def _after(self, plan: Plan, command: Any, now: float) -> None:
        if isinstance(command, cmd.AssignUnits):
            for uid in command.units:
                self.reserved[uid] = now + RESERVE_S
        elif isinstance(command, cmd.RequestExtension):
            self.extension_asked.add(command.incident_id)

    # --------------------------------------------------------------- incident commands

    def _incident_command(self, inc: Incident, plan: Plan, now: float
                          ) -> tuple[Who, Any] | None:
        rng = self._rng(inc.id, plan.sig, plan.action)
        a, _, dept = plan.action.partition(":")  # a department's own step on a joint incident
        if a == "register":
            if rng.random() < self.b.cancel_share:
                return "lead", cmd.CancelIncident(inc.id, rng.choice(texts.CANCEL_REASONS))
            return "lead", cmd.RegisterIncident(inc.id)
        if a == "duplicate":
            orig = self.duplicates.get(inc.id, "")
            o = self.state.incidents.get(orig)
            if o is None or o.duplicate_of or o.status == S.CANCELLED:
                return "lead", cmd.RegisterIncident(inc.id)
            return "lead", cmd.LinkDuplicate(inc.id, orig, rng.choice(texts.DUPLICATE_NOTES))
        if a == "assign":
            return "lead", self._assignment(inc, rng, now)
        if a == "acknowledge":
            if (not inc.returns and not inc.rework_count and inc.status == S.DISPATCHED
                    and self._rng(inc.id, (), "return").random() < self.b.return_share):
                return "field", cmd.ReturnIncident(inc.id, rng.choice(texts.RETURN_REASONS))
            return "field", cmd.Acknowledge(inc.id, dept)
        if a == "escalate":
            return "lead", cmd.Escalate(inc.id, "community", rng.choice(texts.ESCALATE_REASONS),
                                        ("street_office",))
        if a == "request_extension":
            minutes = rng.choice((120, 240, 480, 1440, 2880))
            return "field", cmd.RequestExtension(inc.id, minutes,
                                                 rng.choice(texts.EXTENSION_REASONS))
        if a == "decide_extension":
            ok = rng.random() < self.b.extension_approve
            return "lead", cmd.DecideExtension(inc.id, ok,
                                               rng.choice(texts.EXTENSION_DECISIONS[ok]))
        if a == "handle":
            return "field", cmd.StartHandling(inc.id, dept)
        if a == "respond":
            return "field", cmd.Respond(inc.id, texts.response(
                inc.class_code, dept or inc.lead_department, rng), dept)
        if a == "verify":
            fail = self.b.verify_fail if inc.rework_count == 0 else \
                (0.05 if inc.rework_count == 1 else 0.0)
            if rng.random() < fail:
                return "field", cmd.Verify(inc.id, False, rng.choice(texts.VERIFY_FAIL))
            return "field", cmd.Verify(inc.id, True, rng.choice(texts.VERIFY_PASS))
        if a == "close":
            return "lead", cmd.CloseIncident(inc.id, CloseReason.FIXED.value,
                                             rng.choice(texts.CLOSE_NOTES))
        if a == "evaluate":
            score, comment = texts.evaluation(rng)
            return "lead", cmd.Evaluate(inc.id, score, comment)
        if a == "callback":
            return "lead", citizen.callback_command(
                inc, self.character.for_incident(self.b, inc), rng)
        return None

    def _assignment(self, inc: Incident, rng: random.Random, now: float) -> cmd.AssignUnits:
        """The lead department (another one after a return) and its nearest suitable units,
        plus one unit of the first assisting department for urgent incidents."""
        lead, want, assist = wanted(self.catalogue, inc, rng, self.b.units_lead)
        return cmd.AssignUnits(inc.id, tuple(self.pick_units(inc, want, now)),
                               lead_department=lead,
                               assist_departments=tuple(assist) if inc.returns else ())

    def pick_units(self, inc: Incident, want: dict[str, int], now: float) -> list[str]:
        """Nearest capable available units per department, skipping ones just assigned."""
        self.reserved = {u: t for u, t in self.reserved.items() if t > now}
        out: list[str] = []
        for dept, n in want.items():
            out += self.nearest_units(inc, dept, n, exclude=set(self.reserved) | set(out))
        return out

    def nearest_units(self, inc: Incident, department: str, n: int, *,
                      statuses: frozenset[UnitStatus] = frozenset({U.AVAILABLE}),
                      exclude: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Up to ``n`` units of ``department`` in ``statuses`` nearest the incident, capable
        ones (a capability the class requires) first; available before returning."""
        required = frozenset(self.catalogue.minor_of(inc.class_code).required_capabilities)
        return nearest(self.state.units, self.by_department.get(department, ()), inc, n,
                       statuses=statuses, exclude=exclude, required=required, caps=self._caps)

    # ------------------------------------------------------------------- unit commands

    def _not_there_yet(self, u: UnitState, plan: Plan, now: float) -> float | None:
        """When an arrival plan comes due before the unit got there: its new arrival time."""
        if plan.action not in ("on_scene", "available") or plan.tries >= 20:
            return None
        if self.fleet.distance_left(u.id, now) <= 60.0:
            return None
        arrival = self.fleet.arrival(u.id, now)
        if arrival is None or arrival <= now:
            return None
        plan.tries += 1
        return arrival + 1.0

    def _unit_command(self, u: UnitState, plan: Plan) -> tuple[Who, Any] | None:
        if u.incident_id and u.incident_id in self.scripted:
            return None
        return "field", cmd.SetUnitStatus(u.id, plan.action)
