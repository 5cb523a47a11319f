"""Shared personas: 县干部, 社区工作人员 (兴东 and 新塘), 居民 with no region."""

import pytest

from linli.accounts.models import Role
from linli.ledger import services

from .factories import make_user, region_tree


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
