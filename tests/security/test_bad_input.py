"""Bad input, replayed as an attacker sends it: control and bidi characters in text, ids that
are not plain names, positions outside the city or not finite, JSON files nested 100,000 deep
or gigantic, a replay that must not write to the database it reads, corrupt event rows, and
the modes of the database files. Real sockets where the server is involved, real SQLite and
PostgreSQL where storage is."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq
from sqlalchemy import text, update
from sqlalchemy.exc import InternalError, OperationalError

from dispatch.adapters.catalogue_loader import CatalogueError, default_catalogue_dir, load_catalogue
from dispatch.adapters.geojson_io.export import dumps_geojson
from dispatch.adapters.geojson_io.load import GEOJSON_LIMITS, import_geojson, load_geojson
from dispatch.adapters.geojson_io.problems import CityImportError
from dispatch.adapters.protocol.messages import (
    BadRequest,
    build_command,
    parse_reply,
    parse_request,
)
from dispatch.adapters.store.event_store import CorruptEvent, EventStore
from dispatch.adapters.store.schema import events as events_table
from dispatch.domain import commands as cmd
from dispatch.domain.errors import InvalidCommand
from dispatch.domain.jsonlimits import JsonLimits, nesting_depth
from dispatch.domain.roles import Actor, Role
from dispatch.domain.validation import POSITION_MARGIN_M, check_id, check_text
from dispatch.services.rebuild import load_state
from dispatch.services.replay.sources import StoreEvents
from tests.domain.helpers import DISPATCHER, FIELD, LEAD, grid_point, minor_with
from tests.domain.helpers import report as report_in
from tests.integration.conftest import RunningServer

ADMIN = Actor("admin", Role.ADMIN, workstation="ws-admin")
DEEP = 100_000
BAD_CHARS = ["\x00", "\x07", "\x1b", "\r", "\x7f", "\x85", "\u202e", "\u202a", "\u2066",
             "\u2069", "\u200e", "\u200f", "\u061c", "\u2028"]
BAD_IDS = ["U/1", "U 1", "U\t1", "U\n1", "U\x001", "U\u202e1", "U\u30001", "U" * 65]


def unchanged(engine: Any, fn: Any) -> InvalidCommand:
    before = engine.state.seq, len(engine.state.incidents), len(engine.state.units)
    with pytest.raises(InvalidCommand) as info:
        fn()
    assert (engine.state.seq, len(engine.state.incidents), len(engine.state.units)) == before
    assert not engine.pending
    return info.value


# ------------------------------------------------------------------------- text (item 1)


@pytest.mark.parametrize("bad", BAD_CHARS)
def test_text_fields_refuse_control_and_bidi_characters(engine: Any, bad: str) -> None:
    lon, lat, _ = grid_point(engine)
    code = minor_with(engine.catalogue)
    e = unchanged(engine, lambda: engine.execute(cmd.ReportIncident(
        "hotline", code, lon, lat, f"井盖{bad}缺失"), DISPATCHER))
    assert e.message.startswith("description contains")
    assert f"U+{ord(bad):04X}" in e.message
    e = unchanged(engine, lambda: engine.execute(cmd.ReportIncident(
        "hotline", code, lon, lat, "井盖缺失", reporter=f"张{bad}三"), DISPATCHER))
    assert e.message.startswith("reporter contains")
    iid = report_in(engine)
    e = unchanged(engine, lambda: engine.execute(cmd.AddNote(iid, f"ok{bad}"), DISPATCHER))
    assert e.message.startswith("note contains")
    e = unchanged(engine, lambda: engine.execute(cmd.CancelIncident(iid, f"{bad}dup"), LEAD))
    assert e.message.startswith("reason contains")


def test_free_text_keeps_tab_and_newline_one_line_text_does_not(engine: Any) -> None:
    iid = report_in(engine)
    engine.execute(cmd.AddNote(iid, "第一行\n第二行\t完"), DISPATCHER)
    engine.execute(cmd.AddNote(iid, "windows\r\nline"), DISPATCHER)
    lon, lat, _ = grid_point(engine)
    for bad in ("\n", "\t"):
        e = unchanged(engine, lambda bad=bad: engine.execute(cmd.ReportIncident(
            "hotline", minor_with(engine.catalogue), lon, lat, "x", reporter=f"a{bad}b"),
            DISPATCHER))
        assert e.message.startswith("reporter contains")
    # ordinary Chinese text, full-width space and emoji pass
    engine.execute(cmd.AddNote(iid, "路灯不亮　请尽快处理 👍🏽‍"), DISPATCHER)
    assert check_text("a\r\nb", "x") == "a\nb"


# -------------------------------------------------------------------------- ids (item 2)


@pytest.mark.parametrize("bad", BAD_IDS)
def test_ids_must_be_plain_names(engine: Any, bad: str) -> None:
    u = next(iter(engine.city.units.values()))
    e = unchanged(engine, lambda: engine.execute(cmd.RegisterUnit(
        bad, u.department, u.unit_type, "新车", u.home_grid, u.lon, u.lat), ADMIN))
    assert e.message.startswith("unit id ")
    lon, lat, _ = grid_point(engine)
    code = minor_with(engine.catalogue)
    e = unchanged(engine, lambda: engine.execute(cmd.ReportIncident(
        "hotline", code, lon, lat, "x", external_ref=bad), FIELD))
    assert e.message.startswith("external reference ")
    e = unchanged(engine, lambda: engine.execute(cmd.ReportIncident(
        "hotline", code, lon, lat, "x", part_id=bad), FIELD))
    assert e.message.startswith("part id ")
    # on the wire: command ids, workstation names, id arguments, position rows
    with pytest.raises(BadRequest, match="'id'"):
        parse_request(json.dumps({"id": bad, "type": "ping"}).encode())
    with pytest.raises(BadRequest, match=r"login\.workstation"):
        parse_request(json.dumps({"id": "c1", "type": "login", "args": {
            "user": "lead", "password": "x", "workstation": bad}}).encode())
    with pytest.raises(InvalidCommand, match=r"assign.units\[1\]"):
        build_command("assign", {"incident_id": "E000001", "units": ["U-police-1", bad]})
    with pytest.raises(InvalidCommand, match=r"positions.rows\[0\] unit id"):
        build_command("positions", {"rows": [[bad, 120.61, 31.3]]})
    with pytest.raises(InvalidCommand, match=r"note\.incident_id"):
        build_command("note", {"incident_id": bad, "text": "x"})


def test_plain_ids_pass() -> None:
    for ok in ("U-police-3", "P-manhole-12", "12345-20261117-000001", "E000123", "a" * 64,
               "ws-07", "监控-1", "sim-0af3c9-12-assign"):
        assert check_id(ok, "id") == ok
    assert parse_request(b'{"id": "5f0c-1", "type": "ping"}').id == "5f0c-1"


# -------------------------------------------------------------------- positions (item 3)


def _outside(engine: Any, km: float) -> tuple[float, float]:
    _, y0, x1, y1 = engine.city.bounds
    lat = (y0 + y1) / 2
    return x1 + km * 1000 / (111_320 * math.cos(math.radians(lat))), lat


def test_positions_lie_within_the_city_plus_a_margin(engine: Any) -> None:
    assert POSITION_MARGIN_M == 5000
    u = next(iter(engine.state.units.values()))
    t = next(iter(engine.city.units.values()))
    near, far = _outside(engine, 4.0), _outside(engine, 6.0)
    engine.execute(cmd.ReportPositions(((u.id, *near),)), FIELD)
    assert (engine.state.units[u.id].lon, engine.state.units[u.id].lat) == near
    for lon, lat in (far, (0.0, 0.0), (math.nan, 31.3), (120.61, math.inf),
                     (-math.inf, math.nan), (181.0, 31.3)):
        e = unchanged(engine, lambda lon=lon, lat=lat: engine.execute(
            cmd.ReportPositions(((u.id, lon, lat),)), FIELD))
        assert e.message.startswith(f"position of {u.id}")
        e = unchanged(engine, lambda lon=lon, lat=lat: engine.execute(cmd.ReportIncident(
            "hotline", minor_with(engine.catalogue), lon, lat, "x"), DISPATCHER))
        assert e.message.startswith("position")
        e = unchanged(engine, lambda lon=lon, lat=lat: engine.execute(cmd.RegisterUnit(
            "U-new-1", t.department, t.unit_type, "新车", t.home_grid, lon, lat),
            ADMIN))
        assert e.message.startswith("position")


# ------------------------------------------------------------- the same on a live server


def _ask(sock: zmq.Socket, payload: dict[str, Any] | bytes) -> Any:
    sock.send_multipart([b"", payload if isinstance(payload, bytes)
                         else json.dumps(payload, allow_nan=True).encode()])
    assert sock.poll(5000), "no answer"
    return parse_reply(sock.recv_multipart()[-1])


def test_live_server_refuses_bad_input_and_changes_nothing(server_factory: Any) -> None:
    rs: RunningServer = server_factory()
    lead, admin = rs.client("lead"), rs.client("admin")
    lon, lat, _ = grid_point(rs.server.engine)
    code = minor_with(rs.server.engine.catalogue)
    uid = next(iter(rs.state.units))
    t = next(iter(rs.server.engine.city.units.values()))
    far = _outside(rs.server.engine, 6.0)
    sock: zmq.Socket[bytes] = zmq.Context.instance().socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(rs.endpoints.command)
    seq = rs.state.seq

    def command(session: str, rid: str, rtype: str, **args: Any) -> Any:
        return _ask(sock, {"id": rid, "type": rtype, "session": session, "args": args})

    try:
        cases: list[tuple[str, str, dict[str, Any], str]] = [
            (lead.session, "report", {"source": "hotline", "class_code": code, "lon": lon,
                                      "lat": lat, "description": "井盖\u202e缺失"},
             "description contains a bidirectional"),
            (lead.session, "report", {"source": "hotline", "class_code": code, "lon": lon,
                                      "lat": lat, "description": "x\x00"},
             "description contains a control"),
            (lead.session, "report", {"source": "hotline", "class_code": code, "lon": far[0],
                                      "lat": far[1], "description": "x"}, "outside"),
            (lead.session, "report", {"source": "hotline", "class_code": code, "lon": lon,
                                      "lat": lat, "description": "x",
                                      "external_ref": "12345/../1"}, "external_ref"),
            (lead.session, "positions", {"rows": [[uid, *far]]}, "outside"),
            (lead.session, "positions", {"rows": [["U/../x", lon, lat]]}, "unit id"),
            (lead.session, "assign", {"incident_id": "E 1", "units": []}, "incident_id"),
            (admin.session, "register_unit", {
                "unit_id": "U-x-" + "9" * 70, "department": t.department,
                "unit_type": t.unit_type, "name": "新车", "home_grid": t.home_grid,
                "lon": lon, "lat": lat}, "unit_id"),
            (admin.session, "register_unit", {
                "unit_id": "U-x-1", "department": t.department, "unit_type": t.unit_type,
                "name": "新\x07车", "home_grid": t.home_grid, "lon": lon, "lat": lat},
             "name contains"),
        ]
        for i, (session, rtype, args, words) in enumerate(cases):
            r = command(session, f"bad-{i}", rtype, **args)
            assert (r.ok, r.error, r.id) == (False, "invalid", f"bad-{i}"), (rtype, r)
            assert words in r.message, (rtype, r.message)
        # NaN cannot even be parsed; a slashed or over-long command id is refused unechoed
        r = command(lead.session, "nan-1", "positions", rows=[[uid, math.nan, lat]])
        assert (r.ok, r.error) == (False, "invalid")
        for rid in ("a/b", "a b", "x" * 65, "a\x00"):
            r = command(lead.session, rid, "note", incident_id="E000001", text="x")
            assert (r.ok, r.error, r.id) == (False, "invalid", None)
        r = _ask(sock, {"id": "login-1", "type": "login", "args": {
            "user": "lead", "password": "x", "workstation": "ws\u202e-1"}})
        assert (r.ok, r.error) == (False, "invalid")
        assert "workstation" in r.message
        assert rs.state.seq == seq
        # still serving, and a good report still goes through
        r = command(lead.session, "good-1", "report", source="hotline", class_code=code,
                    lon=lon, lat=lat, description="井盖缺失\n请处理", reporter="张三")
        assert r.ok
        assert rs.state.incidents[r.result["incident_id"]].description == \
            "井盖缺失\n请处理"
    finally:
        sock.close()
    assert rs.server.stats.internal_errors == 0


# ------------------------------------------------------------------ JSON files (item 4)


@pytest.fixture
def deep_file(tmp_path: Path) -> Path:
    p = tmp_path / "deep.geojson"
    p.write_bytes(b"[" * DEEP + b"]" * DEEP)
    return p


def test_deeply_nested_geojson_is_a_typed_error(deep_file: Path) -> None:
    with pytest.raises(CityImportError, match=f"nested {DEEP} levels deep"):
        load_geojson(deep_file)
    with pytest.raises(CityImportError, match="nested"):
        import_geojson(deep_file.read_bytes())
    with pytest.raises(CityImportError, match="nested"):
        import_geojson(b'{"type": "FeatureCollection", "features": ' + b"[" * DEEP)
    # a bracket inside a string is not nesting
    assert nesting_depth(b'{"a": "[[[[[[[[", "b": ["]]]]"]}') == 2


def test_gigantic_geojson_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.geojson"
    with huge.open("wb") as f:  # sparse: nothing is written, nothing would be read
        f.truncate(GEOJSON_LIMITS.max_bytes + 1)
    with pytest.raises(CityImportError, match="bytes"):
        load_geojson(huge)
    small = JsonLimits(max_bytes=1000, max_depth=32, max_items=10)
    with pytest.raises(CityImportError, match="at most 1,000"):
        import_geojson(b" " * 1001, limits=small)


def test_feature_count_is_limited(tmp_path: Path, demo_city: Any) -> None:
    p = tmp_path / "city.geojson"
    p.write_text(dumps_geojson(demo_city), encoding="utf-8")
    assert load_geojson(p).code == demo_city.code
    few = JsonLimits(max_bytes=GEOJSON_LIMITS.max_bytes, max_depth=32, max_items=10)
    with pytest.raises(CityImportError, match="entries"):
        load_geojson(p, limits=few)
    with pytest.raises(CityImportError, match="entries"):
        import_geojson(json.loads(p.read_text(encoding="utf-8")), limits=few)


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> Path:
    d = tmp_path / "catalogue"
    shutil.copytree(default_catalogue_dir(), d)
    return d


def test_catalogue_files_have_limits(catalogue_copy: Path) -> None:
    load_catalogue(catalogue_copy)
    (catalogue_copy / "minors.json").write_bytes(b"[" * DEEP + b"]" * DEEP)
    with pytest.raises(CatalogueError) as info:
        load_catalogue(catalogue_copy)
    assert any(i.file == "minors.json" and f"nested {DEEP} levels deep" in i.message
               for i in info.value.issues)
    with (catalogue_copy / "minors.json").open("wb") as f:
        f.truncate(64 << 20)  # sparse
    with pytest.raises(CatalogueError, match=r"minors.json: is 67,108,864 bytes"):
        load_catalogue(catalogue_copy)
    shutil.copy(default_catalogue_dir() / "minors.json", catalogue_copy / "minors.json")
    with pytest.raises(CatalogueError, match=r"problems.json: holds [\d,]+ entries"):
        load_catalogue(catalogue_copy, limits=JsonLimits(1 << 20, 16, 100))


# ------------------------------------------------------- replay read-only (item 5)


def _make_db(url: str, catalogue: Any, demo_city: Any, clock: Any, n: int = 3) -> None:
    from dispatch.adapters.bootstrap import open_engine

    store = EventStore(url)
    eng = open_engine(store, catalogue=catalogue, city=demo_city, clock=clock)
    for i in range(n):
        report_in(eng, index=i)
        clock.advance(60)
    store.close()


def _fingerprint(path: Path) -> tuple[Any, ...]:
    st = path.stat()
    siblings = sorted(p.name for p in path.parent.iterdir())
    return (st.st_mtime_ns, st.st_size, hashlib.sha256(path.read_bytes()).hexdigest(),
            siblings)


def _journal_mode(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(con.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        con.close()


def test_replay_opens_a_sqlite_file_read_only(tmp_path: Path, catalogue: Any,
                                              demo_city: Any, clock: Any) -> None:
    pytest.importorskip("PySide6")
    from console.loading import ReplayWindowSpec, database_url, load_from_store

    db = tmp_path / "shift" / "gridline.sqlite"
    db.parent.mkdir()
    _make_db(f"sqlite:///{db}", catalogue, demo_city, clock)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode=DELETE").fetchone()[0] == "delete"
    con.close()
    before = _fingerprint(db)
    assert not (db.parent / "gridline.sqlite-wal").exists()

    replayer, city = load_from_store(database_url(str(db)), ReplayWindowSpec(), catalogue)
    assert city.code == demo_city.code
    assert len(replayer) > 0
    replayer.state_at(len(replayer))
    source = replayer.source
    assert isinstance(source, StoreEvents)
    store = source.store
    assert isinstance(store, EventStore)
    store.close()
    assert _fingerprint(db) == before
    assert _journal_mode(db) == "delete"

    store = EventStore(f"sqlite:///{db}", migrate=False, read_only=True)
    with pytest.raises(OperationalError, match="readonly"):
        store.set_meta("x", "y")
    store.close()
    assert _fingerprint(db) == before


def test_read_only_store_on_postgresql_cannot_write(pg_url: str, catalogue: Any,
                                                    demo_city: Any, clock: Any) -> None:
    _make_db(pg_url, catalogue, demo_city, clock)
    store = EventStore(pg_url, migrate=False, read_only=True)
    try:
        assert load_state(store).incident_counter == 3
        with pytest.raises(InternalError, match="read-only"):
            store.set_meta("x", "y")
    finally:
        store.close()


@pytest.mark.parametrize("corruption", [{"data": "{not json"}, {"data": "[1, 2]"},
                                        {"kind": "incident.bogus"}, {"data": "{}"}])
def test_a_corrupt_event_row_names_its_sequence(store_url: str, catalogue: Any,
                                                demo_city: Any, clock: Any,
                                                corruption: dict[str, str]) -> None:
    _make_db(store_url, catalogue, demo_city, clock)
    store = EventStore(store_url, migrate=False)
    try:
        bad = store.last_seq() - 1
        with store.engine.begin() as conn:
            conn.execute(update(events_table).where(events_table.c.seq == bad)
                         .values(**corruption))
        with pytest.raises(CorruptEvent, match=f"event {bad} ") as info:
            load_state(store)
        assert info.value.seq == bad
        from dispatch.services.replay import Replayer

        def replay_all() -> None:
            r = Replayer.from_store(store, since_ts=0.0)
            r.prepare(None)
            r.state_at(len(r))

        with pytest.raises(CorruptEvent, match=f"event {bad} "):
            replay_all()
    finally:
        store.close()


# -------------------------------------------------------------- file modes (item 6)


@pytest.fixture
def loose_umask() -> Iterator[None]:
    old = os.umask(0o000)
    try:
        yield
    finally:
        os.umask(old)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_database_files_are_private(tmp_path: Path, loose_umask: None) -> None:
    from dispatch.adapters.settings import Settings

    data = tmp_path / "new" / "data"
    url = Settings(data_dir=data, db_url="").database_url
    assert _mode(data) == 0o700
    store = EventStore(url)
    db = data / "gridline.sqlite"
    with store.engine.begin() as conn:  # WAL: the -wal and -shm exist while connected
        conn.execute(text("CREATE TABLE IF NOT EXISTS t (x)"))
    with store.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        for p in (db, data / "gridline.sqlite-wal", data / "gridline.sqlite-shm"):
            assert p.exists(), p
            assert _mode(p) == 0o600, p
    store.close()


def test_an_old_loose_database_is_tightened(tmp_path: Path, loose_umask: None) -> None:
    db = tmp_path / "old.sqlite"
    sqlite3.connect(db).close()
    os.chmod(db, 0o644)
    EventStore(f"sqlite:///{db}").close()
    assert _mode(db) == 0o600
