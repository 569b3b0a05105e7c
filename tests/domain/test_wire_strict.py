"""The wire's strict checks (pydantic, strict mode) in the words a dispatcher reads: the path of
the argument, what it must be and what it was; the order in which problems are said; every
command type validated into its dataclass; the envelope, query arguments and replies."""

from __future__ import annotations

import dataclasses
import re
import typing
from typing import Any

import orjson
import pytest

from dispatch.adapters.protocol.messages import (
    BadRequest,
    build_command,
    command_args,
    parse_reply,
    parse_request,
    take_args,
)
from dispatch.adapters.protocol.strict import MAX_WIRE_INT, command_adapter
from dispatch.domain import commands as cmd
from dispatch.domain.commands import COMMAND_TYPES
from dispatch.domain.errors import InvalidCommand

REPORT = {"source": "hotline", "class_code": "0101", "lon": 120.6, "lat": 31.3,
          "description": "井盖缺失"}


def refused(type_name: str, args: Any) -> str:
    with pytest.raises(InvalidCommand) as info:
        build_command(type_name, args)
    return info.value.message


# ------------------------------------------------------------------------- every command

def _sample(tp: Any) -> Any:
    """A good value of field type ``tp`` (ids are plain names, positions in Suzhou)."""
    if tp is str:
        return "E000001"
    if tp is float:
        return 120.5
    if tp is int:
        return 3
    if tp is bool:
        return True
    targs = typing.get_args(tp)
    if type(None) in targs:  # an optional field: a value of its type
        return _sample(next(t for t in targs if t is not type(None)))
    if targs[-1] is Ellipsis:
        return (_sample(targs[0]),)
    if targs == (str, float, float):
        return ("U-1", 120.5, 31.3)
    return tuple(_sample(a) for a in targs)


@pytest.mark.parametrize("type_name", sorted(COMMAND_TYPES))
def test_every_command_goes_over_the_wire_and_back(type_name: str) -> None:
    cls = COMMAND_TYPES[type_name]
    hints = typing.get_type_hints(cls)
    command = cls(**{f.name: _sample(hints[f.name]) for f in dataclasses.fields(cls)})
    args = orjson.loads(orjson.dumps(command_args(command)))  # tuples become lists
    assert build_command(type_name, args, test_levers=True) == command
    assert command_adapter(cls) is command_adapter(cls)  # built once


def test_defaults_come_from_the_dataclass_and_lists_become_tuples() -> None:
    c = build_command("assign", {"incident_id": "E000001", "units": ["U-1", "U-2"]})
    assert c == cmd.AssignUnits("E000001", units=("U-1", "U-2"))
    assert type(c.units) is tuple
    assert type(build_command("report", {**REPORT, "lon": 120}).lon) is float


# ------------------------------------------------------------------ what each type takes

@pytest.mark.parametrize(("type_name", "args", "message"), [
    ("note", {"incident_id": 7, "text": "x"}, "note.incident_id must be text, got a number"),
    ("verify", {"incident_id": "E1", "passed": 1}, "verify.passed must be true or false, got a "
     "number"),
    ("evaluate", {"incident_id": "E1", "score": True}, "evaluate.score must be a whole number, "
     "got true"),
    ("evaluate", {"incident_id": "E1", "score": 4.0}, "evaluate.score must be a whole number, "
     "got a number"),
    ("evaluate", {"incident_id": "E1", "score": "4"}, "evaluate.score must be a whole number, "
     "got text"),
    ("evaluate", {"incident_id": "E1", "score": MAX_WIRE_INT + 1}, "evaluate.score is out of "
     "range"),
    ("evaluate", {"incident_id": "E1", "score": -MAX_WIRE_INT - 1}, "evaluate.score is out of "
     "range"),
    ("report", {**REPORT, "lat": None}, "report.lat must be a number, got null"),
    ("report", {**REPORT, "lat": False}, "report.lat must be a number, got false"),
    ("report", {**REPORT, "lat": [31.3]}, "report.lat must be a number, got a list"),
    ("assign", {"incident_id": "E1", "units": "U-1"}, "assign.units must be a list, got text"),
    ("assign", {"incident_id": "E1", "units": {"0": "U-1"}}, "assign.units must be a list, got "
     "an object"),
])
def test_strict_types_say_what_they_got(type_name: str, args: dict[str, Any],
                                        message: str) -> None:
    assert refused(type_name, args) == message


