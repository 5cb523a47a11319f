"""The permission matrices' world, as plain functions (fixtures of any scope can build it).

兴东社区 holds 粮站宿舍 with households 101 and 102 (邻 A) and 201 (邻 B); 新塘社区 holds
新塘小区 with one household. ``build_world`` adds one persona per role, ``build_later_world`` a
vote, a meeting and a public account, ``build_money_world`` bills, a reduction, a payment and a
void request, ``build_oracle_world`` the same kinds of objects in 新塘社区 (side B). The
function-scoped fixtures of ``test_permission_matrix`` and the module-scoped world of
``test_route_matrix`` both call these.
"""

from django.contrib.auth import get_user_model

from linli.accounts.models import Role
from linli.ledger import services

from .factories import make_user


def build_grid_world(regions, compound):
    """兴东社区: 片 A → 组 A → 邻 A (101, 102) and 邻 B (201); personas for each place.

    Returns a dict with the cells, households, residents and the users 片长 A, 组长 A,
    邻长 A, 邻长 B, 居民 A (in 101), 居民 B (in 201).
    """
    from decimal import Decimal

    from linli.grid import services as grid_services
    from linli.grid.models import GridLevel

    community = regions["xingdong"]
    area = grid_services.grid_create(community=community, level=GridLevel.AREA, name="第1片")
    group = grid_services.grid_create(
        community=community, level=GridLevel.GROUP, name="第1组", parent=area
    )
    n_a = grid_services.grid_create(
        community=community, level=GridLevel.NEIGHBOUR, name="第1邻", parent=group
    )
    n_b = grid_services.grid_create(
        community=community, level=GridLevel.NEIGHBOUR, name="第2邻", parent=group
    )
    h = {}
    for room in ("101", "102", "201"):
        h[room] = services.household_ensure(
            compound=compound, building="1栋", unit="1单元", room=room, area=Decimal("80.00")
        )
    for room in ("101", "102"):
        grid_services.household_assign(household=h[room], neighbour=n_a)
    grid_services.household_assign(household=h["201"], neighbour=n_b)
    r_a = services.resident_save(
        household=h["101"],
        name="刘建国",
        id_number="430424195606055010",
        phone="13921869779",
        lives_alone=True,
    )
    r_a2 = services.resident_save(household=h["102"], name="王桂兰", id_number="430424194101035562")
    r_b = services.resident_save(
        household=h["201"], name="赵志强", id_number="430424198202185410", phone="13930284657"
    )
    users = {
        "area_leader": make_user("pianzhang_a", Role.AREA_LEADER, community, "片长A"),
        "group_leader": make_user("zuzhang_a", Role.GROUP_LEADER, community, "组长A"),
        "leader_a": make_user("linzhang_a", Role.NEIGHBOUR_LEADER, community, "邻长A"),
        "leader_b": make_user("linzhang_b", Role.NEIGHBOUR_LEADER, community, "邻长B"),
        "resident_a": make_user("jumin_a", Role.RESIDENT, community, "居民A"),
        "resident_b": make_user("jumin_b", Role.RESIDENT, community, "居民B"),
    }
    for key, grid in (
        ("area_leader", area),
        ("group_leader", group),
        ("leader_a", n_a),
        ("leader_b", n_b),
    ):
        users[key].profile.grid = grid
        users[key].profile.save()
    users["resident_a"].profile.household = h["101"]
    users["resident_a"].profile.save()
    users["resident_b"].profile.household = h["201"]
    users["resident_b"].profile.save()
    grid_services.post_assign(grid=n_a, resident=r_a2, user=users["leader_a"], reason="推选")
    grid_services.post_assign(grid=n_b, resident=r_b, user=users["leader_b"], reason="推选")
    return {
        "community": community,
        "area": area,
        "group": group,
        "n_a": n_a,
        "n_b": n_b,
        "households": h,
        "residents": {"a": r_a, "a2": r_a2, "b": r_b},
        **users,
    }


