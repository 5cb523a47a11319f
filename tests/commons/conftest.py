"""Personas for the public accounts: in 兴东社区's 粮站宿舍 two committee members (业委会 A and
B), a resident (居民 A, 101, 89.37 m²), the worker; in 新塘社区's 新塘小区 its own committee
member and resident. The 粮站宿舍 account is open."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.commons import services
from linli.ledger import services as ledger_services

from ..factories import make_user

CST = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 11, 20, 10, tzinfo=CST)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def committee(username, compound, name):
    user = make_user(username, Role.COMMITTEE_MEMBER, compound.community, name)
    user.profile.compound = compound
    user.profile.save()
    return user


@pytest.fixture
def world(regions, compound, other_compound, xingdong_worker, xintang_worker, county_official):
    h = {}
    for room, area in (("101", "89.37"), ("102", "60.63"), ("201", "100.00")):
        h[room] = ledger_services.household_ensure(
            compound=compound, building="1栋", unit="1单元", room=room, area=Decimal(area)
        )
    h["other"] = ledger_services.household_ensure(
        compound=other_compound, building="1栋", unit="1单元", room="101", area=Decimal("70.00")
    )
    resident_a = make_user("jumin_a", Role.RESIDENT, regions["xingdong"], "刘建国")
    resident_a.profile.household = h["101"]
    resident_a.profile.save()
    resident_o = make_user("jumin_o", Role.RESIDENT, regions["xintang"], "赵志强")
    resident_o.profile.household = h["other"]
    resident_o.profile.save()
    account = services.account_open(actor=xingdong_worker, compound=compound)
    return {
        "compound": compound,
        "other_compound": other_compound,
        "households": h,
        "account": account,
        "worker": xingdong_worker,
        "other_worker": xintang_worker,
        "county": county_official,
        "committee_a": committee("yeweihui_a", compound, "王桂兰"),
        "committee_b": committee("yeweihui_b", compound, "陈卫东"),
        "other_committee": committee("yeweihui_o", other_compound, "李丽君"),
        "resident_a": resident_a,
        "resident_o": resident_o,
    }


@pytest.fixture
def enter(world):
    """enter(kind, amount, ...) → a pending entry in 粮站宿舍's account by the worker."""

    def make(kind="parking", amount="1200.00", date=dt.date(2026, 10, 8), **extra):
        extra.setdefault("actor", world["worker"])
        extra.setdefault("account", world["account"])
        return services.entry_create(
            kind=kind,
            amount=amount,
            date=date,
            counterparty=extra.pop("counterparty", "院内停车管理员"),
            description=extra.pop("description", "10月院内泊车费"),
            **extra,
        )

    return make


@pytest.fixture
def post(world, enter):
    """post(kind, amount, ...) → an entry entered by the worker and approved by 业委会 A."""

    def make(*args, **kwargs):
        entry = enter(*args, **kwargs)
        return services.entry_approve(actor=world["committee_a"], entry=entry)

    return make


__all__ = ["CST", "NOW", "committee", "timezone"]
