"""Hazards and the caller's phone reach a console over real sockets: a live session against a
dispatch server on loopback (SQLite) reads the seeded hazards at start, reads them again after
a shift lead's change, and reads a caller's phone for a shift lead; a wall console asks for no
phone at all."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest

from dispatch.adapters.security.operators import DEMO_PASSWORDS
from dispatch.domain import commands as cmd
from dispatch.domain.state import DispatchState
from tests.integration.conftest import RunningServer, server_factory  # noqa: F401
from tests.integration.test_server_commands import point_in

pytestmark = pytest.mark.ui
WAIT_MS = 15_000


@pytest.fixture
def live_for(server_factory: Callable[..., RunningServer], qapp: Any  # noqa: F811
             ) -> Iterator[Callable[[str], Any]]:
    """``live_for(user)`` → (server, console model, session) logged in as ``user``."""
    from console.session import LiveSession, ServerClock
    from widgets.console_model import ConsoleModel

    rs = server_factory()
    sessions: list[Any] = []

    def start(user: str) -> Any:
        client = rs.client(user, workstation=f"ws-{user}")
        login = client.login_info
        assert login is not None
        engine = rs.server.engine
        from dispatch.domain.roles import Actor

        actor = Actor(login.operator, login.role, scope=login.scope,
                      workstation=login.workstation)
        console = ConsoleModel(DispatchState(), engine.catalogue, engine.city, actor)
        session = LiveSession(console, command_endpoint=rs.endpoints.command,
                              snapshot_endpoint=rs.endpoints.snapshot,
                              update_endpoint=rs.endpoints.update, login=login, user=user,
                              password=DEMO_PASSWORDS[user], curve=None,
                              clock=ServerClock(login.server_time, 1.0))
        session.start()
        sessions.append(session)
        return rs, console, session

    yield start
    for s in sessions:
        s.stop()


def test_hazards_and_the_phone_reach_a_shift_leads_console(live_for: Any, qtbot: Any) -> None:
    rs, console, _session = live_for("lead")
    qtbot.waitUntil(lambda: bool(console.hazards), timeout=WAIT_MS)  # the seeded ones
    assert set(console.hazards) == set(rs.state_copy().hazards)
    lon, lat, grid = point_in(rs, index=3)
    lead = rs.client("lead")
    lead.execute(cmd.SetHazard("HZ-LIVE", "gas_station", "测试加油站", "", lon, lat, 120.0))
    console.request_hazards()
    qtbot.waitUntil(lambda: "HZ-LIVE" in console.hazards, timeout=WAIT_MS)
    assert [h.hazard.id for h in console.hazards_at(lon, lat, grid)
            if h.hazard.id == "HZ-LIVE"] == ["HZ-LIVE"]
    r = lead.execute(cmd.ReportIncident("hotline", next(iter(rs.server.engine.catalogue.minors)),
                                        lon, lat, "闻到燃气味", phone="13812345678"))
    iid = str(r.result["incident_id"])
    assert console.request_phone(iid)
    qtbot.waitUntil(lambda: console.phone(iid) == "13812345678", timeout=WAIT_MS)
    assert console.request_caller("138 1234 5678")
    qtbot.waitUntil(lambda: console.caller_incidents("13812345678") == (iid,),
                    timeout=WAIT_MS)


def test_a_wall_console_reads_hazards_and_asks_for_no_phone(live_for: Any, qtbot: Any) -> None:
    _rs, console, _session = live_for("wall")
    qtbot.waitUntil(lambda: bool(console.hazards), timeout=WAIT_MS)
    asked: list[Any] = []
    console.sig_phones_wanted.connect(asked.append)
    console.sig_caller_wanted.connect(asked.append)
    iid = "E000001"
    assert not console.request_phone(iid)
    assert not console.request_caller("13812345678")
    assert asked == []
    assert console.phone(iid) is None