def build_world(grid_world, regions, compound, other_compound):
    """One persona per role (see ``test_permission_matrix.EXPECTED``) and the ids of side A."""

    h = services.household_ensure(compound=other_compound, building="1栋", unit="1单元", room="101")
    services.resident_save(household=h, name="李四", id_number="360426199101010071")
    people = {
        "superuser": get_user_model().objects.create_superuser("root", password="x"),
        "county": make_user("county", Role.COUNTY_OFFICIAL, regions["county"]),
        "town": make_user("town", Role.TOWN_OFFICIAL, regions["town"]),
        "xd_worker": make_user("xd", Role.COMMUNITY_WORKER, regions["xingdong"]),
        "xt_worker": make_user("xt", Role.COMMUNITY_WORKER, regions["xintang"]),
        "department": make_user("fire", Role.DEPARTMENT_STAFF, regions["county"]),
        "committee": make_user("ywh", Role.COMMITTEE_MEMBER, regions["xingdong"]),
        "anonymous": None,
    }
    people["committee"].profile.compound = compound
    people["committee"].profile.save()
    for key in ("area_leader", "group_leader", "leader_a", "leader_b", "resident_a", "resident_b"):
        people[key] = grid_world[key]
    ids = {
        "xd": regions["xingdong"].pk,
        "compound": compound.pk,
        "h101": grid_world["households"]["101"].pk,
        "h201": grid_world["households"]["201"].pk,
        "n_a": grid_world["n_a"].pk,
        "n_b": grid_world["n_b"].pk,
        "case101": _cases(grid_world),
    }
    return people, ids


def _cases(grid_world) -> int:
    """One case from 101 (邻 A) and one from 201 (邻 B); returns 101's."""
    from linli.cases import services as case_services

    case_services.case_report(
        actor=grid_world["resident_b"],
        household=grid_world["households"]["201"],
        category="sanitation",
        description="楼道积水",
    )
    return case_services.case_report(
        actor=grid_world["resident_a"],
        household=grid_world["households"]["101"],
        category="sanitation",
        description="垃圾满溢",
    ).pk


def build_later_world(world, regions, compound):
    import datetime as dt

    from django.utils import timezone

    from linli.commons import services as commons_services
    from linli.meetings import services as meeting_services
    from linli.selfgov import services as selfgov_services

    people, ids = world
    worker = people["xd_worker"]
    for h in compound.buildings.first().units.first().households.all():
        h.area = "89.37"
        h.save()
    selfgov_services.owners_sync(compound=compound, actor=worker)
    proposal = selfgov_services.proposal_create(
        actor=worker, compound=compound, item=4, title="续聘物业服务", body="续聘现物业公司"
    )
    selfgov_services.proposal_publish(actor=worker, proposal=proposal)
    now = timezone.now()
    vote = selfgov_services.vote_announce(
        actor=worker,
        proposal=proposal,
        opens_at=now + dt.timedelta(days=16),
        closes_at=now + dt.timedelta(days=30),
    )
    meeting = meeting_services.meeting_create(
        actor=worker,
        region=regions["xingdong"],
        held_on=timezone.localdate(),
        place="兴东社区会议室",
        compounds=[compound],
    )
    commons_services.account_open(actor=worker, compound=compound)
    return people, {**ids, "vote": vote.pk, "meeting": meeting.pk}


def build_money_world(later_world, compound):
    from decimal import Decimal

    from linli.finance import services as finance_services
    from linli.ledger.models import Household, Resident

    people, ids = later_world
    worker, town = people["xd_worker"], people["town"]
    h101 = Household.objects.get(pk=ids["h101"])
    Resident.objects.filter(household=h101).update(is_low_income=True)
    finance_services.schedule_create(
        actor=worker, compound=compound, basis="per_area", price="0.50", valid_from="2026-01"
    )
    for month in ("2026-01", "2026-02"):
        finance_services.bill_run(actor=worker, period_start=month, compound=compound)
    january, february = h101.bills.order_by("period_start")
    reduced = Decimal("20.00")  # of ¥44.69 (0.50 元/㎡·月 × 89.37 ㎡)
    waiver = finance_services.waiver_request(
        actor=worker, bill=january, amount=reduced, kind="low_income", reason="低保户减免"
    )
    finance_services.waiver_decide(actor=town, waiver=waiver, approve=True)
    payment = finance_services.payment_record(
        actor=worker,
        household=h101,
        amount=january.amount - reduced,
        method="cash",
        client_token="money-world",
    )
    pending = finance_services.waiver_request(
        actor=worker, bill=february, amount=reduced, kind="low_income", reason="低保户减免"
    )
    void = finance_services.payment_void(actor=worker, payment=payment, reason="核对中")
    return people, {
        **ids,
        "payment": payment.pk,
        "bill": february.pk,
        "waiver": pending.pk,
        "void": void.pk,
    }


