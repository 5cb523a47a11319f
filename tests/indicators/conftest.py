"""A small world whose every figure is worked out by hand (``test_values.py``).

兴东社区 (``grid_world``): 粮站宿舍 with 101, 102 (邻 A) and 201 (邻 B), all 80 ㎡;
residents 刘建国 (101), 王桂兰 (102, a party member, 邻长 A) and 赵志强 (201, 邻长 B);
片 A → 组 A → 邻 A, 邻 B. 新塘社区: 新塘小区 with one household (李四). The month asked is
March 2026 (``MARCH``); everything that stands (households, memberships, posts) is dated
1 January 2026, every flow in March unless said otherwise:

- ledger: both compounds 三无 when recorded (1 January); 粮站宿舍 got a property company on
  15 February.
- grid: 赵志强 also 片长 A from 1 January; 邻 B's post vacated on 10 March.
- cases (兴东): four reported in March — 101's resolved after 5 h and rated 满意, 102's
  accepted, 201's returned with a reason, one more from 101 merged into the first
  (counted nowhere) — and one from 201 reported in February.
- fees (粮站宿舍, 0.50 元/㎡·月 → 40.00 a month each): March billed; 101 pays 40.00,
  102 pays 30.00, 201 nothing.
- commons (粮站宿舍): parking income 500.00 on 5 March, cleaning 120.00 on 6 March, posted;
  advertising 80.00 on 7 March waiting for approval (not counted).
- volunteers (兴东): one activity, a shift 7 March 09:00–11:30; 101's and 102's records
  approved (2.5 h each), 201's left pending.
- care: 刘建国 (101), 王桂兰 (102) and 李四 (新塘) registered 5 January; 刘建国 visited on
  3 and 20 March (two visits), 王桂兰 in February only; 李四 on 9 March.
- civility (兴东): one 文明户 awarded to 101 on 25 March.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.indicators.registry import Month

from ..factories import make_user

MARCH = Month(2026, 3)
JAN_1 = timezone.make_aware(dt.datetime(2026, 1, 1, 8, 0))


def at(month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))


def _backdate_stocks() -> None:
    """Everything created by the services stands from 1 January 2026."""
    from linli.grid.models import Grid, Holding, Membership
    from linli.ledger.models import Compound, Household, Resident

    for model in (Compound, Household, Resident):  # in their order, a second apart
        for i, pk in enumerate(model.history.order_by("history_id").values_list("pk", flat=True)):
            model.history.filter(pk=pk).update(history_date=JAN_1 + dt.timedelta(seconds=i))
    Membership.objects.update(start=JAN_1)
    Holding.objects.update(start=JAN_1)
    Grid.objects.update(created_at=JAN_1)


def _build_infra_services_jobs(regions, compound, other_compound, worker, r) -> None:
    """infra, service points and jobs (figures as they stand now; 创客 sales of March)."""
    from linli.infra.models import Plan, Problem
    from linli.infra.models import Stage as InfraStage
    from linli.jobs import services as job_services
    from linli.jobs.models import Application, Enrolment, MakerSales, Posting, Stage
    from linli.ledger.models import Resident
    from linli.services import services as point_services

    # infra: 粮站宿舍 one problem done (1000.00 budgeted, 950.50 spent), one being built
    # (2000.00, 300.00 so far), one just proposed (no money yet); 新塘小区 one done (500, 480)
    def problem(plan, title, stage, budget, actual):
        Problem.objects.create(
            plan=plan,
            kind="water",
            title=title,
            found_by="survey",
            found_on=dt.date(2026, 1, 10),
            budget=budget and Decimal(budget),
            actual=actual and Decimal(actual),
            stage=stage,
            stage_at=at(2, 1),
            created_at=at(1, 10),
        )

    for c, rows in (
        (
            compound,
            (
                ("水管漏水", InfraStage.DONE, "1000.00", "950.50"),
                ("路灯不亮", InfraStage.IMPLEMENTING, "2000.00", "300.00"),
                ("消防通道堵塞", InfraStage.PROPOSED, None, None),
            ),
        ),
        (other_compound, (("化粪池满溢", InfraStage.DONE, "500.00", "480.00"),)),
    ):
        plan = Plan.objects.create(compound=c, title=f"{c.name}对策", created_at=at(1, 5))
        for row in rows:
            problem(plan, *row)

    # service points: 兴东社区服务站 (兴东) offers both items; the county hall one of them
    county = make_user("ind_county", Role.COUNTY_OFFICIAL, regions["county"], "县干部")
    org = point_services.organization_create(
        actor=county, region=regions["county"], name="衡东县人社局", address="大浦路 1 号"
    )
    codes = []
    for i, name in enumerate(("社保卡补办", "居住证办理"), start=1):
        item = point_services.item_create(
            actor=county,
            organization=org,
            name=name,
            code=f"430424-XX-000{i}",
            time_limit_days=1,
            fee=Decimal("0"),
            visits_needed=1,
            documents=[{"name": "居民身份证", "form": "original", "copies": 1}],
        )
        codes.append(item.code)
    address = {"city": "衡阳市", "province": "湖南省", "district": "衡东县"}
    address["postal_code"] = "421400"
    for actor, region, name, kind, items in (
        (worker, regions["xingdong"], "兴东社区服务站", "station", codes),
        (county, regions["county"], "衡东县政务服务中心", "hall", codes[:1]),
    ):
        point_services.point_create(
            actor=actor,
            region=region,
            name=name,
            kind=kind,
            address="洣水镇",
            latitude=Decimal("27.085200"),
            longitude=Decimal("112.949000"),
            item_codes=items,
            **address,
        )

    # jobs (兴东): 刘建国 (an owner) placed with 粮站宿舍's own social property (1 of its 2
    # openings); 赵志强 placed at home with the workshop (its only opening, so full) and a
    # 创客 selling 3000.00 in March; 刘建国 finished a course
    Resident.objects.filter(pk=r["a"].pk).update(is_owner=True)
    community = regions["xingdong"]
    employers = [
        job_services.employer_create(
            actor=worker,
            community=community,
            name="粮站宿舍社会化物业服务站",
            kind="social_property",
            compound=compound,
        ),
        job_services.employer_create(
            actor=worker, community=community, name="兴东手工车间", kind="workshop"
        ),
    ]
    postings = [
        job_services.posting_create(
            actor=worker,
            employer=employer,
            title=title,
            description="岗位说明",
            employment_type="PART_TIME",
            salary_min="20",
            salary_unit="HOUR",
            total_openings=openings,
            valid_through=dt.date(2099, 12, 31),
            at_home=home,
        )
        for employer, title, openings, home in (
            (employers[0], "小区保洁员", 2, False),
            (employers[1], "手工编织", 1, True),
        )
    ]
    seekers = [
        job_services.seeker_register(actor=worker, resident=r[key], skills="保洁")
        for key in ("a", "b")
    ]
    for seeker, posting in zip(seekers, postings, strict=True):
        Application.objects.create(seeker=seeker, posting=posting, stage=Stage.PLACED)
        Posting.objects.filter(pk=posting.pk).update(filled=1)
    MakerSales.objects.create(seeker=seekers[1], month=dt.date(2026, 3, 1), amount="3000.00")
    course = job_services.course_create(
        actor=worker,
        community=community,
        title="家政培训",
        skill="家政",
        starts_on=dt.date(2026, 3, 2),
        capacity=10,
    )
    Enrolment.objects.create(
        course=course, seeker=seekers[0], enrolled_on=dt.date(2026, 3, 1), completed=True
    )


def build_world() -> dict:
    import importlib

    from django.apps import apps as django_apps

    from linli.care import services as care_services
    from linli.cases import services as case_services
    from linli.civility import services as civility_services
    from linli.civility.models import Criterion, Kind
    from linli.commons import services as commons_services
    from linli.finance import services as finance_services
    from linli.grid import services as grid_services
    from linli.ledger import services as ledger_services
    from linli.volunteers import services as volunteer_services
    from linli.volunteers.services import RollEntry, ShiftIn

    from ..factories import region_tree
    from ..matrix_world import build_grid_world

    importlib.import_module(
        "linli.cases.migrations.0002_seed_categories_departments_calendar"
    ).seed(django_apps, None)
    regions = region_tree()
    compound = ledger_services.compound_create(community=regions["xingdong"], name="粮站宿舍")
    other_compound = ledger_services.compound_create(community=regions["xintang"], name="新塘小区")
    w = build_grid_world(regions, compound)
    h, r = w["households"], w["residents"]
    worker = make_user("xd", Role.COMMUNITY_WORKER, regions["xingdong"], "兴东社工")
    town = make_user("town", Role.TOWN_OFFICIAL, regions["town"], "镇干部")
    committee = make_user("ywh", Role.COMMITTEE_MEMBER, regions["xingdong"], "业委会")
    committee.profile.compound = compound
    committee.profile.save()
    xt_h = ledger_services.household_ensure(
        compound=other_compound, building="1栋", unit="1单元", room="101", area=Decimal("60.00")
    )
    li = ledger_services.resident_save(household=xt_h, name="李四", id_number="360426199101010071")
    r["a2"].is_party_member = True
    r["a2"].save()
    grid_services.post_assign(grid=w["area"], resident=r["b"], reason="推选")
    _backdate_stocks()

    # ledger: 粮站宿舍 gets a property company on 15 February
    ledger_services.compound_update(
        compound=compound,
        property_service="professional",
        property_company="衡东物业",
        reason="引入物业",
        when=at(2, 15),
    )

    # cases
    def report(household, when, text="楼道积水"):
        return case_services.case_report(
            actor=worker, household=household, category="sanitation", description=text, when=when
        )

    c1 = report(h["101"], at(3, 2, 9))
    c2 = report(h["102"], at(3, 4))
    c3 = report(h["201"], at(3, 5))
    dup = report(h["101"], at(3, 6), "垃圾满溢")
    report(h["201"], at(2, 20))
    leader_a, leader_b = w["leader_a"], w["leader_b"]
    case_services.case_merge(actor=leader_a, case=dup, into=c1, when=at(3, 6, 11))
    case_services.case_accept(actor=leader_a, case=c1, when=at(3, 2, 10))
    case_services.case_resolve(actor=leader_a, case=c1, note="已清理", when=at(3, 2, 14))
    case_services.case_rate(actor=w["resident_a"], case=c1, satisfaction="satisfied", when=at(3, 3))
    case_services.case_accept(actor=leader_a, case=c2, when=at(3, 4, 11))
    case_services.case_return(actor=leader_b, case=c3, reason="非本社区事项", when=at(3, 5, 11))
    # grid: 邻 B's post vacated on 10 March
    grid_services.post_vacate(grid=w["n_b"], reason="搬离", when=at(3, 10))

    # fees
    finance_services.schedule_create(
        actor=worker, compound=compound, basis="per_area", price="0.50", valid_from="2026-01"
    )
    finance_services.bill_run(actor=worker, period_start="2026-03", compound=compound)
    finance_services.payment_record(
        actor=worker, household=h["101"], amount="40.00", method="cash", when=at(3, 10)
    )
    finance_services.payment_record(
        actor=worker, household=h["102"], amount="30.00", method="cash", when=at(3, 11)
    )

    # commons
    account = commons_services.account_open(actor=worker, compound=compound, when=at(1, 2))
    for kind, amount, day in (("parking", "500.00", 5), ("cleaning", "120.00", 6)):
        entry = commons_services.entry_create(
            actor=worker,
            account=account,
            kind=kind,
            amount=amount,
            date=dt.date(2026, 3, day),
            counterparty="某公司",
            description="三月",
            when=at(3, day),
        )
        commons_services.entry_approve(actor=committee, entry=entry, when=at(3, day, 15))
    commons_services.entry_create(
        actor=worker,
        account=account,
        kind="advertising",
        amount="80.00",
        date=dt.date(2026, 3, 7),
        counterparty="广告公司",
        description="待审核",
        when=at(3, 7),
    )

    # volunteers
    community = w["community"]
    v = {
        key: volunteer_services.volunteer_register(actor=worker, community=community, resident=res)
        for key, res in (("a", r["a"]), ("a2", r["a2"]), ("b", r["b"]))
    }
    activity = volunteer_services.activity_create(
        actor=worker,
        community=community,
        title="周六清洁",
        kind="cleaning",
        place="粮站宿舍",
        shifts=[ShiftIn(start=at(3, 7, 9), end=at(3, 7, 11, 30), places=5)],
    )
    shift = activity.shifts.get()
    rec_a, rec_a2, _ = volunteer_services.roll_record_batch(
        actor=worker,
        shift=shift,
        entries=[RollEntry(v["a"]), RollEntry(v["a2"]), RollEntry(v["b"])],
    )
    volunteer_services.record_approve_batch(actor=worker, records=[rec_a, rec_a2])

    # care
    registered = dt.date(2026, 1, 5)
    p_liu = care_services.recipient_register(actor=None, resident=r["a"], registered_on=registered)
    p_wang = care_services.recipient_register(
        actor=None, resident=r["a2"], categories=["lives_alone"], registered_on=registered
    )
    p_li = care_services.recipient_register(
        actor=None, resident=li, categories=["empty_nest"], registered_on=registered
    )
    today = timezone.localdate()
    for person, day in (
        (p_liu, dt.date(2026, 3, 3)),
        (p_liu, dt.date(2026, 3, 20)),
        (p_wang, dt.date(2026, 2, 14)),
        (p_li, dt.date(2026, 3, 9)),
    ):
        care_services.care_visit_record(
            actor=town, recipients=[person], visited_on=day, met="本人", today=today
        )

    # civility
    importlib.import_module("linli.civility.migrations.0002_seed_criteria").seed(django_apps, None)
    campaign = civility_services.campaign_create(
        actor=worker,
        community=community,
        kind=Kind.CIVILISED_HOUSEHOLD,
        year=2026,
        nominate_until=dt.date(2026, 3, 31),
    )
    nomination = civility_services.nomination_create(
        actor=leader_a,
        campaign=campaign,
        household=h["101"],
        reason="门前整洁，垃圾分类到位",
        when=at(3, 1),
    )
    marks = {c.pk: c.max_points for c in Criterion.objects.filter(kind=campaign.kind, active=True)}
    civility_services.nomination_score(
        actor=w["group_leader"], nomination=nomination, points=marks, when=at(3, 2)
    )
    civility_services.publicity_start(actor=worker, nomination=nomination, when=at(3, 10))
    civility_services.award_grant(actor=worker, nomination=nomination, when=at(3, 25))

    _build_infra_services_jobs(regions, compound, other_compound, worker, r)

    w.update(
        worker=worker,
        town=town,
        committee=committee,
        regions=regions,
        compound=compound,
        other_compound=other_compound,
        cases={"c1": c1, "c2": c2, "c3": c3},
        account=account,
        shift=shift,
        care={"liu": p_liu, "wang": p_wang, "li": p_li},
        volunteers=v,
    )
    return w


@pytest.fixture
def world(db, settings, tmp_path):
    """A fresh world for a test that changes it."""
    return build_world()


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world built once for a module that only reads it, inside a transaction rolled back
    when the module is done (as the route matrix does)."""
    from django.db import transaction
    from django.test import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            MEDIA_ROOT=tmp_path_factory.mktemp("indicators-media"),
        ),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def read_world(shared_world, db):
    return shared_world
