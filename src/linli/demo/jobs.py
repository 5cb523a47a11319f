"""The jobs demo: 洣水镇's 就业驿站 (one per community), through the jobs services.

The article counts **200+** owners hired by the social property services of their own
compounds, **300+** 陪读妈妈 in flexible work at home (车间就业 + 居家就业), **40+** party-member
e-commerce 创客 with orders of ¥100,000+ a month and **500+** residents with more income through
public courses and posts. The demo reaches them from the ledger's own people, town-wide (兴东
alone rents to too few 陪读 mothers for 300):

- every compound without a professional property company gets its social property service
  (社会化物业) with a part-time post, and hires three or four of its owners of working age;
- 社区车间 and 居家手工 employers post at-home part-time work fitted to school hours, and the
  ledger's 陪读 mothers are registered with those hours (weekdays 08:00–11:30, 14:00–17:00)
  and placed;
- party members of working age become 创客 with three months of orders recorded (most above
  ¥100,000, a few below);
- public courses (电商直播, 家政收纳, 育婴, 面点 …) with sessions and attendance; their
  graduates are placed in daily gigs (日结零工).

Every row is written by ``linli.jobs.services`` (``actor=None``: the demo acts as the
station), none inserted finished; the figures are read back with ``selectors.figures``.
``build(*, community, today, rng, say) -> dict``; ``clear(*, town)``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from linli.jobs import selectors, services
from linli.jobs.models import (
    Application,
    ApplicationEvent,
    Attendance,
    Course,
    Employer,
    Enrolment,
    MakerSales,
    Posting,
    Seeker,
    Session,
    Window,
)
from linli.ledger.models import Compound, PropertyService, Region, RegionLevel, Resident
from linli.ledger.validation import age_on

SCHOOL_HOURS = ["1-5 08:00-11:30", "1-5 14:00-17:00"]
OWN_COMPOUND_JOBS = [
    ("小区保洁员", "保洁", "楼道、公共区域每日清扫，垃圾分类桶站值守", "1800", "MONTH"),
    ("秩序维护员", "巡逻", "门岗值守、夜间巡查、车辆停放引导", "2000", "MONTH"),
    ("绿化养护工", "绿化", "小区绿地修剪、浇水", "80", "DAY"),
    ("维修工", "水电维修", "公共设施小修、路灯和水管报修处理", "25", "HOUR"),
]
HOME_JOBS = [
    ("居家串珠手工", "手工", "在家串珠、编织饰品，按件计酬，车间上门收发"),
    ("居家服装锁边", "缝纫", "在家锁边、钉扣，接送孩子不耽误"),
    ("电商客服（居家）", "电脑", "在家回复网店顾客消息，上课时间在线"),
    ("车间包装（半日）", "包装", "社区车间里包装农产品，上午或下午半天"),
]
COURSES = [
    ("电商直播培训", "直播带货"),
    ("家政收纳培训", "收纳"),
    ("育婴员培训", "育婴"),
    ("面点制作培训", "面点"),
    ("手工编织培训", "手工"),
    ("保洁技能培训", "保洁"),
]
GIG_JOBS = [
    ("家政保洁（日结）", "收纳"),
    ("月嫂临时替班", "育婴"),
    ("早餐店面点帮工", "面点"),
    ("直播间场控（日结）", "直播带货"),
]


def _age(r: Resident, today: dt.date) -> int:
    return age_on(r.birth_date, today) if r.birth_date else 0


def build(*, community: Region, today: dt.date, rng, say: Callable[[str], None], **options) -> dict:
    """Build the stations of ``community``'s town (one transaction); returns the figures."""
    with transaction.atomic():
        return _build(community=community, today=today, rng=rng, say=say, **options)


def _people(town: Region, today: dt.date):
    residents = (
        Resident.objects.filter(
            household__unit__building__compound__community__path__startswith=town.path
        )
        .select_related("household__unit__building__compound__community")
        .order_by("pk")
    )
    return [r for r in residents if r.birth_date]


@dataclass
class _Demo:
    """What the four stages share: the town, the dates, its people and who is taken."""

    town: Region
    today: dt.date
    rng: Any
    people: list[Resident]
    valid: dt.date = field(init=False)
    posted: dt.date = field(init=False)
    taken: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.valid = self.today + dt.timedelta(days=60)
        self.posted = self.today - dt.timedelta(days=90)

    def age(self, r: Resident) -> int:
        return _age(r, self.today)

    def seeker(self, r: Resident, **kw) -> Seeker:
        self.taken.add(r.pk)
        return services.seeker_register(actor=None, resident=r, registered_on=self.posted, **kw)

    def place(self, s: Seeker, p: Posting, day: dt.date) -> None:
        a = services.application_recommend(actor=None, seeker=s, posting=p)
        for to in ("interview", "offered"):
            a = services.application_advance(actor=None, application=a, to=to, on=day)
        services.application_advance(actor=None, application=a, to="placed", on=day)