def build_oracle_world(money_world, regions, compound, other_compound):
    """Side B (新塘社区): the same kinds of objects as side A, by the 新塘 worker."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from linli.cases import services as case_services
    from linli.commons import services as commons_services
    from linli.finance import services as finance_services
    from linli.grid import services as grid_services
    from linli.grid.models import GridLevel
    from linli.ledger import exports
    from linli.ledger.models import Household
    from linli.meetings import services as meeting_services
    from linli.selfgov import services as selfgov_services

    people, a = money_world
    xd, xt = people["xd_worker"], people["xt_worker"]
    xingdong, xintang = regions["xingdong"], regions["xintang"]
    hb = Household.objects.get(unit__building__compound=other_compound)
    hb.area = Decimal("70.00")
    hb.save()
    area = grid_services.grid_create(community=xintang, level=GridLevel.AREA, name="新塘第1片")
    group = grid_services.grid_create(
        community=xintang, level=GridLevel.GROUP, name="新塘第1组", parent=area
    )
    nb = grid_services.grid_create(
        community=xintang, level=GridLevel.NEIGHBOUR, name="新塘第1邻", parent=group
    )
    grid_services.household_assign(household=hb, neighbour=nb)
    case_b = case_services.case_report(
        actor=xt, household=hb, category="sanitation", description="路灯不亮"
    )
    now = timezone.now()
    selfgov_services.owners_sync(compound=other_compound, actor=xt)
    proposal = selfgov_services.proposal_create(
        actor=xt, compound=other_compound, item=4, title="续聘物业", body="续聘"
    )
    selfgov_services.proposal_publish(actor=xt, proposal=proposal)
    vote_b = selfgov_services.vote_announce(
        actor=xt,
        proposal=proposal,
        opens_at=now + dt.timedelta(days=16),
        closes_at=now + dt.timedelta(days=30),
    )
    meeting_b = meeting_services.meeting_create(
        actor=xt,
        region=xintang,
        held_on=timezone.localdate(),
        place="新塘社区会议室",
        compounds=[other_compound],
    )
    actions = {}
    for side, meeting_id, actor in (("A", a["meeting"], xd), ("B", meeting_b.pk, xt)):
        from linli.meetings.models import Meeting

        actions[side] = meeting_services.action_record(
            actor=actor,
            meeting=Meeting.objects.get(pk=meeting_id),
            decision="修复路灯",
            responsible_party="community",
            responsible_person="张三",
            deadline=timezone.localdate() + dt.timedelta(days=30),
        ).pk
    committee_b = make_user("ywh_b", Role.COMMITTEE_MEMBER, xintang)
    committee_b.profile.compound = other_compound
    committee_b.profile.save()
    from linli.commons.models import PublicAccount

    accounts = {
        "A": PublicAccount.objects.get(compound=compound),
        "B": commons_services.account_open(actor=xt, compound=other_compound),
    }
    year, quarter = commons_services.last_full_quarter(timezone.localdate())
    start, _end = commons_services.quarter_bounds(year, quarter)
    entries, notices = {}, {}
    for side, actor, approver in (("A", xd, people["committee"]), ("B", xt, committee_b)):
        entry = commons_services.entry_create(
            actor=actor,
            account=accounts[side],
            kind="parking",
            amount="100.00",
            date=start,
            counterparty="停车管理员",
            description="停车费",
        )
        commons_services.entry_approve(actor=approver, entry=entry)
        entries[side] = entry.pk
        notices[side] = commons_services.notice_publish(
            actor=approver, account=accounts[side], year=year, quarter=quarter
        ).pk
    finance_services.schedule_create(
        actor=xt, compound=other_compound, basis="per_area", price="0.50", valid_from="2026-01"
    )
    finance_services.bill_run(actor=xt, period_start="2026-01", compound=other_compound)
    bill_b = hb.bills.get()
    payment_b = finance_services.payment_record(
        actor=xt, household=hb, amount="10.00", method="cash", client_token="side-b"
    )
    waiver_b = finance_services.waiver_request(
        actor=xt, bill=bill_b, amount="5.00", kind="hardship", reason="临时困难"
    )
    void_b = finance_services.payment_void(actor=xt, payment=payment_b, reason="核对中")
    from linli.cases.models import Case

    side_a = {
        "community": xingdong.pk,
        "compound": compound.pk,
        "household": a["h101"],
        "resident": Household.objects.get(pk=a["h101"]).residents.order_by("pk").first().pk,
        "grid": a["n_a"],
        "case": a["case101"],
        "vote": a["vote"],
        "meeting": a["meeting"],
        "action": actions["A"],
        "bill": a["bill"],
        "waiver": a["waiver"],
        "payment": a["payment"],
        "void": a["void"],
        "account": accounts["A"].pk,
        "entry": entries["A"],
        "notice": notices["A"],
        "export_request": exports.export_request_create(
            actor=xd, community=xingdong, reason="年度核对"
        ).pk,
    }
    side_b = {
        "community": xintang.pk,
        "compound": other_compound.pk,
        "household": hb.pk,
        "resident": hb.residents.first().pk,
        "grid": nb.pk,
        "case": case_b.pk,
        "vote": vote_b.pk,
        "meeting": meeting_b.pk,
        "action": actions["B"],
        "bill": bill_b.pk,
        "waiver": waiver_b.pk,
        "payment": payment_b.pk,
        "void": void_b.pk,
        "account": accounts["B"].pk,
        "entry": entries["B"],
        "notice": notices["B"],
        "export_request": exports.export_request_create(
            actor=xt, community=xintang, reason="年度核对"
        ).pk,
    }
    for side in (side_a, side_b):
        side["meeting_compound"] = side["compound"]
        side["meeting_case"] = side["case"]
    fixed = {
        "xd": xingdong.pk,
        "meeting": a["meeting"],
        "n_b": a["n_b"],
        "h201": a["h201"],
        "case201": Case.objects.get(household_id=a["h201"]).pk,
    }
    return people, {"A": side_a, "B": side_b}, fixed


def build_volunteer_world(people, grid_world) -> dict:
    """兴东's volunteer service, through the volunteers services: a team; 居民 A (刘建国, 101) a
    volunteer with his own account, and 邻长 A's resident (王桂兰, 102) a volunteer on 邻长 A's
    account; an activity organised by the 兴东 worker with a shift a week ago and one a week
    ahead; both rolled for last week's shift, 居民 A's record approved (then certified, then a
    correction asked), 邻长 A's still waiting; 居民 A signed up for next week's shift; a 积分超市
    item; a check-in token for next week's shift. Returns the ids by name."""
    import datetime as dt

    from django.utils import timezone

    from linli.volunteers import services
    from linli.volunteers.services import RollEntry, ShiftIn

    worker = people["xd_worker"]
    community = grid_world["community"]
    residents = grid_world["residents"]
    team = services.team_create(
        actor=worker, community=community, name="党员先锋队", kind="party_vanguard"
    )
    va = services.volunteer_register(
        actor=worker,
        community=community,
        resident=residents["a"],
        user=grid_world["resident_a"],
        teams=[team],
    )
    vl = services.volunteer_register(
        actor=worker, community=community, resident=residents["a2"], user=grid_world["leader_a"]
    )
    today = timezone.localdate()

    def local(day, hour, minute=0):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    past, coming = today - dt.timedelta(days=7), today + dt.timedelta(days=7)
    activity = services.activity_create(
        actor=worker,
        community=community,
        title="周六清洁",
        kind="cleaning",
        place="粮站宿舍",
        team=team,
        shifts=[
            ShiftIn(start=local(past, 9), end=local(past, 11, 30), places=5),
            ShiftIn(start=local(coming, 9), end=local(coming, 11, 30), places=5),
        ],
    )
    done, upcoming = activity.shifts.order_by("start")
    record_a, record_l = services.roll_record_batch(
        actor=worker, shift=done, entries=[RollEntry(va), RollEntry(vl)]
    )
    services.record_approve(actor=worker, record=record_a)
    certificate = services.certificate_issue(
        actor=worker,
        volunteer=va,
        period_start=past,
        period_end=past,
        person_in_charge="李主任",
        handler="王干事",
        contact="0734-5212345",
    )
    correction = services.correction_request(
        actor=grid_world["resident_a"],
        record=record_a,
        reason="9:30 才到",
        check_in=local(past, 9, 30),
        check_out=local(past, 11, 30),
    )
    signup = services.signup_create(actor=grid_world["resident_a"], shift=upcoming)
    item = services.reward_item_create(
        actor=worker, community=community, name="洗衣液", points=10, stock=5
    )
    return {
        "volunteer_a": va.pk,
        "volunteer_number_a": va.number,
        "shift": done.pk,
        "upcoming_shift": upcoming.pk,
        "record": record_a.pk,
        "pending_record": record_l.pk,
        "correction": correction.pk,
        "signup": signup.pk,
        "reward_item": item.pk,
        "certificate": certificate.pk,
        "certificate_token": certificate.token,
        "checkin_token": services.checkin_token(upcoming),
    }


