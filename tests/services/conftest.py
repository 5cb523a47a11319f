"""A small catalogue around 兴东社区, through the services.

- 衡东县人力资源和社会保障局 (county): 社保卡补办 (当场办结, 2 documents) and 居住证办理;
- 兴东社区服务站 (兴东, 250 m from 粮站宿舍's gate): weekdays 08:30–12:00 and 14:30–17:30 on
  the working-day calendar — both items;
- 衡东县政务服务中心 (county, ~2.3 km): weekdays as above plus Saturday 09:00–12:00, all on the
  calendar — both items;
- 兴东自助服务终端 (兴东, ~120 m): every day 07:00–22:00 by its rule alone — 社保卡补办 only.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from linli.accounts.models import Role
from linli.services import services

from ..factories import make_user

CST = ZoneInfo("Asia/Shanghai")
GATE = (Decimal("27.083000"), Decimal("112.948000"))  # 粮站宿舍's gate in these tests
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
OFFICE_HOURS = [
    {"rrule": WEEKDAYS, "opens_at": "08:30", "closes_at": "12:00"},
    {"rrule": WEEKDAYS, "opens_at": "14:30", "closes_at": "17:30"},
]
ADDRESS = {"city": "衡阳市", "province": "湖南省", "district": "衡东县", "postal_code": "421400"}


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=CST)


@pytest.fixture
def town_official(regions):
    return make_user("town", Role.TOWN_OFFICIAL, regions["town"], "镇干部")


@pytest.fixture
def catalogue(regions, county_official, xingdong_worker, cases_seeded):
    org = services.organization_create(
        actor=county_official,
        region=regions["county"],
        name="衡东县人力资源和社会保障局",
        address="衡东县洣水镇衡岳北路 1 号",
        phone="0734-5221234",
    )
    card = services.item_create(
        actor=county_official,
        organization=org,
        name="社保卡补办",
        code="430424-RS-0001",
        eligibility="本人社会保障卡遗失或损坏",
        steps=["携带材料到网点", "窗口核验身份", "现场制卡领取"],
        time_limit_days=0,
        fee=Decimal("0"),
        visits_needed=1,
        consult_phone="0734-5221234",
        complaint_phone="12345",
        documents=[
            {"name": "居民身份证", "form": "original", "copies": 1},
            {"name": "近期免冠照片", "form": "original", "copies": 1, "note": "白底一寸"},
        ],
    )
    permit = services.item_create(
        actor=county_official,
        organization=org,
        name="居住证办理",
        code="430424-GA-0002",
        time_limit_days=15,
        fee=Decimal("20.00"),
        fee_basis="湘发改价费〔2016〕x号",
        visits_needed=2,
        documents=[{"name": "居民身份证", "form": "both", "copies": 1}],
    )
    station = services.point_create(
        actor=xingdong_worker,
        region=regions["xingdong"],
        name="兴东社区服务站",
        kind="station",
        address="洣水镇兴东路 18 号",
        latitude=Decimal("27.085200"),
        longitude=Decimal("112.949000"),
        phone="0734-5226001",
        hours=OFFICE_HOURS,
        item_codes=[card.code, permit.code],
        **ADDRESS,
    )
    hall = services.point_create(
        actor=county_official,
        region=regions["county"],
        name="衡东县政务服务中心",
        kind="hall",
        address="洣水镇大浦路 66 号",
        latitude=Decimal("27.100000"),
        longitude=Decimal("112.962000"),
        phone="0734-5229000",
        hours=[
            *OFFICE_HOURS,
            {"rrule": "FREQ=WEEKLY;BYDAY=SA", "opens_at": "09:00", "closes_at": "12:00"},
        ],
        item_codes=[card.code, permit.code],
        **ADDRESS,
    )
    kiosk = services.point_create(
        actor=xingdong_worker,
        region=regions["xingdong"],
        name="兴东自助服务终端",
        kind="self_service",
        address="兴东路 2 号 农商银行大厅",
        latitude=Decimal("27.083900"),
        longitude=Decimal("112.948600"),
        hours=[
            {
                "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
                "opens_at": "07:00",
                "closes_at": "22:00",
                "calendar": "rule_only",
            }
        ],
        item_codes=[card.code],
        **ADDRESS,
    )
    return {
        "org": org,
        "card": card,
        "permit": permit,
        "station": station,
        "hall": hall,
        "kiosk": kiosk,
    }
