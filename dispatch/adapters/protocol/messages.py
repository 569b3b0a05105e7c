"""The command channel: JSON requests from a DEALER, JSON replies from the server's ROUTER.

Request::

    {"id": "c0ffee…", "session": "<token>", "type": "assign",
     "expected_version": 41, "args": {"incident_id": "E000123", "units": ["U-1"]}}

Reply: ``{"id", "ok": true, "seq": n, "result": {...}}`` or
``{"id", "ok": false, "error": code, "message": text}`` where ``code`` is one of ``invalid``,
``forbidden``, ``conflict``, ``not_found``, ``stale``, ``unavailable``.

``type`` is a command's wire name (:data:`dispatch.domain.commands.COMMAND_TYPES`) or a query
(:data:`QUERY_TYPES`). Arguments are checked strictly against the command's dataclass: no
unknown or missing names, no wrong JSON types (lists become tuples), no NaN or infinity.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, ClassVar

import orjson

from dispatch.domain.commands import COMMAND_TYPES
from dispatch.domain.errors import ERROR_CODES, DispatchError, Forbidden, InvalidCommand
from dispatch.domain.roles import WIRE_TEST_LEVERS
from dispatch.domain.validation import MAX_ID_CHARS, id_problem, text_problem

MAX_MESSAGE_BYTES = 1 << 20  # inbound limit on every server socket (ZMQ_MAXMSGSIZE too)
MAX_REPLY_BYTES = 16 << 20  # clients accept replies up to this size (history pages)
REQUEST_KEYS = frozenset({"id", "session", "type", "expected_version", "args"})

QUERY_TYPES = frozenset({"login", "logout", "whoami", "ping", "history", "recommend",
                         "duplicates", "city", "audit", "geocode", "basemap"})
"""Requests that read (or open a session) and never produce events."""

NO_SESSION_TYPES = frozenset({"login", "ping"})


class BadRequest(InvalidCommand):
    """A request the server cannot even parse; ``request_id`` is set when it was readable."""

    def __init__(self, message: str, request_id: str | None = None) -> None:
        super().__init__(message)
        self.request_id = request_id


class SessionExpired(Forbidden):
    """The session token is unknown or expired: the reply carries ``"relogin": true`` so the
    client logs in again and retries."""

    relogin: ClassVar[bool] = True


@dataclass(frozen=True, slots=True)
class Request:
    id: str
    type: str
    session: str = ""
    expected_version: int | None = None
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def is_query(self) -> bool:
        return self.type in QUERY_TYPES

    def to_json(self) -> bytes:
        d: dict[str, Any] = {"id": self.id, "type": self.type, "session": self.session,
                             "args": self.args}
        if self.expected_version is not None:
            d["expected_version"] = self.expected_version
        return dumps(d)


def dumps(d: Any) -> bytes:
    """Compact UTF-8 JSON (orjson: a non-finite float becomes null, never a bare NaN)."""
    return orjson.dumps(d)


def loads(raw: bytes) -> Any:
    """Strict JSON (orjson): UTF-8, no NaN/Infinity, integers within 64 bits; a ValueError
    (orjson.JSONDecodeError) says what is wrong."""
    return orjson.loads(raw)


def _lever_refused(type_name: str) -> str:
    return (f"{type_name!r} is not available over the wire (a test lever: only a test server "
            "started with --insecure --test-levers accepts it)")


def parse_request(raw: bytes, *, test_levers: bool = False) -> Request:
    """Parse and check the envelope of a request; BadRequest says what is wrong. The test
    levers (:data:`~dispatch.domain.roles.WIRE_TEST_LEVERS`) are refused unless ``test_levers``."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise BadRequest(f"request of {len(raw)} bytes exceeds {MAX_MESSAGE_BYTES}")
    try:
        d = loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadRequest(f"request is not JSON: {str(exc)[:120]}") from None
    if not isinstance(d, dict):
        raise BadRequest("request must be a JSON object")
    rid = d.get("id")
    if not isinstance(rid, str) or not 0 < len(rid) <= MAX_ID_CHARS:
        raise BadRequest(f"'id' must be a string of 1 to {MAX_ID_CHARS} characters")
    problem = id_problem(rid)
    if problem is not None:  # not echoed back: the reply's id would carry it
        raise BadRequest(f"'id' {problem}")
    extra = set(d) - REQUEST_KEYS
    if extra:
        raise BadRequest(f"unknown request field(s): {', '.join(sorted(map(str, extra)))}",
                            rid)
    rtype = d.get("type")
    if not isinstance(rtype, str) or (rtype not in COMMAND_TYPES and rtype not in QUERY_TYPES):
        raise BadRequest(f"unknown request type {str(rtype)[:40]!r}", rid)
    if rtype in WIRE_TEST_LEVERS and not test_levers:
        raise BadRequest(_lever_refused(rtype), rid)
    session = d.get("session", "")
    if session is None:
        session = ""
    if not isinstance(session, str) or len(session) > 256:
        raise BadRequest("'session' must be a string", rid)
    ev = d.get("expected_version")
    if ev is not None and (isinstance(ev, bool) or not isinstance(ev, int) or ev < 0):
        raise BadRequest("'expected_version' must be a non-negative integer or null", rid)
    args = d.get("args", {})
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise BadRequest("'args' must be a JSON object", rid)
    if rtype == "login":
        _check_login_args(args, rid)
    return Request(id=rid, type=rtype, session=session, expected_version=ev, args=args)


