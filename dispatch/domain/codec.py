"""One codec per record shape, derived from the dataclass's fields and their annotations.

A :class:`RecordCodec` reads ``dataclasses.fields()`` and the resolved type of each field once,
when it is made (at import time, next to the dataclass), and compiles small functions for that
shape alone, so that adding a field to a record changes every encoding of it at once and none
can drop it. The shapes of a record value:

- **JSON** (the feed's bodies, the events table, the history query): an object with one key
  per field, in field order. Enums are written by value; tuples are arrays; a record inside a
  record (an incident's notes) is an array of its fields in order; ``None`` is ``null``.
- **row** (snapshots): the tuple of the field values in order, enums as themselves; a record
  inside a record is the tuple of its fields.
- **clone**: a new record with the same field values (the positional constructor: three times
  faster than ``copy.copy``). Record fields hold only immutable values, so a clone is a full,
  independent copy.

The compiled functions spell the field names out as literals (what a hand-written codec would
do), which keeps the feed's hottest call, a unit's JSON body, at the cost of a literal dict.
Decoding a complete JSON object takes the compiled path; anything else (a partial object, a
wrong value) goes through the checked per-field path, which fills in defaults and raises
``ValueError``/``TypeError`` for what it cannot read.

Supported field types: ``str``, ``int``, ``float``, ``bool``, ``Any``, enums, ``X | None``,
``tuple[X, ...]``, fixed-length ``tuple[X, Y]`` and dataclasses (nested records), nested in
any combination. Any other annotation is refused when the codec is made, so a new kind of
field cannot be encoded by accident.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import types
import typing
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import orjson

R = TypeVar("R")

_PLAIN: tuple[Any, ...] = (str, int, float, bool, type(None), Any)


class _Gen:
    """Source text and the namespace it runs in: objects the code names, fresh variables."""

    def __init__(self) -> None:
        self.ns: dict[str, Any] = {}
        self._n = 0

    def bind(self, obj: Any) -> str:
        for name, value in self.ns.items():
            if value is obj:
                return name
        name = f"_o{len(self.ns)}"
        self.ns[name] = obj
        return name

    def var(self) -> str:
        self._n += 1
        return f"_v{self._n}"


def _hints(cls: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _record_fields(cls: type[Any]) -> list[tuple[str, Any]]:
    hints = _hints(cls)
    return [(f.name, hints[f.name]) for f in dataclasses.fields(cls)]


def _optional_of(tp: Any) -> Any | None:
    """``X`` for ``X | None``; None for any other type. Other unions have no plan."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if len(args) != 1 or len(typing.get_args(tp)) != 2:
        raise TypeError(f"the record codec has no plan for the union {tp!r}")
    return args[0]