def test_the_largest_exact_integer_passes() -> None:
    assert build_command("evaluate", {"incident_id": "E1", "score": MAX_WIRE_INT}).score == \
        MAX_WIRE_INT


def test_nested_wrong_types_name_the_path() -> None:
    assert refused("assign", {"incident_id": "E1", "units": ["U-1", "U-2", 3]}) == \
        "assign.units[2] must be text, got a number"
    assert refused("assign", {"incident_id": "E1", "assist_departments": [["d"]]}) == \
        "assign.assist_departments[0] must be text, got a list"
    rows = [["U-1", 120.5, 31.3]] * 3 + [["U-4", 120.5, "31.3"]]
    assert refused("positions", {"rows": rows}) == "positions.rows[3][2] must be a number, got text"
    assert refused("positions", {"rows": [["U-1", 120.5, 31.3], "U-2"]}) == \
        "positions.rows[1] must be a list, got text"
    assert refused("positions", {"rows": [["U-1", float("inf"), 31.3]]}) == \
        "positions.rows[0][1] must be a finite number, got infinity"


def test_arguments_that_are_not_an_object() -> None:
    assert refused("note", ["E1", "x"]) == "note must be a JSON object, got a list"


# ------------------------------------------------------------------- which problem is said

def test_unknown_names_first_all_of_them_then_missing_then_types() -> None:
    assert refused("report", {"zeta": 1, "alpha": 2, "lon": "x"}) == \
        "report: unknown argument(s) alpha, zeta"
    assert refused("report", {"lon": "x", "lat": 1.0}) == "report: missing argument 'source'"
    # the first argument in the dataclass's order, whatever the order they were sent in
    args = {"description": 5, "lat": "y", **{k: v for k, v in REPORT.items()
                                            if k not in ("description", "lat")}}
    assert refused("report", args) == "report.lat must be a number, got text"


def test_a_row_of_the_wrong_size_is_said_before_its_items() -> None:
    assert refused("positions", {"rows": [["U-1", 120.5, 31.3], [1, 2.0]]}) == \
        "positions.rows[1] must have 3 items, got 2"
    assert refused("positions", {"rows": [[1]]}) == "positions.rows[0] must have 3 items, got 1"
    assert refused("positions", {"rows": [[1, 2.0, 3.0, 4.0]]}) == \
        "positions.rows[0] must have 3 items, got 4"
    # an earlier row's wrong item before a later row's wrong size
    assert refused("positions", {"rows": [[1, 2.0, 3.0], ["U-1"]]}) == \
        "positions.rows[0][0] must be text, got a number"


def test_types_are_checked_before_ids() -> None:
    assert refused("assign", {"incident_id": "E 1", "units": ["U-1"]}).startswith(
        "assign.incident_id must not contain whitespace")
    assert refused("assign", {"incident_id": "E1", "units": ["U-1", "U 2"]}).startswith(
        "assign.units[1] must not contain whitespace")
    assert refused("assign", {"incident_id": "E 1", "units": [2]}) == \
        "assign.units[0] must be text, got a number"


# ------------------------------------------------------------------------------ queries

HISTORY = {"after_seq": (int, 0), "to_seq": (int, None), "since_ts": (float, None),
           "incident_id": (str, None), "limit": (int, 100)}


def test_query_arguments_null_means_the_default() -> None:
    assert take_args({"after_seq": 5, "since_ts": 1, "to_seq": None}, HISTORY, "history") == \
        {"after_seq": 5, "to_seq": None, "since_ts": 1.0, "incident_id": None, "limit": 100}


@pytest.mark.parametrize(("args", "message"), [
    ({"after_seq": True}, "history.after_seq must be a whole number, got true"),
    ({"incident_id": 12}, "history.incident_id must be text, got a number"),
    ({"since_ts": "today"}, "history.since_ts must be a number, got text"),
    ({"bogus": None}, "history: unknown argument(s) bogus"),
    ({"limit": 2**60}, "history.limit is out of range"),
])
def test_query_arguments_are_as_strict_as_commands(args: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidCommand) as info:
        take_args(args, HISTORY, "history")
    assert info.value.message == message


