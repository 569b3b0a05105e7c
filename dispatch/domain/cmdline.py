"""The dispatcher's command line: short verbs typed at the console, parsed into commands.

    rg 12                      register E000012 (optionally: a class code, a priority)
    as 12 U-police-3 U-fire-1 lead=police +fire
    cl E12 duplicate E7        close E000012 as a duplicate of E000007
    es 12 street 需要街道协调    escalate; the rest of the line is the reason

Incident ids accept short forms (``12``, ``E12``, ``e000012`` → ``E000012``) and ``.`` for the
incident selected at the console. Free text (reasons, notes, comments) is the rest of the line,
spaces and all, so Chinese reasons need no quoting. :func:`parse` raises
:class:`CommandLineError` with a message to show next to the line; :func:`complete` offers
candidates for the word being typed.

Only syntax is checked here (plus unit and department names when the caller passes the known
ones); whether the command is allowed now is for the server to say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Priority
from dispatch.domain.status import CloseReason, UnitStatus

if TYPE_CHECKING:
    from dispatch.domain.catalogue.model import Catalogue
    from dispatch.domain.state import DispatchState


class CommandLineError(ValueError):
    """A line that does not parse; ``message`` is what to show the operator."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage

    def __str__(self) -> str:
        return f"{self.message} — usage: {self.usage}" if self.usage else self.message


# -------------------------------------------------------------------------------- vocabulary

_INCIDENT_RE = re.compile(r"^[Ee]?(\d{1,9})$")
_CLASS_RE = re.compile(r"^\d{4}(\d{2})?$")
_MINUTES_RE = re.compile(r"^(\d+)([mhd]?)$", re.IGNORECASE)

CLOSE_REASON_ALIASES: dict[str, CloseReason] = {
    "fixed": CloseReason.FIXED, "fx": CloseReason.FIXED, "done": CloseReason.FIXED,
    "duplicate": CloseReason.DUPLICATE, "dup": CloseReason.DUPLICATE,
    "not_responsible": CloseReason.NOT_RESPONSIBLE, "nr": CloseReason.NOT_RESPONSIBLE,
    "unable_to_fix": CloseReason.UNABLE_TO_FIX, "uf": CloseReason.UNABLE_TO_FIX,
    "unable": CloseReason.UNABLE_TO_FIX,
}

UNIT_STATUS_ALIASES: dict[str, UnitStatus] = {
    **{s.value: s for s in UnitStatus},
    "avail": UnitStatus.AVAILABLE, "av": UnitStatus.AVAILABLE,
    "enroute": UnitStatus.EN_ROUTE, "er": UnitStatus.EN_ROUTE,
    "onscene": UnitStatus.ON_SCENE, "os": UnitStatus.ON_SCENE,
    "ret": UnitStatus.RETURNING, "off": UnitStatus.OFF_DUTY, "offduty": UnitStatus.OFF_DUTY,
    "oos": UnitStatus.OUT_OF_SERVICE,
}

LEVEL_NAMES: tuple[str, ...] = ("community", "street", "district", "city")

VERIFY_WORDS: dict[str, bool] = {"ok": True, "pass": True, "passed": True, "yes": True,
                                 "fail": False, "failed": False, "no": False}


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


# ------------------------------------------------------------------------------------ reader


@dataclass(slots=True)
class _Line:
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


# ------------------------------------------------------------------------------------- verbs

Builder = Callable[[_Line], cmd.Command]


def _register(a: _Line) -> cmd.Command:
    iid = a.incident()
    class_code = priority = ""
    for _ in range(2):
        w = a.optional()
        if w is None:
            break
        if _CLASS_RE.match(w) and not class_code:
            class_code = w
        elif w.lower() in {p.value for p in Priority} and not priority:
            priority = w.lower()
        else:
            raise CommandLineError(f"{w!r} is neither an event class code (4 or 6 digits) nor "
                                   f"a priority ({', '.join(p.value for p in Priority)})",
                                   a.usage)
    a.done()
    return cmd.RegisterIncident(iid, class_code, priority)


