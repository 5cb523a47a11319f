"""The services demo: 44 service points offering 41 county service items "就近办" around
兴东社区 (the article: "44 个自助服务点和代办点，41 项县级服务事项下沉"), through the services.

- 11 county bodies (人社, 医保, 民政, 公安, 卫健, 残联, 退役军人, 司法, 公积金, 税务, 市场监管)
  and their 41 items, each with its 办事指南 (documents, steps, time limit, fee, visits);
- 1 衡东县政务服务中心 (all 41 items, weekdays and Saturday mornings), 1 洣水镇便民服务中心,
  9 社区服务站 (one per 洣水镇 community), 13 自助服务终端 (bank halls, supermarkets, stations;
  07:00–22:00 every day, holidays included) and 20 代办点 (one in each of 兴东's compounds, run
  by the 邻长, and 9 in the neighbouring communities: Tuesday and Thursday afternoons plus the
  first Saturday of the month) — opening hours as RFC 5545 rules on the working-day calendar.

Coordinates are the ledger's compound gates (WGS-84) and the communities' centres.
``build(*, community, today, rng, say) -> dict``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction

from linli.accounts.models import Profile
from linli.core.roles import Role
from linli.ledger.models import Compound, Region, RegionLevel
from linli.services import selectors, services
from linli.services.geo import distance_label
from linli.services.models import Item, Organization, Point, PointKind

from .names import TOWN_CENTRE

ADDRESS = {"city": "衡阳市", "province": "湖南省", "district": "衡东县", "postal_code": "421400"}
VALID_FROM = dt.date(2024, 1, 1)
WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
OFFICE = [
    {"rrule": WEEKDAYS, "opens_at": "08:30", "closes_at": "12:00", "description": "上午"},
    {"rrule": WEEKDAYS, "opens_at": "14:30", "closes_at": "17:30", "description": "下午"},
]
HALL = [*OFFICE, {"rrule": "FREQ=WEEKLY;BYDAY=SA", "opens_at": "09:00", "closes_at": "12:00"}]
KIOSK = [
    {
        "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
        "opens_at": "07:00",
        "closes_at": "22:00",
        "calendar": "rule_only",
        "description": "自助服务，节假日照常",
    }
]
AGENCY = [
    {"rrule": "FREQ=WEEKLY;BYDAY=TU,TH", "opens_at": "15:00", "closes_at": "17:30"},
    {
        "rrule": "FREQ=MONTHLY;BYDAY=+1SA",
        "opens_at": "09:00",
        "closes_at": "11:30",
        "calendar": "rule_only",
        "description": "每月第一个周六集中代办",
    },
]

# code, name, office address, phone
ORGANISATIONS = {
    "RS": ("衡东县人力资源和社会保障局", "洣水镇衡岳北路 28 号", "0734-5222333"),
    "YB": ("衡东县医疗保障局", "洣水镇大浦路 12 号", "0734-5236120"),
    "MZ": ("衡东县民政局", "洣水镇人民路 45 号", "0734-5223526"),
    "GA": ("衡东县公安局", "洣水镇迎宾大道 88 号", "0734-5225110"),
    "WJ": ("衡东县卫生健康局", "洣水镇建设路 20 号", "0734-5224401"),
    "CL": ("衡东县残疾人联合会", "洣水镇文化路 6 号", "0734-5227568"),
    "TY": ("衡东县退役军人事务局", "洣水镇城西路 3 号", "0734-5228120"),
    "SF": ("衡东县司法局", "洣水镇滨江路 17 号", "0734-5226148"),
    "GJ": ("衡阳市住房公积金管理中心衡东县管理部", "洣水镇大浦路 30 号", "0734-5229012"),
    "SW": ("国家税务总局衡东县税务局", "洣水镇东风路 9 号", "0734-5221366"),
    "SJ": ("衡东县市场监督管理局", "洣水镇衡岳北路 60 号", "0734-5223315"),
}

DOCS = {
    "ID": ("居民身份证", "original", 1, ""),
    "HK": ("户口簿", "original", 1, ""),
    "PHOTO": ("近期免冠一寸照片", "original", 2, "白底"),
    "CARD": ("本人社会保障卡或银行卡", "original", 1, ""),
    "FORM": ("申请表", "original", 1, "网点领取，可由工作人员协助填写"),
    "INCOME": ("家庭收入和财产情况说明", "original", 1, "申请人签字"),
    "MED": ("病历、诊断证明和检查报告", "both", 1, ""),
    "BILLS": ("医疗费用发票和费用清单", "original", 1, ""),
    "DISAB": ("残疾人证", "both", 1, ""),
    "BIRTH": ("出生医学证明", "original", 1, ""),
    "MARRY": ("结婚证", "copy", 1, ""),
    "PROOF": ("相关证明材料", "copy", 1, "如劳动合同解除证明、迁入地证明等"),
    "DISCHARGE": ("退役证件", "both", 1, ""),
    "LICENCE": ("经营场所使用证明", "copy", 1, ""),
}

H, T, S, K, A = "hall", "town", "station", "kiosk", "agency"
# org, name, working days (0 = 当场办结), fee, visits, documents, where besides the hall
ITEMS: tuple[tuple[str, str, int, str, int, tuple[str, ...], str], ...] = (
    ("RS", "社保卡补办", 0, "0", 1, ("ID", "PHOTO"), "T S K"),
    ("RS", "社保卡申领", 5, "0", 1, ("ID", "PHOTO"), "T S"),
    ("RS", "城乡居民养老保险参保登记", 0, "0", 1, ("ID", "HK"), "T S A"),
    ("RS", "城乡居民养老保险待遇申领", 5, "0", 1, ("ID", "HK", "CARD"), "T S A"),
    ("RS", "养老金领取资格认证", 0, "0", 0, ("CARD",), "T S K A"),
    ("RS", "灵活就业人员参保登记", 0, "0", 1, ("ID",), "T S K"),
    ("RS", "就业创业证申领", 3, "0", 1, ("ID", "PHOTO"), "T S"),
    ("RS", "失业登记", 0, "0", 1, ("ID", "PROOF"), "T S"),
    ("RS", "失业保险金申领", 5, "0", 1, ("ID", "PROOF", "CARD"), "T"),
    ("RS", "职业技能培训报名", 0, "0", 1, ("ID",), "T S A"),
    ("YB", "城乡居民医保参保登记", 0, "0", 1, ("ID", "HK"), "T S A"),
    ("YB", "医保异地就医备案", 0, "0", 0, ("ID",), "T S K"),
    ("YB", "门诊慢特病待遇认定", 15, "0", 1, ("ID", "MED"), "T"),
    ("YB", "医保关系转移接续", 15, "0", 1, ("ID", "PROOF"), "T"),
    ("YB", "生育医疗费用报销", 10, "0", 1, ("ID", "BILLS", "CARD"), "T"),
    ("SW", "城乡居民医保费缴纳", 0, "0", 0, ("ID",), "T S K"),
    ("MZ", "高龄津贴申领", 20, "0", 1, ("ID", "HK", "CARD"), "T S A"),
    ("MZ", "最低生活保障申请", 30, "0", 1, ("FORM", "ID", "HK", "INCOME"), "T S A"),
    ("MZ", "特困人员救助供养申请", 30, "0", 1, ("FORM", "ID", "HK", "INCOME"), "T S A"),
    ("MZ", "临时救助申请", 10, "0", 1, ("FORM", "ID", "PROOF"), "T S A"),
    ("MZ", "残疾人两项补贴申领", 20, "0", 1, ("ID", "DISAB", "CARD"), "T S A"),
    ("MZ", "居家养老服务补贴申请", 15, "0", 1, ("FORM", "ID", "HK"), "T S A"),
    ("MZ", "殡葬惠民补助申领", 5, "0", 1, ("ID", "PROOF", "CARD"), "T S"),
    ("MZ", "婚姻登记预约", 0, "0", 2, ("ID", "HK", "PHOTO"), ""),
    ("GA", "居住证办理", 15, "0", 2, ("ID", "PHOTO", "PROOF"), "T S"),
    ("GA", "居民身份证换领", 20, "20.00", 1, ("HK",), "T"),
    ("GA", "出生登记（户口申报）", 5, "0", 1, ("BIRTH", "HK", "MARRY"), "T"),
    ("GA", "户口迁移", 5, "0", 1, ("HK", "ID", "PROOF"), "T"),
    ("GA", "无犯罪记录证明", 3, "0", 1, ("ID",), "T S"),
    ("WJ", "农村部分计划生育家庭奖励扶助申请", 30, "0", 1, ("FORM", "ID", "HK"), "T S"),
    ("WJ", "计划生育特别扶助申请", 30, "0", 1, ("FORM", "ID", "HK"), "T S"),
    ("WJ", "生育登记服务", 0, "0", 0, ("ID", "MARRY"), "T S K"),
    ("WJ", "老年人优待证办理", 5, "0", 1, ("ID", "PHOTO"), "T S A"),
    ("CL", "残疾人证办理", 20, "0", 2, ("ID", "PHOTO", "MED"), "T S"),
    ("CL", "残疾人辅助器具申请", 15, "0", 1, ("ID", "DISAB"), "T S A"),
    ("TY", "退役军人优待证申领", 30, "0", 1, ("ID", "DISCHARGE", "PHOTO"), "T S"),
    ("SF", "法律援助申请", 7, "0", 1, ("FORM", "ID", "PROOF"), "T S A"),
    ("SF", "人民调解申请", 0, "0", 1, ("ID",), "T S A"),
    ("GJ", "住房公积金提取", 3, "0", 1, ("ID", "CARD", "PROOF"), "T"),
    ("SJ", "个体工商户登记", 0, "0", 1, ("ID", "LICENCE"), "T"),
    ("SW", "自然人代开增值税发票", 0, "0", 1, ("ID", "PROOF"), "T"),
)
KIOSK_PLACES = (  # (community, place) of the 13 self-service terminals
    ("兴东社区", "兴东社区服务站大厅"),
    ("兴东社区", "衡东农商银行兴东支行"),
    ("兴东社区", "步步高超市东正街店"),
    ("兴东社区", "邮政储蓄银行迎宾大道网点"),
    ("兴东社区", "兴东路社区卫生服务站"),
    ("新塘社区", "新塘社区服务站大厅"),
    ("城西社区", "工商银行城西支行"),
    ("洣江社区", "洣江社区服务站大厅"),
    ("草市社区", "建设银行草市支行"),
    ("东风社区", "东风社区服务站大厅"),
    ("南湾社区", "农业银行南湾分理处"),
    ("红卫社区", "红卫社区服务站大厅"),
    ("建设社区", "中国银行建设路支行"),
)
AGENCIES = 20  # 代办点: one in each of 兴东's compounds, the rest in the neighbours' compounds


def _steps(days: int, visits: int) -> list[str]:
    if visits == 0:
        return ["在自助终端或手机上选择事项", "按提示刷身份证或社保卡、人脸识别", "即时办结"]
    if days == 0:
        return ["携带材料到网点窗口", "窗口核验身份和材料", "当场办结，领取结果"]
    return [
        "携带材料到网点窗口提交申请（代办点可代收材料）",
        "窗口受理，出具受理回执",
        f"主管部门审核，{days} 个工作日内办结",
        "短信通知结果，按通知领取或直接发放",
    ]


def _actor(role: Role, region: Region):
    profile = (
        Profile.objects.filter(role=role, region=region).select_related("user").order_by("pk")
    ).first()
    return profile.user if profile else None


def _centre(compounds: list[Compound]) -> tuple[Decimal, Decimal]:
    spots = [
        (c.latitude, c.longitude)
        for c in compounds
        if c.latitude is not None and c.longitude is not None
    ]
    if not spots:
        return Decimal(str(TOWN_CENTRE[0])), Decimal(str(TOWN_CENTRE[1]))
    six = Decimal("0.000001")
    lat = sum((la for la, _ in spots), Decimal(0)) / len(spots)
    lng = sum((lo for _, lo in spots), Decimal(0)) / len(spots)
    return Decimal(lat).quantize(six), Decimal(lng).quantize(six)


def _offset(lat: Decimal, lng: Decimal, rng: random.Random, spread: float = 0.0012):
    six = Decimal("0.000001")
    return (
        (lat + Decimal(str(rng.uniform(-spread, spread)))).quantize(six),
        (lng + Decimal(str(rng.uniform(-spread, spread)))).quantize(six),
    )


def _catalogue(county_actor, county: Region) -> dict[str, list[str]]:
    """The organisations and the 41 items; returns the item codes by where they are offered."""
    orgs = {}
    for key, (name, address, phone) in ORGANISATIONS.items():
        orgs[key] = services.organization_create(
            actor=county_actor, region=county, name=name, address=address, phone=phone
        )
    where: dict[str, list[str]] = {k: [] for k in (H, T, S, K, A)}
    seq: dict[str, int] = {}
    for org_key, name, days, fee, visits, docs, places in ITEMS:
        seq[org_key] = seq.get(org_key, 0) + 1
        code = f"430424-{org_key}-{seq[org_key]:04d}"
        org = orgs[org_key]
        services.item_create(
            actor=county_actor,
            organization=org,
            name=name,
            code=code,
            description=f"{org.name}实施，下沉到镇、社区就近办理。",
            eligibility="本县户籍居民或在本县居住、参保的人员",
            steps=_steps(days, visits),
            time_limit_days=days,
            fee=fee,
            fee_basis="国家和省规定的收费标准" if Decimal(fee) > 0 else "",
            visits_needed=visits,
            consult_phone=org.phone,
            complaint_phone="12345",
            documents=[
                {"name": n, "form": f, "copies": c, "note": note}
                for n, f, c, note in (DOCS[d] for d in docs)
            ],
        )
        where[H].append(code)
        for token in places.split():
            where[{"T": T, "S": S, "K": K, "A": A}[token]].append(code)
    return where


def _point(actor, region: Region, name: str, kind: str, lat, lng, **extra: Any) -> Point:
    fields: dict[str, Any] = {**ADDRESS, **extra}
    return services.point_create(
        actor=actor, region=region, name=name, kind=kind, latitude=lat, longitude=lng, **fields
    )


@transaction.atomic
def build(
    *, community: Region, today: dt.date, rng: random.Random, say: Callable[[str], None]
) -> dict:
    town = community.parent
    if town is None or town.parent is None or town.parent.level != RegionLevel.COUNTY:
        return {}
    county = town.parent
    county_actor = _actor(Role.COUNTY_OFFICIAL, county)
    if county_actor is None:
        return {}
    worker = _actor(Role.COMMUNITY_WORKER, community) or county_actor
    where = _catalogue(county_actor, county)
    centre = (Decimal(str(TOWN_CENTRE[0])), Decimal(str(TOWN_CENTRE[1])))
    communities = list(
        Region.objects.filter(parent=town, level=RegionLevel.COMMUNITY).order_by("code", "pk")
    )
    compounds_of = {
        c.pk: list(Compound.objects.filter(community=c).order_by("pk")) for c in communities
    }
    lat, lng = _offset(*centre, rng, 0.004)
    _point(
        county_actor, county, "衡东县政务服务中心", PointKind.HALL, lat, lng,
        address="洣水镇大浦路 66 号", phone="0734-5229000", hours=HALL,
        transport="县城 1 路、3 路公交“政务中心”站", item_codes=where[H],
    )  # fmt: skip
    _point(
        county_actor, town, "洣水镇便民服务中心", PointKind.TOWN_CENTRE, *centre,
        address="洣水镇人民路 1 号", phone="0734-5231001", hours=OFFICE, item_codes=where[T],
    )  # fmt: skip
    by_name = {c.name: c for c in communities}
    for c in communities:
        clat, clng = _centre(compounds_of[c.pk])
        actor = worker if c == community else county_actor
        _point(
            actor, c, f"{c.name}服务站", PointKind.STATION, *_offset(clat, clng, rng, 0.0006),
            address=f"{c.name}党群服务中心一楼",
            phone=f"0734-52{26000 + communities.index(c) + 1}", hours=OFFICE, item_codes=where[S],
        )  # fmt: skip
    for name, place in KIOSK_PLACES:
        home = by_name.get(name)
        if home is None:
            continue
        clat, clng = _centre(compounds_of[home.pk])
        _point(
            worker if home == community else county_actor, home, f"自助服务终端（{place}）",
            PointKind.SELF_SERVICE, *_offset(clat, clng, rng, 0.002), address=place,
            hours=KIOSK, item_codes=where[K],
        )  # fmt: skip
    agencies = [(community, cp) for cp in compounds_of[community.pk]]
    others = [c for c in communities if c != community]
    depth = max((len(compounds_of[c.pk]) for c in others), default=0)
    nearby = [  # the neighbours' compounds, round-robin: each community's first, then second …
        (c, compounds_of[c.pk][i]) for i in range(depth) for c in others
        if i < len(compounds_of[c.pk])
    ]  # fmt: skip
    agencies += nearby[: max(0, AGENCIES - len(agencies))]
    for c, cp in agencies:
        if cp.latitude is None or cp.longitude is None:
            continue
        _point(
            worker if c == community else county_actor, c, f"{cp.name}代办点", PointKind.AGENCY,
            *_offset(cp.latitude, cp.longitude, rng, 0.0002),
            address=f"{cp.name}内（邻长代办）", hours=AGENCY, item_codes=where[A],
        )  # fmt: skip
    return _report(community, compounds_of[community.pk], today, say)


def _report(community: Region, compounds: list[Compound], today: dt.date, say) -> dict:
    from django.db.models import Count

    counts = selectors.catalogue_counts()
    kinds = dict(Point.objects.filter(active=True).values_list("kind").annotate(n=Count("pk")))
    label = dict(PointKind.choices)
    kinds_text = "、".join(f"{label[k]} {kinds.get(k, 0)}" for k in PointKind.values)
    say(
        f"便民服务：{counts['points']} 个服务网点（{kinds_text}），{counts['items']} 项服务事项，"
        f"{Organization.objects.count()} 个实施机构，网点可办事项 {counts['offers']} 条"
    )
    placed = [c for c in compounds if c.latitude is not None and c.longitude is not None]
    figures: dict = {**counts, "kinds": kinds}
    if placed:
        gate = placed[0]
        assert gate.latitude is not None and gate.longitude is not None
        item = Item.objects.get(name="高龄津贴申领")
        rows = selectors.nearest_points(
            lat=gate.latitude, lng=gate.longitude, item_code=item.code, limit=3
        )
        near = "；".join(f"{r.name} {distance_label(r.distance_m)}" for r in rows)
        say(f"就近办：从{gate.name}办“{item.name}”最近的网点：{near}")
        figures["nearest"] = [(r.name, r.distance_m) for r in rows]
    return figures


def clear(*, town: Region | None) -> None:
    """Remove the services rows of the demo county (points, items, organisations) before the
    ledger's regions go."""
    if town is None or town.parent is None:
        return
    from linli.services.models import PointItem, RequiredDocument, Schedule

    prefix = town.parent.path
    points = Point.objects.filter(region__path__startswith=prefix)
    PointItem.objects.filter(point__in=points).delete()
    Schedule.objects.filter(point__in=points).delete()
    points.delete()
    items = Item.objects.filter(organization__region__path__startswith=prefix)
    PointItem.objects.filter(item__in=items).delete()
    RequiredDocument.objects.filter(item__in=items).delete()
    items.delete()
    Organization.objects.filter(region__path__startswith=prefix).delete()
