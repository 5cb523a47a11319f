"""Demo infrastructure plans (一小区一对策) for 兴东社区, built through the infra services.

The article: "¥200,000+ solved 32 problems". Every compound of the community gets its plan; the
32 problems below are spread over them (消防, 供水, 排水·化粪池, 路灯, 屋面漏水, 外墙, 线路, 绿化,
停车, 充电 …), found by the survey, by residents' cases and by the five-party meetings, and each
goes 提出 → 论证 → 立项 → 实施 → 验收 → 完成 over the past year, accepted by two residents'
representatives; their actual spending adds up to exactly ¥200,000.00. One was paid partly from
the maintenance fund after an item-(五) owners' vote that passed; one partly from public income
after the committee approved the spending entry. Four more are under way now: one waiting for
the owners' vote, one for the committee's approval, one being worked on, one just raised.
Times are backdated from ``now``; the same seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum

from linli.accounts.models import Profile
from linli.cases.models import Case, Department
from linli.commons import services as commons
from linli.commons.models import PublicAccount
from linli.core.roles import Role
from linli.infra import selectors, services
from linli.infra.models import Photo, Plan, Problem, Source, Stage
from linli.ledger.models import Compound, Region
from linli.selfgov import services as selfgov
from linli.selfgov.models import Owner

from .photos import demo_photo

DAY = dt.timedelta(days=1)
TOTAL = Decimal("200000.00")

# kind, problem, measure, department code, actual spending (the last one takes the remainder)
DONE = (
    (
        "fire",
        "消防通道被杂物和车辆堵塞",
        "清理杂物，划设消防通道标线，设置禁停牌",
        "fire",
        "3800.00",
    ),
    (
        "fire",
        "楼道灭火器过期、消防栓无水",
        "更换灭火器 48 具，维修室内消防栓管网",
        "fire",
        "12600.00",
    ),
    ("drainage", "3栋化粪池堵塞外溢", "清掏化粪池，更换破损排污管 40 米", "housing", "8600.00"),
    ("drainage", "雨季院内积水", "疏通雨水管网，新增排水沟 60 米", "urban", "9200.00"),
    ("street_light", "院内路灯大部分不亮", "更换 LED 路灯 12 盏，重新敷设线路", "power", "7400.00"),
    ("roof_leak", "1栋顶层屋面漏水", "铲除旧防水层，重做 SBS 防水", "housing", "18500.00"),
    ("facade", "外墙瓷砖脱落伤人隐患", "排查空鼓，拆除松动瓷砖并挂网修补", "housing", "15200.00"),
    ("wiring", "楼道电线老化乱拉", "更换楼道线路，整理弱电线缆入槽", "power", "6900.00"),
    ("water", "二次供水水箱锈蚀", "清洗消毒水箱，更换进出水阀门", "water", "5600.00"),
    ("greening", "绿化带荒废、蚊虫滋生", "清除杂草，补种灌木，设置健身角", "urban", "4300.00"),
    ("parking", "乱停乱放、无停车位", "规划划设停车位 36 个，安装道闸", "urban", "9800.00"),
    ("charging", "电动车飞线充电", "建设集中充电棚一处，安装充电桩 20 个", "fire", "11800.00"),
    ("road", "院内道路坑洼", "修补沥青路面 300 平方米", "urban", "8200.00"),
    ("security", "大门无门禁、外人随意进出", "安装门禁系统和监控探头 8 个", "police", "9600.00"),
    ("street_light", "楼道声控灯损坏", "更换声控灯 30 盏", "power", "1800.00"),
    ("drainage", "厨房下水管反味", "更换主立管止回阀，疏通支管", "housing", "3200.00"),
    ("fire", "电表箱无防火封堵", "电表箱防火封堵，张贴安全提示", "fire", "2100.00"),
    ("water", "水压不足、高层断水", "加装变频增压泵", "water", "7800.00"),
    ("roof_leak", "4栋楼梯间屋面渗水", "局部补漏，更换落水管", "housing", "4600.00"),
    ("wiring", "空中线缆低垂", "线缆迁改入地", "power", "5200.00"),
    ("greening", "枯死树木倒伏隐患", "移除枯树 5 棵，补植香樟", "urban", "2400.00"),
    ("parking", "非机动车无处停放", "搭建非机动车棚两处", "urban", "6300.00"),
    ("facade", "单元门破损", "更换单元防盗门 6 樘", "housing", "7200.00"),
    ("charging", "充电桩不足排队充电", "新增充电桩 12 个", "power", "4800.00"),
    ("road", "入口台阶破损老人易摔", "重砌台阶，加装扶手", "housing", "2600.00"),
    ("security", "围墙缺口", "修补围墙 20 米", "urban", "3100.00"),
    ("drainage", "化粪池盖板破损", "更换化粪池盖板 4 块", "housing", "1500.00"),
    ("fire", "无微型消防站", "建设微型消防站一处，配齐器材", "fire", "5400.00"),
    ("other", "公共晾晒区缺失", "设置公共晾晒架", "urban", "1700.00"),
    ("water", "室外水表井盖缺失", "补装井盖，加固井圈", "water", "1300.00"),
    ("street_light", "小区入口照明不足", "加装太阳能路灯 4 盏", "power", "2600.00"),
    ("wiring", "配电箱锈蚀", "更换公共配电箱", "power", ""),  # the remainder of ¥200,000
)
MAINTENANCE_FUND_AT = 5  # 1栋顶层屋面漏水: partly from the maintenance fund (owners' vote)
PUBLIC_INCOME_AT = 14  # 楼道声控灯损坏: partly from public income (committee approval)
REPRESENTATIVES = ("刘建国", "王桂兰", "赵志强", "陈秀英", "李国庆", "周春梅", "吴德明", "孙丽华")


def _amounts() -> list[Decimal]:
    fixed = [Decimal(a) for *_, a in DONE if a]
    last = TOTAL - sum(fixed)
    assert last > 0, "the demo's 32 amounts must add up to ¥200,000.00"
    return [*fixed, last]


def _worker(community: Region):
    profile = (
        Profile.objects.filter(role=Role.COMMUNITY_WORKER, region=community)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return profile.user if profile else None


def _committee(compound: Compound):
    profile = (
        Profile.objects.filter(role=Role.COMMITTEE_MEMBER, compound=compound)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return profile.user if profile else None


def _budget(actual: Decimal, rng: random.Random) -> Decimal:
    """The budget a little above (or at) what was spent, in whole hundreds."""
    up = Decimal(rng.choice((0, 0, 100, 200, 300, 500)))
    return (actual / 100).quantize(Decimal("1")) * 100 + up if up else actual


def _shares(kind_index: int, budget: Decimal, rng: random.Random) -> list[tuple[str, Decimal]]:
    if kind_index == MAINTENANCE_FUND_AT:
        fund = (budget * Decimal("0.6")).quantize(Decimal("1"))
        return [(Source.FISCAL, budget - fund), (Source.MAINTENANCE_FUND, fund)]
    if kind_index == PUBLIC_INCOME_AT:
        return [(Source.FISCAL, budget - Decimal("600")), (Source.PUBLIC_INCOME, Decimal("600"))]
    roll = rng.random()
    if roll < 0.55 or budget < 2000:
        return [(Source.FISCAL, budget)]
    if roll < 0.8:
        part = (budget * Decimal("0.3")).quantize(Decimal("1"))
        return [(Source.FISCAL, budget - part), (Source.CO_BUILDER, part)]
    part = (budget * Decimal("0.1")).quantize(Decimal("1"))
    return [(Source.FISCAL, budget - part), (Source.RESIDENTS, part)]


def _vote(*, actor, problem: Problem, start: dt.datetime, rng: random.Random) -> None:
    """The owners' item-(五) vote on the plan's proposal: announced 15+ days ahead, paper
    ballots entered by the worker (about 85 % take part, 9 in 10 of them say yes), closed,
    published."""
    proposal = problem.fundings.get(source=Source.MAINTENANCE_FUND).proposal
    if proposal is None:
        raise AssertionError("the maintenance-fund share was put to the owners first")
    vote = selfgov.vote_announce(
        actor=actor,
        proposal=proposal,
        opens_at=start + 16 * DAY,
        closes_at=start + 23 * DAY,
        when=start,
    )
    roll = list(Owner.objects.filter(rolls__vote=vote).order_by("id"))
    entries = [(o, "yes" if rng.random() < 0.9 else "no") for o in roll if rng.random() < 0.85]
    selfgov.ballots_enter_batch(actor=actor, vote=vote, entries=entries, when=start + 17 * DAY)
    vote = selfgov.vote_close(actor=actor, vote=vote, when=start + 24 * DAY)
    selfgov.vote_publish(actor=actor, vote=vote, when=start + 25 * DAY)


def _entry_day(compound: Compound, wanted: dt.date) -> dt.date:
    """A day not in a quarter already published (公示) in the compound's public account."""
    account = PublicAccount.objects.get(compound=compound)
    if account.closed_through and wanted <= account.closed_through:
        return account.closed_through + DAY
    return wanted


