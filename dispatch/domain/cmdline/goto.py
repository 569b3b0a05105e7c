"""``go``: where the console's map should go — not a command to the server, so it is kept
apart from the verbs of :mod:`.verbs`.

    go 观前街 18号              a place, looked up with the geocoder (the top result)
    go 320508001002003         a region by its code (district, street, community, grid)
    go E000123 · go 123 · go .   an incident (the selected one for ``.``)
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from dispatch.domain.cmdline.line import CommandLineError, normalize_incident_id

GO_WORDS: tuple[str, ...] = ("go", "goto")
GO_USAGE = "go <place | region code | incident>"
GO_SUMMARY = "show a place, a region or an incident on the map"
REGION_CODE_LENGTHS = (6, 9, 12, 15)  # district, street, community, grid

_INCIDENT_RE = re.compile(r"^[Ee]\d{1,9}$|^\d{1,9}$|^\.$")


@dataclass(frozen=True, slots=True)
class GoTo:
    """Where to go: ``kind`` is ``incident`` (``target`` an incident id), ``region`` (a region
    code) or ``place`` (what to look up, as typed)."""

    kind: str
    target: str


def is_go(word: str) -> bool:
    return word.lower() in GO_WORDS


def parse_go(rest: str, *, selected: str = "",
             regions: Collection[str] | None = None) -> GoTo:
    """What follows ``go``: a region code (a known one when ``regions`` is given), an incident
    id in any of its short forms, else a place to look up."""
    text = " ".join(rest.split())
    if not text:
        raise CommandLineError("missing place, region code or incident", GO_USAGE)
    if text.isdigit() and len(text) in REGION_CODE_LENGTHS and (regions is None
                                                                or text in regions):
        return GoTo("region", text)
    if _INCIDENT_RE.match(text):
        return GoTo("incident", normalize_incident_id(text, selected))
    return GoTo("place", text)


def complete_go(typing: str, incidents: Collection[str],
                regions: Collection[str] | None, limit: int = 30) -> list[str]:
    """Candidates for the word after ``go``: region codes for digits (the shortest first),
    incident ids for an ``E``; places are looked up elsewhere (they need the geocoder)."""
    if typing.isdigit() and regions is not None:
        return sorted((c for c in regions if c.startswith(typing)),
                      key=lambda c: (len(c), c))[:limit]
    if typing[:1] in ("E", "e") and typing[1:].isdigit():
        p = typing.upper()
        return sorted((i for i in incidents if i.startswith(p)), reverse=True)[:limit]
    return []
