"""The clock rules file (``resources/rules.json`` or ``--rules``), read and checked."""

from __future__ import annotations

import json
from pathlib import Path

from dispatch.domain.rules import RuleError, RuleSet, parse_rules

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "resources" / "rules.json"


def load_rules(path: Path | None = None) -> RuleSet:
    p = path or DEFAULT_RULES
    try:
        data = json.loads(Path(p).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuleError(f"cannot read rules from {p}: {exc}") from exc
    try:
        return parse_rules(data)
    except RuleError as exc:
        raise RuleError(f"{p}: {exc}") from None
