"""Name tables and name makers for the synthetic gazetteer (:mod:`dispatch.services.gazetteer_generator`).

Roads in 姑苏区 take real Suzhou names first (arterials from ``GUSU_ARTERIALS``, local roads
from ``GUSU_ROADS``), a few other districts have some real ones too; everything else is
invented but plausible: an optional 东/西/南/北, a two-character core, 路/街/巷/大道.
Compounds (小区) are a core and a suffix (苑, 花园, 新村, 家园…). Every maker takes the
generator's ``random.Random`` and a set of names already used, so names stay unique and the
same seed gives the same names.
"""

from __future__ import annotations

import random

GUSU_ARTERIALS = ("人民路", "干将路", "临顿路", "三香路", "桐泾路", "广济路", "竹辉路",
                  "金门路", "东环路", "南环路", "北环路", "西环路", "齐门路", "劳动路")
GUSU_ROADS = ("观前街", "平江路", "山塘街", "十全街", "凤凰街", "景德路", "道前街", "养育巷",
              "学士街", "十梓街", "旧学前", "萧家巷", "白塔路", "东北街", "西北街", "大儒巷",
              "悬桥巷", "仓街", "相门路", "盘门路", "南门路", "吉庆街", "书院巷", "乌鹊桥路",
              "官太尉桥", "醋库巷", "十泉街", "葑门路", "公园路", "五卅路", "锦帆路", "富仁坊",
              "因果巷", "宫巷", "碧凤坊", "太监弄", "珠明寺前", "北寺塔路", "阊胥路", "石路",
              "上塘街", "彩香路", "虎丘路", "留园路", "枫桥路", "西园路", "长船湾", "胥江路")
REAL_ROADS: dict[str, tuple[str, ...]] = {
    "320508": GUSU_ARTERIALS + GUSU_ROADS,
    "320571": ("现代大道", "苏州大道", "金鸡湖大道", "星湖街", "星港街", "旺墩路", "苏虹路",
               "华池街", "钟园路", "东环南路", "翠园路", "苏嘉杭高速辅路", "独墅湖大道",
               "若水路", "仁爱路", "星华街", "唯华路", "金尚路", "通园路"),
    "320505": ("狮山路", "长江路", "竹园路", "塔园路", "滨河路", "运河路", "何山路", "玉山路",
               "金山路", "珠江路", "邓尉路", "建林路", "鹿山路", "向阳路", "华山路"),
    "320506": ("东吴北路", "宝带路", "吴中大道", "越溪路", "蠡昂路", "苏蠡路", "旺山路",
               "木东路", "东方大道", "宝带西路", "迎春路", "吴东路"),
    "320507": ("阳澄湖大道", "相城大道", "华元路", "嘉元路", "澄阳路", "富元路", "太阳路",
               "采莲路", "陆慕路", "御窑路"),
}

_CORES = ("长江", "黄河", "星湖", "金鸡", "苏虹", "现代", "独墅", "星华", "旺墩", "钟园",
          "津梁", "锦溪", "银杏", "桂花", "青枫", "玉山", "白马", "凤凰", "龙池", "鹤鸣",
          "莲花", "荷塘", "梅园", "竹溪", "松涛", "柏林", "永安", "太平", "康宁", "福兴",
          "兴业", "创业", "工业", "科技", "文化", "学府", "园林", "虹桥", "石湖", "枫桥",
          "横塘", "木渎", "香山", "胥口", "东山", "光福", "望亭", "黄埭", "渭塘", "北桥",
          "元和", "阳澄", "澄湖", "湖滨", "滨江", "沿河", "运河", "塘北", "塘南", "泾东",
          "泾西", "浦口", "渡口", "新港", "金港", "银湖", "玉湖", "青龙", "白云", "彩虹",
          "朝阳", "向阳", "春晖", "秋实", "夏荷", "冬青", "晨曦", "明珠", "宝石", "翡翠",
          "琴川", "虞山", "尚湖", "沙溪", "浏河", "娄江", "吴淞", "太湖", "淀山", "千灯",
          "锦丰", "乐余", "杨舍", "塘桥", "花桥", "周庄", "同里", "平望", "盛泽", "震泽",
          "七都", "桃源", "黎里", "松陵", "江陵", "横扇", "八坼", "梅李", "海虞", "古里",
          "支塘", "董浜", "辛庄", "浮桥", "璜泾", "双凤", "城厢", "陆渡", "巴城", "周市",
          "陆家", "张浦", "锦绣", "华山", "嵩山", "泰山", "衡山", "峨眉", "庐山", "天目",
          "富春", "钱塘", "西湖", "东湖", "南湖", "北湖", "中山", "解放", "建设", "和平")
