"""Demo data for the joint meetings (兴东社区), built through the services by ``linli demo``.

Two five-party meetings, about four months and one month before ``now``, with attendees of the
five parties, agenda items on 兴东 compounds, on residents' cases that were dispatched to a
department, and on infrastructure problems; their decisions become actions which are then
worked with backdated progress notes: most are done, some are in progress, one is not started,
and exactly one (the drainage of the first meeting) is overdue and shows up carried over at the
second meeting.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from linli.accounts.models import Profile
from linli.cases.models import Case, Department, HandlerLevel
from linli.core.roles import Role
from linli.ledger.models import Compound, Region
from linli.meetings import services
from linli.meetings.models import Action, ActionStatus, Meeting

DAY = dt.timedelta(days=1)


def clear_demo(town) -> None:
    """Delete every meeting (with its agenda, attendees and actions) below ``town``."""
    if town is None:
        return
    _clear(town)


@transaction.atomic
def _clear(region: Region) -> None:
    meetings = Meeting.objects.filter(region__path__startswith=region.path)
    Action.objects.filter(meeting__in=meetings).delete()  # their progress cascades
    meetings.delete()  # agenda items and attendees cascade


def _worker(community: Region):
    profile = (
        Profile.objects.filter(role=Role.COMMUNITY_WORKER, region=community)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return profile.user if profile else None


def _dispatched(community: Region, before: dt.datetime, department, exclude=()) -> list[Case]:
    """Cases of the community dispatched to ``department`` a week or more before ``before``."""
    if department is None:
        return []
    return list(
        Case.objects.filter(
            community=community,
            level__gte=HandlerLevel.DEPARTMENT,
            department=department,
            reported_at__lt=before - 7 * DAY,
        )
        .exclude(pk__in=[c.pk for c in exclude])
        .select_related("community", "compound", "category", "department")
        .order_by("-reported_at", "id")[:40]
    )


QUARTERS = "一二三四"


def _title(community, day) -> str:
    """A meeting's title by the quarter it is held in (the demo's dates move with "now")."""
    return f"{community.name}{day.year}年第{QUARTERS[(day.month - 1) // 3]}季度五方联席会"


@transaction.atomic
def build_demo(*, community, seed: int, now) -> list[str]:
    """Two meetings for ``community`` run through the services; returns the summary line."""
    _clear(community)
    rng = random.Random(f"{seed}:meetings")
    compounds = {c.name: c for c in Compound.objects.filter(community=community).order_by("name")}
    if len(compounds) < 3:
        return []
    names = list(compounds)
    rng.shuffle(names)
    c1, c2, c3 = (compounds[n] for n in names[:3])
    deps = {d.code: d for d in Department.objects.filter(active=True)}
    housing, fire, urban = deps.get("housing"), deps.get("fire"), deps.get("urban")
    actor = _worker(community)
    town = community.parent

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return now.replace(year=day.year, month=day.month, day=day.day, hour=hour, minute=0)

    town_name = town.name if town else "镇政府"
    secretary = ("town", "刘卫东", f"{town.name if town else '镇'}党委副书记", None, False)

    # ------------------------------------------------------------ meeting 1, ~4 months ago
    d1 = (now - 120 * DAY).date()
    m1 = _meeting(
        actor,
        community,
        held_on=d1,
        compounds=[c1, c2],
        at=at,
        attendees=[
            ("county_department", "周振华", "县委组织部基层科科长", None, False),
            ("county_department", "谭志勇", "县住建局", housing, False),
            ("county_department", "陈立新", "县消防救援大队", fire, False),
            secretary,
            ("community", "罗小燕", f"{community.name}党总支书记", None, False),
            ("committee", "李德明", f"{c1.name}业委会主任", None, True),
            ("property", "王建军", f"{c2.name}社区托管物业负责人", None, False),
        ],
    )
    cases1 = _dispatched(community, at(d1), housing)
    picked1 = rng.sample(cases1, min(2, len(cases1)))
    items1 = []
    for case in picked1:
        if case.department is None:  # _dispatched picks dispatched cases only
            raise RuntimeError(f"case {case.pk} has no department")
        items1.append(
            services.agenda_item_add(
                actor=actor,
                meeting=m1,
                title=f"{case.compound.name}{case.category.name}问题（已派遣{case.department.name}）",
                compound=case.compound,
                cases=[case],
            )
        )
    drain = services.agenda_item_add(
        actor=actor,
        meeting=m1,
        title=f"{c2.name}雨污管网堵塞",
        compound=c2,
        problem="主干排水管老化堵塞，雨季院内积水深及脚踝，底层住户多次反映。",
    )
    parking = services.agenda_item_add(
        actor=actor,
        meeting=m1,
        title=f"{c1.name}停车秩序与飞线充电",
        compound=c1,
        problem="院内车辆乱停堵塞消防通道，楼道飞线给电动车充电。",
    )
    first = items1[0] if items1 else parking
    # (key, agenda item, decision, party, unit or department, person, days to the deadline)
    # fmt: off
    a = _decide(actor, m1, at, [
        ("light", first, "制定楼道照明和门禁维修方案，指导社区组织施工",
         "county_department", housing, "谭志勇", 30),
        ("charging", parking, "组织供电部门和社区建设集中充电桩，清理楼道飞线",
         "town", town_name, "刘卫东", 45),
        ("drain", drain, "疏通并更换院内主干排水管，雨季前完工",
         "community", community.name, "罗小燕", 40),
        ("convention", parking, "业委会起草停车管理公约，提交业主表决",
         "committee", f"{c1.name}业委会", "李德明", 60),
        ("patrol", parking, "每周巡查消防通道，发现占用当日劝离",
         "property", f"{c2.name}托管物业", "王建军", 20),
    ])
    # fmt: on
    work = [
        ("light", 8, "progress", "方案已出，楼道灯和门禁材料进场"),
        ("light", 25, "complete", "楼道灯 36 盏、门禁 4 套更换完毕，社区验收"),
        ("charging", 12, "progress", "供电所现场踏勘，选定充电桩位置"),
        ("charging", 50, "complete", "集中充电桩 20 个投用，清理飞线 14 处"),
        ("drain", 10, "progress", "已请市政队伍检测，主管断裂两处，需更换约 80 米"),
        ("drain", 30, "progress", "更换资金待镇财政审批，先行临时疏通"),
        ("convention", 20, "progress", "公约草案已在单元门口公示征求意见"),
        ("convention", 55, "complete", "停车管理公约经业主表决通过并公示"),
        ("patrol", 7, "progress", "已建立巡查台账，每周二、五巡查"),
        ("patrol", 19, "complete", "巡查制度运行，消防通道保持畅通"),
    ]
    _run(actor, a, work, d1, at)

    # ------------------------------------------------------------ meeting 2, ~1 month ago
    d2 = (now - 30 * DAY).date()
    m2 = _meeting(
        actor,
        community,
        held_on=d2,
        compounds=[c2, c3],
        at=at,
        attendees=[
            ("county_department", "周振华", "县委组织部基层科科长", None, False),
            ("county_department", "谭志勇", "县住建局", housing, False),
            ("county_department", "彭海波", "县城管局", urban, False),
            secretary,
            ("community", "罗小燕", f"{community.name}党总支书记", None, False),
            ("committee", "张秀英", f"{c3.name}业委会副主任", None, True),
        ],
    )
    cases2 = _dispatched(community, at(d2), urban, exclude=picked1)
    picked2 = rng.sample(cases2, min(1, len(cases2)))
    wall = services.agenda_item_add(
        actor=actor,
        meeting=m2,
        title=f"{c3.name}外墙和围墙安全隐患",
        compound=c3,
        problem="外墙瓷砖空鼓脱落，北侧围墙有裂缝。",
    )
    item_case = None
    for case in picked2:
        item_case = services.agenda_item_add(
            actor=actor,
            meeting=m2,
            title=f"{case.compound.name}{case.category.name}（居民诉求）",
            compound=case.compound,
            cases=[case],
        )
    follow = services.agenda_item_add(
        actor=actor,
        meeting=m2,
        title=f"督办{c2.name}雨污管网改造",
        compound=c2,
        problem="上次会议议定事项逾期未完成，研究资金和工期。",
    )
    # fmt: off
    b = _decide(actor, m2, at, [
        ("wall", wall, "组织外墙和围墙安全鉴定，提出维修方案",
         "county_department", housing, "谭志勇", 60),
        ("drain2", follow, "落实管网改造资金，增派社区托管人员盯守施工",
         "community", community.name, "罗小燕", 45),
        ("fire_check", wall, "组织对社区内各小区开展消防安全联合检查",
         "town", town_name, "刘卫东", 20),
        ("ledger", wall, "公示上半年公共收益收支明细",
         "committee", f"{c3.name}业委会", "张秀英", 50),
        ("case", item_case or wall, "城管牵头清理整治，社区跟踪回访诉求人",
         "county_department", urban, "彭海波", 14),
    ])
    # fmt: on
    work2 = [
        ("wall", 6, "progress", "已委托鉴定机构进场检测"),
        ("drain2", 5, "progress", "镇财政同意列支，施工队伍已确定"),
        ("fire_check", 9, "progress", "联合检查组完成 6 个小区检查"),
        ("fire_check", 18, "complete", "检查全部小区，整改隐患 23 处"),
        ("case", 4, "progress", "城管已到现场核实"),
        ("case", 12, "complete", "已清理整治到位，诉求人回访满意"),
    ]
    _run(actor, b, work2, d2, at)

    today = now.date()
    actions = Action.objects.filter(meeting__in=[m1, m2])
    done = actions.filter(status=ActionStatus.DONE).count()
    doing = actions.filter(status=ActionStatus.IN_PROGRESS).count()
    waiting = actions.filter(status=ActionStatus.NOT_STARTED).count()
    overdue = sum(1 for x in actions if x.is_overdue(today))
    return [
        f"五方联席会：会议 2 次，议定事项 {actions.count()} 项"
        f"（已完成 {done}、进行中 {doing}、未开始 {waiting}、逾期 {overdue}）"
    ]


def _meeting(actor, community: Region, *, held_on: dt.date, compounds: list, attendees: list, at):
    """A meeting at the community's service centre, chaired by the town's deputy secretary,
    with its attendees ``(party, name, unit, department, is_resident)``."""
    meeting = services.meeting_create(
        actor=actor,
        region=community,
        held_on=held_on,
        place=f"{community.name}党群服务中心会议室",
        title=_title(community, held_on),
        chair="刘卫东",
        compounds=compounds,
        when=at(held_on, 9),
    )
    for party, name, unit, department, resident in attendees:
        services.attendee_add(
            actor=actor,
            meeting=meeting,
            party=party,
            name=name,
            unit=unit,
            department=department,
            is_resident=resident,
        )
    return meeting


def _decide(actor, meeting: Meeting, at, decisions: list) -> dict:
    """The meeting's decisions recorded at 16:00 on its day, by key. Each is ``(key, agenda
    item, decision, party, unit or department, person, days to the deadline)``; a county
    department is named by its :class:`Department`, every other party by its unit's name."""
    held_on = meeting.held_on
    out = {}
    for key, item, decision, party, unit, person, days in decisions:
        where = {"department": unit} if party == "county_department" else {"responsible_unit": unit}
        out[key] = services.action_record(
            actor=actor,
            meeting=meeting,
            agenda_item=item,
            decision=decision,
            responsible_party=party,
            responsible_person=person,
            deadline=held_on + days * DAY,
            when=at(held_on, 16),
            **where,
        )
    return out


def _run(actor, actions: dict, work: list, start: dt.date, at) -> None:
    for key, days, kind, note in work:
        when = at(start + days * DAY, 15)
        if kind == "progress":
            services.action_progress_add(actor=actor, action=actions[key], note=note, when=when)
        else:
            services.action_complete(actor=actor, action=actions[key], note=note, when=when)