def _build(*, community: Region, today: dt.date, rng, say, **options) -> dict:
    town = community.parent
    if town is None or community.level != RegionLevel.COMMUNITY:
        raise ValueError("the jobs demo is built from a community (its town's stations)")
    st = _Demo(town=town, today=today, rng=rng, people=_people(town, today))
    _owners_in_own_compound(st)
    home_posts = _study_companions_at_home(st, options.get("mothers", 330))
    _party_makers(st, options.get("makers", 52))
    # 兴东's station runs the town's public courses
    graduates = _courses_and_gigs(st, community, options.get("learners", 150))

    f = selectors.figures(region=town, month=today.replace(day=1))
    say(
        f"家门口就业（{town.name}）：业主在本小区物业就业 {f.hired_in_own_compound} 人，"
        f"居家灵活就业 {f.at_home} 人（陪读妈妈 {f.at_home_study_companions}），"
        f"党员电商创客月订单 10 万元以上 {f.party_makers_over_target} 人"
        f"（创客月订单合计 {f.maker_sales:,.0f} 元），"
        f"培训结业 {f.course_completions} 人次，居民增收 {f.more_income} 人"
    )
    return {
        "hired_in_own_compound": f.hired_in_own_compound,
        "at_home": f.at_home,
        "study_companions": f.at_home_study_companions,
        "party_makers": f.party_makers_over_target,
        "more_income": f.more_income,
        "graduates": graduates,
        "home_posts": home_posts,
    }


def _owners_in_own_compound(st: _Demo) -> None:
    """1. Owners hired by their own compound's social property service."""
    owners_by_compound: dict[int, list[Resident]] = defaultdict(list)
    for r in st.people:
        if r.is_owner and 30 <= st.age(r) <= 60:
            owners_by_compound[r.household.unit.building.compound_id].append(r)
    compounds = (
        Compound.objects.filter(community__path__startswith=st.town.path)
        .exclude(property_service=PropertyService.PROFESSIONAL)
        .select_related("community")
        .order_by("pk")
    )
    for c in compounds:
        owners = owners_by_compound.get(c.pk, [])
        if not owners:
            continue
        hires = min(len(owners), st.rng.choice((3, 3, 4)))
        post = _property_post(st, c, hires)
        skill = OWN_COMPOUND_JOBS[c.pk % len(OWN_COMPOUND_JOBS)][1]
        for r in st.rng.sample(owners, hires):
            s = st.seeker(r, skills=[skill])
            st.place(s, post, st.posted + dt.timedelta(days=st.rng.randint(7, 40)))


def _property_post(st: _Demo, c: Compound, hires: int) -> Posting:
    """The social property service of ``c`` and its part-time post for ``hires`` owners."""
    employer = services.employer_create(
        actor=None,
        community=c.community,
        name=f"{c.name}社会化物业服务站",
        kind="social_property",
        compound=c,
        contact_name="站长",
    )
    title, skill, text, pay, unit = OWN_COMPOUND_JOBS[c.pk % len(OWN_COMPOUND_JOBS)]
    return services.posting_create(
        actor=None,
        employer=employer,
        title=title,
        description=text,
        employment_type="PART_TIME",
        salary_min=pay,
        salary_unit=unit,
        total_openings=hires + 1,
        valid_through=st.valid,
        date_posted=st.posted,
        work_hours="每天 4 小时，排班",
        skills=[skill],
    )


