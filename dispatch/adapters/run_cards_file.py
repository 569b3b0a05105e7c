"""The default run cards shipped in ``resources/catalogue/run_cards.json``, as the commands that
set them (each is validated by its handler against the catalogue when the city is seeded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from dispatch.adapters.catalogue_loader import default_catalogue_dir
from dispatch.domain import commands as cmd

FILE_NAME = "run_cards.json"


def read_run_cards(path: Path | None = None) -> list[cmd.SetRunCard]:
    """The cards of ``path`` (the shipped file by default) as ``set_run_card`` commands;
    ValueError naming the file and the entry if one is malformed."""
    path = path or default_catalogue_dir() / FILE_NAME
    try:
        raw: Any = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read ({exc})") from None
    out: list[cmd.SetRunCard] = []
    for i, c in enumerate(raw.get("run_cards", []) if isinstance(raw, dict) else ()):
        try:
            lines = tuple((str(d), str(t), int(n)) for d, t, n in c["lines"])
            out.append(cmd.SetRunCard(str(c["class_code"]), lines, str(c.get("priority", ""))))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: run card {i + 1} is malformed ({exc})") from None
    return out
