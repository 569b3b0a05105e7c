"""The `state_at` query and the remote replay on a live server over real ZeroMQ sockets (SQLite
and PostgreSQL): the state at an instant or a sequence number over the wire equals the state
rebuilt locally from the same store (a region's dispatcher gets only its region); a replay of
a window asks for the state at its start and then pages only the window's events (an older
server without the query: the whole history, as before); bad arguments and a rebuild over the
server's bound are refused with what is wrong, and audited."""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from dispatch.adapters.client import CommandClient
from dispatch.domain import commands as cmd
from dispatch.domain.errors import InvalidCommand, Unavailable
from dispatch.domain.projection import apply
from dispatch.domain.state import DispatchState
from dispatch.domain.state_wire import scoped_copy
from dispatch.services.rebuild import state_at
from dispatch.services.replay import Replayer, iter_history, remote_replayer
from tests.integration.conftest import RunningServer
from tests.integration.test_citizen_loop_server import wait_for
from tests.integration.test_server_commands import point_in

BEIJING = timezone(timedelta(hours=8))
# the module (the package exports its handler function under the same name)
state_at_query = importlib.import_module("dispatch.adapters.server.queries.state_at")


def activity(rs: RunningServer, disp: CommandClient, lead: CommandClient, scope: str,
             rounds: int) -> None:
    """Incidents inside the dispatcher's region and outside it, dispatched and worked on."""
    minor = next(iter(rs.server.engine.catalogue.minors))
    other = next(r.code for r in sorted(rs.server.engine.city.grids(), key=lambda r: r.code)
                 if not r.code.startswith(scope))
    for i in range(rounds):
        lon, lat, _ = point_in(rs, scope, i)
        mine = str(disp.execute(cmd.ReportIncident("hotline", minor, lon, lat, f"井盖缺失 {i}")
                                ).result["incident_id"])
        olon, olat, _ = point_in(rs, other, i)
        theirs = str(lead.execute(cmd.ReportIncident("grid_worker", minor, olon, olat,
                                                     f"路灯不亮 {i}")).result["incident_id"])
        disp.execute(cmd.AssignUnits(mine))
        lead.execute(cmd.AssignUnits(theirs))
        lead.execute(cmd.Acknowledge(theirs))
        disp.execute(cmd.AddNote(mine, f"已联系现场 {i}"))


def event_ts(rs: RunningServer, seq: int) -> float:
    assert rs.server.store is not None
    return next(rs.server.store.read(after_seq=seq - 1, to_seq=seq)).ts


def folded(rs: RunningServer, seq: int) -> DispatchState:
    """Every stored event up to ``seq`` applied to an empty state (no snapshot)."""
    assert rs.server.store is not None
    st = DispatchState()
    for e in rs.server.store.read(to_seq=seq):
        apply(st, e)
    return st


def save_snapshot(rs: RunningServer) -> int:
    store, engine = rs.server.store, rs.server.engine
    assert store is not None
    rs.on_loop(lambda: store.save_snapshot(engine.state))
    return rs.state_copy().seq