def build_care_world(people, grid_world) -> dict:
    """兴东's care registry, through the care services: 居民 A (刘建国, 101, 独居 in the ledger)
    registered by the 兴东 worker — his visitor is 邻长 A, who holds 邻 A's post — and a cold
    wave declared for 兴东社区. Returns the ids by name."""
    from linli.care import services

    worker = people["xd_worker"]
    recipient = services.recipient_register(actor=worker, resident=grid_world["residents"]["a"])
    event = services.event_declare(
        actor=worker, region=grid_world["community"], kind="cold_wave", title="寒潮蓝色预警"
    )
    return {"recipient": recipient.pk, "care_event": event.pk}


def build_civility_world(people, grid_world) -> dict:
    """兴东's 文明户 campaign, through the civility services: the 兴东 worker opens it (no vote),
    邻长 A nominates household 101, 组长 A scores it on the full checklist, the worker puts it on
    the 公示 and 居民 B raises an objection (the nomination is suspended). Returns the ids."""
    import datetime as dt
    import importlib

    from django.apps import apps as django_apps
    from django.utils import timezone

    from linli.civility import services
    from linli.civility.models import Criterion, Kind

    # the checklists are seeded by a migration; a transactional test run earlier flushes them
    importlib.import_module("linli.civility.migrations.0002_seed_criteria").seed(django_apps, None)
    worker = people["xd_worker"]
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=worker,
        community=grid_world["community"],
        kind=Kind.CIVILISED_HOUSEHOLD,
        year=today.year,
        nominate_until=today + dt.timedelta(days=30),
    )
    nomination = services.nomination_create(
        actor=grid_world["leader_a"],
        campaign=campaign,
        household=grid_world["households"]["101"],
        reason="门前整洁，垃圾分类到位",
    )
    marks = {c.pk: c.max_points for c in Criterion.objects.filter(kind=campaign.kind, active=True)}
    services.nomination_score(actor=grid_world["group_leader"], nomination=nomination, points=marks)
    services.publicity_start(actor=worker, nomination=nomination)
    objection = services.objection_raise(
        actor=grid_world["resident_b"], nomination=nomination, reason="该户曾在楼道堆放杂物"
    )
    return {
        "campaign": campaign.pk,
        "nomination": nomination.pk,
        "objection": objection.pk,
    }


