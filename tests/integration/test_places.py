"""The city's places on a live server, on SQLite and PostgreSQL: the gazetteer stored with the
city at bootstrap, the place index built off the loop (``unavailable`` until then), the
``geocode`` and ``basemap`` queries for every role that reads the city, their refusals."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from dispatch.adapters.security.operators import read_audit
from dispatch.domain.errors import InvalidCommand, Unavailable
from tests.integration.conftest import RunningServer

PLACES_TIMEOUT_S = 60.0


def ready(rs: RunningServer) -> RunningServer:
    assert rs.server.places.wait(PLACES_TIMEOUT_S), rs.server.places.error
    return rs


@pytest.fixture
def gated(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Hold the place index's build until the test sets the event."""
    import dispatch.adapters.server.places as places

    gate = threading.Event()
    real = places.Geocoder

    def held(*args: Any, **kwargs: Any) -> Any:
        assert gate.wait(PLACES_TIMEOUT_S), "the test never opened the gate"
        return real(*args, **kwargs)

    monkeypatch.setattr(places, "Geocoder", held)
    yield gate
    gate.set()


def test_geocode_is_unavailable_until_the_index_is_built(
        store_url: str, server_factory: Callable[..., RunningServer],
        gated: threading.Event) -> None:
    rs = server_factory(store_url)
    c = rs.client("lead")
    assert c.query("ping")  # everything else is answered meanwhile
    with pytest.raises(Unavailable, match=r"place search is not ready.*place index"):
        c.geocode("观前街")
    gated.set()
    ready(rs)
    places = c.geocode("观前街", limit=3)
    top = places[0]
    assert (top["name"], top["kind"], top["match"]) == ("观前街", "road", "exact")
    assert top["district_name"] == "姑苏区"
    assert top["grid"].startswith(top["community"])
    assert top["community"].startswith(top["street"])
    assert top["street"].startswith(top["district"])
    assert len(top["line"]) >= 2
    assert all(len(p) == 2 for p in top["line"])


def test_geocode_rows_pinyin_typos_and_house_numbers(server_running: RunningServer) -> None:
    rs = ready(server_running)
    c = rs.client("lead")
    keys = {"name", "kind", "lon", "lat", "grid", "community", "street", "district", "score",
            "community_name", "street_name", "district_name"}
    for q in ("gqj", "guanqianjie", "观钱街"):
        top = c.geocode(q, limit=5)[0]
        assert top["name"] == "观前街", q
        assert keys <= set(top)
    house = c.geocode("观前街 18 号", limit=1)[0]
    assert house["name"] == "观前街18号"
    assert house["house_number"] == 18
    city = rs.server.engine.city
    assert city.locate(house["lon"], house["lat"]) == house["grid"]
    assert house["community_name"] == city.regions[house["community"]].name
    many = c.geocode("观前街", limit=50)
    assert 10 < len(many) <= 50
    assert c.geocode("zzzzqqqxxx", limit=5) == []


def test_geocode_bad_arguments_are_refused_and_audited(server_running: RunningServer) -> None:
    rs = ready(server_running)
    c = rs.client("lead", workstation="ws-places")
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "missing argument 'q'"),
        ({"q": "x" * 101}, "101 characters long; at most 100"),
        ({"q": " ·, "}, "nothing to search for"),
        ({"q": "观前街", "limit": 0}, "limit must be 1 to 50"),
        ({"q": "观前街", "limit": 51}, "limit must be 1 to 50"),
        ({"q": "观前街", "limit": "3"}, "geocode.limit"),
        ({"q": 18}, "geocode.q"),
        ({"q": "观前街", "near": "here"}, "unknown argument(s) near"),
    ]
    for args, message in cases:
        with pytest.raises(InvalidCommand) as err:
            c.request("geocode", args)
        assert message in err.value.message, (args, err.value.message)
    with pytest.raises(InvalidCommand, match="unknown argument"):
        c.request("basemap", {"roads": True})
    store = rs.server.store
    assert store is not None
    import time

    deadline = time.monotonic() + 5
    refused: list[Any] = []
    while time.monotonic() < deadline and len(refused) < len(cases) + 1:
        refused = [e for e in read_audit(store.engine, operator="lead", action="refused")
                   if e.workstation == "ws-places"]
        time.sleep(0.05)
    assert len(refused) == len(cases) + 1
    assert all('"error": "invalid"' in e.detail or '"error":"invalid"' in e.detail
               for e in refused)