def _assign(a: _Line) -> cmd.Command:
    iid = a.incident()
    units: list[str] = []
    lead = ""
    assist: list[str] = []
    while (w := a.optional()) is not None:
        if w.lower().startswith("lead="):
            if lead:
                raise CommandLineError("lead= is given twice", a.usage)
            lead = a.department(w[5:])
        elif w.startswith("+"):
            dept = a.department(w[1:])
            if dept not in assist:
                assist.append(dept)
        else:
            unit = a.unit(w)
            if unit in units:
                raise CommandLineError(f"unit {unit} is named twice", a.usage)
            units.append(unit)
    return cmd.AssignUnits(iid, tuple(units), lead, tuple(d for d in assist if d != lead))


def _verify(a: _Line) -> cmd.Command:
    iid = a.incident()
    word = a.word("ok or fail")
    passed = VERIFY_WORDS.get(word.lower())
    if passed is None:
        raise CommandLineError(f"{word!r}: say ok or fail", a.usage)
    note = a.rest()
    if not passed and not note:
        raise CommandLineError("a failed verification needs a note saying what is wrong",
                               a.usage)
    return cmd.Verify(iid, passed, note)


def _close(a: _Line) -> cmd.Command:
    iid = a.incident()
    word = a.word("closure reason (fixed, duplicate, not_responsible, unable_to_fix)")
    reason = CLOSE_REASON_ALIASES.get(word.lower())
    if reason is None:
        raise CommandLineError(f"unknown closure reason {word!r}; say fixed, duplicate, "
                               "not_responsible or unable_to_fix", a.usage)
    if reason == CloseReason.DUPLICATE:
        original = a.incident("original incident id")
        if original == iid:
            raise CommandLineError("an incident cannot duplicate itself", a.usage)
        return cmd.CloseIncident(iid, reason.value, a.rest(), duplicate_of=original)
    note = a.rest()
    if reason in (CloseReason.NOT_RESPONSIBLE, CloseReason.UNABLE_TO_FIX) and not note:
        raise CommandLineError(f"closing as {reason.value} needs a note saying why", a.usage)
    return cmd.CloseIncident(iid, reason.value, note)


def _duplicate(a: _Line) -> cmd.Command:
    iid = a.incident()
    original = a.incident("original incident id")
    if original == iid:
        raise CommandLineError("an incident cannot duplicate itself", a.usage)
    return cmd.LinkDuplicate(iid, original, a.rest())


def _evaluate(a: _Line) -> cmd.Command:
    iid = a.incident()
    word = a.word("score 1-5")
    if not (word.isdigit() and 1 <= int(word) <= 5):
        raise CommandLineError(f"{word!r}: the score is a whole number from 1 to 5", a.usage)
    return cmd.Evaluate(iid, int(word), a.rest())


def _extend(a: _Line) -> cmd.Command:
    iid = a.incident()
    minutes = parse_minutes(a.word("minutes"))
    return cmd.RequestExtension(iid, minutes, a.rest("reason", required=True))


def _escalate(a: _Line) -> cmd.Command:
    iid = a.incident()
    word = a.word("level (community, street, district, city)")
    if word.lower() not in LEVEL_NAMES:
        raise CommandLineError(f"unknown level {word!r}; say community, street, district or "
                               "city", a.usage)
    add: list[str] = []
    while (nxt := a.peek()) is not None and nxt.startswith("+"):
        a.optional()
        dept = a.department(nxt[1:])
        if dept not in add:
            add.append(dept)
    return cmd.Escalate(iid, word.lower(), a.rest("reason", required=True), tuple(add))


def _unit_status(a: _Line) -> cmd.Command:
    unit = a.unit()
    word = a.word("status")
    status = UNIT_STATUS_ALIASES.get(word.lower())
    if status is None:
        raise CommandLineError(f"unknown unit status {word!r}; say one of "
                               f"{', '.join(s.value for s in UnitStatus)}", a.usage)
    a.done()
    return cmd.SetUnitStatus(unit, status.value)


