import pytest


@pytest.fixture
def world(grid_world, cases_seeded, xingdong_worker):
    """兴东's grid (1栋1单元: 101 and 102 in 第1邻 under 邻长 A, 201 in 第2邻 under 邻长 B) and the
    stairwell codes of 兴东社区."""
    from linli.stairwell import services

    rows = services.codes_for_community(community=grid_world["community"])
    return {
        **grid_world,
        "codes": {str(unit): code for unit, code in rows},
        "worker": xingdong_worker,
    }


@pytest.fixture
def code(world):
    return world["codes"]["粮站宿舍1栋1单元"]
