"""``print``: the printable summary of an incident (a PDF the console writes) — not a command
to the server, so it is kept apart from the verbs of :mod:`.verbs`, like ``go``.

    print 12 · print E000012 · print .     the summary of that incident (``.``: the selected one)
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.domain.cmdline.line import CommandLineError, normalize_incident_id

PRINT_WORDS: tuple[str, ...] = ("print", "pdf")
PRINT_USAGE = "print <incident>"
PRINT_SUMMARY = "print the incident's one-page summary to a PDF"


@dataclass(frozen=True, slots=True)
class PrintSummary:
    """The incident whose summary to print."""

    incident_id: str


def is_print(word: str) -> bool:
    return word.lower() in PRINT_WORDS


def parse_print(rest: str, *, selected: str = "") -> PrintSummary:
    """What follows ``print``: one incident id in any of its short forms, or ``.``."""
    words = rest.split()
    if not words:
        if selected:
            return PrintSummary(selected)
        raise CommandLineError("missing incident (none is selected)", PRINT_USAGE)
    if len(words) > 1:
        raise CommandLineError(f"one incident only; {' '.join(words[1:])!r} is too much",
                               PRINT_USAGE)
    return PrintSummary(normalize_incident_id(words[0], selected))