@pytest.mark.parametrize("user", ["disp", "wall", "field", "admin", "lead"])
def test_every_role_that_reads_the_city_searches_the_whole_city(
        server_running: RunningServer, user: str) -> None:
    rs = ready(server_running)
    c = rs.client(user)
    scope = c.login_info.scope if c.login_info is not None else ""
    gazetteer = rs.server.places.gazetteer
    assert gazetteer is not None
    # a compound outside the dispatcher's district: addresses are not limited to a region
    disp = rs.client("disp").login_info
    assert disp is not None
    assert disp.scope
    other = next(e for e in gazetteer if e.kind.value == "compound"
                 and not e.grid.startswith(disp.scope))
    got = c.geocode(other.name, limit=3)
    assert any(p["id"] == other.id for p in got), (user, scope, got)
    if user == "disp":
        assert scope
        assert not other.grid.startswith(scope)


def test_basemap_gives_roads_and_named_places(server_running: RunningServer) -> None:
    rs = ready(server_running)
    wall = rs.client("wall")
    entries = wall.basemap()
    kinds = {e["kind"] for e in entries}
    assert kinds == {"road", "district", "street", "community", "compound", "poi"}
    roads = [e for e in entries if e["kind"] == "road"]
    assert any(r["name"] == "观前街" for r in roads)
    assert {r["class"] for r in roads} <= {"arterial", "road", "lane"}
    assert all(len(r["line"]) >= 2 for r in roads)
    places = [e for e in entries if e["kind"] != "road"]
    assert all({"name", "lon", "lat", "category"} <= set(p) for p in places)
    gazetteer = rs.server.places.gazetteer
    assert gazetteer is not None
    assert len(roads) == sum(1 for e in gazetteer if e.kind.value == "road")
    again = rs.client("disp").query("basemap")  # cached, and not limited to a region
    assert again["count"] == len(entries)


