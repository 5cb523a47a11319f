"""Meetings personas on top of ``grid_world``: 兴东/新塘 workers, a 住建 and a 消防 staff user,
a case in 粮站宿舍 and one in 新塘; ``meeting`` is a 兴东 meeting held on D0 (2026-03-02)."""

import datetime as dt

import pytest

from linli.accounts.models import Role
from linli.cases import services as case_services
from linli.cases.models import Department
from linli.ledger import services as ledger_services
from linli.meetings import services

from ..factories import make_user

D0 = dt.date(2026, 3, 2)


@pytest.fixture
def world(grid_world, regions, compound, other_compound, cases_seeded):
    w = dict(grid_world)
    w["regions"] = regions
    w["compound"] = compound
    w["other_compound"] = other_compound
    w["worker"] = make_user("xd_worker", Role.COMMUNITY_WORKER, regions["xingdong"], "兴东工作人员")
    w["xt_worker"] = make_user(
        "xt_worker", Role.COMMUNITY_WORKER, regions["xintang"], "新塘工作人员"
    )
    w["county"] = make_user("county", Role.COUNTY_OFFICIAL, regions["county"], "县干部")
    w["town_official"] = make_user("town", Role.TOWN_OFFICIAL, regions["town"], "镇干部")
    w["housing"] = Department.objects.get(code="housing")
    w["fire"] = Department.objects.get(code="fire")
    w["housing_staff"] = make_user("zj_staff", Role.DEPARTMENT_STAFF, regions["county"], "住建员")
    w["fire_staff"] = make_user("xf_staff", Role.DEPARTMENT_STAFF, regions["county"], "消防员")
    case_services.department_member_add(
        actor=None, department=w["housing"], user=w["housing_staff"]
    )
    case_services.department_member_add(actor=None, department=w["fire"], user=w["fire_staff"])
    w["case"] = case_services.case_report(
        actor=w["worker"],
        household=w["households"]["101"],
        category="facility_safety",
        description="楼道灯不亮，门禁损坏",
    )
    xt_home = ledger_services.household_ensure(
        compound=other_compound, building="1栋", unit="1单元", room="101"
    )
    w["xt_case"] = case_services.case_report(
        actor=w["xt_worker"],
        household=xt_home,
        category="sanitation",
        description="垃圾站满溢",
    )
    w["second_compound"] = ledger_services.compound_create(
        community=regions["xingdong"], name="化肥厂生活区"
    )
    return w


@pytest.fixture
def meeting(world):
    return services.meeting_create(
        actor=world["worker"],
        region=world["regions"]["xingdong"],
        held_on=D0,
        place="兴东社区党群服务中心",
        chair="刘卫东",
    )


def record(meeting, actor, *, deadline, party="community", person="罗小燕", **kw):
    return services.action_record(
        actor=actor,
        meeting=meeting,
        decision=kw.pop("decision", "疏通排水管"),
        responsible_party=party,
        responsible_person=person,
        deadline=deadline,
        **kw,
    )
