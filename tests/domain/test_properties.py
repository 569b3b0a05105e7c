"""Property tests: random command sequences never break the state's invariants, a refused
command changes nothing, and replaying the events reproduces the live state exactly."""

from __future__ import annotations

import pickle
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.adapters.bootstrap import open_engine
from dispatch.domain import commands as cmd
from dispatch.domain import invariants
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.errors import DispatchError
from dispatch.domain.events import Event, event_from_dict, event_to_dict
from dispatch.domain.projection import apply_all
from dispatch.domain.roles import SYSTEM_ACTOR as system
from dispatch.domain.state import Incident
from dispatch.domain.status import CloseReason, UnitStatus
from dispatch.services.engine import DispatchEngine
from tests.conftest import FakeClock
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, grid_point

ACTIONS = ["report", "register", "cancel", "assign", "assign", "release", "ack", "handle",
           "respond", "verify_ok", "verify_fail", "rework", "close", "duplicate", "evaluate",
           "return", "extend", "decide", "park", "unpark", "supervise", "escalate", "note",
           "unit_status", "move", "clock", "archive", *["advance"] * 12]
LEVELS = ["community", "street", "district", "city", "grid"]

# Incident index counts back from the newest, so most commands hit live incidents.
step = st.tuples(st.sampled_from(ACTIONS), st.integers(0, 4), st.integers(0, 500),
                 st.integers(0, 3), st.integers(1, 3600))


def build(engine: DispatchEngine, action: str, i: int, j: int, k: int, dt: int) -> cmd.Command:
    incs = sorted(engine.state.incidents)
    units = sorted(engine.state.units)
    iid = incs[-1 - i % len(incs)] if incs else "E000001"
    uid = units[j % len(units)]
    inc = engine.state.incidents.get(iid)
    if inc is not None and action == "assign" and j % 4:
        # Mostly the units a dispatcher would pick: free ones of the needed department.
        dept = inc.lead_department or engine.catalogue.lead_department_of(inc.class_code)
        free = [u.id for u in engine.state.units.values()
                if u.department == dept and u.status in ("available", "returning")]
        if free:
            units = sorted(free)
            j = j % len(units)
    if inc is not None and action in ("release", "unit_status") and inc.units and j % 2:
        uid = inc.units[j % len(inc.units)]
    if action == "advance" and inc is not None:
        return advance(engine, inc, j, k)
    if action in ("report", "advance"):
        lon, lat, _ = grid_point(engine, j)
        classes = sorted(engine.catalogue.minors)
        return cmd.ReportIncident("grid_worker", classes[j % len(classes)], lon, lat, "巡查上报")
    makers: dict[str, Callable[[], cmd.Command]] = {
        "register": lambda: cmd.RegisterIncident(iid),
        "cancel": lambda: cmd.CancelIncident(iid, "误报"),
        "assign": lambda: cmd.AssignUnits(iid, tuple(units[(j + n) % len(units)]
                                                     for n in range(k + 1))),
        "release": lambda: cmd.ReleaseUnit(iid, uid),
        "ack": lambda: cmd.Acknowledge(iid),
        "handle": lambda: cmd.StartHandling(iid),
        "respond": lambda: cmd.Respond(iid, "已处置"),
        "verify_ok": lambda: cmd.Verify(iid, True),
        "verify_fail": lambda: cmd.Verify(iid, False, "未整改到位"),
        "rework": lambda: cmd.Rework(iid, "返工"),
        "close": lambda: cmd.CloseIncident(iid, list(CloseReason)[k].value, "说明",
                                           duplicate_of=incs[j % len(incs)] if incs else ""),
        "duplicate": lambda: cmd.LinkDuplicate(iid, incs[j % len(incs)] if incs else ""),
        "evaluate": lambda: cmd.Evaluate(iid, k + 1),
        "return": lambda: cmd.ReturnIncident(iid, "派错部门"),
        "extend": lambda: cmd.RequestExtension(iid, dt, "需延期"),
        "decide": lambda: cmd.DecideExtension(iid, bool(k % 2)),
        "park": lambda: cmd.Park(iid, "挂账"),
        "unpark": lambda: cmd.Unpark(iid),
        "supervise": lambda: cmd.Supervise(iid, bool(k % 2)),
        "escalate": lambda: cmd.Escalate(iid, LEVELS[k], "上报"),
        "note": lambda: cmd.AddNote(iid, "备注"),
        "unit_status": lambda: cmd.SetUnitStatus(uid, list(UnitStatus)[(j + k) % 8].value),
        "move": lambda: cmd.ReportPositions(((uid, 120.6 + k * 0.001, 31.3),)),
        "archive": lambda: cmd.ArchiveFinished(engine.clock() - k * 600),
        "clock": lambda: cmd.RaiseClock(iid, ["dispatch", "acknowledge", "handle", "verify"][k],
                                        "overdue"),
    }
    return makers[action]()


def advance(engine: DispatchEngine, inc: Incident, j: int, k: int) -> cmd.Command:
    """The natural next step for the incident, so sequences reach deep into the workflow."""
    iid, status = inc.id, inc.status
    if status == "reported":
        return cmd.RegisterIncident(iid)
    if status == "registered":
        dept = engine.catalogue.lead_department_of(inc.class_code)
        free = sorted(u.id for u in engine.state.units.values()
                      if u.department == dept and u.status == "available")
        return cmd.AssignUnits(iid, tuple(free[j % len(free):][:k + 1]) if free else ())
    if status == "dispatched":
        return cmd.Acknowledge(iid)
    if status == "acknowledged":
        return cmd.StartHandling(iid)
    if status == "handling":
        return cmd.Respond(iid, "已处置")
    if status == "responded":
        return cmd.Verify(iid, k != 0, "" if k else "未整改")
    if status == "verified":
        return cmd.CloseIncident(iid, "fixed")
    if status == "parked":
        return cmd.Unpark(iid)
    return cmd.Evaluate(iid, k + 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=60))
def test_random_commands_keep_invariants_and_replay_exactly(
        catalogue: Catalogue, demo_city: City, steps: list[tuple[str, int, int, int, int]]) -> None:
    clock = FakeClock()
    engine = open_engine(None, catalogue=catalogue, city=demo_city, clock=clock)
    log: list[Event] = []
    base = engine.state.copy()
    for n, (action, i, j, k, dt) in enumerate(steps):
        clock.advance(dt)
        actor = {"decide": LEAD, "park": LEAD, "unpark": LEAD, "clock": system,
                 "archive": system, "advance": LEAD}.get(
            action, FIELD if action in ("ack", "handle", "respond", "unit_status", "move")
            else DISPATCHER)
        command = build(engine, action, i, j, k, dt)
        before = pickle.dumps(engine.state) if n % 5 == 0 else None
        try:
            log.extend(engine.execute(command, actor).events)
        except DispatchError:
            if before is not None:
                assert pickle.dumps(engine.state) == before, f"{action} changed state on error"
        problems = invariants.check(engine.state)
        assert problems == [], f"after {action}: {problems}"
    # Replay through the wire format: same state, exactly.
    replayed = apply_all(base, [event_from_dict(event_to_dict(e)) for e in log])
    assert replayed == engine.state