_DIRECTIONS = ("东", "西", "南", "北")
_INFIXES = ("东", "西", "南", "北", "中")
_ROAD_SUFFIX = ("路", "路", "路", "街", "街", "巷")
_ARTERIAL_SUFFIX = ("大道", "路", "路")

_COMPOUND_A = "金银玉翠碧锦绣华春夏秋冬阳光明月星云天水山湖江河溪泉林森枫桂兰梅竹松柏荷莲嘉和美康宁安泰福瑞祥盛兴隆新"
_COMPOUND_B = ("苑", "苑", "园", "花园", "新村", "新村", "小区", "家园", "公寓", "华庭", "雅苑",
               "名邸", "嘉园", "水岸", "山庄", "府", "里", "坊", "城", "湾", "庭")
_RURAL_COMPOUND_B = ("村", "新村", "家园", "小区", "苑")
_NUMERALS = "一二三四五六七八九"

# POIs: (category, weight per community); named by the generator.
COMMUNITY_POIS = (("kindergarten", 0.8), ("market", 0.7), ("supermarket", 0.9), ("bank", 0.5),
                  ("pharmacy", 0.8), ("elderly_care", 0.3), ("park", 0.3), ("clinic", 0.4),
                  ("primary_school", 0.5), ("restaurant", 1.2), ("parking", 0.6))
STREET_POIS = (("police", 1), ("health_centre", 1), ("middle_school", 2), ("hospital", 1),
               ("gas_station", 2), ("fire_station", 1))
RURAL_STREET_POIS = (("chemical_plant", 2), ("factory", 3))
GUSU_LANDMARKS = (("拙政园", "landmark"), ("狮子林", "landmark"), ("留园", "landmark"),
                  ("虎丘", "landmark"), ("网师园", "landmark"), ("沧浪亭", "landmark"),
                  ("苏州博物馆", "museum"), ("苏州大学", "university"), ("苏州站", "railway"),
                  ("苏州市立医院", "hospital"), ("姑苏科技园", "business_park"),
                  ("平江历史街区", "landmark"), ("苏州北寺塔", "landmark"),
                  ("观前街商圈", "landmark"), ("石路步行街", "landmark"))
_LANDMARK_ALIASES = {"苏州市立医院": ("市立医院",), "苏州北寺塔": ("北寺塔",),
                     "苏州大学": ("苏大",), "苏州站": ("苏州火车站",)}


def landmark_aliases(name: str) -> tuple[str, ...]:
    return _LANDMARK_ALIASES.get(name, ())


def core_of(name: str) -> str:
    """A region name without its generic ending: 双塔街道 → 双塔, 兴西湾社区 → 兴西湾."""
    for tail in ("街道", "社区", "网格", "镇", "村", "区", "市", "县"):
        if name.endswith(tail) and len(name) > len(tail) + 1:
            return name[: -len(tail)]
    return name


def _unique(candidate: str, used: set[str], variants: tuple[str, ...] = ()) -> str:
    """``candidate`` if unused, else the first unused variant, else ``candidate`` + 二期,
    三期… (then a number)."""
    tries = (candidate, *variants, *(f"{candidate}{n}期" for n in _NUMERALS[1:]))
    for name in tries:
        if name not in used:
            used.add(name)
            return name
    n = 10
    while f"{candidate}{n}" in used:
        n += 1
    used.add(f"{candidate}{n}")
    return f"{candidate}{n}"


