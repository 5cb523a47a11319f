"""Shared personas: 县干部, 社区工作人员 (兴东 and 新塘), 居民 with no region."""

import pytest

from linli.accounts.models import Role
from linli.ledger import services

from .factories import make_user, region_tree


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to the test's own folder, never to ./data/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def regions(db):
    return region_tree()


@pytest.fixture
def county_official(regions):
    return make_user("county", Role.COUNTY_OFFICIAL, regions["county"], "县干部")


@pytest.fixture
def xingdong_worker(regions):
    return make_user("xd_worker", Role.COMMUNITY_WORKER, regions["xingdong"], "兴东工作人员")


@pytest.fixture
def xintang_worker(regions):
    return make_user("xt_worker", Role.COMMUNITY_WORKER, regions["xintang"], "新塘工作人员")


@pytest.fixture
def compound(regions):
    return services.compound_create(community=regions["xingdong"], name="粮站宿舍")


@pytest.fixture
def other_compound(regions):
    return services.compound_create(community=regions["xintang"], name="新塘小区")


@pytest.fixture
def grid_world(regions, compound):
    """兴东社区: 片 A → 组 A → 邻 A (101, 102) and 邻 B (201); personas for each place.

    Returns a dict with the cells, households, residents and the users 片长 A, 组长 A,
    邻长 A, 邻长 B, 居民 A (in 101), 居民 B (in 201).
    """
    from decimal import Decimal

    from linli.grid import services as grid_services
    from linli.grid.models import GridLevel

    community = regions["xingdong"]
    area = grid_services.grid_create(community=community, level=GridLevel.AREA, name="第1片")
    group = grid_services.grid_create(
        community=community, level=GridLevel.GROUP, name="第1组", parent=area
    )
    n_a = grid_services.grid_create(
        community=community, level=GridLevel.NEIGHBOUR, name="第1邻", parent=group
    )
    n_b = grid_services.grid_create(
        community=community, level=GridLevel.NEIGHBOUR, name="第2邻", parent=group
    )
    h = {}
    for room in ("101", "102", "201"):
        h[room] = services.household_ensure(
            compound=compound, building="1栋", unit="1单元", room=room, area=Decimal("80.00")
        )
    for room in ("101", "102"):
        grid_services.household_assign(household=h[room], neighbour=n_a)
    grid_services.household_assign(household=h["201"], neighbour=n_b)
    r_a = services.resident_save(
        household=h["101"],
        name="刘建国",
        id_number="430424195606055010",
        phone="13921869779",
        lives_alone=True,
    )
    r_a2 = services.resident_save(household=h["102"], name="王桂兰", id_number="430424194101035562")
    r_b = services.resident_save(
        household=h["201"], name="赵志强", id_number="430424198202185410", phone="13930284657"
    )
    users = {
        "area_leader": make_user("pianzhang_a", Role.AREA_LEADER, community, "片长A"),
        "group_leader": make_user("zuzhang_a", Role.GROUP_LEADER, community, "组长A"),
        "leader_a": make_user("linzhang_a", Role.NEIGHBOUR_LEADER, community, "邻长A"),
        "leader_b": make_user("linzhang_b", Role.NEIGHBOUR_LEADER, community, "邻长B"),
        "resident_a": make_user("jumin_a", Role.RESIDENT, community, "居民A"),
        "resident_b": make_user("jumin_b", Role.RESIDENT, community, "居民B"),
    }
    for key, grid in (
        ("area_leader", area),
        ("group_leader", group),
        ("leader_a", n_a),
        ("leader_b", n_b),
    ):
        users[key].profile.grid = grid
        users[key].profile.save()
    users["resident_a"].profile.household = h["101"]
    users["resident_a"].profile.save()
    users["resident_b"].profile.household = h["201"]
    users["resident_b"].profile.save()
    grid_services.post_assign(grid=n_a, resident=r_a2, user=users["leader_a"], reason="推选")
    grid_services.post_assign(grid=n_b, resident=r_b, user=users["leader_b"], reason="推选")
    return {
        "community": community,
        "area": area,
        "group": group,
        "n_a": n_a,
        "n_b": n_b,
        "households": h,
        "residents": {"a": r_a, "a2": r_a2, "b": r_b},
        **users,
    }


@pytest.fixture
def cases_seeded(db):
    """The cases app's seeded categories, departments and calendar, restored after a
    transactional test's flush (the data migration is idempotent)."""
    import importlib

    from django.apps import apps

    importlib.import_module(
        "linli.cases.migrations.0002_seed_categories_departments_calendar"
    ).seed(apps, None)
