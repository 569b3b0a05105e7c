"""Synthesize a store full of realistic history (for the state_at and replay benchmarks).

Drives the real engine (handlers, projection, store) through a month of activity in simulated
time: incidents across the city go through dispatch, acknowledgement, handling, response,
verification and closure, some reworked, escalated or supervised; citizens' cases are urged
(催办) and called back (回访; some unsatisfied ones reopened as 重办); units change status and
report positions. Departments and streets work differently (the simulator's
:class:`~dispatch.sim.character.Character`: a worse one acknowledges and responds later, a
worse street is less often satisfied and urges more), so the month's evaluation ranks them
apart for reasons visible in the cases. The database is cached under ``bench/.cache`` keyed
by its parameters and the generator's version.
"""

from __future__ import annotations

import heapq
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from dispatch.adapters.bootstrap import open_engine
from dispatch.adapters.store import EventStore
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain.errors import DispatchError
from dispatch.domain.roles import Actor, Role
from dispatch.domain.status import IncidentStatus, UnitStatus
from dispatch.services.engine import DispatchEngine
from dispatch.sim.character import Character

VERSION = 2  # of the generator: a cached history of another version is not reused
CITIZEN = frozenset({"hotline", "citizen_app"})

CACHE = Path(__file__).resolve().parent / ".cache"
START = 1_793_721_600.0  # Monday 2026-11-02 00:00 Beijing time
DISP = Actor("disp", Role.SHIFT_LEAD, workstation="bench")
FIELD = Actor("field", Role.FIELD_GATEWAY, workstation="bench")


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def history_db(size: str = "city", events: int = 1_000_000, seed: int = 7,
               snapshot_every: int = 10_000) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"history-v{VERSION}-{size}-{events}-{seed}-{snapshot_every}.sqlite"
    if path.exists():
        try:  # a cached history is brought to this code's schema (its migrations run)
            EventStore(f"sqlite:///{path}").close()
        except Exception as exc:  # noqa: BLE001  (a schema this code does not know: rebuilt)
            print(f"history {path.name}: {exc!s:.200}; building it again", file=sys.stderr)
            path.unlink()
    if not path.exists():
        tmp = path.with_suffix(".partial")
        tmp.unlink(missing_ok=True)
        build(f"sqlite:///{tmp}", size=size, events=events, seed=seed,
              snapshot_every=snapshot_every)
        tmp.rename(path)
    return path


