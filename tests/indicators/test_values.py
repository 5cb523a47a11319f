"""Every indicator on the small world of ``conftest.py``, its value worked out by hand.

The month is March 2026 unless said otherwise; JSON values (registry: counts as integers,
money and rates and hours as strings, null when there is nothing to rate).
"""

import pytest

from linli.indicators import rollups
from linli.indicators.context import Place
from linli.indicators.registry import REGISTRY, Level, Month, at_level

from .conftest import MARCH

pytestmark = pytest.mark.django_db


def values(place: Place, month: Month = MARCH) -> dict:
    return {
        code: REGISTRY[code].as_json(v)  # type: ignore[arg-type]
        for code, v in rollups.compute(place, month).items()
    }


# 兴东社区 in March, each figure by hand:
XINGDONG = {
    # ledger: 粮站宿舍 only; 三无 when recorded, not after 15 February
    "ledger.compounds": 1,
    "ledger.sanwu_at_survey": 1,
    "ledger.sanwu_now": 0,
    "ledger.households": 3,  # 101, 102, 201
    "ledger.residents": 3,  # 刘建国, 王桂兰, 赵志强
    # grid: 赵志强 片长 A; no 组长; 邻长 A held, 邻 B's vacated on 10 March
    "grid.area_leaders": 1,
    "grid.group_leaders": 0,
    "grid.neighbour_leaders": 1,
    "grid.covered_households": 2,  # 101, 102 (邻 A)
    "grid.coverage_rate": "0.6667",  # 2 ÷ 3
    # cases in March: c1, c2, c3 (the duplicate merged into c1 counts nowhere)
    "cases.reported": 3,
    "cases.accepted": 2,  # c1, c2
    "cases.resolved": 1,  # c1
    "cases.resolved_on_time": 1,  # c1 on 2 March, its limit days later
    "cases.median_hours": "5.0",  # c1: 09:00 → 14:00
    "cases.response_rate": "1.0000",  # (2 accepted + c3 returned with a reason) ÷ 3
    "cases.resolution_rate": "0.3333",  # 1 ÷ 3
    "cases.on_time_rate": "1.0000",  # 1 ÷ 1
    "cases.satisfaction_rate": "1.0000",  # c1 满意 ÷ 1 rated
    # fees: March bills 40.00 each (0.50 × 80 ㎡); 101 paid 40, 102 (party) 30, 201 nothing
    "finance.due": "120.00",
    "finance.paid": "70.00",
    "finance.amount_rate": "0.5833",  # 70 ÷ 120
    "finance.households_due": 3,
    "finance.households_paid": 1,  # 101
    "finance.household_rate": "0.3333",
    "finance.party_amount_rate": "0.7500",  # 102: 30 ÷ 40
    "finance.party_household_rate": "0.0000",  # 102 still owes 10
    "finance.other_amount_rate": "0.5000",  # 101 + 201: 40 ÷ 80
    "finance.other_household_rate": "0.5000",  # 101 of 101, 201
    # commons: parking 500 in, cleaning 120 out; the pending 80 does not count
    "commons.income": "500.00",
    "commons.spending": "120.00",
    # volunteers: one activity, 101's and 102's records approved, 2.5 h each
    "volunteers.activities": 1,
    "volunteers.person_times": 2,
    "volunteers.hours": "5.0",
    # care: 刘建国 and 王桂兰 registered; only 刘建国 visited in March (twice)
    "care.registered": 2,
    "care.visited": 1,
    "care.monthly_visit_rate": "0.5000",  # care's own 1 ÷ 2 = "0.500"
    "care.visits": 2,
    # civility: 101's 文明户 on 25 March
    "civility.awards": 1,
    # infra (粮站宿舍, to date): done (1000.00 / 950.50), being built (2000.00 / 300.00),
    # proposed (no money)
    "infra.done": 1,
    "infra.open": 2,
    "infra.budget": "3000.00",
    "infra.spent": "1250.50",  # 950.50 + 300.00: money spent on the unfinished one counts
    # services: 兴东社区服务站 with both items (the county hall is above 兴东)
    "services.points": 1,
    "services.items": 2,
    # jobs: 小区保洁员 has 1 of 2 openings left (手工编织 is full)
    "jobs.open_postings": 1,
    "jobs.placements": 2,  # 刘建国 (保洁), 赵志强 (手工编织)
    "jobs.hired_in_own_compound": 1,  # 刘建国, an owner, with 粮站宿舍's own property service
    "jobs.at_home": 1,  # 赵志强
    "jobs.makers": 1,  # 赵志强 sold in March
    "jobs.more_income": 2,  # 刘建国 and 赵志强 placed (赵志强 also sells: once)
    "jobs.trained": 1,  # 刘建国 finished 家政培训
}

