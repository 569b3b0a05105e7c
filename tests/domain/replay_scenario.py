"""A recorded scenario for the replay tests: a real engine on a real event store goes through a
few hours of random dispatch work (every command kind, the server's clock events and
archiving, position reports), and the live state is recorded after every command."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from dispatch.adapters.bootstrap import open_engine
from dispatch.adapters.store import EventStore
from dispatch.domain import commands as cmd
from dispatch.domain import joint
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import City
from dispatch.domain.errors import DispatchError
from dispatch.domain.roles import SYSTEM_ACTOR, Actor
from dispatch.domain.state import DispatchState, Incident
from dispatch.domain.status import (
    ASSIGNABLE_UNIT_STATUSES,
    WORKING_STATUSES,
    EscalationLevel,
    IncidentStatus,
    TaskRole,
    TaskState,
)
from dispatch.domain.timelimits import Clock, running_clock
from dispatch.services.engine import DispatchEngine
from tests.conftest import FakeClock
from tests.domain.helpers import DISPATCHER, FIELD, LEAD

S = IncidentStatus


@dataclass
class Recorded:
    engine: DispatchEngine
    store: EventStore
    clock: FakeClock
    live: dict[int, DispatchState] = field(default_factory=dict)  # seq → state after it
    commands: int = 0

    @property
    def last_seq(self) -> int:
        return self.engine.state.seq


def record_scenario(url: str, catalogue: Catalogue, city: City, *, steps: int = 1500,
                    seed: int = 12, snapshot_every: int = 300) -> Recorded:
    # The default seed reaches every event kind on the demo city (the replay tests need it).
    clock = FakeClock()
    store = EventStore(url)
    engine = open_engine(store, catalogue=catalogue, city=city, clock=clock,
                         snapshot_every=snapshot_every)
    rec = Recorded(engine, store, clock)
    rec.live[engine.state.seq] = engine.state.copy()
    rng = random.Random(seed)
    grids = sorted(r.code for r in city.grids())
    minors = sorted(m.code for m in catalogue.minors.values()
                    if any(u.department == m.lead_department for u in engine.state.units.values()))
    unit_ids = sorted(engine.state.units)
    part_of_grid: dict[str, str] = {}
    for pid in sorted(city.parts):
        part_of_grid.setdefault(city.parts[pid].grid, pid)

    def run(c: Any, actor: Actor = LEAD) -> bool:
        try:
            engine.execute(c, actor, commit=False)
        except DispatchError:
            return False
        if len(engine.pending) >= 50:
            engine.commit()
        rec.live[engine.state.seq] = engine.state.copy()
        rec.commands += 1
        return True

    def free(dept: str, n: int) -> tuple[str, ...]:
        ids = [u.id for u in engine.state.units.values()
               if u.department == dept and u.status in ASSIGNABLE_UNIT_STATUSES]
        rng.shuffle(ids)
        return tuple(sorted(ids[:n]))

    def other_open(inc: Incident) -> str:
        ids = [i.id for i in engine.state.incidents.values()
               if i.is_open and i.id != inc.id and i.status != S.REPORTED and not i.duplicate_of]
        return rng.choice(ids) if ids else ""

    def next_level(inc: Incident) -> str:
        up = EscalationLevel(inc.level).next_up
        return up.name.lower() if up is not None else "city"

    depts = sorted({u.department for u in engine.state.units.values()})

    def unit_steps(i: Incident) -> None:
        for u in i.units:
            run(cmd.SetUnitStatus(u, rng.choice(("en_route", "on_scene", "busy", "returning"))),
                FIELD)

    def assign(i: Incident) -> None:
        run(cmd.AssignUnits(i.id, free(catalogue.lead_department_of(i.class_code),
                                       rng.choice((1, 1, 2)))), DISPATCHER)

    def reinforce(i: Incident) -> None:
        run(cmd.AssignUnits(i.id, free(rng.choice(depts), 1),
                            assist_departments=(rng.choice(depts),)), DISPATCHER)

    def release(i: Incident) -> None:
        if i.units:
            run(cmd.ReleaseUnit(i.id, rng.choice(i.units)), DISPATCHER)

    def escalate(i: Incident) -> None:
        run(cmd.Escalate(i.id, next_level(i), "需要协调", (rng.choice(depts),)), DISPATCHER)

    def skip_escalate(i: Incident) -> None:  # 越级: refused unless urgent or high
        up = EscalationLevel(i.level).next_up
        far = up.next_up if up is not None else None
        if far is not None:
            run(cmd.Escalate(i.id, far.name.lower(), "越级上报"), LEAD)

    def department_step(i: Incident) -> None:
        tasks = joint.tasks_of(i)
        if not tasks:
            return
        t = rng.choice(tasks)
        step = {TaskState.DISPATCHED: cmd.Acknowledge(i.id, t.department),
                TaskState.ACKNOWLEDGED: cmd.StartHandling(i.id, t.department),
                TaskState.HANDLING: cmd.Respond(i.id, "本部门已处置", t.department)}.get(t.state)
        if step is not None:
            run(step, FIELD)

    def release_department(i: Incident) -> None:
        open_assists = [t.department for t in joint.tasks_of(i)
                        if t.role == TaskRole.ASSIST and not t.is_done]
        if open_assists:
            run(cmd.ReleaseDepartment(i.id, rng.choice(open_assists), "无需协办"), DISPATCHER)

    def department_clock(i: Incident) -> None:
        for t in i.tasks if joint.is_joint(i) and i.status in WORKING_STATUSES else ():
            c = joint.task_clock(t)
            if c is not None:
                state = Clock(*c).state(clock.t)
                if state.value != "ok":
                    run(cmd.RaiseClock(i.id, c[0], state.value, t.department), SYSTEM_ACTOR)

    def supervise(i: Incident) -> None:
        run(cmd.Supervise(i.id, not i.supervised, "督办"), LEAD)

    def note(i: Incident) -> None:
        run(cmd.AddNote(i.id, "已电话联系报告人"), DISPATCHER)

    Act = Callable[[Incident], Any]
    by_status: dict[S, list[tuple[float, Act]]] = {
        S.REPORTED: [(5, lambda i: run(cmd.RegisterIncident(i.id), DISPATCHER)),
                     (2, assign), (0.4, lambda i: run(cmd.CancelIncident(i.id, "无效上报"),
                                                      DISPATCHER)),
                     (0.3, lambda i: run(cmd.LinkDuplicate(i.id, other_open(i), "同一地点"),
                                         DISPATCHER))],
        S.REGISTERED: [(6, assign), (0.5, escalate), (0.3, supervise), (0.2, skip_escalate)],
        S.DISPATCHED: [(5, lambda i: run(cmd.Acknowledge(i.id), FIELD)), (1, reinforce),
                       (0.5, release), (2, unit_steps), (0.5, escalate), (0.4, supervise),
                       (0.4, lambda i: run(cmd.ReturnIncident(i.id, "非本部门职责"), FIELD)),
                       (3, department_step), (0.3, release_department)],
        S.ACKNOWLEDGED: [(5, lambda i: run(cmd.StartHandling(i.id), FIELD)), (2, unit_steps),
                         (3, department_step), (0.3, release_department),
                         (0.5, lambda i: run(cmd.RequestExtension(i.id, 120, "等待配件"),
                                             FIELD))],
        S.HANDLING: [(4, lambda i: run(cmd.Respond(i.id, "已处置完毕"), FIELD)),
                     (2, unit_steps), (0.6, escalate), (3, department_step),
                     (0.3, release_department), (0.2, skip_escalate),
                     (0.8, lambda i: run(cmd.RequestExtension(i.id, 120, "等待配件"), FIELD)),
                     (0.8, lambda i: run(cmd.DecideExtension(i.id, rng.random() < 0.7, "同意"),
                                         LEAD)),
                     (0.4, lambda i: run(cmd.Park(i.id, "需要专项资金"), LEAD))],
        S.PARKED: [(2, lambda i: run(cmd.Unpark(i.id), LEAD))],
        S.RESPONDED: [(4, lambda i: run(cmd.Verify(i.id, True, "现场核实"), FIELD)),
                      (0.8, lambda i: run(cmd.Verify(i.id, False, "整改不到位"), FIELD)),
                      (0.8, lambda i: run(cmd.Rework(i.id, "返工处理"), LEAD))],
        S.VERIFIED: [(5, lambda i: run(cmd.CloseIncident(i.id, "fixed"), DISPATCHER)),
                     (0.5, lambda i: run(cmd.CloseIncident(i.id, "duplicate", "重复",
                                                           other_open(i)), DISPATCHER))],
        S.CLOSED: [(1, lambda i: run(cmd.Evaluate(i.id, rng.randint(1, 5), "满意"),
                                     DISPATCHER))],
        S.CANCELLED: [],
    }
    for step in range(steps):
        if step == steps // 2:  # a shift lead edits the run cards (no draw from rng)
            run(cmd.SetRunCard("0517", (("water", "drainage_crew", 2),)), LEAD)
            run(cmd.RemoveRunCard("0517"), LEAD)
            g = engine.city.regions[grids[0]].geometry.representative_point()
            run(cmd.SetHazard("HZ-T1", "gas_station", "测试加油站", "禁止明火", g.x, g.y, 150.0),
                LEAD)
            run(cmd.SetHazard("HZ-T2", "care_home", "测试养老院", grid=grids[0]), LEAD)
            run(cmd.RemoveHazard("HZ-T1"), LEAD)
        clock.advance(rng.uniform(5, 120))
        r = rng.random()
        if r < 0.10 or not engine.state.incidents:
            grid = rng.choice(grids)
            g = engine.city.regions[grid].geometry.representative_point()
            source, minor = rng.choice(["hotline", "grid_worker", "sensor"]), rng.choice(minors)
            # a sensor reports against the first part of its grid (no random draw for it)
            part = part_of_grid.get(grid, "") if source == "sensor" else ""
            # a hotline caller leaves a number (no random draw for it either)
            phone = "13800138000" if source == "hotline" else ""
            run(cmd.ReportIncident(source, minor, g.x, g.y, "路灯不亮", part_id=part,
                                   phone=phone),
                rng.choice((FIELD, DISPATCHER)))
        elif r < 0.17:
            rows = tuple((u, engine.state.units[u].lon + rng.uniform(-3e-4, 3e-4),
                          engine.state.units[u].lat + rng.uniform(-3e-4, 3e-4))
                         for u in rng.sample(unit_ids, 8))
            run(cmd.ReportPositions(rows), FIELD)
        elif r < 0.22:
            opened = [i for i in engine.state.incidents.values() if i.is_open]
            if opened:
                inc = rng.choice(opened)
                c = running_clock(inc)
                if c is not None:
                    state = c.state(clock.t)
                    if state.value != "ok":
                        run(cmd.RaiseClock(inc.id, c.stage, state.value), SYSTEM_ACTOR)
                department_clock(inc)
        elif r < 0.23:
            run(cmd.ArchiveFinished(clock.t - 3600.0), SYSTEM_ACTOR)
        elif r < 0.25:
            u = engine.state.units[rng.choice(unit_ids)]
            run(cmd.SetUnitStatus(u.id, rng.choice(("off_duty", "available",
                                                    "out_of_service"))), FIELD)
        elif r < 0.27 and engine.state.incidents:
            inc = rng.choice(list(engine.state.incidents.values()))
            if inc.is_open:
                rng.choice((note, supervise))(inc)
        else:
            inc = rng.choice(list(engine.state.incidents.values()))
            options = by_status[inc.status]
            if options:
                rng.choices([a for _, a in options], [w for w, _ in options])[0](inc)
    # the gateway's commands, after the random walk (no draws, so the walk stays the same)
    g = engine.city.regions[grids[0]].geometry.representative_point()
    assert run(cmd.ReportIncident("hotline", minors[0], g.x, g.y, "占道经营", external_ref="12345-1"),
        FIELD)
    taken = engine.state.incidents[f"E{engine.state.incident_counter:06d}"]
    sha = "ab" * 32
    assert run(cmd.AttachMedia(taken.id, sha[:32], "report", sha, "image/jpeg", 1234, 640, 480,
                        clock.t - 60, g.x, g.y), FIELD)
    assert run(cmd.HandBack(taken.id, "非本市受理范围"), LEAD)
    # the citizen's loop: a hotline case closed, called back unsatisfied and reopened (重办),
    # then urged twice (催办) and its priority raised by the rule
    assert run(cmd.ReportIncident("hotline", minors[0], g.x, g.y, "噪音扰民", priority="low"),
               DISPATCHER)
    loop = engine.state.incidents[f"E{engine.state.incident_counter:06d}"].id
    for loop_step in (cmd.AssignUnits(loop), cmd.Acknowledge(loop), cmd.StartHandling(loop),
              cmd.Respond(loop, "已处置"), cmd.Verify(loop, True, "已核实")):
        assert run(loop_step, DISPATCHER if isinstance(loop_step, cmd.AssignUnits) else FIELD)
    assert run(cmd.CloseIncident(loop, "fixed"), DISPATCHER)
    clock.advance(3 * 86400.0)
    assert run(cmd.RaiseClock(loop, "callback", "overdue"), SYSTEM_ACTOR)
    assert run(cmd.Callback(loop, "unsatisfied", "仍有噪音", reopen=True, reason="夜间仍施工"),
               DISPATCHER)
    assert run(cmd.Urge(loop, "市民再次来电"), FIELD)
    assert run(cmd.Urge(loop, "市民第三次来电", phone="13900139000"), FIELD)
    assert run(cmd.RaisePriority(loop, "urge-2-raise", "催办两次"), SYSTEM_ACTOR)
    # 吹哨报到: the street summons police and fire; police on time, fire late
    assert run(cmd.Whistle(loop, ("police", "fire"), "夜间施工扰民, 街道吹哨"), LEAD)
    clock.advance(600.0)
    assert run(cmd.ReportArrival(loop, "police", "民警到场"), FIELD)
    clock.advance(1800.0)
    assert run(cmd.RaiseClock(loop, "arrival", "overdue", "fire"), SYSTEM_ACTOR)
    assert run(cmd.ReportArrival(loop, "fire"), FIELD)
    engine.commit()
    return rec


def recorded_fixture(name: str, **kw: Any) -> Any:
    """A module-scoped pytest fixture ``recorded``: :func:`record_scenario` (with ``kw``) in
    a SQLite file of a temporary directory called ``name``, its store closed afterwards."""

    @pytest.fixture(scope="module")
    def recorded(tmp_path_factory: pytest.TempPathFactory, catalogue: Catalogue,
                 demo_city: City) -> Iterator[Recorded]:
        path: Path = tmp_path_factory.mktemp(name) / "events.sqlite"
        rec = record_scenario(f"sqlite:///{path}", catalogue, demo_city, **kw)
        yield rec
        rec.store.close()

    return recorded