def _with_reason(make: Callable[[str, str], cmd.Command], what: str = "reason") -> Builder:
    def build(a: _Line) -> cmd.Command:
        iid = a.incident()
        return make(iid, a.rest(what, required=True))
    return build


def _with_optional_text(make: Callable[[str, str], cmd.Command]) -> Builder:
    def build(a: _Line) -> cmd.Command:
        iid = a.incident()
        return make(iid, a.rest())
    return build


def _bare(make: Callable[[str], cmd.Command]) -> Builder:
    def build(a: _Line) -> cmd.Command:
        iid = a.incident()
        a.done()
        return make(iid)
    return build


def _release(a: _Line) -> cmd.Command:
    iid = a.incident()
    unit = a.unit()
    a.done()
    return cmd.ReleaseUnit(iid, unit)


def _acknowledge(a: _Line) -> cmd.Command:
    iid = a.incident()
    w = a.optional()
    dept = a.department(w) if w is not None else ""
    a.done()
    return cmd.Acknowledge(iid, dept)


@dataclass(frozen=True, slots=True)
class Verb:
    """One command-line verb: its short name, aliases, usage and argument kinds.

    ``args`` name what each position holds, for completion: ``incident``, ``unit``, ``units``
    (repeats, with ``lead=``/``+dept``), ``class``, ``ok_fail``, ``close_reason``, ``score``,
    ``level``, ``status``, ``department``, ``minutes``, ``text`` (the rest of the line).
    """

    name: str
    aliases: tuple[str, ...]
    usage: str
    summary: str
    args: tuple[str, ...]
    build: Builder


VERBS: tuple[Verb, ...] = (
    Verb("rg", ("register", "reg"), "rg <incident> [class] [priority]", "register",
         ("incident", "class", "priority"), _register),
    Verb("cx", ("cancel",), "cx <incident> <reason>", "cancel",
         ("incident", "text"), _with_reason(cmd.CancelIncident)),
    Verb("as", ("assign", "dispatch", "ds"),
         "as <incident> [<unit>…] [lead=<dept>] [+<dept>…]", "assign units / departments",
         ("incident", "units"), _assign),
    Verb("rl", ("release",), "rl <incident> <unit>", "release a unit",
         ("incident", "incident_unit"), _release),
    Verb("ak", ("ack", "acknowledge"), "ak <incident> [department]", "acknowledge",
         ("incident", "department"), _acknowledge),
    Verb("hd", ("handle",), "hd <incident>", "start handling",
         ("incident",), _bare(cmd.StartHandling)),
    Verb("rp", ("respond", "feedback"), "rp <incident> <result>", "respond (feedback)",
         ("incident", "text"), _with_reason(cmd.Respond, "result")),
    Verb("vf", ("verify",), "vf <incident> ok|fail [note]", "verify on site",
         ("incident", "ok_fail", "text"), _verify),
    Verb("rw", ("rework",), "rw <incident> <reason>", "send back for rework",
         ("incident", "text"), _with_reason(cmd.Rework)),
    Verb("cl", ("close",),
         "cl <incident> fixed|duplicate <original>|not_responsible|unable_to_fix [note]",
         "close", ("incident", "close_reason", "text"), _close),
    Verb("dup", ("duplicate",), "dup <incident> <original> [note]", "close as duplicate",
         ("incident", "incident", "text"), _duplicate),
    Verb("ev", ("evaluate", "eval"), "ev <incident> <1-5> [comment]", "evaluate",
         ("incident", "score", "text"), _evaluate),
    Verb("rt", ("return", "ret"), "rt <incident> <reason>", "return to dispatch",
         ("incident", "text"), _with_reason(cmd.ReturnIncident)),
    Verb("ext", ("extend", "extension"), "ext <incident> <minutes> <reason>",
         "request an extension", ("incident", "minutes", "text"), _extend),
    Verb("ok", ("approve",), "ok <incident> [note]", "approve the extension",
         ("incident", "text"),
         _with_optional_text(lambda i, t: cmd.DecideExtension(i, True, t))),
    Verb("no", ("reject",), "no <incident> [note]", "reject the extension",
         ("incident", "text"),
         _with_optional_text(lambda i, t: cmd.DecideExtension(i, False, t))),
    Verb("pk", ("park",), "pk <incident> <reason>", "park (挂账)",
         ("incident", "text"), _with_reason(cmd.Park)),
    Verb("up", ("resume", "unpark"), "up <incident>", "resume a parked incident",
         ("incident",), _bare(cmd.Unpark)),
    Verb("sv", ("supervise",), "sv <incident> [note]", "supervise (督办)",
         ("incident", "text"), _with_optional_text(lambda i, t: cmd.Supervise(i, True, t))),
    Verb("us", ("unsupervise",), "us <incident> [note]", "end supervision",
         ("incident", "text"), _with_optional_text(lambda i, t: cmd.Supervise(i, False, t))),
    Verb("es", ("escalate",), "es <incident> <level> [+<dept>…] <reason>", "escalate",
         ("incident", "level", "text"), _escalate),
    Verb("nt", ("note",), "nt <incident> <text>", "add a note",
         ("incident", "text"), _with_reason(cmd.AddNote, "note text")),
    Verb("st", ("status",), "st <unit> <status>", "set a unit's status",
         ("unit", "status"), _unit_status),
)

