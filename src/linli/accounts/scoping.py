"""Who may see what: the one place that turns a user's role and place into querysets.

Every selector in every app starts from these functions, so lists, details, counts, exports
and dashboards agree (no total leaks what a list hides). The filter always joins on *the
requesting user's own* place — never on "any leader of the place".

| role | sees households | sees compounds | sensitive tags | may unmask |
|---|---|---|---|---|
| 县/镇干部, 社区工作人员 | region subtree | region subtree | yes | ID and phone (logged) |
| 部门工作人员 | none | region subtree | no | nothing |
| 片长/组长/邻长 | their grid subtree | compounds of those households | yes | phone (logged) |
| 业委会成员 | their compound | their compound | no | nothing |
| 居民 | their own household | their compound | no | nothing |
"""

from __future__ import annotations

from django.db.models import Q

from .models import Role

REGION_ROLES = {Role.COUNTY_OFFICIAL, Role.TOWN_OFFICIAL, Role.COMMUNITY_WORKER}
GRID_ROLES = {Role.AREA_LEADER, Role.GROUP_LEADER, Role.NEIGHBOUR_LEADER}
NOTHING = None  # a filter value meaning "no rows"


def _profile(user):
    if not user or not user.is_authenticated:
        return None
    return getattr(user, "profile", None)


def role_of(user) -> str | None:
    if user is not None and user.is_authenticated and user.is_superuser:
        return "superuser"
    profile = _profile(user)
    return profile.role if profile else None


def household_q(user, prefix: str = "") -> Q | None:
    """A filter on Household (or ``prefix`` + Household) that ``user`` may see; None = nothing."""
    p = f"{prefix}__" if prefix else ""
    if user is not None and user.is_authenticated and user.is_superuser:
        return Q()
    profile = _profile(user)
    if profile is None:
        return NOTHING
    role = profile.role
    if role in REGION_ROLES and profile.region_id:
        return Q(
            **{f"{p}unit__building__compound__community__path__startswith": profile.region.path}
        )
    if role in GRID_ROLES and profile.grid_id:
        return Q(
            **{
                f"{p}grid_memberships__end__isnull": True,
                f"{p}grid_memberships__neighbour__path__startswith": profile.grid.path,
            }
        )
    if role == Role.COMMITTEE_MEMBER and profile.compound_id:
        return Q(**{f"{p}unit__building__compound_id": profile.compound_id})
    if role == Role.RESIDENT and profile.household_id:
        return Q(**{f"{p}pk" if p else "pk": profile.household_id})
    return NOTHING


def compound_q(user, prefix: str = "") -> Q | None:
    """A filter on Compound (or ``prefix`` + Compound); None = nothing."""
    from linli.ledger.models import Household

    p = f"{prefix}__" if prefix else ""
    if user is not None and user.is_authenticated and user.is_superuser:
        return Q()
    profile = _profile(user)
    if profile is None:
        return NOTHING
    role = profile.role
    if role in REGION_ROLES | {Role.DEPARTMENT_STAFF} and profile.region_id:
        return Q(**{f"{p}community__path__startswith": profile.region.path})
    if role == Role.COMMITTEE_MEMBER and profile.compound_id:
        return Q(**{f"{p}pk" if p else "pk": profile.compound_id})
    hq = household_q(user)
    if hq is None:
        return NOTHING
    ids = Household.objects.filter(hq).values("unit__building__compound_id")
    return Q(**{f"{p}pk__in" if p else "pk__in": ids})


def region_q(user) -> Q | None:
    """A filter on Region: the user's region subtree, or the communities of what they see."""
    from linli.ledger.models import Compound

    if user is not None and user.is_authenticated and user.is_superuser:
        return Q()
    profile = _profile(user)
    if profile is None:
        return NOTHING
    if profile.role in REGION_ROLES | {Role.DEPARTMENT_STAFF} and profile.region_id:
        return Q(path__startswith=profile.region.path)
    cq = compound_q(user)
    if cq is None:
        return NOTHING
    return Q(pk__in=Compound.objects.filter(cq).values("community_id"))


def grid_q(user) -> Q | None:
    """A filter on grid.Grid: region roles see their region's grids, leaders their subtree."""
    if user is not None and user.is_authenticated and user.is_superuser:
        return Q()
    profile = _profile(user)
    if profile is None:
        return NOTHING
    if profile.role in REGION_ROLES and profile.region_id:
        return Q(community__path__startswith=profile.region.path)
    if profile.role in GRID_ROLES and profile.grid_id:
        return Q(path__startswith=profile.grid.path)
    return NOTHING


def sees_sensitive_tags(user) -> bool:
    """Vulnerable-person tags (独居老人, 留守儿童, 残疾, 低保 …): officials, workers, the 三长."""
    role = role_of(user)
    return role == "superuser" or role in REGION_ROLES or role in GRID_ROLES


def may_unmask(user, field: str) -> bool:
    """Full ID numbers for officials and workers; phones also for the 三长 (to call on people)."""
    role = role_of(user)
    if role == "superuser" or role in REGION_ROLES:
        return field in {"id_number", "phone"}
    if role in GRID_ROLES:
        return field == "phone"
    return False


def edits_ledger(user) -> bool:
    role = role_of(user)
    return role == "superuser" or role in REGION_ROLES
