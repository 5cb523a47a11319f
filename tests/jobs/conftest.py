"""Jobs personas on grid_world (兴东社区, 粮站宿舍): the 兴东 worker runs the station; 粮站宿舍's
social property service (物业经理 is its account) and a 新塘 workshop employ; 居民 A (刘建国,
101, an owner) and 居民 B (赵志强, 201) are job seekers with their own accounts; 新塘's worker is
the station next door and sees none of it."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.accounts.models import Role
from linli.jobs import services
from linli.ledger.models import Compound, Resident

from ..factories import make_user

TODAY = dt.date(2026, 5, 4)  # a Monday


def at(h, m=0):
    return dt.time(h, m)


@pytest.fixture
def jworld(grid_world, xingdong_worker, xintang_worker, compound, regions):
    Compound.objects.filter(pk=compound.pk).update(
        latitude=Decimal("26.940000"), longitude=Decimal("112.700000")
    )
    compound.refresh_from_db()
    Resident.objects.filter(pk=grid_world["residents"]["a"].pk).update(is_owner=True)
    community = grid_world["community"]
    manager = make_user("wuye", Role.RESIDENT, community, "物业经理")
    property_service = services.employer_create(
        actor=xingdong_worker,
        community=community,
        name="粮站宿舍社会化物业服务站",
        kind="social_property",
        compound=compound,
        contact_name="李经理",
        contact_phone="13807341234",
        staff=[manager],
    )
    workshop = services.employer_create(
        actor=xingdong_worker, community=community, name="兴东手工车间", kind="workshop"
    )
    sa = services.seeker_register(
        actor=xingdong_worker,
        resident=grid_world["residents"]["a"],
        skills="保洁、绿化",
        windows=["1-5 08:00-12:00"],
        user=grid_world["resident_a"],
    )
    sb = services.seeker_register(
        actor=xingdong_worker,
        resident=grid_world["residents"]["b"],
        skills=["手工", "保洁"],
        windows=["1-5 08:00-11:30", "1-5 14:00-17:00"],
        wants_home_work=True,
        user=grid_world["resident_b"],
    )
    return {
        **grid_world,
        "worker": xingdong_worker,
        "other_worker": xintang_worker,
        "manager": manager,
        "property": property_service,
        "workshop": workshop,
        "compound": compound,
        "sa": sa,
        "sb": sb,
    }


def make_posting(w, **kw):
    data = {
        "actor": w["worker"],
        "employer": w["property"],
        "title": "小区保洁员",
        "description": "楼道和公共区域保洁",
        "employment_type": "PART_TIME",
        "salary_min": "20",
        "salary_unit": "HOUR",
        "total_openings": 2,
        "valid_through": dt.date(2099, 12, 31),
        "days": [1, 2, 3, 4, 5],
        "start_time": at(8, 30),
        "end_time": at(11),
        "work_hours": "周一至周五 8:30–11:00",
        "skills": "保洁",
    }
    data.update(kw)
    return services.posting_create(**data)
