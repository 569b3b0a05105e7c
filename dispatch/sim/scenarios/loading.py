"""What a scenario is (:class:`Scenario`, its :class:`Step` s), and reading and checking a
scenario file (the format is in the package documentation)."""

from __future__ import annotations

import dataclasses
import json
import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from dispatch.domain.commands import COMMAND_TYPES
from dispatch.domain.status import Source
from dispatch.sim.channel import Who

SURGE = "surge"
LEAD_COMMANDS = frozenset({"register", "cancel", "assign", "release", "rework", "close",
                           "duplicate", "evaluate", "decide_extension", "park", "unpark",
                           "supervise", "escalate"})
FIELD_COMMANDS = frozenset({"report", "acknowledge", "handle", "respond", "verify", "return",
                            "request_extension", "note", "unit_status", "positions"})
STEP_KEYS = frozenset({"at", "command", "args", "as", "save", "adopt", "comment"})
SURGE_KEYS = frozenset({"count", "window", "class", "district", "sources", "profile", "peak"})

_PLACEHOLDER = re.compile(
    r"^(\$incident(:[\w-]+)?|\$units:[a-z_]+:\d+|\$assigned(:[a-z_]+)?|\$sent|\$worker"
    r"|\$class:.+|\$grid:\d+|@near:-?[\d.]+,-?[\d.]+(,[\d.]+)?)$")


class ScenarioError(ValueError):
    """A scenario file that cannot be run; the message names the file and the step."""


@dataclass(frozen=True, slots=True)
class Step:
    index: int  # 1-based position in the file
    at: float
    command: str
    who: Who
    args: dict[str, Any] = field(hash=False)
    save: str = ""
    adopt: bool = True


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    title: str
    description: str
    steps: tuple[Step, ...]
    origin: str = ""

    @property
    def duration_s(self) -> float:
        """Server seconds from the start to the last step (or the end of the last surge)."""
        ends = [s.at + (float(s.args.get("window", 0)) if s.command == SURGE else 0.0)
                for s in self.steps]
        return max(ends, default=0.0)



def scenarios_dir() -> Path:
    return Path(str(resources.files("resources.scenarios")))


def list_scenarios() -> list[str]:
    """Names of the bundled scenarios."""
    return sorted(p.stem for p in scenarios_dir().glob("*.json"))


def find_scenario(ref: str) -> Path:
    """A bundled scenario by name, or a JSON file by path."""
    p = Path(ref)
    if p.suffix == ".json" or p.exists():
        if not p.is_file():
            raise ScenarioError(f"no scenario file {ref}")
        return p
    bundled = scenarios_dir() / f"{ref}.json"
    if not bundled.is_file():
        raise ScenarioError(f"no scenario {ref!r}; bundled: {', '.join(list_scenarios())}")
    return bundled


def load_scenario(ref: str | Path) -> Scenario:
    """Read and check a scenario (a bundled name or a path); ScenarioError says what is wrong."""
    path = find_scenario(str(ref))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ScenarioError(f"{path.name}: cannot read: {exc}") from None
    return parse_scenario(data, origin=path.name)


def parse_scenario(data: Any, *, origin: str = "<scenario>") -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError(f"{origin}: a scenario is a JSON object")
    name = data.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
        raise ScenarioError(f"{origin}: 'name' must be 1-64 letters, digits, '_' or '-'")
    steps_raw = data.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        raise ScenarioError(f"{origin}: 'steps' must be a non-empty list")
    steps = [_step(origin, i, raw) for i, raw in enumerate(steps_raw, start=1)]
    steps.sort(key=lambda s: (s.at, s.index))
    return Scenario(name=name, title=str(data.get("title", "")),
                    description=str(data.get("description", "")), steps=tuple(steps),
                    origin=origin)


