"""Login sessions: tokens map to the operator's Actor until they expire or are closed."""

from __future__ import annotations

import pytest

from dispatch.adapters.security.operators import Operator
from dispatch.adapters.security.sessions import SESSION_EXPIRED, SessionTable
from dispatch.domain.errors import Forbidden
from dispatch.domain.roles import Actor, Permission, Role
from tests.conftest import FakeClock

DISP = Operator(user="disp", display_name="Dispatcher", role=Role.DISPATCHER, scope="320508",
                disabled=False)
LEAD = Operator(user="lead", display_name="Lead", role=Role.SHIFT_LEAD, scope="", disabled=False)


def test_open_gives_the_operators_actor(clock: FakeClock) -> None:
    table = SessionTable(ttl_s=3600, clock=clock)
    token = table.open(DISP, "ws-03")
    assert len(token) >= 40
    actor = table.actor(token)
    assert actor == Actor(operator="disp", role=Role.DISPATCHER, scope="320508",
                          workstation="ws-03")
    actor.require(Permission.DISPATCH, "dispatch")
    assert actor.in_scope("320508001002003")
    assert not actor.in_scope("320505001002003")
    with pytest.raises(Forbidden):
        actor.require(Permission.APPROVE, "approve an extension")


def test_tokens_are_unique_per_login(clock: FakeClock) -> None:
    table = SessionTable(clock=clock)
    tokens = {table.open(LEAD, "ws-01") for _ in range(100)}
    assert len(tokens) == 100
    assert len(table) == 100


def test_sessions_expire(clock: FakeClock) -> None:
    table = SessionTable(ttl_s=12 * 3600, clock=clock)
    token = table.open(LEAD, "ws-01")
    clock.advance(12 * 3600 - 1)
    assert table.actor(token).operator == "lead"
    later = table.open(DISP, "ws-02")
    clock.advance(1)
    with pytest.raises(Forbidden) as info:
        table.actor(token)
    assert info.value.message == SESSION_EXPIRED
    assert table.actor(later).operator == "disp"  # its own clock still runs
    assert [s.actor.operator for s in table.active()] == ["disp"]
    clock.advance(12 * 3600)
    assert len(table.purge()) == 1
    assert len(table) == 0


def test_close_and_unknown_tokens(clock: FakeClock) -> None:
    table = SessionTable(clock=clock)
    token = table.open(DISP, "ws-03")
    assert table.close(token) is True
    assert table.close(token) is False
    for bad in (token, "", "not-a-token", None):
        with pytest.raises(Forbidden, match="log in again"):
            table.actor(bad)  # type: ignore[arg-type]  # a wrong type on purpose


def test_close_operator_ends_all_their_sessions(clock: FakeClock) -> None:
    table = SessionTable(clock=clock)
    a = table.open(DISP, "ws-03")
    b = table.open(DISP, "ws-04")
    c = table.open(LEAD, "ws-01")
    assert table.close_operator("disp") == 2
    for t in (a, b):
        with pytest.raises(Forbidden):
            table.actor(t)
    assert table.actor(c).operator == "lead"


def test_disabled_operator_cannot_open(clock: FakeClock) -> None:
    table = SessionTable(clock=clock)
    gone = Operator(user="gone", display_name="", role=Role.WALL, scope="", disabled=True)
    with pytest.raises(Forbidden, match="disabled"):
        table.open(gone, "wall-1")
    assert len(table) == 0


def test_lifetime_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SessionTable(ttl_s=0)
