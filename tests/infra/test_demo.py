"""The demo plans of a small 兴东: 32 problems done for exactly ¥200,000.00 through the
services (one after a passed item-(五) owners' vote, one after the committee approved its
public-income entry), four under way; clear_demo removes them."""

import datetime as dt
from decimal import Decimal

from django.db.models import Sum

from linli.demo import commons as demo_commons
from linli.demo import infra as demo
from linli.demo import selfgov as demo_selfgov
from linli.infra.models import Funding, Plan, Problem, ProblemEvent
from linli.ledger import services as ledger

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 26, 0, tzinfo=CST)
NAMES = "刘张王李赵陈杨黄周吴"


def test_demo_plans(regions, xingdong_worker):
    community = regions["xingdong"]
    for name in ("粮站宿舍", "化肥厂生活区", "电机厂宿舍"):
        compound = ledger.compound_create(community=community, name=name)
        for i in range(30):
            h = ledger.household_ensure(
                compound=compound, building=f"{i // 10 + 1}栋", unit="1单元",
                room=f"{i % 10 + 101}", area=Decimal("75.50"),
            )  # fmt: skip
            ledger.resident_save(household=h, name=f"{NAMES[i % 10]}业主{i}", is_owner=True)
    demo_selfgov.build_demo(community=community, seed=7, now=NOW)
    demo_commons.build_demo(community=community, seed=7, now=NOW)
    lines = demo.build_demo(community=community, seed=7, now=NOW)
    assert lines[0].startswith("一小区一对策：3 个小区对策，解决问题 32 个，实际支出 ¥200,000.00")
    done = Problem.objects.filter(stage="done")
    assert done.count() == 32
    assert done.aggregate(s=Sum("actual"))["s"] == Decimal("200000.00")
    assert Problem.objects.aggregate(s=Sum("actual"))["s"] == Decimal("200000.00")
    assert Problem.objects.exclude(stage="done").count() == 4
    # every done problem went through all six stages, one at a time
    for p in done:
        steps = list(p.events.filter(action="stage").values_list("to_stage", flat=True))
        assert steps == ["argued", "approved", "implementing", "inspecting", "done"]
        assert p.representatives and p.photos.filter(phase="after").exists()
    fund = Funding.objects.get(source="maintenance_fund", problem__stage="done")
    assert fund.proposal.item == 5 and fund.proposal.vote.result["passed"] is True
    income = Funding.objects.get(source="public_income", problem__stage="done")
    assert income.entry.status == "approved"
    assert Funding.objects.get(source="maintenance_fund", problem__stage="approved").proposal
    assert Funding.objects.get(source="public_income", problem__stage="approved").entry.status == (
        "pending"
    )
    assert not ProblemEvent.objects.filter(at__gt=NOW).exists()
    assert {p.found_by for p in Problem.objects.all()} >= {"survey"}
    demo.clear_demo(regions["town"])
    assert not Plan.objects.exists() and not Problem.objects.exists()