XINTANG = {
    "ledger.compounds": 1,
    "ledger.sanwu_at_survey": 1,
    "ledger.sanwu_now": 1,  # 新塘小区 is still 三无
    "ledger.households": 1,
    "ledger.residents": 1,
    "grid.area_leaders": 0,
    "grid.group_leaders": 0,
    "grid.neighbour_leaders": 0,
    "grid.covered_households": 0,
    "grid.coverage_rate": "0.0000",  # 0 ÷ 1
    "cases.reported": 0,
    "cases.accepted": 0,
    "cases.resolved": 0,
    "cases.resolved_on_time": 0,
    "cases.median_hours": None,  # nothing resolved
    "cases.response_rate": None,  # nothing reported
    "cases.resolution_rate": None,
    "cases.on_time_rate": None,
    "cases.satisfaction_rate": None,
    "finance.due": "0.00",  # no bills
    "finance.paid": "0.00",
    "finance.amount_rate": None,
    "finance.households_due": 0,
    "finance.households_paid": 0,
    "finance.household_rate": None,
    "finance.party_amount_rate": None,
    "finance.party_household_rate": None,
    "finance.other_amount_rate": None,
    "finance.other_household_rate": None,
    "commons.income": "0.00",
    "commons.spending": "0.00",
    "volunteers.activities": 0,
    "volunteers.person_times": 0,
    "volunteers.hours": "0.0",
    "care.registered": 1,  # 李四
    "care.visited": 1,  # on 9 March
    "care.monthly_visit_rate": "1.0000",
    "care.visits": 1,
    "civility.awards": 0,
    "infra.done": 1,  # 化粪池 (500.00 / 480.00)
    "infra.open": 0,
    "infra.budget": "500.00",
    "infra.spent": "480.00",
    "services.points": 0,
    "services.items": 0,
    "jobs.open_postings": 0,
    "jobs.placements": 0,
    "jobs.hired_in_own_compound": 0,
    "jobs.at_home": 0,
    "jobs.makers": 0,
    "jobs.more_income": 0,
    "jobs.trained": 0,
}

# 洣水镇 = 兴东 + 新塘, recomputed from the sources (not summed), so rates are the town's own
TOWN = {
    **{code: XINGDONG[code] for code in XINGDONG},
    "ledger.compounds": 2,
    "ledger.sanwu_at_survey": 2,
    "ledger.sanwu_now": 1,
    "ledger.households": 4,
    "ledger.residents": 4,
    "grid.coverage_rate": "0.5000",  # 2 ÷ 4
    "care.registered": 3,
    "care.visited": 2,
    "care.monthly_visit_rate": "0.6670",  # care's 2 ÷ 3 = "0.667", three places
    "care.visits": 3,
    "infra.done": 2,
    "infra.open": 2,
    "infra.budget": "3500.00",
    "infra.spent": "1730.50",
}

# the county adds its own 政务服务中心 (社保卡补办, already offered in 兴东)
COUNTY = {**TOWN, "services.points": 2}


def test_every_indicator_has_a_hand_worked_value():
    assert set(XINGDONG) == {i.code for i in at_level(Level.COMMUNITY)}
    assert set(XINTANG) == set(XINGDONG)


def test_community(read_world):
    assert values(Place.of_region(read_world["community"])) == XINGDONG


def test_other_community(read_world):
    assert values(Place.of_region(read_world["regions"]["xintang"])) == XINTANG


def test_town_is_recomputed_not_summed(read_world):
    assert values(Place.of_region(read_world["regions"]["town"])) == TOWN


def test_county_and_above_count_as_county(read_world):
    county = Place.of_region(read_world["regions"]["county"])
    assert county.level == Level.COUNTY
    assert values(county) == COUNTY  # one town in the county
    assert values(Place.of_region(read_world["regions"]["province"])) == COUNTY