def build_infra_world(people, grid_world, compound, photo) -> dict:
    """粮站宿舍's plan (一小区一对策), through the infra services: the 兴东 worker opens it and
    puts one problem on it (屋面漏水, found by a survey, with a photo), still at 提出.
    Returns the ids by name."""
    from linli.infra import services

    worker = people["xd_worker"]
    plan = services.plan_open(actor=worker, compound=compound)
    problem = services.problem_add(
        actor=worker,
        plan=plan,
        kind="roof_leak",
        title="2栋顶层屋面漏水",
        found_by="survey",
        photos=[photo],
    )
    return {
        "infra_plan": plan.pk,
        "infra_problem": problem.pk,
        "infra_photo": problem.photos.get().pk,
    }


def build_jobs_world(people, grid_world) -> dict:
    """兴东's 就业驿站, through the jobs services: 粮站宿舍's social property service (the
    committee member is its account) posts a part-time 保洁员 job; 居民 A (刘建国, 101) is a
    job seeker with his own account, put forward for it (推荐); a course with one session.
    Returns the ids by name."""
    import datetime as dt

    from django.utils import timezone

    from linli.jobs import services

    worker = people["xd_worker"]
    community = grid_world["community"]
    employer = services.employer_create(
        actor=worker,
        community=community,
        name="粮站宿舍物业服务站",
        kind="social_property",
        compound=grid_world["households"]["101"].unit.building.compound,
        staff=[people["committee"]],
    )
    posting = services.posting_create(
        actor=worker,
        employer=employer,
        title="小区保洁员",
        description="楼道保洁",
        employment_type="PART_TIME",
        salary_min="20",
        salary_unit="HOUR",
        total_openings=3,
        valid_through=timezone.localdate() + dt.timedelta(days=30),
    )
    seeker = services.seeker_register(
        actor=worker,
        resident=grid_world["residents"]["a"],
        skills="保洁",
        windows=["1-5 08:00-12:00"],
        user=people["resident_a"],
    )
    application = services.application_recommend(actor=worker, seeker=seeker, posting=posting)
    start = timezone.localdate() + dt.timedelta(days=7)
    course = services.course_create(
        actor=worker,
        community=community,
        title="家政培训",
        skill="收纳",
        starts_on=start,
        capacity=20,
        sessions=[start],
    )
    return {
        "posting": posting.pk,
        "seeker": seeker.pk,
        "application": application.pk,
        "course": course.pk,
    }


