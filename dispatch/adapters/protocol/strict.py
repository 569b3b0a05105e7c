"""Strict checks of decoded JSON with pydantic (v2, strict mode), and their errors in the
wire's words.

A command's arguments are validated by a TypedDict built once per command dataclass from the
dataclass's field types, straight into the dataclass (the domain's dataclasses know nothing of
pydantic); a query's arguments by one built once per argument spec. Strict means:

- ``str`` takes only text, ``bool`` only true or false, ``int`` only a whole number (not true,
  not 1.0) within ±2^53 (what every JSON reader keeps exactly), ``float`` any finite number (a
  whole number becomes a float; NaN and infinity are refused);
- a tuple takes only a list (a JSON array), item by item; a fixed tuple exactly its length;
- a union takes the first of its types that fits (``None`` for an optional);
- unknown names are refused, and every name without a default is required.

pydantic's strict Python mode wants a tuple object where its strict JSON mode takes an array;
the arguments arrive already decoded (orjson), so the tuple types alone are validated in
pydantic's lax mode, which for decoded JSON accepts exactly a list; their items stay strict.

:func:`wire_message` turns a :class:`~pydantic.ValidationError` into the one message a
dispatcher reads: the path of the argument, what it must be and what it was
(``positions.rows[3][1] must be a number, got text``).
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from collections.abc import Callable, Hashable
from typing import Annotated, Any, NotRequired

from pydantic import AfterValidator, ConfigDict, Field, Strict, TypeAdapter, ValidationError
from pydantic import WrapValidator as Wrap
from pydantic_core import ErrorDetails, PydanticCustomError
from typing_extensions import TypedDict  # pydantic takes only this one before 3.12

from dispatch.domain.errors import InvalidCommand

MAX_WIRE_INT = 2**53
"""Whole numbers beyond ±2^53 are refused: a JavaScript or float reader would round them."""

STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)

_ARRAY = Strict(False)  # a tuple from a decoded JSON array (the module's docstring)
_INT = Annotated[int, Field(ge=-MAX_WIRE_INT, le=MAX_WIRE_INT)]


def _one_error(value: Any, handler: Callable[[Any], Any]) -> Any:
    try:
        return handler(value)
    except ValidationError:  # not one error per member of the union: one for the argument
        raise PydanticCustomError("wrong_type", "has the wrong type") from None


def wire_type(tp: Any) -> Any:
    """The annotation that checks decoded JSON as the Python type ``tp`` (a field type of a
    command dataclass or a query argument: str, bool, int, float, tuples and unions of them,
    optional or not)."""
    if tp is int:
        return _INT
    if tp in (str, bool, float):
        return tp
    origin, targs = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple and len(targs) == 2 and targs[1] is Ellipsis:
        return Annotated[tuple[wire_type(targs[0]), ...], _ARRAY]  # type: ignore[misc]
    if origin is tuple and targs:
        return Annotated[tuple[tuple(map(wire_type, targs))], _ARRAY]  # type: ignore[misc]
    if origin in (typing.Union, types.UnionType):
        options = [wire_type(t) for t in targs if t is not type(None)]
        one: Any = options[0] if len(options) == 1 else Annotated[
            typing.Union[tuple(options)], Field(union_mode="left_to_right")]  # noqa: UP007
        if type(None) in targs:
            one = typing.Optional[one]  # noqa: UP045
        return Annotated[one, Wrap(_one_error)]
    raise TypeError(f"unsupported argument type {tp!r}")


def _shape(name: str, fields: dict[str, tuple[Any, bool]]) -> Any:
    """A TypedDict of ``{name: (type, required)}`` with the strict configuration."""
    make: Any = TypedDict  # built at run time: not a TypedDict a type checker can follow
    td = make(name, {n: wire_type(t) if required else NotRequired[wire_type(t)]
                     for n, (t, required) in fields.items()})
    td.__pydantic_config__ = STRICT
    return td


_COMMANDS: dict[type[Any], TypeAdapter[Any]] = {}
_SPECS: dict[Hashable, TypeAdapter[dict[str, Any]]] = {}


def command_adapter(cls: type[Any]) -> TypeAdapter[Any]:
    """The adapter (built once per class) that validates a command's JSON arguments into the
    command dataclass ``cls``."""
    adapter = _COMMANDS.get(cls)
    if adapter is None:
        hints = typing.get_type_hints(cls)
        fields = {f.name: (hints[f.name], f.default is dataclasses.MISSING
                           and f.default_factory is dataclasses.MISSING)
                  for f in dataclasses.fields(cls)}

        def build(kwargs: dict[str, Any]) -> Any:
            return cls(**kwargs)

        into: Any = Annotated[_shape(cls.__name__, fields), AfterValidator(build)]
        adapter = _COMMANDS[cls] = TypeAdapter(into)
    return adapter


def spec_adapter(what: str, spec: dict[str, tuple[Any, Any]]) -> TypeAdapter[dict[str, Any]]:
    """The adapter (built once per spec) for query arguments ``{name: (type, default)}``: a
    default of ``...`` makes the name required (the defaults are not filled in)."""
    key = (what, tuple(spec.items()))
    adapter = _SPECS.get(key)
    if adapter is None:
        shape = {name: (tp, default is ...) for name, (tp, default) in spec.items()}
        adapter = _SPECS[key] = TypeAdapter(_shape(f"{what}_args", shape))
    return adapter


# ------------------------------------------------------------------------- the messages

_MUST = {"string_type": "must be text", "bool_type": "must be true or false",
         "int_type": "must be a whole number", "float_type": "must be a number",
         "finite_number": "must be a finite number", "tuple_type": "must be a list",
         "list_type": "must be a list", "dict_type": "must be a JSON object",
         "wrong_type": "has the wrong type"}
_RANGE = ("less_than_equal", "greater_than_equal")


def json_kind(value: Any) -> str:
    """What a decoded JSON value is, in words (never the value itself: it may be long or
    carry control characters)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "infinity"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _path(root: str, loc: tuple[int | str, ...]) -> str:
    return root + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


