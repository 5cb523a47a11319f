"""Cases personas on top of ``grid_world``: 消防 staff, a 城管 staff, the 组/片 holders."""

import datetime as dt
import io

import pytest

from linli.accounts.models import Role
from linli.cases import services
from linli.cases.models import Category, Department
from linli.grid import services as grid_services

from ..factories import make_user

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday


@pytest.fixture
def world(grid_world, regions, cases_seeded):
    """grid_world with every post held (组长 A, 片长 A too) and department staff."""
    w = dict(grid_world)
    grid_services.post_assign(
        grid=w["group"], resident=w["residents"]["a"], user=w["group_leader"], reason="推选"
    )
    grid_services.post_assign(
        grid=w["area"], resident=w["residents"]["b"], user=w["area_leader"], reason="推选"
    )
    w["fire"] = Department.objects.get(code="fire")
    w["urban"] = Department.objects.get(code="urban")
    w["fire_staff"] = make_user("fire_staff", Role.DEPARTMENT_STAFF, regions["county"], "消防员")
    w["urban_staff"] = make_user("cg_staff", Role.DEPARTMENT_STAFF, regions["county"], "城管员")
    services.department_member_add(actor=None, department=w["fire"], user=w["fire_staff"])
    services.department_member_add(actor=None, department=w["urban"], user=w["urban_staff"])
    w["worker"] = make_user("xd_worker", Role.COMMUNITY_WORKER, regions["xingdong"], "兴东工作人员")
    w["xt_worker"] = make_user(
        "xt_worker", Role.COMMUNITY_WORKER, regions["xintang"], "新塘工作人员"
    )
    return w


def category(code: str) -> Category:
    return Category.objects.get(code=code)


@pytest.fixture
def report(world):
    """Resident A reports a 邻里纠纷 for household 101 (lands with 邻长 A)."""

    def _report(code="neighbour_dispute", actor=None, household="101", **kwargs):
        kwargs.setdefault("description", "楼上每晚拖动家具，噪音很大")
        kwargs.setdefault("when", AT)
        return services.case_report(
            actor=actor or world["resident_a"],
            household=world["households"][household],
            category=category(code),
            **kwargs,
        )

    return _report


def png_bytes() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Each test starts with the calendar read from its own database state (rollbacks between
    tests send no signals)."""
    from linli.cases import categories
    from linli.core import calendar

    calendar.clear_cache()
    categories.clear_cache()
    yield
    calendar.clear_cache()
    categories.clear_cache()