VERB_BY_WORD: dict[str, Verb] = {w: v for v in VERBS for w in (v.name, *v.aliases)}


def department_lookup(catalogue: Catalogue) -> dict[str, str]:
    """Lower-case department code, English and Chinese name → code."""
    out: dict[str, str] = {}
    for d in catalogue.departments.values():
        for key in (d.code, d.name_en, d.name_zh):
            out[key.lower()] = d.code
    return out


def parse(text: str, *, selected: str = "", units: Collection[str] | None = None,
          catalogue: Catalogue | None = None) -> cmd.Command:
    """Parse one command line into a command; :class:`CommandLineError` if it does not parse.

    ``selected`` is the incident ``.`` stands for; with ``units`` (known unit ids) and
    ``catalogue`` (known departments) names are checked and matched case-insensitively.
    """
    line = text.strip()
    if not line:
        raise CommandLineError("type a command, e.g. 'as 12 U-police-3' (help: ?)")
    word, _, rest = line.partition(" ")
    verb = VERB_BY_WORD.get(word.lower())
    if verb is None:
        raise CommandLineError(f"unknown command {word!r}; try one of "
                               f"{', '.join(v.name for v in VERBS)}")
    depts = department_lookup(catalogue) if catalogue is not None else None
    return verb.build(_Line(rest, verb.usage, selected, units, depts))


def verb_help() -> list[tuple[str, str, str]]:
    """(verb, usage, summary) for every verb, for a help popup."""
    return [(v.name, v.usage, v.summary) for v in VERBS]


# ------------------------------------------------------------------------------- completion

MAX_CANDIDATES = 30


def _incident_candidates(prefix: str, state: DispatchState) -> list[str]:
    p = prefix.upper()
    digits = p[1:] if p.startswith("E") else p
    if digits and not digits.isdigit():
        return []
    literal = p.startswith("E") and digits.startswith("0")  # "E0001…": a prefix of the id
    short = digits.lstrip("0")  # "12", "E12": a prefix of the number

    def match(iid: str) -> bool:
        return iid.startswith(p) if literal else iid[1:].lstrip("0").startswith(short)

    ranked = sorted(((not inc.status.is_open, -inc.reported_at, iid)
                     for iid, inc in state.incidents.items() if match(iid)))
    # Open incidents first, the newest first.
    return [iid for _, _, iid in ranked[:MAX_CANDIDATES]]