def _source_of(rng, compound, meetings, found_on):
    """How the problem was found: a case of the compound, a meeting, or the survey."""
    roll = rng.random()
    if roll < 0.3:
        case = (
            Case.objects.filter(compound=compound, reported_at__date__lte=found_on)
            .order_by("-reported_at")
            .first()
        )
        if case is not None:
            return {"found_by": "case", "case": case}
    if roll < 0.5 and meetings:
        meeting = next((m for m in meetings if m.held_on <= found_on), None)
        if meeting is not None:
            return {"found_by": "meeting", "meeting": meeting}
    return {"found_by": "survey"}


def _raise(*, actor, plan, kind, title, when, rng, meetings, photo=True) -> Problem:
    found_on = when.date()
    source = _source_of(rng, plan.compound, meetings, found_on)
    return services.problem_add(
        actor=actor,
        plan=plan,
        kind=kind,
        title=title,
        found_on=found_on,
        location=f"{rng.randint(1, 6)}栋附近",
        description="三长走访和居民反映，经社区摸排核实。",
        photos=[demo_photo(rng, scene="courtyard")] if photo else [],
        when=when,
        **source,
    )


def _to_approved(*, actor, problem, measure, department, budget, shares, start, rng):
    services.problem_advance(actor=actor, problem=problem, to=Stage.ARGUED, when=start + 3 * DAY)
    services.problem_update(
        actor=actor,
        problem=problem,
        measure=measure,
        department=department,
        budget=budget,
        when=start + 5 * DAY,
    )
    services.funding_set(actor=actor, problem=problem, shares=shares, when=start + 5 * DAY)


