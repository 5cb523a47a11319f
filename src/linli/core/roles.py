"""The roles, once. No role is spelled as a string anywhere else in Linli.

A user's role is stored on ``accounts.Profile``; Django's superuser is the one role that is not
stored there (``Role.SUPERUSER`` is what the policy answers for ``user.is_superuser``).
Which role may do what is in ``linli.core.policy`` (the capability table), never in an app.
"""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    COUNTY_OFFICIAL = "county_official", "县级干部"
    TOWN_OFFICIAL = "town_official", "镇（街道）干部"
    COMMUNITY_WORKER = "community_worker", "社区工作人员"
    DEPARTMENT_STAFF = "department_staff", "部门工作人员"
    AREA_LEADER = "area_leader", "片长"
    GROUP_LEADER = "group_leader", "组长"
    NEIGHBOUR_LEADER = "neighbour_leader", "邻长"
    COMMITTEE_MEMBER = "committee_member", "业委会成员"
    RESIDENT = "resident", "居民"
    SUPERUSER = "superuser", "系统管理员"


#: The roles a profile may hold (the superuser is Django's flag, not a profile role).
ASSIGNABLE_ROLES: tuple[tuple[str, str], ...] = tuple(
    (value, label) for value, label in Role.choices if value != Role.SUPERUSER
)

#: Officials and community workers: they see their region's subtree.
REGION_ROLES = frozenset({Role.COUNTY_OFFICIAL, Role.TOWN_OFFICIAL, Role.COMMUNITY_WORKER})
#: The 三长: they see the households now in their grid subtree.
GRID_ROLES = frozenset({Role.AREA_LEADER, Role.GROUP_LEADER, Role.NEIGHBOUR_LEADER})
#: The back office: region roles and the departments' staff.
OFFICE_ROLES = REGION_ROLES | {Role.DEPARTMENT_STAFF}
#: Residents' own roles: their household and compound.
RESIDENT_ROLES = frozenset({Role.RESIDENT, Role.COMMITTEE_MEMBER})
