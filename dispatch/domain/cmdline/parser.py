"""Parsing a whole line: the first word picks the verb, the verb reads the rest."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from dispatch.domain import commands as cmd
from dispatch.domain.cmdline.goto import GoTo, is_go, parse_go
from dispatch.domain.cmdline.line import CommandLineError, Line
from dispatch.domain.cmdline.printing import PrintSummary, is_print, parse_print
from dispatch.domain.cmdline.verbs import VERB_BY_WORD, VERBS

if TYPE_CHECKING:
    from dispatch.domain.catalogue.model import Catalogue


def department_lookup(catalogue: Catalogue) -> dict[str, str]:
    """Lower-case department code, English and Chinese name → code."""
    out: dict[str, str] = {}
    for d in catalogue.departments.values():
        for key in (d.code, d.name_en, d.name_zh):
            out[key.lower()] = d.code
    return out


def parse(text: str, *, selected: str = "", units: Collection[str] | None = None,
          catalogue: Catalogue | None = None,
          regions: Collection[str] | None = None) -> cmd.Command | GoTo | PrintSummary:
    """Parse one command line into a command, or for ``go`` into a :class:`GoTo` (the map's
    business, not the server's), for ``print`` into a :class:`PrintSummary` (the console's);
    :class:`CommandLineError` if it does not parse.

    ``selected`` is the incident ``.`` stands for; with ``units`` (known unit ids) and
    ``catalogue`` (known departments) names are checked and matched case-insensitively;
    ``regions`` are the region codes ``go`` knows.
    """
    line = text.strip()
    if not line:
        raise CommandLineError("type a command, e.g. 'as 12 U-police-3' (help: ?)")
    word, _, rest = line.partition(" ")
    if is_go(word):
        return parse_go(rest, selected=selected, regions=regions)
    if is_print(word):
        return parse_print(rest, selected=selected)
    verb = VERB_BY_WORD.get(word.lower())
    if verb is None:
        raise CommandLineError(f"unknown command {word!r}; try one of "
                               f"{', '.join(v.name for v in VERBS)}, go, print")
    depts = department_lookup(catalogue) if catalogue is not None else None
    return verb.build(Line(rest, verb.usage, selected, units, depts))


def verb_help() -> list[tuple[str, str, str]]:
    """(verb, usage, summary) for every verb, for a help popup."""
    return [(v.name, v.usage, v.summary) for v in VERBS]
