"""The demo's logins: who they are, the passwords ``linli demo`` prints, and how they are made.

* the county's own (``DEMO_USERS``): 超级管理员, 县干部, 镇干部, 兴东's 社区工作人员 and a resident
  who is the head of a real 兴东 household (made by the county layer);
* the 三长 of 兴东's first 片, 组 and 邻 (``LEADER_USERNAMES``, made by the grid layer);
* a 业委会 member for each 兴东 compound (``COMMITTEE_USERNAME``, made by the commons layer).

The demo sets these passwords directly (``set_password`` validates nothing), so they stay as
printed; ``tests/accounts/test_passwords.py`` checks that they would pass the rules anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from faker import Faker

from linli.accounts.models import Profile
from linli.core.roles import Role
from linli.ledger.models import Household, HouseholdUse, Region

from .names import XINGDONG

if TYPE_CHECKING:
    from .compounds import CompoundPlan

DEMO_URL = "http://127.0.0.1:8000/"

# username, password, role ("": superuser), region key, what the login shows
DEMO_USERS: tuple[tuple[str, str, str, str | None, str], ...] = (
    ("admin", "linli-admin", "", "county", "超级管理员，全部数据与后台"),
    ("county", "linli-county", Role.COUNTY_OFFICIAL, "county", "县干部，衡东县"),
    ("town", "linli-town", Role.TOWN_OFFICIAL, "town", "镇干部，洣水镇"),
    ("xingdong", "linli-xingdong", Role.COMMUNITY_WORKER, "xingdong", "社区工作人员，兴东社区"),
    ("resident", "linli-resident", Role.RESIDENT, None, "居民，兴东社区一户户主"),
)
# 片长, 组长 and 邻长 of 兴东's first 片, its first 组 and that 组's first 邻
LEADER_USERNAMES = ("pianzhang", "zuzhang", "linzhang")
LEADER_PASSWORD = "linli-demo"
# one 业委会 member per 兴东 compound: yeweihui-1 … yeweihui-11
COMMITTEE_USERNAME = "yeweihui-{n}"
COMMITTEE_PASSWORD = "linli-demo"


def ensure_login(username: str, password: str, *, profile: dict, superuser: bool = False):
    """The user ``username`` with ``password`` and its profile set to ``profile`` (made or
    updated: a rebuild does not duplicate it)."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.is_superuser = user.is_staff = superuser
    user.is_active = True
    user.save()
    Profile.objects.update_or_create(user=user, defaults=profile)
    return user


def county_logins(regions: dict[str, Region], fake: Faker) -> dict[str, object]:
    """The ``DEMO_USERS``, each with its role over its region; display names from ``fake``."""
    users = {}
    for username, password, role, region_key, _ in DEMO_USERS:
        users[username] = ensure_login(
            username,
            password,
            superuser=role == "",
            profile={
                "role": role or Role.COUNTY_OFFICIAL,
                "region": regions[region_key] if region_key else None,
                "display_name": "系统管理员" if role == "" else fake.name(),
            },
        )
    return users


def link_resident_login(plans: list[CompoundPlan], user, regions: dict[str, Region]) -> None:
    """The resident login is the head of a real (demo) 兴东 household and sees that household."""
    for plan in plans:
        if plan.community != XINGDONG:
            continue
        for h in plan.households:
            head = h.people[0]
            if h.use == HouseholdUse.OWNER_OCCUPIED and len(head.phone) == 11:
                profile = user.profile
                profile.display_name, profile.phone = head.name, head.phone
                profile.household = Household.objects.get(
                    unit__building__compound__community=regions[XINGDONG],
                    unit__building__compound__name=plan.name,
                    unit__building__name=h.building,
                    unit__name=h.unit,
                    room=h.room,
                )
                profile.save(update_fields=["display_name", "phone", "household"])
                return