def _check_login_args(args: dict[str, Any], rid: str) -> None:
    """A workstation name is a plain id (or empty); a user name holds no control or bidi
    characters. Types and unknown names are checked by the server's ``take_args``."""
    workstation = args.get("workstation")
    if isinstance(workstation, str) and workstation:
        problem = id_problem(workstation)
        if problem is not None:
            raise BadRequest(f"login.workstation {problem}", rid)
    user = args.get("user")
    if isinstance(user, str):
        problem = text_problem(user, multiline=False)
        if problem is not None:
            raise BadRequest(f"login.user {problem}", rid)


# ------------------------------------------------------------------------ strict arguments

_FIELDS: dict[type[Any], tuple[tuple[str, Any, bool], ...]] = {}


def _fields(cls: type[Any]) -> tuple[tuple[str, Any, bool], ...]:
    """(name, resolved type, required) of each field of a command dataclass."""
    out = _FIELDS.get(cls)
    if out is None:
        hints = typing.get_type_hints(cls)
        out = tuple((f.name, hints[f.name],
                     f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
                    for f in dataclasses.fields(cls))
        _FIELDS[cls] = out
    return out


Check = Callable[[Any, str], Any]
_CHECKS: dict[Any, Check] = {}
_PRIMITIVE_TYPES: dict[Any, tuple[type, ...]] = {str: (str,), bool: (bool,), int: (int,),
                                                 float: (float, int)}


def _check_str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise InvalidCommand(f"{where} must be text")
    return value


def _check_bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidCommand(f"{where} must be true or false")
    return value


def _check_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidCommand(f"{where} must be a whole number")
    if abs(value) > 2**53:
        raise InvalidCommand(f"{where} is out of range")
    return value


def _check_float(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidCommand(f"{where} must be a number")
    f = float(value)
    if not math.isfinite(f):
        raise InvalidCommand(f"{where} must be a finite number")
    return f


def _compile(tp: Any) -> Check:
    simple = {str: _check_str, bool: _check_bool, int: _check_int, float: _check_float}
    if tp in simple:
        return simple[tp]
    origin = typing.get_origin(tp)
    targs = typing.get_args(tp)
    if origin is tuple and len(targs) == 2 and targs[1] is Ellipsis:
        inner = check_for(targs[0])

        def check_items(value: Any, where: str) -> tuple[Any, ...]:
            if not isinstance(value, list):
                raise InvalidCommand(f"{where} must be a list")
            try:
                return tuple([inner(v, where) for v in value])
            except InvalidCommand:
                for i, v in enumerate(value):  # say which item
                    inner(v, f"{where}[{i}]")
                raise
        return check_items
    if origin is tuple:
        parts = [check_for(t) for t in targs]
        fast = [_PRIMITIVE_TYPES.get(t) for t in targs]
        floats = [t is float for t in targs]
        size = len(targs)

        def check_fixed(value: Any, where: str) -> tuple[Any, ...]:
            if type(value) is list and len(value) == size:
                # fast path: exact JSON types, finite numbers (inf - inf and nan are nan)
                out = []
                for v, allowed, fl in zip(value, fast, floats, strict=True):
                    if allowed is None or type(v) not in allowed:
                        break
                    if fl:
                        v = float(v)
                        if v - v != 0.0:
                            break
                    out.append(v)
                else:
                    return tuple(out)
            if not isinstance(value, list):
                raise InvalidCommand(f"{where} must be a list")
            if len(value) != size:
                raise InvalidCommand(f"{where} must have {size} items")
            return tuple(p(v, f"{where}[{i}]") for i, (v, p) in enumerate(zip(value, parts,
                                                                                strict=True)))
        if targs == (str, float, float):  # a position row, thousands per command
            def check_point(value: Any, where: str) -> tuple[Any, ...]:
                if type(value) is list and len(value) == 3:
                    name, x, y = value
                    tx, ty = type(x), type(y)
                    if type(name) is str and (tx is float or tx is int) and (
                            ty is float or ty is int):
                        x, y = float(x), float(y)
                        if x - x == 0.0 and y - y == 0.0:  # finite
                            return name, x, y
                return check_fixed(value, where)  # the general path says what is wrong
            return check_point
        return check_fixed
    if origin in (typing.Union, types.UnionType):
        options = [check_for(t) for t in targs if t is not type(None)]
        nullable = type(None) in targs

        def check_union(value: Any, where: str) -> Any:
            if value is None and nullable:
                return None
            for option in options:
                try:
                    return option(value, where)
                except InvalidCommand:
                    continue
            raise InvalidCommand(f"{where} has the wrong type")
        return check_union
    raise TypeError(f"unsupported argument type {tp!r}")


def check_for(tp: Any) -> Check:
    """The compiled checker of type ``tp`` (cached)."""
    check = _CHECKS.get(tp)
    if check is None:
        check = _CHECKS[tp] = _compile(tp)
    return check


def coerce(value: Any, tp: Any, where: str) -> Any:
    """``value`` (decoded JSON) as type ``tp``; InvalidCommand naming ``where`` otherwise."""
    return check_for(tp)(value, where)


ID_ARGS = frozenset({"incident_id", "unit_id", "duplicate_of", "part_id", "external_ref",
                     "home_grid", "class_code", "department", "lead_department", "unit_type",
                     "units", "assist_departments", "add_departments"})
"""Command arguments that are ids (or lists of ids): plain names, checked at the wire (an
empty string passes: the handler says whether the argument is required). The unit ids of a
``positions`` row are checked too."""


def _check_ids(type_name: str, name: str, value: Any) -> None:
    if name == "rows":
        uids = list(map(itemgetter(0), value))
        if not uids:
            return
        joined = "".join(uids)  # one pass at C speed for thousands of rows
        lengths = list(map(len, uids))
        if joined.isprintable() and " " not in joined and "/" not in joined and \
                min(lengths) > 0 and max(lengths) <= MAX_ID_CHARS:
            return
        for i, uid in enumerate(uids):
            problem = id_problem(uid)
            if problem is not None:
                raise InvalidCommand(f"{type_name}.rows[{i}] unit id {problem}")
        return
    if name not in ID_ARGS:
        return
    items = value if isinstance(value, tuple) else (value,)
    for i, item in enumerate(items):
        if item == "":
            continue
        problem = id_problem(item)
        if problem is not None:
            where = f"{type_name}.{name}" + (f"[{i}]" if isinstance(value, tuple) else "")
            raise InvalidCommand(f"{where} {problem}; an id is 1 to {MAX_ID_CHARS} letters, "
                                 "digits or punctuation, without spaces or '/'")


def build_command(type_name: str, args: dict[str, Any], *, test_levers: bool = False) -> Any:
    """The command dataclass for wire ``type_name`` from JSON ``args``, checked strictly; the
    test levers (``clock``, ``archive``) are refused unless ``test_levers``."""
    cls = COMMAND_TYPES.get(type_name)
    if cls is None:
        raise InvalidCommand(f"unknown command {type_name!r}")
    if type_name in WIRE_TEST_LEVERS and not test_levers:
        raise InvalidCommand(_lever_refused(type_name))
    fields = _fields(cls)
    names = {name for name, _, _ in fields}
    extra = set(args) - names
    if extra:
        raise InvalidCommand(f"{type_name}: unknown argument(s) "
                             f"{', '.join(sorted(map(str, extra)))}")
    kwargs: dict[str, Any] = {}
    for name, tp, required in fields:
        if name not in args:
            if required:
                raise InvalidCommand(f"{type_name}: missing argument {name!r}")
            continue
        value = kwargs[name] = coerce(args[name], tp, f"{type_name}.{name}")
        _check_ids(type_name, name, value)
    return cls(**kwargs)


def command_args(command: Any) -> dict[str, Any]:
    """The JSON arguments of a command dataclass (tuples become lists through JSON)."""
    return {f.name: getattr(command, f.name) for f in dataclasses.fields(command)}


def take_args(args: dict[str, Any], spec: dict[str, tuple[Any, Any]], what: str
              ) -> dict[str, Any]:
    """Check query ``args`` against ``{name: (type, default)}``; a default of ``...`` means
    required. Unknown names are refused like for commands."""
    extra = set(args) - set(spec)
    if extra:
        raise InvalidCommand(f"{what}: unknown argument(s) {', '.join(sorted(map(str, extra)))}")
    out: dict[str, Any] = {}
    for name, (tp, default) in spec.items():
        if name in args and args[name] is not None:
            out[name] = coerce(args[name], tp, f"{what}.{name}")
        elif default is ...:
            raise InvalidCommand(f"{what}: missing argument {name!r}")
        else:
            out[name] = default
    return out


# ---------------------------------------------------------------------------------- replies

def ok_reply(request_id: str | None, seq: int, result: dict[str, Any] | None = None) -> bytes:
    return dumps({"id": request_id, "ok": True, "seq": seq, "result": result or {}})


def error_reply(request_id: str | None, error: DispatchError | str, message: str = "",
                **extra: Any) -> bytes:
    code = error if isinstance(error, str) else error.code
    if code not in ERROR_CODES:
        code = "invalid"
    text = message or (error.message if isinstance(error, DispatchError) else code)
    return dumps({"id": request_id, "ok": False, "error": code, "message": text, **extra})


@dataclass(frozen=True, slots=True)
class Reply:
    """A decoded reply."""

    id: str | None
    ok: bool
    seq: int = 0
    result: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    message: str = ""
    relogin: bool = False

    def raise_for_error(self) -> Reply:
        """Self if ok; otherwise the typed :class:`DispatchError` of the error code."""
        if not self.ok:
            cls = ERROR_CODES.get(self.error, InvalidCommand)
            raise cls(self.message or self.error)
        return self


def parse_reply(raw: bytes) -> Reply:
    d = loads(raw)
    if not isinstance(d, dict) or not isinstance(d.get("ok"), bool):
        raise ValueError("not a reply")
    if d["ok"]:
        return Reply(id=d.get("id"), ok=True, seq=int(d.get("seq") or 0),
                     result=d.get("result") or {})
    return Reply(id=d.get("id"), ok=False, error=str(d.get("error") or "invalid"),
                 message=str(d.get("message") or ""), relogin=bool(d.get("relogin")))
