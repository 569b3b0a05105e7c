"""Gazetteer files: CSV and GeoJSON round trips, rows located in the city, bad rows refused
with their line numbers and nothing imported; the geocode command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dispatch.adapters.gazetteer_io import (
    GazetteerImportError,
    dumps_csv,
    dumps_geojson,
    export_geojson,
    parse_csv,
    parse_geojson,
    read_gazetteer,
    write_gazetteer,
)
from dispatch.domain.city.model import City
from dispatch.domain.gazetteer import Gazetteer, HouseRange, Kind
from dispatch.entrypoints.geocode import main as geocode_main
from dispatch.services.gazetteer_generator import generate_gazetteer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def gazetteer(demo_city: City) -> Gazetteer:
    return generate_gazetteer(demo_city, seed=1)


def a_point(city: City) -> tuple[float, float, str]:
    grid = city.regions[sorted(g.code for g in city.grids())[0]]
    p = grid.geometry.representative_point()
    return p.x, p.y, grid.code


def test_csv_round_trip(demo_city: City, gazetteer: Gazetteer, tmp_path: Path) -> None:
    assert parse_csv(dumps_csv(gazetteer), demo_city).entries == gazetteer.entries
    path = tmp_path / "g.csv"
    write_gazetteer(gazetteer, path)
    assert read_gazetteer(path, demo_city).entries == gazetteer.entries


def test_geojson_round_trip(demo_city: City, gazetteer: Gazetteer, tmp_path: Path) -> None:
    assert parse_geojson(dumps_geojson(gazetteer), demo_city).entries == gazetteer.entries
    path = tmp_path / "g.geojson"
    write_gazetteer(gazetteer, path)
    assert read_gazetteer(path, demo_city).entries == gazetteer.entries
    features = export_geojson(gazetteer)["features"]
    kinds = {(f["properties"]["kind"], f["geometry"]["type"]) for f in features}
    assert ("road", "LineString") in kinds
    assert ("poi", "Point") in kinds


def test_a_hand_written_csv(demo_city: City) -> None:
    lon, lat, grid = a_point(demo_city)
    x0, y0, x1, y1 = demo_city.regions[grid].geometry.bounds
    text = ("\ufeffid,name,kind,lon,lat,grid,aliases,category,from,to,parity,line\n"
            f"H1,苏州市立医院,poi,{lon},{lat},,市立医院|立医院,hospital,,,,\n"
            f"R1,测试路,road,,,,,,1|2,99|100,odd|even,{x0} {y0};{x1} {y1}\n"
            f"R2,\"测试巷\",ROAD,{lon},{lat},{grid},,,1,40,,{x0} {y0};{x1} {y1}\n")
    g = parse_csv(text, demo_city)
    h1, r1, r2 = g.entries
    assert (h1.grid, h1.aliases, h1.category) == (grid, ("市立医院", "立医院"), "hospital")
    assert h1.grid == demo_city.locate(lon, lat)
    assert r1.ranges == (HouseRange(1, 99, "odd"), HouseRange(2, 100, "even"))
    assert (r1.lon, r1.lat) == pytest.approx(((x0 + x1) / 2, (y0 + y1) / 2))  # the middle
    assert r1.grid == demo_city.locate(r1.lon, r1.lat)
    assert (r2.kind, r2.ranges) == (Kind.ROAD, (HouseRange(1, 40, "all"),))
    # only id, name and kind are required columns
    only = parse_csv(f"name,kind,id,lon,lat\n某点,poi,X,{lon},{lat}\n", demo_city)
    assert only.entries[0].grid == grid


def test_bad_csv_rows_are_refused_with_their_line_numbers(demo_city: City) -> None:
    lon, lat, _grid = a_point(demo_city)
    text = ("id,name,kind,lon,lat,grid,from,to,parity,line\n"
            f"A,好,poi,{lon},{lat},,,,,\n"                              # line 2: fine
            f"B,,poi,{lon},{lat},,,,,\n"                                # 3: no name
            f"C,坏,shop,{lon},{lat},,,,,\n"                             # 4: unknown kind
            f"D,坏,poi,abc,{lat},,,,,\n"                                # 5: lon not a number
            f"A,重,poi,{lon},{lat},,,,,\n"                              # 6: id of line 2
            "E,远,poi,0,0,,,,,\n"                                       # 7: outside the city
            f"F,坏,poi,{lon},{lat},320508,,,,\n"                        # 8: not a grid code
            f"G,坏,poi,{lon},{lat},320508999999999,,,,\n"               # 9: not the city's
            f"H,\"多\n行\",poi,{lon},{lat},,,,,\n"                      # 10-11: fine
            f"I,坏,road,{lon},{lat},,1|2,99,,\n"                        # 12: 2 from, 1 to
            f"J,坏,poi,{lon},{lat},,1,9,,{lon} {lat};{lon} {lat}\n"     # 13: a POI with a line
            f"K,坏,road,{lon},{lat},,2,10,odd,{lon} {lat};{lon} {lat}\n"  # 14: even in odd
            "L,坏,poi,,\n")                                             # 15: too few values
    with pytest.raises(GazetteerImportError) as info:
        parse_csv(text, demo_city)
    where = [w for w, _ in info.value.problems]
    assert where == [f"line {n}" for n in (3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15)]
    message = str(info.value)
    assert "nothing imported" in message
    assert "line 3: name: must not be empty" in message
    assert "line 4: kind: unknown kind 'shop'" in message
    assert "line 5: lon:" in message
    assert "line 6: id 'A' is already used on line 2" in message
    assert "line 7: the point 0.0 0.0 is outside every grid of the city" in message
    assert "line 9: grid 320508999999999 is not a grid of the city" in message
    assert "line 14: from/to/parity:" in message
    assert "odd" in message


def test_bad_header_is_refused(demo_city: City) -> None:
    with pytest.raises(GazetteerImportError, match="line 1: unknown column lng"):
        parse_csv("id,name,kind,lng,lat\n", demo_city)
    with pytest.raises(GazetteerImportError, match="line 1: missing column kind"):
        parse_csv("id,name,lon,lat\n", demo_city)
    with pytest.raises(GazetteerImportError, match="empty"):
        parse_csv("", demo_city)


def test_bad_geojson_features_are_refused_by_index(demo_city: City) -> None:
    lon, lat, _ = a_point(demo_city)
    good = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"id": "A", "name": "好", "kind": "poi"}}
    doc = {"type": "FeatureCollection", "features": [
        good,
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []},
         "properties": {"id": "B", "name": "坏", "kind": "poi"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"id": "C", "name": "坏", "kind": "poi", "colour": "red"}},
        {"type": "Feature", "geometry": {"type": "LineString",
                                         "coordinates": [[lon, lat], [lon, lat + 1e-4]]},
         "properties": {"id": "D", "name": "路", "kind": "road",
                        "ranges": [{"from": 1, "to": 9, "parity": "even"}]}},
    ]}
    with pytest.raises(GazetteerImportError) as info:
        parse_geojson(json.dumps(doc), demo_city)
    assert [w for w, _ in info.value.problems] == ["feature 1", "feature 2", "feature 3"]
    assert "colour" in str(info.value)
    with pytest.raises(GazetteerImportError, match="FeatureCollection"):
        parse_geojson("[]", demo_city)
    doc["features"] = [good]
    assert parse_geojson(doc, demo_city).entries[0].id == "A"


def test_geocode_prints_json_lines(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "main.py", "geocode", "观前街18号", "gqj", "--limit", "3",
         "--export", str(tmp_path / "g.csv")],
        cwd=ROOT, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    rows = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [r["query"] for r in rows] == ["观前街18号"] * 3 + ["gqj"] * 3
    first = rows[0]
    assert (first["name"], first["kind"], first["house_number"]) == ("观前街18号", "address", 18)
    assert {"lon", "lat", "grid", "community", "street", "district", "score"} <= first.keys()
    assert len(first["grid"]) == 15
    assert first["grid"].startswith("320508")
    assert rows[3]["name"] == "观前街"
    assert (tmp_path / "g.csv").read_text(encoding="utf-8").startswith("id,name,kind,")


def test_geocode_reads_a_gazetteer_file_and_refuses_a_bad_one(
        tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes], demo_city: City) -> None:
    lon, lat, grid = a_point(demo_city)
    good = tmp_path / "centre.csv"
    good.write_text(f"id,name,kind,lon,lat\nX1,中心大楼,building,{lon},{lat}\n", encoding="utf-8")
    assert geocode_main(["zxdl", "--gazetteer", str(good)]) == 0
    row = json.loads(capsysbinary.readouterr().out.decode("utf-8").splitlines()[0])
    assert (row["name"], row["grid"]) == ("中心大楼", grid)
    assert geocode_main(["没有这个地方", "--gazetteer", str(good)]) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,kind,lon,lat\nX1,,building,1,2\n", encoding="utf-8")
    assert geocode_main(["x", "--gazetteer", str(bad)]) == 2
    assert "line 2: name: must not be empty" in capsysbinary.readouterr().err.decode("utf-8")