def _tuple_args(tp: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(tp) is not tuple:
        return None
    return typing.get_args(tp)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _is_record(tp: Any) -> bool:
    return isinstance(tp, type) and dataclasses.is_dataclass(tp)


def _no_plan(tp: Any) -> TypeError:
    return TypeError(f"the record codec has no plan for fields of type {tp!r}")


def _check(tp: Any) -> None:
    """Refuse a type no codec plan covers (the generators below assume this passed)."""
    if tp in _PLAIN or _is_enum(tp):
        return
    inner = _optional_of(tp)
    if inner is not None:
        _check(inner)
        return
    args = _tuple_args(tp)
    if args is not None:
        if not args or args == ((),):
            raise _no_plan(tp)
        for a in (args[:1] if len(args) == 2 and args[1] is Ellipsis else args):
            _check(a)
        return
    if _is_record(tp):
        for _, t in _record_fields(tp):
            _check(t)
        return
    raise _no_plan(tp)


def _items(g: _Gen, tp: Any, src: str, each: Callable[[_Gen, Any, str], str | None],
           out: str) -> str | None:
    """A tuple's elements through ``each``; ``out`` is "[]" for a list, "()" for a tuple."""
    args = _tuple_args(tp)
    assert args is not None
    if len(args) == 2 and args[1] is Ellipsis:
        v = g.var()
        inner = each(g, args[0], v)
        if inner is None:
            return None
        return f"[{inner} for {v} in {src}]" if out == "[]" else \
            f"tuple([{inner} for {v} in {src}])"
    parts = [each(g, a, f"{src}[{i}]") for i, a in enumerate(args)]
    if all(p is None for p in parts):
        return None
    body = ", ".join(p or f"{src}[{i}]" for i, p in enumerate(parts))
    return f"[{body}]" if out == "[]" else f"({body},)"


# Each generator returns the source of an expression converting ``src``, or None when the
# value passes unchanged.

def _json_out(g: _Gen, tp: Any, src: str, *, enums: bool = True) -> str | None:
    """``enums=False`` leaves enum members as they are: orjson writes them by value, and
    ``member.value`` (a Python-level property) would cost a fifth of a unit's body."""
    if tp in _PLAIN:
        return None
    if _is_enum(tp):
        return f"{src}.value" if enums else None
    inner = _optional_of(tp)
    if inner is not None:
        e = _json_out(g, inner, src, enums=enums)
        return None if e is None else f"(None if {src} is None else {e})"

    def each(g: _Gen, t: Any, s: str) -> str | None:
        return _json_out(g, t, s, enums=enums)

    if _tuple_args(tp) is not None:
        return _items(g, tp, src, each, "[]")
    fields = _record_fields(tp)
    return "[" + ", ".join(_json_out(g, t, f"{src}.{n}", enums=enums) or f"{src}.{n}"
                           for n, t in fields) + "]"


def _json_in(g: _Gen, tp: Any, src: str, *, fast: bool) -> str | None:
    if tp in _PLAIN:
        return None
    if _is_enum(tp):
        if fast:  # a dict lookup (KeyError for a foreign value: the checked path says more)
            return f"{g.bind({m.value: m for m in tp})}[{src}]"
        return f"{g.bind(tp)}({src})"
    inner = _optional_of(tp)
    if inner is not None:
        e = _json_in(g, inner, src, fast=fast)
        return None if e is None else f"(None if {src} is None else {e})"

    def each(g: _Gen, t: Any, s: str) -> str | None:
        return _json_in(g, t, s, fast=fast)

    if _tuple_args(tp) is not None:
        e = _items(g, tp, src, each, "()")
        return f"tuple({src})" if e is None else e
    fields = _record_fields(tp)
    parts = [_json_in(g, t, f"{src}[{i}]", fast=fast) for i, (_, t) in enumerate(fields)]
    if all(p is None for p in parts):
        return f"{g.bind(tp)}(*{src})"
    return f"{g.bind(tp)}(" + ", ".join(p or f"{src}[{i}]" for i, p in enumerate(parts)) + ")"


def _row_out(g: _Gen, tp: Any, src: str, share: str | None = None) -> str | None:
    """``share``: the name of a function every text of the record and of the records inside
    it goes through (texts inside tuples of plain values are left as they are)."""
    if tp is str:
        return f"{share}({src})" if share else None
    if tp in _PLAIN or _is_enum(tp):
        return None
    inner = _optional_of(tp)
    if inner is not None:
        e = _row_out(g, inner, src, share)
        return None if e is None else f"(None if {src} is None else {e})"

    def each(g: _Gen, t: Any, s: str) -> str | None:
        return _row_out(g, t, s, share if _is_record(t) else None)

    if _tuple_args(tp) is not None:
        return _items(g, tp, src, each, "()")
    fields = _record_fields(tp)
    return "(" + ", ".join(_row_out(g, t, f"{src}.{n}", share) or f"{src}.{n}"
                           for n, t in fields) + ",)"


def _row_in(g: _Gen, tp: Any, src: str) -> str | None:
    if tp in _PLAIN or _is_enum(tp):
        return None
    inner = _optional_of(tp)
    if inner is not None:
        e = _row_in(g, inner, src)
        return None if e is None else f"(None if {src} is None else {e})"
    if _tuple_args(tp) is not None:
        return _items(g, tp, src, _row_in, "()")
    fields = _record_fields(tp)
    parts = [_row_in(g, t, f"{src}[{i}]") for i, (_, t) in enumerate(fields)]
    if all(p is None for p in parts):
        return f"{g.bind(tp)}(*{src})"
    return f"{g.bind(tp)}(" + ", ".join(p or f"{src}[{i}]" for i, p in enumerate(parts)) + ")"


def _positional(parts: list[str | None], src: str) -> str:
    """Constructor arguments from ``src``'s items, unchanged runs as ``*src[a:b]``."""
    out: list[str] = []
    i = 0
    while i < len(parts):
        if parts[i] is not None:
            out.append(typing.cast(str, parts[i]))
            i += 1
            continue
        j = i
        while j < len(parts) and parts[j] is None:
            j += 1
        if j - i == 1:
            out.append(f"{src}[{i}]")
        else:
            out.append(f"*{src}[{i}:{j}]" if i or j < len(parts) else f"*{src}")
        i = j
    return ", ".join(out)


class RecordCodec(Generic[R]):
    """Encoders and decoders of one record dataclass, compiled from its fields.

    ``strict``: :meth:`from_dict` passes unknown keys on to the constructor, which refuses
    them with ``TypeError`` (event payloads); otherwise unknown keys are ignored (record
    bodies, which a newer server may extend)."""

    def __init__(self, cls: type[R], *, strict: bool = False) -> None:
        if not _is_record(cls):
            raise TypeError(f"{cls!r} is not a dataclass")
        self.cls = cls
        self.strict = strict
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        hints = _hints(cls)
        self.names: tuple[str, ...] = tuple(f.name for f in fields)
        """The field names, in order: the keys of the JSON object, the items of a row."""
        self.types: tuple[Any, ...] = tuple(hints[f.name] for f in fields)
        for t in self.types:
            _check(t)

        g = _Gen()
        c = g.bind(cls)
        g.ns["_dumps"] = orjson.dumps
        g.ns["_checked"] = self.from_dict
        named = list(zip(self.names, self.types, strict=True))

        def literal(enums: bool) -> str:
            return "{" + ", ".join(f"{n!r}: {_json_out(g, t, f'r.{n}', enums=enums) or f'r.{n}'}"
                                   for n, t in named) + "}"

        fast_in = [_json_in(g, t, f"d[{n!r}]", fast=True) or f"d[{n!r}]" for n, t in named]
        row_out = [_row_out(g, t, f"r.{n}") or f"r.{n}" for n, t in named]
        row_shared = [_row_out(g, t, f"r.{n}", "s") or f"r.{n}" for n, t in named]
        row_in = [_row_in(g, t, f"t[{i}]") for i, t in enumerate(self.types)]
        json_row_in = [_json_in(g, t, f"t[{i}]", fast=True) for i, t in enumerate(self.types)]
        src = [
            f"def to_dict(r):\n    return {literal(True)}\n",
            f"def to_json(r):\n    return _dumps({literal(False)})\n",
            f"def to_row(r):\n    return ({', '.join(row_out)},)\n",
            f"def to_row_sharing(r, s):\n    return ({', '.join(row_shared)},)\n",
            f"def from_row(t):\n    return {c}({_positional(row_in, 't')})\n",
            f"def from_rows(rows):\n    return [{c}({_positional(row_in, 't')}) for t in rows]\n",
            f"def from_json_rows(rows):\n"
            f"    return [{c}({_positional(json_row_in, 't')}) for t in rows]\n",
            f"def from_json_dict(d):\n"
            f"    if len(d) == {len(named)}:\n"
            f"        try:\n"
            f"            return {c}({', '.join(fast_in)})\n"
            f"        except (KeyError, TypeError, ValueError):\n"
            f"            pass\n"
            f"    return _checked(d)\n",
            f"def clone(r):\n    return {c}({', '.join(f'r.{n}' for n in self.names)})\n",
        ]
        ns = g.ns
        exec(compile("\n".join(src), f"<record codec {cls.__qualname__}>", "exec"), ns)
        self.to_dict: Callable[[R], dict[str, Any]] = ns["to_dict"]
        """The record as a JSON-ready dict (enums by value, inner records as lists)."""
        self.to_json: Callable[[R], bytes] = ns["to_json"]
        """``orjson.dumps(to_dict(r))``, at the cost of one literal dict."""
        self.to_row: Callable[[R], tuple[Any, ...]] = ns["to_row"]
        """The record as the tuple of its field values (inner records as tuples)."""
        self.to_row_sharing: Callable[[R, Callable[[str], str]], tuple[Any, ...]] = \
            ns["to_row_sharing"]
        """:meth:`to_row` with every text of the record (and of the records inside it, not of
        tuples of plain values) passed through a function: a snapshot shares repeated ones."""
        self.from_row: Callable[[tuple[Any, ...]], R] = ns["from_row"]
        """The record a :meth:`to_row` tuple holds."""
        self.from_rows: Callable[[Iterable[tuple[Any, ...]]], list[R]] = ns["from_rows"]
        """``[from_row(t) for t in rows]``, without a call per row (a snapshot's records)."""
        self.from_json_rows: Callable[[Iterable[list[Any]]], list[R]] = ns["from_json_rows"]
        """The records of rows that went through JSON (enums as values, inner records and
        tuples as arrays: ``orjson.loads(orjson.dumps(to_row(r)))``), compiled like
        :meth:`from_json_dict`'s fast path; a row not of this shape raises ``KeyError``,
        ``IndexError``, ``TypeError`` or ``ValueError``."""
        self.from_json_dict: Callable[[dict[str, Any]], R] = ns["from_json_dict"]
        """The record a JSON object holds: the compiled path for a complete object, the
        checked one (:meth:`from_dict`) for anything else."""
        self.clone: Callable[[R], R] = ns["clone"]
        """A new record equal to the given one (its fields are immutable values)."""
        if not all(f.init for f in fields) or hasattr(cls, "__post_init__"):
            # the constructor does not take every field, or may change one
            self.clone = copy.copy
        self._converters: tuple[tuple[str, Callable[[Any], Any]], ...] = tuple(
            (n, typing.cast(Callable[[Any], Any], eval(f"lambda v: {e}", ns)))
            for n, t in named if (e := _json_in(g, t, "v", fast=False)) is not None)

    def from_dict(self, d: dict[str, Any]) -> R:
        """The record a JSON object (or a :meth:`to_dict`) holds, field by field: missing
        fields take their defaults; a value not of its field's shape raises ``ValueError``
        or ``TypeError``."""
        if self.strict:
            if not self._converters:
                return self.cls(**d)
            kw = dict(d)
        else:
            kw = {n: d[n] for n in self.names if n in d}
        for name, conv in self._converters:
            if name in kw:
                kw[name] = conv(kw[name])
        return self.cls(**kw)
