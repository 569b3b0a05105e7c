"""Tile sources (settings, ``--tiles``), offline tiles from a folder or an MBTiles file behind
the gridline:// scheme, the page's tile layers, and the coordinate shift of a GCJ-02 display:
all without a page (the page itself: test_map_basemap.py)."""

from __future__ import annotations

import json
import sqlite3
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dispatch.domain.crs import Crs, to_display, wgs_to_gcj
from maps.basemap import Place, basemap_features, road_class, validate_basemap
from maps.display import Display, wgs_to_gcj_arrays
from maps.layers import MapLayers
from maps.markers import MarkerFeed
from maps.page import PageOptions, build_page
from maps.scheme import MapSchemeHandler
from maps.tile_store import FolderTiles, MBTilesTiles, parse_tile_request
from maps.tiles import (
    TileKind,
    TileSourceError,
    crs_of,
    load_sources,
    parse_tile_spec,
    source,
    tianditu_sources,
)

pytestmark = pytest.mark.ui

TIANDITU_VEC = ("https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
                "&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=YOUR_KEY")


def png(rgb: tuple[int, int, int] = (200, 30, 30), size: int = 256) -> bytes:
    """A solid-colour PNG."""
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_mbtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], *,
                 fmt: str = "png", name: str = "城区影像") -> Path:
    """An MBTiles file; ``tiles`` by XYZ (z, x, y), stored in TMS rows as the spec says."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
               "tile_data BLOB)")
    db.executemany("INSERT INTO metadata VALUES (?, ?)",
                   [("name", name), ("format", fmt), ("minzoom", "10"), ("maxzoom", "16"),
                    ("attribution", "市测绘院")])
    db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                   [(z, x, (1 << z) - 1 - y, data) for (z, x, y), data in tiles.items()])
    db.commit()
    db.close()
    return path


def make_folder(root: Path, tiles: dict[tuple[int, int, int], bytes], ext: str = "png") -> Path:
    for (z, x, y), data in tiles.items():
        (root / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
        (root / str(z) / str(x) / f"{y}.{ext}").write_bytes(data)
    return root


# ------------------------------------------------------------------------- sources


def test_tianditu_gives_vector_base_and_annotation_over_wmts() -> None:
    vec, cva = tianditu_sources("YOUR_KEY")
    assert vec.tile_url() == TIANDITU_VEC
    assert cva.tile_url() == TIANDITU_VEC.replace("vec_w", "cva_w").replace("LAYER=vec",
                                                                            "LAYER=cva")
    assert (vec.overlay, cva.overlay) == (False, True)
    assert vec.crs is cva.crs is Crs.WGS84  # CGCS2000: no shift
    assert vec.subdomains == "01234567"
    assert parse_tile_spec("tianditu:YOUR_KEY") == [vec, cva]
    with pytest.raises(TileSourceError, match="key"):
        tianditu_sources("a key&x=1")


def test_wmts_endpoint_is_written_as_a_kvp_template() -> None:
    src = source(name="city", kind="wmts", url="https://gis.city.local/wmts?token=1",
                 layer="img", tilematrixset="GoogleMapsCompatible", format="image/jpeg")
    assert src.tile_url() == (
        "https://gis.city.local/wmts?token=1&SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=img&STYLE=default&TILEMATRIXSET=GoogleMapsCompatible&FORMAT=image/jpeg"
        "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}")


def test_shorthands() -> None:
    (xyz,) = parse_tile_spec("https://tiles.city.local/{z}/{x}/{y}.png")
    assert (xyz.kind, xyz.name, xyz.crs) == (TileKind.XYZ, "city", Crs.WGS84)
    (amap,) = parse_tile_spec("gcj02:https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn"
                              "&size=1&scale=1&style=8&x={x}&y={y}&z={z}")
    assert (amap.crs, amap.name) == (Crs.GCJ02, "autonavi")
    assert crs_of([xyz, amap], "autonavi") is Crs.GCJ02
    assert crs_of([xyz, amap], "basemap") is Crs.WGS84
    both = load_sources(["https://a.city.local/{z}/{x}/{y}.png",
                         "https://b.city.local/{z}/{x}/{y}.png"])
    assert [s.name for s in both] == ["city", "city-2"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": "t", "kind": "xyz", "url": "https://x.local/tile.png"}, r"url: .*\{z\}"),
    ({"name": "t", "kind": "xyz", "url": "file:///etc/{z}/{x}/{y}"}, r"'t': url: .*http"),
    ({"name": "t", "kind": "xyz", "url": "https://x/{z}/{x}/{y}</script>"}, "url: must not"),
    ({"name": "T t", "kind": "xyz", "url": "https://x/{z}/{x}/{y}"}, "name: must be"),
    ({"name": "basemap", "kind": "xyz", "url": "https://x/{z}/{x}/{y}"}, "built-in"),
    ({"name": "t", "kind": "wmts", "url": "https://x/wmts"}, "layer, tilematrixset"),
    ({"name": "t", "kind": "mbtiles"}, "path: a mbtiles source needs a path"),
    ({"name": "t", "kind": "xyz", "url": "https://x/{z}/{x}/{y}", "crs": "bd09"}, "crs"),
    ({"name": "t", "kind": "xyz", "url": "https://x/{z}/{x}/{y}", "opacity": 2}, "opacity"),
    ({"name": "t", "kind": "xyz", "url": "https://x/{z}/{x}/{y}", "min_zoom": 9,
      "max_zoom": 3}, "min_zoom 9 is above max_zoom 3"),
    ({"name": "t", "kind": "xyz", "url": "https://x/{z}/{x}/{y}",
      "attribution": "<img src=x>"}, "attribution: must not contain"),
    ({"name": "t", "kind": "vector", "url": "https://x/{z}/{x}/{y}"}, "kind"),
])
def test_a_bad_source_names_its_field_and_why(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(TileSourceError, match=message):
        source(**fields)


def test_bad_specs_say_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(TileSourceError, match="expected an http"):
        parse_tile_spec("ftp://tiles/{z}/{x}/{y}")
    with pytest.raises(TileSourceError, match="is not a folder"):
        parse_tile_spec(f"folder:{tmp_path / 'nope'}")
    with pytest.raises(TileSourceError, match="no tiles in"):
        parse_tile_spec(f"folder:{tmp_path}")
    (tmp_path / "x.mbtiles").write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(TileSourceError, match="not an MBTiles file"):
        parse_tile_spec(f"mbtiles:{tmp_path / 'x.mbtiles'}")
    vector = make_mbtiles(tmp_path / "v.mbtiles", {}, fmt="pbf")
    with pytest.raises(TileSourceError, match="vector tiles"):
        parse_tile_spec(f"mbtiles:{vector}")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"name": "ok", "kind": "xyz", "url": "https://x/{z}/{x}/{y}",
                                "colour": "red"}]))
    with pytest.raises(TileSourceError, match="'ok': colour: Extra inputs"):
        parse_tile_spec(str(bad))


def test_a_toml_file_of_sources(tmp_path: Path) -> None:
    make_mbtiles(tmp_path / "ortho.mbtiles", {(12, 3425, 1663): png()})
    (tmp_path / "sources.toml").write_text('''
[[sources]]
preset = "tianditu"
key = "0123abcd"

[[sources]]
name = "ortho"
kind = "mbtiles"
path = "ortho.mbtiles"
opacity = 0.8

[[sources]]
name = "amap"
kind = "xyz"
url = "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=8"
subdomains = "1234"
crs = "gcj02"
''', encoding="utf-8")
    sources = load_sources([str(tmp_path / "sources.toml")])
    assert [s.name for s in sources] == ["tianditu-vec", "tianditu-cva", "ortho", "amap"]
    ortho = sources[2]
    assert ortho.path == tmp_path / "ortho.mbtiles"
    assert (ortho.min_zoom, ortho.max_zoom, ortho.attribution, ortho.opacity) == (
        10, 16, "市测绘院", 0.8)
    assert ortho.tile_url() == "tiles/ortho/{z}/{x}/{y}"
    assert sources[3].crs is Crs.GCJ02


# ------------------------------------------------------------------- offline tiles


def test_tile_requests_are_numbers_only() -> None:
    assert parse_tile_request("ortho/12/3425/1663") == ("ortho", 12, 3425, 1663)
    assert parse_tile_request("ortho/12/3425/1663.png") == ("ortho", 12, 3425, 1663)
    for bad in ("../ortho/1/0/0", "ortho/1/0/../../etc", "ortho/1/2/0", "ortho/25/0/0",
                "Ortho/1/0/0", "ortho/1/0", "ortho/1/0/0/0", "ortho/-1/0/0", "ortho/1/0/0.exe"):
        assert parse_tile_request(bad) is None, bad


def test_mbtiles_rows_are_flipped_from_tms(tmp_path: Path) -> None:
    red, blue = png((200, 30, 30)), png((30, 30, 200))
    path = make_mbtiles(tmp_path / "t.mbtiles", {(3, 2, 1): red, (3, 2, 6): blue})
    reader = MBTilesTiles(path)
    assert reader.tile(3, 2, 1) == (b"image/png", red)
    assert reader.tile(3, 2, 6) == (b"image/png", blue)
    assert reader.tile(3, 2, 2) is None
    with sqlite3.connect(path) as db:  # stored as TMS: row 7 - 1 = 6 holds XYZ y 1
        assert db.execute("SELECT tile_data FROM tiles WHERE tile_row=6").fetchone()[0] == red
    reader.close()


def test_folder_tiles_stay_inside_their_folder(tmp_path: Path) -> None:
    root = make_folder(tmp_path / "tiles", {(3, 2, 1): png(), (3, 2, 2): b"JPEG"}, ext="png")
    (root / "3" / "2" / "2.png").rename(root / "3" / "2" / "2.jpg")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    (root / "3" / "2" / "5.png").symlink_to(secret)
    reader = FolderTiles(root, "png")
    assert reader.tile(3, 2, 1) == (b"image/png", png())
    assert reader.tile(3, 2, 2) == (b"image/jpeg", b"JPEG")
    assert reader.tile(3, 2, 5) is None  # a link out of the folder
    assert reader.tile(3, 2, 3) is None


def test_scheme_serves_offline_tiles_and_nothing_else(tmp_path: Path) -> None:
    red = png()
    (mb,) = parse_tile_spec(f"mbtiles:{make_mbtiles(tmp_path / 'ortho.mbtiles', {(12, 3425, 1663): red})}")
    (folder,) = parse_tile_spec(f"folder:{make_folder(tmp_path / 'streets', {(5, 1, 2): red})}")
    handler = MapSchemeHandler()
    assert handler.add_tile_source(mb) == "gridline://map/tiles/ortho/{z}/{x}/{y}"
    handler.add_tile_source(folder)
    assert handler.resource("tiles/ortho/12/3425/1663") == (b"image/png", red)
    assert handler.resource("tiles/streets/5/1/2") == (b"image/png", red)
    for missing in ("tiles/ortho/12/3425/1664", "tiles/other/5/1/2", "tiles/streets/../x",
                    "tiles/streets/5/1/2/../../../secret", "tiles/"):
        assert handler.resource(missing) is None, missing
    with pytest.raises(ValueError, match="not an offline"):
        handler.add_tile_source(tianditu_sources("k")[0])


# ----------------------------------------------------------------------- the page


def test_page_has_a_tile_layer_per_source_and_the_basemap_glue() -> None:
    plain = build_page()
    assert 'src="assets/basemap_draw.js"' in plain
    assert 'src="assets/basemap.js"' in plain
    assert 'href="assets/basemap.css"' in plain
    assert "GLBase.init(" in plain
    assert PageOptions().initial_base() == "basemap"
    vec, cva = tianditu_sources("YOUR_KEY")
    opts = PageOptions(theme="light", tiles=(vec, cva), texts=(("basemap", "离线地图"),))
    html = build_page(opts)
    assert html.count("L.tileLayer(") == 2
    assert json.dumps(TIANDITU_VEC) in html
    assert opts.initial_base() == "tianditu-vec"
    assert opts.page_name() != PageOptions(theme="light", tiles=(vec,)).page_name()
    with pytest.raises(ValueError, match="unknown base layer"):
        PageOptions(tiles=(vec, cva), base="tianditu-cva")
    with pytest.raises(ValueError, match="unknown overlay"):
        PageOptions(tiles=(vec,), overlays=("tianditu-cva",))
    with pytest.raises(ValueError, match="must not repeat"):
        PageOptions(tiles=(vec, vec))


# --------------------------------------------------------------- the display shift


def test_columns_shift_exactly_as_the_single_point_transform() -> None:
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(119.5, 121.5, 5000), rng.uniform(30.5, 32.0, 5000)
    lon[0], lat[0] = 2.35, 48.85  # Paris: outside China, unchanged
    x, y = wgs_to_gcj_arrays(lon, lat)
    want = np.array([wgs_to_gcj(a, b) for a, b in zip(lon, lat, strict=True)])
    assert np.abs(x - want[:, 0]).max() < 1e-9
    assert np.abs(y - want[:, 1]).max() < 1e-9
    assert (x[0], y[0]) == (2.35, 48.85)


def test_display_shifts_everything_going_out_and_back() -> None:
    gcj, wgs = Display(Crs.GCJ02), Display()
    fc: dict[str, Any] = {"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"code": "G1", "center": [31.3, 120.6]},
        "geometry": {"type": "Polygon", "coordinates": [[[120.6, 31.3], [120.61, 31.3],
                                                         [120.61, 31.31], [120.6, 31.3]]]}}]}
    assert wgs.feature_collection(fc) is fc  # WGS84: the same object, nothing copied
    shifted = gcj.feature_collection(fc)
    ring = shifted["features"][0]["geometry"]["coordinates"][0]
    assert ring[1] == pytest.approx(list(to_display(Crs.GCJ02, 120.61, 31.3)), abs=1e-12)
    glon, glat = to_display(Crs.GCJ02, 120.6, 31.3)
    assert shifted["features"][0]["properties"]["center"] == pytest.approx([glat, glon])
    assert fc["features"][0]["geometry"]["coordinates"][0][1] == [120.61, 31.3]  # untouched
    row: tuple[object, ...] = ("P1", "camera", 31.3, 120.6, {})
    assert gcj.rows([row], 2)[0] == ("P1", "camera", glat, glon, {})
    lat, lon = gcj.back(glat, glon)
    assert (lat, lon) == pytest.approx((31.3, 120.6), abs=1e-9)  # ~0.1 mm


def test_layers_and_markers_write_shifted_calls_and_keep_wgs84() -> None:
    display = Display(Crs.GCJ02)
    layers, markers = MapLayers(display), MarkerFeed(display)
    glon, glat = to_display(Crs.GCJ02, 120.6, 31.3)
    call = layers.focus(31.3, 120.6)
    assert call == f"GL.focus({glat:.6f},{glon:.6f},1.5,18)"
    markers.update_units([("U1", 31.3, 120.6, "available")])
    markers.update_incidents([("I1", 31.3, 120.6, "urgent", False, "井盖")])
    script = markers.take_changes()
    assert script is not None
    units = json.loads(script.split("GL.applyUnitColumns(")[1].split(");")[0])
    assert (units["lat"][0], units["lon"][0]) == pytest.approx((glat, glon), abs=1e-12)
    incidents = json.loads(script.split("GL.applyIncidents(")[1].rsplit(");", 1)[0])
    assert incidents["upsert"][0][1:3] == pytest.approx([glat, glon], abs=1e-12)
    assert markers.unit_rows()["U1"] == ("U1", 31.3, 120.6, "available")  # kept in WGS84
    layers.fit_city()
    _before, after = layers.replay_calls(view=False)
    assert "GL.fitCity()" not in after
    assert all(not c.startswith("GL.focus") for c in after)


# ------------------------------------------------------------------- the basemap


def test_basemap_keeps_roads_and_named_places_only() -> None:
    entries = [
        Place("干将路", "road", 120.6, 31.3, [(120.60, 31.30), (120.61, 31.30), (120.61, 31.30)]),
        Place("人民大道", "road", 120.6, 31.3, [(120.60, 31.31), (120.62, 31.31)]),
        Place("十全巷", "road", 120.6, 31.3, [(120.60, 31.32), (120.601, 31.32)]),
        Place("断头路", "road", 120.6, 31.3, [(120.60, 31.33)]),  # one point: no line
        Place("姑苏区", "district", 120.62, 31.31),
        Place("新苑小区", "compound", 120.61, 31.305),
        Place("新苑小区", "compound", 120.61, 31.305),  # the same twice
        Place("1号楼", "building", 120.61, 31.305),
        Place("井盖", "part", 120.61, 31.305),
        Place("第01网格", "grid", 120.61, 31.305),
        Place("", "poi", 120.61, 31.305),
        Place("坏点", "poi", float("nan"), 31.3),
        Place("观前街", "street", 120.63, 31.32),
    ]
    fc = basemap_features(entries)
    validate_basemap(fc)
    props = [(f["geometry"]["type"], f["properties"]) for f in fc["features"]]
    assert props == [
        ("LineString", {"name": "干将路", "class": "secondary"}),
        ("LineString", {"name": "人民大道", "class": "main"}),
        ("LineString", {"name": "十全巷", "class": "lane"}),
        ("Point", {"name": "姑苏区", "kind": "district"}),
        ("Point", {"name": "观前街", "kind": "street"}),
        ("Point", {"name": "新苑小区", "kind": "compound"}),
    ]
    assert fc["features"][0]["geometry"]["coordinates"] == [[120.6, 31.3], [120.61, 31.3]]
    assert road_class("环城路", "main") == "main"
    with pytest.raises(ValueError, match="class"):
        validate_basemap({"type": "FeatureCollection", "features": [{
            "type": "Feature", "geometry": {"type": "LineString", "coordinates": []},
            "properties": {"name": "x", "class": "motorway"}}]})
