"""The citizen's side of the simulated 12345 loop: the call-back after closure (回访) with a
realistic mix of answers (about 85 % satisfied, 10 % basically satisfied, 5 % unsatisfied; some
of the unsatisfied reopen the case as 重办), and repeat calls (催办) on open citizen's cases
while they are being worked. Pure decisions: :class:`~dispatch.sim.field.FieldAgent` plans and
sends them."""

from __future__ import annotations

import random

from dispatch.domain import commands as cmd
from dispatch.domain.citizen_loop import CallbackResult, awaiting_callback
from dispatch.domain.deadlines import CITIZEN_SOURCES
from dispatch.domain.state import Incident
from dispatch.domain.status import WORKING_STATUSES
from dispatch.sim.plans import HOUR, MIN, Behaviour

CALLBACK_NOTES: dict[str, tuple[str, ...]] = {
    CallbackResult.SATISFIED.value: ("市民表示满意。", "问题已解决，市民满意。", ""),
    CallbackResult.BASICALLY_SATISFIED.value: ("基本解决，处理速度有待提高。",
                                               "问题解决，但沟通不够及时。"),
    CallbackResult.UNSATISFIED.value: ("市民表示问题仍未解决。", "市民对处理结果不满意。"),
}
REOPEN_REASONS = ("回访不满意：问题仍然存在，需重新处置。", "回访不满意：现场未整改到位。")
URGE_NOTES = ("市民再次来电催办，询问处理进度。", "市民来电催促尽快处理。",
              "市民第三次来电，情绪较为激动。")


def callback_due_at(inc: Incident, b: Behaviour, rng: random.Random, now: float
                    ) -> float | None:
    """When the call-back of a closed citizen's case is made (None: none is due); now and
    then after its deadline."""
    if not awaiting_callback(inc) or inc.callback_due is None:
        return None
    start = inc.closed_at or now
    window = max(inc.callback_due - start, HOUR)
    if rng.random() < b.late_share:
        return start + window * rng.uniform(1.05, 1.3)
    # most call-backs are made within hours of closure, all before the deadline
    return start + min(20 * MIN + rng.expovariate(1 / (4 * HOUR)), 0.9 * window)


def callback_command(inc: Incident, b: Behaviour, rng: random.Random) -> cmd.Callback:
    result = rng.choices([r.value for r in CallbackResult],
                         weights=(b.callback_satisfied, b.callback_basic,
                                  max(0.0, 1.0 - b.callback_satisfied - b.callback_basic)))[0]
    note = rng.choice(CALLBACK_NOTES[result])
    if result == CallbackResult.UNSATISFIED.value and inc.reopen_count == 0 \
            and rng.random() < b.reopen_share:
        return cmd.Callback(inc.id, result, note, True, rng.choice(REOPEN_REASONS))
    return cmd.Callback(inc.id, result, note)


def urge_due_at(inc: Incident, b: Behaviour, rng: random.Random, now: float) -> float | None:
    """When the citizen calls again about the open case (None: not again)."""
    if (inc.source not in CITIZEN_SOURCES or inc.status not in WORKING_STATUSES
            or inc.urges >= 3):
        return None
    share = b.urge_share if inc.urges == 0 else b.urge_again_share
    if rng.random() >= share:
        return None
    # the citizen waits a few hours (or about a third of the feedback time, if shorter)
    start = max(inc.last_urged_at or 0.0, inc.dispatched_at or inc.reported_at)
    window = (inc.handle_due - start) if inc.handle_due and inc.handle_due > start else 4 * HOUR
    wait = 30 * MIN + rng.expovariate(1 / (3 * HOUR))
    return max(now + 5 * MIN, start + min(wait, 0.35 * window + rng.uniform(0, 0.8) * window))


def urge_command(inc: Incident) -> cmd.Urge:
    return cmd.Urge(inc.id, URGE_NOTES[min(inc.urges, len(URGE_NOTES) - 1)])