def _study_companions_at_home(st: _Demo, count: int) -> int:
    """2. 陪读妈妈 in work at home or in the workshop, fitted to school hours; returns the
    number of posts."""
    mothers = [
        r
        for r in st.people
        if r.is_study_companion and r.sex == "F" and 25 <= st.age(r) <= 55 and r.pk not in st.taken
    ]
    mothers = st.rng.sample(mothers, min(len(mothers), count))
    mothers_of: dict[Region, list[Resident]] = defaultdict(list)
    for r in mothers:
        mothers_of[r.household.unit.building.compound.community].append(r)
    home_posts = 0
    for i, (com, group) in enumerate(sorted(mothers_of.items(), key=lambda kv: kv[0].pk)):
        posts = _home_posts(st, i, com, openings=len(group) // 2 + 3)
        home_posts += len(posts)
        for n, r in enumerate(group):
            p = posts[n % 2]
            s = st.seeker(r, skills=p.skills, windows=SCHOOL_HOURS, wants_home_work=True)
            st.place(s, p, st.posted + dt.timedelta(days=st.rng.randint(3, 60)))
    return home_posts


def _home_posts(st: _Demo, i: int, com: Region, *, openings: int) -> list[Posting]:
    """``com``'s workshop and its two at-home posts (the ``i``-th community's pair of jobs)."""
    employer = services.employer_create(
        actor=None, community=com, name=f"{com.name}社区就业车间", kind="workshop"
    )
    posts = []
    for j in range(2):
        title, skill, text = HOME_JOBS[(i + j) % len(HOME_JOBS)]
        posts.append(
            services.posting_create(
                actor=None,
                employer=employer,
                title=title,
                description=text + "（月增收约 3000 元）",
                employment_type="PART_TIME",
                at_home=True,
                salary_min="15",
                salary_unit="HOUR",
                total_openings=openings,
                valid_through=st.valid,
                date_posted=st.posted,
                work_hours="周一至周五 8:00–11:30、14:00–17:00（孩子上学时）",
                skills=[skill],
            )
        )
    return posts


def _party_makers(st: _Demo, count: int) -> None:
    """3. Party-member 创客 and three months of their orders."""
    party = [
        r for r in st.people if r.is_party_member and 25 <= st.age(r) <= 55 and r.pk not in st.taken
    ]
    makers = st.rng.sample(party, min(len(party), count))
    months = [st.today.replace(day=1)]
    for _ in range(2):
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    for k, r in enumerate(makers):
        s = st.seeker(r, skills=["电商", "直播带货"], is_maker=True)
        base = (
            Decimal(st.rng.randint(102_000, 260_000))
            if k % 8
            else Decimal(st.rng.randint(30_000, 90_000))
        )
        for m in months:
            amount = (base * Decimal(str(round(st.rng.uniform(1.0, 1.1), 3)))).quantize(
                Decimal("0.01")
            )
            services.sales_record(
                actor=None,
                seeker=s,
                month=m,
                amount=amount,
                orders=int(amount // 60),
                channel=st.rng.choice(("抖音", "拼多多", "淘宝")),
            )


def _courses_and_gigs(st: _Demo, station: Region, count: int) -> int:
    """4. Public courses at ``station``; their graduates placed in daily gigs. Returns the
    number of graduates."""
    others = [
        r for r in st.people if 20 <= st.age(r) <= 58 and r.pk not in st.taken and not r.is_owner
    ]
    learners = st.rng.sample(others, min(len(others), count))
    gig_employer = services.employer_create(
        actor=None, community=station, name="洣水镇零工市场家门口站", kind="public"
    )
    graduates = 0
    for i, (title, skill) in enumerate(COURSES):
        start = st.today - dt.timedelta(days=120 - 15 * i)
        days = [start + dt.timedelta(days=7 * k) for k in range(5)]
        course = services.course_create(
            actor=None,
            community=station,
            title=title,
            skill=skill,
            starts_on=start,
            capacity=30,
            sessions=days,
            provider="县人社局",
            place="社区党群服务中心",
        )
        group = learners[i * 25 : (i + 1) * 25]
        seekers = [st.seeker(r, skills=[], windows=["1-7 08:00-18:00"]) for r in group]
        for s in seekers:
            services.course_enrol(actor=None, course=course, seeker=s, on=start)
        for session in course.sessions.all():
            present = [s for s in seekers if st.rng.random() < 0.9]
            services.attendance_record(actor=None, session=session, seekers=present)
        done = Enrolment.objects.filter(course=course, completed=True).count()
        graduates += done
        _gig(st, gig_employer, course, i, start=start, openings=done + 3, on=days[-1])
    return graduates


def _gig(
    st: _Demo,
    employer: Employer,
    course: Course,
    i: int,
    *,
    start: dt.date,
    openings: int,
    on: dt.date,
) -> None:
    """The ``i``-th daily gig, filled with ``course``'s graduates of its skill 3 days after
    the last session ``on``."""
    gig_title, gig_skill = GIG_JOBS[i % len(GIG_JOBS)]
    gig = services.posting_create(
        actor=None,
        employer=employer,
        title=gig_title,
        description="培训结业学员优先，按天结算",
        employment_type="PER_DIEM",
        salary_min=st.rng.choice(("120", "150", "180")),
        salary_unit="DAY",
        total_openings=openings,
        valid_through=st.valid,
        date_posted=start,
        work_hours="按需上门，8:00–17:00",
        skills=[gig_skill],
    )
    for e in Enrolment.objects.filter(course=course, completed=True).select_related("seeker"):
        if gig_skill in e.seeker.skills:
            st.place(e.seeker, gig, on + dt.timedelta(days=3))


def clear(*, town: Region | None) -> None:
    """Remove the jobs rows below ``town`` (seekers protect residents, employers regions and
    compounds). Call before the ledger's clear."""
    if town is None:
        return
    communities = Region.objects.filter(path__startswith=town.path)
    seekers = Seeker.objects.filter(community__in=communities)
    MakerSales.objects.filter(seeker__in=seekers).delete()
    Attendance.objects.filter(enrolment__seeker__in=seekers).delete()
    Enrolment.objects.filter(seeker__in=seekers).delete()
    Session.objects.filter(course__community__in=communities).delete()
    Course.objects.filter(community__in=communities).delete()
    apps = Application.objects.filter(seeker__in=seekers)
    ApplicationEvent.objects.filter(application__in=apps).delete()
    apps.delete()
    Window.objects.filter(seeker__in=seekers).delete()
    seekers.delete()
    Application.objects.filter(posting__community__in=communities).delete()
    Posting.objects.filter(community__in=communities).delete()
    Employer.objects.filter(community__in=communities).delete()
