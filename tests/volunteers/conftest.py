"""Volunteer personas on grid_world (兴东社区): 居民 A (刘建国, 101) is volunteer A with his own
account; 赵志强 (201) is volunteer B, also the 邻长 B's resident; the 兴东 worker organises and
a second worker (兴东工作人员2) decides what the first may not. One activity, 周六清洁, with a
shift 09:00–11:30 on 2026-05-09 (Beijing time)."""

import datetime as dt

import pytest

from linli.accounts.models import Role
from linli.volunteers import services
from linli.volunteers.services import ShiftIn

from ..factories import make_user

CST = dt.timezone(dt.timedelta(hours=8))


def at(hour, minute=0, day=9):
    return dt.datetime(2026, 5, day, hour, minute, tzinfo=CST)


@pytest.fixture
def vworld(grid_world, xingdong_worker, xintang_worker):
    community = grid_world["community"]
    worker2 = make_user("xd_worker2", Role.COMMUNITY_WORKER, community, "兴东工作人员2")
    team = services.team_create(
        actor=xingdong_worker, community=community, name="党员先锋队", kind="party_vanguard"
    )
    va = services.volunteer_register(
        actor=xingdong_worker,
        community=community,
        resident=grid_world["residents"]["a"],
        user=grid_world["resident_a"],
        teams=[team],
    )
    vb = services.volunteer_register(
        actor=xingdong_worker,
        community=community,
        resident=grid_world["residents"]["b"],
        user=grid_world["resident_b"],
        is_party_member=True,
    )
    activity = services.activity_create(
        actor=xingdong_worker,
        community=community,
        title="周六清洁",
        kind="cleaning",
        place="粮站宿舍",
        team=team,
        shifts=[ShiftIn(start=at(9), end=at(11, 30), places=5)],
    )
    return {
        **grid_world,
        "worker": xingdong_worker,
        "worker2": worker2,
        "other_worker": xintang_worker,
        "team": team,
        "va": va,
        "vb": vb,
        "activity": activity,
        "shift": activity.shifts.get(),
    }
