"""The copy-on-write rule of replay's states (:mod:`dispatch.services.replay.cow`): a state
derived from a checkpoint shares the checkpoint's records and copies one only when it is
fetched with ``[]``, so **the projection may change a record only after fetching it with
``[]``**. A projection that changed a record reached with ``.get``, ``in``, ``values()`` or
iteration would silently change every checkpoint sharing it, and replay would stop being exact
(only for the seeks that start from that checkpoint, which is hard to notice).

These tests run every event kind of a recorded scenario through the projection on derived
states and fail, naming the event, if a record shared with the frozen checkpoint changed."""

from __future__ import annotations

import dataclasses
import operator
import random
from collections.abc import Callable
from typing import Any

from dispatch.domain import events as ev
from dispatch.domain.events import Event
from dispatch.domain.projection import apply
from dispatch.domain.state import DispatchState
from dispatch.services.replay import derive, freeze
from tests.domain.replay_scenario import Recorded, recorded_fixture

recorded = recorded_fixture("replay_cow")

Step = Callable[[DispatchState, Event], object]
Image = dict[tuple[str, str], tuple[Any, tuple[Any, ...]]]


_GETTERS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def _fields(rec: Any) -> tuple[Any, ...]:
    """The fields of a record, records inside it (an incident's notes) as tuples too."""
    get = _GETTERS.get(type(rec))
    if get is None:
        get = _GETTERS[type(rec)] = operator.attrgetter(
            *(f.name for f in dataclasses.fields(rec)))
    return tuple(tuple(_fields(x) if dataclasses.is_dataclass(x) else x for x in v)
                 if type(v) is tuple and v else v for v in get(rec))


def _image(state: DispatchState) -> Image:
    """Every record of ``state``: the object itself and a deep copy of its fields."""
    out: Image = {}
    for name, records in (("incident", state.incidents), ("unit", state.units)):
        for key, rec in records.items():  # (no copies: only [] copies)
            out[(name, key)] = (rec, _fields(rec))
    return out


def _changed(image: Image) -> list[str]:
    """The records of an image whose fields are no longer what they were."""
    out = []
    for (name, key), (rec, fields) in image.items():
        now = _fields(rec)
        if now != fields:
            names = [f.name for f in dataclasses.fields(rec)]
            diff = [n for n, a, b in zip(names, fields, now, strict=True) if a != b]
            out.append(f"{name} {key} ({', '.join(diff)})")
    return out


def shared_record_changes(events: list[Event], step: Step, *, seed: int = 5,
                          single_steps: int = 12) -> tuple[list[str], dict[str, int]]:
    """Replay ``events`` as the replayer does (a frozen checkpoint, a derived state that
    ``step`` applies events to, a new checkpoint now and then) and after each stretch check
    that no record of the checkpoint changed. Returns the violations (naming the first event
    of the stretch that changed a shared record) and, by event kind, how many events were
    applied to a state whose every record was still shared (the strictest case)."""
    rng = random.Random(seed)
    plain = DispatchState()
    for e in events[:1]:
        apply(plain, e)
    state = derive(plain)
    checkpoint = freeze(state)
    image = _image(checkpoint)
    fresh_checks: dict[str, int] = {}
    problems: list[str] = []
    stretch: list[Event] = []

    def close_stretch() -> None:
        nonlocal checkpoint, image, state
        bad = _changed(image)
        if bad:
            # Go on from a sound state rebuilt from the events (this one shares damaged
            # records); a stretch of one event names the event.
            problems.append(f"events {stretch[0].seq}..{stretch[-1].seq} "
                            f"({', '.join(sorted({e.kind for e in stretch}))}) changed "
                            f"shared records: {'; '.join(bad[:5])}")
            state = derive(_rebuild(events, stretch[-1].seq))
        checkpoint = freeze(state)
        image = _image(checkpoint)
        stretch.clear()

    for e in events[1:]:
        strict = fresh_checks.get(e.kind, 0) < single_steps or rng.random() < 0.02
        if strict and stretch:
            close_stretch()
        if not stretch:
            fresh_checks[e.kind] = fresh_checks.get(e.kind, 0) + 1
        step(state, e)
        stretch.append(e)
        if strict or rng.random() < 1 / 32:
            close_stretch()
    if stretch:
        close_stretch()
    return problems, fresh_checks


def _rebuild(events: list[Event], seq: int) -> DispatchState:
    s = DispatchState()
    for e in events:
        if e.seq > seq:
            break
        apply(s, e)
    return s


def test_every_event_kind_changes_only_records_it_fetched_with_brackets(
        recorded: Recorded) -> None:
    events = list(recorded.store.read())
    assert {e.kind for e in events} == set(ev.PAYLOAD_TYPES), "the scenario lost an event kind"
    problems, fresh = shared_record_changes(events, apply)
    assert not problems, "the projection changed records shared with a checkpoint:\n" + \
        "\n".join(problems)
    # Every kind was applied at least a few times to a state sharing all its records.
    kinds_seen = {e.kind for e in events[1:]}
    assert set(fresh) == kinds_seen
    assert min(fresh.values()) >= min(3, min(
        sum(1 for e in events[1:] if e.kind == k) for k in kinds_seen))


def test_derived_states_end_equal_to_plain_ones(recorded: Recorded) -> None:
    """The copies the derived state makes are whole: replaying on copy-on-write states gives
    the very state the projection gives on plain ones."""
    events = list(recorded.store.read())
    plain = DispatchState()
    state = derive(DispatchState())
    for i, e in enumerate(events, start=1):
        apply(plain, e)
        apply(state, e)
        if i % 97 == 0:
            freeze(state)  # from now on every record is shared again
    plain.take_changes()
    state.take_changes()
    assert state == plain
    assert recorded.live[plain.seq] == plain


def test_a_projection_that_breaks_the_rule_is_caught(recorded: Recorded) -> None:
    """The check above can fail: a step that changes a record it read with ``.get`` (as a
    careless projection change would) is reported, naming the events."""
    events = list(recorded.store.read())
    noted = [i for i, e in enumerate(events) if e.kind == ev.IncidentNoted.KIND]
    events = events[:noted[min(20, len(noted) - 1)] + 1]

    def careless(state: DispatchState, e: Event) -> None:
        if e.kind == ev.IncidentNoted.KIND:
            p: Any = e.payload
            inc = state.incidents.get(p.incident_id)
            if inc is not None:
                inc.version += 1  # not fetched with []: the checkpoint's record, if shared
        apply(state, e)

    problems, _ = shared_record_changes(events, careless)
    assert problems
    assert all(ev.IncidentNoted.KIND in p and "(version)" in p for p in problems)
