"""The status bar says which dispatch server the console is on, and a failover to another
server of a PostgreSQL pair while it happens and for a while after."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from dispatch.adapters.client.commands import Login
from dispatch.adapters.client.mirror import MirrorInfo, MirrorStatus
from dispatch.domain.roles import Role

pytestmark = pytest.mark.ui


def info(**kw: Any) -> MirrorInfo:
    base = MirrorInfo(status=MirrorStatus.LIVE, subtree="", feed_seq=10, state_seq=10,
                      last_message_age_s=0.1, updates_per_s=5.0, updates=10, resyncs=0,
                      gaps=0, errors=0, server_time=None, time_speed=1.0)
    return replace(base, **kw)


@pytest.fixture
def bar(qtbot: Any) -> Any:
    from console.status_bar import ConsoleStatusBar

    login = Login(session="s", operator="lead", role=Role.SHIFT_LEAD, scope="", subtree="",
                  workstation="ws", server_time=0.0, time_speed=1.0)
    b = ConsoleStatusBar(login)
    qtbot.addWidget(b)
    b.show()
    return b


def test_one_server_is_named(bar: Any) -> None:
    bar.show_info(info(server="tcp://10.0.0.5:5557"))
    assert bar.server.text() == "server 10.0.0.5:5557"
    assert bar.server.isVisible()
    assert bar.server.objectName() == "serverLabel"


def test_a_failover_shows_as_it_happens_then_where_it_landed(bar: Any) -> None:
    pair = {"servers": 2}
    bar.show_info(info(server="tcp://db1:5557", server_index=0, **pair))
    assert bar.server.text() == "server db1:5557 (1 of 2)"
    # the leader is gone: the mirror moved on and is resyncing from the other server
    bar.show_info(info(status=MirrorStatus.SYNCING, server="tcp://db2:5557", server_index=1,
                       failovers=1, message="no heartbeat for 3.0 s", **pair))
    assert bar.server.text() == "⇄ failing over: trying server db2:5557 (2 of 2)"
    assert bar.server.objectName() == "connWarn"
    assert "no heartbeat" in bar.connection.text()
    bar.show_info(info(server="tcp://db2:5557", server_index=1, failovers=1, **pair))
    text = bar.server.text()
    assert text.startswith("⇄ failed over at ")
    assert text.endswith(" to server db2:5557 (2 of 2)")
    bar.FAILOVER_SHOWN_S = 0.0  # later: only where it is
    bar.show_info(info(server="tcp://db2:5557", server_index=1, failovers=1, **pair))
    assert bar.server.text() == "server db2:5557 (2 of 2)"
    assert bar.server.objectName() == "serverLabel"


def test_servers_are_named_as_the_operator_gave_them(bar: Any) -> None:
    bar.set_server_names(["tcp://db1:5556", "tcp://db2:5556"])
    bar.show_info(info(server="tcp://db2:5557", server_index=1, servers=2))
    assert bar.server.text() == "server db2:5556 (2 of 2)"
