"""Running a scenario: its steps at their times, placeholders resolved against the live
mirror, surges spread over their window, and what each step's command got back."""

from __future__ import annotations

import dataclasses
import heapq
import logging
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.commands import COMMAND_TYPES
from dispatch.domain.state import DispatchState, Incident
from dispatch.sim.channel import Result, Who
from dispatch.sim.reports import ClassError, Draft, ReportFactory, resolve_class
from dispatch.sim.scenarios.loading import SURGE, Scenario, ScenarioError, Step, command_fields
from dispatch.sim.world import World, WorldError

log = logging.getLogger("gridline.sim")

MIRROR_WAIT_S = 5.0  # wall seconds a step waits for the mirror to show the previous step


class ScenarioHost(Protocol):
    """What a running scenario needs from the simulator."""

    @property
    def world(self) -> World: ...

    @property
    def catalogue(self) -> Catalogue: ...

    @property
    def reports(self) -> ReportFactory: ...

    def now(self) -> float: ...

    def live_state(self) -> DispatchState: ...

    def mirror_seq(self) -> int: ...

    def send(self, who: Who, command: Any, *, command_id: str) -> Result: ...

    def adopt(self, incident_id: str) -> None: ...

    def nearest_units(self, incident: Incident, department: str, n: int, *,
                      exclude: set[str]) -> list[str]: ...

    def reported(self, draft: Draft, result: Result) -> None: ...


@dataclass(slots=True)
class StepOutcome:
    index: int
    command: str
    ok: bool
    code: str = ""
    message: str = ""
    incident_id: str = ""


@dataclass(order=True, slots=True)
class _Item:
    due: float
    order: int
    step: Step = field(compare=False)
    surge_k: int = field(default=-1, compare=False)  # ≥ 0: one report of a surge
    tries: int = field(default=0, compare=False)  # attempts while the server was away


