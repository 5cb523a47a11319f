"""How the cases' rows reach the people who may see them (``linli.core.policy``).

| role | sees (``view``) | holds (``act``) |
|---|---|---|
| 县/镇干部, 社区工作人员 | their region subtree's | the same |
| 片长/组长/邻长 | arisen in, or held by, their grid subtree | held by their own cell (邻/组/片) |
| 部门工作人员 | dispatched to their departments | those still at department level |
| 居民 | their household's | none |
| everyone signed in | the ones they reported themselves | none |

Categories, departments and the working calendar are reference data everyone reads.
"""

from __future__ import annotations

from django.db.models import Q

from linli.core.policy import Actor, Filter, register
from linli.core.roles import Role


def _p(prefix: str) -> str:
    return f"{prefix}__" if prefix else ""


def _department_ids(actor: Actor):
    from .models import DepartmentMember

    # an anonymous actor's None filters as IS NULL: no membership (django-stubs wants an id)
    return DepartmentMember.objects.filter(user_id=actor.user_id).values(  # type: ignore[misc]
        "department_id"
    )


def _held_q(actor: Actor, p: str) -> Filter:
    """The cases ``actor`` holds now (or oversees as an official of their region)."""
    from .models import HandlerLevel

    if actor.is_superuser:
        return Q()
    if actor.in_region:
        return Q(**{f"{p}community__path__startswith": actor.region_path})
    if actor.in_grid:
        return Q(**{f"{p}level__lte": HandlerLevel.AREA, f"{p}grid_id": actor.grid_id})
    if actor.role == Role.DEPARTMENT_STAFF:
        return Q(
            **{
                f"{p}level": HandlerLevel.DEPARTMENT,
                f"{p}department_id__in": _department_ids(actor),
            }
        )
    return None


def _seen_q(actor: Actor, p: str) -> Filter:
    """The cases ``actor`` sees: their place's, and always the ones they reported."""
    if actor.user_id is None:
        return None
    if actor.is_superuser:
        return Q()
    own = Q(**{f"{p}reporter_id": actor.user_id})
    if actor.in_region:
        return own | Q(**{f"{p}community__path__startswith": actor.region_path})
    if actor.in_grid:
        path = actor.grid_path
        return (
            own
            | Q(**{f"{p}origin_grid__path__startswith": path})
            | Q(**{f"{p}grid__path__startswith": path})
        )
    if actor.role == Role.DEPARTMENT_STAFF:
        return own | Q(**{f"{p}department_id__in": _department_ids(actor)})
    if actor.role == Role.RESIDENT and actor.household_id:
        return own | Q(**{f"{p}household_id": actor.household_id})
    return own


def case_rule(prefix: str = ""):
    """Cases (``prefix`` leads from the scoped model to a ``cases.Case``): ``act`` is what the
    actor holds, anything else what they see."""
    p = _p(prefix)

    def rule(actor: Actor, action: str) -> Filter:
        return _held_q(actor, p) if action == "act" else _seen_q(actor, p)

    return rule


def _everyone(actor: Actor, action: str) -> Filter:
    return Q()


def _member_rule(actor: Actor, action: str) -> Filter:
    """Department members: officials see all, a staff member their own rows."""
    if actor.is_superuser or actor.in_region:
        return Q()
    return Q(user_id=actor.user_id) if actor.user_id else None


def _key_rule(actor: Actor, action: str) -> Filter:
    """Open311 keys: the issuers — officials of the region the key is limited to."""
    if actor.is_superuser:
        return Q()
    if actor.in_region:
        return Q(region__path__startswith=actor.region_path)
    return None


def register_scopes() -> None:
    from .models import (
        Case,
        CaseEvent,
        CasePhoto,
        Category,
        Department,
        DepartmentMember,
        Open311ApiKey,
        Open311Submission,
        WorkCalendarDay,
    )

    register(Case, case_rule())
    register(CaseEvent, case_rule("case"))
    register(CasePhoto, case_rule("case"))
    register(Open311Submission, case_rule("case"))
    register(Category, _everyone)
    register(Department, _everyone)
    register(WorkCalendarDay, _everyone)
    register(DepartmentMember, _member_rule)
    register(Open311ApiKey, _key_rule)