def test_state_at_over_the_wire_equals_the_local_rebuild_and_is_scoped(
        store_url: str, server_factory: Callable[..., RunningServer]) -> None:
    rs = server_factory(store_url)
    disp, lead = rs.client("disp", workstation="ws-disp"), rs.client("lead", workstation="ws-lead")
    scope = disp.login_info.scope if disp.login_info is not None else ""
    assert scope, "the demo dispatcher has a region"
    activity(rs, disp, lead, scope, 3)
    snap = save_snapshot(rs)
    activity(rs, disp, lead, scope, 3)
    mid = rs.state_copy().seq
    activity(rs, disp, lead, scope, 2)
    store = rs.server.store
    assert store is not None

    # by sequence number: the stored snapshot and the events after it
    answer = lead.query("state_at", seq=mid)
    assert (answer["ev"], answer["snapshot_seq"], answer["replayed"]) == (mid, snap, mid - snap)
    got = lead.state_at(seq=mid)
    want = state_at(store, seq=mid)
    assert got == scoped_copy(want, "")
    assert got == scoped_copy(folded(rs, mid), "")  # snapshot + events = the whole history
    assert {i.grid[:6] for i in got.incidents.values()} - {scope[:6]}, "both regions are there"

    # by instant, epoch seconds: the state after the last event at or before it
    at = event_ts(rs, mid)
    assert lead.state_at(at=at) == scoped_copy(state_at(store, ts=at), "")
    before = math.nextafter(at, -math.inf)
    assert lead.state_at(at=before).seq == mid - 1

    # by instant, ISO with an offset; a region's dispatcher gets its region only
    iso = datetime.fromtimestamp(at, BEIJING).isoformat()
    local = state_at(store, ts=datetime.fromisoformat(iso).timestamp())
    mine = disp.state_at(at=iso)
    assert mine == scoped_copy(local, scope)
    assert mine.incidents
    assert mine.units
    assert all(i.grid.startswith(scope) for i in mine.incidents.values())
    assert all(u.home_grid.startswith(scope) for u in mine.units.values())
    assert len(mine.incidents) < len(local.incidents)
    assert len(mine.units) < len(local.units)
    assert disp.query("state_at", at=iso)["scope"] == scope

    # the latest state equals the server's own, and the read is audited
    latest = rs.state_copy()
    assert lead.state_at(seq=latest.seq) == scoped_copy(latest, "")

    def reads() -> int:
        return len([r for r in lead.audit(operator="disp").rows if r["action"] == "state_at"])

    wait_for(lambda: reads() == 2)


def counting(query: Callable[..., dict[str, Any]], calls: list[tuple[str, dict[str, Any], int]],
             *, old_server: bool = False) -> Callable[..., dict[str, Any]]:
    """``query``, noting every call: (type, arguments, events answered); ``old_server``:
    refuse ``state_at`` as a server from before it does."""

    def q(rtype: str, **args: Any) -> dict[str, Any]:
        if old_server and rtype == "state_at":
            calls.append((rtype, args, 0))
            raise InvalidCommand(f"unknown request type {rtype!r}")
        got = query(rtype, **args)
        calls.append((rtype, args, len(got.get("events", ()))))
        return got

    return q


def cancelled(rs: RunningServer, disp: CommandClient, scope: str, index: int) -> str:
    lon, lat, _ = point_in(rs, scope, index)
    minor = next(iter(rs.server.engine.catalogue.minors))
    iid = str(disp.execute(cmd.ReportIncident("hotline", minor, lon, lat, "重复来电")
                           ).result["incident_id"])
    disp.execute(cmd.CancelIncident(iid, "重复上报"))
    return iid