class ScenarioRunner:
    """Runs one scenario from server time ``start``; call :meth:`tick` often."""

    def __init__(self, scenario: Scenario, host: ScenarioHost, *, start: float, seed: int = 1
                 ) -> None:
        self.scenario = scenario
        self.host = host
        self.start = start
        self.rng = random.Random(f"{seed}|scenario|{scenario.name}")
        self.run_id = uuid.uuid4().hex[:8]
        self.incidents: dict[str, str] = {}
        self.current = ""
        self.sent: dict[str, list[str]] = {}  # incident → units the scenario sent there
        self.outcomes: list[StepOutcome] = []
        self.surge_sent: Counter[str] = Counter()  # by source
        self.surge_refused = 0
        self._queue: list[_Item] = []
        self._order = 0
        self._need_seq = 0
        self._waiting_since: float | None = None
        for step in scenario.steps:
            self._push(start + step.at, step)

    def _push(self, due: float, step: Step, surge_k: int = -1) -> None:
        self._order += 1
        heapq.heappush(self._queue, _Item(due, self._order, step, surge_k))

    @property
    def finished(self) -> bool:
        return not self._queue

    def next_due(self) -> float | None:
        return self._queue[0].due if self._queue else None

    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    # ------------------------------------------------------------------------ ticking

    def tick(self, now: float, budget: int = 500) -> int:
        """Run what is due; returns how many commands were sent."""
        sent = 0
        while self._queue and self._queue[0].due <= now and sent < budget:
            item = self._queue[0]
            if item.surge_k < 0 and item.step.command != SURGE and not self._mirror_ready():
                return sent
            heapq.heappop(self._queue)
            try:
                done = self._run(item, now)
            except (ScenarioError, WorldError, ClassError) as exc:
                log.warning("scenario %s step %d (%s) skipped: %s", self.scenario.name,
                            item.step.index, item.step.command, exc)
                self.outcomes.append(StepOutcome(item.step.index, item.step.command, False,
                                                 "invalid", str(exc)))
                continue
            if done is None:  # server away: the same command (same id) once it is back
                item.tries += 1
                heapq.heappush(self._queue, item)
                return sent
            sent += done
        return sent

    def _mirror_ready(self) -> bool:
        """Steps read the mirror, so it must show what the previous steps did."""
        if self.host.mirror_seq() >= self._need_seq:
            self._waiting_since = None
            return True
        if self._waiting_since is None:
            self._waiting_since = time.monotonic()
        if time.monotonic() - self._waiting_since > MIRROR_WAIT_S:
            log.warning("scenario %s: the mirror is behind (seq %d < %d); going on",
                        self.scenario.name, self.host.mirror_seq(), self._need_seq)
            self._waiting_since = None
            self._need_seq = 0
            return True
        return False

    def _run(self, item: _Item, now: float) -> int | None:
        step = item.step
        if step.command == SURGE:
            if item.surge_k < 0:
                self._expand_surge(step)
                return 0
            return self._surge_report(item, now)
        if step.command == "report":
            return self._report(step, now)
        return self._command(step)

    # ------------------------------------------------------------------------ surges

    def _expand_surge(self, step: Step) -> None:
        a = step.args
        count, window = int(a["count"]), float(a["window"])
        rng = self.rng
        if a.get("profile", "uniform") == "peak":
            mode = window * float(a.get("peak", 0.4))
            offsets = [rng.triangular(0.0, window, mode) for _ in range(count)]
        else:
            offsets = [rng.uniform(0.0, window) for _ in range(count)]
        t0 = self.start + step.at
        for k, off in enumerate(sorted(offsets)):
            self._push(t0 + off, step, k)
        log.info("scenario %s: surge of %d %s reports over %.0f s", self.scenario.name, count,
                 a["class"], window)

    def _surge_report(self, item: _Item, now: float) -> int | None:
        a = item.step.args
        cls = resolve_class(self.host.catalogue, str(a["class"]))
        region = self.host.world.district_code(a["district"]) if "district" in a else ""
        sources = a.get("sources", {"grid_worker": 1, "hotline": 1})
        src = self.rng.choices(list(sources), weights=list(sources.values()))[0]
        cid = f"scn-{self.scenario.name}-{self.run_id}-{item.step.index}-{item.surge_k}"
        draft = self.host.reports.make(now, source=src, class_code=cls, region=region,
                                       command_id=cid)
        res = self.host.send("field", draft.command, command_id=cid)
        if res.down:
            return None
        self.host.reported(draft, res)
        if res.ok:
            self.surge_sent[src] += 1
        else:
            self.surge_refused += 1
        return 1

    # ------------------------------------------------------------------------ reports

    def _report(self, step: Step, now: float) -> int | None:
        a = dict(step.args)
        position = a.pop("position", None)
        if position is not None:
            pos = self._position(str(position))
        else:
            lon, lat = float(a.pop("lon")), float(a.pop("lat"))
            grid = self.host.world.locate(lon, lat)
            if grid is None:
                raise WorldError(f"{lat:.6f}N {lon:.6f}E is outside the city")
            pos = (grid, lon, lat)
        class_code = self._resolve(a.pop("class_code"))
        cid = f"scn-{self.scenario.name}-{self.run_id}-{step.index}"
        draft = self.host.reports.make(now, source=a.pop("source"), class_code=str(class_code),
                                       position=pos, description=str(a.pop("description", "")),
                                       reporter=str(a.pop("reporter", "")), command_id=cid,
                                       concrete=False)
        command = dataclasses.replace(draft.command, **{k: self._resolve(v)
                                                         for k, v in a.items()})
        draft = Draft(command, draft.grid, draft.source)
        res = self.host.send(step.who, command, command_id=cid)
        if res.down:
            return None
        self.host.reported(draft, res)
        iid = res.incident_id
        self.outcomes.append(StepOutcome(step.index, step.command, res.ok, res.code,
                                         res.message, iid))
        if res.ok and iid:
            if step.adopt:
                self.host.adopt(iid)
            self.current = iid
            if step.save:
                self.incidents[step.save] = iid
            self._need_seq = res.reply.seq if res.reply is not None else 0
            log.info("scenario %s: reported %s (%s) in grid %s", self.scenario.name, iid,
                     command.class_code, draft.grid)
        elif not res.ok:
            log.warning("scenario %s step %d report refused (%s): %s", self.scenario.name,
                        step.index, res.code, res.message)
        return 1

    def _position(self, ref: str) -> tuple[str, float, float]:
        world, rng = self.host.world, self.rng
        if ref.startswith("$grid:"):
            district = world.district_code(ref.split(":", 1)[1])
            return world.point_in(district, rng)
        if ref.startswith("@near:"):
            parts = ref.split(":", 1)[1].split(",")
            lon, lat = float(parts[0]), float(parts[1])
            radius = float(parts[2]) if len(parts) > 2 else 100.0
            return world.near(lon, lat, radius, rng)
        raise ScenarioError(f"'position' must be $grid:<district> or @near:<lon>,<lat>, "
                            f"not {ref!r}")

    # ----------------------------------------------------------------------- commands

    def _command(self, step: Step) -> int | None:
        resolved = {k: self._resolve(v) for k, v in step.args.items()}
        spec = command_fields(step.command)
        fan_key = next((k for k, v in resolved.items()
                        if isinstance(v, list) and spec[k][0] is str), None)
        variants: list[dict[str, Any]]
        if fan_key is None:
            variants = [resolved]
        else:
            variants = [{**resolved, fan_key: v} for v in resolved[fan_key]]
            if not variants:
                log.warning("scenario %s step %d (%s): %s is empty; nothing to do",
                            self.scenario.name, step.index, step.command, fan_key)
                self.outcomes.append(StepOutcome(step.index, step.command, True))
                return 0
        cls = COMMAND_TYPES[step.command]
        sent = 0
        for k, args in enumerate(variants):
            for name, (tp, _) in spec.items():
                if name in args and isinstance(args[name], list):
                    args[name] = tuple(args[name])
                elif name in args and tp is float and isinstance(args[name], int):
                    args[name] = float(args[name])
            command = cls(**args)
            cid = f"scn-{self.scenario.name}-{self.run_id}-{step.index}-{k}"
            res = self.host.send(step.who, command, command_id=cid)
            if res.down:
                return None
            sent += 1
            iid = str(args.get("incident_id", "")) or res.incident_id
            self.outcomes.append(StepOutcome(step.index, step.command, res.ok, res.code,
                                             res.message, iid))
            if res.ok:
                if res.reply is not None:
                    self._need_seq = max(self._need_seq, res.reply.seq)
                if step.command == "assign" and iid:
                    self.sent.setdefault(iid, []).extend(args.get("units", ()))
            else:
                log.warning("scenario %s step %d %s refused (%s): %s", self.scenario.name,
                            step.index, step.command, res.code, res.message)
        return sent

    # -------------------------------------------------------------------- placeholders

    def _incident(self, name: str = "") -> Incident:
        iid = self.incidents.get(name) if name else self.current
        if not iid:
            raise ScenarioError(f"no incident {'named ' + name if name else 'reported yet'}")
        inc = self.host.live_state().incidents.get(iid)
        if inc is None:
            raise ScenarioError(f"incident {iid} is not in the live state")
        return inc

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            out: list[Any] = []
            for v in value:
                r = self._resolve(v)
                if isinstance(r, list) and isinstance(v, str) and v[:1] == "$":
                    out.extend(r)
                else:
                    out.append(r)
            return out
        if not isinstance(value, str) or value[:1] != "$":
            return value
        head, _, rest = value[1:].partition(":")
        if head == "incident":
            if rest:
                iid = self.incidents.get(rest)
                if iid is None:
                    raise ScenarioError(f"no saved incident {rest!r}")
                return iid
            if not self.current:
                raise ScenarioError("$incident before any report")
            return self.current
        if head == "class":
            return resolve_class(self.host.catalogue, rest)
        if head == "units":
            dept, _, n = rest.partition(":")
            return self._nearest_units(dept, int(n))
        if head == "assigned":
            inc = self._incident()
            units = self.host.live_state().units
            return [u for u in inc.units if not rest or
                    (u in units and units[u].department == rest)]
        if head == "sent":
            return list(self.sent.get(self.current, []))
        if head == "worker":
            info = self.host.world.info(self._incident().grid)
            if not info.worker_id:
                raise ScenarioError(f"grid {info.code} has no grid worker")
            return info.worker_id
        raise ScenarioError(f"unknown placeholder {value!r}")

    def _nearest_units(self, department: str, n: int) -> list[str]:
        inc = self._incident()
        taken = {u for units in self.sent.values() for u in units}
        picked = self.host.nearest_units(inc, department, n, exclude=taken)
        if len(picked) < n:
            log.warning("scenario %s: only %d available %s unit(s) near %s (wanted %d)",
                        self.scenario.name, len(picked), department, inc.id, n)
        return picked

    def summary(self) -> dict[str, Any]:
        refused = [o for o in self.outcomes if not o.ok]
        return {"scenario": self.scenario.name, "steps": len(self.outcomes),
                "refused": len(refused), "incidents": dict(self.incidents),
                "current": self.current, "surge_reports": dict(self.surge_sent),
                "surge_refused": self.surge_refused}