def _length_error(errors: list[ErrorDetails], loc: tuple[int | str, ...]
                  ) -> tuple[tuple[int | str, ...], str] | None:
    """The fixed tuple at or around ``loc`` that has the wrong length, and what to say: a list
    of the wrong size is wrong as a whole, before any item in it."""
    for e in errors:
        at, kind = e["loc"], e["type"]
        if kind == "too_long":
            owner = at
            said = f"must have {e['ctx']['max_length']} items, got {e['ctx']['actual_length']}"
        elif kind == "missing" and len(at) > 1 and isinstance(at[-1], int):
            owner = at[:-1]  # one error per missing item: the last one says the size
            size = 1 + max(int(m["loc"][-1]) for m in errors
                           if m["type"] == "missing" and m["loc"][:-1] == owner)
            said = f"must have {size} items, got {len(e['input'])}"
        else:
            continue
        if loc[:len(owner)] == owner:
            return owner, said
    return None


def wire_message(err: ValidationError, root: str, noun: str = "argument") -> str:
    """The message for the arguments of ``root`` (a command or query name) that ``err`` refused:
    unknown names first (all of them), then the first argument in field order that is missing
    or wrong, and in it the first wrong item."""
    errors = err.errors(include_url=False)
    extra = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden")
    if extra:
        return f"{root}: unknown {noun}(s) {', '.join(extra)}"
    first = errors[0]
    loc, kind = first["loc"], first["type"]
    if kind == "missing" and len(loc) == 1:
        return f"{root}: missing {noun} {loc[0]!r}"
    length = _length_error(errors, loc)
    if length is not None:
        return f"{_path(root, length[0])} {length[1]}"
    if kind in _RANGE:
        return f"{_path(root, loc)} is out of range"
    must = _MUST.get(kind)
    if must is None:
        return f"{_path(root, loc)}: {first['msg']}"
    return f"{_path(root, loc)} {must}, got {json_kind(first['input'])}"


def invalid(err: ValidationError, root: str) -> InvalidCommand:
    return InvalidCommand(wire_message(err, root))
