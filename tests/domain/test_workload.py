"""The shift lead's workload figures (no Qt): who holds which open incident, actions per hour,
the last hour, refusals; the server's own events and position reports are not actions."""

from __future__ import annotations

from typing import Any

import pytest

from dispatch.services.workload import HOUR_S, MAX_HOURS, compute_workload, hour_starts

T0 = 1_794_881_580.0


def ev(ts: float, operator: str, kind: str, incident: str | None = None,
       workstation: str = "ws-1") -> dict[str, Any]:
    data: dict[str, Any] = {} if incident is None else {"incident_id": incident}
    return {"seq": int(ts), "ts": ts, "kind": kind, "operator": operator,
            "workstation": workstation, "command_id": "", "data": data}


EVENTS = [
    ev(T0 + 10, "field-gw", "incident.reported", "E1", "gateway"),
    ev(T0 + 20, "disp", "incident.registered", "E1"),
    ev(T0 + 30, "disp", "incident.dispatched", "E1"),
    ev(T0 + 40, "system", "incident.clock", "E1", "server"),
    ev(T0 + 50, "field-gw", "incident.contact", "E1", "gateway"),
    ev(T0 + 60, "disp", "incident.registered", "E2"),
    ev(T0 + 70, "lead", "incident.supervised", "E2", "ws-lead"),
    ev(T0 + 80, "disp", "incident.registered", "E3"),
    ev(T0 + HOUR_S + 5, "disp", "incident.closed", "E3"),
    ev(T0 + HOUR_S + 6, "field-gw", "units.moved", None, "gateway"),
    ev(T0 + 2 * HOUR_S + 7, "field-gw", "unit.status_changed", None, "gateway"),
    ev(T0 + 2 * HOUR_S + 8, "bootstrap", "unit.registered", None, "server"),
]
REFUSALS = [
    {"ts": T0 + 100, "operator": "disp", "action": "refused"},
    {"ts": T0 + 200, "operator": "disp", "action": "refused"},
    {"ts": T0 + 300, "operator": "disp", "action": "login"},
    {"ts": T0 - 300, "operator": "lead", "action": "refused"},  # before the shift
    {"ts": T0 + 400, "operator": "wall", "action": "refused"},
]


def test_figures_per_operator() -> None:
    now = T0 + 2 * HOUR_S + 600
    w = compute_workload(EVENTS, REFUSALS, since_ts=T0, now=now,
                         is_open=lambda iid: iid != "E3")
    assert w.hour_starts == (T0, T0 + HOUR_S, T0 + 2 * HOUR_S)
    assert sorted(w.operators) == ["disp", "field-gw", "lead", "wall"]
    disp = w.operators["disp"]
    # E1: disp dispatched it last (the clock flag and the caller's number do not count);
    # E2: the lead acted last; E3 is closed
    assert disp.held == ("E1",)
    assert disp.actions == 5
    assert disp.per_hour == (4, 1, 0)
    assert disp.last_hour == 0
    assert disp.refusals == 2
    assert disp.last_action_ts == T0 + HOUR_S + 5
    assert w.operators["lead"].held == ("E2",)
    assert w.operators["lead"].refusals == 0
    gw = w.operators["field-gw"]
    assert gw.held == ()
    assert gw.actions == 3  # report, contact, unit status; positions are not actions
    assert gw.per_hour == (2, 0, 1)
    assert gw.last_hour == 1
    assert gw.workstations == ("gateway",)
    assert w.operators["wall"].refusals == 1
    assert w.operators["wall"].actions == 0
    assert "system" not in w.operators
    assert "bootstrap" not in w.operators


def test_events_before_the_shift_decide_holders_only() -> None:
    w = compute_workload(EVENTS, [], since_ts=T0 + 65, now=T0 + 90, is_open=lambda _i: True)
    assert w.operators["disp"].held == ("E1", "E3")
    assert w.operators["disp"].actions == 1  # E3's registration only
    assert w.operators["lead"].held == ("E2",)
    assert w.operators["lead"].actions == 1
    assert w.operators["disp"].last_hour == 1


def test_hour_buckets() -> None:
    assert hour_starts(T0, T0) == (T0,)
    assert len(hour_starts(T0, T0 + 100 * HOUR_S)) == MAX_HOURS
    assert hour_starts(T0, T0 + 100 * HOUR_S)[-1] == T0 + 100 * HOUR_S
    with pytest.raises(ValueError, match="starts after now"):
        hour_starts(T0 + 1, T0)


def test_an_empty_shift() -> None:
    w = compute_workload([], [], since_ts=T0, now=T0 + 10, is_open=lambda _i: True)
    assert w.operators == {}
    assert w.events == 0
