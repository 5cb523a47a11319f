"""Shared personas: 县干部, 社区工作人员 (兴东 and 新塘), 居民 with no region."""

import pytest

from linli.accounts.models import Role
from linli.ledger import services

from .factories import make_user, region_tree


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (kept tables reload from the test's own rows)."""
    from django.core.cache import cache

    cache.clear()


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
    """兴东社区's grid and personas: ``matrix_world.build_grid_world``."""
    from .matrix_world import build_grid_world

    return build_grid_world(regions, compound)


@pytest.fixture
def cases_seeded(db):
    """The cases app's seeded categories, departments and calendar, restored after a
    transactional test's flush (the data migration is idempotent)."""
    import importlib

    from django.apps import apps

    importlib.import_module(
        "linli.cases.migrations.0002_seed_categories_departments_calendar"
    ).seed(apps, None)
