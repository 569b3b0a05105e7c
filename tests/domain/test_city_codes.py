"""Region codes: level from length, parsing, parents, prefixes, clear errors."""

from __future__ import annotations

import re

import pytest

from dispatch.domain.city.codes import (
    child_code,
    is_valid_code,
    is_within,
    level_of,
    parent_code,
    parse_code,
    scope_prefix,
    validate_code,
)
from dispatch.domain.city.model import Level


@pytest.mark.parametrize(("code", "level"), [
    ("320500", Level.CITY),
    ("320508", Level.DISTRICT),
    ("320505", Level.DISTRICT),
    ("320508001", Level.STREET),
    ("320508001002", Level.COMMUNITY),
    ("320508001002003", Level.GRID),
])
def test_level_from_code_length(code: str, level: Level) -> None:
    assert level_of(code) == level
    assert validate_code(code, level) == code
    assert is_valid_code(code, level)
    assert len(code) == level.code_length


@pytest.mark.parametrize(("code", "message"), [
    ("3205", "has 4 digits; expected 6 (city or district), 9 (street), 12 (community) or 15"),
    ("32050800100200", "has 14 digits"),
    ("32050a", "must contain only the digits 0-9"),
    ("３２０５０８", "must contain only the digits 0-9"),  # full-width digits
    ("", "region code is empty"),
    ("000500", "has no province"),
    ("320508000", "has street number 000; numbers start at 001"),
    ("320508001000", "has community number 000"),
    ("320508001002000", "has grid number 000"),
    ("320500001", "does not start with a district code"),
])
def test_malformed_codes_are_rejected_with_a_clear_message(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        level_of(code)
    assert not is_valid_code(code)


def test_non_string_code_is_rejected() -> None:
    with pytest.raises(ValueError, match="must be a string of digits, got int"):
        level_of(320508)  # type: ignore[arg-type]  # a wrong type on purpose
    assert not is_valid_code(320508)


def test_validate_code_checks_the_expected_level() -> None:
    with pytest.raises(ValueError, match=r"grid code must have 15 digits; '320508001' is a street"):
        validate_code("320508001", Level.GRID)
    with pytest.raises(ValueError, match="city code must have 6 digits and end in 00; "
                                         "'320508' is a district code"):
        validate_code("320508", Level.CITY)
    with pytest.raises(ValueError, match="district code must have 6 digits and not end in 00"):
        validate_code("320500", Level.DISTRICT)


def test_parse_code_splits_the_segments() -> None:
    p = parse_code("320508001002003")
    assert (p.level, p.division, p.street, p.community, p.grid) == (
        Level.GRID, "320508", "001", "002", "003")
    s = parse_code("320508001")
    assert (s.level, s.division, s.street, s.community, s.grid) == (
        Level.STREET, "320508", "001", None, None)
    with pytest.raises(ValueError, match="has 5 digits"):
        parse_code("12345")


def test_parent_code_walks_up_to_the_city() -> None:
    chain = ["320508001002003"]
    while (p := parent_code(chain[-1])) is not None:
        chain.append(p)
    assert chain == ["320508001002003", "320508001002", "320508001", "320508", "320500"]
    with pytest.raises(ValueError, match="has 8 digits"):
        parent_code("32050800")


def test_scope_prefix_and_is_within() -> None:
    assert scope_prefix("320500") == "3205"
    assert scope_prefix("320508001") == "320508001"
    assert is_within("320508001002003", "320500")
    assert is_within("320508001002003", "320508001")
    assert is_within("320508", "320508")
    assert not is_within("320509001", "320508")
    assert not is_within("320500", "320508")  # the city is not inside a district
    assert not is_within("330102001", "320500")


def test_child_code() -> None:
    assert child_code("320508", 1) == "320508001"
    assert child_code("320508001002", 12) == "320508001002012"
    with pytest.raises(ValueError, match=re.escape("child number must be 1..999, got 1000")):
        child_code("320508", 1000)
    with pytest.raises(ValueError, match="is a grid and has no children"):
        child_code("320508001002003", 1)
    with pytest.raises(ValueError, match="is a city"):
        child_code("320500", 8)
