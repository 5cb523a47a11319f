"""Civility personas on grid_world (兴东社区): a second 组 (组2 → 邻C, household 2栋301) with
its own 组长, so that "the 组长 of another cell" exists; campaigns of each kind, nominations
open until 2026-05-10, a vote from 05-11 to 05-15."""

import datetime as dt
from decimal import Decimal

import pytest

from linli.accounts.models import Role
from linli.civility import services
from linli.civility.models import Criterion, Kind
from linli.grid import services as grid_services
from linli.grid.models import GridLevel
from linli.ledger import services as ledger_services

from ..factories import make_user

CST = dt.timezone(dt.timedelta(hours=8))


def on(day, month=5, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=CST)


def full_marks(kind, share=1.0):
    """Points for every active line of ``kind``: ``share`` of each line's full marks."""
    return {
        c.pk: int(c.max_points * share) for c in Criterion.objects.filter(kind=kind, active=True)
    }


@pytest.fixture
def criteria_seeded(db):
    """The default checklists, restored after a transactional test's flush (idempotent)."""
    import importlib

    from django.apps import apps

    importlib.import_module("linli.civility.migrations.0002_seed_criteria").seed(apps, None)


@pytest.fixture
def cworld(grid_world, xingdong_worker, xintang_worker, compound, criteria_seeded):
    community = grid_world["community"]
    group2 = grid_services.grid_create(
        community=community, level=GridLevel.GROUP, name="第2组", parent=grid_world["area"]
    )
    n_c = grid_services.grid_create(
        community=community, level=GridLevel.NEIGHBOUR, name="第3邻", parent=group2
    )
    h301 = ledger_services.household_ensure(
        compound=compound, building="2栋", unit="1单元", room="301", area=Decimal("90.00")
    )
    grid_services.household_assign(household=h301, neighbour=n_c)
    ledger_services.resident_save(household=h301, name="孙丽", id_number="360426199101010071")
    leader2 = make_user("zuzhang_2", Role.GROUP_LEADER, community, "组长2")
    leader2.profile.grid = group2
    leader2.profile.save()
    worker = xingdong_worker
    family = services.campaign_create(
        actor=worker,
        community=community,
        kind=Kind.BEAUTIFUL_FAMILY,
        year=2026,
        nominate_until=dt.date(2026, 5, 10),
        vote_from=dt.date(2026, 5, 11),
        vote_until=dt.date(2026, 5, 15),
    )
    star = services.campaign_create(
        actor=worker,
        community=community,
        kind=Kind.STAR_BUILDING,
        year=2026,
        nominate_until=dt.date(2026, 5, 10),
    )
    return {
        **grid_world,
        "worker": worker,
        "other_worker": xintang_worker,
        "leader2": leader2,
        "group2": group2,
        "h301": h301,
        "family": family,
        "star": star,
        "building1": grid_world["households"]["101"].unit.building,
        "building2": h301.unit.building,
    }