def test_remote_replay_reads_only_the_window(
        store_url: str, server_factory: Callable[..., RunningServer]) -> None:
    rs = server_factory(store_url, test_levers=True)
    disp, lead = rs.client("disp", workstation="ws-disp"), rs.client("lead", workstation="ws-lead")
    admin = rs.client("admin", workstation="ws-admin")
    scope = disp.login_info.scope if disp.login_info is not None else ""
    activity(rs, disp, lead, scope, 4)
    early = cancelled(rs, disp, scope, 11)  # finished before the window, archived inside it
    save_snapshot(rs)
    first = rs.state_copy().seq + 1
    activity(rs, disp, lead, scope, 2)
    admin.execute(cmd.ArchiveFinished(rs.on_loop(rs.server.engine.clock)))
    late = cancelled(rs, disp, scope, 12)  # finished inside the window, archived after it
    activity(rs, disp, lead, scope, 1)
    last = rs.state_copy().seq
    admin.execute(cmd.ArchiveFinished(rs.on_loop(rs.server.engine.clock)))
    assert early not in rs.state_copy().incidents
    assert late not in rs.state_copy().incidents
    since, until = event_ts(rs, first), event_ts(rs, last)
    store = rs.server.store
    assert store is not None

    calls: list[tuple[str, dict[str, Any], int]] = []
    r = remote_replayer(counting(lead.query, calls), since_ts=since, until_ts=until)
    assert len(r) == last - first + 1
    assert [c[0] for c in calls].count("state_at") == 1
    history = [c for c in calls if c[0] == "history"]
    assert history
    assert history[0][1]["after_seq"] == first - 1  # from the window's start on
    assert sum(c[2] for c in history) == last - first + 1  # the window's events, no more
    assert (r.start_ts, r.end_ts) == (since, until)
    assert r.state_at(0) == scoped_copy(state_at(store, seq=first - 1), "")
    assert r.state_at(len(r)) == scoped_copy(state_at(store, seq=last), "")
    # the same window as the whole history folded (what opening it cost before)
    old = Replayer.from_history(iter_history(lead.query, until_ts=until), since_ts=since,
                                until_ts=until)
    assert len(old) == len(r)
    assert old.state_at(len(old)) == r.state_at(len(r))

    # an older server without state_at: the whole history up to the window's end
    calls.clear()
    fallback = remote_replayer(counting(lead.query, calls, old_server=True), since_ts=since,
                               until_ts=until)
    assert [c[0] for c in calls][:2] == ["state_at", "history"]
    assert calls[1][1]["after_seq"] == 0
    assert sum(c[2] for c in calls) == last
    assert fallback.state_at(len(fallback)) == r.state_at(len(r))

    # a region's dispatcher replays its region, incidents archived since included
    calls.clear()
    mine = remote_replayer(counting(disp.query, calls), since_ts=since, until_ts=until)
    assert early in mine.state_at(0).incidents
    end = mine.state_at(len(mine))
    want = scoped_copy(state_at(store, seq=last), scope)
    assert early not in end.incidents  # its archival is in the window
    assert end.incidents[late].status.value == "cancelled"
    assert end.incidents == want.incidents
    assert end.units == want.units
    assert len(mine) < len(r)


def test_bad_arguments_and_bounds_are_refused_and_audited(
        store_url: str, server_factory: Callable[..., RunningServer],
        monkeypatch: pytest.MonkeyPatch) -> None:
    rs = server_factory(store_url)
    disp, lead = rs.client("disp", workstation="ws-disp"), rs.client("lead", workstation="ws-lead")
    last = rs.state_copy().seq
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "needs either seq .* or at .*, not neither"),
        ({"seq": 1, "at": 1.0}, "not both"),
        ({"seq": -1}, r"state_at\.seq must be ≥ 0, got -1"),
        ({"seq": last + 10}, rf"state_at\.seq {last + 10} is beyond the last event \({last}\)"),
        ({"seq": "12"}, r"state_at\.seq"),
        ({"at": "2026-11-01T08:00:00"}, "has no UTC offset"),
        ({"at": "yesterday"}, "is not an ISO 8601 date-time"),
        ({"at": -5.0}, r"state_at\.at must be epoch seconds ≥ 0"),
        ({"seq": 1, "region": "320508"}, "region"),
    ]
    for args, message in cases:
        with pytest.raises(InvalidCommand, match=message):
            disp.query("state_at", **args)
    assert rs.state_copy().seq == last  # nothing changed

    # over the server's bound: refused off the loop, with the reason, and audited too
    monkeypatch.setattr(state_at_query, "MAX_REBUILD_EVENTS", 10)
    with pytest.raises(Unavailable, match="events after the nearest stored snapshot"):
        disp.query("state_at", seq=last)
    monkeypatch.setattr(state_at_query, "MAX_REBUILD_EVENTS", 10**9)
    monkeypatch.setattr(state_at_query, "MAX_ANSWER_BYTES", 100)
    with pytest.raises(Unavailable, match="MiB compressed, more than"):
        disp.query("state_at", at=datetime.now(UTC).isoformat())

    def refused() -> int:
        return len([r for r in lead.audit(operator="disp").rows
                    if r["action"] == "refused" and '"state_at"' in r["detail"]])

    wait_for(lambda: refused() == len(cases) + 2)
