"""The demo county's fixed facts and name pools: its regions and communities, the survey date,
and the names compounds, companies and phones are drawn from (衡东县洣水镇, as the article
describes it). Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_SEED = 2026
# The survey (摸底) that found 43 三无小区; compounds are created as of this moment.
SURVEY_AT = dt.datetime(2023, 6, 30, tzinfo=SHANGHAI)
# Ages are reckoned at this date, so a seed gives the same people whatever the day.
REFERENCE_DATE = dt.date(2026, 6, 30)
DEFAULT_SCALE = 1.0
SANWU_AT_SURVEY = 43
XINGDONG = "兴东社区"
XINGDONG_HOUSEHOLDS = 1786

PROVINCE = ("湖南省", "430000000000")
CITY = ("衡阳市", "430400000000")
COUNTY = ("衡东县", "430424000000")
TOWN = ("洣水镇", "430424100000")

# name, 12-digit code, compounds, 三无 at the survey (None: drawn at random), roads
COMMUNITIES: tuple[tuple[str, str, int, int | None, tuple[str, ...]], ...] = (
    ("兴东社区", "430424100001", 11, 8, ("兴东路", "东正街", "迎宾大道")),
    ("新塘社区", "430424100002", 14, None, ("新塘路", "衡岳北路", "白莲路")),
    ("城西社区", "430424100003", 13, None, ("城西路", "人民路", "文化路")),
    ("洣江社区", "430424100004", 12, None, ("洣江路", "滨江路", "沿河路")),
    ("草市社区", "430424100005", 12, None, ("草市路", "老街", "河街")),
    ("东风社区", "430424100006", 12, None, ("东风路", "城东路", "大浦路")),
    ("南湾社区", "430424100007", 11, None, ("南湾路", "滨江路", "杨林路")),
    ("红卫社区", "430424100008", 11, None, ("红卫路", "人民路", "建设路")),
    ("建设社区", "430424100009", 11, None, ("建设路", "文化路", "迎宾大道")),
)

# Units of the county whose staff housing became compounds. Enterprises were restructured
# (改制) and left their dormitories without a responsible unit; institutions still look after
# theirs.
ENTERPRISES = (
    "供销社", "农机厂", "氮肥厂", "化肥厂", "棉纺厂", "丝绸厂", "酒厂", "食品公司", "五金公司",
    "百货公司", "糖酒公司", "药材公司", "建筑公司", "搬运公司", "印刷厂", "机械厂", "陶瓷厂",
    "水泥厂", "木材公司", "蔬菜公司", "运输公司", "棉麻公司", "土产公司", "粮油公司", "茶厂",
    "造纸厂", "农药厂", "纺织厂", "砖瓦厂", "被服厂", "电影公司", "饮食服务公司", "化工厂",
    "冶炼厂", "竹木器厂", "二轻公司",
)  # fmt: skip
INSTITUTIONS = (
    "粮食局", "物资局", "交通局", "水利局", "林业局", "税务局", "邮电局", "电力局",
    "自来水公司", "人民医院", "中医医院", "妇幼保健院", "第一中学", "城关中学", "洣水中学",
    "实验小学", "农业银行", "工商银行", "农村信用社", "公路局", "气象局", "广播电视局",
    "文化馆", "新华书店", "烟草公司", "石油公司", "卫生防疫站", "城建局", "房产局",
    "人武部", "财政局", "教育局", "农业局", "畜牧水产局", "民政局", "司法局",
)  # fmt: skip
ESTATES = (
    "洣江花园", "锦绣华庭", "阳光新城", "滨江苑", "金色家园", "富康小区", "幸福家园", "书香苑",
    "兴隆小区", "东方明珠花园", "华府名城", "金桂苑", "翠竹园", "御景湾", "世纪花园",
    "龙腾小区", "状元府", "鑫源小区", "福星小区", "和谐家园", "江南名居", "湘江明珠",
    "盛世华庭", "天润城", "金都花园", "碧水蓝天", "建华小区", "东湖苑", "丽景华庭",
    "荣华小区", "丰泽园", "美景花园", "嘉和园", "润泽小区", "泰和家园", "聚福园", "富丽花园",
    "春晖小区", "宏达小区", "博雅苑", "怡景园", "长乐苑", "祥和小区", "紫薇苑", "桂花园",
    "清水湾", "万福苑", "康乐小区", "金湘小区", "银河小区",
)  # fmt: skip
# Places for resettlement compounds besides the community's own name (兴东安置小区 …).
RESETTLEMENT_PLACES = (
    "城东", "大桥", "滨江", "油麻田", "白莲", "杨林", "新街", "高湖", "码头", "河堤", "大浦",
    "霞流", "沙湾", "莫井", "吴集", "石湾", "荣桓", "三樟",
)  # fmt: skip
SELF_BUILT = (
    "东正街民居片", "老街民居片", "河街居民区", "米行巷", "打铁巷", "油行巷", "竹器巷",
    "盐码头居民点", "谢家巷", "刘家湾", "李家大屋", "周家坪", "彭家巷", "肖家湾", "罗家冲",
)  # fmt: skip
PROPERTY_COMPANIES = (
    "衡东县洣水物业服务有限公司", "衡东县安居物业管理有限公司", "湖南湘衡物业服务有限公司",
    "衡阳市宏远物业管理有限公司", "衡东县金盾物业服务有限公司",
)  # fmt: skip
SOCIAL_PROPERTY = (
    "衡东县邻里社会化物业服务中心", "洣水镇居民服务合作社", "衡东县惠民社会化物业服务有限公司",
)  # fmt: skip

# Mobile prefixes of the three carriers; 衡东 landlines are 0734-5xxxxxx.
MOBILE_PREFIXES = (
    "139", "138", "137", "136", "135", "150", "151", "152", "158", "159", "182", "187", "188",
    "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181", "189", "177",
)  # fmt: skip
HOME_REGION = "430424"  # 衡东县
NEARBY_REGIONS = ("430421", "430422", "430423", "430426", "430481", "430482", "430405")

# 洣水镇 (衡东县城) lies around 27.083° N, 112.948° E. Each community gets a spot within about
# 2 km of it and each compound a gate within about 300 m of its community's spot (WGS-84,
# made up for the demo, so that Open311 reports by lat/long find a compound).
TOWN_CENTRE = (27.0830, 112.9480)


class CompoundNames:
    """Compound names drawn without repeats from the pools above."""

    def __init__(self, rng: random.Random):
        self.enterprises = rng.sample(ENTERPRISES, len(ENTERPRISES))
        self.institutions = rng.sample(INSTITUTIONS, len(INSTITUTIONS))
        self.estates = rng.sample(ESTATES, len(ESTATES))
        self.places = rng.sample(RESETTLEMENT_PLACES, len(RESETTLEMENT_PLACES))
        self.self_built = rng.sample(SELF_BUILT, len(SELF_BUILT))
        self.taken: set[str] = set()

    def _unique(self, name: str) -> str:
        for suffix in ("", "二期", "三期", "四期", "五期"):
            if name + suffix not in self.taken:
                self.taken.add(name + suffix)
                return name + suffix
        raise AssertionError(name)

    def unit(self, enterprise: bool) -> str:
        pool = self.enterprises if enterprise else self.institutions
        unit = pool.pop() if pool else (ENTERPRISES if enterprise else INSTITUTIONS)[0]
        return unit

    def estate(self) -> str:
        return self._unique(self.estates.pop() if self.estates else ESTATES[0])

    def resettlement(self, rng: random.Random, community: str) -> str:
        own = community.removesuffix("社区")
        if not any(name.startswith(own) for name in self.taken):
            place = own
        else:
            place = self.places.pop() if self.places else RESETTLEMENT_PLACES[0]
        return self._unique(place + rng.choice(("安置小区", "安置小区", "还建小区", "安置区")))

    def self_built_area(self) -> str:
        return self._unique(self.self_built.pop() if self.self_built else SELF_BUILT[0])

    def dormitory(self, unit: str, rng: random.Random, reform: bool) -> str:
        suffixes = ("房改小区", "宿舍", "职工宿舍") if reform else ("宿舍", "家属区", "生活区")
        return self._unique(unit + rng.choice(suffixes))
