"""Chinese texts of the field: report descriptions per event class and source, reporters,
department responses, verification notes, returns, extensions and evaluations.

Everything takes a :class:`random.Random` so a seeded run writes the same words. Class codes are
the catalogue's (``resources/catalogue``); a class without its own phrases falls back on its
Chinese name, so every class gets a readable description.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# ------------------------------------------------------------------------------- places

# Real road names per district (GB/T 2260 code); used to name where something happens.
ROADS: dict[str, tuple[str, ...]] = {
    "320508": ("人民路", "干将路", "十全街", "凤凰街", "观前街", "临顿路", "平江路", "山塘街",
               "景德路", "道前街", "养育巷", "东中市", "西中市", "石路", "广济路", "阊胥路",
               "三香路", "桐泾路", "南门路", "竹辉路", "苏站路", "北环路", "白塔东路", "齐门路",
               "拙政园路", "东北街", "仓街", "十梓街", "马医科"),
    "320505": ("狮山路", "长江路", "滨河路", "金山路", "玉山路", "竹园路", "塔园路", "何山路",
               "运河路", "珠江路", "嵩山路", "淮海街"),
    "320506": ("东吴北路", "宝带西路", "越溪大道", "吴中大道", "东太湖路", "苏蠡路", "友新路",
               "吴中东路", "迎春路", "石湖西路"),
    "320507": ("阳澄湖路", "相城大道", "澄阳路", "华元路", "嘉元路", "太阳路", "春申湖路",
               "御窑路", "采莲路", "齐门北大街"),
    "320509": ("中山北路", "鲈乡路", "仲英大道", "开平路", "笠泽路", "松陵大道", "江兴西路",
               "流虹路"),
    "320581": ("海虞北路", "虞山北路", "黄河路", "青墩塘路", "湖山路", "衡山路", "东南大道"),
    "320582": ("杨舍东街", "人民东路", "暨阳路", "长安路", "沙洲路", "港城大道", "国泰路"),
    "320583": ("前进路", "萧林路", "柏庐路", "朝阳路", "马鞍山路", "长江路", "祖冲之路"),
    "320585": ("上海东路", "县府街", "常胜路", "北京路", "郑和路", "太平路", "南洋广场路"),
}
DEFAULT_ROADS = ROADS["320508"] + ROADS["320505"]

LANDMARKS = ("便利店", "菜市场", "农贸市场", "超市", "小学", "幼儿园", "公交站", "地铁站出口",
             "社区卫生服务站", "停车场", "小区南门", "小区北门", "商业街", "银行网点",
             "加油站", "街心公园", "快递驿站", "药店", "网吧", "小吃店")
BUILDING = ("幢", "号楼")
FACTORIES = ("精密机械", "电子科技", "新材料", "汽车零部件", "纺织印染", "塑胶制品",
             "食品加工", "医疗器械", "光电科技", "金属制品")
FACTORY_PREFIX = ("苏", "吴", "金", "恒", "华", "瑞", "佳", "鼎", "博", "嘉", "众", "隆")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾沈顾陆钱蒋范金"


@dataclass(frozen=True, slots=True)
class Place:
    """Where something is: the district code and the names of its street and community."""

    district: str
    street: str
    community: str

    def roads(self) -> tuple[str, ...]:
        return ROADS.get(self.district, DEFAULT_ROADS)


def address(place: Place, rng: random.Random) -> str:
    """A plausible Chinese location description inside ``place``."""
    roads = place.roads()
    road = rng.choice(roads)
    kind = rng.random()
    community = place.community or place.street
    if kind < 0.25:
        other = rng.choice([r for r in roads if r != road] or [road])
        return f"{road}与{other}交叉口{rng.choice('东西南北')}{rng.choice('侧角')}"
    if kind < 0.5:
        return f"{road}{rng.randint(1, 399)}号{rng.choice(LANDMARKS)}门前"
    if kind < 0.8 and community:
        return f"{community}{rng.randint(1, 42)}{rng.choice(BUILDING)}{rng.choice(('楼下', '单元门口', '旁', '东侧'))}"
    return f"{place.street}{road}{rng.choice(LANDMARKS)}附近"


def factory_name(rng: random.Random) -> str:
    return (f"苏州{rng.choice(FACTORY_PREFIX)}{rng.choice(FACTORY_PREFIX)}"
            f"{rng.choice(FACTORIES)}有限公司")


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(("先生", "女士"))


def masked_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}"


# ------------------------------------------------------------------------ what happened

# Problem (6-digit) or minor (4-digit) code → what was seen, without the place.
DETAILS: dict[str, tuple[str, ...]] = {
    "010101": ("楼上住户装修漏水，楼下天花板大面积渗水，双方多次协商未果",
               "邻居深夜噪音不断，双方发生口角，情绪激动"),
    "010301": ("十余名农民工聚集讨薪，反映包工头拖欠三个月工资",
               "装修公司拖欠工人工资，工人在门口拉横幅"),
    "010401": ("物业公司停止电梯维保，业主与物业发生争执",
               "小区物业擅自提高停车费，多名业主聚集反映"),
    "020103": ("烧烤店油烟直排，熏得楼上住户无法开窗", "餐馆油烟净化器长期不开，油烟扰民"),
    "020201": ("有排污口向河道排放污水，水面发黑发臭", "河道有白色泡沫漂浮，疑似污水直排"),
    "020302": ("工地夜间违规施工，打桩机作业至凌晨，严重影响居民休息",
               "夜间渣土装运作业噪音很大，持续到凌晨两点"),
    "020303": ("楼上住户深夜大声喧哗、搬动家具，噪音扰民严重",
               "广场舞音响音量过大，晚上九点半后仍未停止",
               "KTV营业至凌晨，噪音影响周边居民休息", "商铺门口大音量播放促销广告，噪音扰民"),
    "020601": ("河道内漂浮大量生活垃圾和水草", "河岸边有人倾倒建筑垃圾入河"),
    "030102": ("厂房消防通道堆满货物，配电箱无防护", "小作坊员工违规动火作业，未配备灭火器"),
    "030401": ("居民家中闻到明显燃气味，燃气报警器持续鸣响",),
    "030402": ("路边燃气管道处有明显燃气味，并有嘶嘶漏气声", "燃气阀门井冒出刺鼻气味"),
    "040101": ("整栋楼停水已超过十二小时，未收到任何停水通知", "小区突然停水，老人孩子生活不便"),
    "040201": ("家中暖气不热，室温只有十度左右", "整栋楼暖气片冰凉，物业称需等待供热公司"),
    "040303": ("独居老人两天未出门，敲门无人应答，邻居担心出意外",),
    "040803": ("小区内多盏庭院灯不亮，夜间出行不便",),
    "050101": ("垃圾桶旁暴露垃圾堆积，散发异味", "路边有大量生活垃圾裸露堆放，蚊蝇滋生"),
    "050102": ("绿化带内积存垃圾渣土长期无人清理", "空地上堆积建筑垃圾和生活垃圾，已有异味"),
    "050103": ("垃圾箱满溢，垃圾散落一地", "分类垃圾桶满溢未及时清运，周边污水横流"),
    "050201": ("路面有大片油污和泥浆，行人易滑倒",),
    "050301": ("墙面、电线杆上张贴大量小广告", "人行道上被喷涂办证电话"),
    "050401": ("有流动摊贩占道经营，堵塞人行道", "早点摊占用人行道经营，行人只能走机动车道",
               "多辆三轮车在路口摆摊卖水果，影响交通"),
    "050402": ("沿街商铺店外经营，货物堆放占用人行道", "水果店出店经营，货架摆到盲道上"),
    "050501": ("楼顶正在搭建彩钢板房，疑似违章建筑", "一楼住户私自扩建院墙，占用公共绿地"),
    "050601": ("人行道上长期堆放建材杂物", "店铺门前堆放大量纸箱和杂物"),
    "050701": ("渣土车沿途抛洒，路面留下大量泥土", "渣土车未密闭运输，沿路撒漏"),
    "050801": ("共享单车大量乱停乱放，堵塞人行道和盲道", "地铁站出口共享单车堆积如山"),
    "050901": ("路灯不亮，晚上一片漆黑，行人出行不便", "有一盏路灯损坏不亮已一周"),
    "050902": ("连续五六盏路灯不亮，存在安全隐患",),
    "050903": ("路灯杆被车辆撞歪，有倾倒危险",),
    "051001": ("井盖缺失，路面留下深坑，极易造成行人跌落", "雨水井盖丢失，已有电动车险些掉入"),
    "051002": ("井盖破损塌陷，车辆经过时发出巨响", "井盖碎裂，已用砖块临时遮挡"),
    "051003": ("井盖移位，露出半个井口", "井盖翘起，车辆经过时有弹起危险"),
    "051101": ("路面出现多处坑洼，雨天积水，电动车易摔倒", "机动车道出现一米见方的坑洞"),
    "051102": ("人行道板松动破损，行人容易绊倒",),
    "051201": ("行道树倒伏压在人行道上，阻碍通行", "大风后树枝折断悬挂在半空"),
    "051302": ("公厕水龙头损坏长流水，隔间门锁损坏",),
    "051701": ("雨水口被落叶和垃圾堵塞，下雨时路面积水", "雨水篦子被水泥封堵"),
    "051702": ("污水井冒溢，污水漫到路面，臭味很大",),
    "060301": ("有可疑人员在小区内反复查看车辆和门锁",),
    "060502": ("出租屋内隔成十余个小间群租，楼道堆满杂物", "一套房内住了二十多人，疑似群租"),
    "060503": ("新搬入多名外来人员未办理居住登记",),
    "070104": ("楼道内有烟雾冒出，伴有焦糊味", "沿街店铺后厨冒出浓烟"),
    "070201": ("私家车长期占用消防车通道", "消防车通道被划为停车位，多辆车停放"),
    "070301": ("消火栓被撞坏漏水", "消火栓箱内水带缺失，箱门损坏"),
    "070401": ("楼道内多辆电动自行车停放充电", "居民将电动车推进电梯上楼充电"),
    "070402": ("居民从楼上窗口飞线拉电给电动车充电", "电线横跨人行道给电动车充电"),
    "080101": ("路段积水严重，积水已没过脚踝，车辆涉水缓行",
               "暴雨导致路面积水约三十厘米，多辆电动车在水中熄火",
               "积水已漫上人行道，沿街商铺进水"),
    "080102": ("下穿隧道积水很深，已有一辆小轿车熄火被困", "下穿通道积水超过半米，车辆无法通行"),
    "080103": ("小区地下车库进水，多辆车被淹", "地下车库入口雨水倒灌，积水正在上涨"),
    "080801": ("商业街人流密集，出现拥挤推搡", "活动现场人员过度聚集，存在踩踏风险"),
    "090101": ("小超市货架上有过期变质食品在售",),
    "090501": ("健身房突然关门，会员预付卡无法退费", "教育培训机构停课跑路，家长要求退费"),
    "100101": ("两车发生追尾，无人员受伤，车辆停在路中影响通行",),
    "100201": ("路口严重拥堵，车辆排队超过五百米", "早高峰路口车辆互不相让，通行缓慢"),
    "100301": ("多辆机动车违停在路边，占用非机动车道", "车辆违停堵住小区出入口"),
    "100302": ("车辆停放在人行道上，行人只能绕行", "多辆车停在人行道上，盲道被占"),
    "100401": ("一辆无牌车长期停放，车身积满灰尘",),
    "100501": ("路口信号灯故障，红绿灯全部熄灭", "信号灯一直显示黄灯闪烁"),
}

DEMANDS = ("希望相关部门尽快处理", "要求尽快解决", "请相关部门核实处理", "希望尽快派人查看",
           "已反映多次，请尽快处理", "影响正常生活，要求整改")

# ------------------------------------------------------------------------ source classes

# Which classes each source reports, with relative weights.
SOURCE_CLASSES: dict[str, tuple[tuple[str, float], ...]] = {
    "grid_worker": (("050101", 8), ("050102", 4), ("050401", 6), ("050402", 6), ("050601", 4),
                    ("050801", 5), ("050301", 4), ("050901", 3), ("051001", 2), ("051002", 2),
                    ("051101", 3), ("051201", 1), ("050501", 2), ("070201", 3), ("070401", 3),
                    ("070402", 2), ("060502", 2), ("060503", 1), ("010101", 2), ("020601", 2),
                    ("051302", 1), ("100401", 1), ("030102", 1), ("070301", 1), ("051701", 1)),
    "hotline": (("020303", 10), ("020302", 6), ("020103", 5), ("050401", 5), ("050402", 3),
                ("050901", 6), ("050902", 2), ("051001", 3), ("050102", 4), ("050103", 3),
                ("100301", 6), ("100302", 4), ("040101", 4), ("040201", 2), ("010401", 3),
                ("010301", 2), ("010101", 3), ("090501", 2), ("050801", 3), ("051101", 3),
                ("040803", 2), ("100501", 2), ("060502", 1), ("040303", 1), ("020201", 1),
                ("051702", 1)),
    "citizen_app": (("050101", 3), ("050801", 3), ("051101", 2), ("050301", 2), ("100302", 2),
                    ("050901", 2), ("051003", 1), ("050201", 1)),
    "sensor": (("050103", 10), ("051003", 6), ("070104", 3), ("030401", 2), ("080101", 1)),
    "video": (("050401", 6), ("050402", 4), ("100301", 6), ("050801", 4), ("050101", 3),
              ("050701", 2), ("070201", 2), ("080801", 1), ("100201", 2), ("100101", 1)),
}

SOURCE_WEIGHTS: dict[str, float] = {"grid_worker": 0.40, "hotline": 0.35, "sensor": 0.12,
                                    "video": 0.10, "citizen_app": 0.03}

# Sensor classes: (part type carrying the sensor, device name). A part type of "" means a
# device that is not a catalogued part (an independent smoke detector).
SENSORS: dict[str, tuple[str, str]] = {
    "050103": ("bin", "垃圾箱满溢传感器"),
    "051003": ("manhole_cover", "智能井盖传感器"),
    "051002": ("manhole_cover", "智能井盖传感器"),
    "051001": ("manhole_cover", "智能井盖传感器"),
    "070104": ("", "独立式智慧烟感"),
    "030401": ("gas_detector", "燃气报警器"),
    "030402": ("gas_detector", "燃气报警器"),
    "080101": ("water_level_sensor", "积水监测点"),
    "080102": ("water_level_sensor", "积水监测点"),
    "080103": ("water_level_sensor", "积水监测点"),
}

VIDEO_EVENTS: dict[str, str] = {
    "050401": "流动摊贩占道经营", "050402": "店外经营", "100301": "机动车违法停车",
    "050801": "非机动车乱停放", "050101": "暴露垃圾", "050701": "渣土车抛洒滴漏",
    "070201": "车辆占用消防车通道", "080801": "人员聚集", "100201": "路口拥堵",
    "100101": "交通事故",
}


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    codes = [c for c, _ in weighted]
    return rng.choices(codes, weights=[w for _, w in weighted])[0]


def pick_source(rng: random.Random, weights: Mapping[str, float] | None = None) -> str:
    w = weights or SOURCE_WEIGHTS
    return _pick(rng, list(w.items()))


def pick_class(rng: random.Random, source: str) -> str:
    return _pick(rng, SOURCE_CLASSES.get(source) or SOURCE_CLASSES["hotline"])


def sensor_reading(class_code: str, rng: random.Random, alarm_cm: float | None = None) -> str:
    if class_code == "050103":
        return f"满溢度{rng.randint(88, 100)}%"
    if class_code.startswith("0510"):
        return f"倾角{rng.randint(12, 65)}°，井盖位移告警"
    if class_code.startswith("0304"):
        return f"可燃气体浓度{rng.randint(18, 60)}%LEL"
    if class_code.startswith("0801"):
        alarm = alarm_cm if alarm_cm else 15.0
        return f"积水深度{alarm + rng.randint(3, 35):.0f}cm，超过告警阈值{alarm:.0f}cm"
    if class_code == "070104":
        return f"烟雾浓度超标，持续报警{rng.randint(30, 180)}秒"
    return "数值异常"


def describe(class_code: str, class_name: str, source: str, where: str, rng: random.Random, *,
             device: str = "", reading: str = "") -> str:
    """The description a report from ``source`` carries for ``class_code`` at ``where``."""
    details = DETAILS.get(class_code) or DETAILS.get(class_code[:4])
    what = rng.choice(details) if details else f"存在{class_name}问题"
    if source == "hotline":
        return f"市民来电反映：{where}{what}，{rng.choice(DEMANDS)}。"
    if source == "citizen_app":
        return f"市民通过“随手拍”上报：{where}{what}，附现场照片{rng.randint(1, 4)}张。"
    if source == "grid_worker":
        tail = rng.choice(("已拍照上传", "已现场劝导，需职能部门处置", "已拍照取证，请派遣处置",
                           "现场已设置提示，请尽快处置"))
        return f"网格员巡查发现：{where}{what}，{tail}。"
    if source == "sensor":
        return (f"【物联感知】{device or '感知设备'}报警：{reading or '数值异常'}。"
                f"位置：{where}。{class_name}，请核实处置。")
    if source == "video":
        event = VIDEO_EVENTS.get(class_code, class_name)
        return (f"【视频智能分析】{device or '监控探头'}识别到{event}，置信度"
                f"{rng.uniform(0.82, 0.98):.2f}。位置：{where}。")
    return f"{where}{what}。"


def reporter_for(source: str, rng: random.Random, *, worker: str = "", device: str = "") -> str:
    if source == "grid_worker":
        return worker or "网格员"
    if source == "hotline":
        return f"市民{person(rng)}（{masked_phone(rng)}）"
    if source == "citizen_app":
        return f"随手拍用户{rng.randint(100000, 999999)}"
    if source == "sensor":
        return f"物联网感知平台 {device}".strip()
    if source == "video":
        return f"视频智能分析平台 {device}".strip()
    return "指挥中心"


# ------------------------------------------------------------------- the back office

RESPONSES: dict[str, tuple[str, ...]] = {
    "0501": ("环卫保洁组已到场清运，并对周边进行了冲洗保洁。", "垃圾已清运完毕，现场恢复整洁。"),
    "0502": ("已安排洒水车冲洗路面，油污泥浆已清除。",),
    "0503": ("小广告已全部铲除，涂写已覆盖。",),
    "0504": ("城管执法队员到场，摊贩已撤离，对店主进行了教育并责令入店经营。",
             "已劝离流动摊贩，并安排队员定时巡查。"),
    "0505": ("已向当事人下达限期拆除通知书，违建已自行拆除。",),
    "0506": ("堆放物料已清理完毕，责令当事人不得再次堆放。",),
    "0507": ("已查扣抛洒渣土车一辆，路面已冲洗干净。",),
    "0508": ("已联系运营企业清理调运共享单车，现场恢复有序。",),
    "0509": ("路灯维修班已更换灯具和镇流器，经测试恢复照明。",),
    "0510": ("已补装井盖并设置警示标志，经检查安装牢固。", "破损井盖已更换，现场恢复通行。"),
    "0511": ("已对坑洼路面进行修补，恢复平整。",),
    "0512": ("倒伏树木已清理，断枝已修剪。",),
    "0513": ("环卫设施已维修完毕。",),
    "0515": ("标识标牌已修复。",),
    "0517": ("排水抢险队已疏通雨水口，积水已排除。",),
    "0801": ("排水抢险队已到场，开启移动泵车抽排积水，道路恢复通行。",
             "已疏通排水管网并设置警示，积水已退去。"),
    "0304": ("燃气抢修队已到场关阀、检漏并完成维修，复检无泄漏。",),
    "0305": ("已督促用户整改燃气设施，违规液化气瓶已收缴。",),
    "0203": ("执法人员到场检查，已责令停止噪声扰民行为，现场恢复安静。",
             "已约谈施工单位，夜间施工已停止。"),
    "0201": ("油烟净化设施已督促开启并清洗，油烟排放达标。",),
    "0202": ("已查明排污源头并封堵排污口，责令限期整改。",),
    "0401": ("供水抢修队已完成抢修，恢复供水。",),
    "0402": ("供热公司已排查管道并放气，暖气恢复正常。",),
    "0604": ("民警已依法查处，现场秩序恢复正常。",),
    "0605": ("民警已上门核查，督促房东完成出租屋登记，清理群租。",),
    "0702": ("已联系车主挪车并对通道划设禁停标线。",),
    "0704": ("已劝导居民将电动车移出楼道，清理飞线，并开展安全宣传。",),
    "1003": ("交警到场处置，已对违停车辆贴单告知并拖移，道路通行恢复。",),
    "1002": ("交警已到场疏导，路口通行恢复正常。",),
    "1005": ("信号灯已修复，恢复正常运行。",),
}
DEPARTMENT_RESPONSES: dict[str, tuple[str, ...]] = {
    "police": ("民警到场调查处理，已对当事人批评教育，现场秩序恢复正常。",),
    "traffic_police": ("交警到场处置完毕，道路通行恢复。",),
    "city_mgmt": ("城管执法队员已到场处置，责令当事人整改，现场已恢复正常。",),
    "environment": ("环境监察人员现场检查，已责令停止违规行为并限期整改。",),
    "housing": ("已约谈物业公司，督促其落实整改，问题已解决。",),
    "water": ("水务部门已到场处置完毕。",),
    "fire": ("消防人员到场检查，隐患已整改，并对责任人进行了宣传教育。",),
    "street_office": ("街道、社区工作人员已上门调解，双方达成一致意见。",
                      "社区已协调处理完毕，当事人表示满意。"),
    "market": ("市场监管执法人员现场检查，已依法查处并责令整改。",),
    "emergency": ("应急管理部门已组织现场检查，隐患已整改到位。",),
    "civil_affairs": ("社工已上门走访，落实救助措施。",),
    "health": ("卫生部门已到场处置完毕。",),
    "transport": ("交通运输执法人员已到场处置。",),
    "human_resources": ("劳动保障监察员已约谈用人单位，欠薪已落实支付计划。",),
}

VERIFY_FAIL = ("现场核查发现问题仍未解决，申请返工。", "复查时仍有垃圾残留，未清理到位。",
               "现场只做了临时处置，问题反复出现。", "核查时摊贩又回到原处经营，需继续整治。",
               "路灯仍不亮，未修复到位。", "整改不彻底，当事人仍未按要求整改。")
VERIFY_PASS = ("", "", "现场核查已整改到位。", "经网格员现场核查，问题已解决。")
RETURN_REASONS = ("经核实该事项不属于本部门职责范围，申请回退重新派遣。",
                  "派遣部门有误，应由属地街道处理，申请回退。",
                  "地址信息不准确，现场未找到问题，申请回退补充信息。",
                  "该设施产权不属于本单位，申请回退。")
EXTENSION_REASONS = ("需协调产权单位共同处理，申请延期。",
                     "维修配件需采购，预计两个工作日到货，申请延期。",
                     "涉及多部门联合执法，需统一安排时间，申请延期。",
                     "当事人不在现场，需预约上门处理，申请延期。",
                     "受天气影响无法施工，申请延期。")
EXTENSION_DECISIONS = {True: ("同意延期，请按期办结。", "情况属实，同意延期。"),
                       False: ("不同意延期，请抓紧办理。",)}
CANCEL_REASONS = ("经核实为无效信息，予以注销。", "来电人撤回诉求。", "现场核实无此问题。")
DUPLICATE_NOTES = ("与已有案卷重复，合并处理。", "同一问题重复上报，并案处理。")
CLOSE_NOTES = ("", "经核查已处置完毕，予以结案。", "处置到位，结案。")
ESCALATE_REASONS = ("事态复杂，需社区统筹协调处置。", "涉及多部门联动，提请上级协调。",
                    "网格内无法解决，提请社区协调。")
EVALUATIONS: dict[int, tuple[str, ...]] = {
    5: ("处置及时，非常满意。", "工作人员态度好，效率高。", ""),
    4: ("基本满意。", "处理较及时。", ""),
    3: ("处理一般，希望加强巡查。", ""),
    2: ("处理不及时，问题反复。",),
    1: ("不满意，问题没有解决。",),
}


def response(class_code: str, department: str, rng: random.Random) -> str:
    options = RESPONSES.get(class_code[:4]) or DEPARTMENT_RESPONSES.get(department) \
        or ("已处置完毕。",)
    return rng.choice(options)


def evaluation(rng: random.Random) -> tuple[int, str]:
    score = rng.choices((5, 4, 3, 2, 1), weights=(60, 25, 10, 3, 2))[0]
    return score, rng.choice(EVALUATIONS[score])