def _step(origin: str, i: int, raw: Any) -> Step:
    where = f"{origin} step {i}"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a step is a JSON object")
    extra = set(raw) - STEP_KEYS
    if extra:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
    at = raw.get("at")
    if isinstance(at, bool) or not isinstance(at, int | float) or not 0 <= at < 1e8:
        raise ScenarioError(f"{where}: 'at' must be a number of seconds ≥ 0")
    command = raw.get("command")
    args = raw.get("args", {})
    if not isinstance(args, dict):
        raise ScenarioError(f"{where}: 'args' must be an object")
    if command == SURGE:
        _check_surge(where, args)
        who: Who = "field"
    elif command in LEAD_COMMANDS or command in FIELD_COMMANDS:
        default: Who = "lead" if command in LEAD_COMMANDS else "field"
        who_raw = raw.get("as", default)
        if who_raw not in ("field", "lead"):
            raise ScenarioError(f"{where}: 'as' must be \"field\" or \"lead\"")
        who = who_raw
        _check_args(where, command, args)
    else:
        known = ", ".join(sorted(LEAD_COMMANDS | FIELD_COMMANDS | {SURGE}))
        raise ScenarioError(f"{where}: unknown command {command!r}; expected one of {known}")
    save = raw.get("save", "")
    if not isinstance(save, str) or (save and not re.fullmatch(r"[\w-]{1,32}", save)):
        raise ScenarioError(f"{where}: 'save' must be a short name")
    if save and command != "report":
        raise ScenarioError(f"{where}: only report steps can 'save' an incident")
    adopt = raw.get("adopt", True)
    if not isinstance(adopt, bool):
        raise ScenarioError(f"{where}: 'adopt' must be true or false")
    return Step(index=i, at=float(at), command=command, who=who, args=args, save=save,
                adopt=adopt)


def command_fields(command: str) -> dict[str, tuple[Any, bool]]:
    """The command's fields: name → (type, required)."""
    cls = COMMAND_TYPES[command]
    hints = typing.get_type_hints(cls)
    return {f.name: (hints[f.name], f.default is dataclasses.MISSING)
            for f in dataclasses.fields(cls)}


def _check_args(where: str, command: str, args: dict[str, Any]) -> None:
    spec = command_fields(command)
    allowed = set(spec) | ({"position"} if command == "report" else set())
    extra = set(args) - allowed
    if extra:
        raise ScenarioError(f"{where}: {command} has no argument(s) {', '.join(sorted(extra))}")
    optional = {"description", "reporter", "lon", "lat"} if command == "report" else set()
    missing = [n for n, (_, required) in spec.items()
               if required and n not in args and n not in optional]
    if missing:
        raise ScenarioError(f"{where}: {command} needs {', '.join(missing)}")
    if command == "report":
        if "position" not in args and not ("lon" in args and "lat" in args):
            raise ScenarioError(f"{where}: a report needs 'position' (or 'lon' and 'lat')")
        if args.get("source") not in {s.value for s in Source}:
            raise ScenarioError(f"{where}: unknown source {args.get('source')!r}")
    for value in _strings(args):
        if value[:1] in "$@" and not _PLACEHOLDER.match(value):
            raise ScenarioError(f"{where}: unknown placeholder {value!r}")


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def _check_surge(where: str, args: dict[str, Any]) -> None:
    extra = set(args) - SURGE_KEYS
    if extra:
        raise ScenarioError(f"{where}: surge has no argument(s) {', '.join(sorted(extra))}")
    count, window = args.get("count"), args.get("window")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 < count <= 100_000:
        raise ScenarioError(f"{where}: surge 'count' must be 1 to 100000")
    if isinstance(window, bool) or not isinstance(window, int | float) or not window > 0:
        raise ScenarioError(f"{where}: surge 'window' must be a positive number of seconds")
    if not isinstance(args.get("class"), str):
        raise ScenarioError(f"{where}: surge needs 'class' (a code or a Chinese name)")
    sources = args.get("sources", {"grid_worker": 1, "hotline": 1})
    if (not isinstance(sources, dict) or not sources
            or any(s not in {x.value for x in Source} for s in sources)
            or any(isinstance(w, bool) or not isinstance(w, int | float) or w < 0
                   for w in sources.values()) or not sum(sources.values()) > 0):
        raise ScenarioError(f"{where}: surge 'sources' must map sources to weights")
    if args.get("profile", "uniform") not in ("uniform", "peak"):
        raise ScenarioError(f"{where}: surge 'profile' must be \"uniform\" or \"peak\"")
    peak = args.get("peak", 0.4)
    if isinstance(peak, bool) or not isinstance(peak, int | float) or not 0 <= peak <= 1:
        raise ScenarioError(f"{where}: surge 'peak' must be a fraction 0..1")
