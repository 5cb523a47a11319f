"""Stages one at a time with history, the money rules (the owners' vote for 维修资金, the
committee's approval for 公共收益), budgets parsed as money, acceptance by representatives —
and every refusal leaves the problem exactly as it was."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.commons import services as commons
from linli.commons.models import Entry, EntryStatus
from linli.core.errors import Conflict, Forbidden, Invalid, NotFound
from linli.infra import services
from linli.infra.models import Funding, Problem, ProblemEvent
from linli.selfgov.models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


def snapshot(problem):
    """Everything a refusal must leave alone."""
    p = Problem.objects.get(pk=problem.pk)
    return (
        p.stage, p.version, p.budget, p.actual, p.measure, p.department_id,
        list(
            Funding.objects.filter(problem=p).values_list("source", "amount", "proposal", "entry")
        ),
        ProblemEvent.objects.filter(problem=p).count(),
        Proposal.objects.count(), Entry.objects.count(),
    )  # fmt: skip


def test_stages_one_at_a_time_with_history(world, approved):
    w = world["worker"]
    p = approved()
    services.problem_advance(actor=w, problem=p, to="implementing")
    services.problem_record_actual(actor=w, problem=p, amount="11,800.50")
    services.problem_advance(actor=w, problem=p, to="inspecting")
    services.problem_accept(
        actor=w, problem=p, representatives="刘建国、王桂兰", opinion="化粪池已清通，管道更换到位",
        satisfied=True,
    )  # fmt: skip
    p.refresh_from_db()
    assert p.stage == "done"
    assert p.actual == Decimal("11800.50")
    assert p.representatives == "刘建国、王桂兰"
    steps = list(
        p.events.filter(action="stage").order_by("at", "id").values_list("from_stage", "to_stage")
    )
    assert steps == [
        ("proposed", "argued"),
        ("argued", "approved"),
        ("approved", "implementing"),
        ("implementing", "inspecting"),
        ("inspecting", "done"),
    ]


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ("approved", "infra.stage_skipped"),
        ("implementing", "infra.stage_skipped"),
        ("done", "infra.stage_skipped"),
        ("proposed", "infra.stage_backwards"),
        ("finished", "infra.bad_stage"),
    ],
)
def test_a_stage_skipped_or_backwards_is_refused_and_nothing_changes(world, add, to, code):
    p = add()
    before = snapshot(p)
    with pytest.raises((Conflict, Invalid)) as exc:
        services.problem_advance(actor=world["worker"], problem=p, to=to)
    assert exc.value.code == code
    assert snapshot(p) == before


def test_done_only_by_the_representatives(world, approved):
    w = world["worker"]
    p = approved()
    services.problem_advance(actor=w, problem=p, to="implementing")
    with pytest.raises(Invalid) as exc:
        services.problem_advance(actor=w, problem=p, to="inspecting")
    assert exc.value.code == "infra.actual_missing"
    services.problem_record_actual(actor=w, problem=p, amount="12000")
    services.problem_advance(actor=w, problem=p, to="inspecting")
    before = snapshot(p)
    with pytest.raises(Invalid) as exc:
        services.problem_advance(actor=w, problem=p, to="done")
    assert exc.value.code == "infra.acceptance_required"
    with pytest.raises(Invalid) as exc:
        services.problem_accept(
            actor=w, problem=p, representatives="刘建国", opinion="好", satisfied=True
        )
    assert exc.value.code == "infra.representatives_required"
    assert snapshot(p) == before
    services.problem_accept(
        actor=w,
        problem=p,
        representatives=["刘建国", "赵志强"],
        opinion="仍有渗漏",
        satisfied=False,
    )
    p.refresh_from_db()
    assert p.stage == "implementing"  # redone


@pytest.mark.parametrize(
    ("missing", "code"),
    [
        ("measure", "infra.measure_missing"),
        ("department", "infra.department_missing"),
        ("budget", "infra.budget_missing"),
        ("funding", "infra.funding_mismatch"),
    ],
)
def test_approval_needs_measure_department_budget_and_matching_funding(world, add, missing, code):
    w = world["worker"]
    p = add()
    services.problem_advance(actor=w, problem=p, to="argued")
    details = {"measure": "加装消防栓", "department": world["fire"], "budget": "5000"}
    details.pop(missing, None)
    services.problem_update(actor=w, problem=p, **details)
    shares = (
        [("fiscal", "3000"), ("co_builder", "1000")]
        if missing == "funding"
        else [("fiscal", "5000")]
    )
    services.funding_set(actor=w, problem=p, shares=shares)
    before = snapshot(p)
    with pytest.raises(Invalid) as exc:
        services.problem_advance(actor=w, problem=p, to="approved")
    assert exc.value.code == code
    assert snapshot(p) == before


@pytest.mark.parametrize(
    ("budget", "code"),
    [
        ("一万", "infra.bad_amount"),
        ("12.000.00", "infra.bad_amount"),
        ("-500", "infra.amount_not_positive"),
        ("0", "infra.amount_not_positive"),
        ("100.005", "infra.too_many_decimals"),
        ("NaN", "infra.bad_amount"),
        ("1e30", "infra.bad_amount"),
    ],
)
def test_a_budget_in_a_bad_format_is_refused_and_nothing_changes(world, add, budget, code):
    p = add()
    before = snapshot(p)
    with pytest.raises(Invalid) as exc:
        services.problem_update(actor=world["worker"], problem=p, measure="新", budget=budget)
    assert exc.value.code == code
    assert exc.value.details[0]["field"] == "budget"
    assert snapshot(p) == before
    with pytest.raises(Invalid) as exc:
        services.funding_set(actor=world["worker"], problem=p, shares=[("fiscal", budget)])
    assert exc.value.code == code
    assert snapshot(p) == before


def test_budget_is_decimal_to_the_fen(world, add):
    p = add()
    services.problem_update(actor=world["worker"], problem=p, budget="1,234.5")
    p.refresh_from_db()
    assert p.budget == Decimal("1234.50")


def test_a_problem_may_have_several_sources(world, approved):
    p = approved(shares=[("fiscal", "8000"), ("co_builder", "2500.50"), ("residents", "500")])
    assert p.budget == Decimal("11000.50")
    assert sorted(p.fundings.values_list("source", flat=True)) == [
        "co_builder", "fiscal", "residents",
    ]  # fmt: skip


def test_duplicate_or_unknown_source_refused(world, add):
    p = add()
    for shares, code in (
        ([("fiscal", "1"), ("fiscal", "2")], "infra.duplicate_source"),
        ([("lottery", "1")], "infra.bad_source"),
    ):
        with pytest.raises(Invalid) as exc:
            services.funding_set(actor=world["worker"], problem=p, shares=shares)
        assert exc.value.code == code
    assert not p.fundings.exists()


# ------------------------------------------------------------------ 维修资金: the owners' vote


def test_maintenance_fund_needs_the_owners_vote_before_implementation(world, approved, run_vote):
    w = world["worker"]
    p = approved(shares=[("fiscal", "20000"), ("maintenance_fund", "30000")])
    before = snapshot(p)
    with pytest.raises(Conflict) as exc:
        services.problem_advance(actor=w, problem=p, to="implementing")
    assert exc.value.code == "infra.vote_not_opened"
    assert snapshot(p) == before

    services.fund_vote_open(actor=w, problem=p)
    proposal = Proposal.objects.get(infra_fundings__problem=p)
    assert proposal.item == 5  # 使用维修资金 (民法典 art. 278 item (五))
    assert proposal.compound == world["compound"]
    assert proposal.status == ProposalStatus.PUBLISHED
    assert "30000.00" in proposal.body
    before = snapshot(p)
    with pytest.raises(Conflict) as exc:
        services.problem_advance(actor=w, problem=p, to="implementing")
    assert exc.value.code == "infra.vote_pending"  # published, not yet announced
    assert snapshot(p) == before

    vote = run_vote(p, yes=3)
    assert vote.result["passed"] is True
    services.problem_advance(actor=w, problem=p, to="implementing")
    p.refresh_from_db()
    assert p.stage == "implementing"


def test_a_failed_vote_keeps_it_out_of_implementation(world, approved, run_vote):
    w = world["worker"]
    p = approved(shares=[("maintenance_fund", "30000")])
    services.fund_vote_open(actor=w, problem=p)
    vote = run_vote(p, yes=1)  # 1 of 3 owners: not more than half
    assert vote.result["passed"] is False
    before = snapshot(p)
    with pytest.raises(Conflict) as exc:
        services.problem_advance(actor=w, problem=p, to="implementing")
    assert exc.value.code == "infra.vote_failed"
    assert snapshot(p) == before
    # after a failed vote the plan may put it to the owners again
    services.fund_vote_open(actor=w, problem=p)
    assert Proposal.objects.filter(infra_fundings__problem=p).count() == 1
    assert Proposal.objects.filter(compound=world["compound"], item=5).count() == 2


def test_a_share_put_to_the_vote_keeps_its_amount(world, add):
    w = world["worker"]
    p = add()
    services.problem_advance(actor=w, problem=p, to="argued")
    services.problem_update(actor=w, problem=p, budget="30000", measure="换屋面")
    services.funding_set(actor=w, problem=p, shares=[("maintenance_fund", "30000")])
    services.fund_vote_open(actor=w, problem=p)
    before = snapshot(p)
    with pytest.raises(Conflict) as exc:
        services.funding_set(actor=w, problem=p, shares=[("maintenance_fund", "35000")])
    assert exc.value.code == "infra.share_locked"
    with pytest.raises(Conflict) as exc:
        services.fund_vote_open(actor=w, problem=p)
    assert exc.value.code == "infra.vote_already_opened"
    assert snapshot(p) == before


def test_vote_only_for_a_maintenance_fund_share_and_in_time(world, add, approved):
    w = world["worker"]
    p = approved()
    with pytest.raises(Invalid) as exc:
        services.fund_vote_open(actor=w, problem=p)
    assert exc.value.code == "infra.no_such_share"
    fresh = add()
    with pytest.raises(Conflict) as exc:
        services.fund_vote_open(actor=w, problem=fresh)
    assert exc.value.code == "infra.bad_stage"
    assert Proposal.objects.count() == 0


# ------------------------------------------------------------------ 公共收益: the committee


def test_public_income_needs_the_committees_approval(world, approved):
    w = world["worker"]
    p = approved(shares=[("fiscal", "1000"), ("public_income", "2400.00")])
    with pytest.raises(Conflict) as exc:
        services.problem_advance(actor=w, problem=p, to="implementing")
    assert exc.value.code == "infra.entry_not_posted"
    share = services.fund_entry_post(actor=w, problem=p, date=timezone.localdate())
    entry = share.entry
    assert (entry.kind, entry.direction, entry.amount) == ("repair", "spending", Decimal("2400.00"))
    assert entry.status == EntryStatus.PENDING
    assert entry.account == world["account"]
    before = snapshot(p)
    with pytest.raises(Conflict) as exc:
        services.problem_advance(actor=w, problem=p, to="implementing")
    assert exc.value.code == "infra.entry_pending"
    assert snapshot(p) == before
    commons.entry_approve(actor=world["committee_a"], entry=entry)
    services.problem_advance(actor=w, problem=p, to="implementing")
    p.refresh_from_db()
    assert p.stage == "implementing"


def test_a_rejected_entry_may_be_posted_again(world, approved):
    w = world["worker"]
    p = approved(shares=[("public_income", "800")])
    share = services.fund_entry_post(actor=w, problem=p)
    commons.entry_reject(actor=world["committee_a"], entry=share.entry, reason="缺发票")
    with pytest.raises(Conflict) as exc:
        services.problem_advance(actor=w, problem=p, to="implementing")
    assert exc.value.code == "infra.entry_rejected"
    again = services.fund_entry_post(actor=w, problem=p)
    assert again.entry.status == EntryStatus.PENDING
    with pytest.raises(Conflict) as exc:
        services.fund_entry_post(actor=w, problem=p)
    assert exc.value.code == "infra.entry_already_posted"


def test_public_income_without_an_account_is_refused(world, add):
    from linli.infra.models import Plan

    w = world["worker"]
    plan = services.plan_open(actor=w, compound=_second_compound(world))
    p = add(plan=plan)
    services.problem_advance(actor=w, problem=p, to="argued")
    services.problem_update(actor=w, problem=p, budget="800", measure="修路灯")
    services.funding_set(actor=w, problem=p, shares=[("public_income", "800")])
    before = snapshot(p)
    with pytest.raises(Invalid) as exc:
        services.fund_entry_post(actor=w, problem=p)
    assert exc.value.code == "infra.no_public_account"
    assert snapshot(p) == before
    assert Plan.objects.count() == 2


def _second_compound(world):
    from linli.ledger import services as ledger

    return ledger.compound_create(community=world["compound"].community, name="电机厂宿舍")


# ------------------------------------------------------------------ who, where


def test_out_of_scope_is_missing_and_no_role_may_not_act(world, add):
    p = add()
    before = snapshot(p)
    with pytest.raises(NotFound):
        services.problem_advance(actor=world["other_worker"], problem=p, to="argued")
    with pytest.raises(Forbidden):
        services.problem_advance(actor=world["resident"], problem=p, to="argued")
    with pytest.raises(Forbidden):
        services.problem_add(
            actor=world["committee_a"],
            plan=world["plan"],
            kind="fire",
            title="x",
            found_by="survey",
        )
    assert snapshot(p) == before


def test_one_plan_per_compound(world):
    with pytest.raises(Conflict) as exc:
        services.plan_open(actor=world["worker"], compound=world["compound"])
    assert exc.value.code == "infra.plan_exists"
    with pytest.raises(NotFound):
        services.plan_open(actor=world["worker"], compound=world["other_compound"])


def test_found_by_a_case_of_this_compound(world, add, cases_seeded):
    from linli.cases import services as cases

    case = cases.case_report(
        actor=world["resident"], household=world["households"]["101"], category="facility_safety",
        description="楼道灯坏了",
    )  # fmt: skip
    p = add(found_by="case", case=case, kind="street_light", title="楼道灯不亮")
    assert p.case == case
    with pytest.raises(Invalid) as exc:
        add(found_by="case")
    assert exc.value.code == "infra.case_required"
    with pytest.raises(Invalid) as exc:
        add(found_by="meeting")
    assert exc.value.code == "infra.meeting_required"


def test_found_by_a_meeting_of_its_community(world, add):
    from linli.meetings.models import Meeting

    here = Meeting.objects.create(
        region=world["compound"].community, title="兴东五方联席会", held_on=dt.date(2026, 5, 1),
        place="社区",
    )  # fmt: skip
    there = Meeting.objects.create(
        region=world["other_compound"].community, title="新塘联席会", held_on=dt.date(2026, 5, 1),
        place="社区",
    )  # fmt: skip
    p = add(found_by="meeting", meeting=here)
    assert p.meeting == here
    with pytest.raises(Invalid) as exc:
        add(found_by="meeting", meeting=there, actor=world["county"])
    assert exc.value.code == "infra.meeting_elsewhere"
    with pytest.raises(NotFound):
        add(found_by="meeting", meeting=there)  # not the worker's: as missing
