"""What the synthetic city is made of: its code and centre, the real districts (code, name,
direction from the centre, real street and town names) and the sizes a city can be."""

from __future__ import annotations

from dataclasses import dataclass

CITY_CODE = "320500"
CITY_NAME = "苏州市"
CENTRE_LON = 120.62
CENTRE_LAT = 31.30


@dataclass(frozen=True, slots=True)
class DistrictSpec:
    code: str
    name: str
    short: str
    angle_deg: float  # direction of the seed from the centre (0 = east, 90 = north)
    radius: float  # distance of the seed as a fraction of the city radius
    weight: float  # relative area
    rural: bool
    streets: tuple[str, ...]  # real street/town names, used in order


DISTRICTS: dict[str, DistrictSpec] = {d.code: d for d in (
    DistrictSpec("320508", "姑苏区", "姑苏", 0, 0.0, 1.25, False, (
        "双塔街道", "平江街道", "金阊街道", "沧浪街道", "虎丘街道", "吴门桥街道", "白洋湾街道",
        "苏锦街道", "娄门街道", "城北街道", "胥江街道", "留园街道")),
    DistrictSpec("320571", "苏州工业园区", "园区", 10, 0.38, 1.0, False, (
        "娄葑街道", "斜塘街道", "唯亭街道", "胜浦街道", "金鸡湖街道", "湖西街道", "湖东街道",
        "月亮湾街道", "独墅湖街道", "东沙湖街道", "星海街道", "车坊街道")),
    DistrictSpec("320505", "虎丘区", "虎丘", 180, 0.38, 0.9, False, (
        "狮山街道", "枫桥街道", "横塘街道", "浒墅关街道", "通安街道", "东渚街道", "镇湖街道",
        "阳山街道", "浒通街道", "新浒街道")),
    DistrictSpec("320506", "吴中区", "吴中", 262, 0.40, 1.1, False, (
        "长桥街道", "越溪街道", "郭巷街道", "横泾街道", "香山街道", "城南街道", "太湖街道",
        "木渎镇", "甪直镇", "胥口镇", "东山镇", "光福镇", "金庭镇", "临湖镇")),
    DistrictSpec("320507", "相城区", "相城", 85, 0.40, 1.0, False, (
        "元和街道", "太平街道", "黄桥街道", "北桥街道", "漕湖街道", "澄阳街道", "北河泾街道",
        "望亭镇", "阳澄湖镇", "渭塘镇", "黄埭镇")),
    DistrictSpec("320509", "吴江区", "吴江", 275, 0.78, 1.1, True, (
        "松陵街道", "江陵街道", "横扇街道", "八坼街道", "同里镇", "平望镇", "盛泽镇", "震泽镇",
        "七都镇", "桃源镇", "黎里镇")),
    DistrictSpec("320581", "常熟市", "常熟", 60, 0.78, 1.0, True, (
        "虞山街道", "常福街道", "琴川街道", "莫城街道", "碧溪街道", "东南街道", "梅李镇",
        "海虞镇", "古里镇", "沙家浜镇", "支塘镇", "董浜镇", "辛庄镇", "尚湖镇")),
    DistrictSpec("320582", "张家港市", "张家港", 108, 0.82, 0.9, True, (
        "杨舍镇", "塘桥镇", "金港街道", "锦丰镇", "乐余镇", "凤凰镇", "南丰镇", "大新镇",
        "后塍街道", "德积街道")),
    DistrictSpec("320583", "昆山市", "昆山", 355, 0.80, 1.0, True, (
        "玉山镇", "巴城镇", "周市镇", "陆家镇", "花桥镇", "淀山湖镇", "张浦镇", "周庄镇",
        "千灯镇", "锦溪镇")),
    DistrictSpec("320585", "太仓市", "太仓", 30, 0.85, 0.9, True, (
        "城厢镇", "沙溪镇", "浏河镇", "浮桥镇", "璜泾镇", "双凤镇", "娄东街道", "陆渡街道")),
)}


@dataclass(frozen=True, slots=True)
class SizeSpec:
    """How big a generated city is; cell counts are lattice cells (about 70–150 m)."""

    districts: tuple[tuple[str, float, float], ...]  # (code, angle_deg, radius) per district
    cells: int  # cells in the city
    cells_per_street: float
    cells_per_community: float
    cells_per_grid: float
    units: int
    parts_per_grid: float
    lake: bool  # bite out of the south-west (Lake Tai)
    cell_m: float = 70.0


SIZES: dict[str, SizeSpec] = {
    "demo": SizeSpec(districts=(("320508", 180, 0.45), ("320571", 0, 0.45)),
                     cells=1_024, cells_per_street=128, cells_per_community=16,
                     cells_per_grid=4, units=300, parts_per_grid=4.0, lake=False),
    "city": SizeSpec(districts=tuple((d.code, d.angle_deg, d.radius) for d in DISTRICTS.values()),
                     cells=32_400, cells_per_street=324, cells_per_community=16,
                     cells_per_grid=4, units=26_000, parts_per_grid=6.0, lake=True),
}
