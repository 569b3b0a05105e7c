"""New reports as the field sends them: a grid worker's patrol find, a 12345 call, a citizen's
snapshot, an IoT alarm or a video analytics hit, with a Chinese description, a reporter and a
position that the server locates in the intended grid.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Catalogue
from dispatch.domain.city.model import Part
from dispatch.domain.status import Source
from dispatch.sim import texts
from dispatch.sim.world import World, WorldError

CHINA = dt.timezone(dt.timedelta(hours=8))
SOURCES = tuple(s.value for s in Source)


class ClassError(ValueError):
    """An event class the catalogue does not know."""


def resolve_class(catalogue: Catalogue, ref: str) -> str:
    """A class code from a code (``0801``, ``080101``) or an exact Chinese or English name of a
    minor class or problem (``积水内涝``, ``道路积水``)."""
    ref = ref.strip()
    if ref in catalogue.minors or ref in catalogue.problems:
        return ref
    for m in catalogue.minors.values():
        if ref in (m.name_zh, m.name_en):
            return m.code
    for p in catalogue.problems.values():
        if ref in (p.name_zh, p.name_en):
            return p.code
    raise ClassError(f"no event class named {ref!r} in the catalogue")


@dataclass(frozen=True, slots=True)
class Draft:
    """A report to send, and where it was meant to land."""

    command: cmd.ReportIncident
    grid: str
    source: str
    duplicate_of_ref: str = ""  # command id of the report this one repeats


class ReportFactory:
    """Makes :class:`~dispatch.domain.commands.ReportIncident` commands for a city."""

    def __init__(self, world: World, catalogue: Catalogue, rng: random.Random, *,
                 worker_position: Callable[[str], tuple[float, float] | None] | None = None,
                 duplicate_share: float = 0.04) -> None:
        self.world = world
        self.catalogue = catalogue
        self.rng = rng
        self.worker_position = worker_position or (lambda _uid: None)
        self.duplicate_share = duplicate_share
        self._n = 0
        self._recent_calls: deque[tuple[str, Draft]] = deque(maxlen=64)  # (command id, draft)

    # ----------------------------------------------------------------------- choosing

    def concrete_class(self, code: str) -> str:
        """A problem of minor ``code`` (a random one), or ``code`` itself."""
        if len(code) == 4:
            problems = sorted(p.code for p in self.catalogue.problems.values() if p.minor == code)
            if problems:
                return self.rng.choice(problems)
        return code

    def class_name(self, code: str) -> str:
        if len(code) == 6 and code in self.catalogue.problems:
            return self.catalogue.problems[code].name_zh
        return self.catalogue.minor_of(code).name_zh

    # ------------------------------------------------------------------------ making

    def make(self, now: float, *, source: str | None = None, class_code: str | None = None,
             region: str = "", position: tuple[str, float, float] | None = None,
             description: str = "", reporter: str = "", command_id: str = "",
             concrete: bool = True) -> Draft:
        """A report from ``source`` (random by the usual mix when None) of ``class_code``
        (random for the source when None; with ``concrete`` a minor class picks one of its
        problems) inside
        ``region`` (a district, street… code; "" = the whole city) or at ``position``
        ((grid, lon, lat), from a scenario)."""
        rng = self.rng
        source = source or texts.pick_source(rng)
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
        self._n += 1
        if (source == "hotline" and class_code is None and position is None and not region
                and self._recent_calls and rng.random() < self.duplicate_share):
            return self._repeat_call(now)
        if class_code:
            code = self.concrete_class(class_code) if concrete else class_code
        else:
            code = texts.pick_class(rng, source)
        name = self.class_name(code)
        part: Part | None = None
        device = reading = ""
        if position is not None:
            grid, lon, lat = position
        elif source == "sensor":
            grid, lon, lat, part, device, reading = self._sensor(code, region)
        elif source == "video":
            grid, lon, lat, part, device = self._camera(region)
        elif source == "grid_worker":
            grid, lon, lat = self._patrol(region)
        else:
            grid, lon, lat = self.world.point_in(region or self.world.city.code, rng)
        info = self.world.info(grid)
        if source == "sensor" and not device:
            device, reading = self._device(code, None)
        if source == "video" and not device:
            device = f"监控探头 CAM-{rng.randint(1, 99999):05d}"
        where = texts.address(info.place, rng)
        description = description or texts.describe(code, name, source, where, rng,
                                                    device=device, reading=reading)
        worker = f"网格员{info.worker_name}（{info.worker_id}）" if info.worker_id else ""
        reporter = reporter or texts.reporter_for(source, rng, worker=worker, device=device)
        command = cmd.ReportIncident(source=source, class_code=code, lon=lon, lat=lat,
                                     description=description, reporter=reporter,
                                     external_ref=self._external_ref(source, now, part),
                                     part_id=part.id if part is not None else "")
        draft = Draft(command, grid, source)
        if source == "hotline" and command_id:
            self._recent_calls.append((command_id, draft))
        return draft

    def _repeat_call(self, now: float) -> Draft:
        """Another caller about a problem someone already phoned in (a duplicate)."""
        rng = self.rng
        ref, first = rng.choice(list(self._recent_calls))
        c = first.command
        try:
            grid, lon, lat = self.world.near(c.lon, c.lat, 60.0, rng)
        except WorldError:
            grid, lon, lat = first.grid, c.lon, c.lat
        info = self.world.info(grid)
        name = self.class_name(c.class_code)
        where = texts.address(info.place, rng)
        command = cmd.ReportIncident(
            source="hotline", class_code=c.class_code, lon=lon, lat=lat,
            description=texts.describe(c.class_code, name, "hotline", where, rng),
            reporter=texts.reporter_for("hotline", rng),
            external_ref=self._external_ref("hotline", now, None))
        return Draft(command, grid, "hotline", duplicate_of_ref=ref)

    def _patrol(self, region: str) -> tuple[str, float, float]:
        """A grid with a worker and a point inside it: where the worker is, if there."""
        rng = self.rng
        grids = self.world.grids_in(region) if region else self.world.grids
        grid = rng.choice(grids)
        info = self.world.info(grid)
        if info.worker_id:
            pos = self.worker_position(info.worker_id)
            if pos is not None:
                lon, lat = round(pos[0], 7), round(pos[1], 7)
                if self.world.locate(lon, lat) == grid:
                    return grid, lon, lat
        lon, lat = self.world.random_point(grid, rng)
        return grid, lon, lat

    def _device(self, code: str, part: Part | None) -> tuple[str, str]:
        _kind, name = texts.SENSORS.get(code, ("", "感知设备"))
        ident = part.id if part is not None else f"IOT-{self.rng.randint(1, 99999):05d}"
        alarm = None
        if part is not None:
            value = part.attributes.get("alarm_cm")
            alarm = float(value) if isinstance(value, int | float) else None
        return f"{name} {ident}", texts.sensor_reading(code, self.rng, alarm)

    def _sensor(self, code: str, region: str
                ) -> tuple[str, float, float, Part | None, str, str]:
        rng = self.rng
        part_type = texts.SENSORS.get(code, ("", ""))[0]
        parts = self.world.parts_in(part_type, region) if part_type else []
        if part_type == "bin":
            fitted = [p for p in parts if p.attributes.get("fill_sensor") == "yes"]
            parts = fitted or parts
        if parts:
            part = rng.choice(parts)
            if self.world.locate(part.lon, part.lat) == part.grid:
                device, reading = self._device(code, part)
                return part.grid, part.lon, part.lat, part, device, reading
        grid, lon, lat = self.world.point_in(region or self.world.city.code, rng)
        device, reading = self._device(code, None)
        return grid, lon, lat, None, device, reading

    def _camera(self, region: str) -> tuple[str, float, float, Part | None, str]:
        rng = self.rng
        cams = self.world.parts_in("camera", region)
        if cams:
            cam = rng.choice(cams)
            reach = cam.attributes.get("range_m")
            reach_m = min(float(reach), 60.0) if isinstance(reach, int | float) else 40.0
            try:
                grid, lon, lat = self.world.near(cam.lon, cam.lat, reach_m, rng)
            except WorldError:
                grid, lon, lat = cam.grid, cam.lon, cam.lat
            return grid, lon, lat, cam, f"监控探头 {cam.id}"
        grid, lon, lat = self.world.point_in(region or self.world.city.code, rng)
        return grid, lon, lat, None, ""

    def _external_ref(self, source: str, now: float, part: Part | None) -> str:
        day = dt.datetime.fromtimestamp(now, CHINA).strftime("%Y%m%d")
        if source == "hotline":
            return f"12345-{day}-{self._n:06d}"
        if source == "citizen_app":
            return f"APP-{day}-{self._n:06d}"
        if source == "sensor":
            return f"IOT-{day}-{self._n:06d}"
        if source == "video":
            return f"AI-{day}-{self._n:06d}"
        return ""
