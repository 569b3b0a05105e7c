"""``print``: the printable summary of an incident from the command line (parsed, not sent)."""

from __future__ import annotations

import pytest

from dispatch.domain.cmdline.line import CommandLineError
from dispatch.domain.cmdline.parser import parse
from dispatch.domain.cmdline.printing import PRINT_USAGE, PrintSummary


@pytest.mark.parametrize(("line", "want"), [
    ("print 12", "E000012"), ("print E12", "E000012"), ("PDF e000012", "E000012"),
    ("print .", "E000007"), ("print", "E000007"),
])
def test_print_parses_an_incident(line: str, want: str) -> None:
    assert parse(line, selected="E000007") == PrintSummary(want)


@pytest.mark.parametrize(("line", "message"), [
    ("print", "missing incident"), ("print .", "no incident is selected"),
    ("print 12 13", "one incident only"), ("print 观前街", "is not an incident id"),
])
def test_print_refuses_what_is_not_one_incident(line: str, message: str) -> None:
    with pytest.raises(CommandLineError, match=message) as info:
        parse(line)
    if line != "print .":
        assert info.value.usage in (PRINT_USAGE, "")
