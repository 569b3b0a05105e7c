"""A live session applies each feed batch to the console's state at once and tells the views
about the changed units in slices, one per turn of the event loop; changed incidents and
removed records go with the batch itself; a resync replaces everything and drops what was
still to be told."""

from __future__ import annotations

import dataclasses
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest

from dispatch.domain.roles import Role
from dispatch.domain.state import DispatchState
from tests.ui.widget_fixtures import busy_engine  # noqa: F401

pytestmark = pytest.mark.ui


@pytest.fixture
def live(busy_engine: Any, clock: Any, qapp: Any) -> Any:  # noqa: F811
    """A session (threads not started) over a console holding the demo city's state with
    incidents in every status, as after its first snapshot."""
    from console.session import LiveSession, ServerClock
    from dispatch.adapters.client.commands import Login
    from tests.domain.helpers import LEAD
    from widgets.console_model import ConsoleModel

    engine = busy_engine
    console = ConsoleModel(DispatchState(), engine.catalogue, engine.city, LEAD, now=clock)
    login = Login("s", LEAD.operator, Role.SHIFT_LEAD, "", "", "ws", clock(), 1.0)
    session = LiveSession(console, command_endpoint="tcp://127.0.0.1:1",
                          snapshot_endpoint="tcp://127.0.0.1:2",
                          update_endpoint="tcp://127.0.0.1:3", login=login, user="lead",
                          password="x", curve=None, clock=ServerClock(clock(), 1.0))
    told_units: list[Any] = []
    told_incidents: list[Any] = []
    console.sig_units_changed.connect(told_units.append)
    console.sig_incidents_changed.connect(told_incidents.append)
    spied: Any = session  # the tests read what the views were told through the session
    spied.told_units, spied.told_incidents = told_units, told_incidents
    session._on_batch(_full(engine.state))
    told_units.clear()
    yield session
    session.stop()


def _full(state: DispatchState) -> Any:
    from console.network import FeedBatch

    return FeedBatch(full=DispatchState(incidents=dict(state.incidents),
                                        units=dict(state.units), seq=state.seq))


def _moved(session: Any, n: int) -> dict[str, Any]:
    units = sorted(session.console.state.units.values(), key=lambda u: u.id)[:n]
    return {u.id: dataclasses.replace(u, lon=u.lon + 1e-4, version=u.version + 1)
            for u in units}


def test_the_state_changes_at_once_and_the_views_hear_in_slices(live: Any, qtbot: Any) -> None:
    from console.network import FeedBatch

    assert live.got_first
    moved = _moved(live, 250)
    live.slice_size = 100
    live._on_batch(FeedBatch(units=moved))

    state = live.console.state.units
    assert all(state[uid] is rec for uid, rec in moved.items())  # every record, now
    assert live.told_units == []  # the views hear on the next turns of the event loop
    assert live.pending_unit_changes == 250

    qtbot.waitUntil(lambda: live.pending_unit_changes == 0, timeout=5000)
    told = [uid for ids in live.told_units for uid in ids]
    assert sorted(told) == sorted(moved)  # each unit once
    assert len(live.told_units) >= 2  # in more than one slice
    assert all(len(ids) <= 5000 for ids in live.told_units)


def test_a_unit_changed_again_before_it_was_told_is_told_once(live: Any, qtbot: Any) -> None:
    from console.network import FeedBatch

    first = _moved(live, 300)
    live.slice_size = 100
    live._on_batch(FeedBatch(units=first))
    again = {uid: dataclasses.replace(u, lat=u.lat + 1e-4) for uid, u in first.items()}
    live._on_batch(FeedBatch(units=again))

    qtbot.waitUntil(lambda: live.pending_unit_changes == 0, timeout=5000)
    told = [uid for ids in live.told_units for uid in ids]
    assert sorted(told) == sorted(first)
    assert all(live.console.state.units[uid] is rec for uid, rec in again.items())


def test_incidents_and_removals_are_told_with_the_batch(live: Any) -> None:
    from console.network import FeedBatch

    inc = next(iter(live.console.state.incidents.values()))
    changed = dataclasses.replace(inc, version=inc.version + 1)
    gone_unit = sorted(live.console.state.units)[0]
    live._on_batch(FeedBatch(incidents={inc.id: changed}, gone_units=[gone_unit]))

    assert live.console.state.incidents[inc.id] is changed
    assert gone_unit not in live.console.state.units
    assert live.told_incidents[-1] == {inc.id}
    assert live.told_units == [{gone_unit}]
    assert live.pending_unit_changes == 0


def test_a_resync_drops_what_was_still_to_be_told(live: Any, busy_engine: Any,  # noqa: F811
                                                  qtbot: Any) -> None:
    from console.network import FeedBatch

    resets: list[bool] = []
    live.console.sig_reset.connect(lambda: resets.append(True))
    live.slice_size = 100
    live._on_batch(FeedBatch(units=_moved(live, 400)))
    live._on_batch(_full(busy_engine.state))

    assert resets == [True]
    assert live.pending_unit_changes == 0
    qtbot.wait(50)
    assert live.told_units == []
