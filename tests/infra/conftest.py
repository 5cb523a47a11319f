"""A compound for the infrastructure plans: 粮站宿舍 in 兴东社区 with three owners' households
(so an item-(五) vote can pass or fail), two committee members (the public account's entries
need a second person), 兴东's worker who runs the plan, and 新塘's worker who sees none of it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.cases.models import Department
from linli.commons import services as commons
from linli.infra import services
from linli.ledger import services as ledger
from linli.selfgov import services as selfgov

from ..factories import make_user


def committee(username, compound, name):
    user = make_user(username, Role.COMMITTEE_MEMBER, compound.community, name)
    user.profile.compound = compound
    user.profile.save()
    return user


@pytest.fixture
def world(regions, compound, other_compound, xingdong_worker, xintang_worker, county_official):
    h = {}
    for room, area in (("101", "80.00"), ("102", "90.00"), ("201", "100.00")):
        h[room] = ledger.household_ensure(
            compound=compound, building="1栋", unit="1单元", room=room, area=Decimal(area)
        )
    for room, name in (("101", "刘建国"), ("102", "王桂兰"), ("201", "赵志强")):
        ledger.resident_save(household=h[room], name=name, is_owner=True)
    selfgov.owners_sync(compound=compound)
    resident = make_user("jumin_a", Role.RESIDENT, regions["xingdong"], "刘建国")
    resident.profile.household = h["101"]
    resident.profile.save()
    fire, _ = Department.objects.get_or_create(code="fire", defaults={"name": "消防"})
    housing, _ = Department.objects.get_or_create(code="housing", defaults={"name": "住建"})
    account = commons.account_open(actor=xingdong_worker, compound=compound)
    plan = services.plan_open(actor=xingdong_worker, compound=compound)
    return {
        "compound": compound,
        "other_compound": other_compound,
        "households": h,
        "worker": xingdong_worker,
        "other_worker": xintang_worker,
        "county": county_official,
        "resident": resident,
        "committee_a": committee("yeweihui_a", compound, "王桂兰"),
        "committee_b": committee("yeweihui_b", compound, "陈卫东"),
        "fire": fire,
        "housing": housing,
        "account": account,
        "plan": plan,
    }


@pytest.fixture
def add(world):
    """add(**kw) → a problem on 粮站宿舍's plan (stage 提出), found by a survey."""

    def make(title="3栋化粪池堵塞外溢", kind="drainage", **kw):
        kw.setdefault("actor", world["worker"])
        kw.setdefault("plan", world["plan"])
        kw.setdefault("found_by", "survey")
        return services.problem_add(title=title, kind=kind, **kw)

    return make


@pytest.fixture
def approved(world, add):
    """approved(shares) → a problem taken to 立项 with ``shares`` [(source, amount)]."""

    def make(shares=(("fiscal", "12000.00"),), **kw):
        w = world["worker"]
        p = add(**kw)
        services.problem_advance(actor=w, problem=p, to="argued")
        total = sum(Decimal(a) for _, a in shares)
        services.problem_update(
            actor=w, problem=p, measure="清掏化粪池并更换管道", department=world["housing"],
            budget=str(total),
        )  # fmt: skip
        services.funding_set(actor=w, problem=p, shares=list(shares))
        services.problem_advance(actor=w, problem=p, to="approved")
        p.refresh_from_db()
        return p

    return make


@pytest.fixture
def run_vote(world):
    """run_vote(problem, yes=n) → announce the vote on the problem's proposal, enter paper
    ballots (``yes`` owners of three vote yes, the rest no), close it after its end."""

    def run(problem, yes=3):
        from linli.selfgov.models import Owner, Proposal

        w = world["worker"]
        proposal = Proposal.objects.get(infra_fundings__problem=problem)
        now = timezone.now()
        vote = selfgov.vote_announce(
            actor=w,
            proposal=proposal,
            opens_at=now + dt.timedelta(days=16),
            closes_at=now + dt.timedelta(days=23),
            when=now,
        )
        owners = list(Owner.objects.filter(compound=world["compound"]).order_by("id"))
        entries = [(o, "yes" if i < yes else "no") for i, o in enumerate(owners)]
        selfgov.ballots_enter_batch(
            actor=w, vote=vote, entries=entries, when=now + dt.timedelta(days=17)
        )
        return selfgov.vote_close(actor=w, vote=vote, when=now + dt.timedelta(days=24))

    return run
