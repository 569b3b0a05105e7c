"""Completing the word being typed: verbs, then incident ids, unit ids, reasons… by what the
verb expects at that position."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from dispatch.domain.catalogue.model import Priority
from dispatch.domain.cmdline.goto import GO_WORDS, complete_go, is_go
from dispatch.domain.cmdline.line import CommandLineError, normalize_incident_id
from dispatch.domain.cmdline.verbs import LEVEL_NAMES, VERB_BY_WORD, VERBS
from dispatch.domain.status import CloseReason, UnitStatus

if TYPE_CHECKING:
    from dispatch.domain.catalogue.model import Catalogue
    from dispatch.domain.state import DispatchState

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
             *, selected: str = "", regions: Collection[str] | None = None) -> list[str]:
    """Candidates for the word being typed at the end of ``text`` (the word as it would be
    replaced): verbs first, then incident ids, unit ids, reasons… by the verb's arguments;
    after ``go``, region codes (of ``regions``) and incident ids."""
    words = text.split()
    typing = "" if not text or text[-1].isspace() else (words.pop() if words else "")
    if not words:
        return _words(typing, [v.name for v in VERBS] + [a for v in VERBS for a in v.aliases]
                      + list(GO_WORDS))
    if is_go(words[0]):
        return complete_go(typing, state.incidents, regions) if len(words) == 1 else []
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
    if kind == "departments":  # a comma-separated list: complete its last name
        head, _, last = typing.rpartition(",")
        head = head + "," if head else ""
        have = set(head.split(","))
        if incident is not None:
            have |= {s.department for s in incident.summoned}
        known = list(catalogue.departments) if catalogue is not None else []
        return [head + c for c in _words(last, [c for c in known if c not in have])]
    if kind == "summoned":
        if incident is not None:
            return _words(typing, [s.department for s in incident.summoned
                                   if s.arrived_at is None])
        return []
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
    if kind == "callback_result":
        return _words(typing, ["ok", "basic", "no"])
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
