"""The command channel: JSON requests from a DEALER, JSON replies from the server's ROUTER.

Request::

    {"id": "c0ffee…", "session": "<token>", "type": "assign",
     "expected_version": 41, "args": {"incident_id": "E000123", "units": ["U-1"]}}

Reply: ``{"id", "ok": true, "seq": n, "result": {...}}`` or
``{"id", "ok": false, "error": code, "message": text}`` where ``code`` is one of ``invalid``,
``forbidden``, ``conflict``, ``not_found``, ``stale``, ``unavailable``.

``type`` is a command's wire name (:data:`dispatch.domain.commands.COMMAND_TYPES`) or a query
(:data:`QUERY_TYPES`). The envelope, a command's arguments (against the command's
dataclass), a query's arguments and a reply are checked by pydantic in strict mode
(:mod:`dispatch.adapters.protocol.strict`): no unknown or missing names, no wrong JSON types
(lists become tuples), no NaN or infinity; the message names the argument, what it must be and
what it was.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Annotated, Any, ClassVar, Required

import orjson
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    with_config,
)
from pydantic_core import ErrorDetails, PydanticCustomError
from typing_extensions import TypedDict  # pydantic takes only this one before 3.12

from dispatch.adapters.protocol.strict import command_adapter, invalid, spec_adapter, wire_message
from dispatch.domain.commands import COMMAND_TYPES
from dispatch.domain.errors import ERROR_CODES, DispatchError, Forbidden, InvalidCommand
from dispatch.domain.roles import WIRE_TEST_LEVERS
from dispatch.domain.validation import MAX_ID_CHARS, id_problem, text_problem

MAX_MESSAGE_BYTES = 1 << 20  # inbound limit on every server socket (ZMQ_MAXMSGSIZE too)
MAX_REPLY_BYTES = 16 << 20  # clients accept replies up to this size (history pages)
MAX_SESSION_CHARS = 256

QUERY_TYPES = frozenset({"login", "logout", "whoami", "ping", "history", "recommend",
                         "duplicates", "city", "audit", "geocode", "basemap",
                         "contacts", "run_cards", "hazards", "evaluation",
                         "state_at", "evaluation_cases"})
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


def _plain_id(rid: str) -> str:
    problem = id_problem(rid)
    if problem is not None:  # not echoed back: the reply's id would carry it
        raise PydanticCustomError("wire", "{message}", {"message": f"'id' {problem}"})
    return rid


def _known_type(rtype: str, info: ValidationInfo) -> str:
    if rtype not in COMMAND_TYPES and rtype not in QUERY_TYPES:
        raise PydanticCustomError("wire", "{message}",
                                  {"message": f"unknown request type {rtype[:40]!r}"})
    if rtype in WIRE_TEST_LEVERS and not (info.context or {}).get("test_levers"):
        raise PydanticCustomError("wire", "{message}", {"message": _lever_refused(rtype)})
    return rtype


@with_config(ConfigDict(strict=True, extra="forbid"))
class _Envelope(TypedDict, total=False):
    id: Required[Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS),
                           AfterValidator(_plain_id)]]
    type: Required[Annotated[str, AfterValidator(_known_type)]]
    session: Annotated[str, Field(max_length=MAX_SESSION_CHARS)] | None
    expected_version: Annotated[int, Field(ge=0)] | None
    args: dict[str, Any] | None


_ENVELOPE = TypeAdapter(_Envelope)
_ENVELOPE_WORDS = {"session": "'session' must be a string",
                   "expected_version": "'expected_version' must be a non-negative integer or null",
                   "args": "'args' must be a JSON object"}


def _bad_envelope(d: Any, err: ValidationError) -> BadRequest:
    """The first of the envelope's problems in this order: not an object; the id (then
    unechoed); unknown fields; the type; the session, the expected version, the args."""
    wrong: dict[str, ErrorDetails] = {}
    for e in err.errors(include_url=False):
        wrong.setdefault(str(e["loc"][0]) if e["loc"] else "", e)
    if "" in wrong:
        return BadRequest("request must be a JSON object")
    if "id" in wrong:
        e = wrong["id"]
        return BadRequest(e["msg"] if e["type"] == "wire" else
                          f"'id' must be a string of 1 to {MAX_ID_CHARS} characters")
    rid: str = d["id"]
    extra = sorted(k for k, e in wrong.items() if e["type"] == "extra_forbidden")
    if extra:
        return BadRequest(f"unknown request field(s): {', '.join(extra)}", rid)
    if "type" in wrong:
        e = wrong["type"]
        return BadRequest(e["msg"] if e["type"] == "wire" else
                          f"unknown request type {str(d.get('type'))[:40]!r}", rid)
    return BadRequest(next((words for name, words in _ENVELOPE_WORDS.items() if name in wrong),
                           "malformed request"), rid)


def parse_request(raw: bytes, *, test_levers: bool = False) -> Request:
    """Parse and check the envelope of a request; BadRequest says what is wrong. The test
    levers (:data:`~dispatch.domain.roles.WIRE_TEST_LEVERS`) are refused unless ``test_levers``."""
    if len(raw) > MAX_MESSAGE_BYTES:
        raise BadRequest(f"request of {len(raw)} bytes exceeds {MAX_MESSAGE_BYTES}")
    try:
        d = loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise BadRequest(f"request is not JSON: {str(exc)[:120]}") from None
    try:
        env = _ENVELOPE.validate_python(d, context={"test_levers": test_levers} if
                                        test_levers else None)
    except ValidationError as err:
        raise _bad_envelope(d, err) from None
    rid, rtype, args = env["id"], env["type"], env.get("args") or {}
    if rtype == "login":
        _check_login_args(args, rid)
    return Request(id=rid, type=rtype, session=env.get("session") or "",
                   expected_version=env.get("expected_version"), args=args)


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

ID_ARGS = frozenset({"incident_id", "unit_id", "duplicate_of", "part_id", "external_ref",
                     "home_grid", "class_code", "department", "lead_department", "unit_type",
                     "units", "assist_departments", "add_departments"})
"""Command arguments that are ids (or lists of ids): plain names, checked at the wire (an
empty string passes: the handler says whether the argument is required). The unit ids of a
``positions`` row are checked too."""


_ID_FIELDS: dict[type[Any], tuple[str, ...]] = {}


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
    """The command dataclass for wire ``type_name`` from JSON ``args``, checked strictly
    (:mod:`~dispatch.adapters.protocol.strict`), then its ids; the test levers (``clock``,
    ``archive``) are refused unless ``test_levers``."""
    cls = COMMAND_TYPES.get(type_name)
    if cls is None:
        raise InvalidCommand(f"unknown command {type_name!r}")
    if type_name in WIRE_TEST_LEVERS and not test_levers:
        raise InvalidCommand(_lever_refused(type_name))
    try:
        command = command_adapter(cls).validate_python(args)
    except ValidationError as err:
        raise invalid(err, type_name) from None
    id_fields = _ID_FIELDS.get(cls)
    if id_fields is None:
        id_fields = _ID_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls)
                                            if f.name in ID_ARGS or f.name == "rows")
    for name in id_fields:
        _check_ids(type_name, name, getattr(command, name))
    return command


def command_args(command: Any) -> dict[str, Any]:
    """The JSON arguments of a command dataclass (tuples become lists through JSON)."""
    return {f.name: getattr(command, f.name) for f in dataclasses.fields(command)}


def take_args(args: dict[str, Any], spec: dict[str, tuple[Any, Any]], what: str
              ) -> dict[str, Any]:
    """Check query ``args`` against ``{name: (type, default)}`` as strictly as a command's; a
    default of ``...`` means required, and ``null`` means the default. Unknown names are
    refused like for commands."""
    given = {k: v for k, v in args.items() if v is not None or k not in spec}
    try:
        checked = spec_adapter(what, spec).validate_python(given)
    except ValidationError as err:
        raise invalid(err, what) from None
    return {name: checked.get(name, default) for name, (_, default) in spec.items()}


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


@with_config(ConfigDict(strict=True, extra="ignore"))
class _ReplyShape(TypedDict, total=False):
    id: str | None
    ok: Required[bool]
    seq: int | None
    result: dict[str, Any] | None
    error: str | None
    message: str | None
    relogin: bool | None


_REPLY = TypeAdapter(_ReplyShape)


def parse_reply(raw: bytes) -> Reply:
    """A reply, checked as strictly as a request (fields a newer server adds are skipped); a
    ValueError says what is wrong."""
    try:
        d = _REPLY.validate_python(loads(raw))
    except ValidationError as err:
        raise ValueError(f"not a reply: {wire_message(err, 'reply', noun='field')}") from None
    if d["ok"]:
        return Reply(id=d.get("id"), ok=True, seq=d.get("seq") or 0, result=d.get("result") or {})
    return Reply(id=d.get("id"), ok=False, error=d.get("error") or "invalid",
                 message=d.get("message") or "", relogin=bool(d.get("relogin")))
