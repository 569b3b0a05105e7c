"""The geocoder on a fixed, hand-made gazetteer: normalisation, the ranking's tiers and
tie-breaks, pinyin, initials, typos, and house numbers placed along their road."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box

from dispatch.domain.city.model import City, Level, Region
from dispatch.domain.gazetteer import (
    Entry,
    Gazetteer,
    Geocoder,
    HouseRange,
    Kind,
    Result,
    house_point,
    keys_of,
    normalize,
    split_number,
)

# Four grids around a west-east road along lat 31.300, from lon 120.600 to 120.640:
# 001 north-west, 002 south-west, 003 north-east, 004 south-east.
W, MID, E = 120.60, 120.62, 120.64
S, ROAD_LAT, N = 31.29, 31.30, 31.31
GRIDS = {"320508001001001": box(W, ROAD_LAT, MID, N), "320508001001002": box(W, S, MID, ROAD_LAT),
         "320508001001003": box(MID, ROAD_LAT, E, N), "320508001001004": box(MID, S, E, ROAD_LAT)}
LINE = ((W, ROAD_LAT), (MID, ROAD_LAT), (E, ROAD_LAT))


def small_city() -> City:
    whole = box(W, S, E, N)
    regions = {
        "320500": Region("320500", "苏州市", Level.CITY, None, whole),
        "320508": Region("320508", "姑苏区", Level.DISTRICT, "320500", whole),
        "320508001": Region("320508001", "平江街道", Level.STREET, "320508", whole),
        "320508001001": Region("320508001001", "观前社区", Level.COMMUNITY, "320508001", whole),
    }
    for i, (code, geom) in enumerate(GRIDS.items(), start=1):
        regions[code] = Region(code, f"观前社区第{i:02d}网格", Level.GRID, "320508001001", geom)
    return City("320500", "苏州市", regions)


def entry(id_: str, name: str, kind: Kind, lon: float = 120.61, lat: float = 31.305,
          grid: str = "320508001001001", **kw: object) -> Entry:
    return Entry(id_, name, kind, lon, lat, grid, **kw)  # type: ignore[arg-type]


ENTRIES = [
    entry("320508", "姑苏区", Kind.DISTRICT, aliases=("姑苏",)),
    entry("320508001", "平江街道", Kind.STREET),
    entry("320508001001", "观前社区", Kind.COMMUNITY),
    entry("RD1", "观前街", Kind.ROAD, 120.62, ROAD_LAT, line=LINE,
          ranges=(HouseRange(1, 199, "odd"), HouseRange(2, 200, "even"))),
    entry("RD2", "平江路", Kind.ROAD, 120.63, 31.305, "320508001001003",
          line=((120.63, 31.30), (120.63, 31.31)), ranges=(HouseRange(1, 80),)),
    entry("RD2-20", "平江路20号", Kind.ADDRESS, 120.6301, 31.3025, "320508001001003"),
    entry("CP1", "观前苑", Kind.COMPOUND),
    entry("CP1-3", "观前苑3幢", Kind.BUILDING),
    entry("CP2", "苹江苑", Kind.COMPOUND, 120.61, 31.295, "320508001001002"),
    entry("CP3", "姑苏苑", Kind.COMPOUND),
    entry("POI1", "姑苏科技园", Kind.POI, category="business_park"),
    entry("POI2", "平江路站", Kind.POI, category="metro"),
    entry("POI3", "苏州市立医院", Kind.POI, aliases=("市立医院",), category="hospital"),
    entry("P-bin-12", "P-bin-12", Kind.PART, category="bin"),
]


@pytest.fixture(scope="module")
def city() -> City:
    return small_city()


@pytest.fixture(scope="module")
def geocoder(city: City) -> Geocoder:
    return Geocoder(Gazetteer.of(ENTRIES), locate=city.locate,
                    region_names={c: r.name for c, r in city.regions.items()})


def names(results: list[Result]) -> list[str]:
    return [r.name for r in results]


# -- normalisation and keys ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "norm"), [
    ("观前街 18 号", "观前街18号"),
    ("观前街１８號", "观前街18号"),  # full-width digits, traditional 號
    ("ＧＵＡＮ qian-Jie", "guanqianjie"),  # full-width letters, case, spaces and dashes
    ("金华苑3栋", "金华苑3幢"),
    ("金华苑3号楼", "金华苑3幢"),
    ("金华苑3#楼", "金华苑3幢"),
    ("人民路（北段）。", "人民路北段"),
    ("P-bin-12", "pbin12"),
])
def test_normalize_folds_what_people_type_differently(text: str, norm: str) -> None:
    assert normalize(text) == norm


def test_pinyin_and_initials_of_a_name() -> None:
    k = keys_of(normalize("观前街18号"))
    assert (k.pinyin, k.initials) == ("guanqianjie18hao", "gqj18h")
    assert keys_of("长江路").pinyin == "changjianglu"  # the place-name reading of 长


@pytest.mark.parametrize(("query", "split"), [
    ("观前街18号", ("观前街", 18)), ("人民路100", ("人民路", 100)), ("18号", None),
    ("观前街", None), ("观前街0号", None)])
def test_split_number(query: str, split: tuple[str, int] | None) -> None:
    assert split_number(normalize(query)) == split


# -- ranking ---------------------------------------------------------------------------------


def test_exact_name_and_alias(geocoder: Geocoder) -> None:
    top = geocoder.search("观前街")[0]
    assert (top.name, top.kind, top.match, top.score) == ("观前街", Kind.ROAD, "exact", 100.0)
    top = geocoder.search("市立医院")[0]
    assert (top.name, top.match) == ("苏州市立医院", "exact")


def test_a_result_gives_point_grid_community_street_district(geocoder: Geocoder) -> None:
    r = geocoder.search("苹江苑")[0]
    assert (r.lon, r.lat, r.grid) == (120.61, 31.295, "320508001001002")
    assert (r.community, r.community_name) == ("320508001001", "观前社区")
    assert (r.street, r.street_name) == ("320508001", "平江街道")
    assert (r.district, r.district_name) == ("320508", "姑苏区")
    d = r.as_dict()
    assert {"name", "kind", "lon", "lat", "grid", "score", "match"} <= d.keys()
    assert d["kind"] == "compound"


def test_tiers_exact_then_prefix_then_pinyin(geocoder: Geocoder) -> None:
    # 平江路, 平江街道, 平江路站, 平江路20号 start with 平江 (prefix: shorter first, the street
    # before the POI of the same length); 苹江苑 only sounds like it (pinyin)
    results = geocoder.search("平江")
    assert names(results)[:4] == ["平江路", "平江街道", "平江路站", "平江路20号"]
    assert [r.match for r in results[:4]] == ["prefix"] * 4
    assert names(results)[4] == "苹江苑"
    assert results[4].match == "pinyin"
    assert results[4].score > results[3].score  # the tier comes before the score


def test_bigger_places_first_on_ties(geocoder: Geocoder) -> None:
    # same tier, same score (same length): district > road > compound
    assert names(geocoder.search("姑苏"))[:2] == ["姑苏区", "姑苏苑"]
    assert names(geocoder.search("观前"))[:2] == ["观前街", "观前苑"]


def test_full_pinyin_and_pinyin_as_typed(geocoder: Geocoder) -> None:
    top = geocoder.search("guanqianjie")[0]
    assert (top.name, top.match, top.score) == ("观前街", "pinyin", 100.0)
    assert geocoder.search("guanqian")[0].name == "观前街"
    assert geocoder.search("GuanQian Jie")[0].name == "观前街"


def test_initials(geocoder: Geocoder) -> None:
    top = geocoder.search("gqj")[0]
    assert (top.name, top.match) == ("观前街", "pinyin")
    assert geocoder.search("gskjy")[0].name == "姑苏科技园"
    assert "姑苏科技园" in names(geocoder.search("gskq"))  # an initial off: a fuzzy match


def test_initials_with_characters_skipped(geocoder: Geocoder) -> None:
    # 姑苏科技园 = gskjy: the first two kept, then some of the rest in order
    for typed in ("gsjy", "gsky"):
        top = geocoder.search(typed)[0]
        assert (top.name, top.match) == ("姑苏科技园", "initials"), typed
    # gsy: 姑苏苑's own initials come first, 姑苏科技园 by skipping 科技
    results = geocoder.search("gsy")
    assert [(r.name, r.match) for r in results[:2]] == [("姑苏苑", "pinyin"),
                                                        ("姑苏科技园", "initials")]
    # below a name whose initials start with the query
    results = geocoder.search("gqj")
    assert (results[0].name, results[0].match) == ("观前街", "pinyin")
    # the first two initials are kept: skipping the second finds nothing by initials
    assert all(r.match != "initials" or r.name != "姑苏科技园" for r in geocoder.search("gky"))


@pytest.mark.parametrize(("typo", "meant"), [
    ("观钱街", "观前街"),  # homophone: same pinyin
    ("观前路", "观前街"),  # another road suffix
    ("guanqainjie", "观前街"),  # swapped letters in pinyin
    ("姑苏科枝园", "姑苏科技园"),  # a wrong character
    ("科技园", "姑苏科技园"),  # a part of the name
])
def test_typos(geocoder: Geocoder, typo: str, meant: str) -> None:
    assert geocoder.search(typo)[0].name == meant


def test_part_id(geocoder: Geocoder) -> None:
    top = geocoder.search("P-bin-12")[0]
    assert (top.id, top.kind, top.match, top.category) == ("P-bin-12", Kind.PART, "exact", "bin")


def test_limit_empty_query_and_nothing_found(geocoder: Geocoder) -> None:
    assert len(geocoder.search("观", limit=2)) == 2
    assert geocoder.search("") == []
    assert geocoder.search(" ，。") == []
    assert geocoder.search("xyzzyq") == []


# -- house numbers ---------------------------------------------------------------------------


def test_a_number_in_the_range_lands_between_its_ends_on_the_right_side(
        geocoder: Geocoder, city: City) -> None:
    even = geocoder.search("观前街18号")[0]
    assert (even.name, even.kind, even.house_number, even.number_status) == (
        "观前街18号", Kind.ADDRESS, 18, "interpolated")
    # 18 of the even range 2..200: 8 % of the way from the west end, on the right (south)
    assert W < even.lon < MID
    assert even.lon == pytest.approx(W + (E - W) * (18 - 2) / (200 - 2), abs=1e-5)
    assert even.lat < ROAD_LAT
    assert even.grid == "320508001001002" == city.locate(even.lon, even.lat)
    assert GRIDS[even.grid].contains(Point(even.lon, even.lat))

    odd = geocoder.search("观前街151号")[0]
    # 151 of the odd range 1..199: 76 % of the way, on the left (north)
    assert MID < odd.lon < E
    assert odd.lat > ROAD_LAT
    assert odd.grid == "320508001001003"
    assert (odd.community, odd.street, odd.district) == ("320508001001", "320508001", "320508")


def test_house_number_written_differently_lands_on_the_same_point(geocoder: Geocoder) -> None:
    points = {(r.lon, r.lat, r.grid) for q in ("观前街18号", "观前街 18 号", "观前街18",
                                               "观前街１８號", "guanqianjie18", "gqj18")
              for r in geocoder.search(q)[:1]}
    assert len(points) == 1


def test_a_number_outside_the_range_says_so(geocoder: Geocoder) -> None:
    top = geocoder.search("观前街999号")[0]
    assert (top.id, top.kind, top.house_number, top.number_status) == (
        "RD1", Kind.ROAD, 999, "out_of_range")
    assert (top.lon, top.lat) == (120.62, ROAD_LAT)  # the road's own point
    assert "1-199 odd" in top.note
    assert "2-200 even" in top.note


def test_a_listed_address_wins_over_interpolation(geocoder: Geocoder) -> None:
    top = geocoder.search("平江路20号")[0]
    assert (top.id, top.number_status, top.lon, top.lat) == ("RD2-20", "listed", 120.6301, 31.3025)
    other = geocoder.search("平江路21号")[0]  # not listed: on the line, range 1..80 (all)
    assert (other.number_status, other.kind) == ("interpolated", Kind.ADDRESS)
    assert 31.30 < other.lat < 31.31


def test_a_road_with_a_typo_still_places_the_number(geocoder: Geocoder) -> None:
    top = geocoder.search("观前路18号")[0]
    assert (top.name, top.number_status) == ("观前街18号", "interpolated")


def test_house_point_and_ranges() -> None:
    road = ENTRIES[3]
    placed = house_point(road, 2)
    assert placed is not None
    (lon, lat), rng = placed
    assert rng == HouseRange(2, 200, "even")
    assert lon == pytest.approx(W, abs=1e-6)
    assert lat < ROAD_LAT
    assert house_point(road, 201) is None
    assert not HouseRange(1, 9, "odd").holds(4)
    with pytest.raises(ValueError, match="odd"):
        HouseRange(2, 10, "odd")


def test_the_same_gazetteer_gives_the_same_ranking(city: City) -> None:
    a = Geocoder(Gazetteer.of(ENTRIES), locate=city.locate)
    b = Geocoder(Gazetteer.of(reversed(ENTRIES)), locate=city.locate)
    for q in ("观", "g", "姑苏", "平江", "观前街18号"):
        assert names(a.search(q)) == names(b.search(q))


def test_gazetteer_refuses_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="duplicate entry id"):
        Gazetteer.of([ENTRIES[0], ENTRIES[0]])
