"""City GeoJSON import/export: round trip, and every kind of bad file rejected as a whole."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import shapely

from dispatch.adapters.geojson_io.export import dumps_geojson, export_geojson, save_geojson
from dispatch.adapters.geojson_io.load import import_geojson, load_geojson
from dispatch.adapters.geojson_io.problems import CityImportError
from dispatch.domain.city.model import City, Level


def box(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    return {"type": "Polygon",
            "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def region(code: str, name: str, level: str, parent: str | None,
           geometry: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry,
            "properties": {"code": code, "name": name, "level": level, "parent": parent,
                           **extra}}


def tiny() -> dict[str, Any]:
    """City → district → street → community → two grids (features 0..5)."""
    whole = box(120.60, 31.30, 120.62, 31.31)
    return {"type": "FeatureCollection", "features": [
        region("320500", "苏州市", "city", None, whole),
        region("320508", "姑苏区", "district", "320500", whole),
        region("320508001", "双塔街道", "street", "320508", whole),
        region("320508001001", "定慧寺社区", "community", "320508001", whole),
        region("320508001001001", "定慧寺社区第01网格", "grid", "320508001001",
               box(120.60, 31.30, 120.61, 31.31), worker_id="W-1", worker_name="王芳"),
        region("320508001001002", "定慧寺社区第02网格", "grid", "320508001001",
               box(120.61, 31.30, 120.62, 31.31), area_kind="rural"),
    ]}


def problems_of(data: Any) -> list[str]:
    """The problems import reports; fails the test if the import succeeds."""
    with pytest.raises(CityImportError) as info:
        import_geojson(data)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.problems, "an import error must list its problems"
    for p in err.problems:
        assert str(p) in str(err) or len(err.problems) > 20
    return [str(p) for p in err.problems]


# -- valid files -------------------------------------------------------------------------------


def test_tiny_city_imports() -> None:
    city = import_geojson(tiny())
    assert (city.code, city.name) == ("320500", "苏州市")
    assert len(city.regions) == 6
    g1 = city.regions["320508001001001"]
    assert (g1.level, g1.parent, g1.worker_id, g1.worker_name, g1.area_kind) == (
        Level.GRID, "320508001001", "W-1", "王芳", "urban")
    assert city.regions["320508001001002"].area_kind == "rural"
    assert city.children("320508001001") == ["320508001001001", "320508001001002"]
    assert city.units == {}
    assert city.parts == {}


def test_lon_lat_crs_member_is_accepted() -> None:
    for name in ("urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"):
        data = tiny()
        data["crs"] = {"type": "name", "properties": {"name": name}}
        assert import_geojson(data).code == "320500"


def test_json_text_and_bytes_are_accepted() -> None:
    text = json.dumps(tiny(), ensure_ascii=False)
    assert len(import_geojson(text).regions) == 6
    assert len(import_geojson(text.encode("utf-8")).regions) == 6


def assert_same_city(a: City, b: City) -> None:
    assert (a.code, a.name) == (b.code, b.name)
    assert sorted(a.regions) == sorted(b.regions)
    for code, ra in a.regions.items():
        rb = b.regions[code]
        assert (ra.name, ra.level, ra.parent, ra.area_kind, ra.worker_id, ra.worker_name) == (
            rb.name, rb.level, rb.parent, rb.area_kind, rb.worker_id, rb.worker_name)
        assert shapely.equals_exact(ra.geometry, rb.geometry, tolerance=1e-9), code


def test_demo_city_round_trips_through_geojson(demo_city: City) -> None:
    data = export_geojson(demo_city)
    assert data["type"] == "FeatureCollection"
    kinds = [f["properties"]["kind"] for f in data["features"]]
    assert kinds.count("unit") == len(demo_city.units) > 0
    assert kinds.count("part") == len(demo_city.parts) > 0
    back = import_geojson(json.loads(json.dumps(data, ensure_ascii=False)))
    assert_same_city(demo_city, back)
    assert back.units == demo_city.units
    assert back.parts == demo_city.parts
    assert back.children(demo_city.code) == demo_city.children(demo_city.code)


def test_round_trip_through_a_file_and_export_is_stable(demo_city: City, tmp_path: Path) -> None:
    path = tmp_path / "city.geojson"
    save_geojson(demo_city, path)
    back = load_geojson(path)
    assert_same_city(demo_city, back)
    assert back.units == demo_city.units
    assert back.parts == demo_city.parts
    # exporting the re-imported city gives the same bytes
    assert dumps_geojson(back) == dumps_geojson(demo_city)
    assert path.read_text(encoding="utf-8") == dumps_geojson(demo_city) + "\n"


def test_file_without_units_and_parts_imports(demo_city: City) -> None:
    data = export_geojson(demo_city, assets=False)
    assert {f["properties"]["kind"] for f in data["features"]} == {"region"}
    back = import_geojson(data)
    assert_same_city(demo_city, back)
    assert back.units == {}
    assert back.parts == {}


def test_features_without_kind_are_regions() -> None:
    data = tiny()
    assert all("kind" not in f["properties"] for f in data["features"])
    data["features"][1]["properties"]["kind"] = "region"
    assert len(import_geojson(data).regions) == 6


def test_units_and_parts_import() -> None:
    data = tiny()
    data["features"] += [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.605, 31.305]},
         "properties": {"kind": "unit", "id": "U-police-1", "department": "police",
                        "unit_type": "patrol_car", "name": "姑苏巡逻警车001",
                        "home_grid": "320508001001001"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.615, 31.305]},
         "properties": {"kind": "part", "id": "P-camera-1", "part_type": "camera",
                        "grid": "320508001001002", "owner_department": "police",
                        "attributes": {"range_m": 80.0, "heading_deg": 90.0}}},
    ]
    city = import_geojson(data)
    assert city.units["U-police-1"].home_grid == "320508001001001"
    assert (city.units["U-police-1"].lon, city.units["U-police-1"].lat) == (120.605, 31.305)
    part = city.parts["P-camera-1"]
    assert (part.state, part.attributes) == ("intact", {"range_m": 80.0, "heading_deg": 90.0})


def test_part_owner_unit_and_maintainer_round_trip(demo_city: City) -> None:
    """所属单位 and 养护单位 go out and come back; a file without them (older exports) still
    imports, with both empty; anything but a string is refused."""
    part = next(iter(demo_city.parts.values()))
    assert part.owner_unit
    assert part.maintainer
    data = export_geojson(demo_city)
    props = next(f["properties"] for f in data["features"]
                 if f["properties"]["kind"] == "part" and f["properties"]["id"] == part.id)
    assert (props["owner_unit"], props["maintainer"]) == (part.owner_unit, part.maintainer)
    back = import_geojson(json.loads(json.dumps(data, ensure_ascii=False)))
    assert (back.parts[part.id].owner_unit, back.parts[part.id].maintainer) == (
        part.owner_unit, part.maintainer)

    old = tiny()
    old["features"].append(
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.615, 31.305]},
         "properties": {"kind": "part", "id": "P-bin-1", "part_type": "bin",
                        "grid": "320508001001002", "owner_department": "city_mgmt"}})
    bin_ = import_geojson(old).parts["P-bin-1"]
    assert (bin_.owner_unit, bin_.maintainer) == ("", "")
    exported = export_geojson(import_geojson(old))["features"][-1]["properties"]
    assert (exported["owner_unit"], exported["maintainer"]) == ("", "")

    old["features"][-1]["properties"].update(owner_unit=7, maintainer=None)
    assert problems_of(old) == [
        "feature 6 (P-bin-1): property 'owner_unit' must be a string or null, got 7"]


# -- bad files: each is rejected as a whole with a specific message ----------------------------


def test_invalid_json() -> None:
    [msg] = problems_of('{"type": "FeatureCollection", "features": [')
    assert msg.startswith("not valid JSON: ")


@pytest.mark.parametrize(("data", "message"), [
    ({"type": "Feature", "properties": {}, "geometry": None},
     "not a GeoJSON FeatureCollection (type is 'Feature')"),
    ([1, 2], "not a GeoJSON FeatureCollection (type is 'list')"),
    ({"type": "FeatureCollection"}, "the FeatureCollection has no 'features' list"),
])
def test_not_a_feature_collection(data: Any, message: str) -> None:
    assert problems_of(data) == [message]


def test_missing_properties() -> None:
    data = tiny()
    del data["features"][4]["properties"]["name"]
    del data["features"][5]["properties"]["level"]
    data["features"][3]["properties"] = None
    assert problems_of(data) == [
        "feature 3: missing properties",
        "feature 4 (320508001001001): missing property 'name'",
        "feature 5 (320508001001002): missing property 'level'",
    ]


def test_missing_parent_property_and_null_parent() -> None:
    data = tiny()
    del data["features"][2]["properties"]["parent"]
    data["features"][3]["properties"]["parent"] = None
    assert problems_of(data) == [
        "feature 2 (320508001): missing property 'parent' (null for the city)",
        "feature 3 (320508001001): a community needs a parent code",
    ]


def test_unknown_parent() -> None:
    data = tiny()
    p = data["features"][5]["properties"]
    p["code"], p["parent"] = "320508001009001", "320508001009"
    assert problems_of(data) == [
        "feature 5 (320508001009001): parent 320508001009 is not in the file"]


def test_parent_at_the_wrong_level() -> None:
    data = tiny()
    data["features"][5]["properties"]["parent"] = "320508001"
    assert problems_of(data) == [
        "feature 5 (320508001001002): parent 320508001 is a street; "
        "a grid's parent must be a community"]


def test_code_not_prefixed_by_the_parent_code() -> None:
    data = tiny()
    data["features"][5]["properties"]["code"] = "320508001002001"
    data["features"].append(region("330102", "上城区", "district", "320500",
                                   box(120.62, 31.30, 120.63, 31.31)))
    assert problems_of(data) == [
        "feature 5 (320508001002001): code 320508001002001 does not start with its parent's "
        "code 320508001001",
        "feature 6 (330102): code 330102 does not start with 3205, the prefix of its city "
        "320500",
    ]


def test_code_and_level_disagree() -> None:
    data = tiny()
    data["features"][4]["properties"]["level"] = "community"
    data["features"][5]["properties"]["level"] = "town"
    data["features"][2]["properties"]["code"] = "32050800"
    assert problems_of(data) == [
        "feature 2 (32050800): region code '32050800' has 8 digits; expected 6 (city or "
        "district), 9 (street), 12 (community) or 15 (grid)",
        "feature 4 (320508001001001): code 320508001001001 is a grid code (by its length) but "
        "level is 'community'",
        "feature 5 (320508001001002): unknown level 'town'; expected one of city, district, "
        "street, community, grid",
        # the street now has another code, so the community's parent is really missing
        "feature 3 (320508001001): parent 320508001 is not in the file",
    ]


def test_self_intersecting_polygon() -> None:
    data = tiny()
    data["features"][4]["geometry"] = {"type": "Polygon", "coordinates": [[
        [120.60, 31.30], [120.61, 31.31], [120.61, 31.30], [120.60, 31.31], [120.60, 31.30]]]}
    [msg] = problems_of(data)
    assert msg.startswith("feature 4 (320508001001001): invalid geometry: Self-intersection[")


def test_empty_polygon() -> None:
    data = tiny()
    data["features"][5]["geometry"] = {"type": "Polygon", "coordinates": []}
    assert problems_of(data) == ["feature 5 (320508001001002): empty geometry"]


def test_missing_or_wrong_geometry() -> None:
    data = tiny()
    data["features"][4]["geometry"] = None
    data["features"][5]["geometry"] = {"type": "Point", "coordinates": [120.6, 31.3]}
    data["features"][3]["geometry"] = {"type": "Polygon", "coordinates": [[[120.6, 31.3]]]}
    msgs = problems_of(data)
    assert msgs[0].startswith("feature 3 (320508001001): malformed Polygon coordinates: ")
    assert msgs[1:] == [
        "feature 4 (320508001001001): missing geometry",
        "feature 5 (320508001001002): geometry must be a Polygon or MultiPolygon, got 'Point'",
    ]


def test_duplicate_codes() -> None:
    data = tiny()
    data["features"].append(copy.deepcopy(data["features"][4]))
    assert problems_of(data) == [
        "feature 6 (320508001001001): duplicate code 320508001001001; first used by feature 4"]


def test_wrong_crs_member() -> None:
    data = tiny()
    data["crs"] = {"type": "name", "properties": {"name": "EPSG:3857"}}
    assert problems_of(data) == [
        "unsupported CRS EPSG:3857: coordinates must be lon/lat (CRS84 / EPSG:4326)"]


def test_coordinates_outside_lon_lat_range() -> None:
    data = tiny()
    # Web Mercator metres instead of degrees
    data["features"][5]["geometry"] = box(13_425_000, 3_670_000, 13_426_000, 3_671_000)
    assert problems_of(data) == [
        "feature 5 (320508001001002): coordinates outside the lon/lat range "
        "(x 1.3425e+07..1.3426e+07, y 3.67e+06..3.671e+06): the file must be in CRS84 / "
        "EPSG:4326"]


def test_city_count_and_city_parent() -> None:
    data = tiny()
    data["features"].pop(0)
    for f in data["features"]:
        if f["properties"]["level"] == "district":
            f["properties"]["parent"] = None
    msgs = problems_of(data)
    assert msgs == ["feature 0 (320508): a district needs a parent code",
                    "no city: exactly one feature must have level 'city'"]

    data = tiny()
    del data["features"][0]
    data["features"] = [f for f in data["features"] if f["properties"]["level"] == "grid"]
    data["features"][0]["properties"]["parent"] = None
    data["features"][1]["properties"]["parent"] = None
    assert problems_of(data) == [
        "feature 0 (320508001001001): a grid needs a parent code",
        "feature 1 (320508001001002): a grid needs a parent code",
        "no city: exactly one feature must have level 'city'",
    ]

    data = tiny()
    data["features"] = data["features"][1:]
    data["features"][0]["properties"]["parent"] = "320500"
    assert problems_of(data) == ["no city: exactly one feature must have level 'city'",
                                 "feature 0 (320508): parent 320500 is not in the file"]

    data = tiny()
    data["features"].append(region("320600", "南通市", "city", "320500",
                                   box(120.9, 31.9, 121.0, 32.0)))
    data["features"].append(region("320700", "连云港市", "city", None,
                                   box(119.2, 34.5, 119.3, 34.6)))
    assert problems_of(data) == [
        "feature 6 (320600): a city has no parent; got parent '320500'",
        "feature 7 (320700): a second city; the file already has city 320500",
    ]


def test_no_city_at_all() -> None:
    data = {"type": "FeatureCollection", "features": []}
    assert problems_of(data) == ["no city: exactly one feature must have level 'city'"]


def test_bad_optional_properties_and_kinds() -> None:
    data = tiny()
    data["features"][4]["properties"]["area_kind"] = "suburb"
    data["features"][5]["properties"]["worker_name"] = 42
    data["features"].append({"type": "Feature", "geometry": None,
                             "properties": {"kind": "vehicle", "id": "V1"}})
    data["features"].append({"type": "Polygon", "coordinates": []})
    assert problems_of(data) == [
        "feature 4 (320508001001001): area_kind must be 'urban' or 'rural', got 'suburb'",
        "feature 5 (320508001001002): property 'worker_name' must be a string or null, got 42",
        "feature 6 (V1): unknown kind 'vehicle'; expected one of region, unit, part",
        "feature 7: not a GeoJSON Feature",
    ]


def test_bad_units_and_parts() -> None:
    data = tiny()
    point = {"type": "Point", "coordinates": [120.605, 31.305]}
    unit = {"kind": "unit", "id": "U-police-1", "department": "police",
            "unit_type": "patrol_car", "name": "巡逻警车001", "home_grid": "320508001001001"}
    data["features"] += [
        {"type": "Feature", "geometry": point, "properties": {**unit, "home_grid": "320508001"}},
        {"type": "Feature", "geometry": point, "properties": {**unit, "id": "U-police-2",
                                                             "unit_type": None}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1e7, 3e6]},
         "properties": {**unit, "id": "U-police-3"}},
        {"type": "Feature", "geometry": point, "properties": {**unit, "id": "U-police-4"}},
        {"type": "Feature", "geometry": point, "properties": {**unit, "id": "U-police-4"}},
        {"type": "Feature", "geometry": point, "properties": {
            "kind": "part", "id": "P-bin-1", "part_type": "bin", "grid": "320508001001002",
            "owner_department": "city_mgmt", "state": "stolen", "attributes": []}},
        {"type": "Feature", "geometry": box(120.6, 31.3, 120.61, 31.31), "properties": {
            "kind": "part", "id": "P-bin-2", "part_type": "bin", "grid": "320508001001009",
            "owner_department": "city_mgmt"}},
        {"type": "Feature", "geometry": point, "properties": {
            "kind": "part", "id": "P-bin-3", "part_type": "bin", "grid": "320508001001009",
            "owner_department": "city_mgmt"}},
    ]
    assert problems_of(data) == [
        "feature 7 (U-police-2): missing property 'unit_type'",
        "feature 8 (U-police-3): point (1e+07, 3e+06) is outside the lon/lat range: the file "
        "must be in CRS84 / EPSG:4326",
        "feature 11 (P-bin-1): state must be one of intact, damaged, missing, occupied, "
        "got 'stolen'",
        "feature 11 (P-bin-1): attributes must be an object, got []",
        "feature 12 (P-bin-2): geometry must be a Point, got 'Polygon'",
        "feature 6 (U-police-1): home grid 320508001 is not a grid in the file",
        "feature 10 (U-police-4): duplicate unit id U-police-4",
        "feature 13 (P-bin-3): grid 320508001001009 is not a grid in the file",
    ]


def test_one_bad_grid_among_good_ones_rejects_the_whole_file(demo_city: City) -> None:
    data = export_geojson(demo_city)
    grids = [i for i, f in enumerate(data["features"])
             if f["properties"].get("level") == "grid"]
    bad = grids[len(grids) // 2]
    code = data["features"][bad]["properties"]["code"]
    data["features"][bad]["properties"]["parent"] = code[:9]
    with pytest.raises(CityImportError) as info:
        import_geojson(data)
    assert [(p.index, p.code) for p in info.value.problems] == [(bad, code)]
    assert "a grid's parent must be a community" in info.value.problems[0].message


def test_error_message_lists_at_most_twenty_problems() -> None:
    data = tiny()
    for i in range(30):
        data["features"].append({"type": "Feature", "geometry": None,
                                 "properties": {"kind": "unit", "id": f"U-x-{i}"}})
    with pytest.raises(CityImportError) as info:
        import_geojson(data)
    assert len(info.value.problems) == 30 * 5  # department, unit_type, name, home_grid, geometry
    text = str(info.value)
    assert text.startswith("invalid city file (150 problems):\n  feature 6 (U-x-0): ")
    assert text.endswith("... and 130 more")


def test_a_rejected_region_is_not_reported_again_as_a_missing_parent() -> None:
    data = tiny()
    data["features"][0]["geometry"] = {"type": "Polygon", "coordinates": []}
    data["features"][3]["geometry"] = box(120.62, 31.30, 120.6, 31.31)  # fine (orientation)
    data["features"][2]["properties"]["name"] = ""
    assert problems_of(data) == [
        "feature 2 (320508001): property 'name' must be a non-empty string, got ''",
        "feature 0 (320500): empty geometry",
    ]