def _unit_candidates(prefix: str, state: DispatchState, *, assignable_first: bool) -> list[str]:
    p = prefix.lower()
    found = [u for u in state.units.values() if u.id.lower().startswith(p)
             or u.name.lower().startswith(p)]
    if assignable_first:
        order = {UnitStatus.AVAILABLE: 0, UnitStatus.RETURNING: 1}
        found.sort(key=lambda u: (order.get(u.status, 2), u.id))
    else:
        found.sort(key=lambda u: u.id)
    return [u.id for u in found[:MAX_CANDIDATES]]


def _words(prefix: str, words: Collection[str]) -> list[str]:
    p = prefix.lower()
    return [w for w in words if w.lower().startswith(p)][:MAX_CANDIDATES]


def complete(text: str, state: DispatchState, catalogue: Catalogue | None = None,
             *, selected: str = "") -> list[str]:
    """Candidates for the word being typed at the end of ``text`` (the word as it would be
    replaced): verbs first, then incident ids, unit ids, reasons… by the verb's arguments."""
    words = text.split()
    typing = "" if not text or text[-1].isspace() else (words.pop() if words else "")
    if not words:
        return _words(typing, [v.name for v in VERBS] + [a for v in VERBS for a in v.aliases])
    verb = VERB_BY_WORD.get(words[0].lower())
    if verb is None:
        return []
    position = len(words) - 1
    kind = verb.args[min(position, len(verb.args) - 1)] if verb.args else "text"
    if position >= len(verb.args) and kind != "units":
        return []
    if verb.name == "cl" and position == 2 and words[2].lower() in ("duplicate", "dup"):
        kind = "incident"
    incident = None
    if len(words) > 1:
        try:
            incident = state.incidents.get(normalize_incident_id(words[1], selected))
        except CommandLineError:
            incident = None
    if kind == "incident":
        return _incident_candidates(typing, state)
    if kind == "units":
        if typing.startswith("+") or typing.lower().startswith("lead="):
            head = "+" if typing.startswith("+") else typing[:5]
            codes = catalogue.departments if catalogue is not None else {}
            return [head + c for c in _words(typing[len(head):], list(codes))]
        if incident is not None and catalogue is not None:
            from dispatch.domain.recommend import recommend_units

            ranked = [r.unit_id for r in recommend_units(state, catalogue, incident,
                                                         limit=MAX_CANDIDATES)
                      if r.unit_id.lower().startswith(typing.lower())]
            if ranked:
                return ranked
        return _unit_candidates(typing, state, assignable_first=True)
    if kind == "incident_unit":
        return _words(typing, incident.units) if incident is not None else []
    if kind == "unit":
        return _unit_candidates(typing, state, assignable_first=False)
    if kind == "department":
        if incident is not None:
            return _words(typing, incident.departments)
        return _words(typing, list(catalogue.departments)) if catalogue is not None else []
    if kind == "class":
        if catalogue is None:
            return []
        return _words(typing, list(catalogue.minors) + list(catalogue.problems))
    if kind == "priority":
        return _words(typing, [p.value for p in Priority])
    if kind == "ok_fail":
        return _words(typing, ["ok", "fail"])
    if kind == "close_reason":
        return _words(typing, [r.value for r in CloseReason])
    if kind == "score":
        return _words(typing, ["1", "2", "3", "4", "5"])
    if kind == "level":
        nxt = incident.level.next_up if incident is not None else None
        return _words(typing, [nxt.name.lower()] if nxt is not None else list(LEVEL_NAMES))
    if kind == "status":
        return _words(typing, [s.value for s in UnitStatus if s != UnitStatus.DISPATCHED])
    if kind == "minutes":
        return _words(typing, ["30", "60", "120", "240", "1d"])
    return []


__all__ = ["LEVEL_NAMES", "VERBS", "CommandLineError", "Verb", "complete", "normalize_incident_id",
           "parse", "parse_minutes", "verb_help"]