def road_name(rnd: random.Random, used: set[str], arterial: bool,
              real: list[str]) -> str:
    """A real name still unused (taken in order), else an invented one."""
    while real:
        name = real.pop(0)
        if name not in used:
            used.add(name)
            return name
    for _ in range(200):
        core = rnd.choice(_CORES)
        suffix = rnd.choice(_ARTERIAL_SUFFIX if arterial else _ROAD_SUFFIX)
        lead = rnd.choice(_DIRECTIONS) if rnd.random() < 0.2 else ""
        infix = rnd.choice(_INFIXES) if not lead and rnd.random() < 0.15 else ""
        name = f"{lead}{core}{infix}{suffix}"
        if name not in used:
            used.add(name)
            return name
    core, suffix = rnd.choice(_CORES), rnd.choice(_ROAD_SUFFIX)
    return _unique(f"{core}{suffix}", used, tuple(f"{core}{i}{suffix}" for i in _INFIXES))


def compound_name(rnd: random.Random, used: set[str], rural: bool) -> str:
    for _ in range(50):
        a = rnd.choice(_COMPOUND_A) + rnd.choice(_COMPOUND_A)
        if a[0] == a[1]:
            continue
        b = rnd.choice(_RURAL_COMPOUND_B if rural else _COMPOUND_B)
        name = a + b
        if name not in used:
            used.add(name)
            return name
    return _unique(rnd.choice(_COMPOUND_A) + rnd.choice(_COMPOUND_A) + "苑", used)


def poi_name(category: str, rnd: random.Random, place: str, street: str, district: str,
             used: set[str]) -> str:
    """A POI's name from its category and the names around it (community core ``place``,
    street core, district short name)."""
    core = rnd.choice(_CORES)
    names = {
        "kindergarten": f"{place}幼儿园",
        "market": f"{place}菜市场",
        "supermarket": rnd.choice((f"{place}生活超市", f"苏果超市{place}店", f"华润万家{place}店")),
        "bank": rnd.choice((f"中国银行{place}支行", f"工商银行{place}支行",
                            f"苏州银行{place}支行", f"农业银行{place}分理处")),
        "pharmacy": rnd.choice((f"{place}大药房", f"雷允上{place}药店", f"老百姓大药房{place}店")),
        "elderly_care": rnd.choice((f"{place}养老院", f"{place}颐养院", f"{place}日间照料中心")),
        "park": f"{place}公园",
        "clinic": f"{place}社区卫生服务站",
        "primary_school": rnd.choice((f"{place}小学", f"苏州市{place}实验小学")),
        "restaurant": rnd.choice((f"{place}面馆", f"{core}酒家", f"{place}饭店", f"{core}茶楼")),
        "parking": f"{place}停车场",
        "police": f"{street}派出所",
        "health_centre": f"{street}社区卫生服务中心",
        "middle_school": rnd.choice((f"苏州市{core}中学", f"{street}中学", f"{core}实验中学",
                                     f"{district}第{rnd.randint(1, 30)}中学")),
        "hospital": rnd.choice((f"{district}人民医院{street}分院", f"苏州{core}医院",
                                f"{street}中医医院", f"{core}妇幼保健院")),
        "gas_station": rnd.choice((f"中国石化{core}加油站", f"中国石油{core}加油站",
                                   f"{street}加油站")),
        "fire_station": f"{street}消防救援站",
        "chemical_plant": rnd.choice((f"苏州{core}化工有限公司", f"{street}{core}化工厂")),
        "factory": rnd.choice((f"{core}纺织厂", f"{street}机械厂", f"苏州{core}电子有限公司")),
    }
    name = names[category]
    return _unique(name, used, (f"{street}{name}", f"{district}{street}{name}"))