def test_required_query_arguments_and_unions() -> None:
    spec: dict[str, tuple[Any, Any]] = {"user": (str, ...), "key": (int | str, ...)}
    with pytest.raises(InvalidCommand, match=r"^login: missing argument 'user'$"):
        take_args({"user": None, "key": 1}, spec, "login")
    assert take_args({"user": "a", "key": "k"}, spec, "login") == {"user": "a", "key": "k"}
    assert take_args({"user": "a", "key": 7}, spec, "login")["key"] == 7
    with pytest.raises(InvalidCommand) as info:  # one message for the union, not one per member
        take_args({"user": "a", "key": 1.5}, spec, "login")
    assert info.value.message == "login.key has the wrong type, got a number"
    optional: dict[str, tuple[Any, Any]] = {"to": (float | None, None)}
    assert take_args({"to": 2}, optional, "q") == {"to": 2.0}
    with pytest.raises(InvalidCommand, match=r"^q\.to has the wrong type, got text$"):
        take_args({"to": "2"}, optional, "q")


# ----------------------------------------------------------------------------- envelope

def envelope_error(d: Any) -> BadRequest:
    with pytest.raises(BadRequest) as info:
        parse_request(orjson.dumps(d))
    return info.value


@pytest.mark.parametrize(("d", "message", "rid"), [
    ([1], "request must be a JSON object", None),
    ({"type": "ping"}, "'id' must be a string of 1 to 64 characters", None),
    ({"id": 5, "type": "ping"}, "'id' must be a string of 1 to 64 characters", None),
    ({"id": "", "type": "ping"}, "'id' must be a string of 1 to 64 characters", None),
    ({"id": "a/b", "type": "ping", "x": 1}, "'id' must not contain '/'", None),
    ({"id": "a1", "type": 5, "x": 1, "b": 2}, "unknown request field(s): b, x", "a1"),
    ({"id": "a1", "type": 5}, "unknown request type '5'", "a1"),
    ({"id": "a1"}, "unknown request type 'None'", "a1"),
    ({"id": "a1", "type": "teleport", "session": 5}, "unknown request type 'teleport'", "a1"),
    ({"id": "a1", "type": "clock", "session": 5}, "not available over the wire", "a1"),
    ({"id": "a1", "type": "ping", "session": 5}, "'session' must be a string", "a1"),
    ({"id": "a1", "type": "ping", "session": "s" * 257}, "'session' must be a string", "a1"),
    ({"id": "a1", "type": "ping", "expected_version": True},
     "'expected_version' must be a non-negative integer or null", "a1"),
    ({"id": "a1", "type": "ping", "expected_version": -1},
     "'expected_version' must be a non-negative integer or null", "a1"),
    ({"id": "a1", "type": "ping", "expected_version": 1.0, "args": []},
     "'expected_version' must be a non-negative integer or null", "a1"),
    ({"id": "a1", "type": "ping", "args": []}, "'args' must be a JSON object", "a1"),
])
def test_envelope_problems_in_order(d: Any, message: str, rid: str | None) -> None:
    e = envelope_error(d)
    assert message in e.message
    assert e.request_id == rid


def test_envelope_nulls_and_defaults() -> None:
    r = parse_request(b'{"id": "a1", "type": "note", "session": null, "args": null, '
                      b'"expected_version": null}')
    assert (r.session, r.args, r.expected_version) == ("", {}, None)
    r = parse_request(b'{"id": "a1", "type": "note", "expected_version": 41, '
                      b'"args": {"incident_id": "E1"}}')
    assert (r.expected_version, r.args) == (41, {"incident_id": "E1"})


# ------------------------------------------------------------------------------ replies

def test_replies_are_checked_too() -> None:
    r = parse_reply(b'{"id": "a1", "ok": true, "seq": 5, "result": {"x": 1}, "later": 2}')
    assert (r.id, r.ok, r.seq, r.result) == ("a1", True, 5, {"x": 1})
    r = parse_reply(b'{"id": null, "ok": false, "error": "forbidden", "message": "no", '
                    b'"relogin": true}')
    assert (r.ok, r.error, r.message, r.relogin) == (False, "forbidden", "no", True)
    for raw, words in ((b'{"id": "a1", "seq": 5}', "reply: missing field 'ok'"),
                       (b'{"ok": "yes"}', "reply.ok must be true or false, got text"),
                       (b'{"ok": true, "seq": "5"}', "reply.seq must be a whole number"),
                       (b'[true]', "reply must be a JSON object")):
        with pytest.raises(ValueError, match=re.escape(f"not a reply: {words}")):
            parse_reply(raw)
