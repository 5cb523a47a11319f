"""Collection rates, amount-based and household-based, by compound, building, 邻 and party
membership; arrears by 邻 and by age; what each role may see."""

import datetime as dt
from decimal import Decimal

from linli.finance import selectors, services
from linli.finance.models import Bill

D = Decimal


def rates(actor, by="total", start="2026-01", end="2026-03"):
    return {
        r.label: r for r in selectors.collection_rates(actor=actor, start=start, end=end, by=by)
    }


def scenario(w):
    """Jan–Mar billed (3 × 200 for 101/102/201, 3 × 223.43 for 301).
    101 pays all (600); 102 (party) pays all; 201 pays 300; 301 nothing;
    102's March has 100 waived before it paid the rest."""
    h = w["households"]
    services.payment_record(actor=w["worker"], household=h["101"], amount="600", method="cash")
    mar = Bill.objects.get(household=h["102"], period_start=dt.date(2026, 3, 1))
    waiver = services.waiver_request(
        actor=w["worker"], bill=mar, amount="100", kind="low_income", reason="低保"
    )
    services.waiver_decide(actor=w["approver"], waiver=waiver, approve=True)
    services.payment_record(actor=w["worker"], household=h["102"], amount="500", method="wechat")
    services.payment_record(actor=w["worker"], household=h["201"], amount="300", method="alipay")


def test_total_both_kinds(billed):
    scenario(billed)
    t = rates(billed["worker"])["合计"]
    # billed 1800 + 670.29; waived 100; due 2370.29; paid 1400
    assert (t.billed, t.waived, t.due, t.paid, t.outstanding) == (
        D("2470.29"),
        D("100.00"),
        D("2370.29"),
        D("1400.00"),
        D("970.29"),
    )
    assert t.billed == t.paid + t.waived + t.outstanding
    assert t.amount_rate == D("1400.00") / D("2370.29")
    assert (t.households, t.households_paid) == (4, 2)
    assert t.household_rate == D("0.5") and t.household_pct == "50.0%"
    assert t.amount_pct == "59.1%"


def test_for_a_chosen_period(billed):
    scenario(billed)
    jan = rates(billed["worker"], start="2026-01", end="2026-01")["合计"]
    # January: 101, 102, 201 paid in full (oldest first), 301 not
    assert (jan.households, jan.households_paid, jan.paid) == (4, 3, D("600.00"))
    mar = rates(billed["worker"], start="2026-03", end="2026-03")["合计"]
    assert (mar.households_paid, mar.paid, mar.waived) == (2, D("300.00"), D("100.00"))


def test_by_building_compound_and_neighbour(billed):
    scenario(billed)
    assert set(rates(billed["worker"], "compound")) == {"粮站宿舍"}
    assert set(rates(billed["worker"], "building")) == {"粮站宿舍1栋"}
    n = rates(billed["worker"], "neighbour")
    assert set(n) == {"第1邻", "第2邻", "未划入邻"}
    assert (n["第1邻"].households_paid, n["第1邻"].households, n["第1邻"].paid) == (
        2,
        2,
        D("1100.00"),
    )
    assert n["第1邻"].household_rate == 1 and n["第1邻"].amount_rate == 1
    assert (n["第2邻"].paid, n["第2邻"].due) == (D("300.00"), D("600.00"))
    assert n["未划入邻"].amount_rate == 0


def test_party_member_households_against_the_others(billed):
    scenario(billed)
    p = rates(billed["worker"], "party")
    assert set(p) == {"党员户", "其他户"}
    assert (p["党员户"].households, p["党员户"].households_paid) == (1, 1)
    assert p["党员户"].amount_rate == 1
    assert (p["其他户"].households, p["其他户"].households_paid) == (3, 1)
    assert p["其他户"].paid == D("900.00")
    # the groups add up to the total
    t = rates(billed["worker"])["合计"]
    assert p["党员户"].due + p["其他户"].due == t.due


def test_rates_are_scoped(billed):
    scenario(billed)
    assert rates(billed["xt_worker"]) == {}
    a = rates(billed["leader_a"])["合计"]  # 邻 A: 101, 102
    assert (a.households, a.paid) == (2, D("1100.00"))
    r = rates(billed["resident_b"])["合计"]
    assert (r.households, r.paid, r.due) == (1, D("300.00"), D("600.00"))
    assert rates(billed["county"])["合计"].households == 4


