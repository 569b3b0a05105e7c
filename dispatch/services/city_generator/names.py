"""Invented names: people (grid workers, unit crews), streets beyond the real ones, and
communities; all drawn from one ``random.Random`` so the same seed gives the same names."""

from __future__ import annotations

import random

from dispatch.services.city_generator.specs import DistrictSpec

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾沈顾陆钱"
             "蒋范金严潘姚汪施朱袁俞")
_GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建国文辉斌宇浩婷雪琳"
          "晨佳颖欣怡鑫俊海燕丹凤春梅亮峰志新荣晓琴慧云兰")
_COMMUNITY_A = "新和金华春阳湖滨文友锦翠彩康安宁兴福瑞嘉清怡馨绿荷桂枫柳桃梅竹松星月晨江河溪泉云"
_COMMUNITY_M = "东西南北中上下前后"
_COMMUNITY_B = "苑园城湾庭里坊港塘桥泾浜街巷院居庄亭岸洲堤林坞门墩浦滩"
STREET_A = "东西南北金银玉青白石虹凤龙鹤燕莲荷桂枫梅竹松柏长永太平安康宁福兴"
STREET_B = "桥湖塘泾港浦墩庄门山洲浜渡亭园"


class Names:
    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd

    def person(self) -> str:
        given = self.rnd.choice(_GIVEN)
        if self.rnd.random() < 0.6:
            given += self.rnd.choice(_GIVEN)
        return self.rnd.choice(_SURNAMES) + given

    def streets(self, spec: DistrictSpec, n: int) -> list[str]:
        names = list(spec.streets[:n])
        used = set(names)
        while len(names) < n:
            name = self.rnd.choice(STREET_A) + self.rnd.choice(STREET_B) + "街道"
            if name not in used:
                used.add(name)
                names.append(name)
        return names

    def community(self, used: set[str], rural: bool) -> str:
        suffix = "村" if rural and self.rnd.random() < 0.6 else "社区"
        while True:
            mid = self.rnd.choice(_COMMUNITY_M) if self.rnd.random() < 0.3 else ""
            name = self.rnd.choice(_COMMUNITY_A) + mid + self.rnd.choice(_COMMUNITY_B) + suffix
            if name not in used:
                used.add(name)
                return name