def test_a_new_database_stores_the_gazetteer_once(store_url: str, catalogue: Any,
                                                  demo_city: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import dispatch.adapters.bootstrap as bootstrap
    from dispatch.adapters.store import EventStore
    from dispatch.services.gazetteer_generator import generate_gazetteer

    made: list[int] = []

    def counting(city: Any, seed: int = 1) -> Any:
        made.append(seed)
        return generate_gazetteer(city, seed)

    monkeypatch.setattr(bootstrap, "generate_gazetteer", counting)
    store = EventStore(store_url)
    try:
        bootstrap.open_engine(store, catalogue=catalogue, city=demo_city, seed=1)
        info = store.gazetteer_info()
        assert info is not None
        assert info["city_code"] == demo_city.code
        assert info["source"] == f"generated from city {demo_city.code}, seed 1"
        first = store.load_gazetteer()
        assert first is not None
        assert len(first) == info["entries"]
        # bootstrap again on the same database: the same gazetteer, not regenerated
        bootstrap.open_engine(store, catalogue=catalogue, seed=1)
        assert made == [1]
        assert store.gazetteer_info() == info
        assert store.load_gazetteer() == first
    finally:
        store.close()


def test_0004_adds_the_gazetteer_table_and_keeps_the_city(store_url: str, demo_city: Any
                                                           ) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, inspect

    from dispatch.adapters.geojson_io.export import export_geojson
    from dispatch.adapters.store import EventStore
    from dispatch.adapters.store.migrations import alembic_config, upgrade
    from dispatch.domain.gazetteer import Entry, Gazetteer, HouseRange, Kind

    cfg = alembic_config()
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head()
    assert head is not None
    assert "0004" in {r.revision for r in script.walk_revisions("base", head)}
    engine = create_engine(store_url)
    try:
        upgrade(engine, "0003")
        assert "gazetteers" not in inspect(engine).get_table_names()
        old = EventStore(store_url, migrate=False)
        assert old.gazetteer_info() is None  # the database predates gazetteers
        assert old.load_gazetteer() is None
        old.save_city(demo_city.code, demo_city.name, export_geojson(demo_city))
        old.close()
        store = EventStore(store_url)  # an existing database is brought to head on open
        assert {c["name"] for c in inspect(engine).get_columns("gazetteers")} == {
            "city_code", "format", "entries", "source", "created_at", "data"}
        assert store.load_city_geojson() is not None
        grid = next(iter(demo_city.grids())).code
        road = Entry("RD1", "观前街", Kind.ROAD, 120.61, 31.30, grid, aliases=("观前",),
                     category="road", line=((120.61, 31.30), (120.62, 31.31)),
                     ranges=(HouseRange(1, 99, "odd"),))
        gaz = Gazetteer((road, Entry("P1", "姑苏科技园", Kind.POI, 120.62, 31.3, grid)))
        store.save_gazetteer(demo_city.code, gaz, "a test")
        store.save_gazetteer(demo_city.code, gaz, "again")  # replaces, never two
        assert store.load_gazetteer() == gaz
        info = store.gazetteer_info()
        assert info is not None
        assert (info["entries"], info["source"]) == (2, "again")
        store.close()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0003")
        names = set(inspect(engine).get_table_names())
        assert "gazetteers" not in names
        assert "cities" in names
    finally:
        engine.dispose()


# ------------------------------------------------------------------------ the command line

def test_geocode_cli_reads_and_imports_into_a_stored_database(
        store_url: str, tmp_path: Any, catalogue: Any, demo_city: Any,
        capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    import json

    from dispatch.adapters.bootstrap import open_engine
    from dispatch.adapters.store import EventStore
    from dispatch.entrypoints.geocode import main as geocode_main

    sqlite = store_url.startswith("sqlite")
    url = f"sqlite:///{tmp_path / 'gridline.sqlite'}" if sqlite else store_url
    where = ["--data-dir", str(tmp_path)] if sqlite else ["--db", url]
    store = EventStore(url)
    open_engine(store, catalogue=catalogue, city=demo_city, seed=1)
    store.close()

    def rows() -> list[dict[str, Any]]:
        out = capsysbinary.readouterr().out.decode("utf-8")
        return [json.loads(line) for line in out.splitlines()]

    assert geocode_main(["观前街", "--limit", "1", *where]) == 0
    assert rows()[0]["name"] == "观前街"
    p = demo_city.regions[next(iter(demo_city.grids())).code].geometry.representative_point()
    centre = tmp_path / "centre.csv"
    centre.write_text(f"id,name,kind,lon,lat\nX1,中心大楼,building,{p.x},{p.y}\n",
                      encoding="utf-8")
    assert geocode_main(["--import", str(centre), *where]) == 0
    assert "stored 1 entries (1 building) from centre.csv" in \
        capsysbinary.readouterr().err.decode("utf-8")
    assert geocode_main(["zxdl", *where]) == 0  # the stored one now, not a generated one
    assert rows()[0]["name"] == "中心大楼"
    assert geocode_main(["观前街", *where]) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,kind,lon,lat\nX2,,building,1,2\n", encoding="utf-8")
    assert geocode_main(["--import", str(bad), *where]) == 2
    assert "line 2: name: must not be empty" in capsysbinary.readouterr().err.decode("utf-8")
    assert geocode_main(["zxdl", *where]) == 0  # nothing imported: still the one before
    assert rows()[0]["name"] == "中心大楼"


def test_geocode_cli_falls_back_to_generating(tmp_path: Any,
                                              capsysbinary: pytest.CaptureFixture[bytes]
                                              ) -> None:
    from dispatch.entrypoints.geocode import main as geocode_main

    assert geocode_main(["观前街", "--limit", "1", "--data-dir", str(tmp_path / "none")]) == 0
    got = capsysbinary.readouterr()
    assert "no city stored at" in got.err.decode("utf-8")
    assert b'"name":"\xe8\xa7\x82\xe5\x89\x8d\xe8\xa1\x97"' in got.out  # 观前街
    assert not (tmp_path / "none").exists()  # reading creates nothing
    with pytest.raises(SystemExit):
        geocode_main(["--import", str(tmp_path / "x.csv")])