def _finish(*, actor, problem, actual, start, rng) -> None:
    services.photo_add(
        actor=actor,
        problem=problem,
        phase="before",
        photos=[demo_photo(rng, scene="stairwell")],
        when=start,
    )
    services.problem_advance(actor=actor, problem=problem, to=Stage.IMPLEMENTING, when=start)
    services.problem_record_actual(
        actor=actor, problem=problem, amount=actual, when=start + 18 * DAY
    )
    services.photo_add(
        actor=actor,
        problem=problem,
        phase="after",
        photos=[demo_photo(rng, scene="doorway")],
        when=start + 18 * DAY,
    )
    services.problem_advance(
        actor=actor, problem=problem, to=Stage.INSPECTING, when=start + 19 * DAY
    )
    services.problem_accept(
        actor=actor,
        problem=problem,
        representatives=rng.sample(REPRESENTATIVES, 2),
        opinion=rng.choice(("整改到位，居民满意", "效果明显，同意验收", "施工规范，满意")),
        satisfied=True,
        when=start + 21 * DAY,
    )


@transaction.atomic
def build_demo(*, community, seed: int, now) -> list[str]:
    """The plans of ``community``'s compounds and their problems; returns the lines to print."""
    rng = random.Random(f"{seed}:infra")
    actor = _worker(community)
    compounds = list(Compound.objects.filter(community=community).order_by("name"))
    if actor is None or not compounds:
        return []
    plans = [services.plan_open(actor=actor, compound=c, when=now - 360 * DAY) for c in compounds]
    from django.apps import apps

    meetings = list(
        apps.get_model("meetings", "Meeting").objects.filter(region=community).order_by("held_on")
    )
    departments = {d.code: d for d in Department.objects.filter(active=True)}
    amounts = _amounts()
    home = _home(compounds)
    home_plan = next(p for p in plans if p.compound_id == home.pk)
    for i, ((kind, title, measure, dept, _), actual) in enumerate(zip(DONE, amounts, strict=True)):
        # the maintenance-fund vote in the compound whose owners the selfgov demo keeps
        plan = home_plan if i == MAINTENANCE_FUND_AT else plans[i % len(plans)]
        found = now - (330 - i * 8) * DAY  # spread over the year, the last ~80 days ago
        problem = _raise(
            actor=actor, plan=plan, kind=kind, title=title, when=found, rng=rng, meetings=meetings
        )
        budget = _budget(actual, rng)
        shares = _shares(i, budget, rng)
        _to_approved(
            actor=actor, problem=problem, measure=measure, department=departments.get(dept),
            budget=budget, shares=shares, start=found, rng=rng,
        )  # fmt: skip
        start = found + 10 * DAY
        if i == MAINTENANCE_FUND_AT:
            services.fund_vote_open(actor=actor, problem=problem, when=found + 6 * DAY)
        services.problem_advance(
            actor=actor, problem=problem, to=Stage.APPROVED, when=found + 8 * DAY
        )
        if i == MAINTENANCE_FUND_AT:
            _vote(actor=actor, problem=problem, start=found + 9 * DAY, rng=rng)
            start = found + 36 * DAY
        if i == PUBLIC_INCOME_AT:
            compound = plan.compound
            posted = now - 30 * DAY
            day = _entry_day(compound, posted.date())
            posted = max(posted, now.replace(year=day.year, month=day.month, day=day.day))
            entry = services.fund_entry_post(
                actor=actor, problem=problem, date=day, when=posted
            ).entry
            if entry is None:
                raise AssertionError("the public-income share was posted")
            commons.entry_approve(actor=_committee(compound), entry=entry, when=posted + DAY)
            start = posted + 2 * DAY
            start = min(start, now - 22 * DAY) if start + 21 * DAY > now else start
        _finish(actor=actor, problem=problem, actual=actual, start=start, rng=rng)

    # four under way now
    other_plan = plans[1 % len(plans)]
    fund = _raise(
        actor=actor, plan=home_plan, kind="facade", title="2栋外墙渗水、墙皮大面积脱落",
        when=now - 20 * DAY, rng=rng, meetings=meetings,
    )  # fmt: skip
    _to_approved(
        actor=actor, problem=fund, measure="外墙防水修缮，铲除空鼓墙皮重新粉刷",
        department=departments.get("housing"), budget="46000",
        shares=[(Source.FISCAL, "16000"), (Source.MAINTENANCE_FUND, "30000")],
        start=now - 20 * DAY, rng=rng,
    )  # fmt: skip
    services.fund_vote_open(actor=actor, problem=fund, when=now - 12 * DAY)
    services.problem_advance(actor=actor, problem=fund, to=Stage.APPROVED, when=now - 11 * DAY)

    income = _raise(
        actor=actor, plan=other_plan, kind="greening", title="中心花园座椅破损",
        when=now - 15 * DAY, rng=rng, meetings=meetings,
    )  # fmt: skip
    _to_approved(
        actor=actor, problem=income, measure="更换防腐木座椅 8 张",
        department=departments.get("urban"), budget="2400",
        shares=[(Source.PUBLIC_INCOME, "2400")], start=now - 15 * DAY, rng=rng,
    )  # fmt: skip
    services.problem_advance(actor=actor, problem=income, to=Stage.APPROVED, when=now - 9 * DAY)
    day = _entry_day(other_plan.compound, (now - 2 * DAY).date())
    services.fund_entry_post(actor=actor, problem=income, date=day, when=now - DAY)

    working = _raise(
        actor=actor, plan=home_plan, kind="charging", title="充电棚照明和监控缺失",
        when=now - 25 * DAY, rng=rng, meetings=meetings,
    )  # fmt: skip
    _to_approved(
        actor=actor, problem=working, measure="加装照明 4 盏、监控 2 个",
        department=departments.get("fire"), budget="3500",
        shares=[(Source.FISCAL, "3500")], start=now - 25 * DAY, rng=rng,
    )  # fmt: skip
    services.problem_advance(actor=actor, problem=working, to=Stage.APPROVED, when=now - 15 * DAY)
    services.problem_advance(
        actor=actor, problem=working, to=Stage.IMPLEMENTING, when=now - 10 * DAY
    )
    _raise(
        actor=actor, plan=home_plan, kind="water", title="5栋水管冬季冻裂隐患",
        when=now - 2 * DAY, rng=rng, meetings=meetings,
    )  # fmt: skip
    return _summary(community, actor)