def build(url: str, *, size: str, events: int, seed: int, snapshot_every: int,
          progress: Callable[[int], None] | None = None) -> None:
    rng = random.Random(seed)
    character = Character(seed)
    clock = Clock(START)
    store = EventStore(url)
    engine = open_engine(store, size=size, seed=seed, clock=clock, snapshot_every=snapshot_every)
    grids = sorted(r.code for r in engine.city.grids())
    points = {g: engine.city.regions[g].geometry.representative_point() for g in grids}
    minors = sorted(engine.catalogue.minors)
    by_dept: dict[str, list[str]] = {}
    for u in engine.state.units.values():
        by_dept.setdefault(u.department, []).append(u.id)
    unit_ids = sorted(engine.state.units)
    # Position reports are ~5% of the events (50 units each); incidents, at ~11 events each,
    # fill the rest of the target over 30 days.
    span = 30 * 86400.0
    per_incident = 11
    budget = events - engine.state.seq
    ping_every = span / max(1.0, 0.05 * budget)
    incidents = max(1, int(0.95 * budget) // per_incident)
    mean_gap = span / incidents
    agenda: list[tuple[float, int, str, str]] = []
    n = 0

    def later(dt: float, action: str, iid: str) -> None:
        nonlocal n
        n += 1
        heapq.heappush(agenda, (clock.t + dt, n, action, iid))

    def run(c: cmd.Command, actor: Actor = DISP) -> list[ev.Event]:
        try:
            return list(engine.execute(c, actor, commit=False).events)
        except DispatchError:
            return []

    def pick_units(dept: str, k: int) -> tuple[str, ...]:
        pool = by_dept.get(dept) or unit_ids
        out: list[str] = []
        for _ in range(20):
            uid = rng.choice(pool)
            if engine.state.units[uid].status == UnitStatus.AVAILABLE and uid not in out:
                out.append(uid)
                if len(out) == k:
                    break
        return tuple(out)

    next_report = clock.t
    next_ping = clock.t
    next_archive = clock.t + 3600.0
    system = Actor("system", Role.SYSTEM, workstation="server")
    while engine.state.seq < events and clock.t < START + span * 1.5:
        t_agenda = agenda[0][0] if agenda else float("inf")
        t = min(next_report, next_ping, next_archive, t_agenda)
        clock.t = t
        if t == next_archive:
            # The server's housekeeping: incidents finished more than a day ago leave
            # the live state (the server does it hourly with its retention setting).
            run(cmd.ArchiveFinished(t - 86400.0, 50_000), system)
            next_archive += 3600.0
        elif t == next_ping:
            rows = tuple((uid, engine.state.units[uid].lon + rng.uniform(-2e-4, 2e-4),
                          engine.state.units[uid].lat + rng.uniform(-2e-4, 2e-4))
                         for uid in rng.sample(unit_ids, min(50, len(unit_ids))))
            run(cmd.ReportPositions(rows), FIELD)
            next_ping += ping_every
        elif t == next_report:
            g = rng.choice(grids)
            p = points[g]
            out = run(cmd.ReportIncident(rng.choice(["grid_worker", "hotline", "sensor",
                                                     "citizen_app", "video"]),
                                         rng.choice(minors), p.x, p.y, "模拟上报"), FIELD)
            if out and isinstance(out[0].payload, ev.IncidentReported):
                later(rng.uniform(60, 1200), "assign", out[0].payload.incident_id)
            next_report += rng.expovariate(1 / mean_gap)
        else:
            _, _, action, iid = heapq.heappop(agenda)
            step(engine, rng, run, later, pick_units, action, iid, character)
        if len(engine.pending) >= 1000:
            engine.commit()
            if progress:
                progress(engine.state.seq)
    engine.commit()
    store.close()


def step(engine: DispatchEngine, rng: random.Random, run: Callable[..., list[ev.Event]],
         later: Callable[[float, str, str], None],
         pick_units: Callable[[str, int], tuple[str, ...]], action: str, iid: str,
         character: Character) -> None:
    inc = engine.state.incidents.get(iid)
    if inc is None:  # archived meanwhile
        return
    street = character.street(inc)
    # how much later than the city's average this department works here
    slow = character.department(inc.lead_department) * street if inc.lead_department else 1.0
    if action == "assign":
        if rng.random() < 0.03:
            run(cmd.CancelIncident(iid, "无效上报"))
            return
        dept = engine.catalogue.lead_department_of(inc.class_code)
        units = pick_units(dept, rng.choice((1, 1, 2)))
        if run(cmd.AssignUnits(iid, units)):
            for u in units:
                run(cmd.SetUnitStatus(u, "en_route"), FIELD)
            later(rng.uniform(120, 1800) * slow, "ack", iid)
        else:
            later(600, "assign", iid)
    elif action == "ack":
        run(cmd.Acknowledge(iid), FIELD)
        for u in inc.units:
            run(cmd.SetUnitStatus(u, "on_scene"), FIELD)
        if rng.random() < 0.05:
            run(cmd.Supervise(iid, True, "督办"))
        later(rng.uniform(60, 600), "handle", iid)
    elif action == "handle":
        run(cmd.StartHandling(iid), FIELD)
        limit = (inc.handle_due or engine.clock()) - engine.clock()
        later(max(60.0, rng.uniform(0.2, 0.9 + 0.4 * slow) * limit), "respond", iid)
        if inc.source in CITIZEN and rng.random() < min(0.08 * street, 0.6):
            later(max(60.0, rng.uniform(0.3, 1.0) * limit), "urge", iid)
    elif action == "urge":
        if inc.is_open:
            run(cmd.Urge(iid, "市民来电催办"), FIELD)
    elif action == "respond":
        if inc.status != IncidentStatus.HANDLING:
            return
        if rng.random() < 0.04:
            run(cmd.Escalate(iid, "community", "处置困难"))
        units = inc.units
        run(cmd.Respond(iid, "已处置完毕"), FIELD)
        for u in units:
            later(rng.uniform(300, 1200), "unit_back:" + u, iid)
        later(rng.uniform(600, 3600), "verify", iid)
    elif action.startswith("unit_back:"):
        run(cmd.SetUnitStatus(action.split(":", 1)[1], "available"), FIELD)
    elif action == "verify":
        ok = rng.random() > 0.08
        run(cmd.Verify(iid, ok, "" if ok else "整改不到位"), FIELD)
        later(rng.uniform(60, 900), "close" if ok else "handle_again", iid)
    elif action == "handle_again":
        run(cmd.Acknowledge(iid), FIELD)
        later(60, "handle", iid)
    elif action == "close":
        run(cmd.CloseIncident(iid, "fixed"))
        if inc.source in CITIZEN:
            later(rng.uniform(1800, 8 * 3600), "callback", iid)
    elif action == "callback":
        unsatisfied = min(0.05 * street, 0.5)
        r = rng.random()
        if r < unsatisfied:
            reopen = rng.random() < 0.6
            if run(cmd.Callback(iid, "unsatisfied", "问题仍未解决", reopen,
                                "回访不满意，重办" if reopen else "")) and reopen:
                later(rng.uniform(600, 3600), "ack", iid)
        else:
            run(cmd.Callback(iid, "basically_satisfied" if r < unsatisfied + 0.1
                             else "satisfied"))


if __name__ == "__main__":
    size = sys.argv[1] if len(sys.argv) > 1 else "demo"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    t0 = time.perf_counter()
    p = history_db(size, n)
    print(p, f"{time.perf_counter() - t0:.1f}s")
