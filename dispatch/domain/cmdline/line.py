"""Reading a command line word by word: incident ids, durations, unit and department names,
the free text at the end, and the error shown when a line does not parse."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass


class CommandLineError(ValueError):
    """A line that does not parse; ``message`` is what to show the operator."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage

    def __str__(self) -> str:
        return f"{self.message} — usage: {self.usage}" if self.usage else self.message


_INCIDENT_RE = re.compile(r"^[Ee]?(\d{1,9})$")
_MINUTES_RE = re.compile(r"^(\d+)([mhd]?)$", re.IGNORECASE)


def normalize_incident_id(token: str, selected: str = "") -> str:
    """``12``/``E12``/``e000012`` → ``E000012``; ``.`` → the selected incident."""
    if token == ".":
        if not selected:
            raise CommandLineError("no incident is selected for '.'")
        return selected
    m = _INCIDENT_RE.match(token)
    if m is None:
        raise CommandLineError(f"{token!r} is not an incident id (like E000012 or 12)")
    return f"E{int(m.group(1)):06d}"


def parse_minutes(token: str) -> int:
    """``90`` or ``90m`` → 90, ``2h`` → 120, ``1d`` → 1440."""
    m = _MINUTES_RE.match(token)
    if m is None:
        raise CommandLineError(f"{token!r} is not a duration (minutes, or like 2h, 1d)")
    n = int(m.group(1)) * {"": 1, "m": 1, "h": 60, "d": 1440}[m.group(2).lower()]
    if n <= 0:
        raise CommandLineError("the extension must be at least one minute")
    return n


@dataclass(slots=True)
class Line:
    """A cursor over the rest of a command line."""

    text: str
    usage: str
    selected: str
    units: Collection[str] | None
    departments: Mapping[str, str] | None  # lower-case name or code → code

    def _skip(self) -> None:
        self.text = self.text.lstrip()

    def peek(self) -> str | None:
        self._skip()
        return self.text.split(None, 1)[0] if self.text else None

    def word(self, what: str) -> str:
        w = self.optional()
        if w is None:
            raise CommandLineError(f"missing {what}", self.usage)
        return w

    def optional(self) -> str | None:
        self._skip()
        if not self.text:
            return None
        parts = self.text.split(None, 1)
        self.text = parts[1] if len(parts) > 1 else ""
        return parts[0]

    def rest(self, what: str = "", *, required: bool = False) -> str:
        out, self.text = self.text.strip(), ""
        if required and not out:
            raise CommandLineError(f"missing {what}", self.usage)
        return out

    def done(self) -> None:
        extra = self.rest()
        if extra:
            raise CommandLineError(f"unexpected {extra!r}", self.usage)

    def incident(self, what: str = "incident id") -> str:
        return normalize_incident_id(self.word(what), self.selected)

    def unit(self, token: str | None = None) -> str:
        token = token if token is not None else self.word("unit id")
        if self.units is None or token in self.units:
            return token
        lowered = token.lower()
        for u in self.units:
            if u.lower() == lowered:
                return u
        raise CommandLineError(f"no unit {token!r}", self.usage)

    def department(self, token: str) -> str:
        if not token:
            raise CommandLineError("missing department after '+' or 'lead='", self.usage)
        if self.departments is None:
            return token
        code = self.departments.get(token.lower())
        if code is None:
            raise CommandLineError(f"no department {token!r}", self.usage)
        return code
