"""The deadline profiles file (``resources/deadline_profiles.json`` or
``--deadline-profiles``), read and checked: a strict pydantic model; a problem is a
:class:`ProfileError` naming the profile and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dispatch.domain.catalogue.model import LimitUnit, Priority, TimeLimit
from dispatch.domain.deadlines import CITIZEN_SOURCES, DeadlineProfile
from dispatch.domain.status import Source

__all__ = ["DEFAULT_PROFILES", "ProfileError", "load_profile", "load_profiles",
           "parse_profiles"]

DEFAULT_PROFILES = Path(__file__).resolve().parents[2] / "resources" / "deadline_profiles.json"


class ProfileError(ValueError):
    """The profiles file is malformed or names no such profile."""


class _Limit(BaseModel):
    model_config = ConfigDict(strict=False, extra="forbid")

    value: Annotated[float, Field(gt=0, allow_inf_nan=False, strict=True)]
    unit: LimitUnit

    def build(self) -> TimeLimit:
        return TimeLimit(self.value, self.unit)


class _Profile(BaseModel):
    model_config = ConfigDict(strict=False, extra="forbid")

    title: str = ""
    comment: str = ""
    sources: list[Source] = Field(default_factory=lambda: [Source(s) for s in CITIZEN_SOURCES])
    dispatch: dict[Priority, _Limit] = {}
    feedback: dict[Priority, _Limit] = {}
    callback: _Limit
    arrival: _Limit = _Limit(value=30, unit=LimitUnit.MINUTES)

    def build(self, name: str) -> DeadlineProfile:
        return DeadlineProfile(
            name=name, title=self.title, callback=self.callback.build(),
            arrival=self.arrival.build(),
            dispatch={p: v.build() for p, v in self.dispatch.items()},
            feedback={p: v.build() for p, v in self.feedback.items()},
            sources=tuple(s.value for s in self.sources))


class _File(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    comment: str = ""
    profiles: dict[str, Any]


def _where(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        loc = ".".join(str(x) for x in e["loc"])
        parts.append(f"{loc}: {e['msg']}" if loc else str(e["msg"]))
    return "; ".join(parts)


def parse_profiles(data: Any) -> dict[str, DeadlineProfile]:
    """The profiles in ``data`` (the parsed file) by name; :class:`ProfileError` if malformed."""
    if not isinstance(data, dict):
        raise ProfileError("the deadline profiles file must hold a JSON object")
    try:
        top = _File.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_where(exc)) from None
    if not top.profiles:
        raise ProfileError("the deadline profiles file names no profile")
    out: dict[str, DeadlineProfile] = {}
    for name, raw in top.profiles.items():
        if not name.strip() or len(name) > 40:
            raise ProfileError(f"profile name {name!r} must be 1 to 40 characters")
        try:
            out[name] = _Profile.model_validate(raw).build(name)
        except ValidationError as exc:
            raise ProfileError(f"profile {name!r}: {_where(exc)}") from None
    return out


def load_profiles(path: Path | None = None) -> dict[str, DeadlineProfile]:
    p = path or DEFAULT_PROFILES
    try:
        data = json.loads(Path(p).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ProfileError(f"cannot read deadline profiles from {p}: {exc}") from exc
    try:
        return parse_profiles(data)
    except ProfileError as exc:
        raise ProfileError(f"{p}: {exc}") from None


def load_profile(name: str, path: Path | None = None) -> DeadlineProfile:
    """The named profile of the file; :class:`ProfileError` naming the known ones if absent."""
    profiles = load_profiles(path)
    if name not in profiles:
        raise ProfileError(f"no deadline profile {name!r}; known: {', '.join(sorted(profiles))}")
    return profiles[name]