def test_compound(read_world):
    got = values(Place.of_compound(read_world["compound"]))
    # everything of 兴东 that exists for a compound (粮站宿舍 is all of 兴东)
    assert got == {code: XINGDONG[code] for code in got}
    assert set(got) == {i.code for i in at_level(Level.COMPOUND)}
    assert "volunteers.hours" not in got  # volunteers belong to the community


def test_neighbour_a(read_world):
    got = values(Place.of_grid(read_world["n_a"]))
    assert got == {
        "ledger.households": 2,  # 101, 102
        "ledger.residents": 2,
        "grid.neighbour_leaders": 1,  # 王桂兰
        "grid.covered_households": 2,
        "grid.coverage_rate": "1.0000",
        "cases.reported": 2,  # c1 (101), c2 (102)
        "cases.accepted": 2,
        "cases.resolved": 1,
        "cases.resolved_on_time": 1,
        "cases.median_hours": "5.0",
        "cases.response_rate": "1.0000",
        "cases.resolution_rate": "0.5000",
        "cases.on_time_rate": "1.0000",
        "cases.satisfaction_rate": "1.0000",
        "finance.due": "80.00",
        "finance.paid": "70.00",
        "finance.amount_rate": "0.8750",  # 70 ÷ 80
        "finance.households_due": 2,
        "finance.households_paid": 1,
        "finance.household_rate": "0.5000",
        "finance.party_amount_rate": "0.7500",
        "finance.party_household_rate": "0.0000",
        "finance.other_amount_rate": "1.0000",  # 101 alone
        "finance.other_household_rate": "1.0000",
        "care.registered": 2,
        "care.visited": 1,
        "care.monthly_visit_rate": "0.5000",
        "care.visits": 2,
    }


def test_neighbour_b(read_world):
    got = values(Place.of_grid(read_world["n_b"]))
    assert got["ledger.households"] == 1  # 201
    assert got["grid.neighbour_leaders"] == 0  # vacated on 10 March
    assert got["grid.covered_households"] == 0
    assert got["grid.coverage_rate"] == "0.0000"
    assert got["cases.reported"] == 1  # c3, returned
    assert got["cases.response_rate"] == "1.0000"
    assert got["cases.resolution_rate"] == "0.0000"
    assert got["cases.on_time_rate"] is None  # nothing resolved
    assert got["finance.amount_rate"] == "0.0000"  # 0 ÷ 40
    assert got["finance.party_amount_rate"] is None  # no party household in 邻 B
    assert got["care.registered"] == 0
    assert got["care.monthly_visit_rate"] == "0.0000"  # care's "0.000" for nobody


def test_area_and_group(read_world):
    area = values(Place.of_grid(read_world["area"]))
    group = values(Place.of_grid(read_world["group"]))
    assert area["grid.area_leaders"] == 1  # 赵志强
    assert "grid.area_leaders" not in group
    assert group["grid.group_leaders"] == 0
    assert area["ledger.households"] == group["ledger.households"] == 3
    assert area["grid.coverage_rate"] == "0.6667"
    assert area["cases.reported"] == 3
    assert area["finance.amount_rate"] == "0.5833"


def test_other_months(read_world):
    xingdong = Place.of_region(read_world["community"])
    february = values(xingdong, Month(2026, 2))
    assert february["cases.reported"] == 1  # 201's case of 20 February
    assert february["cases.accepted"] == 0
    assert february["grid.neighbour_leaders"] == 2  # 邻 B not vacated yet
    assert february["grid.covered_households"] == 3
    assert february["ledger.sanwu_now"] == 0  # property company since 15 February
    assert february["care.visited"] == 1  # 王桂兰 on 14 February
    assert february["finance.due"] == "0.00"  # no February bills
    january = values(xingdong, Month(2026, 1))
    assert january["ledger.sanwu_now"] == 1
    assert january["care.registered"] == 2
    assert january["care.visited"] == 0
    december = values(xingdong, Month(2025, 12))
    assert december["ledger.households"] == 0  # before anything was recorded
    assert december["ledger.sanwu_at_survey"] == 0
    assert december["care.registered"] == 0
    # infra, service points and placements stand as they are now, in every month;
    # 创客 count by the month of their sales
    assert february["infra.spent"] == december["infra.spent"] == "1250.50"
    assert february["services.points"] == 1
    assert february["jobs.placements"] == 2
    assert february["jobs.makers"] == 0  # 赵志强's sales are March's
    assert february["jobs.more_income"] == 2  # both placed
