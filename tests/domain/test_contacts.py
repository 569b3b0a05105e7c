"""Callers' phone numbers: kept with the incident in their own event and state, never in the
incident record; a bad number is refused and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.adapters.protocol.records import incident_body
from dispatch.adapters.store.snapshot_codec import decode_state, encode_state
from dispatch.domain import commands as cmd
from dispatch.domain import events as ev
from dispatch.domain.contacts import check_phone, contacts_of, event_visible, same_caller
from dispatch.domain.errors import InvalidCommand
from dispatch.domain.roles import Actor, Role
from dispatch.services.engine import DispatchEngine
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, WALL, grid_point, minor_with


def report(engine: DispatchEngine, phone: str, index: int = 0) -> str:
    lon, lat, _ = grid_point(engine, index)
    out = engine.execute(cmd.ReportIncident("hotline", minor_with(engine.catalogue), lon, lat,
                                            "燃气味很重", reporter="张女士", phone=phone),
                         DISPATCHER)
    return str(out.events[0].incident_id)


def test_the_phone_is_its_own_event_and_not_in_the_record(engine: DispatchEngine) -> None:
    iid = report(engine, "138-0013-8000")
    assert engine.state.contacts == {iid: "138-0013-8000"}
    inc = engine.state.incidents[iid]
    assert "13800138000" not in incident_body(inc).decode().replace("-", "")
    assert "phone" not in incident_body(inc).decode()
    # the copy, the snapshot and pickling keep it
    assert engine.state.copy().contacts == {iid: "138-0013-8000"}
    assert decode_state(encode_state(engine.state)).contacts == {iid: "138-0013-8000"}
    # a report without one makes no contact
    other = report(engine, "", 1)
    assert other not in engine.state.contacts


def test_a_bad_phone_is_refused_and_changes_nothing(engine: DispatchEngine) -> None:
    before = (engine.state.seq, len(engine.state.incidents))
    for bad in ("call me", "1" * 40, "<script>", "12"):
        with pytest.raises(InvalidCommand, match="phone"):
            report(engine, bad)
    assert (engine.state.seq, len(engine.state.incidents)) == before
    assert engine.state.contacts == {}
    assert check_phone(" +86 (512) 6522-1234 ") == "+86 (512) 6522-1234"


def test_who_may_see_them(engine: DispatchEngine) -> None:
    iid = report(engine, "13800138000")
    contact = ev.Event(1, 0.0, "x", "y", ev.CallerContactRecorded(iid, "13800138000"))
    assert event_visible(contact, DISPATCHER)
    assert event_visible(contact, LEAD)
    assert not event_visible(contact, WALL)
    assert not event_visible(contact, FIELD)
    assert contacts_of(engine.state, LEAD, [iid, "E999999"]) == {iid: "13800138000"}
    far = Actor("d2", Role.DISPATCHER, scope="999999")
    assert contacts_of(engine.state, far, [iid]) == {}  # outside the scope


def test_repeat_caller_by_digits(engine: DispatchEngine) -> None:
    a = report(engine, "138 0013 8000", 0)
    b = report(engine, "+86 13800138000", 2)
    report(engine, "13900000000", 3)
    assert set(same_caller(engine.state, LEAD, "13800138000")) == {a, b}
    assert same_caller(engine.state, LEAD, "123") == []


def test_archiving_drops_the_contact(engine: DispatchEngine, clock: Any) -> None:
    from dispatch.domain.roles import SYSTEM_ACTOR

    iid = report(engine, "13800138000")
    engine.execute(cmd.CancelIncident(iid, "误报"), DISPATCHER)
    clock.advance(60)
    engine.execute(cmd.ArchiveFinished(before=clock() - 1), SYSTEM_ACTOR)
    assert iid not in engine.state.incidents
    assert iid not in engine.state.contacts
