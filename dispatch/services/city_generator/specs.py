"""What the generated city is made of: its code and name, the real districts (code, name,
share of the city's cells, real street and town names) and the sizes a city can be.

The districts' outlines are real too; they are not here but handed to the generator (the
bundled ones: :func:`dispatch.adapters.district_outlines.suzhou_outlines`).
"""

from __future__ import annotations

from dataclasses import dataclass

CITY_CODE = "320500"
CITY_NAME = "苏州市"


@dataclass(frozen=True, slots=True)
class DistrictSpec:
    code: str
    name: str
    short: str
    # The district's share of the city's cells, relative to the others. Its cells are laid on
    # its whole real outline, so a small weight on a large outline gives coarse cells.
    weight: float
    rural: bool
    streets: tuple[str, ...]  # real street/town names, used in order


# The five urban districts, then the county-level cities (苏州工业园区 is a functional zone
# without an outline of its own; its ground lies in the districts around it).
DISTRICTS: dict[str, DistrictSpec] = {d.code: d for d in (
    DistrictSpec("320508", "姑苏区", "姑苏", 1.0, False, (
        "双塔街道", "平江街道", "金阊街道", "沧浪街道", "虎丘街道", "吴门桥街道", "白洋湾街道",
        "苏锦街道", "娄门街道", "城北街道", "胥江街道", "留园街道")),
    DistrictSpec("320505", "虎丘区", "虎丘", 1.2, False, (
        "狮山街道", "枫桥街道", "横塘街道", "浒墅关街道", "通安街道", "东渚街道", "镇湖街道",
        "阳山街道", "浒通街道", "新浒街道")),
    DistrictSpec("320506", "吴中区", "吴中", 1.2, False, (
        "长桥街道", "越溪街道", "郭巷街道", "横泾街道", "香山街道", "城南街道", "太湖街道",
        "木渎镇", "甪直镇", "胥口镇", "东山镇", "光福镇", "金庭镇", "临湖镇")),
    DistrictSpec("320507", "相城区", "相城", 1.1, False, (
        "元和街道", "太平街道", "黄桥街道", "北桥街道", "漕湖街道", "澄阳街道", "北河泾街道",
        "望亭镇", "阳澄湖镇", "渭塘镇", "黄埭镇")),
    DistrictSpec("320509", "吴江区", "吴江", 1.0, True, (
        "松陵街道", "江陵街道", "横扇街道", "八坼街道", "同里镇", "平望镇", "盛泽镇", "震泽镇",
        "七都镇", "桃源镇", "黎里镇")),
    DistrictSpec("320581", "常熟市", "常熟", 1.1, True, (
        "虞山街道", "常福街道", "琴川街道", "莫城街道", "碧溪街道", "东南街道", "梅李镇",
        "海虞镇", "古里镇", "沙家浜镇", "支塘镇", "董浜镇", "辛庄镇", "尚湖镇")),
    DistrictSpec("320582", "张家港市", "张家港", 1.0, True, (
        "杨舍镇", "塘桥镇", "金港街道", "锦丰镇", "乐余镇", "凤凰镇", "南丰镇", "大新镇",
        "后塍街道", "德积街道")),
    DistrictSpec("320583", "昆山市", "昆山", 1.1, True, (
        "玉山镇", "巴城镇", "周市镇", "陆家镇", "花桥镇", "淀山湖镇", "张浦镇", "周庄镇",
        "千灯镇", "锦溪镇")),
    DistrictSpec("320585", "太仓市", "太仓", 0.9, True, (
        "城厢镇", "沙溪镇", "浏河镇", "浮桥镇", "璜泾镇", "双凤镇", "娄东街道", "陆渡街道")),
)}


@dataclass(frozen=True, slots=True)
class SizeSpec:
    """How big a generated city is. Cell counts are in whole lattice cells: a district's
    cells are cut to its outline, and a cut cell counts as the share of a cell it keeps."""

    districts: tuple[str, ...]  # district codes, in the order they are generated
    cells: int  # cells in the city, shared out over the districts by weight
    cells_per_street: float
    cells_per_community: float
    cells_per_grid: float
    units: int
    parts_per_grid: float


SIZES: dict[str, SizeSpec] = {
    "demo": SizeSpec(districts=("320508", "320505"),
                     cells=1_024, cells_per_street=128, cells_per_community=16,
                     cells_per_grid=4, units=300, parts_per_grid=4.0),
    "city": SizeSpec(districts=tuple(DISTRICTS),
                     cells=32_400, cells_per_street=324, cells_per_community=16,
                     cells_per_grid=4, units=26_000, parts_per_grid=6.0),
}