def _home(compounds: list[Compound]) -> Compound:
    """The resident login's compound (where the demo owner votes), else the first."""
    resident = get_user_model().objects.filter(username="resident").first()
    household = getattr(getattr(resident, "profile", None), "household", None)
    if household is not None:
        return household.unit.building.compound
    return compounds[0]


def _summary(community: Region, actor) -> list[str]:
    f = selectors.figures(actor=actor, region=community)
    done = Problem.objects.filter(plan__compound__community=community, stage=Stage.DONE)
    spent = done.aggregate(s=Sum("actual"))["s"] or Decimal("0")
    plans = Plan.objects.filter(compound__community=community).count()
    waiting = f.problems - f.done
    return [
        f"一小区一对策：{plans} 个小区对策，解决问题 {f.done} 个，实际支出 ¥{spent:,.2f}"
        f"（预算 ¥{f.budget:,.2f}，共 {f.problems} 个问题），在办 {waiting} 个"
        "（待业主表决维修资金 1、待业委会审核公共收益 1、实施中 1、新提出 1）"
    ]


def clear_demo(town) -> None:
    """Delete the plans below ``town`` (their problems, shares, history and photos cascade),
    and the photos' files (a rebuild leaves no file without its row)."""
    if town is None:
        return
    plans = Plan.objects.filter(compound__community__path__startswith=town.path)
    for photo in Photo.objects.filter(problem__plan__in=plans):
        photo.image.delete(save=False)
    Problem.objects.filter(plan__in=plans).delete()
    plans.delete()
