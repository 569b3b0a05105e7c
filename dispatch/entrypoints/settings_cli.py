"""A command line generated from the :class:`~dispatch.adapters.settings.Settings` model, so
an option is defined once (its type, its help, its default) and the CLIs cannot drift from it.

A field ``time_speed`` is ``--time-speed`` (``json_schema_extra={"cli": "--name"}`` names it
otherwise); its type gives argparse's (``Literal`` gives choices); a bool that defaults to
False is a ``store_true`` flag, one that defaults to True a ``--no-…`` flag. An option not
given is left out of the result, so the environment and the settings file still apply.
"""

from __future__ import annotations

import argparse
import types
import typing
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo


def option_name(name: str, info: FieldInfo) -> str:
    """The command-line option of a model field."""
    extra = info.json_schema_extra
    if isinstance(extra, Mapping) and isinstance(extra.get("cli"), str):
        return str(extra["cli"])
    flag = "--" + name.replace("_", "-")
    if info.annotation is bool and info.default is True:
        return "--no-" + flag[2:]
    return flag


def _scalar(annotation: Any) -> tuple[Any, list[Any] | None]:
    """(argparse type, choices) of a field's annotation (``X | None`` is ``X``)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _scalar(args[0])
        return str, None
    if origin is typing.Literal:
        choices = list(typing.get_args(annotation))
        return type(choices[0]), choices
    if annotation in (int, float, str, Path):
        return annotation, None
    return str, None


def add_settings_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup,
                         model: type[BaseModel], *, exclude: Collection[str] = (),
                         only: Collection[str] | None = None) -> None:
    """Add one option per field of ``model`` (``only`` those, except ``exclude``), keyed by
    field name."""
    for name, info in model.model_fields.items():
        if name in exclude or (only is not None and name not in only):
            continue
        flag = option_name(name, info)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, Mapping) else {}
        help_text = info.description
        if info.annotation is bool:
            on = info.default is True
            parser.add_argument(flag, dest=name, default=argparse.SUPPRESS,
                                help=f"turn off: {help_text}" if on and help_text else help_text,
                                action="store_false" if on else "store_true")
            continue
        kind, choices = _scalar(info.annotation)
        kwargs: dict[str, Any] = {"dest": name, "type": kind, "default": argparse.SUPPRESS,
                                  "help": help_text}
        if choices is not None:
            kwargs["choices"] = choices
        metavar = extra.get("metavar")
        if isinstance(metavar, str):
            kwargs["metavar"] = metavar
        elif choices is None:
            kwargs["metavar"] = flag[2:].upper().replace("-", "_")
        parser.add_argument(flag, **kwargs)


def given_settings(args: argparse.Namespace, model: type[BaseModel], *,
                   only: Collection[str] | None = None) -> dict[str, Any]:
    """The settings given on the command line (by field name), to pass to ``model(**…)``."""
    return {k: v for k, v in vars(args).items()
            if k in model.model_fields and (only is None or k in only)}