def test_arrears_by_neighbour_masked_and_scoped(billed):
    scenario(billed)
    groups = selectors.arrears(actor=billed["worker"], asof=dt.date(2026, 4, 10))
    assert [g["label"] for g in groups] == ["第2邻", "未划入邻"]
    row = groups[0]["households"][0]
    assert row["name"] == "赵*强" and row["address"] == "粮站宿舍1栋1单元201"
    assert (row["owed"], row["months"], row["oldest"]) == (D("300.00"), 2, dt.date(2026, 2, 1))
    # 邻长 B sees his 邻 only; 邻长 A has nothing owing in his
    mine = selectors.arrears(actor=billed["leader_b"], asof=dt.date(2026, 4, 10))
    assert [g["label"] for g in mine] == ["第2邻"]
    assert selectors.arrears(actor=billed["leader_a"]) == []
    assert selectors.arrears(actor=billed["xt_worker"]) == []
    assert selectors.arrears(actor=billed["resident_a"]) == []  # paid up


def test_arrears_by_age(billed):
    ages = selectors.arrears_by_age(actor=billed["worker"], asof=dt.date(2026, 12, 1))
    # Jan 2026 is 11 months old on 2026-12-01 → 6–12; nothing is older than 12 months
    assert ages["6_12"] == D("2470.29") and ages["0_3"] == ages["3_6"] == ages["12_"] == 0
    ages = selectors.arrears_by_age(actor=billed["worker"], asof=dt.date(2026, 4, 1))
    assert ages["0_3"] == D("2470.29")


def test_rates_query_count(billed, django_assert_max_num_queries):
    scenario(billed)
    with django_assert_max_num_queries(4):
        selectors.collection_rates(
            actor=billed["worker"], start="2026-01", end="2026-12", by="neighbour"
        )


def test_rollup_in_one_pass_equals_each_grouping(billed):
    scenario(billed)
    rollup = selectors.collection_rollup(
        actor=billed["worker"],
        start="2026-01",
        end="2026-03",
        dims=("compound", "building", "neighbour", "party"),
    )
    for by in ("total", "compound", "building", "neighbour", "party"):
        one = selectors.collection_rates(
            actor=billed["worker"], start="2026-01", end="2026-03", by=by
        )
        assert rollup[by] == one, by


def test_roles_without_the_tag_duty_see_reductions_as_settled(client, billed):
    """March: 102's ¥100 reduction and 301's whole bill reduced. The desk sees both rates on
    应收 = billed − waived; the committee sees no reduction: what was reduced is settled, every
    billed household counts, and nothing says 减免."""
    from linli.accounts.models import Role

    from ..factories import make_user

    scenario(billed)
    mar = Bill.objects.get(household=billed["households"]["301"], period_start=dt.date(2026, 3, 1))
    waiver = services.waiver_request(
        actor=billed["worker"], bill=mar, amount=mar.amount, kind="extreme_poverty", reason="特困"
    )
    services.waiver_decide(actor=billed["approver"], waiver=waiver, approve=True)
    desk = rates(billed["worker"], start="2026-03", end="2026-03")["合计"]
    assert (desk.billed, desk.waived, desk.due, desk.paid) == (
        D("823.43"),
        D("323.43"),
        D("500.00"),
        D("300.00"),
    )
    assert (desk.households, desk.households_paid) == (3, 2)  # 301 owes nothing: not counted
    folded = desk.folded()
    assert (folded.waived, folded.due, folded.paid, folded.outstanding) == (
        D("0.00"),
        D("823.43"),
        D("623.43"),
        D("200.00"),
    )
    assert (folded.households, folded.households_paid) == (4, 3)
    committee = make_user("ywh", Role.COMMITTEE_MEMBER, billed["community"])
    committee.profile.compound = billed["compound"]
    committee.profile.save()
    client.force_login(committee)
    r = client.get("/api/v1/finance/collection-rates", {"start": "2026-03", "end": "2026-03"})
    assert r.status_code == 200
    [row] = r.json()["rows"]
    assert "waived" not in row and "减免" not in r.content.decode()
    assert (row["billed"], row["due"], row["paid"], row["outstanding"]) == (
        "823.43",
        "823.43",
        "623.43",
        "200.00",
    )
    assert (row["households"], row["households_paid"]) == (4, 3)
    assert row["amount_rate"] == round(623.43 / 823.43, 4)
    client.force_login(billed["worker"])
    [row] = client.get(
        "/api/v1/finance/collection-rates", {"start": "2026-03", "end": "2026-03"}
    ).json()["rows"]
    assert (row["waived"], row["due"], row["paid"], row["households"]) == (
        "323.43",
        "500.00",
        "300.00",
        3,
    )
