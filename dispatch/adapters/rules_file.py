"""The clock rules file (``resources/rules.json`` or ``--rules``), read and checked.

Its shape is a strict pydantic model; a problem is a :class:`RuleError` whose message names the
rule (``rule 'handle-late'``, or ``rule #3`` without an id) and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from dispatch.domain.citizen_loop import UrgeRule
from dispatch.domain.handlers import CLOCK_STAGES
from dispatch.domain.rules import MAX_RULE_ID, Rule, RuleError, RuleSet
from dispatch.domain.status import EscalationLevel

__all__ = ["DEFAULT_RULES", "load_rules", "parse_rules"]

DEFAULT_RULES = Path(__file__).resolve().parents[2] / "resources" / "rules.json"

# What each field must be, as the user reads it when it is not.
_FIELD_MESSAGES = {
    "id": f"id must be text of 1 to {MAX_RULE_ID} characters",
    "stage": f"stage must be one of {', '.join(CLOCK_STAGES)} or *",
    "condition": "condition must be near_due or overdue",
    "action": "action must be one of supervise, escalate",
    "margin_minutes": "margin_minutes must be a number ≥ 0 or a list of them",
    "text": "text (the note or reason written on the incident) is required",
    "max_level": "max_level must be community, street, district or city",
    "comment": "comment must be text",
    "near_due_fraction": "near_due_fraction must be a number between 0 and 1",
    "raise_clock_events": "raise_clock_events must be true or false",
    "rules": "rules must be a list",
    "urge_rules": "urge_rules must be a list",
    "urges": "urges must be a whole number ≥ 1",
}


def _stage(value: Any) -> str:
    if value == "*" or value in CLOCK_STAGES:
        return str(value)
    raise ValueError(value)


def _max_level(value: Any) -> EscalationLevel:
    if isinstance(value, str) and value.upper() in EscalationLevel.__members__:
        return EscalationLevel[value.upper()]
    raise ValueError(value)


def _fraction(value: Any) -> float:
    if not isinstance(value, bool) and isinstance(value, int | float) and 0 < value < 1:
        return float(value)
    raise ValueError(value)


Margin = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class _RawRule(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=MAX_RULE_ID)]
    stage: Annotated[str, PlainValidator(_stage)]
    condition: Literal["near_due", "overdue"]
    margin_minutes: Margin | Annotated[list[Margin], Field(min_length=1)] = 0.0
    action: Literal["supervise", "escalate"]
    text: Annotated[str, Field(min_length=1)]
    max_level: Annotated[EscalationLevel, PlainValidator(_max_level)] = EscalationLevel.CITY
    comment: str = ""

    @model_validator(mode="after")
    def _margins(self) -> _RawRule:
        margins = self.margins
        if margins != sorted(margins):
            raise PydanticCustomError("rule", "the escalation margins must increase")
        if self.action == "supervise" and len(margins) != 1:
            raise PydanticCustomError("rule", "supervise takes one margin")
        if not self.text.strip():
            raise PydanticCustomError("rule", _FIELD_MESSAGES["text"])
        return self

    @property
    def margins(self) -> list[float]:
        m = self.margin_minutes
        return [float(x) for x in m] if isinstance(m, list) else [float(m)]

    def build(self) -> Rule:
        return Rule(self.id, self.stage, self.condition,
                    tuple(m * 60.0 for m in self.margins), self.action, self.text.strip(),
                    self.max_level)


class _RawUrgeRule(BaseModel):
    """After ``urges`` repeat calls (催办) on an open case: raise its priority one step, or
    supervise it."""

    model_config = ConfigDict(strict=True, extra="forbid")

    id: Annotated[str, Field(min_length=1, max_length=MAX_RULE_ID)]
    urges: Annotated[int, Field(ge=1)]
    action: Literal["raise_priority", "supervise"]
    text: Annotated[str, Field(min_length=1)]
    comment: str = ""

    def build(self) -> UrgeRule:
        if not self.text.strip():
            raise RuleError(_FIELD_MESSAGES["text"])
        return UrgeRule(self.id, self.urges, self.action, self.text.strip())


class _RawRules(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    comment: str = ""
    near_due_fraction: Annotated[float, PlainValidator(_fraction)] = 0.8
    raise_clock_events: bool = True
    rules: list[Any] = []
    urge_rules: list[Any] = []


def _message(exc: ValidationError) -> str:
    """The problems of one rule (or of the file's top level), one phrase each."""
    unknown = sorted(str(e["loc"][0]) for e in exc.errors() if e["type"] == "extra_forbidden")
    parts = [f"unknown field(s) {', '.join(unknown)}"] if unknown else []
    for error in exc.errors():
        if error["type"] == "extra_forbidden":
            continue
        field = str(error["loc"][0]) if error["loc"] else ""
        text = error["msg"] if error["type"] == "rule" else _FIELD_MESSAGES.get(
            field, f"{field}: {error['msg']}")
        if text not in parts:
            parts.append(text)
    return "; ".join(parts)


def parse_rules(data: Any) -> RuleSet:
    """The rule set in ``data`` (the parsed rules file); :class:`RuleError` if it is malformed."""
    if not isinstance(data, dict):
        raise RuleError("the rules file must hold a JSON object")
    try:
        top = _RawRules.model_validate(data, strict=True)
    except ValidationError as exc:
        raise RuleError(_message(exc)) from None
    rules: list[Rule] = []
    for i, raw in enumerate(top.rules):
        if not isinstance(raw, dict):
            raise RuleError(f"rule #{i + 1} must be an object")
        rid = raw.get("id")
        where = f"rule {rid!r}" if isinstance(rid, str) else f"rule #{i + 1}"
        try:
            rules.append(_RawRule.model_validate(raw, strict=True).build())
        except ValidationError as exc:
            raise RuleError(f"{where}: {_message(exc)}") from None
    urge_rules: list[UrgeRule] = []
    for i, raw in enumerate(top.urge_rules):
        if not isinstance(raw, dict):
            raise RuleError(f"urge rule #{i + 1} must be an object")
        rid = raw.get("id")
        where = f"urge rule {rid!r}" if isinstance(rid, str) else f"urge rule #{i + 1}"
        try:
            urge_rules.append(_RawUrgeRule.model_validate(raw, strict=True).build())
        except ValidationError as exc:
            raise RuleError(f"{where}: {_message(exc)}") from None
        except RuleError as exc:
            raise RuleError(f"{where}: {exc}") from None
    ids = [r.id for r in rules] + [r.id for r in urge_rules]
    if len(set(ids)) != len(ids):
        raise RuleError("rule ids must be unique")
    return RuleSet(tuple(rules), top.near_due_fraction, top.raise_clock_events,
                   tuple(sorted(urge_rules, key=lambda r: r.urges)))


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
