"""The verbs: what each one's words mean, the command it builds, its usage and aliases."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from dispatch.domain import commands as cmd
from dispatch.domain.catalogue.model import Priority
from dispatch.domain.cmdline.line import CommandLineError, Line, parse_minutes
from dispatch.domain.status import CloseReason, UnitStatus

_CLASS_RE = re.compile(r"^\d{4}(\d{2})?$")

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


Builder = Callable[[Line], cmd.Command]


def _register(a: Line) -> cmd.Command:
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


def _assign(a: Line) -> cmd.Command:
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


def _verify(a: Line) -> cmd.Command:
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


def _close(a: Line) -> cmd.Command:
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


def _duplicate(a: Line) -> cmd.Command:
    iid = a.incident()
    original = a.incident("original incident id")
    if original == iid:
        raise CommandLineError("an incident cannot duplicate itself", a.usage)
    return cmd.LinkDuplicate(iid, original, a.rest())


def _evaluate(a: Line) -> cmd.Command:
    iid = a.incident()
    word = a.word("score 1-5")
    if not (word.isdigit() and 1 <= int(word) <= 5):
        raise CommandLineError(f"{word!r}: the score is a whole number from 1 to 5", a.usage)
    return cmd.Evaluate(iid, int(word), a.rest())


def _extend(a: Line) -> cmd.Command:
    iid = a.incident()
    minutes = parse_minutes(a.word("minutes"))
    return cmd.RequestExtension(iid, minutes, a.rest("reason", required=True))


def _escalate(a: Line) -> cmd.Command:
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


def _unit_status(a: Line) -> cmd.Command:
    unit = a.unit()
    word = a.word("status")
    status = UNIT_STATUS_ALIASES.get(word.lower())
    if status is None:
        raise CommandLineError(f"unknown unit status {word!r}; say one of "
                               f"{', '.join(s.value for s in UnitStatus)}", a.usage)
    a.done()
    return cmd.SetUnitStatus(unit, status.value)


def _with_reason(make: Callable[[str, str], cmd.Command], what: str = "reason") -> Builder:
    def build(a: Line) -> cmd.Command:
        iid = a.incident()
        return make(iid, a.rest(what, required=True))
    return build


def _with_optional_text(make: Callable[[str, str], cmd.Command]) -> Builder:
    def build(a: Line) -> cmd.Command:
        iid = a.incident()
        return make(iid, a.rest())
    return build


def _bare(make: Callable[[str], cmd.Command]) -> Builder:
    def build(a: Line) -> cmd.Command:
        iid = a.incident()
        a.done()
        return make(iid)
    return build


def _release(a: Line) -> cmd.Command:
    iid = a.incident()
    unit = a.unit()
    a.done()
    return cmd.ReleaseUnit(iid, unit)


def _acknowledge(a: Line) -> cmd.Command:
    iid = a.incident()
    w = a.optional()
    dept = a.department(w) if w is not None else ""
    a.done()
    return cmd.Acknowledge(iid, dept)


def _handle(a: Line) -> cmd.Command:
    iid = a.incident()
    w = a.optional()
    dept = a.department(w) if w is not None else ""
    a.done()
    return cmd.StartHandling(iid, dept)


def _respond(a: Line) -> cmd.Command:
    """``rp 12 @fire 明火已扑灭``: the department (optional) is marked with ``@``."""
    iid = a.incident()
    dept = ""
    nxt = a.peek()
    if nxt is not None and nxt.startswith("@"):
        a.optional()
        dept = a.department(nxt[1:])
    return cmd.Respond(iid, a.rest("result", required=True), dept)


def _release_department(a: Line) -> cmd.Command:
    iid = a.incident()
    dept = a.department(a.word("department"))
    return cmd.ReleaseDepartment(iid, dept, a.rest("reason", required=True))


CALLBACK_WORDS: dict[str, str] = {
    "ok": "satisfied", "satisfied": "satisfied", "basic": "basically_satisfied",
    "basically_satisfied": "basically_satisfied", "no": "unsatisfied",
    "unsatisfied": "unsatisfied"}


def _callback(a: Line) -> cmd.Command:
    """``cb 12 ok [note]``, ``cb 12 basic [note]``, ``cb 12 no [note]``; ``cb 12 no reopen
    <reason>`` reopens the case (重办)."""
    iid = a.incident()
    word = a.word("result (ok, basic or no)")
    result = CALLBACK_WORDS.get(word.lower())
    if result is None:
        raise CommandLineError(f"unknown call-back result {word!r}; say ok, basic or no",
                               a.usage)
    nxt = a.peek()
    if nxt is not None and nxt.lower() == "reopen":
        a.optional()
        return cmd.Callback(iid, result, "", True, a.rest("reason", required=True))
    return cmd.Callback(iid, result, a.rest())


def _whistle(a: Line) -> cmd.Command:
    """``wh 12 police,fire 占道经营引发冲突``: summon departments (吹哨), comma-separated."""
    iid = a.incident()
    words = [w for w in a.word("departments (comma-separated)").split(",") if w]
    if not words:
        raise CommandLineError("missing departments", a.usage)
    depts = tuple(dict.fromkeys(a.department(w) for w in words))
    return cmd.Whistle(iid, depts, a.rest("reason", required=True))


def _arrival(a: Line) -> cmd.Command:
    """``ar 12 police [note]``: a summoned department reports on site (报到)."""
    iid = a.incident()
    dept = a.department(a.word("department"))
    return cmd.ReportArrival(iid, dept, a.rest())


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
    Verb("hd", ("handle",), "hd <incident> [department]", "start handling",
         ("incident", "department"), _handle),
    Verb("rp", ("respond", "feedback"), "rp <incident> [@<dept>] <result>",
         "respond (feedback)", ("incident", "text"), _respond),
    Verb("rd", ("release_department", "unassist"), "rd <incident> <department> <reason>",
         "release an assisting department", ("incident", "department", "text"),
         _release_department),
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
    Verb("es", ("escalate",), "es <incident> <level> [+<dept>…] <reason>",
         "escalate (a shift lead may skip levels on an urgent or high incident: 越级)",
         ("incident", "level", "text"), _escalate),
    Verb("nt", ("note",), "nt <incident> <text>", "add a note",
         ("incident", "text"), _with_reason(cmd.AddNote, "note text")),
    Verb("st", ("status",), "st <unit> <status>", "set a unit's status",
         ("unit", "status"), _unit_status),
    Verb("cb", ("callback", "回访"), "cb <incident> ok|basic|no [note] | no reopen <reason>",
         "call-back (回访; no reopen: 重办)", ("incident", "callback_result", "text"),
         _callback),
    Verb("ug", ("urge", "催办"), "ug <incident> [note]", "the citizen called again (催办)",
         ("incident", "text"), _with_optional_text(lambda i, t: cmd.Urge(i, t))),
    Verb("wh", ("whistle", "吹哨"), "wh <incident> <department>[,<department>…] <reason>",
         "blow the whistle: summon departments to report on site (吹哨)",
         ("incident", "departments", "text"), _whistle),
    Verb("ar", ("arrive", "报到"), "ar <incident> <department> [note]",
         "a summoned department reports on site (报到)", ("incident", "summoned", "text"),
         _arrival),
)

VERB_BY_WORD: dict[str, Verb] = {w: v for v in VERBS for w in (v.name, *v.aliases)}
