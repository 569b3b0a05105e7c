"""Opening a replay: the command-line arguments, a database file given straight, and the
server's history query (a real server on loopback) giving exactly the store's states."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3
import threading
from pathlib import Path
from typing import Any

import PySide6.QtWebEngineWidgets  # noqa: F401  (before the QApplication exists)
import pytest

from console.app import parse_args
from console.loading import (
    ReplayWindowSpec,
    database_url,
    load_from_server,
    load_from_store,
)
from dispatch.adapters.client import CommandClient
from dispatch.adapters.security.operators import DEMO_PASSWORDS
from dispatch.adapters.server.server import open_server
from dispatch.adapters.store import EventStore
from dispatch.services.replay import Replayer, ReplayError
from tests.domain.replay_scenario import Recorded, recorded_fixture
from tests.integration.conftest import server_settings

pytestmark = pytest.mark.ui


recorded = recorded_fixture("replay-load", steps=700, seed=41)


def _db_path(rec: Recorded) -> Path:
    return Path(rec.store.url.removeprefix("sqlite:///"))


def test_arguments() -> None:
    a = parse_args(["--replay", "--from", "2026-11-17T08:00", "--to", "2026-11-17T20:00",
                    "--db", "x.sqlite"])
    assert a.replay
    assert a.from_ == "2026-11-17T08:00"
    assert a.to == "2026-11-17T20:00"
    assert a.db == "x.sqlite"
    assert a.incident is None
    assert parse_args(["--replay", "--incident", "E000001"]).incident == "E000001"
    with pytest.raises(SystemExit):
        parse_args(["--from", "2026-11-17"])  # only with --replay
    with pytest.raises(ReplayError, match="not both"):
        ReplayWindowSpec.from_args(parse_args(["--replay", "--incident", "E1", "--to",
                                               "2026-11-17"]))


def test_window_spec(catalogue: Any) -> None:
    spec = ReplayWindowSpec("2026-11-17T08:00", "2026-11-17T20:00")
    since, until = spec.bounds(catalogue)
    assert since is not None
    assert until is not None
    assert until - since == 12 * 3600
    assert ReplayWindowSpec().bounds(catalogue) == (None, None)
    with pytest.raises(ReplayError, match="before"):
        ReplayWindowSpec("2026-11-18", "2026-11-17").bounds(catalogue)
    with pytest.raises(ReplayError, match="ISO"):
        ReplayWindowSpec("monday").bounds(catalogue)


def test_database_url(tmp_path: Path) -> None:
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    f = tmp_path / "g.sqlite"
    f.write_bytes(b"")
    assert database_url(str(f)) == f"sqlite:///{f.resolve()}"
    with pytest.raises(ReplayError, match="no database file"):
        database_url(str(tmp_path / "missing.sqlite"))


def test_load_from_store(recorded: Recorded, catalogue: Any, demo_city: Any) -> None:
    events = list(recorded.store.read())
    spec = ReplayWindowSpec(incident=next(e.incident_id for e in events
                                          if e.kind == "incident.responded"))
    calls: list[tuple[int, int]] = []
    r, city = load_from_store(recorded.store.url, spec, catalogue,
                              lambda d, n: calls.append((d, n)))
    assert city.name == demo_city.name
    assert len(city.regions) == len(demo_city.regions)
    assert r.prepared
    assert calls[-1][0] == calls[-1][1] == len(r)
    mine = [e for e in events if e.incident_id == spec.incident]
    assert r.seq_at(1) == mine[0].seq
    assert r.seq_at(len(r)) == mine[-1].seq
    before = recorded.store.last_seq()
    r.state_at(len(r))
    assert recorded.store.last_seq() == before  # nothing written


def test_history_from_a_real_server(recorded: Recorded, catalogue: Any, demo_city: Any,
                                    tmp_path: Path) -> None:
    db = tmp_path / "server.sqlite"
    with sqlite3.connect(_db_path(recorded)) as src, sqlite3.connect(db) as dst:
        src.backup(dst)  # the WAL's pages too
    url = f"sqlite:///{db}"
    settings = server_settings(tmp_path, url)
    srv = open_server(settings, catalogue=catalogue, city=demo_city)
    endpoints = srv.bind()
    th = threading.Thread(target=srv.serve_forever, name="replay-test-server", daemon=True)
    th.start()
    try:
        with CommandClient(endpoints.command, timeout_s=10.0) as c:
            login = c.login("lead", DEMO_PASSWORDS["lead"], "ws-replay")
            events = list(recorded.store.read())
            since, until = events[300].ts, events[-1].ts
            tz_spec = ReplayWindowSpec()
            # a window given as instants: same states as straight from the store
            r = load_from_server(c.query, tz_spec, catalogue, until)
            assert r.start_ts == max(until - 86400.0, events[0].ts)
            assert r.end_ts == until
            assert r.seq_at(len(r)) == events[-1].seq
            direct = Replayer.from_store(EventStore(url, migrate=False), since_ts=since,
                                         until_ts=until)
            r2 = Replayer.from_history(_history(c), since_ts=since, until_ts=until)
            assert len(r2) == len(direct) > 100
            for p in (0, 1, len(direct) // 3, len(direct)):
                assert r2.state_at(p) == direct.state_at(p)
                assert r2.seq_at(p) == direct.seq_at(p)
            assert login.server_time > until  # the server runs on the real clock
            # the life of one incident
            iid = next(e.incident_id for e in events if e.kind == "incident.dispatched")
            assert iid is not None
            ri = load_from_server(c.query, ReplayWindowSpec(incident=iid), catalogue,
                                  login.server_time)
            mine = [e for e in events if e.incident_id == iid]
            assert ri.start_ts == mine[0].ts
            assert ri.incident_positions(iid)[0] >= 1
            assert ri.state_at(0) == recorded.live[max(s for s in recorded.live
                                                       if s < ri.seq_at(1))]
            with pytest.raises(ReplayError, match="no incident"):
                load_from_server(c.query, ReplayWindowSpec(incident="E999999"), catalogue,
                                 login.server_time)
    finally:
        srv.stop()
        th.join(10)


def _history(c: CommandClient) -> Any:
    from dispatch.services.replay import iter_history

    return iter_history(c.query)


def test_startup_opens_the_replay_window(recorded: Recorded, qtbot: Any, qapp: Any,
                                         tmp_path: Path) -> None:
    from console.replay_window import ReplayWindow
    from console.startup import Startup

    missing = Startup(qapp, parse_args(["--replay", "--db", str(tmp_path / "nope.sqlite"),
                                        "--data-dir", str(tmp_path)]), "en")
    assert missing.begin() == 2
    events = list(recorded.store.read())
    iid = next(e.incident_id for e in events if e.kind == "incident.escalated")
    assert iid is not None
    s = Startup(qapp, parse_args(["--replay", "--db", str(_db_path(recorded)), "--incident",
                                  iid, "--data-dir", str(tmp_path)]), "en")
    try:
        assert s.begin() is None
        qtbot.waitUntil(lambda: s.window is not None, timeout=30_000)
        w = s.window
        assert isinstance(w, ReplayWindow)
        assert w.replayer.incident_positions(iid)[-1] == len(w.replayer)
        assert w.console.actor.role.value == "wall"
    finally:
        s.shutdown()