def build_stairwell_world(grid_world) -> dict:
    """兴东's stairwell codes (楼道码) and one anonymous report from 1栋1单元 waiting for 邻长 A
    to confirm it. Returns the ids by name."""
    from linli.stairwell import services
    from linli.stairwell.services import Sender

    rows = services.codes_for_community(community=grid_world["community"])
    code = rows[0][1]
    case = services.stairwell_report(
        code=code,
        category="sanitation",
        description="楼道里有人飞线充电",
        sender=Sender(device="matrix-device-01", address="192.0.2.1"),
    )
    return {"stairwell_token": code.token, "stairwell_case": case.pk}


def build_services_world(people, grid_world) -> dict:
    """The county's 社保卡补办 item (衡东县人社局, by the county official) handled at
    兴东社区服务站 (a point of 兴东 on weekdays, by the 兴东 worker). Returns the ids."""
    from linli.ledger.models import Region
    from linli.services import services

    county = Region.objects.get(name="衡东县")
    org = services.organization_create(
        actor=people["county"], region=county, name="衡东县人力资源和社会保障局"
    )
    item = services.item_create(
        actor=people["county"],
        organization=org,
        name="社保卡补办",
        code="430424-RS-0001",
        documents=[{"name": "居民身份证", "form": "original", "copies": 1}],
    )
    point = services.point_create(
        actor=people["xd_worker"],
        region=grid_world["community"],
        name="兴东社区服务站",
        kind="station",
        address="洣水镇兴东路 18 号",
        city="衡阳市",
        province="湖南省",
        postal_code="421400",
        latitude="27.085200",
        longitude="112.949000",
        hours=[
            {"rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "opens_at": "08:30", "closes_at": "17:30"}
        ],
        item_codes=[item.code],
    )
    return {"service_item": item.pk, "service_point": point.pk}
