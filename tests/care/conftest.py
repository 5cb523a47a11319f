"""Care personas on top of ``grid_world``: the registry of 兴东 and the office personas.

- 王桂兰 (102, born 1941, lives alone): 高风险, visited by 邻长 A (she holds 邻 A's post, but
  the account of 邻长 A is ``leader_a``);
- 刘建国 (101, born 1956, lives alone): 一般;
- 赵小明 (201, a left-behind child): 重点, in 邻 B (邻长 B);
- 新塘's 李四: 一般, outside every 兴东 persona's scope.
"""

import datetime as dt

import pytest

from linli.accounts.models import Role
from linli.care import services
from linli.ledger import services as ledger_services

from ..factories import make_user

REGISTERED = dt.date(2026, 1, 5)


@pytest.fixture
def care_world(grid_world, regions, other_compound, cases_seeded):
    w = dict(grid_world)
    r = w["residents"]
    child = ledger_services.resident_save(
        household=w["households"]["201"],
        name="赵小明",
        id_number="430424201503035410",
        is_left_behind_child=True,
    )
    h_xt = ledger_services.household_ensure(
        compound=other_compound, building="1栋", unit="1单元", room="101"
    )
    li = ledger_services.resident_save(
        household=h_xt, name="李四", id_number="360426199101010071", is_low_income=True
    )
    w["child"], w["li"] = child, li
    w["p_wang"] = services.recipient_register(
        actor=None, resident=r["a2"], categories=["lives_alone"], registered_on=REGISTERED
    )
    w["p_liu"] = services.recipient_register(actor=None, resident=r["a"], registered_on=REGISTERED)
    w["p_child"] = services.recipient_register(actor=None, resident=child, registered_on=REGISTERED)
    w["p_li"] = services.recipient_register(actor=None, resident=li, registered_on=REGISTERED)
    w["county"] = make_user("county", Role.COUNTY_OFFICIAL, regions["county"], "县干部")
    w["town"] = make_user("town", Role.TOWN_OFFICIAL, regions["town"], "镇干部")
    w["worker"] = make_user("xd_worker", Role.COMMUNITY_WORKER, regions["xingdong"], "兴东社工")
    w["xt_worker"] = make_user("xt_worker", Role.COMMUNITY_WORKER, regions["xintang"], "新塘社工")
    w["department"] = make_user("fire", Role.DEPARTMENT_STAFF, regions["county"], "消防员")
    w["committee"] = make_user("ywh", Role.COMMITTEE_MEMBER, regions["xingdong"], "业委会")
    w["committee"].profile.compound = w["households"]["101"].unit.building.compound
    w["committee"].profile.save()
    w["partner"] = make_user("dangyuan", Role.RESIDENT, regions["xingdong"], "党员小李")
    w["partner"].profile.household = w["households"]["201"]
    w["partner"].profile.save()
    return w
